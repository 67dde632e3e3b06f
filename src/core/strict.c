/* strict.c: the strict protocol, a two-phase write that refuses unless every
 * replica confirms. A replica holds what it prepared until the coordinator
 * commits or aborts it, and a read waits while a write to its key is in doubt
 * at its node, so every read sees every write that completed before it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capviz/array.h"
#include "capviz/world.h"

enum { ST_SUB_DEADLINE = 1 };

void strict_node_free(struct strict_node *n)
{
	free(n->reqs);
	free(n->staged);
	memset(n, 0, sizeof *n);
}

static struct strict_request *st_find(struct world *w, int node, uint64_t req)
{
	struct strict_node *sn = &w->nodes[node].st;

	for (size_t i = 0; i < sn->nreqs; i++)
		if (sn->reqs[i].req == req)
			return &sn->reqs[i];
	return NULL;
}

static void st_drop(struct world *w, int node, uint64_t req)
{
	struct strict_node *sn = &w->nodes[node].st;
	size_t j = 0;

	for (size_t i = 0; i < sn->nreqs; i++)
		if (sn->reqs[i].req != req)
			sn->reqs[j++] = sn->reqs[i];
	sn->nreqs = j;
}

static struct strict_request *st_add(struct world *w, int node, const struct op *op)
{
	void *grown;
	struct strict_node *sn = &w->nodes[node].st;
	struct strict_request *r;

	grown = array_grow(sn->reqs, &sn->reqs_cap, sn->nreqs, sizeof *sn->reqs);
	if (!grown) {
		w->oom = true;
		return NULL;
	}
	sn->reqs = grown;
	r = &sn->reqs[sn->nreqs++];
	memset(r, 0, sizeof *r);
	r->req = world_token(w);
	r->op = op->id;
	r->kind = op->kind;
	r->key = op->key;
	r->deadline_us = w->now_us + w->timing.request_timeout_us;
	return r;
}

/* --- staged versions (the replica side) --- */

static void st_stage(struct world *w, int node, int coordinator, uint64_t req, int key, const struct version *v)
{
	void *grown;
	struct strict_node *sn = &w->nodes[node].st;
	for (size_t i = 0; i < sn->nstaged; i++)
		if (sn->staged[i].req == req && sn->staged[i].coordinator == coordinator)
			return;
	grown = array_grow(sn->staged, &sn->staged_cap, sn->nstaged, sizeof *sn->staged);
	if (!grown) {
		w->oom = true;
		return;
	}
	sn->staged = grown;
	sn->staged[sn->nstaged++] = (struct strict_staged){
		.req = req, .coordinator = coordinator, .key = key, .v = *v,
	};
}

static bool st_in_doubt(const struct world *w, int node, int key, int *coordinator)
{
	const struct strict_node *sn = &w->nodes[node].st;

	for (size_t i = 0; i < sn->nstaged; i++)
		if (sn->staged[i].key == key) {
			if (coordinator)
				*coordinator = sn->staged[i].coordinator;
			return true;
		}
	return false;
}

static void st_answer_read(struct world *w, int node, uint64_t op, int key)
{
	const struct version *v = store_get(&w->nodes[node].store, key);

	world_op_finish(w, op, NULL, v != NULL, v);
}

/* Reads at node that waited for key to leave doubt get their answer. */
static void st_wake_reads(struct world *w, int node, int key)
{
	struct strict_node *sn = &w->nodes[node].st;
	size_t i = 0;

	if (st_in_doubt(w, node, key, NULL))
		return;
	while (i < sn->nreqs) {
		struct strict_request r = sn->reqs[i];

		if (r.kind != OP_READ || r.key != key) {
			i++;
			continue;
		}
		st_drop(w, node, r.req);
		st_answer_read(w, node, r.op, key);
	}
}

static void st_unstage(struct world *w, int node, int coordinator, uint64_t req)
{
	struct strict_node *sn = &w->nodes[node].st;
	int key = -1;
	size_t j = 0;

	for (size_t i = 0; i < sn->nstaged; i++) {
		if (sn->staged[i].req == req && sn->staged[i].coordinator == coordinator) {
			key = sn->staged[i].key;
			continue;
		}
		sn->staged[j++] = sn->staged[i];
	}
	sn->nstaged = j;
	if (key >= 0)
		st_wake_reads(w, node, key);
}

/* --- the coordinator --- */

static void st_send(struct world *w, int from, int to, enum msg_kind kind, uint64_t req, int key,
		    const struct version *v)
{
	struct msg m;

	memset(&m, 0, sizeof m);
	m.kind = kind;
	m.req = req;
	m.key = key;
	m.ok = true;
	if (v)
		m.v = *v;
	net_send(w, from, to, &m);
}

static void st_send_all(struct world *w, int from, enum msg_kind kind, const struct strict_request *r)
{
	for (int j = 0; j < w->n; j++)
		if (j != from)
			st_send(w, from, j, kind, r->req, r->key, &r->v);
}

/* Every replica confirmed: apply here, tell the others, answer the client. */
static void st_commit(struct world *w, int c, uint64_t req)
{
	struct strict_request r = *st_find(w, c, req);

	st_drop(w, c, req);
	world_apply(w, c, r.key, &r.v);
	st_send_all(w, c, MSG_COMMIT, &r);
	world_op_finish(w, r.op, NULL, true, &r.v);
	st_unstage(w, c, c, req);
}

static struct version st_stamp(struct world *w, int c, const struct op *op)
{
	const struct version *cur = store_get(&w->nodes[c].store, op->key);
	struct version v;

	if (op->kind != OP_WRITE)
		history_write_base(&w->hist, op->wid, cur ? cur->wid : 0);

	memset(&v, 0, sizeof v);
	v.value = op_value(cur ? cur->value : 0, op->kind, op->arg);
	v.wid = op->wid;
	/* Later than the version it replaces, whatever this clock says: a
	 * clock behind the last writer's must not make a committed write
	 * lose to the one before it (as in Spanner, where a commit's stamp
	 * exceeds every stamp its participants have seen). */
	v.ts_us = world_clock(w, c);
	if (cur && v.ts_us <= cur->ts_us)
		v.ts_us = cur->ts_us + 1;
	v.node = c;
	if (cur)
		memcpy(v.vc, cur->vc, sizeof v.vc);
	v.vc[c]++;
	return v;
}

static void st_client(struct world *w, struct op *op)
{
	int c = op->node;
	struct strict_request *r;
	uint64_t req;

	if (op->kind == OP_READ && !st_in_doubt(w, c, op->key, NULL)) {
		st_answer_read(w, c, op->id, op->key);
		return;
	}
	r = st_add(w, c, op);
	if (!r) {
		world_op_finish(w, op->id, "out of memory", false, NULL);
		return;
	}
	req = r->req;
	world_timer(w, c, PROTO_STRICT, ST_SUB_DEADLINE, w->timing.request_timeout_us, req);
	if (op->kind == OP_READ)
		return;         /* it waits for the write in doubt */
	/* A write in doubt here holds the key: writes go one at a time, so an
	 * add is computed from the value every replica has committed. */
	if (st_in_doubt(w, c, op->key, NULL)) {
		char err[OP_ERROR_MAX];
		int holder = c;

		st_in_doubt(w, c, op->key, &holder);
		snprintf(err, sizeof err, "refused: a write to %s from %c is still in doubt at %c (strict writes "
			 "one at a time)", world_key_name(w, op->key), 'A' + holder, 'A' + c);
		st_drop(w, c, req);
		world_op_finish(w, op->id, err, false, NULL);
		return;
	}
	r->v = st_stamp(w, c, op);
	r->prepared = 1u << c;
	world_op_sent(w, op->id);
	st_stage(w, c, c, req, r->key, &r->v);
	st_send_all(w, c, MSG_PREPARE, r);
	if (w->n == 1)
		st_commit(w, c, req);
}

/* Names the replicas missing from bits: "B, C". */
static void st_missing(const struct world *w, uint32_t bits, char *buf, size_t len)
{
	size_t at = 0;

	buf[0] = '\0';
	for (int j = 0; j < w->n && at + 4 < len; j++)
		if (!(bits & (1u << j)))
			at += (size_t)snprintf(buf + at, len - at, "%s%c", at ? ", " : "", 'A' + j);
}

static void st_timer(struct world *w, int node, int sub, uint64_t token)
{
	struct strict_request *p = st_find(w, node, token);
	struct strict_request r;
	char who[32], err[OP_ERROR_MAX];
	int holder = node;

	if (sub != ST_SUB_DEADLINE || !p)
		return;
	r = *p;
	st_drop(w, node, token);
	if (r.kind == OP_READ) {
		st_in_doubt(w, node, r.key, &holder);
		snprintf(err, sizeof err, "timeout: a write to %s from %c is still in doubt at %c",
			 world_key_name(w, r.key), 'A' + holder, 'A' + node);
		world_op_finish(w, r.op, err, false, NULL);
		return;
	}
	st_send_all(w, node, MSG_ABORT, &r);
	st_missing(w, r.prepared, who, sizeof who);
	snprintf(err, sizeof err, "refused: no confirmation came from %s (strict needs all %d replicas)", who, w->n);
	world_op_refuse(w, r.op, err);
	st_unstage(w, node, node, token);
}

/* A confirmation for a request this coordinator no longer has (it decided,
 * or it crashed meanwhile): its own replica says what became of the write. */
static void st_late_ack(struct world *w, const struct msg *m)
{
	const struct version *mine = store_get(&w->nodes[m->to].store, m->key);

	if (mine && version_cmp(mine, &m->v) >= 0)
		st_send(w, m->to, m->from, MSG_COMMIT, m->req, m->key, mine);
	else
		st_send(w, m->to, m->from, MSG_ABORT, m->req, m->key, NULL);
}

/* A replica holding another write to the key in doubt refuses to prepare
 * this one (the lock of two-phase commit: no waiting, so no deadlock). */
static void st_prepare(struct world *w, const struct msg *m)
{
	const struct strict_node *sn = &w->nodes[m->to].st;
	struct msg r;

	for (size_t i = 0; i < sn->nstaged; i++)
		if (sn->staged[i].key == m->key && !(sn->staged[i].req == m->req && sn->staged[i].coordinator == m->from)) {
			memset(&r, 0, sizeof r);
			r.kind = MSG_PREPARE_ACK;
			r.req = m->req;
			r.key = m->key;
			r.ok = false;
			net_send(w, m->to, m->from, &r);
			return;
		}
	st_stage(w, m->to, m->from, m->req, m->key, &m->v);
	st_send(w, m->to, m->from, MSG_PREPARE_ACK, m->req, m->key, &m->v);
}

/* A replica refused: the write is aborted everywhere, and its client hears
 * which replica held the key. */
static void st_refused(struct world *w, int c, int by, uint64_t req)
{
	struct strict_request *p = st_find(w, c, req);
	struct strict_request r;
	char err[OP_ERROR_MAX];

	if (!p)
		return;
	r = *p;
	st_drop(w, c, req);
	st_send_all(w, c, MSG_ABORT, &r);
	snprintf(err, sizeof err, "refused: %c holds another write to %s in doubt (strict writes one at a time)",
		 'A' + by, world_key_name(w, r.key));
	world_op_refuse(w, r.op, err);
	st_unstage(w, c, c, req);
}

static void st_deliver(struct world *w, const struct msg *m)
{
	struct strict_request *r;

	switch (m->kind) {
	case MSG_PREPARE:
		st_prepare(w, m);
		break;
	case MSG_PREPARE_ACK:
		r = st_find(w, m->to, m->req);
		if (!r) {
			if (m->ok)
				st_late_ack(w, m);
			break;
		}
		if (!m->ok) {
			st_refused(w, m->to, m->from, m->req);
			break;
		}
		r->prepared |= 1u << m->from;
		if (r->prepared == (uint32_t)((1u << w->n) - 1))
			st_commit(w, m->to, m->req);
		break;
	case MSG_COMMIT:
		world_apply(w, m->to, m->key, &m->v);
		st_unstage(w, m->to, m->from, m->req);
		break;
	case MSG_ABORT:
		st_unstage(w, m->to, m->from, m->req);
		break;
	default:
		break;
	}
}

/* --- ending doubt after a crash or a cut --- */

/* Is a confirmation of req from node already on its way to coordinator? */
static bool st_ack_in_flight(const struct world *w, int node, int coordinator, uint64_t req)
{
	for (size_t i = 0; i < w->msgs_cap; i++) {
		const struct msg *m = net_slot(w, i);

		if (m && m->kind == MSG_PREPARE_ACK && m->from == node && m->to == coordinator &&
		    m->req == req)
			return true;
	}
	return false;
}

/* node confirms again every write it holds that coordinator started, so a
 * coordinator that missed the outcome's delivery can repeat it. */
static void st_reconfirm(struct world *w, int node, int coordinator)
{
	const struct strict_node *sn = &w->nodes[node].st;
	size_t i = 0;

	if (w->nodes[node].crashed || w->nodes[coordinator].crashed)
		return;
	while (i < sn->nstaged) {
		const struct strict_staged s = sn->staged[i++];

		if (s.coordinator != coordinator)
			continue;
		if (node == coordinator) {
			/* Its own write, from before a crash: nobody waits for it
			 * and it never committed (a commit unstages at once). */
			if (!st_find(w, node, s.req)) {
				st_unstage(w, node, node, s.req);
				i--;
			}
			continue;
		}
		if (w->links[node][coordinator].up && !st_ack_in_flight(w, node, coordinator, s.req))
			st_send(w, node, coordinator, MSG_PREPARE_ACK, s.req, s.key, &s.v);
	}
}

static void st_reconfirm_all(struct world *w)
{
	for (int i = 0; i < w->n; i++)
		for (int j = 0; j < w->n; j++)
			st_reconfirm(w, i, j);
}

static void st_enter(struct world *w)
{
	st_reconfirm_all(w);
}

static void st_leave(struct world *w)
{
	for (int i = 0; i < w->n; i++) {
		struct strict_node *sn = &w->nodes[i].st;

		for (size_t j = 0; j < sn->nreqs; j++)
			world_op_finish(w, sn->reqs[j].op, "the protocol changed before the write was decided",
					false, NULL);
		sn->nreqs = 0;
	}
}

static void st_crash(struct world *w, int node)
{
	w->nodes[node].st.nreqs = 0;
}

static void st_recover(struct world *w, int node)
{
	if (w->mode != MODE_STRICT)
		return;
	for (int i = 0; i < w->n; i++) {
		st_reconfirm(w, node, i);
		if (i != node)
			st_reconfirm(w, i, node);
	}
}

static void st_link_up(struct world *w, int from, int to)
{
	st_reconfirm(w, from, to);
	st_reconfirm(w, to, from);
}

/* Does node hold, in doubt, the write that made v? Then the two replicas
 * differ only until the coordinator's outcome reaches it. */
static bool st_staged_wid(const struct world *w, int node, int key, uint64_t wid)
{
	const struct strict_node *sn = &w->nodes[node].st;

	for (size_t i = 0; i < sn->nstaged; i++)
		if (sn->staged[i].key == key && sn->staged[i].v.wid == wid)
			return true;
	return false;
}

/* Strict commits a write on every replica or on none, so its own writes
 * never make replicas diverge: one that lags holds the write in doubt. Only
 * writes taken in another mode (ap) leave replicas that differ otherwise. */
static bool st_diverged(const struct world *w)
{
	for (int k = 0; k < w->nkeys; k++)
		for (int i = 0; i < w->n; i++) {
			const struct kstate *a = &w->nodes[i].store.keys[k], *b = &w->nodes[0].store.keys[k];

			if (a->present && a->nsib > 1)
				return true;
			if (a->present == b->present && (!a->present || a->v.wid == b->v.wid))
				continue;
			if (!(a->present && st_staged_wid(w, 0, k, a->v.wid)) &&
			    !(b->present && st_staged_wid(w, i, k, b->v.wid)))
				return true;
		}
	return false;
}

static bool st_reconciles(const struct world *w, char *why, size_t len)
{
	if (st_diverged(w)) {
		if (len > 0)
			why[0] = '\0';
		return true;
	}
	snprintf(why, len, "mode strict commits a write on every replica or on none, so no replica diverged, and a "
		 "write in doubt learns its outcome from its coordinator");
	return false;
}

static void st_heal(struct world *w)
{
	st_reconfirm_all(w);
	/* Stores may have diverged in another mode: the leaderless heal
	 * gathers, resolves by the strategy and reports what was lost. */
	if (!st_diverged(w))
		return;
	world_note(w, -1, "strict: the replicas diverged before this mode (writes taken in another mode), so the "
		   "heal reconciles them by %s", strategy_name(w->heal_strategy));
	leaderless_heal_start(w, w->heal_strategy);
}

const struct proto strict_proto = {
	.name = "strict",
	.enter = st_enter,
	.leave = st_leave,
	.client = st_client,
	.deliver = st_deliver,
	.timer = st_timer,
	.crash = st_crash,
	.recover = st_recover,
	.link_up = st_link_up,
	.heal = st_heal,
	.reconciles = st_reconciles,
};
