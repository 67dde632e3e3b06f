/* lwt.c: conditional writes (txn) under the leaderless protocol, as
 * Cassandra runs them: a lightweight transaction is a round of Paxos among
 * the replicas of its key. The coordinator prepares a ballot with every
 * replica; a majority of promises brings the key's state (and any proposal
 * a replica accepted but never saw committed: the one of the highest
 * ballot, when it is newer than every commit the promises know of, must be
 * finished, as Paxos requires; the others were never chosen and are
 * dropped); the condition is checked on that state; the proposal
 * (the state with the write, or only the unfinished proposal) must be
 * accepted by a majority, then is committed to every replica by a join. So
 * two transactions can never both build on the same value, and a side
 * without a majority errs.
 * Ordinary writes and reads stay leaderless.c's. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capviz/array.h"
#include "capviz/world.h"

/* Ballots are unique and ordered: a round, then the node's id. */
#define LWT_NODE_BITS 3
/* A refused prepare is tried again after a random pause, as Cassandra does
 * under contention. */
#define LWT_BACKOFF_MIN_US 10000
#define LWT_BACKOFF_MAX_US 60000

static int lwt_count(uint32_t bits)
{
	int c = 0;

	for (; bits; bits &= bits - 1)
		c++;
	return c;
}

/* node's Paxos state of key; NULL when memory ran out. */
static struct lwt_acceptor *acceptor(struct world *w, int node, int key)
{
	struct leaderless_node *ln = &w->nodes[node].ll;

	if (!ln->paxos) {
		ln->paxos = calloc(STORE_MAX_KEYS, sizeof *ln->paxos);
		if (!ln->paxos) {
			w->oom = true;
			return NULL;
		}
	}
	return &ln->paxos[key];
}

static struct lwt_request *lwt_find(struct world *w, int node, uint64_t req)
{
	struct leaderless_node *ln = &w->nodes[node].ll;

	for (size_t i = 0; i < ln->nlwts; i++)
		if (ln->lwts[i].req == req)
			return &ln->lwts[i];
	return NULL;
}

static void lwt_drop(struct world *w, int node, uint64_t req)
{
	struct leaderless_node *ln = &w->nodes[node].ll;
	size_t j = 0;

	for (size_t i = 0; i < ln->nlwts; i++)
		if (ln->lwts[i].req != req)
			ln->lwts[j++] = ln->lwts[i];
	ln->nlwts = j;
}

static uint64_t next_ballot(struct world *w, int node)
{
	struct leaderless_node *ln = &w->nodes[node].ll;

	ln->round++;
	return (ln->round << LWT_NODE_BITS) | (uint64_t)node;
}

static void see_ballot(struct world *w, int node, uint64_t ballot)
{
	struct leaderless_node *ln = &w->nodes[node].ll;

	if ((ballot >> LWT_NODE_BITS) > ln->round)
		ln->round = ballot >> LWT_NODE_BITS;
}

/* --- the replica's side (acceptor) --- */

/* A promise carries the replica's state of the key, joined with a proposal
 * it accepted but has not seen committed (found tells the coordinator). */
static bool acc_prepare(struct world *w, int node, int key, uint64_t ballot, struct msg *reply)
{
	struct lwt_acceptor *a = acceptor(w, node, key);

	see_ballot(w, node, ballot);
	if (!a || ballot <= a->promised) {
		reply->promised = a ? a->promised : 0;
		return false;
	}
	a->promised = ballot;
	reply->committed = a->committed;
	reply->u.ks = *store_state(&w->nodes[node].store, key);
	if (a->accepted > a->committed) {
		kstate_merge(&reply->u.ks, &a->value, w->n);
		reply->found = true;
		reply->accepted = a->accepted;
	}
	return true;
}

static bool acc_propose(struct world *w, int node, int key, uint64_t ballot, const struct kstate *p,
			uint64_t *promised)
{
	struct lwt_acceptor *a = acceptor(w, node, key);

	if (!a || ballot < a->promised) {
		*promised = a ? a->promised : 0;
		return false;
	}
	a->promised = ballot;
	a->accepted = ballot;
	a->value = *p;
	return true;
}

static void acc_commit(struct world *w, int node, int key, uint64_t ballot, const struct kstate *p)
{
	struct lwt_acceptor *a = acceptor(w, node, key);

	world_merge(w, node, key, p);
	if (a && ballot > a->committed)
		a->committed = ballot;
}

/* --- the coordinator --- */

static void lwt_send_all(struct world *w, int c, enum msg_kind kind, const struct lwt_request *r)
{
	struct msg m;

	memset(&m, 0, sizeof m);
	m.kind = kind;
	m.req = r->req;
	m.term = r->ballot;
	m.key = r->key;
	m.v = r->state.v;
	if (kind != MSG_LWT_PREPARE)
		m.u.ks = r->state;
	/* Only to the replicas c believes up, as Cassandra's Paxos asks its
	 * live participants. */
	for (int j = 0; j < w->n; j++)
		if (j != c && !world_believes_down(w, c, j))
			net_send(w, c, j, &m);
}

static void on_reply(struct world *w, int c, struct lwt_request *r, int from, const struct msg *m);

/* Starts (or starts again) the prepare phase with a new ballot; the
 * coordinator's own replica answers at once. */
static void prepare(struct world *w, int c, struct lwt_request *r)
{
	struct msg self;
	uint64_t req = r->req;

	r->phase = LWT_PREPARE;
	r->ballot = next_ballot(w, c);
	r->yes = 0;
	r->applies = false;
	r->inprog_ballot = 0;
	r->max_commit = 0;
	kstate_clear(&r->state);
	memset(&self, 0, sizeof self);
	self.kind = MSG_LWT_PROMISE;
	self.req = req;
	self.term = r->ballot;
	self.key = r->key;
	self.ok = acc_prepare(w, c, r->key, r->ballot, &self);
	lwt_send_all(w, c, MSG_LWT_PREPARE, r);
	r = lwt_find(w, c, req);
	if (r)
		on_reply(w, c, r, c, &self);
}

static void answer(struct world *w, struct lwt_request *r, const char *error, bool cond_failed)
{
	r->answered = true;
	if (error && !cond_failed && r->phase == LWT_PREPARE)
		world_op_refuse(w, r->op, error);  /* nothing was proposed */
	else if (cond_failed)
		world_op_cond_failed(w, r->op, error);
	else
		world_op_finish(w, r->op, error, true, error ? NULL : &r->v);
}

/* The version's value is what the proposal made: a replica that stores
 * it (under any strategy) holds that, before its client hears. */
static void fix_value(struct world *w, uint64_t wid, int64_t value)
{
	struct write_rec *wr = history_write(&w->hist, wid);

	if (wr && !wr->valued) {
		wr->value = value;
		wr->valued = true;
	}
}

/* A majority promised: check the condition on what they hold, then
 * propose the write (or only the repair of an unfinished proposal). */
static void decide(struct world *w, int c, struct lwt_request *r)
{
	const struct op *op = world_op(w, r->op);
	bool has = r->state.present;
	int64_t value = has ? kstate_value(&r->state, w->strategy, w->n) : 0;
	char why[OP_ERROR_MAX];

	if (!op)
		return;
	/* A proposal older than a commit is one that was never chosen. */
	if (r->inprog_ballot <= r->max_commit)
		r->inprog_ballot = 0;
	if (r->inprog_ballot) {
		kstate_merge(&r->state, &r->inprog, w->n);
		has = r->state.present;
		value = has ? kstate_value(&r->state, w->strategy, w->n) : 0;
	}
	r->applies = has && inv_compare((enum inv_op)op->cond_op, value, op->cond_value);
	/* Under last-write-wins the condition was checked on one version. */
	if (w->strategy == STRAT_LWW) {
		struct op *o = world_op(w, r->op);

		if (r->applies)
			history_write_base(&w->hist, op->wid, has ? r->state.v.wid : 0);
		else if (o) {
			o->read_wid = has ? r->state.v.wid : 0;
			o->has_read_wid = true;
		}
	}
	if (r->applies) {
		memset(&r->v, 0, sizeof r->v);
		r->v.wid = op->wid;
		r->v.node = c;
		/* Paxos orders the write after everything it read, so its
		 * timestamp does too (Cassandra stamps it with the ballot). */
		r->v.ts_us = world_clock(w, c);
		if (r->v.ts_us <= r->state.v.ts_us)
			r->v.ts_us = r->state.v.ts_us + 1;
		kstate_write(&r->state, c, w->n, w->key_type[r->key], op->kind, op->arg, &r->v);
		r->v.value = kstate_value(&r->state, w->strategy, w->n);
		fix_value(w, op->wid, r->v.value);
	} else if (!r->inprog_ballot) {
		world_cond_why(w, op, has, value, why, sizeof why);
		answer(w, r, why, true);
		lwt_drop(w, c, r->req);
		return;
	}
	r->phase = LWT_PROPOSE;
	r->yes = 0;
	if (r->applies)
		world_op_sent(w, r->op);   /* proposed: a majority may accept it */
	{
		uint64_t promised = 0, req = r->req;
		struct msg self;

		memset(&self, 0, sizeof self);
		self.kind = MSG_LWT_ACCEPT;
		self.req = req;
		self.term = r->ballot;
		self.ok = acc_propose(w, c, r->key, r->ballot, &r->state, &promised);
		self.promised = promised;
		lwt_send_all(w, c, MSG_LWT_PROPOSE, r);
		r = lwt_find(w, c, req);
		if (r)
			on_reply(w, c, r, c, &self);
	}
}

/* A majority accepted: the proposal is chosen. Commit it everywhere. */
static void commit(struct world *w, int c, struct lwt_request *r)
{
	uint64_t req = r->req;
	struct msg self;

	r->phase = LWT_COMMIT;
	r->yes = 0;
	acc_commit(w, c, r->key, r->ballot, &r->state);
	lwt_send_all(w, c, MSG_LWT_COMMIT, r);
	/* A replica believed down gets the commit as a hint at once. */
	for (int j = 0; j < w->n; j++)
		if (j != c && world_believes_down(w, c, j))
			leaderless_hint_add(w, c, j, r->key, &r->state, 0);
	memset(&self, 0, sizeof self);
	self.kind = MSG_LWT_COMMIT_ACK;
	self.req = req;
	self.term = r->ballot;
	self.ok = true;
	r = lwt_find(w, c, req);
	if (r)
		on_reply(w, c, r, c, &self);
}

/* Committed at a majority: a quorum read sees it now. A repair that let
 * the condition fail answers that too. */
static void committed(struct world *w, struct lwt_request *r)
{
	const struct op *op = world_op(w, r->op);
	char why[OP_ERROR_MAX];

	if (r->answered || !op)
		return;
	if (r->applies) {
		answer(w, r, NULL, false);
		return;
	}
	world_cond_why(w, op, r->state.present,
		       r->state.present ? kstate_value(&r->state, w->strategy, w->n) : 0, why, sizeof why);
	answer(w, r, why, true);
}

/* The commit is written at the request's write level, as Cassandra does,
 * and at least at a majority, so an ordinary quorum read sees it. */
static int commit_need(const struct world *w)
{
	int need = world_level_need(w, w->write_level);

	return need > world_quorum(w) ? need : world_quorum(w);
}

static void on_reply(struct world *w, int c, struct lwt_request *r, int from, const struct msg *m)
{
	uint32_t bit = 1u << from;
	int64_t pause;

	if (m->term != r->ballot || (r->yes & bit))
		return;         /* for an earlier ballot, or heard already */
	if (!m->ok) {
		see_ballot(w, c, m->promised);
		if (r->phase == LWT_PREPARE) {
			/* Someone else's ballot is higher: try again later. */
			r->ballot = 0;
			pause = rng_range(&w->rng, LWT_BACKOFF_MIN_US, LWT_BACKOFF_MAX_US);
			world_timer(w, c, PROTO_LEADERLESS, LEADERLESS_SUB_LWT_RETRY, pause, r->req);
		} else if (r->phase == LWT_PROPOSE && !r->answered && r->applies) {
			answer(w, r, "contention: another transaction on the key took over; this one may or may not "
			       "take effect", false);
		} else if (r->phase == LWT_PROPOSE && !r->answered) {
			/* Only another's unfinished proposal was being completed:
			 * this one was never proposed, so it never takes effect. */
			answer(w, r, "contention: another transaction on the key took over before this one was "
			       "proposed: it did not take effect", false);
		}
		return;
	}
	r->yes |= bit;
	if (r->phase == LWT_PREPARE && m->committed > r->max_commit)
		r->max_commit = m->committed;
	if (r->phase == LWT_PREPARE && !m->found) {
		kstate_merge(&r->state, &m->u.ks, w->n);
	} else if (r->phase == LWT_PREPARE && m->accepted > r->inprog_ballot) {
		/* Only the highest unfinished proposal can have been chosen,
		 * and it holds every value chosen before it. A replica with a
		 * lower one is left out: its state mixes in what was never
		 * chosen, and what it committed the others hold too. */
		r->inprog_ballot = m->accepted;
		r->inprog = m->u.ks;
	}
	if (lwt_count(r->yes) < world_quorum(w))
		return;
	if (r->phase == LWT_PREPARE && lwt_count(r->yes) == world_quorum(w))
		decide(w, c, r);
	else if (r->phase == LWT_PROPOSE && lwt_count(r->yes) == world_quorum(w))
		commit(w, c, r);
	else if (r->phase == LWT_COMMIT && lwt_count(r->yes) >= commit_need(w)) {
		committed(w, r);
		if (r->yes == (1u << w->n) - 1)
			lwt_drop(w, c, r->req);
	}
}

void lwt_start(struct world *w, struct op *op)
{
	int c = op->node;
	struct leaderless_node *ln = &w->nodes[c].ll;
	struct lwt_request *r;
	char why[OP_ERROR_MAX];
	void *grown;

	/* A Paxos round needs a majority: with fewer replicas believed up it
	 * fails at once, before a ballot is prepared. */
	if (world_unavailable(w, c, world_quorum(w), level_name(LEVEL_SERIAL), "nothing proposed", why, sizeof why)) {
		world_op_refuse(w, op->id, why);
		return;
	}
	grown = array_grow(ln->lwts, &ln->lwts_cap, ln->nlwts, sizeof *ln->lwts);
	if (!grown) {
		w->oom = true;
		world_op_finish(w, op->id, "out of memory", false, NULL);
		return;
	}
	ln->lwts = grown;
	r = &ln->lwts[ln->nlwts++];
	memset(r, 0, sizeof *r);
	r->req = world_token(w);
	r->op = op->id;
	r->key = op->key;
	r->deadline_us = w->now_us + w->timing.request_timeout_us;
	world_timer(w, c, PROTO_LEADERLESS, LEADERLESS_SUB_LWT, w->timing.request_timeout_us, r->req);
	prepare(w, c, r);
}

/* --- messages and timers --- */

static void acceptor_reply(struct world *w, const struct msg *in, enum msg_kind kind, struct msg *r)
{
	r->kind = kind;
	r->req = in->req;
	r->term = in->term;
	r->key = in->key;
	net_send(w, in->to, in->from, r);
}

void lwt_deliver(struct world *w, const struct msg *m)
{
	struct lwt_request *r;
	struct msg reply;

	if (m->key < 0 || m->key >= STORE_MAX_KEYS)
		return;
	memset(&reply, 0, sizeof reply);
	switch (m->kind) {
	case MSG_LWT_PREPARE:
		reply.ok = acc_prepare(w, m->to, m->key, m->term, &reply);
		acceptor_reply(w, m, MSG_LWT_PROMISE, &reply);
		break;
	case MSG_LWT_PROPOSE:
		reply.ok = acc_propose(w, m->to, m->key, m->term, &m->u.ks, &reply.promised);
		acceptor_reply(w, m, MSG_LWT_ACCEPT, &reply);
		break;
	case MSG_LWT_COMMIT:
		acc_commit(w, m->to, m->key, m->term, &m->u.ks);
		reply.ok = true;
		acceptor_reply(w, m, MSG_LWT_COMMIT_ACK, &reply);
		break;
	default:
		r = lwt_find(w, m->to, m->req);
		if (r && ((m->kind == MSG_LWT_PROMISE && r->phase == LWT_PREPARE) ||
			  (m->kind == MSG_LWT_ACCEPT && r->phase == LWT_PROPOSE) ||
			  (m->kind == MSG_LWT_COMMIT_ACK && r->phase == LWT_COMMIT)))
			on_reply(w, m->to, r, m->from, m);
		break;
	}
}

/* The deadline: the client hears why, by the phase that did not finish;
 * replicas that missed a commit get it as a hint. */
static void deadline(struct world *w, int c, struct lwt_request *r)
{
	char why[OP_ERROR_MAX];
	int yes = lwt_count(r->yes);

	if (!r->answered) {
		if (r->phase == LWT_PREPARE)
			snprintf(why, sizeof why, "timeout: %d of %d replicas promised (a lightweight transaction "
				 "needs a majority)", r->ballot ? yes : 0, world_quorum(w));
		else if (r->phase == LWT_PROPOSE)
			snprintf(why, sizeof why, "timeout: %d of %d replicas accepted (it may or may not take effect)",
				 yes, world_quorum(w));
		else
			snprintf(why, sizeof why, "timeout: committed at %d of %d replicas (chosen: it takes effect as "
				 "replicas catch up)", yes, commit_need(w));
		answer(w, r, why, false);
	}
	if (r->phase == LWT_COMMIT) {
		for (int j = 0; j < w->n; j++)
			if (!(r->yes & (1u << j))) {
				leaderless_hint_add(w, c, j, r->key, &r->state, 0);
				leaderless_hints_send(w, c, j);
			}
	}
	lwt_drop(w, c, r->req);
}

void lwt_timer(struct world *w, int node, int sub, uint64_t token)
{
	struct lwt_request *r = lwt_find(w, node, token);

	if (!r)
		return;
	if (sub == LEADERLESS_SUB_LWT)
		deadline(w, node, r);
	else if (sub == LEADERLESS_SUB_LWT_RETRY && r->phase == LWT_PREPARE && r->ballot == 0 && !r->answered)
		prepare(w, node, r);
}

void lwt_forget(struct world *w, int node)
{
	w->nodes[node].ll.nlwts = 0;
}

void lwt_abort_all(struct world *w, const char *why)
{
	for (int i = 0; i < w->n; i++) {
		struct leaderless_node *ln = &w->nodes[i].ll;

		for (size_t j = 0; j < ln->nlwts; j++)
			if (!ln->lwts[j].answered)
				world_op_finish(w, ln->lwts[j].op, why, false, NULL);
		ln->nlwts = 0;
	}
}
