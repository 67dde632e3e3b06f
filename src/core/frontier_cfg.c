/* frontier_cfg.c: the judge by value's configurations (see frontier.h):
 * what an operation's model does to a state, one configuration and its
 * parts (obligations, unconfirmed changes, candidates left out), lists of
 * them with repeats and dominated ones dropped, and the set of those seen
 * in one return's search. */
#include <stdlib.h>
#include <string.h>

#include "capviz/array.h"
#include "capviz/store.h"
#include "capviz/world.h"
#include "frontier_impl.h"

/* --- models --- */

static int model_cmp(const struct fr_model *a, const struct fr_model *b)
{
	if (a->guard != b->guard)
		return a->guard < b->guard ? -1 : 1;
	if (a->effect != b->effect)
		return a->effect < b->effect ? -1 : 1;
	if (a->cond_op != b->cond_op)
		return a->cond_op < b->cond_op ? -1 : 1;
	if (a->garg != b->garg)
		return a->garg < b->garg ? -1 : 1;
	if (a->earg != b->earg)
		return a->earg < b->earg ? -1 : 1;
	return 0;
}

bool fr_guard_holds(const struct fr_model *m, bool has, int64_t state)
{
	switch (m->guard) {
	case FG_EQ:
		return has && state == m->garg;
	case FG_NIL:
		return !has;
	case FG_COND:
		return has && inv_compare((enum inv_op)m->cond_op, state, m->garg);
	default:
		return true;
	}
}

void fr_effect_apply(const struct fr_model *m, bool *has, int64_t *state)
{
	int64_t base = *has ? *state : 0;

	switch (m->effect) {
	case FE_SET:
		*state = m->earg;
		break;
	case FE_ADD:
		*state = i64_add(base, m->earg);
		break;
	case FE_SETBIT:
		*state = (int64_t)((uint64_t)base | (1ull << (m->earg & 63)));
		break;
	case FE_CLRBIT:
		*state = (int64_t)((uint64_t)base & ~(1ull << (m->earg & 63)));
		break;
	default:
		return;
	}
	*has = true;
}

/* --- one configuration --- */

static void opens_drop(struct fr_opens *o)
{
	if (o && --o->refs == 0)
		free(o);
}

void fr_cfg_free(struct fr_cfg *c)
{
	free(c->obl);
	opens_drop(c->open);
	free(c->excl);
	memset(c, 0, sizeof *c);
}

int fr_cfg_copy(struct fr_cfg *d, const struct fr_cfg *s)
{
	*d = *s;
	d->obl = NULL;
	d->excl = NULL;
	if (d->open)
		d->open->refs++;
	if ((s->nobl && !(d->obl = malloc(s->nobl * sizeof *d->obl))) ||
	    (s->nexcl && !(d->excl = malloc(s->nexcl * sizeof *d->excl)))) {
		fr_cfg_free(d);
		return -1;
	}
	if (s->nobl)
		memcpy(d->obl, s->obl, s->nobl * sizeof *d->obl);
	if (s->nexcl)
		memcpy(d->excl, s->excl, s->nexcl * sizeof *d->excl);
	return 0;
}

uint32_t fr_nopen(const struct fr_cfg *c)
{
	return c->open ? c->open->n : 0;
}

/* c's own set of unconfirmed changes, with room for one more: copied if
 * shared. NULL when memory ran out. */
static struct fr_opens *opens_own(struct fr_cfg *c)
{
	struct fr_opens *o = c->open, *mine;
	uint32_t n = o ? o->n : 0, cap = o && o->refs == 1 ? o->cap : 0;

	if (o && o->refs == 1 && n < cap)
		return o;
	cap = n + 1 > cap ? (n + 1) * 2 : cap;
	mine = malloc(sizeof *mine + cap * sizeof mine->e[0]);
	if (!mine)
		return NULL;
	mine->refs = 1;
	mine->n = n;
	mine->cap = cap;
	mine->hash = o ? o->hash : 0;
	mine->nslow = o ? o->nslow : 0;
	if (n)
		memcpy(mine->e, o->e, n * sizeof mine->e[0]);
	opens_drop(o);
	c->open = mine;
	return mine;
}

static bool cfg_same_core(const struct fr_cfg *a, const struct fr_cfg *b)
{
	if (a->has != b->has || (a->has && a->state != b->state) || a->nobl != b->nobl)
		return false;
	for (uint32_t i = 0; i < a->nobl; i++)
		if (a->obl[i].id != b->obl[i].id)
			return false;
	return true;
}

bool fr_blind(const struct fr_model *m)
{
	return m->guard == FG_NONE && m->effect == FE_SET;
}

/* Does a's every hidden obligation include b's (a can drop whatever b can)? */
static bool hidden_covers(const struct fr_cfg *a, const struct fr_cfg *b)
{
	for (uint32_t i = 0; i < a->nobl; i++)
		if (b->obl[i].hidden && !a->obl[i].hidden)
			return false;
	return true;
}

static bool opens_equal(const struct fr_opens *a, const struct fr_opens *b)
{
	uint32_t na = a ? a->n : 0, nb = b ? b->n : 0;

	if (a == b || (na == 0 && nb == 0))
		return true;
	if (na != nb || a->hash != b->hash)
		return false;
	for (uint32_t i = 0; i < na; i++)
		if (a->e[i].count != b->e[i].count || model_cmp(&a->e[i].m, &b->e[i].m) != 0)
			return false;
	return true;
}

static bool cfg_equal(const struct fr_cfg *a, const struct fr_cfg *b)
{
	if (!cfg_same_core(a, b) || a->nexcl != b->nexcl)
		return false;
	for (uint32_t i = 0; i < a->nobl; i++)
		if (a->obl[i].hidden != b->obl[i].hidden)
			return false;
	return opens_equal(a->open, b->open) &&
	       (a->nexcl == 0 || memcmp(a->excl, b->excl, a->nexcl * sizeof *a->excl) == 0);
}

static uint64_t mix(uint64_t h, uint64_t v)
{
	h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
	return h;
}

static uint64_t cfg_hash(const struct fr_cfg *c)
{
	uint64_t h = mix(c->has, c->has ? (uint64_t)c->state : 0);

	for (uint32_t i = 0; i < c->nobl; i++)
		h = mix(h, c->obl[i].id * 2 + c->obl[i].hidden);
	h = mix(h, c->open ? c->open->hash : 0);
	for (uint32_t i = 0; i < c->nexcl; i++)
		h = mix(h, c->excl[i]);
	return h;
}

/* b's unconfirmed changes are all a's too (a can do whatever b can). */
static bool open_covers(const struct fr_cfg *a, const struct fr_cfg *b)
{
	uint32_t i = 0, na = fr_nopen(a), nb = fr_nopen(b);

	if (a->open == b->open || nb == 0)
		return true;
	for (uint32_t j = 0; j < nb; j++) {
		while (i < na && model_cmp(&a->open->e[i].m, &b->open->e[j].m) < 0)
			i++;
		if (i == na || model_cmp(&a->open->e[i].m, &b->open->e[j].m) != 0 ||
		    a->open->e[i].count < b->open->e[j].count)
			return false;
	}
	return true;
}

static bool excl_subset(const struct fr_cfg *a, const struct fr_cfg *b)
{
	uint32_t j = 0;

	for (uint32_t i = 0; i < a->nexcl; i++) {
		while (j < b->nexcl && b->excl[j] < a->excl[i])
			j++;
		if (j == b->nexcl || b->excl[j] != a->excl[i])
			return false;
	}
	return true;
}

/* a is at least as good as b: the same state and obligations, every
 * unconfirmed change b may still use, and no more left out. */
static bool dominates(const struct fr_cfg *a, const struct fr_cfg *b)
{
	return cfg_same_core(a, b) && a->nexcl <= b->nexcl && hidden_covers(a, b) && open_covers(a, b) &&
	       excl_subset(a, b);
}

int fr_obl_add(struct fr_cfg *c, uint64_t id, const struct fr_model *m)
{
	struct fr_obl *grown = realloc(c->obl, (c->nobl + 1) * sizeof *c->obl);
	uint32_t at = c->nobl;

	if (!grown)
		return -1;
	c->obl = grown;
	while (at > 0 && c->obl[at - 1].id > id) {
		c->obl[at] = c->obl[at - 1];
		at--;
	}
	c->obl[at].id = id;
	c->obl[at].m = *m;
	c->obl[at].hidden = false;
	c->nobl++;
	return 0;
}

void fr_obl_remove_at(struct fr_cfg *c, uint32_t at)
{
	memmove(&c->obl[at], &c->obl[at + 1], (c->nobl - at - 1) * sizeof *c->obl);
	c->nobl--;
}

int fr_obl_find(const struct fr_cfg *c, uint64_t id)
{
	for (uint32_t i = 0; i < c->nobl; i++)
		if (c->obl[i].id == id)
			return (int)i;
	return -1;
}

static uint64_t model_hash(const struct fr_model *m)
{
	return mix(mix(mix(mix(m->guard, m->effect), m->cond_op), (uint64_t)m->garg), (uint64_t)m->earg) | 1;
}

/* Where model m sits (or would) in the sorted set. */
static uint32_t open_find(const struct fr_opens *o, const struct fr_model *m)
{
	uint32_t lo = 0, hi = o ? o->n : 0;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (model_cmp(&o->e[mid].m, m) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int fr_open_add(struct fr_cfg *c, const struct fr_model *m)
{
	struct fr_opens *o = opens_own(c);
	uint32_t at;

	if (!o)
		return -1;
	at = open_find(o, m);
	o->hash += model_hash(m);
	if (at < o->n && model_cmp(&o->e[at].m, m) == 0) {
		o->e[at].count++;
		return 0;
	}
	memmove(&o->e[at + 1], &o->e[at], (o->n - at) * sizeof o->e[0]);
	o->e[at].m = *m;
	o->e[at].count = 1;
	o->n++;
	o->nslow += !fr_blind(m);
	return 0;
}

void fr_open_share(struct fr_cfg *c, struct fr_opens *o)
{
	if (o)
		o->refs++;
	opens_drop(c->open);
	c->open = o;
}

bool fr_open_slow(const struct fr_cfg *c)
{
	return c->open && c->open->nslow > 0;
}

int fr_open_use(struct fr_cfg *c, uint32_t at)
{
	struct fr_opens *o = opens_own(c);

	if (!o)
		return -1;
	o->hash -= model_hash(&o->e[at].m);
	if (--o->e[at].count > 0)
		return 0;
	o->nslow -= !fr_blind(&o->e[at].m);
	memmove(&o->e[at], &o->e[at + 1], (o->n - at - 1) * sizeof o->e[0]);
	o->n--;
	return 0;
}

long fr_open_blind(const struct fr_cfg *c, int64_t value)
{
	struct fr_model m;
	uint32_t at;

	memset(&m, 0, sizeof m);
	m.effect = FE_SET;
	m.earg = value;
	at = open_find(c->open, &m);
	return c->open && at < c->open->n && model_cmp(&c->open->e[at].m, &m) == 0 ? (long)at : -1;
}

int fr_excl_add(struct fr_cfg *c, uint64_t id)
{
	uint64_t *grown = realloc(c->excl, (c->nexcl + 1) * sizeof *c->excl);
	uint32_t at = c->nexcl;

	if (!grown)
		return -1;
	c->excl = grown;
	while (at > 0 && c->excl[at - 1] > id) {
		c->excl[at] = c->excl[at - 1];
		at--;
	}
	c->excl[at] = id;
	c->nexcl++;
	return 0;
}

bool fr_excl_has(const struct fr_cfg *c, uint64_t id)
{
	for (uint32_t i = 0; i < c->nexcl; i++)
		if (c->excl[i] == id)
			return true;
	return false;
}

/* c's state changes by m: a blind write hides every blind write still
 * pending (each could have come just before it, unseen; not before a
 * compare-and-set, whose guard would then fail). */
void fr_change(struct fr_cfg *c, const struct fr_model *m)
{
	fr_effect_apply(m, &c->has, &c->state);
	if (fr_blind(m))
		for (uint32_t i = 0; i < c->nobl; i++)
			if (fr_blind(&c->obl[i].m))
				c->obl[i].hidden = true;
}

/* Reads whose value the state has now take effect now: a read changes
 * nothing, so taking it as early as it can be is never worse. */
void fr_absorb(struct fr_cfg *c)
{
	for (uint32_t i = 0; i < c->nobl;)
		if (c->obl[i].m.effect == FE_NONE && fr_guard_holds(&c->obl[i].m, c->has, c->state))
			fr_obl_remove_at(c, i);
		else
			i++;
}

/* --- lists of configurations --- */

void fr_cfgs_free(struct fr_cfgs *s)
{
	for (size_t i = 0; i < s->n; i++)
		fr_cfg_free(&s->c[i]);
	free(s->c);
	memset(s, 0, sizeof *s);
}

/* Takes c (moved in, or freed on failure). */
int fr_cfgs_push(struct fr_cfgs *s, struct fr_cfg *c)
{
	struct fr_cfg *grown = s->n == s->cap ? array_grow(s->c, &s->cap, s->n, sizeof *grown) : s->c;

	if (!grown) {
		fr_cfg_free(c);
		return -1;
	}
	s->c = grown;
	s->c[s->n++] = *c;
	memset(c, 0, sizeof *c);
	return 0;
}

static uint64_t core_hash(const struct fr_cfg *c)
{
	uint64_t h = mix(c->has, c->has ? (uint64_t)c->state : 0);

	for (uint32_t i = 0; i < c->nobl; i++)
		h = mix(h, c->obl[i].id);
	return h;
}

struct ranked {
	uint64_t core;
	size_t at;
};

static int ranked_cmp(const void *pa, const void *pb)
{
	const struct ranked *a = pa, *b = pb;

	if (a->core != b->core)
		return a->core < b->core ? -1 : 1;
	return a->at < b->at ? -1 : a->at > b->at;
}

/* Drops repeats and dominated configurations: only those with the same
 * state and obligations can dominate one another, so they are compared in
 * groups of one core. */
void fr_cfgs_prune(struct fr_cfgs *s)
{
	struct ranked *r;
	size_t j = 0;

	if (s->n < 2)
		return;
	r = malloc(s->n * sizeof *r);
	if (!r)
		return;         /* nothing lost but speed */
	for (size_t i = 0; i < s->n; i++)
		r[i] = (struct ranked){ core_hash(&s->c[i]), i };
	qsort(r, s->n, sizeof *r, ranked_cmp);
	for (size_t g = 0; g < s->n;) {
		size_t end = g + 1;

		while (end < s->n && r[end].core == r[g].core)
			end++;
		for (size_t x = g; x < end; x++) {
			struct fr_cfg *cx = &s->c[r[x].at];
			bool beaten = false;

			for (size_t y = g; y < end && !beaten; y++) {
				const struct fr_cfg *cy = &s->c[r[y].at];

				if (y == x || cy->nobl == UINT32_MAX)
					continue;
				if (dominates(cy, cx) && (!dominates(cx, cy) || r[y].at < r[x].at))
					beaten = true;
			}
			if (beaten) {
				fr_cfg_free(cx);
				cx->nobl = UINT32_MAX;  /* gone: skipped by the others */
			}
		}
		g = end;
	}
	free(r);
	for (size_t i = 0; i < s->n; i++)
		if (s->c[i].nobl != UINT32_MAX)
			s->c[j++] = s->c[i];
	s->n = j;
}

/* --- a set of configurations seen, for one return's search --- */


void fr_seen_free(struct fr_seen *t)
{
	for (size_t i = 0; i < t->cap; i++)
		if (t->hash[i])
			fr_cfg_free(&t->c[i]);
	free(t->hash);
	free(t->c);
	memset(t, 0, sizeof *t);
}

static int seen_grow(struct fr_seen *t)
{
	size_t cap = t->cap ? t->cap * 2 : 64;
	uint64_t *hash = calloc(cap, sizeof *hash);
	struct fr_cfg *c = calloc(cap, sizeof *c);

	if (!hash || !c) {
		free(hash);
		free(c);
		return -1;
	}
	for (size_t i = 0; i < t->cap; i++) {
		size_t at;

		if (!t->hash[i])
			continue;
		for (at = t->hash[i] & (cap - 1); hash[at]; at = (at + 1) & (cap - 1))
			;
		hash[at] = t->hash[i];
		c[at] = t->c[i];
	}
	free(t->hash);
	free(t->c);
	t->hash = hash;
	t->c = c;
	t->cap = cap;
	return 0;
}

/* 1 when c was new (a copy is kept), 0 when seen, -1 out of memory. */
int fr_seen_add(struct fr_seen *t, const struct fr_cfg *c)
{
	uint64_t h = cfg_hash(c) | 1;
	size_t at;

	if ((t->n + 1) * 2 > t->cap && seen_grow(t) < 0)
		return -1;
	for (at = h & (t->cap - 1); t->hash[at]; at = (at + 1) & (t->cap - 1))
		if (t->hash[at] == h && cfg_equal(&t->c[at], c))
			return 0;
	if (fr_cfg_copy(&t->c[at], c) < 0)
		return -1;
	t->hash[at] = h;
	t->n++;
	return 1;
}
