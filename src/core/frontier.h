/* frontier.h: the consistency lens's judge by value, private to the core
 * (checker.c is its one user). Linearizability is about values: this
 * decides it for one key's operations exactly as Wing and Gong's search
 * over the same history would (wgl.c, --check-history), but online and in
 * time order, as Lowe's just-in-time linearization does: a set of
 * configurations (a state, the operations called but not yet linearized,
 * the unconfirmed changes still free to take effect) is carried forward
 * event by event, and an operation's return keeps only the configurations
 * in which it has taken effect by then.
 *
 * Operations the check by write id flagged are candidates: at each one's
 * return the judge keeps both the configurations that include it and those
 * that leave it out. An operation is flagged when every configuration that
 * includes it has died, and the set of flagged operations only grows: the
 * smallest set that leaves some configuration alive, the latest operations
 * first (verdicts already given stand). A read left out is gone; a change left out
 * remains as a change that may have taken effect at any time after it was
 * invoked (its value is real: later reads may see it).
 *
 * Everything before the frontier's time is folded into its configurations;
 * the window holds the operations not yet folded in. A judgement replays
 * the window over the frontier; the frontier moves on to the earliest
 * invoke of an operation still pending, so the window stays short. */
#ifndef CAPVIZ_FRONTIER_H
#define CAPVIZ_FRONTIER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FR_INF INT64_MAX

enum fr_guard { FG_NONE, FG_EQ, FG_NIL, FG_COND };
enum fr_effect { FE_NONE, FE_SET, FE_ADD, FE_SETBIT, FE_CLRBIT };

/* What an operation needs and does: it can take effect in a state where
 * its guard holds, and its effect makes the next state. A read is a guard
 * alone; a write an effect alone; a compare-and-set both. */
struct fr_model {
	uint8_t guard;          /* enum fr_guard */
	uint8_t effect;         /* enum fr_effect */
	uint8_t cond_op;        /* FG_COND: enum inv_op */
	int64_t garg;           /* FG_EQ: the value; FG_COND: the bound */
	int64_t earg;           /* FE_SET: the value; FE_ADD: the delta; FE_SETBIT, FE_CLRBIT: the bit */
};

/* One operation of the key. A pending one is judged as what it may still
 * do: a change that may take effect at any time after its invoke, or
 * never (a pending read says nothing yet). */
struct fr_op {
	uint64_t id;            /* the checker's name for it; 0 for none */
	int64_t inv, ret;       /* ret FR_INF: it never returned (unknown, or still pending) */
	struct fr_model m;      /* resolved: what it did; pending: what it may do */
	bool resolved;
	bool skip;              /* nothing to judge (a failed read, a definite error) */
	bool candidate;         /* may be left out */
	bool flagged;           /* left out for good */
	bool called;            /* its call is folded into the frontier */
};

struct fr_cfg;

struct fr_key {
	int64_t t_us;           /* every event before this is folded in */
	struct fr_cfg *cfg;
	size_t ncfg, capcfg;
	struct fr_op *ops;      /* the window, in invoke order */
	size_t nops, capops;
	uint64_t *flagged;      /* operations flagged after their return was folded in */
	size_t nflagged, capflagged;
	size_t nflags;          /* operations flagged so far, in all */
	bool started;           /* the first configuration exists */
	bool gave_up;           /* a budget ran out: no verdict by value from then on */
	uint64_t steps;         /* search steps taken, in all */
};

/* The most configurations kept at once, and the steps one event may take:
 * past either the key gives up (its verdicts fall back on write ids). */
#define FR_MAX_CONFIGS 1024
#define FR_MAX_STEPS 20000

void fr_key_init(struct fr_key *k);
void fr_key_free(struct fr_key *k);
/* A deep copy; -1 when memory ran out (dst is then empty). */
int fr_key_clone(struct fr_key *dst, const struct fr_key *src);
/* The key's first value (has false: never written), before any operation.
 * 1 when operations came first (add it as a write instead), -1 when
 * memory ran out. */
int fr_first(struct fr_key *k, bool has, int64_t value);
/* A new operation (invoked now, or a change no client made, resolved).
 * -1 when memory ran out. */
int fr_add(struct fr_key *k, const struct fr_op *op);
/* Operation id finished: its times and model are final. */
void fr_resolve(struct fr_key *k, uint64_t id, int64_t ret, const struct fr_model *m, bool skip, bool candidate);
/* Judges every operation returned by now_us: fills flags (room for cap)
 * with the operations to flag from now on, in the order they returned,
 * marks them, and moves the frontier on. Returns how many, -1 when memory
 * ran out, -2 when a budget ran out (the key gave up). */
int fr_judge(struct fr_key *k, int64_t now_us, uint64_t *flags, size_t cap);
/* Could a read of value (has false: of nothing) at now_us take effect
 * after everything so far? False when the key gave up, or has a flagged
 * operation (a history with a flaw of its own explains nothing). */
bool fr_possible(struct fr_key *k, int64_t now_us, bool has, int64_t value);

#endif
