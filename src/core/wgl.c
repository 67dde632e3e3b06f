/* wgl.c: Wing and Gong's linearizability search with Lowe's cache.
 *
 * Each key's operations become a list of call and return entries in time
 * order (a call before a return at the same instant: operations that touch
 * are concurrent). The search walks the list: at a call it tries to
 * linearize that operation now (the model must accept it from the current
 * state); if the pair (set of operations linearized, new state) was never
 * seen, it takes the operation out of the list and starts again from the
 * front. Reaching a return means that operation had to be linearized by
 * now and was not: the search undoes its last choice and tries the next
 * call. The history is linearizable when the list empties, not when the
 * choices run out. The cache is what keeps it fast: a state reached with
 * the same operations done leads where it led before. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capviz/array.h"
#include "capviz/wgl.h"
#include "capviz/world.h"

/* --- interned strings --- */

static uint64_t hash_bytes(const void *p, size_t len, uint64_t h)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < len; i++)
		h = (h ^ b[i]) * 0x100000001b3ULL;
	return h;
}

static int strings_rehash(struct wgl_strings *t, size_t nslots)
{
	uint32_t *slots = calloc(nslots, sizeof *slots);

	if (!slots)
		return -1;
	for (size_t i = 0; i < t->n; i++) {
		size_t at = hash_bytes(t->s[i], t->len[i], 0xcbf29ce484222325ULL) & (nslots - 1);

		while (slots[at])
			at = (at + 1) & (nslots - 1);
		slots[at] = (uint32_t)(i + 1);
	}
	free(t->slots);
	t->slots = slots;
	t->nslots = nslots;
	return 0;
}

int wgl_intern(struct wgl_strings *t, const char *s, size_t len)
{
	size_t at;
	char *copy;
	void *grown;

	if (t->n >= INT32_MAX - 1)
		return -1;
	if ((t->n + 1) * 2 > t->nslots && strings_rehash(t, t->nslots ? t->nslots * 2 : 64) < 0)
		return -1;
	at = hash_bytes(s, len, 0xcbf29ce484222325ULL) & (t->nslots - 1);
	while (t->slots[at]) {
		size_t i = t->slots[at] - 1;

		if (t->len[i] == len && memcmp(t->s[i], s, len) == 0)
			return (int)i;
		at = (at + 1) & (t->nslots - 1);
	}
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 64;

		grown = realloc(t->s, cap * sizeof *t->s);
		if (!grown)
			return -1;
		t->s = grown;
		grown = realloc(t->len, cap * sizeof *t->len);
		if (!grown)
			return -1;
		t->len = grown;
		t->cap = cap;
	}
	copy = malloc(len + 1);
	if (!copy)
		return -1;
	memcpy(copy, s, len);
	copy[len] = '\0';
	t->s[t->n] = copy;
	t->len[t->n] = len;
	t->slots[at] = (uint32_t)(t->n + 1);
	return (int)t->n++;
}

static void strings_free(struct wgl_strings *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->s[i]);
	free(t->s);
	free(t->len);
	free(t->slots);
	memset(t, 0, sizeof *t);
}

int wgl_init(struct wgl_history *h)
{
	memset(h, 0, sizeof *h);
	return wgl_intern(&h->values, "", 0) == 0 ? 0 : -1;
}

void wgl_free(struct wgl_history *h)
{
	free(h->ops);
	strings_free(&h->values);
	strings_free(&h->keys);
	memset(h, 0, sizeof *h);
}

struct wgl_op *wgl_add(struct wgl_history *h)
{
	void *grown = array_grow(h->ops, &h->cap, h->n, sizeof *h->ops);

	if (!grown)
		return NULL;
	h->ops = grown;
	memset(&h->ops[h->n], 0, sizeof h->ops[h->n]);
	return &h->ops[h->n++];
}

/* --- the model: what an operation does to a state --- */

/* A state as an integer: nil (the empty string) is 0 for an add and
 * has no value for a condition. False when it is not an integer. */
static bool state_int(const struct wgl_strings *v, int state, int64_t *out)
{
	char buf[32], *end;

	*out = 0;
	if (v->len[state] == 0 || v->len[state] >= sizeof buf)
		return v->len[state] == 0;
	memcpy(buf, v->s[state], v->len[state]);
	buf[v->len[state]] = '\0';
	errno = 0;
	*out = strtoll(buf, &end, 10);
	return errno == 0 && *end == '\0';
}

static bool cond_holds(const struct wgl_strings *v, const struct wgl_op *op, int state)
{
	int64_t x;

	if (!op->has_cond)
		return true;
	return v->len[state] > 0 && state_int(v, state, &x) && inv_compare((enum inv_op)op->cond_op, x, op->cond_value);
}

/* Can op take effect in state? If so, *next is the state after it.
 * Returns -1 when memory ran out. */
static int step(struct wgl_history *h, const struct wgl_op *op, int state, int *next)
{
	struct wgl_strings *v = &h->values;
	char *joined;
	int id;

	*next = state;
	switch (op->kind) {
	case WGL_READ:
		/* A read that never returned told nothing. */
		return op->ret == WGL_NEVER || op->value == state;
	case WGL_WRITE:
		/* One that never returned and cannot apply here never did. */
		if (!cond_holds(v, op, state))
			return op->ret == WGL_NEVER;
		*next = op->value;
		return 1;
	case WGL_ADD: {
		int64_t x;
		char buf[32];

		if (!cond_holds(v, op, state) || !state_int(v, state, &x))
			return op->ret == WGL_NEVER;
		x = (int64_t)((uint64_t)x + (uint64_t)op->delta);
		id = wgl_intern(v, buf, (size_t)snprintf(buf, sizeof buf, "%" PRId64, x));
		if (id < 0)
			return -1;
		*next = id;
		return 1;
	}
	case WGL_CAS:
		if (state == op->from && op->cas != WGL_CAS_FAIL) {
			*next = op->value;
			return 1;
		}
		return state != op->from && op->cas != WGL_CAS_OK;
	default:
		joined = malloc(v->len[state] + v->len[op->value] + 1);
		if (!joined)
			return -1;
		memcpy(joined, v->s[state], v->len[state]);
		memcpy(joined + v->len[state], v->s[op->value], v->len[op->value]);
		id = wgl_intern(v, joined, v->len[state] + v->len[op->value]);
		free(joined);
		if (id < 0)
			return -1;
		*next = id;
		return 1;
	}
}

/* --- the cache of (linearized set, state) pairs --- */

struct cache {
	size_t words;           /* per set */
	uint64_t *sets;         /* n sets of `words` words */
	uint64_t *hashes;       /* each pair's cache_hash */
	int *states;
	size_t n, cap;
	uint32_t *slots;        /* index + 1, 0 empty */
	size_t nslots;
	size_t *room;           /* bytes every key's cache may still take (shared); NULL: no limit */
};

/* A cache starts small (a key of one operation holds a pair or two) and
 * doubles as its search goes on: memory in proportion to what is searched. */
#define CACHE_FIRST 16

static size_t cache_bytes(size_t cap, size_t words)
{
	return cap * (words * sizeof(uint64_t) + sizeof(uint64_t) + sizeof(int) + 2 * sizeof(uint32_t));
}

/* splitmix64's finalizer: a bijection that spreads every bit. */
static uint64_t mix(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

/* A set's hash is the XOR of its operations' (Zobrist hashing), kept up to
 * date as the search adds and removes one: hashing a pair costs the same
 * for a key of 3,000 operations as for one of 3. */
static uint64_t op_hash(size_t op)
{
	return mix((uint64_t)op + 0x9e3779b97f4a7c15ULL);
}

static uint64_t cache_hash(uint64_t set_hash, int state)
{
	return mix(set_hash ^ ((uint64_t)(uint32_t)state * 0x9e3779b97f4a7c15ULL));
}

/* Doubles the cache; 1 when the memory limit leaves no room for that (the
 * cache stays as it is), -1 when memory ran out. */
static int cache_grow(struct cache *c)
{
	size_t cap = c->cap ? c->cap * 2 : CACHE_FIRST, nslots = cap * 2;
	size_t more = cache_bytes(cap, c->words) - cache_bytes(c->cap, c->words);
	uint64_t *sets, *hashes;
	int *states;
	uint32_t *slots;

	if (c->room && *c->room < more)
		return 1;
	if (c->room)
		*c->room -= more;
	sets = realloc(c->sets, cap * c->words * sizeof *sets);
	if (!sets)
		return -1;
	c->sets = sets;
	hashes = realloc(c->hashes, cap * sizeof *hashes);
	if (!hashes)
		return -1;
	c->hashes = hashes;
	states = realloc(c->states, cap * sizeof *states);
	if (!states)
		return -1;
	c->states = states;
	slots = calloc(nslots, sizeof *slots);
	if (!slots)
		return -1;
	for (size_t i = 0; i < c->n; i++) {
		size_t at = c->hashes[i] & (nslots - 1);

		while (slots[at])
			at = (at + 1) & (nslots - 1);
		slots[at] = (uint32_t)(i + 1);
	}
	free(c->slots);
	c->slots = slots;
	c->nslots = nslots;
	c->cap = cap;
	return 0;
}

/* Adds the pair; 1 when it is new, 0 when it was there, -1 out of memory.
 * A full cache (its memory limit reached) still answers for the pairs it
 * holds, and calls every other pair new without keeping it: the search
 * may then walk a state again, which costs time, never the verdict (a
 * pair met again was searched to no end the first time). */
static int cache_add(struct cache *c, const uint64_t *set, uint64_t set_hash, int state)
{
	uint64_t hash = cache_hash(set_hash, state);
	size_t at;
	int grown = 0;

	if (c->n >= UINT32_MAX - 1 || (c->n == c->cap && (grown = cache_grow(c)) < 0))
		return -1;
	if (!c->nslots)
		return 1;
	at = hash & (c->nslots - 1);
	while (c->slots[at]) {
		size_t i = c->slots[at] - 1;

		if (c->hashes[i] == hash && c->states[i] == state &&
		    memcmp(&c->sets[i * c->words], set, c->words * sizeof *set) == 0)
			return 0;
		at = (at + 1) & (c->nslots - 1);
	}
	if (grown > 0 || c->n == c->cap)
		return 1;
	memcpy(&c->sets[c->n * c->words], set, c->words * sizeof *set);
	c->hashes[c->n] = hash;
	c->states[c->n] = state;
	c->slots[at] = (uint32_t)(++c->n);
	return 1;
}

static void cache_free(struct cache *c)
{
	free(c->sets);
	free(c->hashes);
	free(c->states);
	free(c->slots);
}

/* --- the search, one key --- */

/* An entry of the list: a call (match: its return) or a return. */
struct entry {
	int64_t t;
	size_t op;              /* the key's operation, 0..n-1 */
	bool is_return;
	size_t prev, next;      /* in the list; entry 0 is the head */
	size_t match;           /* a call's return entry */
};

struct frame {
	size_t call;            /* the call entry linearized */
	int state;              /* the state before it */
};

static int entry_cmp(const void *pa, const void *pb)
{
	const struct entry *a = pa, *b = pb;

	if (a->t != b->t)
		return a->t < b->t ? -1 : 1;
	if (a->is_return != b->is_return)
		return a->is_return ? 1 : -1;
	return a->op < b->op ? -1 : a->op > b->op;
}

static void lift(struct entry *e, size_t call)
{
	size_t ret = e[call].match;

	e[e[call].prev].next = e[call].next;
	e[e[call].next].prev = e[call].prev;
	e[e[ret].prev].next = e[ret].next;
	if (e[ret].next)
		e[e[ret].next].prev = e[ret].prev;
}

static void unlift(struct entry *e, size_t call)
{
	size_t ret = e[call].match;

	e[e[ret].prev].next = ret;
	if (e[ret].next)
		e[e[ret].next].prev = ret;
	e[e[call].prev].next = call;
	e[e[call].next].prev = call;
}

/* Builds the list of the key's operations (idx[0..n-1] in h->ops): entry 0
 * is the head; the last entry's next is 0. */
static struct entry *build_list(const struct wgl_history *h, const size_t *idx, size_t n)
{
	struct entry *e = calloc(2 * n + 1, sizeof *e), *body;
	size_t *call_of;

	if (!e)
		return NULL;
	body = e + 1;
	for (size_t i = 0; i < n; i++) {
		const struct wgl_op *op = &h->ops[idx[i]];

		body[2 * i] = (struct entry){ .t = op->inv, .op = i };
		body[2 * i + 1] = (struct entry){ .t = op->ret, .op = i, .is_return = true };
	}
	qsort(body, 2 * n, sizeof *body, entry_cmp);
	call_of = malloc(n * sizeof *call_of);
	if (!call_of) {
		free(e);
		return NULL;
	}
	for (size_t i = 1; i <= 2 * n; i++) {
		e[i].prev = i - 1;
		e[i].next = i < 2 * n ? i + 1 : 0;
		if (!e[i].is_return)
			call_of[e[i].op] = i;
		else
			e[call_of[e[i].op]].match = i;
	}
	e[0].next = n ? 1 : 0;
	free(call_of);
	return e;
}

/* One key's search, resumable: keys are searched in turns (a slice of
 * steps each), so that a key that fails early is found while another,
 * linearizable but slow to prove so, is still being searched; as porcupine
 * does by searching the keys in parallel. */
struct search {
	const size_t *idx;      /* the key's operations in h->ops */
	size_t n;
	struct entry *e;
	struct frame *stack;
	struct cache cache;
	uint64_t *set;
	uint64_t set_hash;      /* op_hash of each operation in set, XORed */
	size_t depth, at, best, stuck;
	int state;
	int result;             /* SEARCH_* */
};

enum { SEARCH_NOT = 0, SEARCH_LINEARIZABLE = 1, SEARCH_RUNNING = 2, SEARCH_OOM = -1 };

static int search_init(struct search *s, const struct wgl_history *h, const size_t *idx, size_t n, size_t *room)
{
	memset(s, 0, sizeof *s);
	s->idx = idx;
	s->n = n;
	s->cache.words = (n + 63) / 64;
	s->cache.room = room;
	s->e = build_list(h, idx, n);
	s->stack = malloc((n + 1) * sizeof *s->stack);
	s->set = calloc(s->cache.words ? s->cache.words : 1, sizeof *s->set);
	s->result = s->e && s->stack && s->set ? SEARCH_RUNNING : SEARCH_OOM;
	if (s->e)
		s->at = s->e[0].next;
	return s->result == SEARCH_OOM ? -1 : 0;
}

static void search_free(struct search *s)
{
	free(s->e);
	free(s->stack);
	free(s->set);
	cache_free(&s->cache);
}

/* Tries to linearize the call at s->at now. */
static int search_call(struct search *s, struct wgl_history *h)
{
	struct entry *e = s->e;
	size_t op = e[s->at].op;
	int next, ok = step(h, &h->ops[s->idx[op]], s->state, &next), fresh = 0;

	if (ok < 0)
		return -1;
	if (ok) {
		s->set[op / 64] |= 1ULL << (op % 64);
		s->set_hash ^= op_hash(op);
		fresh = cache_add(&s->cache, s->set, s->set_hash, next);
		if (fresh < 0)
			return -1;
		if (!fresh) {
			s->set[op / 64] &= ~(1ULL << (op % 64));
			s->set_hash ^= op_hash(op);
		}
	}
	if (fresh) {
		s->stack[s->depth++] = (struct frame){ s->at, s->state };
		s->state = next;
		lift(e, s->at);
		s->at = e[0].next;
	} else {
		s->at = e[s->at].next;
	}
	return 0;
}

/* Runs up to budget steps; returns the search's result then. */
static int search_run(struct search *s, struct wgl_history *h, uint64_t budget, uint64_t *steps)
{
	struct entry *e = s->e;

	while (s->result == SEARCH_RUNNING && budget--) {
		if (!e[0].next) {
			s->result = SEARCH_LINEARIZABLE;
			break;
		}
		++*steps;
		if (!e[s->at].is_return) {
			if (search_call(s, h) < 0)
				s->result = SEARCH_OOM;
			continue;
		}
		/* A return before its call was linearized: undo the last choice. */
		if (s->depth >= s->best) {
			s->best = s->depth;
			s->stuck = e[s->at].op;
		}
		if (s->depth == 0) {
			s->result = SEARCH_NOT;
			break;
		}
		s->depth--;
		s->at = s->stack[s->depth].call;
		s->state = s->stack[s->depth].state;
		s->set[e[s->at].op / 64] &= ~(1ULL << (e[s->at].op % 64));
		s->set_hash ^= op_hash(e[s->at].op);
		unlift(e, s->at);
		s->at = e[s->at].next;
	}
	if (s->result == SEARCH_RUNNING && !e[0].next)
		s->result = SEARCH_LINEARIZABLE;
	return s->result;
}

/* Each key's operations, in file order, side by side in idx; start[k] is
 * where key k's begin. Returns -1 when memory ran out. */
static int group_keys(const struct wgl_history *h, size_t *idx, size_t *start)
{
	size_t nkeys = h->keys.n, *fill = malloc((nkeys ? nkeys : 1) * sizeof *fill);

	if (!fill)
		return -1;
	for (size_t k = 0; k <= nkeys; k++)
		start[k] = 0;
	for (size_t i = 0; i < h->n; i++)
		start[h->ops[i].key + 1]++;
	for (size_t k = 0; k < nkeys; k++)
		start[k + 1] += start[k];
	memcpy(fill, start, nkeys * sizeof *fill);
	for (size_t i = 0; i < h->n; i++)
		idx[fill[h->ops[i].key]++] = i;
	free(fill);
	return 0;
}

/* The first key still searched when the step limit stopped the search. */
static void note_undecided(struct wgl_result *r, const struct search *s, size_t nkeys)
{
	r->linearizable = false;
	r->undecided = true;
	r->keys_done = 0;
	for (size_t k = 0; k < nkeys; k++) {
		if (s[k].result == SEARCH_LINEARIZABLE)
			r->keys_done++;
		else if (r->key_ops == 0) {
			r->key = (int)k;
			r->key_ops = s[k].n;
			r->longest = s[k].best;
		}
	}
}

int wgl_check_limited(struct wgl_history *h, const struct wgl_limits *lim, struct wgl_result *r)
{
	size_t nkeys = h->keys.n, *idx = malloc((h->n ? h->n : 1) * sizeof *idx), *start;
	struct search *s = calloc(nkeys ? nkeys : 1, sizeof *s);
	size_t running = 0, at = 0, room = lim && lim->max_cache_bytes ? lim->max_cache_bytes : 0;
	uint64_t max_steps = lim ? lim->max_steps : 0;
	int rc = 0;

	memset(r, 0, sizeof *r);
	r->linearizable = true;
	start = malloc((nkeys + 1) * sizeof *start);
	if (!idx || !s || !start || group_keys(h, idx, start) < 0) {
		rc = -1;
		goto out;
	}
	for (size_t k = 0; k < nkeys; k++) {
		if (search_init(&s[k], h, idx + start[k], start[k + 1] - start[k], room ? &room : NULL) < 0) {
			rc = -1;
			goto out;
		}
		running++;
	}
	/* Turns, key after key, until one fails, every one is done, or the
	 * steps run out. */
	while (running && r->linearizable) {
		struct search *k = &s[at];

		if (max_steps && r->steps >= max_steps) {
			note_undecided(r, s, nkeys);
			break;
		}
		if (k->result == SEARCH_RUNNING) {
			uint64_t slice = max_steps && max_steps - r->steps < WGL_SLICE ? max_steps - r->steps : WGL_SLICE;
			int res = search_run(k, h, slice, &r->steps);

			if (res == SEARCH_OOM) {
				rc = -1;
				break;
			}
			if (res == SEARCH_NOT) {
				r->linearizable = false;
				r->key = (int)at;
				r->stuck = k->idx[k->stuck];
				r->longest = k->best;
				r->key_ops = k->n;
			}
			running -= res != SEARCH_RUNNING;
			r->keys_done += res == SEARCH_LINEARIZABLE;
			if (lim && lim->progress)
				lim->progress(lim->arg, r->steps, r->keys_done, nkeys);
		}
		at = (at + 1) % nkeys;
	}
out:
	for (size_t k = 0; s && k < nkeys; k++)
		search_free(&s[k]);
	free(s);
	free(idx);
	free(start);
	return rc;
}

int wgl_check(struct wgl_history *h, struct wgl_result *r)
{
	return wgl_check_limited(h, NULL, r);
}
