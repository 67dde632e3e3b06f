/* leaderless.c: the leaderless protocol (Dynamo, Cassandra): whichever node a
 * client talks to coordinates its request against every replica, answers once
 * the level's count of replicas replied, and keeps hints for replicas that
 * missed a write; reads repair stale replicas. An add or a set change under
 * last-write-wins reads at its level first and then writes the result at
 * it, as a client's read-modify-write does (nothing makes two of them
 * atomic: that is what a txn is for). Replicas exchange whole key states
 * (struct kstate) and join them, so they converge in any order; the heal
 * resolves what diverged by the chosen strategy (heal.c); hints and
 * anti-entropy are in replicate.c. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capviz/array.h"
#include "capviz/world.h"

enum { LL_SUB_DEADLINE = 1, LL_SUB_HEAL = LEADERLESS_SUB_HEAL };

static int ll_count(uint32_t bits)
{
	int c = 0;

	for (; bits; bits &= bits - 1)
		c++;
	return c;
}

static uint32_t ll_all(const struct world *w)
{
	return (uint32_t)((1u << w->n) - 1);
}

void leaderless_node_free(struct leaderless_node *n)
{
	free(n->reqs);
	free(n->hints);
	free(n->paxos);
	free(n->lwts);
	memset(n, 0, sizeof *n);
}

static struct ll_request *ll_find(struct world *w, int node, uint64_t req)
{
	struct leaderless_node *ln = &w->nodes[node].ll;

	for (size_t i = 0; i < ln->nreqs; i++)
		if (ln->reqs[i].req == req)
			return &ln->reqs[i];
	return NULL;
}

static void ll_drop(struct world *w, int node, const struct ll_request *r)
{
	struct leaderless_node *ln = &w->nodes[node].ll;
	size_t i = (size_t)(r - ln->reqs);

	memmove(&ln->reqs[i], &ln->reqs[i + 1], (ln->nreqs - i - 1) * sizeof *ln->reqs);
	ln->nreqs--;
}

/* A new request slot at node, or NULL when memory ran out. */
static struct ll_request *ll_add(struct world *w, int node)
{
	void *grown;
	struct leaderless_node *ln = &w->nodes[node].ll;
	struct ll_request *r;

	grown = array_grow(ln->reqs, &ln->reqs_cap, ln->nreqs, sizeof *ln->reqs);
	if (!grown) {
		w->oom = true;
		return NULL;
	}
	ln->reqs = grown;
	r = &ln->reqs[ln->nreqs++];
	/* Not the reply states: they are large, and read only where found says. */
	memset(r, 0, offsetof(struct ll_request, replies));
	memset(&r->v, 0, sizeof *r - offsetof(struct ll_request, v));
	r->req = world_token(w);
	return r;
}

/* --- writes --- */

/* The replicas from believes down: a request is not sent to them, as a
 * Cassandra coordinator sends only to the replicas its failure detector
 * believes up. */
static uint32_t ll_skipped(const struct world *w, int from)
{
	return w->nodes[from].believes_down & ll_all(w) & ~(1u << from);
}

static void ll_send_all(struct world *w, int from, const struct msg *m)
{
	for (int j = 0; j < w->n; j++)
		if (j != from && !world_believes_down(w, from, j))
			net_send(w, from, j, m);
}

/* Fewer replicas believed up than the level needs: the request fails at
 * once with a definite error, before anything is sent or written (what
 * says what was not done). Cassandra's UnavailableException. */
static bool ll_unavailable(struct world *w, const struct op *op, int need, const char *what)
{
	char why[OP_ERROR_MAX];

	if (!world_unavailable(w, op->node, need, level_name(op->level), what, why, sizeof why))
		return false;
	world_op_refuse(w, op->id, why);
	return true;
}

/* "; C (believed up) did not answer": the replicas asked in vain, which is
 * why a request timed out rather than failed at once. */
static void ll_silent_text(const struct world *w, const struct ll_request *r, char *buf, size_t len)
{
	uint32_t silent = ll_all(w) & ~r->answered & ~r->skipped;
	int total = ll_count(silent), k = 0;
	size_t used;

	buf[0] = '\0';
	if (!silent)
		return;
	used = (size_t)snprintf(buf, len, " (");
	for (int j = 0; j < w->n && used < len; j++)
		if (silent & (1u << j))
			used += (size_t)snprintf(buf + used, len - used, "%s%c", ++k == 1 ? "" : k == total ? " and " : ", ",
						 'A' + j);
	if (used < len)
		snprintf(buf + used, len - used, ", believed up, did not)");
}

/* A write at its coordinator c: stamped with c's clock (skew included);
 * kstate_write works out the value and a vector clock that follows
 * everything c knows of the key. */
static struct version ll_stamp(struct world *w, int c, const struct op *op)
{
	struct version v;

	memset(&v, 0, sizeof v);
	v.wid = op->wid;
	v.ts_us = world_clock(w, c);
	v.node = c;
	world_write_local(w, c, op->key, op->kind, op->arg, &v);
	return v;
}

/* Answers the client, or forgets the request, as soon as that is due. */
static void ll_write_progress(struct world *w, int c, struct ll_request *r)
{
	if (!r->answered_client && ll_count(r->answered) >= r->need) {
		r->answered_client = true;
		world_op_finish(w, r->op, NULL, true, &r->v);
	}
	if ((r->answered | r->skipped) == ll_all(w))
		ll_drop(w, c, r);
}

void leaderless_write_start(struct world *w, struct op *op)
{
	int c = op->node;
	struct ll_request *r;
	struct msg m;
	uint32_t skipped;

	if (ll_unavailable(w, op, world_level_need(w, op->level), "nothing written"))
		return;
	r = ll_add(w, c);
	if (!r) {
		world_op_finish(w, op->id, "out of memory", false, NULL);
		return;
	}
	r->op = op->id;
	r->kind = op->kind;
	r->key = op->key;
	r->need = world_level_need(w, op->level);
	r->v = ll_stamp(w, c, op);
	/* The client learns what its write made of the key: the value it
	 * assigned (even when a version with a later timestamp hides it at
	 * once), or, for an add or a set change under crdt or merge, what the
	 * merged view reads. */
	if (w->strategy != STRAT_LWW && op->kind != OP_WRITE)
		world_value(w, c, r->key, &r->v.value);
	r->deadline_us = w->now_us + w->timing.request_timeout_us;
	r->answered = 1u << c;
	r->skipped = skipped = ll_skipped(w, c);
	memset(&m, 0, sizeof m);
	m.kind = MSG_WRITE;
	m.req = r->req;
	m.key = r->key;
	m.v = r->v;
	m.u.ks = *store_state(&w->nodes[c].store, r->key);
	world_timer(w, c, PROTO_LEADERLESS, LL_SUB_DEADLINE, w->timing.request_timeout_us, r->req);
	ll_send_all(w, c, &m);
	/* A replica believed down gets a hint at once, as Cassandra writes
	 * one for an endpoint its failure detector says is down. */
	for (int j = 0; j < w->n; j++)
		if (skipped & (1u << j))
			leaderless_hint_add(w, c, j, m.key, &m.u.ks, 0);
	/* Sending may not reallocate reqs, but look again to be plain. */
	r = ll_find(w, c, m.req);
	if (r)
		ll_write_progress(w, c, r);
}

/* --- reads --- */

/* The join of every state the replicas replied with. */
static bool ll_joined(struct world *w, const struct ll_request *r, struct kstate *out)
{
	bool any = false;

	kstate_clear(out);
	for (int j = 0; j < w->n; j++)
		if (r->found & (1u << j)) {
			kstate_merge(out, &r->replies[j], w->n);
			any = true;
		}
	return any;
}

/* Read repair: every replica that answered with less than the join of the
 * replies gets the join, the coordinator's own replica directly. It is
 * blocking, as Cassandra's is: the client has its answer only once enough
 * replicas (the level's count) hold what it is told, so a later read at
 * that level cannot find less. */
static void ll_read_repair(struct world *w, int c, struct ll_request *r)
{
	struct kstate joined;
	struct msg m;

	if (!ll_joined(w, r, &joined))
		return;
	for (int j = 0; j < w->n; j++) {
		uint32_t bit = 1u << j;

		if (!(r->answered & bit) || (r->repairing & bit))
			continue;
		if ((r->found & bit) && kstate_covers(&r->replies[j], &joined, w->n))
			continue;
		if (j == c) {
			world_merge(w, c, r->key, &joined);
			r->replies[c] = *store_state(&w->nodes[c].store, r->key);
			r->found |= bit;
			continue;
		}
		memset(&m, 0, sizeof m);
		m.kind = MSG_REPAIR;
		m.req = r->req;
		m.key = r->key;
		m.v = joined.v;
		m.u.ks = joined;
		r->repairing |= bit;
		net_send(w, c, j, &m);
	}
}

/* How many answered replicas are known to hold the join of the replies. */
static int ll_holding(const struct world *w, const struct ll_request *r, const struct kstate *joined)
{
	int n = 0;

	for (int j = 0; j < w->n; j++)
		n += (r->answered & r->found & (1u << j)) && !(r->repairing & (1u << j)) &&
		     kstate_covers(&r->replies[j], joined, w->n);
	return n;
}

/* The answer a read gives from the joined state: the strategy's value; the
 * write it stands for (the only sibling, else the newest timestamp). */
static void ll_read_answer(struct world *w, const struct kstate *k, struct version *out)
{
	*out = k->nsib == 1 && w->strategy != STRAT_LWW ? k->sib[0] : k->v;
	out->value = kstate_value(k, w->strategy, w->n);
}

/* --- read-modify-writes --- */

/* What a read-modify-write's read found: c's replica, which holds the join
 * of the answers from the replicas in from (the read repair saw to it). */
static void ll_rmw_base(struct world *w, struct op *op, int c, uint32_t from)
{
	const struct kstate *k = store_state(&w->nodes[c].store, op->key);

	op->rmw_read = true;
	op->rmw_from = from;
	op->rmw_found = k->present;
	op->rmw_base_wid = k->present ? k->v.wid : 0;
	op->rmw_base = k->present ? k->v.value : 0;
}

/* The read is done: the write builds on what c's replica now holds, at the
 * same level, as a client that reads and then writes would. The read is
 * forgotten: late answers and repair acks find nothing, and the write
 * carries the join to every replica. */
static void ll_rmw_write(struct world *w, int c, struct ll_request *r)
{
	struct op *op = world_op(w, r->op);
	uint32_t from = r->answered;

	ll_drop(w, c, r);
	if (!op || op->result != RES_PENDING)
		return;
	ll_rmw_base(w, op, c, from);
	leaderless_write_start(w, op);
}

static void ll_read_start(struct world *w, struct op *op, bool rmw);

/* An add or a set change under last-write-wins: a read at the op's level,
 * then the write of the result at it. At ONE (a level of one replica) the
 * read is the coordinator's own replica alone, so it may build on a stale
 * base; at QUORUM it sees every write a quorum acknowledged. */
static void ll_rmw_start(struct world *w, struct op *op)
{
	if (world_level_need(w, op->level) > 1) {
		ll_read_start(w, op, true);
		return;
	}
	ll_rmw_base(w, op, op->node, 1u << op->node);
	leaderless_write_start(w, op);
}

static void ll_read_progress(struct world *w, int c, struct ll_request *r)
{
	if (!r->answered_client && ll_count(r->answered) >= r->need) {
		struct kstate joined;
		struct version v;
		bool found = ll_joined(w, r, &joined);
		struct op *op = world_op(w, r->op);

		if (found && ll_holding(w, r, &joined) < r->need)
			return;         /* the repairs have not all landed yet */
		if (r->rmw) {
			ll_rmw_write(w, c, r);
			return;
		}
		r->answered_client = true;
		if (found)
			ll_read_answer(w, &joined, &v);
		if (op && found) {
			struct version choice[WORLD_MAX_NODES];

			op->conflict = kstate_choices(&joined, w->strategy, w->n, choice) > 1;
			op->unresolved = kstate_unresolved(&joined, w->strategy, w->n);
		}
		world_op_finish(w, r->op, NULL, found, found ? &v : NULL);
	}
	if (r->answered_client && (r->answered | r->skipped) == ll_all(w) && !r->repairing)
		ll_drop(w, c, r);
}

static void ll_read_start(struct world *w, struct op *op, bool rmw)
{
	int c = op->node;
	struct ll_request *r;
	const struct kstate *own;
	struct msg m;

	if (ll_unavailable(w, op, world_level_need(w, op->level), rmw ? "nothing written" : NULL))
		return;
	r = ll_add(w, c);
	if (!r) {
		world_op_finish(w, op->id, "out of memory", false, NULL);
		return;
	}
	r->op = op->id;
	r->kind = OP_READ;
	r->rmw = rmw;
	r->key = op->key;
	r->need = world_level_need(w, op->level);
	r->deadline_us = w->now_us + w->timing.request_timeout_us;
	r->answered = 1u << c;
	r->skipped = ll_skipped(w, c);
	own = store_state(&w->nodes[c].store, op->key);
	if (own->present) {
		r->found = 1u << c;
		r->replies[c] = *own;
	}
	memset(&m, 0, sizeof m);
	m.kind = MSG_READ;
	m.req = r->req;
	m.key = r->key;
	world_timer(w, c, PROTO_LEADERLESS, LL_SUB_DEADLINE, w->timing.request_timeout_us, r->req);
	ll_send_all(w, c, &m);
	r = ll_find(w, c, m.req);
	if (r)
		ll_read_progress(w, c, r);
}

static void ll_client(struct world *w, struct op *op)
{
	if (op->txn)
		lwt_start(w, op);
	else if (op_is_lock(op->kind))
		aplock_client(w, op);
	else if (op->kind == OP_READ)
		ll_read_start(w, op, false);
	else if (op->rmw)
		ll_rmw_start(w, op);
	else
		leaderless_write_start(w, op);
}

/* --- replies at the coordinator --- */

static void ll_on_reply(struct world *w, const struct msg *m)
{
	int c = m->to;
	struct ll_request *r = ll_find(w, c, m->req);
	uint32_t bit = 1u << m->from;

	if (!r || (r->answered & bit))
		return;         /* a late answer to a request already closed */
	r->answered |= bit;
	if (m->kind == MSG_WRITE_ACK) {
		ll_write_progress(w, c, r);
		return;
	}
	if (m->found) {
		r->found |= bit;
		r->replies[m->from] = m->u.ks;
	}
	ll_read_repair(w, c, r);
	ll_read_progress(w, c, r);
}

/* A replica took a read repair: it holds (at least) what it says now. */
static void ll_on_repair_ack(struct world *w, const struct msg *m)
{
	int c = m->to;
	struct ll_request *r = ll_find(w, c, m->req);
	uint32_t bit = 1u << m->from;

	if (!r || !(r->repairing & bit))
		return;
	r->repairing &= ~bit;
	if (m->found) {
		r->replies[m->from] = m->u.ks;
		r->found |= bit;
	}
	ll_read_repair(w, c, r);
	r = ll_find(w, c, m->req);
	if (r)
		ll_read_progress(w, c, r);
}

/* The deadline: an unanswered client gets a timeout, and every replica
 * that did not acknowledge a write gets a hint. */
static void ll_timer(struct world *w, int node, int sub, uint64_t token)
{
	struct ll_request *r = ll_find(w, node, token);
	char err[OP_ERROR_MAX];

	if (sub == LL_SUB_HEAL) {
		leaderless_heal_deadline(w, token);
		return;
	}
	if (sub == LEADERLESS_SUB_LWT || sub == LEADERLESS_SUB_LWT_RETRY) {
		lwt_timer(w, node, sub, token);
		return;
	}
	if (sub != LL_SUB_DEADLINE || !r)
		return;
	if (!r->answered_client && r->kind == OP_READ && ll_count(r->answered) >= r->need) {
		struct kstate joined;

		ll_joined(w, r, &joined);
		snprintf(err, sizeof err, "timeout: the read repair reached %d of the %d replicas it needs%s",
			 ll_holding(w, r, &joined), r->need, r->rmw ? "; nothing written" : "");
		world_op_finish(w, r->op, err, false, NULL);
	} else if (!r->answered_client) {
		char silent[64];

		ll_silent_text(w, r, silent, sizeof silent);
		snprintf(err, sizeof err, "timeout: %d of %d replicas %s%s%s", ll_count(r->answered), r->need,
			 r->rmw ? "answered the read" : r->kind == OP_READ ? "answered" : "acknowledged", silent,
			 r->rmw ? "; nothing written" : "");
		world_op_finish(w, r->op, err, false, NULL);
	}
	if (r->kind != OP_READ) {
		uint32_t answered = r->answered;
		int key = r->key;
		const struct kstate *ks = store_state(&w->nodes[node].store, key);

		ll_drop(w, node, r);
		for (int j = 0; j < w->n; j++)
			if (!(answered & (1u << j))) {
				leaderless_hint_add(w, node, j, key, ks, 0);
				leaderless_hints_send(w, node, j);
			}
		return;
	}
	ll_drop(w, node, r);
}

/* --- replica side and anti-entropy --- */

static void ll_reply(struct world *w, const struct msg *in, enum msg_kind kind, const struct kstate *ks)
{
	struct msg m;

	memset(&m, 0, sizeof m);
	m.kind = kind;
	m.req = in->req;
	m.key = in->key;
	m.ok = true;
	m.found = ks && ks->present;
	if (m.found) {
		m.v = ks->v;
		m.u.ks = *ks;
	}
	net_send(w, in->to, in->from, &m);
}

static void ll_deliver(struct world *w, const struct msg *m)
{
	switch (m->kind) {
	case MSG_WRITE:
		world_merge(w, m->to, m->key, &m->u.ks);
		ll_reply(w, m, MSG_WRITE_ACK, NULL);
		break;
	case MSG_READ:
		ll_reply(w, m, MSG_READ_REPLY, store_state(&w->nodes[m->to].store, m->key));
		break;
	case MSG_WRITE_ACK:
	case MSG_READ_REPLY:
		ll_on_reply(w, m);
		break;
	case MSG_HINT:
		/* The ack carries what the replica holds now: the holder learns
		 * whatever the replica knew that the hint did not. */
		world_merge(w, m->to, m->key, &m->u.ks);
		ll_reply(w, m, MSG_HINT_ACK, store_state(&w->nodes[m->to].store, m->key));
		break;
	case MSG_HINT_ACK:
		leaderless_hint_acked(w, m->to, m);
		if (m->req)
			leaderless_heal_confirmed(w, m->req, m->from);
		if (world_merge(w, m->to, m->key, &m->u.ks))
			leaderless_spread(w, m->to, m->from, m->key);
		break;
	case MSG_REPAIR:
		world_merge(w, m->to, m->key, &m->u.ks);
		if (m->req)     /* a read waits for it: say what this replica holds now */
			ll_reply(w, m, MSG_REPAIR_ACK, store_state(&w->nodes[m->to].store, m->key));
		break;
	case MSG_REPAIR_ACK:
		ll_on_repair_ack(w, m);
		break;
	case MSG_SYNC:
		if (m->req)
			leaderless_heal_gathered(w, m);
		else
			leaderless_on_sync(w, m);
		break;
	case MSG_LWT_PREPARE:
	case MSG_LWT_PROMISE:
	case MSG_LWT_PROPOSE:
	case MSG_LWT_ACCEPT:
	case MSG_LWT_COMMIT:
	case MSG_LWT_COMMIT_ACK:
		lwt_deliver(w, m);
		break;
	default:
		break;
	}
}

/* --- life cycle --- */

static void ll_enter(struct world *w)
{
	detector_tell(w);
	leaderless_hints_flush(w);
}

static void ll_leave(struct world *w)
{
	for (int i = 0; i < w->n; i++) {
		struct leaderless_node *ln = &w->nodes[i].ll;

		for (size_t j = 0; j < ln->nreqs; j++)
			world_op_finish(w, ln->reqs[j].op, "the protocol changed before the replicas answered", false,
					NULL);
		ln->nreqs = 0;
	}
	lwt_abort_all(w, "aborted: the protocol changed");
}

static void ll_crash(struct world *w, int node)
{
	/* Pending requests are volatile (the world failed their ops); hints
	 * are on disk and stay. */
	w->nodes[node].ll.nreqs = 0;
	lwt_forget(w, node);
}

static void ll_recover(struct world *w, int node)
{
	if (w->mode != MODE_AP)
		return;
	for (int i = 0; i < w->n; i++) {
		leaderless_hints_send(w, i, node);
		leaderless_hints_send(w, node, i);
	}
}

/* from>to came up: to hears from again and believes it up, so to's hints
 * for from may go now too (over to>from, when that is up). */
static void ll_link_up(struct world *w, int from, int to)
{
	if (w->mode != MODE_AP)
		return;
	leaderless_hints_send(w, from, to);
	leaderless_hints_send(w, to, from);
}

static void ll_heal(struct world *w)
{
	if (w->mode != MODE_AP)
		return;
	leaderless_hints_flush(w);
	leaderless_heal_start(w, w->heal_strategy);
}

/* Replicas that took writes on both sides of a partition diverge: the
 * heal resolves them by the strategy. */
static bool ll_reconciles(const struct world *w, char *why, size_t len)
{
	(void)w;
	if (len > 0)
		why[0] = '\0';
	return true;
}

const struct proto leaderless_proto = {
	.name = "leaderless",
	.enter = ll_enter,
	.leave = ll_leave,
	.client = ll_client,
	.deliver = ll_deliver,
	.timer = ll_timer,
	.crash = ll_crash,
	.recover = ll_recover,
	.link_up = ll_link_up,
	.heal = ll_heal,
	.reconciles = ll_reconciles,
};
