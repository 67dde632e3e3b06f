/* leader_log.c: the leader-based protocol's log: appending, replication by
 * MSG_APPEND (a heartbeat when empty), the follower's consistency check,
 * commit at a majority for entries of the leader's term, and applying
 * committed entries in order to the node's store. */
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "capviz/array.h"
#include "capviz/world.h"

uint64_t leader_last_term(const struct leader_node *ld)
{
	return ld->log_len ? ld->log[ld->log_len - 1].term : 0;
}

static uint64_t term_at(const struct leader_node *ld, uint64_t index)
{
	return index == 0 || index > ld->log_len ? 0 : ld->log[index - 1].term;
}

int leader_log_append(struct world *w, int node, const struct log_entry *e)
{
	void *grown;
	struct leader_node *ld = &w->nodes[node].ld;

	grown = array_grow(ld->log, &ld->log_cap, ld->log_len, sizeof *ld->log);
	if (!grown) {
		w->oom = true;
		return -1;
	}
	ld->log = grown;
	ld->log[ld->log_len++] = *e;
	if (ld->role == ROLE_LEADER)
		ld->match[node] = ld->log_len;
	return 0;
}

void leader_send_append(struct world *w, int node, int peer)
{
	struct leader_node *ld = &w->nodes[node].ld;
	uint64_t next = ld->next[peer];
	struct msg m;

	if (next < 1)
		next = 1;
	if (next > ld->log_len + 1)
		next = ld->log_len + 1;
	memset(&m, 0, sizeof m);
	m.kind = MSG_APPEND;
	m.term = ld->term;
	m.key = -1;
	m.u.append.prev_index = next - 1;
	m.u.append.prev_term = term_at(ld, next - 1);
	m.u.append.commit = ld->commit;
	m.u.append.read_seq = ld->read_seq;
	lock_vouch(w, node, peer, &m);
	while (m.u.append.n < MSG_MAX_ENTRIES && next + (uint64_t)m.u.append.n <= ld->log_len) {
		m.u.append.e[m.u.append.n] = ld->log[next - 1 + (uint64_t)m.u.append.n];
		m.u.append.n++;
	}
	net_send(w, node, peer, &m);
}

void leader_broadcast(struct world *w, int node)
{
	for (int i = 0; i < w->n; i++)
		if (i != node)
			leader_send_append(w, node, i);
}

/* A new leader's record of a key's value (op 0): replicas that hold another
 * value take it. A version not causally before it was written outside the
 * log (in another mode) and is LOST now; an older one was just behind. */
static void apply_sync(struct world *w, int node, const struct log_entry *e)
{
	const struct version *cur = store_get(&w->nodes[node].store, e->key);
	char why[256];

	if (cur && cur->wid == e->v.wid && cur->value == e->v.value)
		return;
	if (cur && cur->wid != e->v.wid && vc_compare(cur->vc, e->v.vc, w->n) != VC_BEFORE &&
	    !world_replaced_in_order(w, cur->wid, e->v.wid)) {
		char val[96];

		world_format_value(w, e->key, cur->value, val, sizeof val);
		snprintf(why, sizeof why, "v%llu (%s=%s at %c) lost: the leader's log replaced it at %c (it was "
			 "written outside the log, in another mode)", (unsigned long long)cur->wid,
			 world_key_name(w, e->key), val, 'A' + cur->node, 'A' + node);
		world_mark_lost(w, cur->wid, e->v.value, why);
	}
	world_put(w, node, e->key, &e->v);
}

bool leader_txn_decides(const struct world *w, const struct log_entry *e, bool has, int64_t value)
{
	const struct write_rec *wr = history_write(&w->hist, e->v.wid);

	if (wr && wr->decided != TXN_UNDECIDED)
		return wr->decided == TXN_HELD;
	return has && inv_compare((enum inv_op)e->cond_op, value, e->cond_value);
}

/* A conditional entry is decided where it is applied, on the value the log
 * has made so far: every replica applies the same entries in the same
 * order, so every replica decides the same. A replica whose copy another
 * mode changed meanwhile follows the first one's decision, as a real
 * state machine (which has no other mode) would. A refused entry changes
 * nothing; it keeps the value it found for the answer's message. */
static bool txn_holds(struct world *w, int node, struct log_entry *e)
{
	const struct version *cur = store_get(&w->nodes[node].store, e->key);
	struct op *op = world_op(w, e->op);
	struct write_rec *wr = history_write(&w->hist, e->v.wid);
	bool holds = leader_txn_decides(w, e, cur != NULL, cur ? cur->value : 0);

	if (wr && wr->decided == TXN_UNDECIDED)
		wr->decided = holds ? TXN_HELD : TXN_REFUSED;
	if (holds)
		return true;
	e->failed = true;
	e->had = cur != NULL;
	e->found = cur ? cur->value : 0;
	/* Refused, it read the version it checked: every replica finds the
	 * same one, in log order; the first to apply it tells (a replica that
	 * catches up later may hold values another mode wrote meanwhile). */
	if (op && !op->has_read_wid) {
		op->read_wid = cur ? cur->wid : 0;
		op->has_read_wid = true;
	}
	return false;
}

/* Applies committed entries in order. An add's value (a delta, or a set
 * element added or removed) is worked out from the current value; the entry
 * remembers what it became. */
static void apply_committed(struct world *w, int node)
{
	struct leader_node *ld = &w->nodes[node].ld;

	while (ld->applied < ld->commit && ld->applied < ld->log_len) {
		struct log_entry *e = &ld->log[ld->applied++];

		if (op_is_lock(e->kind) || e->kind == OP_EXPIRE) {
			lock_apply(w, node, e, ld->applied);
			continue;
		}
		if (e->key < 0)
			continue;
		if (e->op == 0) {
			apply_sync(w, node, e);
			continue;
		}
		if (e->txn && !txn_holds(w, node, e))
			continue;
		/* An add, a set change or a txn builds on the version in place. */
		if (e->kind != OP_WRITE || e->txn) {
			const struct version *cur = store_get(&w->nodes[node].store, e->key);

			history_write_base(&w->hist, e->v.wid, cur ? cur->wid : 0);
		}
		if (e->kind != OP_WRITE) {
			const struct version *cur = store_get(&w->nodes[node].store, e->key);

			e->v.value = op_value(cur ? cur->value : 0, e->kind, e->arg);
		}
		world_put(w, node, e->key, &e->v);
	}
	leader_progress(w, node);
}

/* Copies the message's entries into the log after prev_index, dropping a
 * conflicting suffix (and saying which entries go). Committed entries never
 * conflict (Raft's Log Matching); the check guards the store against a bug
 * applying twice. *from and *to get the indexes newly stored, 0 none. */
static int store_entries(struct world *w, int node, const struct msg *m, uint64_t *from, uint64_t *to)
{
	struct leader_node *ld = &w->nodes[node].ld;

	*from = *to = 0;
	for (int i = 0; i < m->u.append.n; i++) {
		uint64_t index = m->u.append.prev_index + 1 + (uint64_t)i;
		const struct log_entry *e = &m->u.append.e[i];

		if (index <= ld->log_len) {
			if (ld->log[index - 1].term == e->term)
				continue;
			if (index <= ld->applied)
				return -1;
			leader_say_discard(w, node, m->from, index);
			ld->log_len = index - 1;
		}
		if (leader_log_append(w, node, e) < 0)
			return -1;
		if (!*from)
			*from = index;
		*to = index;
	}
	return 0;
}

static void reply_append(struct world *w, const struct msg *m, bool ok, uint64_t match)
{
	struct leader_node *ld = &w->nodes[m->to].ld;
	struct msg r;

	memset(&r, 0, sizeof r);
	r.kind = MSG_APPEND_REPLY;
	r.term = ld->term;
	r.key = -1;
	r.ok = ok;
	r.u.append_reply.match = match;
	r.u.append_reply.read_seq = m->u.append.read_seq;
	r.u.append_reply.echo_us = m->sent_us;
	net_send(w, m->to, m->from, &r);
}

/* A message from the leader of m->term: follow it. */
static void follow(struct world *w, int node, const struct msg *m)
{
	struct leader_node *ld = &w->nodes[node].ld;
	bool news = ld->leader != m->from || m->term != ld->term;

	if (m->term > ld->term || ld->role != ROLE_FOLLOWER)
		leader_step_down(w, node, m->term);
	if (ld->leader < 0)
		leader_forget_prevotes(ld);
	ld->leader = m->from;
	ld->prevoting = false;
	ld->leader_seen_us = w->now_us;
	leader_arm_election(w, node);
	if (news)
		leader_retry(w, node, false);
}

void leader_on_append(struct world *w, const struct msg *m)
{
	int node = m->to;
	struct leader_node *ld = &w->nodes[node].ld;
	uint64_t prev = m->u.append.prev_index, last, from, to;

	if (m->term < ld->term || (m->term == ld->term && ld->role == ROLE_LEADER)) {
		reply_append(w, m, false, 0);
		return;
	}
	follow(w, node, m);
	if (prev > ld->log_len || term_at(ld, prev) != m->u.append.prev_term) {
		/* Tell the leader where to look next: our log is shorter, or
		 * differs at prev. */
		reply_append(w, m, false, prev > ld->log_len ? ld->log_len : prev - 1);
		return;
	}
	if (store_entries(w, node, m, &from, &to) < 0) {
		reply_append(w, m, false, 0);
		return;
	}
	/* Entries the leader had committed before it sent them: this
	 * follower missed them, and catches up. */
	if (from && from <= m->u.append.commit)
		leader_say_catchup(w, node, m->from, from, to < m->u.append.commit ? to : m->u.append.commit);
	last = prev + (uint64_t)m->u.append.n;
	if (m->u.append.commit > ld->commit) {
		uint64_t c = m->u.append.commit < last ? m->u.append.commit : last;

		if (c > ld->commit)
			ld->commit = c;
	}
	apply_committed(w, node);
	lock_renew(w, node, m);
	reply_append(w, m, true, last);
}

void leader_advance_commit(struct world *w, int node)
{
	struct leader_node *ld = &w->nodes[node].ld;

	if (ld->role != ROLE_LEADER)
		return;
	ld->match[node] = ld->log_len;
	/* Only entries of the leader's own term commit by counting (Raft
	 * §5.4.2); earlier ones commit with them. */
	for (uint64_t n = ld->log_len; n > ld->commit && ld->log[n - 1].term == ld->term; n--) {
		int count = 0;

		for (int i = 0; i < w->n; i++)
			if (ld->match[i] >= n)
				count++;
		if (count >= world_quorum(w)) {
			ld->commit = n;
			break;
		}
	}
	apply_committed(w, node);
}

void leader_on_append_reply(struct world *w, const struct msg *m)
{
	int node = m->to, peer = m->from;
	struct leader_node *ld = &w->nodes[node].ld;

	if (m->term > ld->term) {
		leader_step_down(w, node, m->term);
		return;
	}
	if (m->term < ld->term || ld->role != ROLE_LEADER)
		return;
	ld->heard_us[peer] = w->now_us;
	lock_heard(w, node, m);
	if (m->u.append_reply.read_seq > ld->read_acked[peer])
		ld->read_acked[peer] = m->u.append_reply.read_seq;
	if (m->ok) {
		if (m->u.append_reply.match > ld->match[peer])
			ld->match[peer] = m->u.append_reply.match;
		ld->next[peer] = ld->match[peer] + 1;
		leader_advance_commit(w, node);
		if (ld->role == ROLE_LEADER && ld->next[peer] <= ld->log_len)
			leader_send_append(w, node, peer);
	} else {
		uint64_t hint = m->u.append_reply.match + 1;

		if (ld->next[peer] > 1)
			ld->next[peer]--;
		if (hint < ld->next[peer])
			ld->next[peer] = hint;
		if (ld->next[peer] <= ld->match[peer])
			ld->next[peer] = ld->match[peer] + 1;
		leader_send_append(w, node, peer);
		leader_progress(w, node);
	}
}
