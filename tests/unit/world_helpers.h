/* world_helpers.h: small helpers the protocol tests share: let time pass,
 * read a replica's last-write-wins value. */
#ifndef CAPVIZ_TEST_WORLD_HELPERS_H
#define CAPVIZ_TEST_WORLD_HELPERS_H

#include "capviz/world.h"

static inline void run_for(struct world *w, int64_t us)
{
	world_run_until(w, w->now_us + us);
}

/* node's value of key, -1 when it has none. */
static inline int64_t value_at(const struct world *w, int node, int key)
{
	const struct version *v = store_get(&w->nodes[node].store, key);

	return v ? v->value : -1;
}

#endif
