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

static void put_version(FILE *f, const struct world *w, int key, uint64_t wid, bool by_version)
{
	const struct write_rec *wr = history_write(&w->hist, wid);
	char buf[96];

	if (!wid || !wr)
		fputs("nil", f);
	else if (by_version)
		fprintf(f, "%" PRIu64, wid);
	else {
		world_format_value(w, key, wr->value, buf, sizeof buf);
		put_value(f, buf, strlen(buf));
	}
}

/* Times move one microsecond on, so that the first values (written at 0)
 * come before every operation, even one invoked at 0. */
static void put_times(FILE *f, int64_t inv, int64_t ret, bool never)
{
	if (never)
		fprintf(f, " %" PRId64 " inf\n", inv + 1);
	else
		fprintf(f, " %" PRId64 " %" PRId64 "\n", inv + 1, ret + 1);
}

/* What an operation may do as its client knows it: a write of its value,
 * or an add of its delta, under its condition for a txn; one whose outcome
 * is unknown (or that is still pending) never returns. */
static void export_open(FILE *f, const struct world *w, const struct op *op, bool returned, bool cond)
{
	const char *key = world_key_name(w, op->key);

	if (op->kind == OP_ADD) {
		fprintf(f, "i ");
		put_value(f, key, strlen(key));
		fprintf(f, " %" PRId64, op->arg);
	} else {
		char v[96];

		world_format_value(w, op->key, op->arg, v, sizeof v);
		fprintf(f, "w ");
		put_value(f, key, strlen(key));
		fputc(' ', f);
		put_value(f, v, strlen(v));
	}
	if (returned)
		fprintf(f, " %" PRId64 " %" PRId64, op->invoke_at + 1, op->done_at + 1);
	else
		fprintf(f, " %" PRId64 " inf", op->invoke_at + 1);
	if (op->txn && cond)
		fprintf(f, " %s%" PRId64, inv_op_name((enum inv_op)op->cond_op), op->cond_value);
	fputc('\n', f);
}

static void export_op(FILE *f, const struct world *w, const struct op *op, bool by_version, bool judged)
{
	const struct write_rec *wr = op->kind != OP_READ ? history_write(&w->hist, op->wid) : NULL;
	const char *key = world_key_name(w, op->key);
	bool ok = op->result == RES_OK;

	/* A write still under way, or whose outcome is unknown, may have
	 * taken effect: it never returns. One that failed definitely never
	 * took effect: it is no part of the history. */
	if (op->key < 0 || w->key_type[op->key] != KT_INT || (op->result == RES_PENDING && op->kind == OP_READ) ||
	    (op->result == RES_ERROR && !op->cond_failed))
		return;
	if (op->kind == OP_READ || op->cond_failed) {
		uint64_t seen = op->kind == OP_READ ? (op->found ? op->wid : 0) : op->read_wid;

		if (op->cond_failed ? !op->has_read_wid : !ok)
			return;         /* a failed read tells nothing; a refused txn read its condition */
		if (op->kind == OP_READ && op->found && history_write(&w->hist, seen) &&
		    history_write(&w->hist, seen)->value != op->value) {
			/* As the online checker: a merge is no register's value. */
			fprintf(f, "# read #%" PRIu64 " of %s at %c returned a value merged from several versions "
				"(crdt or merge): no register write made it, left out\n", op->id, key, 'A' + op->node);
			return;
		}
		if (judged && op->stale) {
			fprintf(f, "# read #%" PRIu64 " of %s at %c: flagged, left out\n", op->id, key, 'A' + op->node);
			return;
		}
		fprintf(f, "r %s ", key);
		put_version(f, w, op->key, seen, by_version);
		put_times(f, op->invoke_at, op->done_at, false);
		return;
	}
	if (!wr)
		return;
	if (!by_version && (!ok || (!wr->rmw && op->kind != OP_WRITE))) {
		/* Unknown, or an update built on no single version (a counter
		 * under crdt or merge): what its client asked for; flagged, its
		 * change at any time, with no condition. */
		export_open(f, w, op, ok && !(judged && op->stale), !(judged && op->stale));
		return;
	}
	if (!ok) {
		/* By write id, as the check by write id sees it: the version
		 * that may have taken effect, built on its base when known. */
		if (wr->rmw) {
			fprintf(f, "c %s ", key);
			put_version(f, w, op->key, wr->base_wid, true);
			fputc(':', f);
			put_version(f, w, op->key, wr->wid, true);
			fputs(":unknown", f);
		} else if (op->kind == OP_WRITE) {
			fprintf(f, "w %s ", key);
			put_version(f, w, op->key, wr->wid, true);
		} else {
			return;
		}
		put_times(f, op->invoke_at, op->done_at, true);
		return;
	}
	if (!wr->rmw || (judged && op->stale)) {
		/* A write, an update applied on no single version (a counter
		 * under crdt or merge: judged as a write of the value it made),
		 * or a flagged one left out: its value, at any time after. */
		fprintf(f, "w %s ", key);
		put_version(f, w, op->key, wr->wid, by_version);
		put_times(f, op->invoke_at, op->done_at, judged && op->stale);
		return;
	}
	/* An add or a txn: a compare-and-set from the version it built on. */
	fprintf(f, "c %s ", key);
	put_version(f, w, op->key, wr->base_wid, by_version);
	fputc(':', f);
	put_version(f, w, op->key, wr->wid, by_version);
	fprintf(f, ":ok");
	put_times(f, op->invoke_at, op->done_at, false);
}

/* A first value, or a value a heal merged: a write no client made. */
static void export_system_write(FILE *f, const struct world *w, const struct write_rec *wr, bool by_version)
{
	if (wr->op || wr->key < 0 || w->key_type[wr->key] != KT_INT || wr->result != RES_OK)
		return;
	fprintf(f, "w %s ", world_key_name(w, wr->key));
	put_version(f, w, wr->key, wr->wid, by_version);
	if (wr->invoke_at < 0)
		fputs(" 0 0\n", f);
	else
		put_times(f, wr->invoke_at, wr->done_at, false);
}

static int write_history(const struct world *w, FILE *f, bool by_version, bool judged)
{
	size_t next = 0;

	/* In time order: each system write before the operations invoked after it. */
	for (size_t i = 0; i < w->hist.nops; i++) {
		const struct op *op = &w->hist.ops[i];

		for (; next < w->hist.nwrites && w->hist.writes[next].invoke_us <= op->invoke_at; next++)
			export_system_write(f, w, &w->hist.writes[next], by_version);
		export_op(f, w, op, by_version, judged);
	}
	for (; next < w->hist.nwrites; next++)
		export_system_write(f, w, &w->hist.writes[next], by_version);
	return ferror(f) ? -1 : 0;
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
