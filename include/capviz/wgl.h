/* wgl.h: a linearizability checker for histories without write ids (someone
 * else's, or capviz's own exported): Wing and Gong's search with Lowe's
 * cache of (operations linearized, state) pairs, key by key (a history is
 * linearizable when each key's is), as in porcupine. Registers with read,
 * write and compare-and-set, and strings with append; integers also take
 * an add (relative), and a write or an add may carry a condition on the
 * value (a conditional write whose outcome is unknown). */
#ifndef CAPVIZ_WGL_H
#define CAPVIZ_WGL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define WGL_NEVER INT64_MAX     /* the return time of an operation that never returned */

enum wgl_kind { WGL_READ, WGL_WRITE, WGL_CAS, WGL_APPEND, WGL_ADD };
enum wgl_cas { WGL_CAS_OK, WGL_CAS_FAIL, WGL_CAS_UNKNOWN };

/* Values and keys are interned strings, named by their index. */
struct wgl_strings {
	char **s;
	size_t *len;
	size_t n, cap;
	uint32_t *slots;        /* open addressing: index + 1, 0 empty */
	size_t nslots;
};

struct wgl_op {
	uint8_t kind;           /* enum wgl_kind */
	uint8_t cas;            /* enum wgl_cas */
	int key;                /* in keys */
	int value;              /* read: what it returned; write: what it wrote; cas: the new value;
				   append: the suffix (in values) */
	int from;               /* cas: the value it expected */
	int64_t delta;          /* add: what it adds to the integer (nil counts as 0) */
	bool has_cond;          /* write, add: it takes effect only where the value cond_op cond_value */
	uint8_t cond_op;        /* enum inv_op (world.h) */
	int64_t cond_value;
	int64_t inv, ret;       /* ret WGL_NEVER: it may take effect at any time after inv, or never */
	int line;               /* where it came from (a file's line), for messages */
	uint64_t tag;           /* the caller's name for it (capviz: the op id; 0 none) */
};

struct wgl_history {
	struct wgl_op *ops;
	size_t n, cap;
	struct wgl_strings values; /* the empty string (index 0) is every key's first state */
	struct wgl_strings keys;
};

struct wgl_result {
	bool linearizable;
	bool undecided;         /* the step limit stopped the search first: linearizable is false,
				   and nothing was found not to be */
	int key;                /* not linearizable: the first key that is not; undecided: the
				   first key still searched */
	size_t stuck;           /* not linearizable: the operation no search got past (index in ops) */
	size_t longest;         /* ... how many of the key's operations the longest partial order held */
	size_t key_ops;         /* ... how many operations the key has */
	size_t keys_done;       /* keys found linearizable */
	uint64_t steps;         /* search steps taken, over every key */
};

/* What a check may take. The search is exponential in the worst case (40
 * overlapping writes, each read by overlapping reads), so a program that
 * must answer gives it a limit. */
struct wgl_limits {
	uint64_t max_steps;     /* 0: no limit; else past it the check ends undecided */
	size_t max_cache_bytes; /* 0: no limit; else the caches of every key together hold at
				   most this much: past it they keep no new state (slower, the
				   same verdict) */
	/* Called between turns (a slice of at most WGL_SLICE steps of one
	 * key), for a progress line; may be NULL. The core never prints. */
	void (*progress)(void *arg, uint64_t steps, size_t keys_done, size_t nkeys);
	void *arg;
};

#define WGL_SLICE 20000

/* Returns 0 or -1 when memory ran out. */
int wgl_init(struct wgl_history *h);
void wgl_free(struct wgl_history *h);
/* The index of s (len bytes), added if new; -1 when memory ran out. */
int wgl_intern(struct wgl_strings *t, const char *s, size_t len);
/* Appends an operation; NULL when memory ran out. */
struct wgl_op *wgl_add(struct wgl_history *h);
/* Checks every key, stopping at the first that is not linearizable, with
 * no limit. Returns 0, or -1 when memory ran out. */
int wgl_check(struct wgl_history *h, struct wgl_result *r);
/* The same within lim (NULL: none): the verdict is the same wherever the
 * search ends within it; r->undecided when it did not. */
int wgl_check_limited(struct wgl_history *h, const struct wgl_limits *lim, struct wgl_result *r);

#endif
