/* leaderless.h: per-node state of the leaderless protocol (Dynamo,
 * Cassandra): the requests a node coordinates and the hints it holds for
 * replicas it could not reach. Hints are persisted; pending requests are
 * volatile and vanish when the node crashes. */
#ifndef CAPVIZ_LEADERLESS_H
#define CAPVIZ_LEADERLESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capviz/msg.h"
#include "capviz/store.h"

struct ll_request {
	uint64_t req;           /* unique request id (world_token) */
	uint64_t op;            /* the client operation */
	enum op_kind kind;
	int key;
	int need;               /* acknowledgements or replies required */
	uint32_t answered;      /* bit per node that acked or replied */
	uint32_t found;         /* bit per node whose reply carried a value */
	struct version replies[WORLD_MAX_NODES];
	struct version v;       /* the version being written */
	bool answered_client;   /* the client has its answer; repairs go on */
	int64_t deadline_us;
};

struct ll_hint {
	int to;
	int key;
	struct version v;
};

struct leaderless_node {
	struct ll_request *reqs;
	size_t nreqs;
	size_t reqs_cap;
	struct ll_hint *hints;
	size_t nhints;
	size_t hints_cap;
};

struct world;

void leaderless_node_free(struct leaderless_node *n);
/* Anti-entropy from one node to another: from sends MSG_SYNC with its
 * version of every key; to applies what is newer and repairs what is older.
 * The strict protocol reuses it after a heal. */
void leaderless_sync(struct world *w, int from, int to);

#endif
