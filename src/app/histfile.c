/* histfile.c: histories as text, one operation a line, in the format of
 * porcupine's converted test histories (../shared/testdata/porcupine):
 *
 *     <op> <key> <value> <invoke> <return>
 *
 * op r (read; value nil when never written), w (write), c (compare-and-set,
 * value from:to:ok|fail|unknown) or a (append); values bare or in single
 * quotes; return inf for an operation that never returned. A file is read
 * once, whole (a pipe gives its bytes once); lines end at LF, CRLF or a lone
 * CR. --check-history reads one and checks it (histcheck.c, wgl.c);
 * --history writes a run's in it. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capviz/app.h"
#include "capviz/histfile.h"
#include "capviz/histwgl.h"
#include "capviz/infile.h"
#include "capviz/world.h"

#define LINE_MAX_LEN 4096     /* a line's bytes, its end not counted, and a NUL */
#define LINE_MAX_TEXT "4095"
#define NUL_TEXT "a NUL byte: a history is text, one operation a line"

struct cursor {
	const char *p;
};

static void skip_space(struct cursor *c)
{
	while (*c->p == ' ' || *c->p == '\t')
		c->p++;
}

/* The next token, bare or quoted ('' is empty; \' and \\ escape inside);
 * its bytes in out. Returns its length, or -1 when there is none or a
 * quote is not closed (*why says which). */
static long token(struct cursor *c, char *out, size_t size, const char **why)
{
	size_t n = 0;

	skip_space(c);
	if (!*c->p || *c->p == '\n' || *c->p == '\r') {
		*why = "missing";
		return -1;
	}
	if (*c->p != '\'') {
		while (*c->p && *c->p != ' ' && *c->p != '\t' && *c->p != '\n' && *c->p != '\r') {
			if (n + 1 >= size) {
				*why = "too long";
				return -1;
			}
			out[n++] = *c->p++;
		}
		out[n] = '\0';
		return (long)n;
	}
	c->p++;
	while (*c->p != '\'') {
		if (!*c->p || *c->p == '\n') {
			*why = "a quote that is not closed";
			return -1;
		}
		if (*c->p == '\\' && (c->p[1] == '\'' || c->p[1] == '\\'))
			c->p++;
		if (n + 1 >= size) {
			*why = "too long";
			return -1;
		}
		out[n++] = *c->p++;
	}
	c->p++;
	out[n] = '\0';
	return (long)n;
}

static int parse_time(const char *s, bool inf_ok, int64_t *out)
{
	char *end;
	long long v;

	if (inf_ok && strcmp(s, "inf") == 0) {
		*out = WGL_NEVER;
		return 0;
	}
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || end == s || *end || v == WGL_NEVER)
		return -1;
	*out = v;
	return 0;
}

/* A compare-and-set's value: from:to:ok|fail|unknown. */
static int parse_cas(struct wgl_history *h, struct wgl_op *op, char *v, const char **why)
{
	char *last = strrchr(v, ':'), *mid;

	*why = "expected a compare-and-set as from:to:ok|fail|unknown (values without ':')";
	if (!last)
		return -1;
	*last = '\0';
	mid = strchr(v, ':');
	if (!mid || strchr(mid + 1, ':'))
		return -1;      /* 1:2:3:ok: which is the from, which the to? */
	*mid = '\0';
	if (strcmp(last + 1, "ok") == 0)
		op->cas = WGL_CAS_OK;
	else if (strcmp(last + 1, "fail") == 0)
		op->cas = WGL_CAS_FAIL;
	else if (strcmp(last + 1, "unknown") == 0)
		op->cas = WGL_CAS_UNKNOWN;
	else
		return -1;
	*why = "out of memory";
	op->from = wgl_intern(&h->values, strcmp(v, "nil") ? v : "", strcmp(v, "nil") ? strlen(v) : 0);
	op->value = wgl_intern(&h->values, mid + 1, strlen(mid + 1));
	return op->from < 0 || op->value < 0 ? -1 : 0;
}

/* A condition on the value, as capviz writes a conditional change whose
 * outcome is unknown: >=50, >50, <=50, <50, ==50 or !=50. */
static int parse_cond(struct wgl_op *op, const char *s)
{
	static const char *const ops[] = { ">=", "<=", "==", "!=", ">", "<" };
	static const enum inv_op codes[] = { INV_GE, INV_LE, INV_EQ, INV_NE, INV_GT, INV_LT };
	int64_t bound;

	for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
		size_t n = strlen(ops[i]);

		if (strncmp(s, ops[i], n) != 0)
			continue;
		if (parse_time(s + n, false, &bound) < 0)
			return -1;
		op->has_cond = true;
		op->cond_op = (uint8_t)codes[i];
		op->cond_value = bound;
		return 0;
	}
	return -1;
}

/* One line into an operation. Returns 0, 1 for a line with none (blank or
 * a # comment), -1 with *why. */
static int parse_line(struct wgl_history *h, const char *line, int lineno, const char **why)
{
	struct cursor c = { line };
	char kind[8], key[256], inv[32], ret[32], cond[32], extra[8];
	char *value = malloc(LINE_MAX_LEN);
	struct wgl_op *op;
	long len;
	int rc = -1;

	if (!value) {
		*why = "out of memory";
		return -1;
	}
	skip_space(&c);
	if (!*c.p || *c.p == '\n' || *c.p == '\r' || *c.p == '#') {
		free(value);
		return 1;
	}
	*why = "expected <op> <key> <value> <invoke> <return>";
	if (token(&c, kind, sizeof kind, why) < 0 || token(&c, key, sizeof key, why) < 0 ||
	    (len = token(&c, value, LINE_MAX_LEN, why)) < 0 || token(&c, inv, sizeof inv, why) < 0 ||
	    token(&c, ret, sizeof ret, why) < 0) {
		if (strcmp(*why, "missing") == 0)
			*why = "expected 5 fields: <op> <key> <value> <invoke> <return>";
		goto out;
	}
	cond[0] = '\0';
	if ((kind[0] == 'w' || kind[0] == 'i') && token(&c, cond, sizeof cond, why) < 0)
		cond[0] = '\0';
	if (token(&c, extra, sizeof extra, why) >= 0) {
		*why = kind[0] == 'w' || kind[0] == 'i' ? "expected 5 fields and a condition at most, found more" :
			"expected 5 fields, found more";
		goto out;
	}
	op = wgl_add(h);
	if (!op) {
		*why = "out of memory";
		goto out;
	}
	op->line = lineno;
	if (strlen(kind) != 1 || !strchr("rwcai", kind[0])) {
		*why = "expected an operation r, w, c, a or i";
		goto out;
	}
	op->kind = kind[0] == 'r' ? WGL_READ : kind[0] == 'w' ? WGL_WRITE : kind[0] == 'c' ? WGL_CAS :
		   kind[0] == 'i' ? WGL_ADD : WGL_APPEND;
	if (cond[0] && parse_cond(op, cond) < 0) {
		*why = "expected a condition such as >=50 after the return time";
		goto out;
	}
	if (parse_time(inv, false, &op->inv) < 0) {
		*why = "expected the invoke time as an integer";
		goto out;
	}
	if (parse_time(ret, true, &op->ret) < 0) {
		*why = "expected the return time as an integer or inf";
		goto out;
	}
	if (op->ret < op->inv) {
		*why = "it returns before it is invoked";
		goto out;
	}
	op->key = wgl_intern(&h->keys, key, strlen(key));
	if (op->kind == WGL_CAS) {
		if (parse_cas(h, op, value, why) < 0)
			goto out;
	} else if (op->kind == WGL_ADD) {
		if (parse_time(value, false, &op->delta) < 0) {
			*why = "expected what an add adds, as an integer";
			goto out;
		}
		op->value = 0;
	} else {
		bool nil = op->kind == WGL_READ && strcmp(value, "nil") == 0;

		if (op->kind != WGL_READ && strcmp(value, "nil") == 0) {
			*why = "nil is what a read of a key never written returns, not a value to write or append";
			goto out;
		}
		op->value = wgl_intern(&h->values, value, nil ? 0 : (size_t)len);
	}
	if (op->key < 0 || op->value < 0) {
		*why = "out of memory";
		goto out;
	}
	rc = 0;
out:
	free(value);
	return rc;
}

/* Checks the size of buf (len bytes, read whole), parses it and frees it.
 * Past the limit, a line before it that is no text is said first
 * (/dev/zero holds NULs before it is too big). */
static int parse_read(struct wgl_history *h, char *buf, size_t len, const char *name, char *err, size_t errlen)
{
	int big = infile_size(name, buf, len, HISTFILE_MAX_BYTES, "a history", err, errlen), rc = -1;

	if (!big) {
		rc = histfile_parse_buf(h, buf, len, name, err, errlen);
	} else {
		char *nul = memchr(buf, '\0', HISTFILE_MAX_BYTES);
		int line = 1;

		for (const char *p = buf; nul && p < nul; p++)
			line += *p == '\n' || (*p == '\r' && p[1] != '\n');
		if (nul && line <= big)
			snprintf(err, errlen, "%s:%d: %s", name, line, NUL_TEXT);
		wgl_init(h);
	}
	free(buf);
	return rc;
}

int histfile_read(struct wgl_history *h, const char *path, char *err, size_t errlen)
{
	char *buf;
	size_t len;

	if (infile_read(path, HISTFILE_MAX_BYTES, &buf, &len, err, errlen) < 0) {
		wgl_init(h);
		return -1;
	}
	return parse_read(h, buf, len, strcmp(path, "-") == 0 ? "stdin" : path, err, errlen);
}

int histfile_parse(struct wgl_history *h, FILE *f, const char *path, char *err, size_t errlen)
{
	size_t cap = 65536, len = 0, n;
	char *buf = malloc(cap + 1), *grown;

	/* Read whole first, as histfile_read does: one way to split lines. */
	while (buf && (n = fread(buf + len, 1, cap - len, f)) > 0) {
		len += n;
		if (len > HISTFILE_MAX_BYTES)
			break;
		if (len == cap && (grown = realloc(buf, cap * 2 + 1)) == NULL) {
			free(buf);
			buf = NULL;
		} else if (len == cap) {
			buf = grown;
			cap *= 2;
		}
	}
	if (!buf || ferror(f)) {
		wgl_init(h);
		snprintf(err, errlen, "%s: %s", path, buf ? "cannot read it" : "out of memory");
		free(buf);
		return -1;
	}
	buf[len] = '\0';
	return parse_read(h, buf, len, path, err, errlen);
}

/* Where the line at start ends: at "\n", "\r\n" or a lone "\r" (as old Macs
 * and some tools end lines), or at the end of buf. Returns where the next
 * line starts; *n is the line's length without its end. */
static size_t next_line(const char *buf, size_t len, size_t start, size_t *n)
{
	size_t end = start;

	while (end < len && buf[end] != '\n' && buf[end] != '\r')
		end++;
	*n = end - start;
	if (end + 1 < len && buf[end] == '\r' && buf[end + 1] == '\n')
		return end + 2;
	return end < len ? end + 1 : len;
}

/* What keeps a line from being read as text: its length, a NUL, a byte
 * order mark past the file's start. NULL when nothing does. */
static const char *line_problem(const char *s, size_t n)
{
	if (n > LINE_MAX_LEN - 1)
		return "the line is longer than " LINE_MAX_TEXT " bytes";
	if (memchr(s, '\0', n))
		return NUL_TEXT;
	for (size_t i = 0; i + 3 <= n; i++)
		if (memcmp(s + i, "\xef\xbb\xbf", 3) == 0)
			return "a byte order mark (U+FEFF) past the start of the file: only the first bytes may "
			       "hold one; remove it";
	return NULL;
}

int histfile_parse_buf(struct wgl_history *h, const char *buf, size_t len, const char *name, char *err,
		       size_t errlen)
{
	char *line = NULL;
	int lineno = 0;
	size_t pos = 0;

	if (wgl_init(h) < 0 || !(line = malloc(LINE_MAX_LEN))) {
		snprintf(err, errlen, "%s: out of memory", name);
		free(line);
		return -1;
	}
	/* A UTF-8 byte order mark, as scenario and theme files may start with. */
	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
		pos = 3;
	while (pos < len) {
		const char *why;
		size_t start = pos, n;

		pos = next_line(buf, len, start, &n);
		lineno++;
		why = line_problem(buf + start, n);
		if (!why) {
			memcpy(line, buf + start, n);
			line[n] = '\0';
		}
		if (why || parse_line(h, line, lineno, &why) < 0) {
			snprintf(err, errlen, "%s:%d: %s", name, lineno, why);
			free(line);
			return -1;
		}
	}
	free(line);
	return 0;
}

/* A value as the format writes it: bare when it can be, else quoted. */
static void put_value(FILE *f, const char *s, size_t len)
{
	bool bare = len > 0;

	for (size_t i = 0; i < len && bare; i++)
		bare = s[i] > ' ' && s[i] != '\'' && s[i] != '\\' && s[i] != 127;
	if (bare) {
		fwrite(s, 1, len, f);
		return;
	}
	fputc('\'', f);
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\'' || s[i] == '\\')
			fputc('\\', f);
		fputc(s[i], f);
	}
	fputc('\'', f);
}

void histfile_format_op(const struct wgl_history *h, const struct wgl_op *op, FILE *f)
{
	const struct wgl_strings *v = &h->values;

	fprintf(f, "%c ", "rwcai"[op->kind]);
	put_value(f, h->keys.s[op->key], h->keys.len[op->key]);
	fputc(' ', f);
	if (op->kind == WGL_CAS) {
		if (v->len[op->from])
			fwrite(v->s[op->from], 1, v->len[op->from], f);
		else
			fputs("nil", f);
		fprintf(f, ":%s:%s", v->s[op->value], op->cas == WGL_CAS_OK ? "ok" : op->cas == WGL_CAS_FAIL ? "fail" : "unknown");
	} else if (op->kind == WGL_READ && op->value == 0) {
		fputs("nil", f);
	} else if (op->kind == WGL_ADD) {
		fprintf(f, "%" PRId64, op->delta);
	} else {
		put_value(f, v->s[op->value], v->len[op->value]);
	}
	fprintf(f, " %" PRId64 " ", op->inv);
	if (op->ret == WGL_NEVER)
		fputs("inf", f);
	else
		fprintf(f, "%" PRId64, op->ret);
	if (op->has_cond)
		fprintf(f, " %s%" PRId64, inv_op_name((enum inv_op)op->cond_op), op->cond_value);
}

/* --- a run's history, written out --- */

struct writer {
	FILE *f;
	const struct wgl_history *h;
	size_t done;            /* operations of h written so far */
};

static void flush_ops(struct writer *wr)
{
	for (; wr->done < wr->h->n; wr->done++) {
		histfile_format_op(wr->h, &wr->h->ops[wr->done], wr->f);
		fputc('\n', wr->f);
	}
}

/* A read left out, said where it would have been. */
static void left_out(void *ctx, const struct world *w, const struct op *op, enum histwgl_left why)
{
	struct writer *wr = ctx;
	const char *key = world_key_name(w, op->key);

	flush_ops(wr);
	if (why == HISTWGL_MERGED)
		fprintf(wr->f, "# read #%" PRIu64 " of %s at %c returned a value merged from several versions "
			"(crdt or merge): no register write made it, left out\n", op->id, key, 'A' + op->node);
	else
		fprintf(wr->f, "# read #%" PRIu64 " of %s at %c: flagged, left out\n", op->id, key, 'A' + op->node);
}

static int write_history(const struct world *w, FILE *f, bool by_version, bool judged)
{
	struct wgl_history h;
	struct writer wr = { f, &h, 0 };
	struct histwgl_opts o = { by_version, judged, -1, left_out, &wr };
	int rc;

	if (wgl_init(&h) < 0)
		return -1;
	rc = histwgl_build(&h, w, &o);
	flush_ops(&wr);
	wgl_free(&h);
	return rc < 0 || ferror(f) ? -1 : 0;
}

int histfile_write(const struct world *w, FILE *f, bool by_version)
{
	return write_history(w, f, by_version, false);
}

int histfile_write_judged(const struct world *w, FILE *f)
{
	return write_history(w, f, false, true);
}

int app_write_history(const struct world *w, const char *path)
{
	FILE *f = strcmp(path, "-") == 0 ? stdout : fopen(path, "w");
	int rc;

	if (!f) {
		fprintf(stderr, "capviz: cannot write the history to %s: %s\n", path, strerror(errno));
		return -1;
	}
	rc = histfile_write(w, f, false);
	if (f == stdout ? fflush(f) != 0 : fclose(f) != 0)
		rc = -1;
	if (rc < 0)
		fprintf(stderr, "capviz: cannot write the history to %s\n", path);
	return rc;
}
