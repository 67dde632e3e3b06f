/* lincheck.c: the linearizability checker of the world's histories (see
 * lincheck.h for the rule). Operations arrive as they finish, so every
 * member that returns does so at the latest time yet: a chain's earliest
 * return is fixed once set, and chains take their place in that order.
 * Whether an operation breaks the rule is then one range-maximum query over
 * the chains before a time, and a short walk along a chain. The words that
 * explain a flagged operation are history_explain's (explain.c). */
#include <stdlib.h>
#include <string.h>

#include "capviz/array.h"
#include "capviz/history.h"
#include "lincheck.h"

#define LIN_INF INT64_MAX
#define LIN_NEG (INT64_MIN / 2)
/* A first value comes after "never written" and before everything else. */
#define LIN_FIRST (LIN_NEG + 1)

/* Why a member cannot be added: the flaw, the other version, the operation
 * that witnesses it. */
struct lin_conflict {
	enum lin_flaw flaw;
	uint64_t wid;
	uint64_t op;
};

void lin_key_free(struct lin_key *k)
{
	free(k->order);
	free(k->order_f);
	free(k->tree);
	free(k->arg);
	memset(k, 0, sizeof *k);
}

static void ver_reset(struct lin_ver *v, uint64_t wid)
{
	memset(v, 0, sizeof *v);
	v->f = v->cf = LIN_INF;
	v->s = v->cs = LIN_NEG;
	v->root = wid;
	v->pos = -1;
}

/* Version wid's part, when it is a version of key (lin_reserve made room
 * for every version, so that pointers stay valid through a check). */
static struct lin_ver *ver(struct lin_state *L, int key, uint64_t wid)
{
	const struct write_rec *wr;

	if (wid == 0)
		return &L->keys[key].nil;
	wr = history_write(L->h, wid);
	return wr && wr->key == key && wid <= L->nvers ? &L->vers[wid - 1] : NULL;
}

/* Room for every version the history has. */
static int lin_reserve(struct lin_state *L, const struct history *h)
{
	L->h = h;
	if (h->nwrites > L->capvers) {
		size_t cap = L->capvers ? L->capvers : 64;
		struct lin_ver *grown;

		while (cap < h->nwrites)
			cap *= 2;
		grown = realloc(L->vers, cap * sizeof *grown);
		if (!grown)
			return -1;
		L->vers = grown;
		L->capvers = cap;
	}
	for (; L->nvers < h->nwrites; L->nvers++)
		ver_reset(&L->vers[L->nvers], L->nvers + 1);
	return 0;
}

void lin_state_free(struct lin_state *L)
{
	free(L->vers);
	for (int k = 0; k < STORE_MAX_KEYS; k++)
		lin_key_free(&L->keys[k]);
	memset(L, 0, sizeof *L);
}

static int clone_key(struct lin_key *d, const struct lin_key *s)
{
	*d = *s;
	d->order = NULL;
	d->order_f = NULL;
	d->tree = NULL;
	d->arg = NULL;
	if (s->cap && (!(d->order = malloc(s->cap * sizeof *d->order)) ||
		       !(d->order_f = malloc(s->cap * sizeof *d->order_f))))
		return -1;
	if (s->tcap && (!(d->tree = malloc(2 * s->tcap * sizeof *d->tree)) ||
			!(d->arg = malloc(2 * s->tcap * sizeof *d->arg))))
		return -1;
	if (s->cap) {
		memcpy(d->order, s->order, s->n * sizeof *d->order);
		memcpy(d->order_f, s->order_f, s->n * sizeof *d->order_f);
	}
	if (s->tcap) {
		memcpy(d->tree, s->tree, 2 * s->tcap * sizeof *d->tree);
		memcpy(d->arg, s->arg, 2 * s->tcap * sizeof *d->arg);
	}
	return 0;
}

int lin_state_clone(struct lin_state *d, const struct lin_state *s)
{
	memset(d, 0, sizeof *d);
	d->h = s->h;
	if (s->capvers && !(d->vers = malloc(s->capvers * sizeof *d->vers)))
		return -1;
	if (s->nvers)
		memcpy(d->vers, s->vers, s->nvers * sizeof *d->vers);
	d->nvers = s->nvers;
	d->capvers = s->capvers;
	for (int k = 0; k < STORE_MAX_KEYS; k++)
		if (clone_key(&d->keys[k], &s->keys[k]) < 0) {
			lin_state_free(d);
			return -1;
		}
	return 0;
}

static uint64_t root_of(struct lin_state *L, int key, uint64_t wid)
{
	uint64_t r = wid;

	while (ver(L, key, r)->root != r)
		r = ver(L, key, r)->root;
	while (ver(L, key, wid)->root != r) {      /* path compression */
		uint64_t next = ver(L, key, wid)->root;

		ver(L, key, wid)->root = r;
		wid = next;
	}
	return r;
}

/* --- the max tree over the chains' latest invokes --- */

static void tree_set(struct lin_key *k, size_t pos, int64_t value)
{
	size_t i = pos + k->tcap;

	k->tree[i] = value;
	k->arg[i] = (uint32_t)pos;
	for (i /= 2; i >= 1; i /= 2) {
		size_t l = 2 * i, r = l + 1;
		size_t best = k->tree[l] >= k->tree[r] ? l : r;

		k->tree[i] = k->tree[best];
		k->arg[i] = k->arg[best];
	}
}

/* The largest value over positions [lo, hi) and where it is; LIN_NEG when
 * the range is empty. */
static int64_t tree_max(const struct lin_key *k, size_t lo, size_t hi, size_t *where)
{
	int64_t best = LIN_NEG;

	*where = 0;
	for (lo += k->tcap, hi += k->tcap; lo < hi; lo /= 2, hi /= 2) {
		if (lo & 1) {
			if (k->tree[lo] > best) {
				best = k->tree[lo];
				*where = k->arg[lo];
			}
			lo++;
		}
		if (hi & 1) {
			hi--;
			if (k->tree[hi] > best) {
				best = k->tree[hi];
				*where = k->arg[hi];
			}
		}
	}
	return best;
}

static int tree_grow(struct lin_state *L, int key, size_t need)
{
	struct lin_key *k = &L->keys[key];
	size_t cap = k->tcap ? k->tcap : 16;
	int64_t *tree;
	uint32_t *arg;

	while (cap < need)
		cap *= 2;
	if (cap == k->tcap)
		return 0;
	tree = malloc(2 * cap * sizeof *tree);
	arg = malloc(2 * cap * sizeof *arg);
	if (!tree || !arg) {
		free(tree);
		free(arg);
		return -1;
	}
	free(k->tree);
	free(k->arg);
	k->tree = tree;
	k->arg = arg;
	k->tcap = cap;
	for (size_t i = 0; i < 2 * cap; i++) {
		tree[i] = LIN_NEG;
		arg[i] = 0;
	}
	for (size_t p = 0; p < k->n; p++) {
		const struct lin_ver *c = ver(L, key, k->order[p]);

		if (c->root == k->order[p] && c->pos == (int32_t)p)
			tree_set(k, p, c->cs);
	}
	return 0;
}

/* Gives chain root c its place, after every placed chain (its earliest
 * return is the latest yet). */
static int place(struct lin_state *L, int key, uint64_t c)
{
	struct lin_key *k = &L->keys[key];
	struct lin_ver *cv = ver(L, key, c);
	void *grown;

	if (k->n == k->cap) {
		size_t cap = k->cap;

		grown = array_grow(k->order, &cap, k->n, sizeof *k->order);
		if (!grown)
			return -1;
		k->order = grown;
		cap = k->cap;
		grown = array_grow(k->order_f, &cap, k->n, sizeof *k->order_f);
		if (!grown)
			return -1;
		k->order_f = grown;
		k->cap = cap;
	}
	if (tree_grow(L, key, k->n + 1) < 0)
		return -1;
	k->order[k->n] = c;
	k->order_f[k->n] = cv->cf;
	cv->pos = (int32_t)k->n;
	tree_set(k, k->n, cv->cs);
	k->n++;
	return 0;
}

static int key_ready(struct lin_state *L, int key)
{
	struct lin_key *k = &L->keys[key];

	if (k->placed_nil)
		return 0;
	ver_reset(&k->nil, 0);
	k->nil.active = true;
	k->nil.f = k->nil.cf = LIN_NEG;
	k->nil.s = k->nil.cs = LIN_NEG;
	k->placed_nil = true;
	return place(L, key, 0);
}

/* --- the checks --- */

/* The largest latest-invoke over positions [0, p) but the positions of
 * chains c1 and c2 (one chain may be given twice). */
static int64_t max_but(struct lin_state *L, int key, size_t p, uint64_t c1, uint64_t c2, size_t *where)
{
	const struct lin_key *k = &L->keys[key];
	int32_t a = ver(L, key, c1)->pos, b = ver(L, key, c2)->pos;
	size_t cut[3], ncut = 0, lo = 0, w;
	int64_t best = LIN_NEG, m;

	if (a > b) {
		int32_t t = a;

		a = b;
		b = t;
	}
	if (a >= 0 && (size_t)a < p)
		cut[ncut++] = (size_t)a;
	if (b >= 0 && b != a && (size_t)b < p)
		cut[ncut++] = (size_t)b;
	cut[ncut++] = p;
	*where = 0;
	for (size_t i = 0; i < ncut; i++) {
		m = tree_max(k, lo, cut[i], &w);
		if (m > best) {
			best = m;
			*where = w;
		}
		lo = cut[i] + 1;
	}
	return best;
}

/* Is there a chain, other than c1 and c2, whose members finished before s
 * and began after f (f_u < s, s_u > f)? The one with the latest invoke is
 * the witness. */
static bool crosses(struct lin_state *L, int key, uint64_t c1, uint64_t c2, int64_t f, int64_t s,
		    struct lin_conflict *why)
{
	const struct lin_key *k = &L->keys[key];
	size_t lo = 0, hi = k->n, where;

	if (f == LIN_INF)
		return false;           /* nothing of it has returned: no order yet */
	while (lo < hi) {               /* chains whose earliest return is before s */
		size_t mid = lo + (hi - lo) / 2;

		if (k->order_f[mid] < s)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (max_but(L, key, lo, c1, c2, &where) <= f)
		return false;
	why->flaw = FLAW_STALE;
	why->wid = k->order[where];
	why->op = ver(L, key, why->wid)->cf_op;
	return true;
}

/* A later link of v's chain that finished before inv: v was replaced before
 * the member began. */
static bool later_link_done(struct lin_state *L, int key, uint64_t v, int64_t inv, struct lin_conflict *why)
{
	const struct lin_ver *x = ver(L, key, v);

	while (x->has_next) {
		uint64_t n = x->next;

		x = ver(L, key, n);
		if (x->f < inv) {
			why->flaw = FLAW_STALE;
			why->wid = n;
			why->op = x->f_op;
			return true;
		}
	}
	return false;
}

/* Would a member of version v, invoked at inv and returning at ret, leave
 * no order? A later link of v's chain that finished before inv, or another
 * chain that crosses v's. */
static bool member_blocked(struct lin_state *L, int key, uint64_t v, int64_t inv, int64_t ret,
			   struct lin_conflict *why)
{
	uint64_t root;
	const struct lin_ver *c;

	if (later_link_done(L, key, v, inv, why))
		return true;
	root = root_of(L, key, v);
	c = ver(L, key, root);
	return crosses(L, key, root, root, ret < c->cf ? ret : c->cf, inv > c->cs ? inv : c->cs, why);
}

static int member_add(struct lin_state *L, int key, uint64_t v, int64_t inv, int64_t ret, uint64_t op)
{
	struct lin_ver *x = ver(L, key, v), *c;
	uint64_t root = root_of(L, key, v);

	if (ret < x->f) {
		x->f = ret;
		x->f_op = op;
	}
	if (inv > x->s) {
		x->s = inv;
		x->s_op = op;
	}
	c = ver(L, key, root);
	if (inv > c->cs) {
		c->cs = inv;
		c->cs_op = op;
	}
	if (ret < c->cf) {
		c->cf = ret;
		c->cf_op = op;
	}
	if (c->pos < 0 && c->cf != LIN_INF)
		return place(L, key, root);
	if (c->pos >= 0)
		tree_set(&L->keys[key], (size_t)c->pos, c->cs);
	return 0;
}

static bool activate(struct lin_state *L, int key, uint64_t v, struct lin_conflict *why);

/* Could version v's chain follow base b's, op (invoked at inv, returning
 * at ret) reading b and writing v? Nothing of b's chain may have begun after
 * something of v's ended, and the joined chain may cross no other. */
static bool link_blocked(struct lin_state *L, int key, uint64_t b, uint64_t v, int64_t inv, int64_t ret,
			 struct lin_conflict *why)
{
	uint64_t rb = root_of(L, key, b), rv = root_of(L, key, v);
	const struct lin_ver *cb = ver(L, key, rb), *cv = ver(L, key, rv);
	int64_t bs = cb->cs > inv ? cb->cs : inv, vf = cv->cf < ret ? cv->cf : ret;
	int64_t f = cb->cf < vf ? cb->cf : vf, s = bs > cv->cs ? bs : cv->cs;

	if (rb != rv && vf < bs) {
		why->flaw = FLAW_STALE_BASE;
		why->wid = b;
		why->op = cb->cs_op;
		return true;
	}
	if (later_link_done(L, key, v, inv, why))
		return true;
	return crosses(L, key, rb, rv, f, s, why);
}

static int link(struct lin_state *L, int key, uint64_t b, uint64_t v)
{
	struct lin_ver *vb = ver(L, key, b), *vv = ver(L, key, v);
	uint64_t rb = root_of(L, key, b), rv = root_of(L, key, v);
	struct lin_ver *cb, *cv;
	struct lin_key *k = &L->keys[key];

	vb->next = v;
	vb->has_next = true;
	vv->prev = b;
	vv->has_prev = true;
	if (rb == rv)
		return 0;
	cb = ver(L, key, rb);
	cv = ver(L, key, rv);
	cv->root = rb;
	if (cv->cs > cb->cs) {
		cb->cs = cv->cs;
		cb->cs_op = cv->cs_op;
	}
	if (cv->cf < cb->cf) {
		/* v's chain returned first: b's takes its place. */
		cb->cf = cv->cf;
		cb->cf_op = cv->cf_op;
		if (cb->pos >= 0)
			tree_set(k, (size_t)cb->pos, LIN_NEG);
		cb->pos = cv->pos;
		if (cb->pos >= 0)
			k->order[cb->pos] = rb;
	} else if (cv->pos >= 0) {
		tree_set(k, (size_t)cv->pos, LIN_NEG);
	}
	cv->pos = -1;
	if (cb->pos < 0 && cb->cf != LIN_INF)
		return place(L, key, rb);
	if (cb->pos >= 0)
		tree_set(k, (size_t)cb->pos, cb->cs);
	return 0;
}

/* A read-modify-write (its version v, built on base, by operation op,
 * invoked at inv, returned at ret or LIN_INF) takes effect. Every check
 * comes first: a flagged one changes nothing. */
static bool rmw(struct lin_state *L, int key, uint64_t v, uint64_t base, int64_t inv, int64_t ret, uint64_t op,
		struct lin_conflict *why)
{
	const struct lin_ver *vb;
	bool linked;

	if (!ver(L, key, base) || activate(L, key, base, why))
		return why->flaw != FLAW_NONE;
	vb = ver(L, key, base);
	if (vb->has_next && vb->next != v) {
		/* Another update built on the same version: if it had returned
		 * before this one began, the base was already replaced (a stale
		 * base); if they overlapped, one of the two is lost. */
		const struct lin_ver *other = ver(L, key, vb->next);

		why->flaw = other && other->f < inv ? FLAW_STALE_BASE : FLAW_LOST_UPDATE;
		why->wid = vb->next;
		why->op = other && other->f < inv ? other->f_op :
			  history_write(L->h, vb->next) ? history_write(L->h, vb->next)->op : 0;
		return true;
	}
	linked = vb->has_next;
	if (member_blocked(L, key, base, inv, ret, why) || (!linked && link_blocked(L, key, base, v, inv, ret, why))) {
		why->flaw = why->flaw == FLAW_STALE ? FLAW_STALE_BASE : why->flaw;
		return true;
	}
	if (member_add(L, key, base, inv, ret, op) < 0 || (!linked && link(L, key, base, v) < 0))
		return false;
	member_add(L, key, v, inv, ret, op);
	return false;
}

/* Version v is read or built on: its write took effect. A write not yet
 * returned counts from its invoke, its return unknown. */
static bool activate(struct lin_state *L, int key, uint64_t v, struct lin_conflict *why)
{
	struct lin_ver *x = ver(L, key, v);
	struct write_rec *wr;
	bool blocked;

	if (x && x->broken) {
		why->flaw = x->broken;
		why->wid = x->broken_wid;
		why->op = x->broken_op;
		return true;
	}
	if (!x || x->active)
		return false;
	wr = history_write(L->h, v);
	x->active = true;
	x->pending = true;
	if (wr->rmw)
		blocked = rmw(L, key, v, wr->base_wid, wr->invoke_at, LIN_INF, wr->op, why);
	else if (!(blocked = member_blocked(L, key, v, wr->invoke_at, LIN_INF, why)))
		member_add(L, key, v, wr->invoke_at, LIN_INF, wr->op);
	if (blocked && why->flaw != FLAW_NONE) {
		x = ver(L, key, v);
		x->broken = (uint8_t)why->flaw;
		x->broken_wid = why->wid;
		x->broken_op = why->op;
	}
	return blocked;
}

static void flag(struct lin_verdict *out, const struct lin_conflict *why)
{
	out->flaw = (uint8_t)why->flaw;
	out->missed_wid = why->wid;
	out->witness_op = why->op;
}

int lincheck_first(struct lin_state *L, const struct history *h, const struct write_rec *wr)
{
	struct lin_ver *x;

	if (wr->key < 0 || wr->key >= STORE_MAX_KEYS || lin_reserve(L, h) < 0 || key_ready(L, wr->key) < 0)
		return -1;
	x = ver(L, wr->key, wr->wid);
	x->active = true;
	return member_add(L, wr->key, wr->wid, LIN_FIRST, LIN_FIRST, 0);
}

int lincheck_write(struct lin_state *L, const struct history *h, const struct op *op,
		   const struct write_rec *wr, struct lin_verdict *out)
{
	struct lin_conflict why;
	int key = wr->key;
	struct lin_ver *x;
	bool was_active;

	memset(out, 0, sizeof *out);
	if (key < 0 || key >= STORE_MAX_KEYS || lin_reserve(L, h) < 0 || key_ready(L, key) < 0)
		return -1;
	x = ver(L, key, wr->wid);
	was_active = x->active;
	memset(&why, 0, sizeof why);
	if (x->broken) {
		/* A reader already showed this version cannot have taken effect. */
		why.flaw = (enum lin_flaw)x->broken;
		why.wid = x->broken_wid;
		why.op = x->broken_op;
		flag(out, &why);
		return 0;
	}
	x->active = true;
	x->pending = false;
	if (wr->rmw) {
		/* Already joined while pending: now its return is known. */
		if (was_active) {
			if (member_blocked(L, key, wr->base_wid, op->invoke_at, op->done_at, &why) ||
			    member_blocked(L, key, wr->wid, op->invoke_at, op->done_at, &why)) {
				flag(out, &why);
				return 0;
			}
			member_add(L, key, wr->base_wid, op->invoke_at, op->done_at, op->id);
			return member_add(L, key, wr->wid, op->invoke_at, op->done_at, op->id);
		}
		if (rmw(L, key, wr->wid, wr->base_wid, op->invoke_at, op->done_at, op->id, &why))
			flag(out, &why);
		return 0;
	}
	if (member_blocked(L, key, wr->wid, op->invoke_at, op->done_at, &why)) {
		flag(out, &why);
		return 0;
	}
	return member_add(L, key, wr->wid, op->invoke_at, op->done_at, op->id);
}

int lincheck_read(struct lin_state *L, const struct history *h, const struct op *op, uint64_t wid,
		  struct lin_verdict *out)
{
	struct lin_conflict why;
	int key = op->key;

	memset(out, 0, sizeof *out);
	if (key < 0 || key >= STORE_MAX_KEYS || lin_reserve(L, h) < 0 || key_ready(L, key) < 0)
		return -1;
	if (wid && !ver(L, key, wid))
		return 0;               /* a version of another key: not ours to judge */
	memset(&why, 0, sizeof why);
	if (activate(L, key, wid, &why) ||
	    member_blocked(L, key, wid, op->invoke_at, op->done_at, &why)) {
		flag(out, &why);
		return 0;
	}
	return member_add(L, key, wid, op->invoke_at, op->done_at, op->id);
}
