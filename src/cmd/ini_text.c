/* ini_text.c: what an INI file's text (a scenario, a theme) must be before
 * inih reads it. Debian's inih cuts lines at 200 bytes and passes the rest on
 * as a new line, merges indented lines into the value above, and skips empty
 * sections without a word; these checks turn each of those into an error at
 * its line. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "capviz/ini_text.h"
#include "capviz/text.h"

size_t ini_text_line(const char *buf, size_t len, size_t start, size_t *n)
{
	const char *nl = memchr(buf + start, '\n', len - start);
	size_t end = nl ? (size_t)(nl - buf) : len;

	*n = end - start;
	if (*n > 0 && buf[end - 1] == '\r')
		(*n)--;
	return nl ? end + 1 : len;
}

size_t ini_text_trim(const char *s, size_t len, const char **out)
{
	while (len > 0 && (*s == ' ' || *s == '\t')) {
		s++;
		len--;
	}
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	*out = s;
	return len;
}

int ini_text_value(const char *line, size_t len, char *out, size_t size)
{
	size_t i = 0, start, end;
	bool quoted = false, space = false;

	while (i < len && line[i] != '=' && line[i] != ':')
		i++;
	if (i == len)
		return -1;
	for (i++; i < len && (line[i] == ' ' || line[i] == '\t'); i++)
		;
	for (start = end = i; end < len; end++) {
		char ch = line[end];

		if (!quoted && ch == ';' && space)
			break;
		if (quoted && ch == '\\' && end + 1 < len)
			end++;
		else if (ch == '"')
			quoted = !quoted;
		space = ch == ' ' || ch == '\t';
	}
	while (end > start && (line[end - 1] == ' ' || line[end - 1] == '\t'))
		end--;
	if (end - start >= size)
		return -1;
	memcpy(out, line + start, end - start);
	out[end - start] = '\0';
	return 0;
}

/* The line of the first byte that text does not hold; 0 when none. */
static int first_binary_line(const char *buf, size_t len)
{
	const unsigned char *p = (const unsigned char *)buf;
	int line = 1;

	for (size_t i = 0; i < len;) {
		size_t n = 1;

		if (p[i] == '\n')
			line++;
		else if (p[i] == '\r' && !(i + 1 == len || p[i + 1] == '\n'))
			return line;
		else if (p[i] >= 0x80 && (n = text_utf8_len(p + i, len - i)) == 0)
			return line;
		else if ((p[i] < 0x20 && p[i] != '\t' && p[i] != '\r') || p[i] == 0x7f)
			return line;
		i += n;
	}
	return 0;
}

/* A section header line: its name must be one of sections (the first
 * marks the file's kind) and nothing may follow. */
static void check_section(const char *s, size_t n, int line, const char *const *sections,
			  struct ini_text_check *c)
{
	const char *close = memchr(s, ']', n), *rest;
	size_t name_len, rest_len;
	bool known = false;
	char expected[96] = "";

	if (!close) {
		if (!c->line) {
			c->line = line;
			snprintf(c->msg, sizeof c->msg, "expected ']' after the section name");
		}
		return;
	}
	name_len = (size_t)(close - s - 1);
	rest_len = ini_text_trim(close + 1, n - (size_t)(close + 1 - s), &rest);
	for (int i = 0; sections[i]; i++) {
		size_t used = strlen(expected);

		if (name_len == strlen(sections[i]) && strncasecmp(s + 1, sections[i], name_len) == 0) {
			known = true;
			c->has_first = c->has_first || i == 0;
		}
		snprintf(expected + used, sizeof expected - used, "%s[%s]", i == 0 ? "" : sections[i + 1] ? ", " :
			 " or ", sections[i]);
	}
	if (c->line)
		return;
	if (rest_len > 0 && rest[0] != ';' && rest[0] != '#') {
		c->line = line;
		snprintf(c->msg, sizeof c->msg, "unexpected text after [%.*s]", (int)(name_len > 40 ? 40 : name_len), s + 1);
	} else if (!known) {
		c->line = line;
		snprintf(c->msg, sizeof c->msg, "unknown section [%.*s] (expected %s)",
			 (int)(name_len > 40 ? 40 : name_len), s + 1, expected);
	}
}

static void check_line(const char *s, size_t n, int line, bool *after_pair, const char *const *sections,
		       struct ini_text_check *c)
{
	const char *t;
	size_t tn;

	if (n > INI_LINE_MAX && !c->line) {
		c->line = line;
		snprintf(c->msg, sizeof c->msg, "line too long (%zu bytes; a line holds at most %d)",
			 n, INI_LINE_MAX);
	}
	tn = ini_text_trim(s, n, &t);
	if (tn == 0 || t[0] == ';' || t[0] == '#')
		return;
	if (t > s && *after_pair && !c->line) {
		c->line = line;
		snprintf(c->msg, sizeof c->msg, "indented line (a value must fit on its own line; "
			 "remove the indentation)");
	}
	if (t[0] == '[') {
		check_section(t, tn, line, sections, c);
		*after_pair = false;
	} else {
		*after_pair = true;
	}
}

/* The line of a byte order mark past the file's first bytes; 0 when none.
 * inih skips one at the start; another would reach it as text. */
static int stray_bom_line(const char *buf, size_t len)
{
	size_t from = len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;
	int line = 1;

	for (size_t i = from; i + 3 <= len; i++) {
		if (buf[i] == '\n')
			line++;
		else if (memcmp(buf + i, "\xef\xbb\xbf", 3) == 0)
			return line;
	}
	return 0;
}

int ini_text_check(const char *buf, size_t len, const char *const *sections, struct ini_text_check *c)
{
	bool after_pair = false;
	int line = 0;

	memset(c, 0, sizeof *c);
	c->line = first_binary_line(buf, len);
	if (c->line) {
		snprintf(c->msg, sizeof c->msg, "not a text file");
		return -1;
	}
	c->line = stray_bom_line(buf, len);
	if (c->line) {
		snprintf(c->msg, sizeof c->msg, "a byte order mark (U+FEFF) past the start of the file: "
			 "only the first bytes may hold one; remove it");
		return -1;
	}
	for (size_t pos = 0; pos < len;) {
		size_t start = pos, n;

		pos = ini_text_line(buf, len, start, &n);
		line++;
		/* inih skips a UTF-8 byte order mark on the first line. */
		if (line == 1 && n >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0) {
			start += 3;
			n -= 3;
		}
		check_line(buf + start, n, line, &after_pair, sections, c);
	}
	return c->line ? -1 : 0;
}

char *ini_text_read(char *str, int num, void *cursor)
{
	struct ini_cursor *c = cursor;
	size_t start, n;

	if (c->pos >= c->len || num < 2)
		return NULL;
	start = c->pos;
	c->pos = ini_text_line(c->buf, c->len, start, &n);
	if (n > (size_t)num - 1)
		n = (size_t)num - 1;
	memcpy(str, c->buf + start, n);
	str[n] = '\0';
	c->line++;
	c->line_start = start;
	c->line_len = n;
	return str;
}

void ini_error_set(struct ini_error *e, int line, const char *fmt, ...)
{
	va_list ap;

	if (e->line && e->line <= line)
		return;
	e->line = line;
	va_start(ap, fmt);
	vsnprintf(e->text, sizeof e->text, fmt, ap);
	va_end(ap);
}
