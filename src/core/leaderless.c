/* leaderless.c: the leaderless protocol (Dynamo, Cassandra): whichever node a
 * client talks to coordinates its request against every replica, answers once
 * the level's count of replicas replied, and keeps hints for replicas that
 * missed a write; reads repair stale replicas, a heal runs anti-entropy. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capviz/array.h"
#include "capviz/world.h"

enum { LL_SUB_DEADLINE = 1 };

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
	memset(r, 0, sizeof *r);
	r->req = world_token(w);
	return r;
}

/* --- hints --- */

/* Holds v for replica to (keeping only the newest per replica and key). */
static void ll_hint_add(struct world *w, int holder, int to, int key, const struct version *v)
{
	void *grown;
	struct leaderless_node *ln = &w->nodes[holder].ll;
	struct ll_hint *h = NULL;
	struct event e;

	for (size_t i = 0; i < ln->nhints && !h; i++)
		if (ln->hints[i].to == to && ln->hints[i].key == key)
			h = &ln->hints[i];
	if (h && version_cmp(&h->v, v) >= 0)
		return;
	if (!h) {
		grown = array_grow(ln->hints, &ln->hints_cap, ln->nhints, sizeof *ln->hints);
		if (!grown) {
			w->oom = true;
			return;
		}
		ln->hints = grown;
		h = &ln->hints[ln->nhints++];
		h->to = to;
		h->key = key;
	}
	h->v = *v;
	e = world_event(w, EV_HINT);
	e.node = holder;
	e.peer = to;
	e.key = key;
	e.v = *v;
	world_emit(w, &e);
}

/* Is this very hint already on its way? Then a second copy is only noise. */
static bool ll_hint_in_flight(const struct world *w, int holder, const struct ll_hint *h)
{
	for (size_t i = 0; i < w->msgs_cap; i++) {
		const struct msg *m = net_slot(w, i);

		if (m && m->kind == MSG_HINT && m->from == holder && m->to == h->to &&
		    m->key == h->key && m->v.wid == h->v.wid)
			return true;
	}
	return false;
}

/* Sends holder's hints for to, when both are up and the link is. */
static void ll_hints_send(struct world *w, int holder, int to)
{
	const struct leaderless_node *ln = &w->nodes[holder].ll;
	struct msg m;

	if (holder == to || w->nodes[holder].crashed || w->nodes[to].crashed ||
	    !w->links[holder][to].up)
		return;
	for (size_t i = 0; i < ln->nhints; i++) {
		if (ln->hints[i].to != to || ll_hint_in_flight(w, holder, &ln->hints[i]))
			continue;
		memset(&m, 0, sizeof m);
		m.kind = MSG_HINT;
		m.key = ln->hints[i].key;
		m.v = ln->hints[i].v;
		net_send(w, holder, to, &m);
	}
}

static void ll_hint_acked(struct world *w, int holder, const struct msg *m)
{
	struct leaderless_node *ln = &w->nodes[holder].ll;
	size_t j = 0;

	for (size_t i = 0; i < ln->nhints; i++) {
		const struct ll_hint *h = &ln->hints[i];

		if (h->to == m->from && h->key == m->key && version_cmp(&h->v, &m->v) <= 0)
			continue;
		ln->hints[j++] = *h;
	}
	ln->nhints = j;
}

static void ll_hints_flush(struct world *w)
{
	for (int i = 0; i < w->n; i++)
		for (int j = 0; j < w->n; j++)
			ll_hints_send(w, i, j);
}

/* --- writes --- */

static void ll_send_all(struct world *w, int from, const struct msg *m)
{
	for (int j = 0; j < w->n; j++)
		if (j != from)
			net_send(w, from, j, m);
}

/* The version a write stamps at its coordinator c: c's clock, and c's
 * vector clock for the key moved one step on c's own entry. */
static struct version ll_stamp(const struct world *w, int c, const struct op *op)
{
	const struct version *cur = store_get(&w->nodes[c].store, op->key);
	struct version v;

	memset(&v, 0, sizeof v);
	v.value = op->arg;
	if (op->kind == OP_ADD)
		v.value = (cur ? cur->value : 0) + op->arg;
	v.wid = op->wid;
	v.ts_us = world_clock(w, c);
	v.node = c;
	if (cur)
		memcpy(v.vc, cur->vc, sizeof v.vc);
	v.vc[c]++;
	return v;
}

/* Answers the client, or forgets the request, as soon as that is due. */
static void ll_write_progress(struct world *w, int c, struct ll_request *r)
{
	if (!r->answered_client && ll_count(r->answered) >= r->need) {
		r->answered_client = true;
		world_op_finish(w, r->op, NULL, true, &r->v);
	}
	if (r->answered == ll_all(w))
		ll_drop(w, c, r);
}

static void ll_write_start(struct world *w, struct op *op)
{
	int c = op->node;
	struct ll_request *r = ll_add(w, c);
	struct msg m;

	if (!r) {
		world_op_finish(w, op->id, "out of memory", false, NULL);
		return;
	}
	r->op = op->id;
	r->kind = op->kind;
	r->key = op->key;
	r->need = world_level_need(w, op->level);
	r->v = ll_stamp(w, c, op);
	r->deadline_us = w->now_us + w->timing.request_timeout_us;
	world_apply(w, c, r->key, &r->v);
	r->answered = 1u << c;
	memset(&m, 0, sizeof m);
	m.kind = MSG_WRITE;
	m.req = r->req;
	m.key = r->key;
	m.v = r->v;
	world_timer(w, c, PROTO_LEADERLESS, LL_SUB_DEADLINE, w->timing.request_timeout_us, r->req);
	ll_send_all(w, c, &m);
	/* Sending may not reallocate reqs, but look again to be plain. */
	r = ll_find(w, c, m.req);
	if (r)
		ll_write_progress(w, c, r);
}

/* --- reads --- */

static bool ll_newest(const struct ll_request *r, int n, struct version *out)
{
	bool any = false;

	for (int j = 0; j < n; j++) {
		if (!(r->found & (1u << j)))
			continue;
		if (!any || version_cmp(&r->replies[j], out) > 0)
			*out = r->replies[j];
		any = true;
	}
	return any;
}

/* Read repair: every replica that answered with less than the newest
 * version seen gets it, the coordinator's own replica directly. */
static void ll_read_repair(struct world *w, int c, struct ll_request *r)
{
	struct version newest;
	struct msg m;

	if (!ll_newest(r, w->n, &newest))
		return;
	for (int j = 0; j < w->n; j++) {
		uint32_t bit = 1u << j;

		if (!(r->answered & bit))
			continue;
		if ((r->found & bit) && version_cmp(&r->replies[j], &newest) >= 0)
			continue;
		r->replies[j] = newest;
		r->found |= bit;
		if (j == c) {
			world_apply(w, c, r->key, &newest);
			continue;
		}
		memset(&m, 0, sizeof m);
		m.kind = MSG_REPAIR;
		m.key = r->key;
		m.v = newest;
		net_send(w, c, j, &m);
	}
}

static void ll_read_progress(struct world *w, int c, struct ll_request *r)
{
	if (!r->answered_client && ll_count(r->answered) >= r->need) {
		struct version newest;
		bool found = ll_newest(r, w->n, &newest);

		r->answered_client = true;
		world_op_finish(w, r->op, NULL, found, found ? &newest : NULL);
	}
	if (r->answered == ll_all(w))
		ll_drop(w, c, r);
}

static void ll_read_start(struct world *w, struct op *op)
{
	int c = op->node;
	struct ll_request *r = ll_add(w, c);
	const struct version *own;
	struct msg m;

	if (!r) {
		world_op_finish(w, op->id, "out of memory", false, NULL);
		return;
	}
	r->op = op->id;
	r->kind = OP_READ;
	r->key = op->key;
	r->need = world_level_need(w, op->level);
	r->deadline_us = w->now_us + w->timing.request_timeout_us;
	r->answered = 1u << c;
	own = store_get(&w->nodes[c].store, op->key);
	if (own) {
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
	if (op->kind == OP_READ)
		ll_read_start(w, op);
	else
		ll_write_start(w, op);
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
		r->replies[m->from] = m->v;
	}
	ll_read_repair(w, c, r);
	ll_read_progress(w, c, r);
}

/* The deadline: an unanswered client gets a timeout, and every replica
 * that did not acknowledge a write gets a hint. */
static void ll_timer(struct world *w, int node, int sub, uint64_t token)
{
	struct ll_request *r = ll_find(w, node, token);
	char err[OP_ERROR_MAX];

	if (sub != LL_SUB_DEADLINE || !r)
		return;
	if (!r->answered_client) {
		snprintf(err, sizeof err, "timeout: %d of %d replicas %s", ll_count(r->answered),
			 r->need, r->kind == OP_READ ? "answered" : "acknowledged");
		world_op_finish(w, r->op, err, false, NULL);
	}
	if (r->kind != OP_READ) {
		struct ll_request done = *r;

		ll_drop(w, node, r);
		for (int j = 0; j < w->n; j++)
			if (!(done.answered & (1u << j))) {
				ll_hint_add(w, node, j, done.key, &done.v);
				ll_hints_send(w, node, j);
			}
		return;
	}
	ll_drop(w, node, r);
}

/* --- replica side and anti-entropy --- */

static void ll_reply(struct world *w, const struct msg *in, enum msg_kind kind, bool found, const struct version *v)
{
	struct msg m;

	memset(&m, 0, sizeof m);
	m.kind = kind;
	m.req = in->req;
	m.key = in->key;
	m.ok = true;
	m.found = found;
	if (v)
		m.v = *v;
	net_send(w, in->to, in->from, &m);
}

void leaderless_sync(struct world *w, int from, int to)
{
	const struct store *s = &w->nodes[from].store;
	struct msg m;

	if (from == to || w->nodes[from].crashed || w->nodes[to].crashed)
		return;
	memset(&m, 0, sizeof m);
	m.kind = MSG_SYNC;
	for (int k = 0; k < w->nkeys && k < STORE_MAX_KEYS; k++) {
		const struct version *v = store_get(s, k);

		if (!v)
			continue;
		m.u.sync.keys[m.u.sync.n] = k;
		m.u.sync.v[m.u.sync.n++] = *v;
	}
	net_send(w, from, to, &m);
}

/* Takes the sender's newer versions; sends back a repair for every key where
 * this replica knows better (or the sender knows nothing). */
static void ll_on_sync(struct world *w, const struct msg *m)
{
	bool theirs[STORE_MAX_KEYS] = { false };
	struct msg r;

	for (int i = 0; i < m->u.sync.n && i < STORE_MAX_KEYS; i++) {
		int k = m->u.sync.keys[i];
		const struct version *mine = store_get(&w->nodes[m->to].store, k);

		if (k < 0 || k >= STORE_MAX_KEYS)
			continue;
		/* Decide before applying: mine points into the store. */
		theirs[k] = !mine || version_cmp(mine, &m->u.sync.v[i]) <= 0;
		world_apply(w, m->to, k, &m->u.sync.v[i]);
	}
	for (int k = 0; k < w->nkeys && k < STORE_MAX_KEYS; k++) {
		const struct version *mine = store_get(&w->nodes[m->to].store, k);

		if (!mine || theirs[k])
			continue;
		memset(&r, 0, sizeof r);
		r.kind = MSG_REPAIR;
		r.key = k;
		r.v = *mine;
		net_send(w, m->to, m->from, &r);
	}
}

static void ll_deliver(struct world *w, const struct msg *m)
{
	const struct version *v;

	switch (m->kind) {
	case MSG_WRITE:
		world_apply(w, m->to, m->key, &m->v);
		ll_reply(w, m, MSG_WRITE_ACK, false, NULL);
		break;
	case MSG_READ:
		v = store_get(&w->nodes[m->to].store, m->key);
		ll_reply(w, m, MSG_READ_REPLY, v != NULL, v);
		break;
	case MSG_WRITE_ACK:
	case MSG_READ_REPLY:
		ll_on_reply(w, m);
		break;
	case MSG_HINT:
		world_apply(w, m->to, m->key, &m->v);
		ll_reply(w, m, MSG_HINT_ACK, true, &m->v);
		break;
	case MSG_HINT_ACK:
		ll_hint_acked(w, m->to, m);
		break;
	case MSG_REPAIR:
		world_apply(w, m->to, m->key, &m->v);
		break;
	case MSG_SYNC:
		ll_on_sync(w, m);
		break;
	default:
		break;
	}
}

/* --- life cycle --- */

static void ll_enter(struct world *w)
{
	ll_hints_flush(w);
}

static void ll_leave(struct world *w)
{
	for (int i = 0; i < w->n; i++) {
		struct leaderless_node *ln = &w->nodes[i].ll;

		for (size_t j = 0; j < ln->nreqs; j++)
			world_op_finish(w, ln->reqs[j].op, "aborted: the protocol changed", false, NULL);
		ln->nreqs = 0;
	}
}

static void ll_crash(struct world *w, int node)
{
	/* Pending requests are volatile (the world failed their ops); hints
	 * are on disk and stay. */
	w->nodes[node].ll.nreqs = 0;
}

static void ll_recover(struct world *w, int node)
{
	if (w->mode != MODE_AP)
		return;
	for (int i = 0; i < w->n; i++) {
		ll_hints_send(w, i, node);
		ll_hints_send(w, node, i);
	}
}

static void ll_link_up(struct world *w, int from, int to)
{
	if (w->mode == MODE_AP)
		ll_hints_send(w, from, to);
}

static void ll_heal(struct world *w)
{
	if (w->mode != MODE_AP)
		return;
	ll_hints_flush(w);
	for (int i = 0; i < w->n; i++)
		for (int j = 0; j < w->n; j++)
			leaderless_sync(w, i, j);
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
};
