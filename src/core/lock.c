/* lock.c: locks and elections under the leader-based protocol, as
 * ZooKeeper's recipes run them. The leader's log orders every lock, unlock
 * and session expiry; each replica applies them to its queues (the
 * ephemeral sequential nodes). The leader tracks sessions by the messages
 * it hears from each server and expires the silent ones. Each server keeps
 * a lease for its client's session, vouched for by the leader: a client
 * believes it holds a lock only while the lease is sure to outlive any
 * expiry. That keeps two holders apart in capviz only because its clients
 * never pause and check the lease before they act; a real client paused past
 * its session's expiry would act on, and only a resource that rejects an
 * older fencing token stops it (ZooKeeper's recipe alone cannot). The AP
 * lock is aplock.c's; the readers (who holds what) are lock_view.c's. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "capviz/world.h"

#define NEVER_US (INT64_MIN / 4)

int lock_check(const struct world *w, enum op_kind kind, char *err, size_t errlen)
{
	const char *what = kind == OP_ELECT ? "elect" : kind == OP_UNLOCK ? "unlock" : "lock";

	if (w->mode == MODE_STRICT) {
		snprintf(err, errlen, "%s: strict mode has no lock service; try preset zookeeper (or an ap preset "
			 "to see two holders)", what);
		return -1;
	}
	if (w->preset == PRESET_DYNAMODB || w->preset == PRESET_DYNAMODB_STRONG) {
		snprintf(err, errlen, "%s: DynamoDB has no lock service; a lock there is a conditional write "
			 "(txn A owner 1 if owner==0); try preset zookeeper", what);
		return -1;
	}
	return 0;
}

void lock_entry(struct log_entry *e, int client)
{
	e->client = (int8_t)client;
	e->holder = -1;
}

/* --- the replicated queues --- */

static int find_waiter(const struct lock_queue *q, int client)
{
	for (int i = 0; i < q->n; i++)
		if (q->q[i].client == client)
			return i;
	return -1;
}

static void remove_waiter(struct lock_queue *q, int pos)
{
	memmove(&q->q[pos], &q->q[pos + 1], (size_t)(q->n - pos - 1) * sizeof q->q[0]);
	q->n--;
}

/* The watch of the next in line fires: its server tells its client. */
static void promoted(struct world *w, int node, int key, const char *why)
{
	const struct lock_queue *q = &w->nodes[node].lk.rep.locks[key];
	struct event e;
	char text[200];

	/* A server catching up replays old changes: its client learns only
	 * of a lock it can count on now. */
	if (q->n == 0 || q->q[0].client != node || !world_lock_held(w, node, key, NULL))
		return;
	snprintf(text, sizeof text, "the client at %c now %s %s (token %" PRIu32 "): %s", 'A' + node,
		 w->key_type[key] == KT_ELECTION ? "leads" : "holds", world_key_name(w, key), q->q[0].seq, why);
	e = world_event(w, EV_LOCK);
	e.node = node;
	e.key = key;
	e.text = text;
	world_emit(w, &e);
}

static void acquire(struct world *w, int node, struct log_entry *e, uint64_t index)
{
	struct lock_replica *rep = &w->nodes[node].lk.rep;
	struct lock_queue *q = &rep->locks[e->key];
	int c = e->client, pos;

	if (!rep->session[c])
		rep->session[c] = index;        /* a new session */
	e->session = rep->session[c];
	pos = find_waiter(q, c);
	if (pos < 0 && q->n < WORLD_MAX_NODES) {
		pos = q->n++;
		q->q[pos].client = (int8_t)c;
		q->q[pos].seq = ++q->cseq;
		q->q[pos].session = e->session;
		q->q[pos].op = e->op;
	}
	e->token = pos >= 0 ? q->q[pos].seq : 0;
	e->outcome = pos == 0 ? LOCK_GRANTED : LOCK_QUEUED;
	e->holder = q->n ? q->q[0].client : -1;
}

static void release(struct world *w, int node, struct log_entry *e)
{
	struct lock_queue *q = &w->nodes[node].lk.rep.locks[e->key];
	int pos = find_waiter(q, e->client);

	if (pos < 0) {
		e->failed = true;
		e->outcome = LOCK_NOT_HELD;
	} else {
		e->token = q->q[pos].seq;
		e->outcome = LOCK_RELEASED;
		remove_waiter(q, pos);
		if (pos == 0) {
			char why[64];

			snprintf(why, sizeof why, "the client at %c let go", 'A' + e->client);
			promoted(w, node, e->key, why);
		}
	}
	e->holder = q->n ? q->q[0].client : -1;
}

/* A session ends: its ephemeral nodes go, and whoever was next in line
 * takes over. The leader says so once. */
static void expire(struct world *w, int node, struct log_entry *e)
{
	struct lock_replica *rep = &w->nodes[node].lk.rep;
	int c = e->client;
	char why[96];

	if (rep->session[c] != e->session)
		return;
	rep->session[c] = 0;
	if (node == c) {
		/* The client's own server applies it: the client is told, as
		 * ZooKeeper tells a client that reconnects after its session
		 * expired. */
		w->nodes[node].lk.expired_sid = e->session;
		if (w->nodes[node].ld.role != ROLE_LEADER)
			world_lock_note(w, c, -1, "the client at %c learns its session 0x%" PRIx64 " expired: its locks "
					"and candidacies are gone", 'A' + c, e->session);
	}
	if (w->nodes[node].ld.role == ROLE_LEADER)
		world_lock_note(w, c, -1, "session 0x%" PRIx64 " of the client at %c expired: the leader heard "
				 "nothing from %c for %.1fs; its locks and candidacies are gone", e->session, 'A' + c,
				 'A' + c, w->timing.session_timeout_us / 1e6);
	snprintf(why, sizeof why, "the session of the client at %c expired", 'A' + c);
	for (int k = 0; k < w->nkeys; k++) {
		struct lock_queue *q = &rep->locks[k];
		int pos = find_waiter(q, c);

		if (pos < 0)
			continue;
		remove_waiter(q, pos);
		if (pos == 0)
			promoted(w, node, k, why);
	}
}

void lock_apply(struct world *w, int node, struct log_entry *e, uint64_t index)
{
	if (e->client < 0 || e->client >= w->n)
		return;
	if (e->kind == OP_EXPIRE) {
		expire(w, node, e);
		return;
	}
	if (e->key < 0 || e->key >= STORE_MAX_KEYS)
		return;
	if (e->op <= w->nodes[node].lk.rep.last_op[e->client]) {
		e->failed = true;
		e->outcome = LOCK_OVERTAKEN;
		return;
	}
	w->nodes[node].lk.rep.last_op[e->client] = e->op;
	if (e->kind == OP_UNLOCK)
		release(w, node, e);
	else
		acquire(w, node, e, index);
}

/* --- sessions and leases --- */

/* The session of client the leader's log keeps live: the applied one,
 * unless an expiry of it is already in the log. */
static uint64_t live_session(const struct world *w, int leader, int client)
{
	const struct leader_node *ld = &w->nodes[leader].ld;
	uint64_t sid = w->nodes[leader].lk.rep.session[client];

	for (size_t i = ld->applied; i < ld->log_len && sid; i++)
		if (ld->log[i].kind == OP_EXPIRE && ld->log[i].client == client && ld->log[i].session == sid)
			sid = 0;
	return sid;
}

/* The latest send time of the leader's own messages that a majority
 * (itself included) has acknowledged: no other leader can be elected
 * before it, since a voter that heard it waits out an election timeout. */
static int64_t confirmed(const struct world *w, int leader)
{
	const struct lock_node *lk = &w->nodes[leader].lk;
	int64_t v[WORLD_MAX_NODES];
	int q = world_quorum(w);

	for (int i = 0; i < w->n; i++)
		v[i] = i == leader ? w->now_us : lk->acked_sent_us[i];
	/* The q-th largest: a partial selection sort of a handful. */
	for (int i = 0; i < q; i++)
		for (int j = i + 1; j < w->n; j++)
			if (v[j] > v[i]) {
				int64_t t = v[i];

				v[i] = v[j];
				v[j] = t;
			}
	return v[q - 1];
}

static bool holds_any(const struct world *w, int node)
{
	const struct lock_replica *rep = &w->nodes[node].lk.rep;

	for (int k = 0; k < w->nkeys; k++)
		if (rep->locks[k].n && rep->locks[k].q[0].client == node &&
		    rep->locks[k].q[0].session == rep->session[node])
			return true;
	return false;
}

/* A timer at the lease's end, so the end of a holder's certainty is told
 * when it comes; one at a time, moved on when it fires early. */
static void arm_lease(struct world *w, int node)
{
	struct lock_node *lk = &w->nodes[node].lk;
	int64_t end = lk->lease_base_us + w->timing.session_timeout_us;

	if (lk->lease_timer || !lk->lease_sid || end <= w->now_us || !holds_any(w, node))
		return;
	lk->lease_timer = world_token(w);
	world_timer(w, node, PROTO_LEADER, LT_LEASE, end - w->now_us, lk->lease_timer);
}

static void set_lease(struct world *w, int node, uint64_t sid, int64_t base_us)
{
	struct lock_node *lk = &w->nodes[node].lk;

	if (sid != lk->lease_sid) {
		lk->lease_sid = sid;
		lk->lease_base_us = base_us;
	} else if (base_us > lk->lease_base_us) {
		lk->lease_base_us = base_us;
	}
	if (lk->lease_base_us + w->timing.session_timeout_us > w->now_us)
		lk->lease_warned = false;
	arm_lease(w, node);
}

/* The leader vouches for its own client from what a majority confirmed. */
static void own_lease(struct world *w, int leader)
{
	set_lease(w, leader, live_session(w, leader, leader), confirmed(w, leader));
}

void lock_heard(struct world *w, int leader, const struct msg *reply)
{
	struct lock_node *lk = &w->nodes[leader].lk;
	int peer = reply->from;

	lk->touch_us[peer] = w->now_us;
	if (reply->sent_us > lk->heard_sent_us[peer])
		lk->heard_sent_us[peer] = reply->sent_us;
	if (reply->u.append_reply.echo_us > lk->acked_sent_us[peer])
		lk->acked_sent_us[peer] = reply->u.append_reply.echo_us;
	own_lease(w, leader);
}

/* The client at peer may count on its session from a moment the leader
 * both heard from peer and was sure it led. */
void lock_vouch(struct world *w, int leader, int peer, struct msg *append)
{
	const struct lock_node *lk = &w->nodes[leader].lk;
	int64_t conf = confirmed(w, leader);

	append->u.append.lease_sid = live_session(w, leader, peer);
	append->u.append.lease_us = lk->heard_sent_us[peer] < conf ? lk->heard_sent_us[peer] : conf;
}

void lock_renew(struct world *w, int node, const struct msg *append)
{
	set_lease(w, node, append->u.append.lease_sid, append->u.append.lease_us);
}

void lock_tick(struct world *w, int leader)
{
	struct lock_node *lk = &w->nodes[leader].lk;
	struct leader_node *ld = &w->nodes[leader].ld;

	own_lease(w, leader);
	for (int c = 0; c < w->n; c++) {
		uint64_t sid = live_session(w, leader, c);
		struct log_entry e;

		if (c == leader || !sid || w->now_us - lk->touch_us[c] <= w->timing.session_timeout_us)
			continue;
		memset(&e, 0, sizeof e);
		e.term = ld->term;
		e.key = -1;
		e.kind = OP_EXPIRE;
		lock_entry(&e, c);
		e.session = sid;
		if (leader_log_append(w, leader, &e) < 0)
			return;
	}
}

void lock_lead(struct world *w, int node)
{
	struct lock_node *lk = &w->nodes[node].lk;

	for (int i = 0; i < WORLD_MAX_NODES; i++) {
		lk->touch_us[i] = w->now_us;
		lk->heard_sent_us[i] = NEVER_US;
		lk->acked_sent_us[i] = NEVER_US;
	}
}

void lock_forget(struct world *w, int node)
{
	struct lock_node *lk = &w->nodes[node].lk;

	lock_lead(w, node);
	lk->lease_sid = 0;
	lk->lease_base_us = NEVER_US;
	lk->lease_timer = 0;
	lk->lease_warned = false;
}

void lock_lease_timer(struct world *w, int node, uint64_t token)
{
	struct lock_node *lk = &w->nodes[node].lk;

	if (token != lk->lease_timer)
		return;
	lk->lease_timer = 0;
	if (lk->lease_base_us + w->timing.session_timeout_us > w->now_us) {
		arm_lease(w, node);     /* renewed meanwhile */
		return;
	}
	if (lk->lease_warned || !holds_any(w, node))
		return;
	lk->lease_warned = true;
	world_lock_note(w, node, -1, "the client at %c heard nothing of its session for %.1fs: it must assume "
			 "the session expired and stop using its locks", 'A' + node,
			 w->timing.session_timeout_us / 1e6);
}

/* The lock service's family under a mode: ZooKeeper's recipe under the
 * leader-based protocol, the register under the leaderless one, none under
 * strict. */
static int service_of(enum mode m)
{
	return m == MODE_CP ? 1 : m == MODE_AP ? 2 : 0;
}

/* The highest token any replica has granted for key, either way. */
static uint32_t token_floor(const struct world *w, int key)
{
	uint32_t floor = 0;

	for (int i = 0; i < w->n; i++) {
		const struct kstate *ks = &w->nodes[i].store.keys[key];

		if (w->nodes[i].lk.rep.locks[key].cseq > floor)
			floor = w->nodes[i].lk.rep.locks[key].cseq;
		if (ks->present && aplock_token(ks->v.value) > floor)
			floor = aplock_token(ks->v.value);
	}
	return floor;
}

void lock_handover(struct world *w, int to)
{
	for (int k = 0; k < w->nkeys; k++) {
		int holders[WORLD_MAX_NODES], n;
		uint32_t floor;

		if (!key_type_is_lock(w->key_type[k]) || service_of(w->mode) == service_of((enum mode)to))
			continue;
		n = world_lock_holders(w, k, holders);
		for (int j = 0; j < n; j++)
			world_lock_note(w, holders[j], k, "the client at %c no longer holds %s: the cluster now runs "
					"as %s, another lock service, and its session is gone", 'A' + holders[j],
					world_key_name(w, k), mode_name((enum mode)to));
		/* Tokens go on from the highest granted, whichever the service. */
		floor = token_floor(w, k);
		for (int i = 0; i < w->n; i++) {
			struct lock_node *lk = &w->nodes[i].lk;

			memset(&lk->rep.locks[k], 0, sizeof lk->rep.locks[k]);
			lk->rep.locks[k].cseq = floor;
			lk->ap_held &= ~(1u << k);
			lk->let_go[k] = 0;
		}
		if (service_of((enum mode)to) == 2) {
			struct version v;

			memset(&v, 0, sizeof v);
			v.value = (int64_t)((uint64_t)floor << 4);
			v.wid = world_system_write(w, k, v.value);
			v.ts_us = w->now_us;
			for (int i = 0; i < w->n; i++) {
				struct kstate *ks = store_state(&w->nodes[i].store, k);

				kstate_assign(ks, w->key_type[k], &v, w->n);
				world_state_changed(w, i, k, 1);
			}
		}
	}
	if (service_of(w->mode) == service_of((enum mode)to))
		return;
	/* Lock entries still in a log from before never take effect now: they
	 * count as overtaken by the change. */
	for (int i = 0; i < w->n; i++) {
		memset(w->nodes[i].lk.rep.session, 0, sizeof w->nodes[i].lk.rep.session);
		for (int c = 0; c < WORLD_MAX_NODES; c++)
			w->nodes[i].lk.rep.last_op[c] = w->hist.nops;
		w->nodes[i].lk.expired_sid = 0;
	}
}
