/* kstate.h: one key's state at one replica and the rules that reconcile it:
 * last-write-wins, CRDT (PN-counter for integers, add-wins OR-set for sets)
 * and application merge (siblings kept, then three-way merge for integers
 * and union for sets). Pure functions of their arguments: no world, no
 * messages, so each rule can be tested on its own. */
#ifndef CAPVIZ_KSTATE_H
#define CAPVIZ_KSTATE_H

#include <stdbool.h>
#include <stdint.h>

#include "capviz/store.h"

/* What resolving one key did: the value every replica ends with, the write
 * that won (last-write-wins) and the writes that lost or were merged. */
struct kstate_resolution {
	enum strategy strategy;
	int64_t value;
	uint64_t kept;                  /* lww: the winning write */
	int nlost;
	uint64_t lost[WORLD_MAX_NODES]; /* lww: concurrent writes that lost */
	int nmerged;
	uint64_t merged[WORLD_MAX_NODES]; /* crdt, merge: the siblings combined */
	int64_t base;                   /* the value the deltas count from */
};

void kstate_clear(struct kstate *k);
/* Makes v the key's whole, fresh state (an init value). */
void kstate_assign(struct kstate *k, int type, const struct version *v, int n);
/* Makes every view read v (a committed log entry, a strict commit) by steps
 * that join with other replicas' states: a compensating count or element
 * changes attributed to v's node. */
void kstate_set(struct kstate *k, int type, const struct version *v, int n);
/* A client's write, coordinated at node: applies kind/arg to every view.
 * stamp brings wid, ts_us and node; kstate_write fills its value and vector
 * clock (which follows every version the node knows). */
void kstate_write(struct kstate *k, int node, int n, int type, enum op_kind kind, int64_t arg,
		  struct version *stamp);
/* Joins from into into. Returns true when into changed. */
bool kstate_merge(struct kstate *into, const struct kstate *from, int n);
bool kstate_equal(const struct kstate *a, const struct kstate *b);
/* Does a already hold everything b holds (joining b would change nothing)? */
bool kstate_covers(const struct kstate *a, const struct kstate *b, int n);
/* The value a read returns under strategy s. */
int64_t kstate_value(const struct kstate *k, enum strategy s, int n);
/* Resolves the divergence by strategy s at node (clock ts_us); wid is the id
 * of the write that stands for a merged value (used only when a new value
 * arises). Fills r. */
void kstate_resolve(struct kstate *k, enum strategy s, int node, int64_t ts_us, uint64_t wid, int n,
		    struct kstate_resolution *r);
/* Would resolving by s need a new write id (a value no write produced)? */
bool kstate_needs_merge_write(const struct kstate *k, enum strategy s, int n);
const char *strategy_name(enum strategy s);

#endif
