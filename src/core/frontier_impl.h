/* frontier_impl.h: what the judge by value's files share (frontier.c,
 * frontier_cfg.c, frontier_replay.c), private to them: a configuration
 * (a state, the operations called but not yet linearized, the unconfirmed
 * changes still free to take effect, the candidates left out), lists and
 * sets of them, and the replay of a window's events over them. */
#ifndef CAPVIZ_FRONTIER_IMPL_H
#define CAPVIZ_FRONTIER_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "frontier.h"

struct fr_obl {
	uint64_t id;
	struct fr_model m;
	/* A blind write that could have taken effect unseen, just before a
	 * write that came after its call: at its return it may simply be
	 * done, with nothing to show for it. */
	bool hidden;
};

struct fr_open {
	struct fr_model m;
	uint32_t count;
};

/* The unconfirmed changes, a multiset sorted by model (so the blind writes
 * sit together, by value), shared by every configuration that has the same
 * (most do: few ever use one) and copied only when one changes it. */
struct fr_opens {
	uint32_t refs;
	uint32_t n, cap;
	uint64_t hash;          /* the sum of its entries' hashes */
	uint32_t nslow;         /* entries that are not blind writes (updates, conditions) */
	struct fr_open e[];
};

struct fr_cfg {
	int64_t state;
	bool has;
	struct fr_obl *obl;     /* sorted by id */
	struct fr_opens *open;  /* NULL: none */
	const struct fr_opens *open_was; /* a call's work: what open was before it (never followed) */
	uint64_t *excl;         /* sorted */
	uint32_t nobl, nexcl;
};

/* A growing list of configurations. */
struct fr_cfgs {
	struct fr_cfg *c;
	size_t n, cap;
};

struct fr_seen {
	uint64_t *hash;
	struct fr_cfg *c;       /* owned copies */
	size_t n, cap;          /* cap: a power of two */
};

struct fr_event {
	int64_t t;
	bool is_return;
	size_t op;              /* index in the window (or the probe: nops) */
};

/* One replay: its configurations, the flags it works under, its budget. */
struct fr_replay {
	struct fr_cfgs s;
	uint64_t steps;
	bool over;              /* a budget ran out */
};

/* --- models (frontier_cfg.c) --- */
bool fr_guard_holds(const struct fr_model *m, bool has, int64_t state);
void fr_effect_apply(const struct fr_model *m, bool *has, int64_t *state);
void fr_cfg_free(struct fr_cfg *c);
int fr_cfg_copy(struct fr_cfg *d, const struct fr_cfg *s);
bool fr_blind(const struct fr_model *m);
int fr_obl_add(struct fr_cfg *c, uint64_t id, const struct fr_model *m);
void fr_obl_remove_at(struct fr_cfg *c, uint32_t at);
int fr_obl_find(const struct fr_cfg *c, uint64_t id);
int fr_open_add(struct fr_cfg *c, const struct fr_model *m);
/* Takes one of entry at; -1 when memory ran out (to copy a shared set). */
int fr_open_use(struct fr_cfg *c, uint32_t at);
uint32_t fr_nopen(const struct fr_cfg *c);
/* Has c unconfirmed changes other than blind writes (updates, conditions)? */
bool fr_open_slow(const struct fr_cfg *c);
/* c takes o as its unconfirmed changes (shared). */
void fr_open_share(struct fr_cfg *c, struct fr_opens *o);
/* The first blind write of value among c's unconfirmed changes; -1 none. */
long fr_open_blind(const struct fr_cfg *c, int64_t value);
int fr_excl_add(struct fr_cfg *c, uint64_t id);
bool fr_excl_has(const struct fr_cfg *c, uint64_t id);
void fr_change(struct fr_cfg *c, const struct fr_model *m);
void fr_absorb(struct fr_cfg *c);
void fr_cfgs_free(struct fr_cfgs *s);
int fr_cfgs_push(struct fr_cfgs *s, struct fr_cfg *c);
void fr_cfgs_prune(struct fr_cfgs *s);
void fr_seen_free(struct fr_seen *t);
int fr_seen_add(struct fr_seen *t, const struct fr_cfg *c);
int fr_event_cmp(const void *pa, const void *pb);
int fr_replay_events(struct fr_replay *r, struct fr_op *ops, struct fr_event *ev, size_t nev, bool tentative);

#endif
