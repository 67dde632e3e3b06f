/* strict.h: per-node state of the strict protocol, a two-phase write that
 * succeeds only when every replica confirms. A replica keeps the version it
 * prepared until the coordinator commits or aborts it. */
#ifndef CAPVIZ_STRICT_H
#define CAPVIZ_STRICT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capviz/msg.h"
#include "capviz/store.h"

/* A write waiting for confirmations, or a read waiting for a write in doubt
 * at its node (prepared but not yet committed or aborted) to resolve. */
struct strict_request {
	uint64_t req;
	uint64_t op;
	enum op_kind kind;
	int key;
	struct version v;
	uint32_t prepared;      /* bit per node that confirmed */
	int64_t deadline_us;
};

struct strict_staged {
	uint64_t req;
	int coordinator;
	int key;
	struct version v;
};

struct strict_node {
	struct strict_request *reqs;
	size_t nreqs;
	size_t reqs_cap;
	struct strict_staged *staged;
	size_t nstaged;
	size_t staged_cap;
};

void strict_node_free(struct strict_node *n);

#endif
