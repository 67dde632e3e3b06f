/* trace.c: every event as one JSON object per line (JSON Lines), with "t"
 * (core time in seconds) and "ev" always first. Numbers are printed exactly
 * (microseconds, trailing zeros trimmed), so one seed gives the same bytes. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "capviz/report.h"

/* Seconds with microsecond precision, trailing zeros trimmed: "1.012". */
static void format_time(char *buf, size_t len, int64_t t_us)
{
	int64_t a = t_us < 0 ? -t_us : t_us;
	int n = snprintf(buf, len, "%s%" PRId64 ".%06" PRId64, t_us < 0 ? "-" : "",
			 a / 1000000, a % 1000000);

	while (n > 0 && buf[n - 1] == '0')
		buf[--n] = '\0';
	if (n > 0 && buf[n - 1] == '.')
		buf[--n] = '\0';
}

static void put_time(FILE *f, const char *name, int64_t t_us)
{
	char buf[40];

	format_time(buf, sizeof buf, t_us);
	fprintf(f, ",\"%s\":%s", name, buf);
}

static void put_str(FILE *f, const char *name, const char *s)
{
	fprintf(f, ",\"%s\":\"", name);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p < 0x20)
			fprintf(f, "\\u%04x", *p);
		else
			fputc(*p, f);
	}
	fputc('"', f);
}

static void put_node(FILE *f, const char *name, int node)
{
	if (node >= 0)
		fprintf(f, ",\"%s\":\"%c\"", name, 'A' + node);
}

/* A value: a number, or a set as an array of its elements' names. */
static void put_value(FILE *f, const struct world *w, int key, int64_t value)
{
	bool first = true;

	if (key < 0 || key >= w->nkeys || w->key_type[key] != KT_SET) {
		fprintf(f, ",\"value\":%" PRId64, value);
		return;
	}
	fputs(",\"value\":[", f);
	for (int e = 0; e < SET_MAX_ELEMS; e++) {
		if (!((uint64_t)value & (1ull << e)))
			continue;
		fprintf(f, "%s\"%s\"", first ? "" : ",", world_elem_name(w, e));
		first = false;
	}
	fputc(']', f);
}

static void put_version(FILE *f, const struct world *w, int key, const struct version *v)
{
	put_value(f, w, key, v->value);
	fprintf(f, ",\"wid\":%" PRIu64, v->wid);
	put_time(f, "ts", v->ts_us);
}

/* A lock operation's end: the outcome, and when granted or queued the
 * token, the holder and the session. */
static void put_lock(FILE *f, const struct op *op)
{
	static const char *const outcomes[] = { "", "granted", "queued", "released", "not-held", "busy",
								"overtaken" };

	put_time(f, "invoke", op->invoke_us);
	put_str(f, "result", op_result_name(op->result));
	if (op->result != RES_OK)
		put_str(f, "error", op->error);
	if (op->lock_outcome && op->lock_outcome < sizeof outcomes / sizeof outcomes[0])
		put_str(f, "outcome", outcomes[op->lock_outcome]);
	if (op->result != RES_OK)
		return;
	fprintf(f, ",\"token\":%" PRIu32, op->token);
	put_node(f, "holder", op->holder);
	if (op->session)
		fprintf(f, ",\"session\":%" PRIu64, op->session);
	if (op->lost)
		fputs(",\"lost\":true", f);
}

/* Why an operation has no valid linearization: "stale":true, the version
 * it missed, the operation that shows it, and the words. */
static void put_flaw(FILE *f, const struct world *w, const struct op *op)
{
	static const char *const flaws[] = { "", "stale", "lost-update", "stale-base", "no-order" };
	char why[400];

	fprintf(f, ",\"stale\":true,\"missed\":%" PRIu64, op->missed_wid);
	if (op->flaw < sizeof flaws / sizeof flaws[0])
		put_str(f, "flaw", flaws[op->flaw]);
	if (op->witness_op)
		fprintf(f, ",\"witness\":%" PRIu64, op->witness_op);
	world_explain(w, op, false, why, sizeof why);
	put_str(f, "why", why);
}

/* What a read-modify-write read before it wrote: "base":{"level":"QUORUM",
 * "from":["B","C"],"value":200,"wid":2} ("value":null when it found none). */
static void put_base(FILE *f, const struct world *w, const struct op *op)
{
	bool first = true;

	fprintf(f, ",\"base\":{\"level\":\"%s\",\"from\":[", level_name(op->level));
	for (int i = 0; i < w->n; i++)
		if (op->rmw_from & (1u << i)) {
			fprintf(f, "%s\"%c\"", first ? "" : ",", 'A' + i);
			first = false;
		}
	fputc(']', f);
	if (op->rmw_found) {
		put_value(f, w, op->key, op->rmw_base);
		fprintf(f, ",\"wid\":%" PRIu64, op->rmw_base_wid);
	} else {
		fputs(",\"value\":null", f);
	}
	fputc('}', f);
}

static void put_op(FILE *f, const struct world *w, const struct op *op, bool done)
{
	fprintf(f, ",\"id\":%" PRIu64, op->id);
	put_node(f, "node", op->node);
	put_str(f, "op", op->txn ? "txn" : op_kind_name(op->kind));
	put_str(f, op_is_lock(op->kind) ? "path" : "key", world_key_name(w, op->key));
	if (op_is_lock(op->kind)) {
		put_str(f, "level", level_name(op->level));
		if (done)
			put_lock(f, op);
		return;
	}
	if (op->kind == OP_SADD || op->kind == OP_SREMOVE)
		put_str(f, "arg", world_elem_name(w, (int)op->arg));
	else if (op->kind != OP_READ)
		fprintf(f, ",\"arg\":%" PRId64, op->arg);
	/* A write's version, once it ended (a write refused before it left
	 * its node gives its number back: it has none). */
	if (op->kind != OP_READ && done && op->wid)
		fprintf(f, ",\"wid\":%" PRIu64, op->wid);
	put_str(f, "level", level_name(op->level));
	if (op->txn) {
		char cond[64];

		snprintf(cond, sizeof cond, "%s%s%" PRId64, world_key_name(w, op->key),
			 inv_op_name((enum inv_op)op->cond_op), op->cond_value);
		put_str(f, "if", cond);
		put_str(f, "change", op->kind == OP_WRITE ? "set" : "add");
	}
	if (!done)
		return;
	put_time(f, "invoke", op->invoke_us);
	if (op->rmw_read)
		put_base(f, w, op);
	put_str(f, "result", op_result_name(op->result));
	if (op->result != RES_OK) {
		put_str(f, "error", op->error);
		if (op->cond_failed)
			fputs(",\"cond_failed\":true", f);
		if (op->stale)
			put_flaw(f, w, op);
		return;
	}
	if (op->kind != OP_READ) {
		put_value(f, w, op->key, op->value);
		if (op->lost)
			fputs(",\"lost\":true", f);
		if (op->stale)
			put_flaw(f, w, op);
		return;
	}
	if (!op->found) {
		fputs(",\"value\":null", f);
		return;
	}
	put_value(f, w, op->key, op->value);
	fprintf(f, ",\"wid\":%" PRIu64, op->wid);
	if (op->stale)
		put_flaw(f, w, op);
	if (op->ryw || op->mono) {
		char why[640];

		if (op->ryw)
			fputs(",\"ryw\":true", f);
		if (op->mono)
			fputs(",\"monotonic\":true", f);
		world_explain_session(w, op, why, sizeof why);
		put_str(f, "session", why);
	}
	if (op->conflict)
		fputs(",\"conflict\":true", f);
}

static void put_msg(FILE *f, const struct msg *m)
{
	fprintf(f, ",\"msg\":%" PRIu64, m->id);
	put_str(f, "kind", msg_kind_name(m->kind));
	put_node(f, "from", m->from);
	put_node(f, "to", m->to);
	put_time(f, "sent", m->sent_us);
	put_time(f, "arrive", m->arrive_us);
}

void trace_event(void *ctx, const struct event *e)
{
	struct trace *t = ctx;
	FILE *f = t->out;
	char t_s[40];

	format_time(t_s, sizeof t_s, e->t_us);
	fprintf(f, "{\"t\":%s", t_s);
	put_str(f, "ev", event_kind_name(e->kind));
	switch (e->kind) {
	case EV_SEND:
	case EV_DELIVER:
	case EV_DROP:
		put_msg(f, e->msg);
		if (e->kind == EV_DROP)
			put_str(f, "why", e->text);
		break;
	case EV_INVOKE:
	case EV_OP:
		put_op(f, t->w, e->op, e->kind == EV_OP);
		if (e->kind == EV_OP && e->op->undecided)
			fputs(",\"undecided\":true", f);
		break;
	case EV_APPLY:
	case EV_HINT:
		put_node(f, "node", e->node);
		put_node(f, "peer", e->peer);
		put_str(f, "key", world_key_name(t->w, e->key));
		put_version(f, t->w, e->key, &e->v);
		break;
	case EV_LINK:
		put_node(f, "from", e->node);
		put_node(f, "to", e->peer);
		fprintf(f, ",\"up\":%s", e->up ? "true" : "false");
		break;
	case EV_ROLE:
		put_node(f, "node", e->node);
		put_str(f, "role", role_name(e->role));
		fprintf(f, ",\"term\":%" PRIu64, e->term);
		break;
	case EV_LOST:
		put_op(f, t->w, e->op, false);
		put_str(f, "why", e->text);
		break;
	case EV_STALE:
		/* The operation as it finished, with the verdict it has now. */
		put_op(f, t->w, e->op, true);
		break;
	case EV_RESOLVE:
	case EV_CONFLICT:
	case EV_INVARIANT:
		put_node(f, "node", e->node);
		put_str(f, "key", world_key_name(t->w, e->key));
		if (e->kind == EV_INVARIANT)
			fprintf(f, ",\"holds\":%s", e->up ? "true" : "false");
		put_str(f, "text", e->text);
		break;
	case EV_EXPECT:
		fprintf(f, ",\"ok\":%s,\"line\":%d", e->up ? "true" : "false", e->line);
		put_str(f, "text", e->text);
		break;
	case EV_HEAL:
		/* A strategy, or why there is none to choose. */
		fprintf(f, ",\"reconciles\":%s", e->up ? "true" : "false");
		if (e->up)
			put_str(f, "strategy", e->text);
		put_str(f, "text", e->text);
		break;
	default:
		put_node(f, "node", e->node);
		put_node(f, "peer", e->peer);
		if (e->line > 0)
			fprintf(f, ",\"line\":%d", e->line);
		if (e->text[0])
			put_str(f, "text", e->text);
		break;
	}
	fputs("}\n", f);
}
