/* leader_why.c: why a node of the leader-based protocol has no leader, in
 * the words the node card, a refused request and the explanation overlay
 * share. The cause comes from what the node heard: its peers' answers to its
 * pre-vote (a refusal names the leader the refuser still follows). Electing
 * and following are leader.c's and leader_log.c's; this file only tells. */
#include <stdio.h>
#include <string.h>

#include "capviz/world.h"

static int count_bits(uint32_t x)
{
	int c = 0;

	for (; x; x &= x - 1)
		c++;
	return c;
}

/* The leader most of the refusers follow. */
static int common_leader(const struct world *w, const int8_t *follows, uint32_t refusers)
{
	int best = -1, best_n = 0;

	for (int l = 0; l < w->n; l++) {
		int c = 0;

		for (int p = 0; p < w->n; p++)
			c += (refusers & (1u << p)) && follows[p] == l;
		if (c > best_n) {
			best = l;
			best_n = c;
		}
	}
	return best;
}

/* Does leader still lead, with a quorum? Then refusals on its behalf
 * last; once it stepped down, they were the answers of a moment. */
static bool still_leads(const struct world *w, int leader)
{
	return leader >= 0 && !w->nodes[leader].crashed && w->nodes[leader].ld.role == ROLE_LEADER &&
	       leader_heard_count(w, leader) >= world_quorum(w);
}

void leader_no_leader(const struct world *w, int node, struct no_leader *out)
{
	const struct leader_node *ld = &w->nodes[node].ld;
	const uint8_t *answer;
	const int8_t *follows;
	int granted = 1;

	memset(out, 0, sizeof *out);
	out->leader = -1;
	if (w->mode != MODE_CP || w->nodes[node].crashed || ld->role == ROLE_NONE || ld->role == ROLE_LEADER ||
	    ld->leader >= 0)
		return;
	if (ld->role == ROLE_CANDIDATE) {
		out->cause = NL_CANDIDATE;
		return;
	}
	/* The answers of the round under way once they had time to come in,
	 * else those of the last round that ended; with neither, it is only
	 * looking. */
	if (ld->pv_sent_us > INT64_MIN / 2 && w->now_us - ld->pv_sent_us >= w->timing.election_min_us / 2) {
		answer = ld->pv_answer;
		follows = ld->pv_follows;
	} else if (ld->pv_rounds > 0) {
		answer = ld->pv_last_answer;
		follows = ld->pv_last_follows;
	} else {
		out->cause = NL_LOOKING;
		return;
	}
	out->reach = 1u << node;
	for (int p = 0; p < w->n; p++) {
		if (p == node || answer[p] == PV_NONE)
			continue;
		out->reach |= 1u << p;
		granted += answer[p] == PV_GRANTED;
		if (answer[p] == PV_FOLLOWS && follows[p] >= 0)
			out->follows |= 1u << p;
		else if (answer[p] == PV_LOG)
			out->log |= 1u << p;
	}
	out->leader = common_leader(w, follows, out->follows);
	if (out->leader >= 0)
		for (int p = 0; p < w->n; p++)
			if (follows[p] != out->leader)
				out->follows &= ~(1u << p);
	if (count_bits(out->reach) < world_quorum(w))
		out->cause = NL_NO_QUORUM;
	else if (granted >= world_quorum(w))
		out->cause = NL_LOOKING;        /* its next round will win */
	else if (out->follows && still_leads(w, out->leader))
		out->cause = NL_FOLLOWS;
	else if (out->log)
		out->cause = NL_LOG;
	else
		out->cause = NL_LOOKING;
}

/* "C", "C and D", "C, D and E". */
static void names(const struct world *w, uint32_t bits, char *buf, size_t len)
{
	int total = count_bits(bits), seen = 0;
	size_t used = 0;

	buf[0] = '\0';
	for (int i = 0; i < w->n && used < len; i++) {
		if (!(bits & (1u << i)))
			continue;
		seen++;
		used += (size_t)snprintf(buf + used, len - used, "%s%c",
					 seen == 1 ? "" : seen == total ? " and " : ", ", 'A' + i);
	}
}

/* "C follows B", "C and D follow B", "B leads", "B leads and C follows it";
 * still: "C still follows B". */
static void refusers_text(const struct world *w, const struct no_leader *nl, bool still, char *buf, size_t len)
{
	uint32_t followers = nl->follows & ~(1u << nl->leader);
	const char *s = still ? "still " : "";
	char who[32];

	names(w, followers, who, sizeof who);
	if (!(nl->follows & (1u << nl->leader)))
		snprintf(buf, len, "%s %sfollow%s %c", who, s, count_bits(followers) == 1 ? "s" : "", 'A' + nl->leader);
	else if (!followers)
		snprintf(buf, len, "%c %sleads", 'A' + nl->leader, s);
	else
		snprintf(buf, len, "%c %sleads and %s follow%s it", 'A' + nl->leader, s, who,
			 count_bits(followers) == 1 ? "s" : "");
}

/* ZooKeeper's election has no pre-vote: its servers exchange votes, and
 * one that follows a leader answers so. The texts say it in its terms. */
static bool zk(const struct world *w)
{
	return w->preset == PRESET_ZOOKEEPER;
}

/* "C still follows B, so it rejects A's pre-vote" (ZooKeeper: "C still
 * follows B and tells A so"). */
static void rejects_text(const struct world *w, int node, const struct no_leader *nl, char *buf, size_t len)
{
	char who[64];

	refusers_text(w, nl, true, who, sizeof who);
	if (zk(w))
		snprintf(buf, len, "%s and tell%s %c so", who, count_bits(nl->follows) == 1 ? "s" : "", 'A' + node);
	else
		snprintf(buf, len, "%s, so %s %c's pre-vote", who,
			 count_bits(nl->follows) == 1 ? "it rejects" : "they reject", 'A' + node);
}

/* What the node does without a leader, under the preset's rules. */
static const char *refusing(const struct world *w)
{
	if (w->preset == PRESET_ZOOKEEPER)
		return "serving nothing";
	if (w->preset == PRESET_DYNAMODB || w->preset == PRESET_DYNAMODB_STRONG)
		return "answering only eventual reads";
	return "answering only local reads";
}

static void card_text(const struct world *w, const struct no_leader *nl, char *buf, size_t len)
{
	char who[64];

	switch (nl->cause) {
	case NL_NO_QUORUM:
		snprintf(buf, len, "reaches %d of %d nodes", count_bits(nl->reach), w->n);
		break;
	case NL_FOLLOWS:
		refusers_text(w, nl, false, who, sizeof who);
		if (zk(w))
			snprintf(buf, len, "%s; %c unreachable", who, 'A' + nl->leader);
		else
			snprintf(buf, len, "pre-vote rejected: %s", who);
		break;
	case NL_LOG:
		names(w, nl->log, who, sizeof who);
		snprintf(buf, len, "%s%s's log is ahead", zk(w) ? "" : "pre-vote rejected: ", who);
		break;
	case NL_CANDIDATE:
		snprintf(buf, len, "asking for votes");
		break;
	default:
		snprintf(buf, len, "looking for a leader");
		break;
	}
}

static void error_text(const struct world *w, int node, const struct no_leader *nl, char *buf, size_t len)
{
	char card[96];

	card_text(w, nl, card, sizeof card);
	switch (nl->cause) {
	case NL_NO_QUORUM:
		snprintf(buf, len, "no quorum: %c cannot reach a leader", 'A' + node);
		break;
	case NL_FOLLOWS:
		rejects_text(w, node, nl, card, sizeof card);
		snprintf(buf, len, "no leader: %c hears nothing from leader %c; %s", 'A' + node, 'A' + nl->leader, card);
		break;
	case NL_LOG:
		snprintf(buf, len, "no leader: %c's %s", 'A' + node, card);
		break;
	case NL_CANDIDATE:
		snprintf(buf, len, "no leader: %c stands for election in term %llu, votes pending", 'A' + node,
			 (unsigned long long)w->nodes[node].ld.term);
		break;
	default:
		snprintf(buf, len, "no leader: %c is looking for one (%s)", 'A' + node,
			 zk(w) ? "leader election under way" : "its pre-vote is under way");
		break;
	}
}

/* The partial partition, in full: who refuses, why (pre-vote with
 * check-quorum), and that it lasts. */
static void follows_full(const struct world *w, int node, const struct no_leader *nl, char *buf, size_t len)
{
	uint32_t followers = nl->follows & ~(1u << nl->leader);
	char who[96], reach[32], through[48] = "";
	size_t used;

	rejects_text(w, node, nl, who, sizeof who);
	names(w, nl->reach, reach, sizeof reach);
	if (followers) {
		char f[32];

		names(w, followers, f, sizeof f);
		snprintf(through, sizeof through, " through %s", f);
	}
	used = (size_t)snprintf(buf, len,
		"%c has no leader: it hears nothing from leader %c, and %s. capviz's protocol "
		"has pre-vote and check-quorum, as etcd's Raft does: a node that heard from its leader within the "
		"election timeout refuses to help unseat it. %s are a majority, yet no election can start while %c "
		"keeps its quorum%s: %c stays without a leader, %s, until it hears from %c again (restore the "
		"link, or heal).",
		'A' + node, 'A' + nl->leader, who, reach, 'A' + nl->leader, through, 'A' + node, refusing(w),
		'A' + nl->leader);
	if (w->preset == PRESET_ZOOKEEPER && used < len)
		snprintf(buf + used, len - used, " A real ZooKeeper server ends the same way by another road: the "
			 "others answer its election notification that they follow %c, and it does not follow a "
			 "leader it has not heard from itself, so it keeps looking.", 'A' + nl->leader);
}

static void full_text(const struct world *w, int node, const struct no_leader *nl, char *buf, size_t len)
{
	char who[32];

	switch (nl->cause) {
	case NL_NO_QUORUM:
		names(w, nl->reach, who, sizeof who);
		snprintf(buf, len, "%c has no leader: only %s answer%s its %s, %d of %d nodes, not a "
			 "majority, so no leader can be elected on its side; it stays so, %s, until it reaches a "
			 "majority again.", 'A' + node, who, count_bits(nl->reach) == 1 ? "s" : "",
			 zk(w) ? "election votes" : "pre-vote", count_bits(nl->reach), w->n, refusing(w));
		break;
	case NL_FOLLOWS:
		follows_full(w, node, nl, buf, len);
		break;
	case NL_LOG:
		names(w, nl->log, who, sizeof who);
		if (zk(w))
			snprintf(buf, len, "%c has no leader: %s's log holds entries %c's lacks, and ZooKeeper elects "
				 "the server whose history (its last zxid) is newest, so %c cannot win; a server with "
				 "the newest log will lead instead.", 'A' + node, who, 'A' + node, 'A' + node);
		else
			snprintf(buf, len, "%c has no leader: %s's log holds entries %c's lacks, so %s %c's pre-vote "
				 "(Raft elects only a node whose log is at least as up to date as a majority's); a node "
				 "with the newest log will stand instead.", 'A' + node, who, 'A' + node,
				 count_bits(nl->log) == 1 ? "it rejects" : "they reject", 'A' + node);
		break;
	case NL_CANDIDATE:
		snprintf(buf, len, "%c stands for election in term %llu: %s, and it waits for their votes.", 'A' + node,
			 (unsigned long long)w->nodes[node].ld.term,
			 zk(w) ? "it proposes itself" : "a majority granted its pre-vote");
		break;
	default:
		snprintf(buf, len, "%c has no leader yet: %s.", 'A' + node,
			 zk(w) ? "it exchanges election votes with the others" : "it asks the others for pre-votes");
		break;
	}
}

bool world_no_leader_why(const struct world *w, int node, enum why_form form, char *buf, size_t len)
{
	struct no_leader nl;

	if (len > 0)
		buf[0] = '\0';
	if (node < 0 || node >= w->n)
		return false;
	leader_no_leader(w, node, &nl);
	if (nl.cause == NL_NONE)
		return false;
	if (form == WHY_CARD)
		card_text(w, &nl, buf, len);
	else if (form == WHY_ERROR)
		error_text(w, node, &nl, buf, len);
	else
		full_text(w, node, &nl, buf, len);
	return true;
}

void leader_why_changed(struct world *w, int node)
{
	struct leader_node *ld = &w->nodes[node].ld;
	struct no_leader nl;
	char who[96], through[48] = "";
	uint32_t followers;

	leader_no_leader(w, node, &nl);
	if (nl.cause == ld->why_noted || nl.cause != NL_FOLLOWS) {
		if (nl.cause != NL_FOLLOWS)
			ld->why_noted = (uint8_t)nl.cause;
		return;
	}
	ld->why_noted = (uint8_t)nl.cause;
	rejects_text(w, node, &nl, who, sizeof who);
	followers = nl.follows & ~(1u << nl.leader);
	if (followers) {
		char f[32];

		names(w, followers, f, sizeof f);
		snprintf(through, sizeof through, " through %s", f);
	}
	world_note(w, node, "%c cannot elect a leader: %s; %c stays without one while %c keeps its quorum%s",
		   'A' + node, who, 'A' + node, 'A' + nl.leader, through);
}
