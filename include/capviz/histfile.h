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

/* A history file holds at most this many bytes. */
#define HISTFILE_MAX_BYTES (64 * 1024 * 1024)

/* Reads path ('-': standard input) once, whole, into h (initialized here;
 * free it with wgl_free, also on failure). Lines end at "\n", "\r\n" or a
 * lone "\r"; a line holds at most 4095 bytes, and no NUL; a UTF-8 byte order
 * mark may start the file. Returns 0, or -1 with err "FILE:LINE: what was
 * expected". */
int histfile_read(struct wgl_history *h, const char *path, char *err, size_t errlen);
/* The same from an open stream, or from len bytes; path, name name it in
 * messages. */
int histfile_parse(struct wgl_history *h, FILE *f, const char *path, char *err, size_t errlen);
int histfile_parse_buf(struct wgl_history *h, const char *buf, size_t len, const char *name, char *err,
		       size_t errlen);
/* The operation as a line of the format (its key and values as they are:
 * for a terminal, pass it through text_show). */
void histfile_format_op(const struct wgl_history *h, const struct wgl_op *op, FILE *f);
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
