/* compare.h: the same diverged state healed three ways. A copy of the world
 * is healed by each strategy on virtual time, and what each kept, lost and
 * broke is collected, so the screen and the transcript can show the
 * outcomes side by side. The world itself is not touched. */
#ifndef CAPVIZ_COMPARE_H
#define CAPVIZ_COMPARE_H

#include <stdbool.h>
#include <stdint.h>

#include "capviz/world.h"

#define COMPARE_TEXT_MAX 480
#define COMPARE_MAX_LOST 16

struct heal_outcome {
	enum strategy strategy;
	bool done;                      /* every replica took the resolution */
	int64_t took_us;                /* from the heal to the last replica */
	bool present[STORE_MAX_KEYS][WORLD_MAX_NODES];
	int64_t value[STORE_MAX_KEYS][WORLD_MAX_NODES]; /* what a read would see */
	/* A conflict the heal left to a client (merge: assignments that
	 * disagree): how many versions at each replica, and the last one's. */
	uint8_t nchoices[STORE_MAX_KEYS][WORLD_MAX_NODES];
	struct version choices[STORE_MAX_KEYS][WORLD_MAX_NODES];
	int nlost;
	uint64_t lost_ops[COMPARE_MAX_LOST];            /* client operations LOST */
	int nbroken;                    /* invariant breaches after the heal */
	char resolve[STORE_MAX_KEYS][COMPARE_TEXT_MAX]; /* each key's resolution */
	char broken[COMPARE_TEXT_MAX];  /* the first breach, "" when none */
};

/* Heals copies of w by each strategy (out[STRAT_LWW] ...). Returns 0, or -1
 * when memory ran out. Deterministic: the copies use w's generator state. */
int world_compare_heals(const struct world *w, struct heal_outcome out[STRAT_COUNT]);
/* Compares the three heals and tells the world's readers, one EV_COMPARE
 * per strategy ("by lww: balance=100 on A, B, C; LOST #1 ..."). The world's
 * state does not change. Returns -1 when memory ran out. */
int world_compare_report(struct world *w);
/* What a read at replica i meets after o's heal: "500", "-" (no value), or
 * "500|300 (conflict)" when the heal left a conflict to a client. */
void compare_value_text(const struct world *w, const struct heal_outcome *o, int k, int i, char *buf, size_t len);
/* A deep copy of w with no sink. Returns 0, or -1 (then *copy is freed). */
int world_clone(struct world *copy, const struct world *w);

#endif
