/* histwgl.h: a run's history as a history of values (wgl.h): what
 * --history writes out and --check-history checks, and what the live
 * checker searches itself when its frontier gives up on a key. One
 * translation for both, so the live verdict and the offline one judge the
 * same operations. */
#ifndef CAPVIZ_HISTWGL_H
#define CAPVIZ_HISTWGL_H

#include <stdbool.h>

#include "capviz/wgl.h"

struct world;
struct op;

/* Why an operation is not in the history (besides being on no number key,
 * or telling nothing: a definite error, a failed read). */
enum histwgl_left {
	HISTWGL_MERGED,  /* a read of a value merged from several versions: no register's */
	HISTWGL_FLAGGED, /* judged: a read the checker flagged */
};

struct histwgl_opts {
	bool by_version;        /* values are write ids (exact when two writes wrote the same value) */
	bool judged;            /* as the checker judged it: flagged reads left out, flagged changes
	                         * writes of their value that never return */
	int key;                /* one key's operations, or -1 every key's */
	/* Called for each read left out, in order; NULL: none. */
	void (*left)(void *ctx, const struct world *w, const struct op *op, enum histwgl_left why);
	void *ctx;
};

/* Appends the world's history to h (wgl_init'ed), in time order: the first
 * values and every client operation on a number key. Times are the
 * history's order (history_stamp) plus one, so that a first value (written
 * at 0) comes before every operation. Returns 0, or -1 when memory ran out. */
int histwgl_build(struct wgl_history *h, const struct world *w, const struct histwgl_opts *o);

#endif
