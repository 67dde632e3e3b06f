/* leader_client.c: client requests under the leader-based protocol. The node
 * a client talks to forwards to the leader it knows (or waits for one); the
 * leader appends writes to its log and answers when they are applied, and
 * answers reads by read index: a confirmation round with a majority, then
 * its own store once it has applied that far. Every request ends by its
 * deadline, with an error that says which majority was missing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capviz/array.h"
#include "capviz/world.h"

static struct leader_request *reqs_add(struct world *w, int node)
{
	void *grown;
	struct leader_node *ld = &w->nodes[node].ld;
	struct leader_request *r;

	grown = array_grow(ld->reqs, &ld->reqs_cap, ld->nreqs, sizeof *ld->reqs);
	if (!grown) {
		w->oom = true;
		return NULL;
	}
	ld->reqs = grown;
	r = &ld->reqs[ld->nreqs++];
	memset(r, 0, sizeof *r);
	r->fwd_to = -1;
	return r;
}

/* Removes finished requests, keeping the others in arrival order. */
static void reqs_compact(struct leader_node *ld)
{
	size_t j = 0;

	for (size_t i = 0; i < ld->nreqs; i++)
		if (!ld->reqs[i].done)
			ld->reqs[j++] = ld->reqs[i];
	ld->nreqs = j;
}

static bool op_pending(const struct world *w, uint64_t op)
{
	const struct op *o = world_op(w, op);

	return o && o->result == RES_PENDING;
}

static void release_next(struct world *w, int node);
static struct leader_request *find_req(struct leader_node *ld, uint64_t op, int origin);

/* The start of the answer to r's forwarded request. */
static void forward_reply(const struct world *w, int node, const struct leader_request *r, struct msg *m)
{
	memset(m, 0, sizeof *m);
	m->kind = MSG_FORWARD_REPLY;
	m->term = w->nodes[node].ld.term;
	m->req = r->op;
	m->key = r->key;
}

/* Answers r's client: directly when it talks to this node, else through
 * the node it talks to. error NULL means success. */
static void complete(struct world *w, int node, struct leader_request *r, const char *error,
		     bool found, const struct version *v)
{
	if (r->origin == node) {
		struct op *op = world_op(w, r->op);

		if (op && op_pending(w, r->op) && r->lock_outcome) {
			op->lock_outcome = r->lock_outcome;
			op->holder = r->holder;
			op->token = r->token;
			op->session = r->session;
		}
		r->done = true;
		if (op_pending(w, r->op) && r->cond_failed)
			world_op_cond_failed(w, r->op, error);
		else if (op_pending(w, r->op) && error && r->definite)
			world_op_refuse(w, r->op, error);
		else if (op_pending(w, r->op))
			world_op_finish(w, r->op, error, found, v);
		release_next(w, node);
		return;
	} else {
		struct msg m;

		forward_reply(w, node, r, &m);
		m.ok = error == NULL;
		m.found = found;
		if (v)
			m.v = *v;
		if (error)
			snprintf(m.u.fwd_reply.error, sizeof m.u.fwd_reply.error, "%s", error);
		m.u.fwd_reply.cond_failed = r->cond_failed;
		m.u.fwd_reply.definite = r->definite;
		if (r->kind != OP_READ)
			m.u.fwd_reply.index = r->index;
		m.u.fwd_reply.lock_outcome = r->lock_outcome;
		m.u.fwd_reply.holder = r->holder;
		m.u.fwd_reply.token = r->token;
		m.u.fwd_reply.session = r->session;
		net_send(w, node, r->origin, &m);
	}
	r->done = true;
}

static void forward(struct world *w, int node, struct leader_request *r)
{
	struct leader_node *ld = &w->nodes[node].ld;
	struct msg m;

	memset(&m, 0, sizeof m);
	m.kind = MSG_FORWARD;
	m.term = ld->term;
	m.req = r->op;
	m.key = r->key;
	m.v.wid = r->wid;
	m.u.fwd.op_kind = r->kind;
	m.u.fwd.arg = r->arg;
	m.u.fwd.op = r->op;
	m.u.fwd.level = r->level;
	m.u.fwd.txn = r->txn;
	m.u.fwd.cond_op = r->cond_op;
	m.u.fwd.cond_value = r->cond_value;
	r->fwd_to = ld->leader;
	r->fwd_term = ld->term;
	if (r->kind != OP_READ)
		world_op_sent(w, r->op);
	net_send(w, node, ld->leader, &m);
}

/* The log index of op's entry, 0 when the log has none: a request sent
 * again to a new leader must not be applied twice. */
static uint64_t find_entry(const struct leader_node *ld, uint64_t op)
{
	for (size_t i = ld->log_len; i > 0; i--)
		if (ld->log[i - 1].op == op)
			return i;
	return 0;
}

/* The newest vector clock this leader has for key, in its log or store. */
static void key_vc(const struct world *w, int node, int key, uint32_t *vc)
{
	const struct leader_node *ld = &w->nodes[node].ld;
	const struct version *cur = store_get(&w->nodes[node].store, key);

	for (size_t i = ld->log_len; i > ld->applied; i--) {
		if (ld->log[i - 1].op != 0 && ld->log[i - 1].key == key) {
			memcpy(vc, ld->log[i - 1].v.vc, sizeof ld->log[i - 1].v.vc);
			return;
		}
	}
	if (cur)
		memcpy(vc, cur->vc, sizeof cur->vc);
	else
		memset(vc, 0, sizeof cur->vc);
}

static int append_write(struct world *w, int node, struct leader_request *r)
{
	struct leader_node *ld = &w->nodes[node].ld;
	struct log_entry e;

	memset(&e, 0, sizeof e);
	e.term = ld->term;
	e.op = r->op;
	e.key = r->key;
	e.kind = r->kind;
	e.arg = r->arg;
	e.txn = r->txn;
	e.cond_op = r->cond_op;
	e.cond_value = r->cond_value;
	if (op_is_lock(r->kind))
		lock_entry(&e, r->origin);
	e.v.value = r->kind == OP_WRITE ? r->arg : 0;
	e.v.wid = r->wid;
	e.v.ts_us = world_clock(w, node);
	e.v.node = node;
	key_vc(w, node, r->key, e.v.vc);
	e.v.vc[node]++;
	if (leader_log_append(w, node, &e) < 0)
		return -1;
	world_op_sent(w, r->op);
	r->index = ld->log_len;
	leader_broadcast(w, node);
	return 0;
}

/* This node leads: carry r out. The caller then lets the leader make
 * progress (leader_advance_commit), once, after its loop over requests. */
static void serve(struct world *w, int node, struct leader_request *r)
{
	struct leader_node *ld = &w->nodes[node].ld;

	r->serving = true;
	if (r->kind == OP_READ) {
		r->read_seq = 0;
	} else {
		r->index = find_entry(ld, r->op);
		if (r->index == 0 && append_write(w, node, r) < 0)
			complete(w, node, r, "out of memory", false, NULL);
	}
}

static void route(struct world *w, int node, struct leader_request *r)
{
	struct leader_node *ld = &w->nodes[node].ld;

	if (ld->role == ROLE_LEADER)
		serve(w, node, r);
	else if (ld->leader >= 0)
		forward(w, node, r);
	else
		world_note(w, node, "%c knows no leader: the request waits for one", 'A' + node);
}

/* A read the node answers from its own replica at once: an eventual read
 * (DynamoDB) anywhere, a local read (ZooKeeper) at a server that serves. */
static void local_read(struct world *w, int node, struct leader_request *r)
{
	const struct version *v = store_get(&w->nodes[node].store, r->key);

	complete(w, node, r, NULL, v != NULL, v);
}

/* A ZooKeeper server that lost its leader closes its clients' connections:
 * every request there fails at once, rather than waiting. */
static bool refuse_unserved(struct world *w, int node, struct leader_request *r)
{
	const char *why;
	char err[OP_ERROR_MAX], cause[80];

	if (w->preset != PRESET_ZOOKEEPER || world_serving(w, node, &why))
		return false;
	/* Why it has none, when that fits in an error. */
	world_no_leader_why(w, node, WHY_CARD, cause + 2, sizeof cause - 4);
	if (cause[2] && strlen(cause + 2) < 40) {
		memcpy(cause, " (", 2);
		strcat(cause, ")");
	} else {
		cause[0] = '\0';
	}
	snprintf(err, sizeof err, "connection loss: %c has no leader%.44s, and a ZooKeeper server without one "
		 "stops serving", 'A' + node, cause);
	r->definite = true;
	complete(w, node, r, err, false, NULL);
	return true;
}

/* ZooKeeper runs one client's requests in the order it sent them (its
 * FIFO client order): a request waits until the client's earlier ones are
 * answered. A lock's requests do so under any leader-based preset, since
 * the lock service is ZooKeeper's. */
static bool fifo(const struct world *w, enum op_kind kind)
{
	return w->preset == PRESET_ZOOKEEPER || op_is_lock(kind);
}

static bool client_busy(const struct leader_node *ld, int node, const struct leader_request *self)
{
	for (size_t i = 0; i < ld->nreqs; i++)
		if (&ld->reqs[i] != self && ld->reqs[i].origin == node && !ld->reqs[i].done)
			return true;
	return false;
}

/* Carries out a request of this node's client: at once when it is a local
 * read or the server does not serve, else through the leader. */
static void start(struct world *w, int node, struct leader_request *r)
{
	r->held = false;
	if (refuse_unserved(w, node, r))
		return;
	if (r->kind == OP_READ && (r->level == LEVEL_LOCAL || r->level == LEVEL_EVENTUAL)) {
		local_read(w, node, r);
		return;
	}
	route(w, node, r);
	leader_advance_commit(w, node);
}

/* The client's next waiting request goes, now that the one before it is
 * answered: at once, but from a timer of its own, since the answer may come
 * from inside a loop over the requests. */
static void release_next(struct world *w, int node)
{
	struct leader_node *ld = &w->nodes[node].ld;

	for (size_t i = 0; i < ld->nreqs; i++) {
		const struct leader_request *r = &ld->reqs[i];

		if (r->done || r->origin != node)
			continue;
		if (r->held)
			world_timer(w, node, PROTO_LEADER, LT_RELEASE, 0, r->op);
		return;         /* one in flight at a time */
	}
}

void leader_release(struct world *w, int node, uint64_t op)
{
	struct leader_request *r = find_req(&w->nodes[node].ld, op, node);

	if (r && r->held)
		start(w, node, r);
	reqs_compact(&w->nodes[node].ld);
}

void leader_client(struct world *w, struct op *op)
{
	int node = op->node;
	uint64_t id = op->id;
	struct leader_request *r = reqs_add(w, node);

	if (!r) {
		world_op_finish(w, id, "out of memory", false, NULL);
		return;
	}
	op = world_op(w, id);
	r->op = id;
	r->kind = op->kind;
	r->key = op->key;
	r->arg = op->arg;
	r->wid = op->wid;
	r->level = op->level;
	r->txn = op->txn;
	r->cond_op = op->cond_op;
	r->cond_value = op->cond_value;
	r->origin = node;
	r->deadline_us = w->now_us + w->timing.request_timeout_us;
	world_timer(w, node, PROTO_LEADER, LT_DEADLINE, w->timing.request_timeout_us, id);
	if (fifo(w, r->kind) && client_busy(&w->nodes[node].ld, node, r))
		r->held = true;
	else
		start(w, node, r);
	reqs_compact(&w->nodes[node].ld);
}

static struct leader_request *find_req(struct leader_node *ld, uint64_t op, int origin)
{
	for (size_t i = 0; i < ld->nreqs; i++)
		if (ld->reqs[i].op == op && ld->reqs[i].origin == origin && !ld->reqs[i].done)
			return &ld->reqs[i];
	return NULL;
}

void leader_on_forward(struct world *w, const struct msg *m)
{
	int node = m->to;
	struct leader_node *ld = &w->nodes[node].ld;
	struct leader_request *r;

	if (ld->role != ROLE_LEADER) {
		struct leader_request tmp = { .op = m->req, .origin = m->from, .key = m->key };

		/* An empty error tells the sender: not the leader, look again. */
		complete(w, node, &tmp, "", false, NULL);
		return;
	}
	if (find_req(ld, m->req, m->from))
		return;         /* sent again; the first copy is under way */
	r = reqs_add(w, node);
	if (!r)
		return;
	r->op = m->req;
	r->kind = m->u.fwd.op_kind;
	r->key = m->key;
	r->arg = m->u.fwd.arg;
	r->wid = m->v.wid;
	r->level = m->u.fwd.level;
	r->txn = m->u.fwd.txn;
	r->cond_op = m->u.fwd.cond_op;
	r->cond_value = m->u.fwd.cond_value;
	r->origin = m->from;
	r->deadline_us = w->now_us + w->timing.request_timeout_us;
	serve(w, node, r);
	leader_advance_commit(w, node);
	reqs_compact(ld);
}

void leader_on_forward_reply(struct world *w, const struct msg *m)
{
	int node = m->to;
	struct leader_node *ld = &w->nodes[node].ld;
	struct leader_request *r = find_req(ld, m->req, node);

	if (!r || r->serving)
		return;
	if (!m->ok && m->u.fwd_reply.error[0] == '\0') {
		/* It is no leader: forget it, and send to the leader this
		 * node has heard of since, if any. */
		if (r->fwd_to == m->from) {
			r->fwd_to = -1;
			if (ld->leader == m->from)
				ld->leader = -1;
			leader_retry(w, node, false);
		}
		return;
	}
	if (m->ok && r->level == LEVEL_SYNC) {
		/* The leader confirmed what is committed: read here once this
		 * replica has applied that far. */
		r->synced = true;
		r->sync_index = m->u.fwd_reply.index;
		leader_progress(w, node);
		return;
	}
	r->cond_failed = m->u.fwd_reply.cond_failed;
	r->definite = m->u.fwd_reply.definite;
	r->lock_outcome = m->u.fwd_reply.lock_outcome;
	r->holder = m->u.fwd_reply.holder;
	r->token = m->u.fwd_reply.token;
	r->session = m->u.fwd_reply.session;
	if (m->ok && r->kind != OP_READ && fifo(w, r->kind) && m->u.fwd_reply.index > ld->applied) {
		/* A ZooKeeper follower answers its client once it has applied
		 * the write itself: the client's next read here sees it. */
		r->synced = true;
		r->sync_index = m->u.fwd_reply.index;
		r->stashed = true;
		r->stash_found = m->found;
		r->stash_v = m->v;
		return;
	}
	complete(w, node, r, m->ok ? NULL : m->u.fwd_reply.error, m->found, &m->v);
	reqs_compact(ld);
}

/* Why a follower's request to the leader it follows got no answer: the
 * way there is cut (one way, and it still hears the leader, so it keeps
 * following it; or both, and it has not noticed yet), or the leader did not
 * finish in time. "no quorum" only when it is the leader that lacks one. */
static void follower_timeout(const struct world *w, int node, int leader, char *why, size_t len)
{
	if (!w->links[node][leader].up && w->links[leader][node].up)
		snprintf(why, len, "timeout: %c's requests to its leader %c are lost (the link %c>%c is cut); %c's "
			 "heartbeats still reach %c, so %c keeps following it", 'A' + node, 'A' + leader, 'A' + node,
			 'A' + leader, 'A' + leader, 'A' + node, 'A' + node);
	else if (!w->links[node][leader].up)
		snprintf(why, len, "timeout: %c cannot reach its leader %c (cut off), and has not yet noticed it lost it",
			 'A' + node, 'A' + leader);
	else if (w->nodes[leader].crashed)
		snprintf(why, len, "timeout: %c's leader %c is down, and %c has not yet noticed", 'A' + node,
			 'A' + leader, 'A' + node);
	else if (leader_heard_count(w, leader) < world_quorum(w))
		snprintf(why, len, "no quorum: %c's leader %c hears from %d of %d nodes", 'A' + node, 'A' + leader,
			 leader_heard_count(w, leader), w->n);
	else
		snprintf(why, len, "timeout: no answer from %c's leader %c in time", 'A' + node, 'A' + leader);
}

void leader_deadline(struct world *w, int node, uint64_t op)
{
	struct leader_node *ld = &w->nodes[node].ld;
	struct leader_request *r = find_req(ld, op, node);
	char why[OP_ERROR_MAX];

	if (!r)
		return;
	if (r->held)
		snprintf(why, sizeof why, "timeout: the client's earlier request at %c was still not answered",
			 'A' + node);
	else if (r->synced)
		snprintf(why, sizeof why, "timeout: %c synced but has applied %llu of the leader's %llu entries",
			 'A' + node, (unsigned long long)ld->applied, (unsigned long long)r->sync_index);
	else if (ld->role == ROLE_LEADER && leader_heard_count(w, node) >= world_quorum(w))
		/* It hears from a majority: the entry or the read's round was
		 * simply not done in time (it may be, later). */
		snprintf(why, sizeof why, "timeout: leader %c had not %s in time", 'A' + node,
			 r->kind == OP_READ ? "confirmed the read with a majority" : "committed the write");
	else if (ld->role == ROLE_LEADER)
		snprintf(why, sizeof why, "no quorum: leader %c heard from %d of %d nodes",
			'A' + node, leader_heard_count(w, node), w->n);
	else if (ld->leader >= 0)
		follower_timeout(w, node, ld->leader, why, sizeof why);
	else if (!world_no_leader_why(w, node, WHY_ERROR, why, sizeof why))
		snprintf(why, sizeof why, "no quorum: %c cannot reach a leader", 'A' + node);
	complete(w, node, r, why, false, NULL);
	reqs_compact(ld);
}

void leader_retry(struct world *w, int node, bool again)
{
	struct leader_node *ld = &w->nodes[node].ld;

	if (ld->role == ROLE_LEADER || ld->leader < 0)
		return;
	for (size_t i = 0; i < ld->nreqs; i++) {
		struct leader_request *r = &ld->reqs[i];

		if (r->done || r->serving || r->origin != node || r->synced || r->held)
			continue;
		if (again || r->fwd_to != ld->leader || r->fwd_term != ld->term)
			forward(w, node, r);
	}
}

void leader_take_over(struct world *w, int node)
{
	struct leader_node *ld = &w->nodes[node].ld;

	for (size_t i = 0; i < ld->nreqs; i++) {
		struct leader_request *r = &ld->reqs[i];

		if (!r->done && !r->serving && !r->held && r->origin == node)
			serve(w, node, r);
	}
	reqs_compact(ld);
}

void leader_drop_serving(struct world *w, int node, const char *why)
{
	struct leader_node *ld = &w->nodes[node].ld;

	for (size_t i = 0; i < ld->nreqs; i++) {
		struct leader_request *r = &ld->reqs[i];

		if (r->done || !r->serving)
			continue;
		if (why) {
			complete(w, node, r, why, false, NULL);
		} else if (r->origin == node) {
			r->serving = false;
			r->fwd_to = -1;
		} else {
			r->done = true;
		}
	}
	reqs_compact(ld);
}

/* Starts a confirmation round for reads that have none yet: once a
 * majority answers it in this term, no other leader can have committed
 * anything past read_index. */
static void start_read_round(struct world *w, int node)
{
	struct leader_node *ld = &w->nodes[node].ld;
	bool any = false;

	if (ld->commit == 0 || ld->log[ld->commit - 1].term != ld->term)
		return;         /* not yet sure what is committed */
	for (size_t i = 0; i < ld->nreqs; i++) {
		struct leader_request *r = &ld->reqs[i];

		if (r->done || !r->serving || r->kind != OP_READ || r->read_seq)
			continue;
		if (!any) {
			ld->read_seq++;
			ld->read_acked[node] = ld->read_seq;
			any = true;
		}
		r->read_seq = ld->read_seq;
		r->read_index = ld->commit;
	}
	if (any && w->n > 1)
		leader_broadcast(w, node);
}

static bool read_ready(const struct world *w, int node, const struct leader_request *r)
{
	const struct leader_node *ld = &w->nodes[node].ld;
	int acks = 0;

	if (r->read_seq == 0 || ld->applied < r->read_index)
		return false;
	for (int i = 0; i < w->n; i++)
		if (i == node || ld->read_acked[i] >= r->read_seq)
			acks++;
	return acks >= world_quorum(w);
}

/* A lock operation's entry is applied: its answer is what applying did. */
static void lock_done(struct world *w, int node, struct leader_request *r, const struct log_entry *e)
{
	char why[OP_ERROR_MAX];
	struct version v;

	r->lock_outcome = e->outcome;
	r->holder = e->holder;
	r->token = e->token;
	r->session = e->session;
	memset(&v, 0, sizeof v);
	v.wid = r->wid;
	v.value = e->token;
	if (!e->failed) {
		complete(w, node, r, NULL, true, &v);
		return;
	}
	r->definite = true;     /* applied, and found to change nothing */
	if (e->outcome == LOCK_OVERTAKEN)
		snprintf(why, sizeof why, "overtaken: a later request of the client at %c took effect first, so this "
			 "one never does", 'A' + r->origin);
	else
		snprintf(why, sizeof why, "the client at %c has no place in %s", 'A' + r->origin,
			 world_key_name(w, r->key));
	complete(w, node, r, why, false, NULL);
}

/* Sends the origin of a forwarded sync the index it must apply before it
 * reads: everything committed when this leader confirmed it still leads. */
static void sync_reply(struct world *w, int node, struct leader_request *r)
{
	struct msg m;

	forward_reply(w, node, r, &m);
	m.ok = true;
	m.u.fwd_reply.index = r->read_index;
	net_send(w, node, r->origin, &m);
	r->done = true;
}

/* At a follower: synced reads whose index this replica has now applied. */
static void synced_reads(struct world *w, int node)
{
	struct leader_node *ld = &w->nodes[node].ld;

	for (size_t i = 0; i < ld->nreqs; i++) {
		struct leader_request *r = &ld->reqs[i];

		if (!r->done && r->synced && r->sync_index <= ld->applied && r->stashed) {
			complete(w, node, r, NULL, r->stash_found, &r->stash_v);
		} else if (!r->done && r->synced && r->sync_index <= ld->applied) {
			const struct version *v = store_get(&w->nodes[node].store, r->key);

			complete(w, node, r, NULL, v != NULL, v);
		}
	}
}

void leader_progress(struct world *w, int node)
{
	struct leader_node *ld = &w->nodes[node].ld;

	synced_reads(w, node);
	if (ld->role != ROLE_LEADER) {
		reqs_compact(ld);
		return;
	}
	start_read_round(w, node);
	for (size_t i = 0; i < ld->nreqs; i++) {
		struct leader_request *r = &ld->reqs[i];

		if (r->done || !r->serving)
			continue;
		if (r->kind == OP_READ && read_ready(w, node, r)) {
			const struct version *v = store_get(&w->nodes[node].store, r->key);

			if (r->level == LEVEL_SYNC && r->origin != node)
				sync_reply(w, node, r);
			else
				complete(w, node, r, NULL, v != NULL, v);
		} else if (r->kind != OP_READ && r->index && r->index <= ld->applied) {
			const struct log_entry *e = &ld->log[r->index - 1];
			char why[OP_ERROR_MAX];

			if (e->op != r->op)
				continue;
			if (op_is_lock(e->kind)) {
				lock_done(w, node, r, e);
			} else if (e->failed) {
				const struct op *op = world_op(w, r->op);
				struct op shown = op ? *op : (struct op){ .key = r->key };

				shown.cond_op = r->cond_op;
				shown.cond_value = r->cond_value;
				world_cond_why(w, &shown, e->had, e->found, why, sizeof why);
				r->cond_failed = true;
				complete(w, node, r, why, false, NULL);
			} else {
				complete(w, node, r, NULL, true, &e->v);
			}
		}
	}
	reqs_compact(ld);
}

void leader_connection_loss(struct world *w, int node, int leader)
{
	struct leader_node *ld = &w->nodes[node].ld;
	char why[OP_ERROR_MAX];

	snprintf(why, sizeof why, "connection loss: %c lost its leader %c, and a ZooKeeper server without one "
		 "closes its clients' connections", 'A' + node, 'A' + leader);
	for (size_t i = 0; i < ld->nreqs; i++) {
		struct leader_request *r = &ld->reqs[i];

		if (!r->done && r->origin == node && !r->serving && op_pending(w, r->op))
			complete(w, node, r, why, false, NULL);
	}
	reqs_compact(ld);
}

void leader_clear_requests(struct world *w, int node, const char *why)
{
	struct leader_node *ld = &w->nodes[node].ld;

	for (size_t i = 0; i < ld->nreqs; i++) {
		struct leader_request *r = &ld->reqs[i];

		if (!r->done && r->origin == node && op_pending(w, r->op))
			world_op_finish(w, r->op, why, false, NULL);
	}
	ld->nreqs = 0;
}

void leader_prune(struct world *w, int node)
{
	struct leader_node *ld = &w->nodes[node].ld;

	for (size_t i = 0; i < ld->nreqs; i++)
		if (ld->reqs[i].origin != node && ld->reqs[i].deadline_us <= w->now_us)
			ld->reqs[i].done = true;
	reqs_compact(ld);
}
