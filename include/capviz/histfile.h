/* histfile.h: histories as text, one operation a line (the format of
 * porcupine's converted test histories): read one to check it, write a
 * run's so another tool can check it too. */
#ifndef CAPVIZ_HISTFILE_H
#define CAPVIZ_HISTFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "capviz/wgl.h"

struct world;

/* Reads path into h (initialized here; free it with wgl_free, also on
 * failure). Returns 0, or -1 with err "FILE:LINE: what was expected". */
int histfile_read(struct wgl_history *h, const char *path, char *err, size_t errlen);
/* The same from an open stream; path names it in messages. */
int histfile_parse(struct wgl_history *h, FILE *f, const char *path, char *err, size_t errlen);
/* Writes the world's history: every client operation on a number key (and
 * its first values), adds and txns as compare-and-sets from the version
 * they built on; values as written, or by_version their write ids (exact
 * even when two writes wrote the same value). Returns 0 or -1 on a write
 * error. A request whose outcome is unknown (or that is still pending)
 * never returns: a write of its value, an add of its delta (i), under a
 * txn's condition; a definite error is left out. */
int histfile_write(const struct world *w, FILE *f, bool by_version);
/* The same, as the consistency lens judged it: every flagged read left
 * out, every flagged change a write of its value that never returns (what
 * the checker keeps of it). Linearizable whenever the lens is right. */
int histfile_write_judged(const struct world *w, FILE *f);

#endif
