/* scenario_text.h: private to src/cmd: the checks a scenario's text passes
 * before inih reads it, and the line helpers the loader shares with them. */
#ifndef CAPVIZ_SCENARIO_TEXT_H
#define CAPVIZ_SCENARIO_TEXT_H

#include <stdbool.h>
#include <stddef.h>

struct scenario_text_check {
	int line;               /* the first bad line; 0 when all is well */
	bool has_scenario;      /* a [scenario] header appears somewhere */
	char msg[128];
};

/* Checks that buf is UTF-8 text without control characters, that every line
 * fits inih's buffer, that no line continues the one before (inih would
 * merge it), and that every section is known. Returns 0, or -1 with c->line
 * and c->msg naming the first problem; has_scenario is set either way. */
int scenario_text_check(const char *buf, size_t len, struct scenario_text_check *c);

/* The line starting at start: *n is its length without "\n" or "\r\n".
 * Returns where the next line starts. */
size_t scenario_text_line(const char *buf, size_t len, size_t start, size_t *n);

/* Trims spaces and tabs from both ends; returns the length left. */
size_t scenario_text_trim(const char *s, size_t len, const char **out);

/* The value of a "key = value" line as written: after the first '=' or ':',
 * without an inline comment (" ;" outside double quotes). Returns 0, or -1
 * when the line has no value or it does not fit in size. */
int scenario_text_value(const char *line, size_t len, char *out, size_t size);

#endif
