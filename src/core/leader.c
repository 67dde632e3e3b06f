/* leader.c: the leader-based protocol's roles and elections (Raft with
 * Pre-Vote and CheckQuorum), its timers and its life cycle (enter, leave,
 * crash, recover). Log replication lives in leader_log.c, client requests in
 * leader_client.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capviz/world.h"

static bool leader_active(const struct world *w)
{
	return w->mode == MODE_CP;
}

void leader_node_free(struct leader_node *n)
{
	free(n->log);
	free(n->reqs);
	n->log = NULL;
	n->reqs = NULL;
	n->log_len = n->log_cap = 0;
	n->nreqs = n->reqs_cap = 0;
}

void leader_forget_prevotes(struct leader_node *ld)
{
	for (int i = 0; i < WORLD_MAX_NODES; i++) {
		ld->pv_answer[i] = ld->pv_last_answer[i] = PV_NONE;
		ld->pv_follows[i] = ld->pv_last_follows[i] = -1;
	}
	ld->pv_sent_us = INT64_MIN / 2;
	ld->pv_rounds = 0;
	ld->why_noted = NL_NONE;
}

void leader_prevote_round(struct world *w, int node)
{
	struct leader_node *ld = &w->nodes[node].ld;

	if (ld->pv_sent_us > INT64_MIN / 2) {
		memcpy(ld->pv_last_answer, ld->pv_answer, sizeof ld->pv_answer);
		memcpy(ld->pv_last_follows, ld->pv_follows, sizeof ld->pv_follows);
		ld->pv_rounds++;
	}
	for (int i = 0; i < WORLD_MAX_NODES; i++) {
		ld->pv_answer[i] = PV_NONE;
		ld->pv_follows[i] = -1;
	}
	ld->pv_sent_us = w->now_us;
	leader_why_changed(w, node);
}

void leader_set_role(struct world *w, int node, enum role role)
{
	struct leader_node *ld = &w->nodes[node].ld;
	struct event e;

	if (ld->role == role)
		return;
	ld->role = role;
	e = world_event(w, EV_ROLE);
	e.node = node;
	e.peer = ld->leader;
	e.role = role;
	e.term = ld->term;
	world_emit(w, &e);
}

void leader_arm_election(struct world *w, int node)
{
	struct leader_node *ld = &w->nodes[node].ld;
	int64_t delay = rng_range(&w->rng, w->timing.election_min_us, w->timing.election_max_us);

	/* A single node needs nobody's vote: it leads as soon as it is up. */
	if (w->n == 1 && ld->role != ROLE_LEADER)
		delay = 0;
	ld->election_token = world_token(w);
	world_timer(w, node, PROTO_LEADER, LT_ELECTION, delay, ld->election_token);
}

static void arm_heartbeat(struct world *w, int node)
{
	struct leader_node *ld = &w->nodes[node].ld;

	ld->heartbeat_token = world_token(w);
	world_timer(w, node, PROTO_LEADER, LT_HEARTBEAT, w->timing.heartbeat_us, ld->heartbeat_token);
}

int leader_heard_count(const struct world *w, int node)
{
	const struct leader_node *ld = &w->nodes[node].ld;
	int count = 1;

	for (int i = 0; i < w->n; i++)
		if (i != node && w->now_us - ld->heard_us[i] <= w->timing.election_max_us)
			count++;
	return count;
}

void leader_step_down(struct world *w, int node, uint64_t term)
{
	struct leader_node *ld = &w->nodes[node].ld;
	bool was_leader = ld->role == ROLE_LEADER;

	if (term > ld->term) {
		ld->term = term;
		ld->voted_for = -1;
	}
	ld->leader = -1;
	ld->prevoting = false;
	leader_set_role(w, node, ROLE_FOLLOWER);
	if (was_leader) {
		ld->heartbeat_token = world_token(w);
		leader_drop_serving(w, node, NULL);
		leader_arm_election(w, node);
	}
}

static int count_bits(uint32_t x)
{
	int c = 0;

	for (; x; x &= x - 1)
		c++;
	return c;
}

static void send_votes(struct world *w, int node, bool pre)
{
	struct leader_node *ld = &w->nodes[node].ld;
	struct msg m;

	memset(&m, 0, sizeof m);
	m.kind = MSG_VOTE;
	m.term = pre ? ld->term + 1 : ld->term;
	m.key = -1;
	m.u.vote.last_index = ld->log_len;
	m.u.vote.last_term = leader_last_term(ld);
	m.u.vote.pre = pre;
	for (int i = 0; i < w->n; i++)
		if (i != node)
			net_send(w, node, i, &m);
}

/* After its no-op a new leader records the value of every key as its log
 * makes it, so that replicas whose stores drifted (writes taken in another
 * mode) converge on the log's state; replicas that agree change nothing. */
static void append_sync(struct world *w, int node)
{
	struct leader_node *ld = &w->nodes[node].ld;

	for (int k = 0; k < w->nkeys; k++) {
		const struct version *cur = store_get(&w->nodes[node].store, k);
		struct log_entry e;

		if (!cur)
			continue;
		memset(&e, 0, sizeof e);
		e.term = ld->term;
		e.key = k;
		e.kind = OP_WRITE;
		e.v = *cur;
		/* The store lags the log by the entries not yet applied. */
		for (size_t i = ld->applied; i < ld->log_len; i++) {
			const struct log_entry *l = &ld->log[i];
			int64_t value = e.v.value;

			if (l->key != k || l->op == 0)
				continue;
			/* A txn applies only if its condition will hold on the
			 * value the entries before it make, as it will there. */
			if (l->txn && !leader_txn_decides(w, l, true, value))
				continue;
			e.v = l->v;
			e.v.value = l->kind == OP_WRITE ? l->v.value : op_value(value, l->kind, l->arg);
		}
		if (leader_log_append(w, node, &e) < 0)
			return;
	}
}

static void become_leader(struct world *w, int node)
{
	struct leader_node *ld = &w->nodes[node].ld;
	struct log_entry noop;

	ld->leader = node;
	ld->prevoting = false;
	leader_forget_prevotes(ld);
	ld->election_token = world_token(w);
	for (int i = 0; i < w->n; i++) {
		ld->next[i] = ld->log_len + 1;
		ld->match[i] = 0;
		ld->read_acked[i] = 0;
		/* A grace period: CheckQuorum judges from now on. */
		ld->heard_us[i] = w->now_us;
	}
	leader_set_role(w, node, ROLE_LEADER);
	lock_lead(w, node);
	memset(&noop, 0, sizeof noop);
	noop.term = ld->term;
	noop.key = -1;
	noop.kind = OP_WRITE;
	if (leader_log_append(w, node, &noop) < 0)
		return;
	append_sync(w, node);
	leader_broadcast(w, node);
	arm_heartbeat(w, node);
	leader_take_over(w, node);
	leader_advance_commit(w, node);
}

static void become_candidate(struct world *w, int node)
{
	struct leader_node *ld = &w->nodes[node].ld;

	ld->prevoting = false;
	ld->term++;
	ld->voted_for = node;
	ld->leader = -1;
	ld->votes = 1u << node;
	if (ld->role == ROLE_CANDIDATE) {
		/* A new term of candidacy is news too. */
		ld->role = ROLE_FOLLOWER;
	}
	leader_set_role(w, node, ROLE_CANDIDATE);
	leader_arm_election(w, node);
	if (count_bits(ld->votes) >= world_quorum(w)) {
		become_leader(w, node);
		return;
	}
	send_votes(w, node, false);
}

/* The election timer fired: no leader was heard. Ask for pre-votes first,
 * so a node cut off in a minority never raises its term. */
static void election_timeout(struct world *w, int node)
{
	struct leader_node *ld = &w->nodes[node].ld;

	if (ld->role == ROLE_LEADER)
		return;
	/* Until it follows a leader again: a majority may elect one, or, in a
	 * partial partition, none comes while the old one keeps its quorum. */
	if (ld->leader >= 0)
		world_note(w, node, "%c lost its leader %c: %s", 'A' + node, 'A' + ld->leader,
			   w->preset == PRESET_ZOOKEEPER ? "it stops serving until it follows a leader again" :
			   w->preset == PRESET_DYNAMODB || w->preset == PRESET_DYNAMODB_STRONG ?
			   "it answers only eventual reads until it follows a leader again" :
			   "until it follows a leader again, only local reads are answered there");
	if (ld->leader >= 0 && w->preset == PRESET_ZOOKEEPER)
		leader_connection_loss(w, node, ld->leader);
	if (ld->leader >= 0)
		leader_forget_prevotes(ld);
	ld->leader = -1;
	leader_prevote_round(w, node);
	ld->prevoting = true;
	ld->votes = 1u << node;
	leader_arm_election(w, node);
	if (count_bits(ld->votes) >= world_quorum(w)) {
		become_candidate(w, node);
		return;
	}
	send_votes(w, node, true);
}

/* Checks the leader still hears from a majority, then sends heartbeats. */
static void heartbeat(struct world *w, int node)
{
	struct leader_node *ld = &w->nodes[node].ld;
	int heard = leader_heard_count(w, node);
	char why[OP_ERROR_MAX];

	if (ld->role != ROLE_LEADER)
		return;
	if (heard < world_quorum(w)) {
		snprintf(why, sizeof why, "no quorum: leader %c heard from %d of %d nodes",
			'A' + node, heard, w->n);
		world_note(w, node, "%c steps down: it heard from %d of %d nodes", 'A' + node, heard, w->n);
		leader_drop_serving(w, node, why);
		leader_step_down(w, node, ld->term);
		return;
	}
	leader_prune(w, node);
	lock_tick(w, node);
	leader_broadcast(w, node);
	arm_heartbeat(w, node);
}

static void leader_timer(struct world *w, int node, int sub, uint64_t token)
{
	struct leader_node *ld = &w->nodes[node].ld;

	if (!leader_active(w))
		return;
	if (sub == LT_ELECTION && token == ld->election_token)
		election_timeout(w, node);
	else if (sub == LT_HEARTBEAT && token == ld->heartbeat_token)
		heartbeat(w, node);
	else if (sub == LT_DEADLINE)
		leader_deadline(w, node, token);
	else if (sub == LT_LEASE)
		lock_lease_timer(w, node, token);
	else if (sub == LT_RELEASE)
		leader_release(w, node, token);
}

/* Raft's rule: grant only to a log at least as up to date as ours. */
static bool log_ok(const struct leader_node *ld, const struct msg *m)
{
	uint64_t last = leader_last_term(ld);

	return m->u.vote.last_term > last ||
		(m->u.vote.last_term == last && m->u.vote.last_index >= ld->log_len);
}

/* A node that heard from a leader lately refuses to help unseat it. */
static bool in_lease(const struct world *w, const struct leader_node *ld)
{
	if (ld->role == ROLE_LEADER)
		return true;
	return ld->leader >= 0 && w->now_us - ld->leader_seen_us < w->timing.election_min_us;
}

static void on_vote(struct world *w, const struct msg *m)
{
	int node = m->to;
	struct leader_node *ld = &w->nodes[node].ld;
	struct msg r;
	bool grant = false;
	uint8_t refusal = PV_NONE;

	if (m->u.vote.pre) {
		grant = !in_lease(w, ld) && m->term > ld->term && log_ok(ld, m);
		refusal = grant ? PV_GRANTED : in_lease(w, ld) ? PV_FOLLOWS : m->term <= ld->term ? PV_TERM : PV_LOG;
	} else if (!in_lease(w, ld)) {
		if (m->term > ld->term)
			leader_step_down(w, node, m->term);
		grant = m->term == ld->term && log_ok(ld, m) &&
			(ld->voted_for < 0 || ld->voted_for == m->from);
		if (grant) {
			ld->voted_for = m->from;
			leader_arm_election(w, node);
		}
	}
	memset(&r, 0, sizeof r);
	r.kind = MSG_VOTE_REPLY;
	r.term = ld->term;
	r.key = -1;
	r.ok = grant;
	r.u.vote.pre = m->u.vote.pre;
	r.u.vote.cand_term = m->term;
	r.u.vote.refusal = refusal;
	r.u.vote.follows = (int8_t)(ld->role == ROLE_LEADER ? node : ld->leader);
	net_send(w, node, m->from, &r);
}

/* A pre-vote's answer, kept so the screen can say why no leader comes. */
static void record_prevote(struct world *w, int node, const struct msg *m)
{
	struct leader_node *ld = &w->nodes[node].ld;

	if (!m->u.vote.pre || !ld->prevoting || m->u.vote.cand_term != ld->term + 1)
		return;
	ld->pv_answer[m->from] = m->ok ? PV_GRANTED : m->u.vote.refusal ? m->u.vote.refusal : PV_TERM;
	ld->pv_follows[m->from] = m->u.vote.follows;
}

static void on_vote_reply(struct world *w, const struct msg *m)
{
	int node = m->to;
	struct leader_node *ld = &w->nodes[node].ld;

	record_prevote(w, node, m);
	if (m->term > ld->term && !m->ok) {
		leader_step_down(w, node, m->term);
		return;
	}
	if (!m->ok)
		return;
	if (m->u.vote.pre) {
		if (!ld->prevoting || m->u.vote.cand_term != ld->term + 1)
			return;
		ld->votes |= 1u << m->from;
		if (count_bits(ld->votes) >= world_quorum(w))
			become_candidate(w, node);
		return;
	}
	if (ld->role != ROLE_CANDIDATE || m->u.vote.cand_term != ld->term)
		return;
	ld->votes |= 1u << m->from;
	if (count_bits(ld->votes) >= world_quorum(w))
		become_leader(w, node);
}

static void leader_deliver(struct world *w, const struct msg *m)
{
	if (!leader_active(w))
		return;
	switch (m->kind) {
	case MSG_VOTE:
		on_vote(w, m);
		break;
	case MSG_VOTE_REPLY:
		on_vote_reply(w, m);
		break;
	case MSG_APPEND:
		leader_on_append(w, m);
		break;
	case MSG_APPEND_REPLY:
		leader_on_append_reply(w, m);
		break;
	case MSG_FORWARD:
		leader_on_forward(w, m);
		break;
	case MSG_FORWARD_REPLY:
		leader_on_forward_reply(w, m);
		break;
	default:
		break;
	}
}

/* Volatile state back to a follower that knows nothing; persisted state
 * (term, vote, log, applied) stays. */
static void reset_volatile(struct world *w, int node, enum role role)
{
	struct leader_node *ld = &w->nodes[node].ld;

	ld->election_token = world_token(w);
	ld->heartbeat_token = world_token(w);
	ld->leader = -1;
	ld->prevoting = false;
	ld->votes = 0;
	ld->commit = ld->applied;
	ld->leader_seen_us = INT64_MIN / 2;
	ld->read_seq = 0;
	for (int i = 0; i < WORLD_MAX_NODES; i++) {
		ld->next[i] = ld->match[i] = ld->read_acked[i] = 0;
		ld->heard_us[i] = INT64_MIN / 2;
	}
	leader_forget_prevotes(ld);
	lock_forget(w, node);
	leader_set_role(w, node, role);
}

static void leader_enter(struct world *w)
{
	for (int i = 0; i < w->n; i++) {
		reset_volatile(w, i, ROLE_FOLLOWER);
		if (!w->nodes[i].crashed)
			leader_arm_election(w, i);
	}
}

static void leader_leave(struct world *w)
{
	for (int i = 0; i < w->n; i++) {
		leader_clear_requests(w, i, "aborted: the leader-based protocol stopped");
		reset_volatile(w, i, ROLE_NONE);
	}
}

static void leader_crash(struct world *w, int node)
{
	struct leader_node *ld = &w->nodes[node].ld;
	char why[48];

	snprintf(why, sizeof why, "%c crashed", 'A' + node);
	leader_clear_requests(w, node, why);
	reset_volatile(w, node, ld->role == ROLE_NONE ? ROLE_NONE : ROLE_FOLLOWER);
}

static void leader_recover(struct world *w, int node)
{
	if (!leader_active(w))
		return;
	reset_volatile(w, node, ROLE_FOLLOWER);
	leader_arm_election(w, node);
}

static void leader_link_up(struct world *w, int from, int to)
{
	struct leader_node *ld = &w->nodes[from].ld;

	if (!leader_active(w) || w->nodes[from].crashed)
		return;
	/* Catch-up is visible at once rather than at the next heartbeat. */
	if (ld->role == ROLE_LEADER)
		leader_send_append(w, from, to);
	else if (ld->leader == to)
		leader_retry(w, from, true);
}

static void leader_heal(struct world *w)
{
	for (int i = 0; i < w->n; i++)
		if (!w->nodes[i].crashed && w->nodes[i].ld.role == ROLE_LEADER)
			leader_broadcast(w, i);
}

const struct proto leader_proto = {
	.name = "leader",
	.enter = leader_enter,
	.leave = leader_leave,
	.client = leader_client,
	.deliver = leader_deliver,
	.timer = leader_timer,
	.crash = leader_crash,
	.recover = leader_recover,
	.link_up = leader_link_up,
	.heal = leader_heal,
	.reconciles = leader_reconciles,
};
