/* promise.c: what the rules in force say of themselves (issue 13): the PACELC
 * class capviz's replicas show under them, set beside the seed's row where
 * a preset has one; what they promise during a partition; and the R + W > N
 * rule with its condition. Every text here is derived from the mode, the
 * levels and the preset in force, so that no caption can promise what the
 * levels do not give. The table of presets is preset.c's. */
#include <stdio.h>
#include <string.h>

#include "capviz/world.h"

/* The rules a text is derived from: a world's, or a preset's own. */
struct rules {
	enum mode mode;
	enum preset preset;
	int n;
	int read, write;        /* the levels in force */
	enum strategy strategy; /* what a read makes of concurrent versions */
};

static struct rules world_rules(const struct world *w)
{
	return (struct rules){ w->mode, w->preset, w->n, w->read_level, w->write_level, w->strategy };
}

static struct rules preset_own_rules(enum preset p)
{
	struct rules r = { MODE_CP, p, p == PRESET_SINGLE ? 1 : 3, LEVEL_ONE, LEVEL_ONE, STRAT_LWW };

	preset_rules(p, &r.mode, &r.read, &r.write);
	return r;
}

static int need(const struct rules *r, int level)
{
	return level == LEVEL_QUORUM ? r->n / 2 + 1 : level == LEVEL_ALL ? r->n : 1;
}

/* Where a leader-based read is answered by default: a read option, or the
 * leader (as world_op_level resolves it). */
static int cp_read(const struct rules *r)
{
	return level_is_read_option(r->read) ? r->read : LEVEL_QUORUM;
}

/* The class by --pacelc's rule, read off the rules rather than measured:
 * P is A when a node cut off from the others still answers reads, E is L
 * when a read waits for no other replica. One node has no partition (P is
 * "-") and no replica to wait for or to lag: E is C, as score_pacelc
 * finds it with no round trip to compare. */
static void rules_class(const struct rules *r, char cls[8])
{
	bool alone = false, local = false;

	if (r->n == 1) {
		snprintf(cls, 8, "-/EC");
		return;
	}
	switch (r->mode) {
	case MODE_AP:
		local = alone = need(r, r->read) == 1;
		break;
	case MODE_STRICT:
		local = alone = true;   /* reads stay local */
		break;
	default:
		local = cp_read(r) == LEVEL_LOCAL || cp_read(r) == LEVEL_EVENTUAL;
		/* A ZooKeeper server stops serving once it notices it has no
		 * leader; a plain cp replica goes on answering local reads. */
		alone = local && r->preset != PRESET_ZOOKEEPER;
		break;
	}
	snprintf(cls, 8, "P%c/E%c", alone ? 'A' : 'C', local ? 'L' : 'C');
}

/* "the seed's table: Cassandra (QUORUM) PA/EC", "the seed's table has no
 * Cassandra (ALL) row", "mode ap has no row in the seed's table". */
static void seed_text(const struct rules *r, char *buf, size_t len)
{
	const char *row = preset_seed_row(r->preset);

	if (r->preset == PRESET_NONE)
		snprintf(buf, len, "mode %s has no row in the seed's table", mode_name(r->mode));
	else if (!row)
		snprintf(buf, len, "the seed's table has no %s row",
			 r->preset == PRESET_CASSANDRA_ALL ? "Cassandra (ALL)" : preset_name(r->preset));
	else
		snprintf(buf, len, "the seed's table: %s %s", row, preset_seed_class(r->preset));
}

/* brief: the class alone when the seed agrees or no preset is set, else
 * "PC/EC (seed PA/EC)" or "PC/EC (no seed row)". In full, the class and the
 * seed's word on it: "PC/EC; the seed's table: Cassandra (QUORUM) PA/EC". */
static void class_text(const struct rules *r, bool brief, char *buf, size_t len)
{
	const char *seed = preset_seed_class(r->preset);
	char cls[8], s[96];

	rules_class(r, cls);
	seed_text(r, s, sizeof s);
	if (!brief)
		snprintf(buf, len, "%s; %s", cls, s);
	else if (r->preset == PRESET_NONE || (seed && strcmp(cls, seed) == 0))
		snprintf(buf, len, "%s", cls);
	else if (!seed)
		snprintf(buf, len, "%s (no seed row)", cls);
	else
		snprintf(buf, len, "%s (seed %s)", cls, seed);
}

void world_seed_text(const struct world *w, char *buf, size_t len)
{
	struct rules r = world_rules(w);

	seed_text(&r, buf, len);
}

void preset_seed_text(enum preset p, char *buf, size_t len)
{
	struct rules r = preset_own_rules(p);

	seed_text(&r, buf, len);
}

void world_class(const struct world *w, char cls[8])
{
	struct rules r = world_rules(w);

	rules_class(&r, cls);
}

void world_class_text(const struct world *w, bool brief, char *buf, size_t len)
{
	struct rules r = world_rules(w);

	class_text(&r, brief, buf, len);
}

void preset_class(enum preset p, char cls[8])
{
	struct rules r = preset_own_rules(p);

	rules_class(&r, cls);
}

void preset_class_text(enum preset p, bool brief, char *buf, size_t len)
{
	struct rules r = preset_own_rules(p);

	class_text(&r, brief, buf, len);
}

/* Who answers requests that need `k` of n replicas: "every side answers",
 * "a majority side answers; the minority errs", "any cut replica makes
 * every request err", or the count. */
static const char *side_text(const struct rules *r, int k, bool brief)
{
	if (k == 1)
		return "every side answers";
	if (k == r->n)
		return brief ? "any cut replica makes requests err" : "any cut replica makes every request err";
	if (k == r->n / 2 + 1)
		return brief ? "the majority answers, the minority errs" : "a majority side answers; the minority errs";
	return NULL;
}

/* The condition of R + W > N, in every text that states the rule: a read
 * meets every acknowledged write, and which of what it meets counts as
 * latest is the strategy's word. Under lww (Cassandra's rule) it is the
 * highest timestamp, from the writers' clocks, which under skew need not be
 * the last write in real time; under crdt and merge, versions are ordered by
 * their vector clocks and concurrent ones resolved by the strategy. */
static void overlap_text(enum strategy s, bool rule, char *buf, size_t len)
{
	if (s == STRAT_LWW)
		snprintf(buf, len, "%s the highest timestamp (the writers' clocks: under skew, not always the last "
			 "write in real time)", rule ? "R+W>N, reads overlap every acknowledged write and return" :
			 "R+W>N: reads return the write with");
	else
		snprintf(buf, len, "%s every acknowledged write (versions ordered by their vector clocks, concurrent "
			 "ones resolved by %s)", rule ? "R+W>N, reads overlap" : "R+W>N: reads meet",
			 strategy_name(s));
}

static void ap_promise(const struct rules *r, bool brief, char *buf, size_t len)
{
	int rd = need(r, r->read), wr = need(r, r->write);
	bool overlap = rd + wr > r->n, conflict = 2 * wr <= r->n;
	const char *both = rd == wr ? side_text(r, rd, brief) : NULL;
	size_t used;

	if (both && brief) {
		snprintf(buf, len, "%s%s", both, overlap || rd != 1 ? "" : "; reads may be stale");
		return;
	}
	if (both)
		used = (size_t)snprintf(buf, len, "%s", both);
	else if (brief)
		used = (size_t)snprintf(buf, len, "reads need %d of %d, writes %d", rd, r->n, wr);
	else
		used = (size_t)snprintf(buf, len, "reads need %d of %d replicas, writes %d: a side with fewer errs",
					rd, r->n, wr);
	if (brief) {
		if (!overlap && used < len)
			snprintf(buf + used, len - used, "; reads may be stale");
		return;
	}
	if (used >= len)
		return;
	if (overlap) {
		char o[200];

		overlap_text(r->strategy, false, o, sizeof o);
		snprintf(buf + used, len - used, "; %s", o);
	} else
		snprintf(buf + used, len - used, "; R+W<=N: reads may be stale%s", conflict ? ", writes may conflict" : "");
}

/* A leader-based cluster, by the system it plays and where its reads are
 * answered. */
static const char *cp_promise(const struct rules *r, bool brief)
{
	int rd = cp_read(r);
	bool local = rd == LEVEL_LOCAL || rd == LEVEL_EVENTUAL;

	switch (r->preset) {
	case PRESET_ZOOKEEPER:
		if (brief)
			return "the majority serves; cut-off servers stop once they notice";
		return rd == LEVEL_LOCAL ?
		       "the majority side serves; a server cut off from the leader stops serving once it notices "
		       "(an election timeout), and until then answers local reads, possibly stale; reads may lag "
		       "unless synced" :
		       "the majority side serves; a server cut off from the leader stops serving once it notices "
		       "(an election timeout); synced reads are current, a local read may lag";
	case PRESET_DYNAMODB:
		return brief ? "eventual reads answer; writes need leader" :
		       "eventual reads answer on every side, even stale; writes and strong reads need the key's "
		       "leader and a majority, else err";
	case PRESET_DYNAMODB_STRONG:
		return brief ? "only the leader's side answers" :
		       "reads and writes go through the key's leader: a side that cannot reach it errs (an eventual "
		       "read still answers there, possibly stale)";
	case PRESET_SINGLE:
		return brief ? "one node: no partition is possible" :
		       "no partition is possible: one node; if it is down, nothing answers";
	default:
		break;
	}
	if (local)
		return brief ? "writes need the majority; local reads answer, maybe stale" :
		       "writes need the leader and a majority: the minority's writes err; reads are answered "
		       "locally on every side, from that replica, possibly stale";
	return brief ? "the majority serves; the minority errs, but for local reads" :
	       "a majority side serves; on the minority every request errs (no leader) but a local read, which "
	       "answers from that replica and may be stale; reads through the leader are linearizable";
}

static void rules_promise(const struct rules *r, bool brief, char *buf, size_t len)
{
	switch (r->mode) {
	case MODE_AP:
		ap_promise(r, brief, buf, len);
		break;
	case MODE_STRICT:
		snprintf(buf, len, "%s", brief ? "any partition refuses writes" :
			 "writes need every replica: any partition refuses them; reads stay local");
		break;
	default:
		snprintf(buf, len, "%s", cp_promise(r, brief));
		break;
	}
}

void world_promise(const struct world *w, bool brief, char *buf, size_t len)
{
	struct rules r = world_rules(w);

	if (w->preset == PRESET_SINGLE && w->nodes[0].crashed) {
		snprintf(buf, len, "%s", brief ? "down: a crash, not C chosen over A" :
			 "the one node is down, so nothing answers: a crash, not a partition, so no choice of C "
			 "over A was made");
		return;
	}
	rules_promise(&r, brief, buf, len);
}

void preset_promise(enum preset p, char *buf, size_t len)
{
	struct rules r = preset_own_rules(p);

	rules_promise(&r, false, buf, len);
}

bool world_rule_text(const struct world *w, bool brief, char *buf, size_t len)
{
	int r, wr;
	bool overlap;

	if (len > 0)
		buf[0] = '\0';
	if (w->mode != MODE_AP)
		return false;
	r = world_level_need(w, w->read_level);
	wr = world_level_need(w, w->write_level);
	overlap = r + wr > w->n;
	if (brief)
		snprintf(buf, len, "%s", overlap ? "R+W>N" : "R+W<=N");
	else if (overlap) {
		char o[200];

		overlap_text(w->strategy, true, o, sizeof o);
		snprintf(buf, len, "R=%d W=%d N=%d: %s", r, wr, w->n, o);
	} else
		snprintf(buf, len, "R=%d W=%d N=%d: R+W<=N, reads may be stale", r, wr, w->n);
	return true;
}
