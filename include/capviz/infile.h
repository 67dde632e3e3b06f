/* infile.h: an input file (a scenario, a theme, a history) read whole and
 * once, whatever it is: a regular file, a FIFO, /dev/stdin, a process
 * substitution (/dev/fd/63) or a device. A pipe gives its bytes once, so
 * whoever needs to look at a file twice (is it a theme or a scenario?)
 * looks at the bytes read, never at the file again. */
#ifndef CAPVIZ_INFILE_H
#define CAPVIZ_INFILE_H

#include <dirent.h>
#include <stdbool.h>
#include <stddef.h>

/* Reads path ("-": standard input) whole, or its first max + 1 bytes when it
 * is longer (so *len > max tells the caller it was too big: infile_size
 * says so). *buf is NUL-terminated and owned by the caller (free it).
 * Returns 0, or -1 with err "PATH: cannot read it: REASON" (no such file, a
 * directory, a read error); then *buf is NULL. A FIFO waits for its writer,
 * as cat does. */
int infile_read(const char *path, size_t max, char **buf, size_t *len, char *err, size_t errlen);

/* When len > max: err "NAME:LINE: too big for WHAT (at most N KiB)" and
 * LINE, the line where the limit is passed (a loader that finds an error
 * on an earlier line, or on that one, says that one instead); else 0. */
int infile_size(const char *name, const char *buf, size_t len, size_t max, const char *what, char *err,
		size_t errlen);

/* Is the directory's entry name a regular file (or a link to one)? What
 * lists a directory (--list-themes, the t key, --list-scenarios) reads
 * only those: a FIFO there would wait for a writer. */
bool infile_listable(DIR *dir, const char *name);

#endif
