/* lex.c: the tokens of a command line and the readers of its arguments.
 * Messages quote the user's words, so they are made printable and short
 * first: the input may be any bytes and the message lands on a terminal. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "capviz/world.h"
#include "lex.h"

bool lex_is_space(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\v' || ch == '\f';
}

/* '>' and '|' are tokens of their own, so "A>B" and "A > B" read alike. */
bool lex_next(struct lex *c, struct lex_tok *t)
{
	const char *p = c->line + c->pos;

	while (*p && lex_is_space(*p))
		p++;
	t->s = p;
	if (!*p) {
		t->len = 0;
		c->pos = (size_t)(p - c->line);
		return false;
	}
	if (*p == '>' || *p == '|')
		p++;
	else
		while (*p && !lex_is_space(*p) && *p != '>' && *p != '|')
			p++;
	t->len = (size_t)(p - t->s);
	c->pos = (size_t)(p - c->line);
	return true;
}

bool lex_peek(struct lex *c, struct lex_tok *t)
{
	size_t pos = c->pos;
	bool got = lex_next(c, t);

	c->pos = pos;
	return got;
}

static char lower(char ch)
{
	return ch >= 'A' && ch <= 'Z' ? (char)(ch - 'A' + 'a') : ch;
}

/* Case-insensitive (ASCII) comparison of a token with a word. */
bool lex_is(const struct lex_tok *t, const char *word)
{
	size_t n = strlen(word);

	if (t->len != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (lower(t->s[i]) != lower(word[i]))
			return false;
	return true;
}

/* A token as it may appear in a message: printable, and not too long, since
 * messages land on a terminal and the input may be anything. */
void lex_show(const struct lex_tok *t, char *buf, size_t size)
{
	size_t n = 0, max = 24;

	for (size_t i = 0; i < t->len && n + 4 < size; i++) {
		unsigned char ch = (unsigned char)t->s[i];

		if (i == max) {
			memcpy(buf + n, "...", 3);
			n += 3;
			break;
		}
		buf[n++] = ch < 0x20 || ch == 0x7f ? '?' : (char)ch;
	}
	buf[n] = '\0';
}

int lex_fail(struct lex *c, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(c->err, c->errlen, "%s: ", c->name);

	if (n < 0 || (size_t)n >= c->errlen)
		return -1;
	va_start(ap, fmt);
	vsnprintf(c->err + n, c->errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

/* "A, B, C", the nodes of the current world. */
static void node_list(int nnodes, char *buf, size_t size)
{
	size_t n = 0;

	buf[0] = '\0';
	for (int i = 0; i < nnodes && n + 4 < size; i++)
		n += (size_t)snprintf(buf + n, size - n, "%s%c", i ? ", " : "", 'A' + i);
}

int lex_node(struct lex *c, const struct lex_tok *t, int *node)
{
	char show[32], list[32];
	char ch = t->len == 1 ? lower(t->s[0]) : 0;

	if (ch >= 'a' && ch < 'a' + c->nnodes) {
		*node = ch - 'a';
		return 0;
	}
	lex_show(t, show, sizeof show);
	node_list(c->nnodes, list, sizeof list);
	if (c->nnodes == 1)
		return lex_fail(c, "unknown node '%s' (the only node is A)", show);
	return lex_fail(c, "unknown node '%s' (nodes are %s)", show, list);
}

/* Reads a node, or fails with usage when the line has ended. */
int lex_want_node(struct lex *c, int *node, const char *usage)
{
	struct lex_tok t;

	if (!lex_next(c, &t) || (t.len == 1 && (t.s[0] == '>' || t.s[0] == '|')))
		return lex_fail(c, "%s", usage);
	return lex_node(c, &t, node);
}

int lex_want_end(struct lex *c, const char *after)
{
	struct lex_tok t;
	char show[32];

	if (!lex_next(c, &t))
		return 0;
	lex_show(&t, show, sizeof show);
	return lex_fail(c, "unexpected '%s' after %s", show, after);
}

int lex_want_duration(struct lex *c, const struct lex_tok *t, bool sign, int64_t *us)
{
	char show[32];
	int r = cmd_duration(t->s, t->len, sign, us);

	lex_show(t, show, sizeof show);
	if (r == -2)
		return lex_fail(c, "duration '%s' is too long (at most a day)", show);
	if (r < 0)
		return lex_fail(c, "expected a duration such as 40ms or 1.5s, got '%s'", show);
	return 0;
}

int lex_want_value(struct lex *c, const struct lex_tok *t, int64_t *v)
{
	char show[32];
	int r = cmd_int64(t->s, t->len, v);

	lex_show(t, show, sizeof show);
	if (r == -2)
		return lex_fail(c, "number '%s' is out of range (64-bit integers)", show);
	if (r < 0)
		return lex_fail(c, "expected a number, got '%s'", show);
	return 0;
}

int lex_want_key(struct lex *c, const struct lex_tok *t, char *key)
{
	char show[32];

	if (!cmd_key_valid(t->s, t->len)) {
		lex_show(t, show, sizeof show);
		return lex_fail(c, "bad key name '%s' (lowercase letters, digits and _, "
			    "not starting with a digit, at most %d characters)", show, KEY_NAME_MAX - 1);
	}
	memcpy(key, t->s, t->len);
	key[t->len] = '\0';
	return 0;
}

int lex_want_elem(struct lex *c, const struct lex_tok *t, char *elem)
{
	char show[32];

	if (!cmd_key_valid(t->s, t->len)) {
		lex_show(t, show, sizeof show);
		return lex_fail(c, "bad element name '%s' (lowercase letters, digits and _, "
			    "not starting with a digit, at most %d characters)", show, KEY_NAME_MAX - 1);
	}
	memcpy(elem, t->s, t->len);
	elem[t->len] = '\0';
	return 0;
}

bool lex_at_set(struct lex *c)
{
	const char *p = c->line + c->pos;

	while (*p && lex_is_space(*p))
		p++;
	return *p == '{';
}

int lex_want_set(struct lex *c, struct cmd_set *set)
{
	const char *p = c->line + c->pos;
	char why[160];
	size_t used;

	while (*p && lex_is_space(*p))
		p++;
	if (cmd_set_literal(p, strlen(p), set, &used, why, sizeof why) < 0)
		return lex_fail(c, "%s", why);
	c->pos = (size_t)(p + used - c->line);
	return 0;
}

int lex_want_strategy(struct lex *c, const struct lex_tok *t, int *strategy)
{
	char show[32];

	*strategy = cmd_strategy(t->s, t->len);
	if (*strategy >= 0)
		return 0;
	lex_show(t, show, sizeof show);
	return lex_fail(c, "expected lww, crdt or merge, got '%s'", show);
}

int lex_level(const struct lex_tok *t)
{
	return level_by_name(t->s, t->len);
}

/* An optional trailing level, then the end of the line. */
int lex_opt_level(struct lex *c, struct command *out, const char *after)
{
	struct lex_tok t;
	char show[32];

	if (!lex_next(c, &t))
		return 0;
	out->level = lex_level(&t);
	if (out->level < 0) {
		lex_show(&t, show, sizeof show);
		return lex_fail(c, "unexpected '%s' after %s (expected ONE, QUORUM or ALL%s)", show, after,
			    out->kind == CMD_READ ? "; or local, sync, eventual, strong" : "");
	}
	return lex_want_end(c, "the level");
}

