/* preset.c: the real systems capviz can play (issue 5): each preset's name,
 * its mode and levels, and the row the seed's PACELC table gives its system,
 * quoted as the seed has it (issue 13); whether a node serves clients under
 * a preset's rules. What the rules in force promise, and the class they
 * show, is promise.c's; switching a world to a preset is topology.c's
 * (world_set_preset), beside mode and level. */
#include <stdio.h>
#include <strings.h>

#include "capviz/world.h"

struct preset_info {
	const char *name;
	enum mode mode;
	int read, write;        /* the levels it sets */
	/* The seed's row, word for word: its system and its class; NULL when
	 * the seed's table has none. The seed writes MySQL's P as a dash,
	 * printed here in ASCII. */
	const char *seed_row;
	const char *seed_class;
};

static const struct preset_info presets[PRESET_COUNT] = {
	[PRESET_NONE] = { "none", MODE_CP, LEVEL_ONE, LEVEL_ONE, NULL, NULL },
	[PRESET_CASSANDRA_ONE] = { "cassandra-one", MODE_AP, LEVEL_ONE, LEVEL_ONE, "Cassandra (ONE)", "PA/EL" },
	[PRESET_CASSANDRA_QUORUM] = { "cassandra-quorum", MODE_AP, LEVEL_QUORUM, LEVEL_QUORUM, "Cassandra (QUORUM)",
				      "PA/EC" },
	/* The seed lists Cassandra at ONE and at QUORUM only. */
	[PRESET_CASSANDRA_ALL] = { "cassandra-all", MODE_AP, LEVEL_ALL, LEVEL_ALL, NULL, NULL },
	[PRESET_DYNAMODB] = { "dynamodb", MODE_CP, LEVEL_EVENTUAL, LEVEL_ONE, "DynamoDB (eventually consistent)",
			      "PA/EL" },
	[PRESET_DYNAMODB_STRONG] = { "dynamodb-strong", MODE_CP, LEVEL_STRONG, LEVEL_ONE, "DynamoDB (strong reads)",
				     "PC/EC" },
	[PRESET_ZOOKEEPER] = { "zookeeper", MODE_CP, LEVEL_LOCAL, LEVEL_ONE, "Zookeeper", "PC/EC" },
	/* One node is its own majority: cp gives the single node's behaviour. */
	[PRESET_SINGLE] = { "single", MODE_CP, LEVEL_ONE, LEVEL_ONE, "MySQL (single node)", "-/EC" },
};

const char *preset_name(enum preset p)
{
	return (unsigned)p < PRESET_COUNT ? presets[p].name : "?";
}

const char *preset_seed_row(enum preset p)
{
	return (unsigned)p < PRESET_COUNT ? presets[p].seed_row : NULL;
}

const char *preset_seed_class(enum preset p)
{
	return (unsigned)p < PRESET_COUNT ? presets[p].seed_class : NULL;
}

void preset_rules(enum preset p, enum mode *m, int *read, int *write)
{
	if ((unsigned)p >= PRESET_COUNT)
		p = PRESET_NONE;
	*m = presets[p].mode;
	*read = presets[p].read;
	*write = presets[p].write;
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

/* A ZooKeeper server serves only while it follows a leader (or is one); a
 * DynamoDB replica answers eventual reads whatever it knows; plain cp nodes
 * without a leader hold requests until one is elected or they time out,
 * all but a local read, which the replica answers from its own copy.
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
		*why = nl.cause == NL_NO_QUORUM ? "no quorum: local reads only" : "no leader: local reads only";
		return false;
	}
	}
}
