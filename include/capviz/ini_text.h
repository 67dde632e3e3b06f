/* ini_text.h: the checks an INI file's text (a scenario, a theme) passes
 * before inih reads it, and the line helpers the loaders share with them. */
#ifndef CAPVIZ_INI_TEXT_H
#define CAPVIZ_INI_TEXT_H

#include <stdbool.h>
#include <stddef.h>

/* inih cuts lines at 200 bytes; a line must be shorter than that. */
#define INI_LINE_MAX 199

struct ini_text_check {
	int line;               /* the first bad line; 0 when all is well */
	bool has_first;         /* the first of the sections named appears somewhere */
	char msg[128];
};

/* Checks that buf is UTF-8 text without control characters (and without a
 * byte order mark past its first bytes), that every line
 * fits inih's buffer, that no line continues the one before (inih would
 * merge it), and that every section is one of sections (NULL-terminated).
 * Returns 0, or -1 with c->line and c->msg naming the first problem;
 * has_first is set either way. */
int ini_text_check(const char *buf, size_t len, const char *const *sections, struct ini_text_check *c);

/* The line starting at start: *n is its length without "\n" or "\r\n".
 * Returns where the next line starts. */
size_t ini_text_line(const char *buf, size_t len, size_t start, size_t *n);

/* Trims spaces and tabs from both ends; returns the length left. */
size_t ini_text_trim(const char *s, size_t len, const char **out);

/* The value of a "key = value" line as written: after the first '=' or ':',
 * without an inline comment (" ;" outside double quotes). Returns 0, or -1
 * when the line has no value or it does not fit in size. */
int ini_text_value(const char *line, size_t len, char *out, size_t size);

/* A loader's place in its text, as ini_text_read hands it to inih one
 * line a call: so line is the line inih is handling, and line_start,
 * line_len where it is in buf (the value as written, for messages). */
struct ini_cursor {
	const char *buf;
	size_t len, pos, line_start, line_len;
	int line;
};

/* inih's stream reader over a struct ini_cursor (its stream). Lines were
 * checked to fit before (ini_text_check). */
char *ini_text_read(char *str, int num, void *cursor);

/* A loader's error: the one of the earliest line, the one a reader fixes
 * first. line 0: none yet. */
struct ini_error {
	int line;
	char text[400];         /* a command's error (CMD_ERR_MAX) and what leads it */
};

__attribute__((format(printf, 3, 4)))
void ini_error_set(struct ini_error *e, int line, const char *fmt, ...);

#endif
