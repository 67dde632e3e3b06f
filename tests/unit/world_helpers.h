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

/* The one node that leads among the up nodes; -1 when none or several. */
static inline int leader_now(const struct world *w)
{
	int found = -1;

	for (int i = 0; i < w->n; i++) {
		if (w->nodes[i].crashed || w->nodes[i].ld.role != ROLE_LEADER)
			continue;
		if (found >= 0)
			return -1;
		found = i;
	}
	return found;
}

/* Sends a request and lets time pass until it is done (at most its timeout
 * and a little more); NULL only when the world refused to take it. */
static inline const struct op *request_done(struct world *w, int node, enum op_kind kind, int key, int64_t arg,
					    int level)
{
	uint64_t id = world_request(w, node, kind, key, arg, level);
	int64_t end = w->now_us + w->timing.request_timeout_us + 100000;

	if (id == 0)
		return NULL;
	while (world_op(w, id)->result == RES_PENDING && w->now_us < end)
		run_for(w, 1000);
	return world_op(w, id);
}

/* One random blow to the network or the nodes, or its repair: one-way and
 * two-way cuts, isolation, restores, heals, crashes and recoveries. Repairs
 * are as likely as damage, so runs have stretches where a majority works. */
static inline void disturb_randomly(struct world *w, struct rng *r)
{
	int a = (int)rng_below(r, (uint64_t)w->n), b = (int)rng_below(r, (uint64_t)w->n);

	switch (rng_below(r, 12)) {
	case 0:
		world_link_set(w, a, b, false);
		break;
	case 1:
		world_cut(w, a, b);
		break;
	case 2:
		world_isolate(w, a);
		break;
	case 3:
	case 4:
		world_restore(w, a, b);
		break;
	case 5:
		world_restore_all(w);
		break;
	case 6:
		world_crash(w, a);
		break;
	case 7:
	case 8:
		world_recover(w, a);
		break;
	case 9:
		world_heal(w);
		break;
	default:
		world_link_set(w, a, b, true);
		break;
	}
}

#endif
