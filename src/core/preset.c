/* preset.c: the real systems capviz can play (issue 5): each preset's name,
 * its PACELC class as the seed's table gives it, and what it promises during
 * a partition; whether a node serves clients under its rules; and the R + W > N rule for the levels in force. Switching a
 * world to a preset is topology.c's (world_set_preset), beside mode and level. */
#include <stdio.h>
#include <strings.h>

#include "capviz/world.h"

struct preset_info {
	const char *name;
	const char *pacelc;
	const char *promise;
	const char *brief;      /* the promise in a few words, for a narrow screen */
};

static const struct preset_info presets[PRESET_COUNT] = {
	[PRESET_NONE] = { "none", "", "", "" },
	[PRESET_CASSANDRA_ONE] = { "cassandra-one", "PA/EL",
		"every side answers; R+W<=N: reads may be stale, writes may conflict",
		"every side answers; reads may be stale" },
	[PRESET_CASSANDRA_QUORUM] = { "cassandra-quorum", "PA/EL",
		"a majority side answers; the minority errs; R+W>N: reads see the latest write (the seed files "
		"Cassandra as PA for its usual levels; at QUORUM it behaves PC)",
		"the majority answers, the minority errs" },
	[PRESET_CASSANDRA_ALL] = { "cassandra-all", "PA/EL",
		"any cut replica makes every request err; reads see the latest write (the seed files Cassandra as "
		"PA for its usual levels; at ALL it behaves PC)",
		"any cut replica makes requests err" },
	[PRESET_DYNAMODB] = { "dynamodb", "PA/EL",
		"eventual reads answer on every side, even stale; writes and strong reads need the key's leader "
		"and a majority, else err",
		"eventual reads answer; writes need leader" },
	[PRESET_DYNAMODB_STRONG] = { "dynamodb-strong", "PA/EC",
		"reads and writes go through the key's leader: a side that cannot reach it errs (the seed files "
		"DynamoDB as PA, for its eventual reads; with strong reads it behaves PC)",
		"only the leader's side answers" },
	[PRESET_ZOOKEEPER] = { "zookeeper", "PC/EC",
		"the majority side serves; a server cut off from the leader stops serving; reads may lag unless synced",
		"the majority serves; cut-off servers stop" },
	[PRESET_SINGLE] = { "single", "-/EC",
		"no partition is possible: one node; if it is down, nothing answers",
		"one node: no partition is possible" },
};

const char *preset_name(enum preset p)
{
	return (unsigned)p < PRESET_COUNT ? presets[p].name : "?";
}

const char *preset_class(enum preset p)
{
	return (unsigned)p < PRESET_COUNT ? presets[p].pacelc : "";
}

const char *preset_promise(enum preset p)
{
	return (unsigned)p < PRESET_COUNT ? presets[p].promise : "";
}

const char *world_promise(const struct world *w, bool brief)
{
	static const char *const modes[MODE_COUNT][2] = {
		[MODE_CP] = { "a majority side serves; the minority refuses (no quorum); reads are linearizable",
			      "the majority serves, the minority errs" },
		[MODE_AP] = { "every side answers; reads may be stale until the partition heals",
			      "every side answers; reads may be stale" },
		[MODE_STRICT] = { "writes need every replica: any partition refuses them; reads stay local",
				  "any partition refuses writes" },
	};

	if (w->preset == PRESET_SINGLE && w->nodes[0].crashed)
		return brief ? "down: a crash, not C chosen over A" :
		       "the one node is down, so nothing answers: a crash, not a partition, so no choice of C "
		       "over A was made";
	if (w->preset != PRESET_NONE)
		return brief ? presets[w->preset].brief : presets[w->preset].promise;
	return (unsigned)w->mode < MODE_COUNT ? modes[w->mode][brief] : "";
}

int preset_by_name(const char *name)
{
	for (int p = PRESET_NONE + 1; p < PRESET_COUNT; p++)
		if (strcasecmp(name, presets[p].name) == 0)
			return p;
	return -1;
}

const char *preset_names(void)
{
	return "cassandra-one, cassandra-quorum, cassandra-all, dynamodb, dynamodb-strong, zookeeper, single";
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
	else
		snprintf(buf, len, "R=%d W=%d N=%d: %s", r, wr, w->n,
			 overlap ? "R+W>N, reads overlap the latest write" : "R+W<=N, reads may be stale");
	return true;
}

/* A ZooKeeper server serves only while it follows a leader (or is one); a
 * DynamoDB replica answers eventual reads whatever it knows; plain cp nodes
 * without a leader hold requests until one is elected or they time out.
 * "no quorum" only when the node does reach fewer than a majority: in a
 * partial partition it reaches one, and still has no leader. */
bool world_serving(const struct world *w, int node, const char **why)
{
	const struct node *nd = &w->nodes[node];
	bool leaderless = nd->ld.leader == -1 && nd->ld.role != ROLE_LEADER;

	*why = "serving";
	if (nd->crashed) {
		*why = "crashed";
		return false;
	}
	if (w->mode != MODE_CP || !leaderless)
		return true;
	switch (w->preset) {
	case PRESET_ZOOKEEPER:
		*why = "not serving: no leader";
		return false;
	case PRESET_DYNAMODB:
	case PRESET_DYNAMODB_STRONG:
		*why = "eventual reads only: no leader";
		return false;
	default: {
		struct no_leader nl;

		leader_no_leader(w, node, &nl);
		*why = nl.cause == NL_NO_QUORUM ? "refusing: no quorum" : "refusing: no leader";
		return false;
	}
	}
}
