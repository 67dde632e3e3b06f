/* kstate.h: one key's state at one replica and the rules that reconcile it:
 * last-write-wins; CRDT (for an integer a register plus a counter: the
 * newest assignment by last-writer-wins, plus the adds it had not seen; for
 * a set an add-wins OR-set); application merge (a three-way merge per key:
 * adds sum, one assignment is taken with the adds it had not seen, two
 * assignments that disagree stay as siblings for a client to settle; sets
 * by union). Pure functions of their arguments: no world, no messages, so
 * each rule can be tested on its own. */
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
	uint64_t kept;                  /* the version every replica ends with */
	int nlost;
	/* lww: concurrent writes that lost; crdt: concurrent assignments the
	 * register did not keep */
	uint64_t lost[WORLD_MAX_NODES];
	int nmerged;
	uint64_t merged[WORLD_MAX_NODES]; /* crdt, merge: the siblings combined */
	/* An integer under crdt or merge: the assignment the value counts from
	 * (wid 0: none, only adds) and the net adds per node it had not seen. */
	struct version from;
	int64_t since[WORLD_MAX_NODES];
	int nassign;                    /* concurrent assignments met */
	/* merge: the assignments disagree; nothing was changed, the siblings
	 * stay for a client to choose among (choices, each with the adds it had
	 * not seen applied). */
	bool unresolved;
	int nchoices;
	struct version choices[WORLD_MAX_NODES];
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
/* The versions a client chooses among to settle the key under s (the `v`
 * key, the resolve command): under merge, an integer's concurrent
 * assignments when they disagree, each with the adds it had not seen
 * applied; otherwise the siblings. Returns how many; more than one is a
 * conflict. */
int kstate_choices(const struct kstate *k, enum strategy s, int n, struct version out[WORLD_MAX_NODES]);
/* Under merge, do an integer's concurrent assignments disagree (a conflict
 * the application's rule leaves to a client)? */
bool kstate_unresolved(const struct kstate *k, enum strategy s, int n);
const char *strategy_name(enum strategy s);

#endif
