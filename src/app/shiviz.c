/* shiviz.c: --export-shiviz, the run as a log for ShiViz, the space-time
 * visualizer (https://bestchai.bitbucket.io/shiviz/). Each event a node
 * takes part in is two lines: what happened, then the node and its vector
 * clock as JSON ("A {"A":3,"B":1}"). The clocks are computed here, from the
 * world's events alone: the protocols never see them. What the run means
 * for people is the handout's (handout.c). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capviz/export.h"
#include "capviz/report.h"
#include "capviz/session.h"

/* The first line is the parser ShiViz asks for, the second the delimiter
 * of several executions (none): ShiViz reads a file uploaded to it that
 * way (the log starts on the third line), and when the text is pasted
 * instead neither line can match the parser. */
#define SHIVIZ_REGEX "(?<event>.*)\\n(?<host>\\S*) (?<clock>{.*})"

#define SV_TEXT_MAX 768

enum sv_kind { SV_LOCAL, SV_SEND, SV_DELIVER, SV_DROP };

/* One event of the log, before its clock is known. */
struct sv_rec {
	uint64_t seq;           /* the order the run gave it */
	int64_t t_us;
	uint64_t msg;           /* SV_SEND, SV_DELIVER, SV_DROP: the message */
	int node;
	enum sv_kind kind;
	char *text;
};

/* What an append says, to tell a new one from a repeat. */
struct sv_append {
	uint64_t term, prev, commit, read_seq;
	int n;
};

/* A message in flight: its send is held until it arrives or is lost, when
 * it is known whether it is exported. */
struct sv_flight {
	uint64_t id;
	bool append;
	struct sv_append a;
	struct sv_rec send;     /* the send, not yet in the log */
};

/* Per link from>to: the last append exported as it arrived, and as it
 * was lost; the kinds of other messages shown lost to the cut or the
 * crash since the link or an end last changed. */
struct sv_link {
	bool fresh;             /* nothing arrived since the link or an end changed */
	bool fresh_drop;
	struct sv_append got, lost;
	uint32_t lost_kinds;    /* bit k: a message of kind k */
	int64_t reply_owed_us;  /* an exported append reached to then: its reply is exported */
};

struct shiviz {
	char *path;
	FILE *file;
	const struct world *w;
	struct sv_rec *recs;
	size_t nrecs, caprecs;
	uint64_t seq;
	struct sv_flight *fly;
	size_t nfly, capfly;
	struct sv_link link[WORLD_MAX_NODES][WORLD_MAX_NODES];
	bool oom;
};

static void sv_clear(struct shiviz *x)
{
	for (size_t i = 0; i < x->nrecs; i++)
		free(x->recs[i].text);
	for (size_t i = 0; i < x->nfly; i++)
		free(x->fly[i].send.text);
	x->nrecs = 0;
	x->nfly = 0;
	x->seq = 0;
	for (int i = 0; i < WORLD_MAX_NODES; i++)
		for (int j = 0; j < WORLD_MAX_NODES; j++)
			x->link[i][j] = (struct sv_link){ .fresh = true, .fresh_drop = true, .reply_owed_us = -1 };
}

struct shiviz *shiviz_open(const char *path, const struct world *w, char *err, size_t errlen)
{
	struct shiviz *x;

	if (export_path_check(path, "the ShiViz log", "FILE.log", err, errlen) < 0)
		return NULL;
	x = calloc(1, sizeof *x);
	if (!x || !(x->path = strdup(path))) {
		snprintf(err, errlen, "out of memory");
		free(x);
		return NULL;
	}
	/* Created now, so that a path that cannot be written stops the run
	 * before it starts rather than losing it at the end. */
	x->file = fopen(path, "w");
	if (!x->file) {
		snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
		free(x->path);
		free(x);
		return NULL;
	}
	x->w = w;
	sv_clear(x);
	return x;
}

void shiviz_reset(struct shiviz *x)
{
	sv_clear(x);
	x->oom = false;
}

/* --- the events kept --- */

/* Adds r to the log (which takes its text). On failure the text is freed
 * and the log marked incomplete. */
static void sv_push(struct shiviz *x, struct sv_rec *r)
{
	if (!r->text) {
		x->oom = true;
		return;
	}
	if (x->nrecs == x->caprecs) {
		size_t cap = x->caprecs ? 2 * x->caprecs : 256;
		struct sv_rec *grown = realloc(x->recs, cap * sizeof *grown);

		if (!grown) {
			free(r->text);
			x->oom = true;
			return;
		}
		x->recs = grown;
		x->caprecs = cap;
	}
	x->recs[x->nrecs++] = *r;
}

static struct sv_rec sv_make(struct shiviz *x, enum sv_kind kind, int64_t t_us, int node, uint64_t msg,
			    const char *text)
{
	return (struct sv_rec){ x->seq++, t_us, msg, node, kind, strdup(text) };
}

static bool sv_node_ok(const struct shiviz *x, int node)
{
	return node >= 0 && node < x->w->n && node < WORLD_MAX_NODES;
}

static struct sv_flight *sv_find(struct shiviz *x, uint64_t id)
{
	/* Few messages are in flight at once: a linear search is enough. */
	for (size_t i = 0; i < x->nfly; i++)
		if (x->fly[i].id == id)
			return &x->fly[i];
	return NULL;
}

static void sv_forget(struct shiviz *x, struct sv_flight *f)
{
	*f = x->fly[--x->nfly];
}

static struct sv_flight *sv_fly(struct shiviz *x, uint64_t id)
{
	if (x->nfly == x->capfly) {
		size_t cap = x->capfly ? 2 * x->capfly : 32;
		struct sv_flight *grown = realloc(x->fly, cap * sizeof *grown);

		if (!grown) {
			x->oom = true;
			return NULL;
		}
		x->fly = grown;
		x->capfly = cap;
	}
	x->fly[x->nfly] = (struct sv_flight){ .id = id };
	return &x->fly[x->nfly++];
}

/* --- which messages --- */

/* A leader-based cluster sends an append to every follower several times
 * a second: empty (a heartbeat) when the follower has every entry, else the
 * entries it lacks, again and again while it is cut off; and a node that
 * cannot be elected asks for votes again and again. Exported, these would
 * bury the few messages that matter. So:
 * - an append is exported when it tells its receiver something: the first
 *   to arrive on its link since the link changed or an end crashed or
 *   recovered, or one that differs from the last that arrived there (a new
 *   term, other entries, a higher commit index the follower applies up to,
 *   a new round of the read confirmation a linearizable read waits for); a
 *   lost one when it differs from the last lost there;
 * - a reply to an append is exported when it answers an exported append,
 *   or refuses one;
 * - any other message is exported, unless it is lost to a cut link or a
 *   crashed receiver as one of its kind already was, the link and its
 *   ends unchanged since (a loss in transit is always shown).
 * Whether a message is exported is known only when it arrives or is lost
 * (two copies of an append may race), so its send is held until then. */
static struct sv_append sv_append_of(const struct msg *m)
{
	return (struct sv_append){ m->term, m->u.append.prev_index, m->u.append.commit, m->u.append.read_seq,
				   m->u.append.n };
}

static bool sv_same(const struct sv_append *a, const struct sv_append *b)
{
	return a->term == b->term && a->prev == b->prev && a->commit == b->commit && a->read_seq == b->read_seq &&
	       a->n == b->n;
}

/* Decides a held message as it arrives (lost: false) or is lost. */
static bool sv_news(struct shiviz *x, const struct msg *m, const struct sv_flight *f, bool lost)
{
	struct sv_link *l = &x->link[m->from][m->to];
	uint32_t kind = 1u << m->kind;

	if (!f->append && !lost) {
		l->lost_kinds &= ~kind;
		return true;
	}
	if (!f->append) {
		if (x->w->links[m->from][m->to].up && !x->w->nodes[m->to].crashed)
			return true;
		if (l->lost_kinds & kind)
			return false;
		l->lost_kinds |= kind;
		return true;
	}
	if (lost) {
		if (!l->fresh_drop && sv_same(&l->lost, &f->a))
			return false;
		l->fresh_drop = false;
		l->lost = f->a;
		return true;
	}
	if (!l->fresh && sv_same(&l->got, &f->a))
		return false;
	l->fresh = false;
	l->got = f->a;
	return true;
}

static void sv_send(struct shiviz *x, const struct event *e)
{
	const struct msg *m = e->msg;
	char what[SV_TEXT_MAX / 2], text[SV_TEXT_MAX];
	struct sv_link *l;
	struct sv_flight *f;

	if (!sv_node_ok(x, m->from) || !sv_node_ok(x, m->to))
		return;
	l = &x->link[m->from][m->to];
	if (m->kind == MSG_APPEND_REPLY) {
		bool owed = l->reply_owed_us == e->t_us;

		l->reply_owed_us = -1;
		if (!owed && m->ok)
			return;
	}
	shiviz_msg_text(what, sizeof what, x->w, m);
	snprintf(text, sizeof text, "send %s to %c (msg %" PRIu64 ")", what, 'A' + m->to, m->id);
	f = sv_fly(x, m->id);
	if (!f)
		return;
	f->append = m->kind == MSG_APPEND;
	if (f->append)
		f->a = sv_append_of(m);
	f->send = sv_make(x, SV_SEND, e->t_us, m->from, m->id, text);
}

/* An arrival (lost: false) or a loss of a message sent before: true when
 * it is exported, its send now in the log. */
static bool sv_settle(struct shiviz *x, const struct msg *m, struct sv_flight *f, bool lost)
{
	if (!sv_news(x, m, f, lost)) {
		free(f->send.text);
		sv_forget(x, f);
		return false;
	}
	sv_push(x, &f->send);
	return true;
}

static void sv_deliver(struct shiviz *x, const struct event *e)
{
	const struct msg *m = e->msg;
	struct sv_flight *f = sv_find(x, m->id);
	char what[SV_TEXT_MAX / 2], text[SV_TEXT_MAX];
	struct sv_rec r;

	if (!f || !sv_settle(x, m, f, false))
		return;
	sv_forget(x, f);
	/* The follower answers at once: that reply goes with it. */
	if (m->kind == MSG_APPEND)
		x->link[m->to][m->from].reply_owed_us = e->t_us;
	shiviz_msg_text(what, sizeof what, x->w, m);
	snprintf(text, sizeof text, "receive %s from %c (msg %" PRIu64 ")", what, 'A' + m->from, m->id);
	r = sv_make(x, SV_DELIVER, e->t_us, m->to, m->id, text);
	sv_push(x, &r);
}

/* Nobody received a lost message, so nothing is merged; it shows on the
 * sender's line, the message's last known place. */
static void sv_drop(struct shiviz *x, const struct event *e)
{
	const struct msg *m = e->msg;
	struct sv_flight *f = sv_find(x, m->id);
	char what[SV_TEXT_MAX / 2], text[SV_TEXT_MAX];
	struct sv_rec r;

	if (!f || !sv_settle(x, m, f, true))
		return;
	sv_forget(x, f);
	shiviz_msg_text(what, sizeof what, x->w, m);
	snprintf(text, sizeof text, "%s to %c lost: %s (msg %" PRIu64 ")", what, 'A' + m->to, e->text, m->id);
	r = sv_make(x, SV_DROP, e->t_us, m->from, m->id, text);
	sv_push(x, &r);
}

/* A link or one of its ends changed: the next append on it is news, and
 * so is the next loss. */
static void sv_freshen(struct shiviz *x, int from, int to)
{
	x->link[from][to].fresh = true;
	x->link[from][to].fresh_drop = true;
	x->link[from][to].lost_kinds = 0;
}

void shiviz_event(void *ctx, const struct event *e)
{
	struct shiviz *x = ctx;
	char text[SV_TEXT_MAX];
	struct sv_rec r;
	int node;

	switch (e->kind) {
	case EV_SEND:
		sv_send(x, e);
		return;
	case EV_DELIVER:
		sv_deliver(x, e);
		return;
	case EV_DROP:
		sv_drop(x, e);
		return;
	case EV_LINK:
		if (sv_node_ok(x, e->node) && sv_node_ok(x, e->peer))
			sv_freshen(x, e->node, e->peer);
		break;
	case EV_CRASH:
	case EV_RECOVER:
		for (int i = 0; sv_node_ok(x, e->node) && i < WORLD_MAX_NODES; i++) {
			sv_freshen(x, e->node, i);
			sv_freshen(x, i, e->node);
		}
		break;
	default:
		break;
	}
	/* A client operation is its node's event, whatever the event says. */
	if ((e->kind == EV_INVOKE || e->kind == EV_OP) && !e->op)
		return;
	node = e->kind == EV_INVOKE || e->kind == EV_OP ? e->op->node : e->node;
	if (!sv_node_ok(x, node) || !shiviz_event_text(text, sizeof text, x->w, e))
		return;
	r = sv_make(x, SV_LOCAL, e->t_us, node, 0, text);
	sv_push(x, &r);
}

/* --- the log --- */

static int sv_cmp_seq(const void *a, const void *b)
{
	uint64_t x = ((const struct sv_rec *)a)->seq, y = ((const struct sv_rec *)b)->seq;

	return x < y ? -1 : x > y;
}

/* One event: its words on a line (a line break in them would end the
 * event early, so control characters become spaces), then the node and
 * its clock. Only the nodes it has heard from are named: ShiViz takes a
 * host in a clock for one that logs events of its own, and drops zeros. */
static void sv_put(FILE *f, const struct sv_rec *r, const uint32_t *c, int n)
{
	bool first = true;

	fprintf(f, "%.3fs ", r->t_us / 1e6);
	for (const unsigned char *p = (const unsigned char *)r->text; *p; p++)
		fputc(*p < 0x20 || *p == 0x7f ? ' ' : *p, f);
	fprintf(f, "\n%c {", 'A' + r->node);
	for (int i = 0; i < n; i++) {
		if (!c[i])
			continue;
		fprintf(f, "%s\"%c\":%" PRIu32, first ? "" : ",", 'A' + i, c[i]);
		first = false;
	}
	fputs("}\n", f);
}

/* The clocks, in the run's order: every event ticks its node's own entry;
 * a send leaves a copy with its message; an arrival first takes the
 * component-wise maximum of its node's clock and that copy. Returns 0, or
 * -1 when memory ran out. */
static int sv_write(struct shiviz *x, FILE *f)
{
	uint32_t clock[WORLD_MAX_NODES][WORLD_MAX_NODES] = { { 0 } };
	struct { uint64_t id; uint32_t c[WORLD_MAX_NODES]; } *sent = NULL;
	size_t nsent = 0, cap = 0;
	int n = x->w->n < WORLD_MAX_NODES ? x->w->n : WORLD_MAX_NODES;

	qsort(x->recs, x->nrecs, sizeof *x->recs, sv_cmp_seq);
	fprintf(f, "%s\n\n", SHIVIZ_REGEX);
	for (size_t i = 0; i < x->nrecs; i++) {
		const struct sv_rec *r = &x->recs[i];
		uint32_t *c = clock[r->node];

		if (r->kind == SV_DELIVER) {
			for (size_t k = 0; k < nsent; k++) {
				if (sent[k].id != r->msg)
					continue;
				for (int j = 0; j < WORLD_MAX_NODES; j++)
					if (sent[k].c[j] > c[j])
						c[j] = sent[k].c[j];
				sent[k] = sent[--nsent];
				break;
			}
		}
		c[r->node]++;
		if (r->kind == SV_SEND) {
			if (nsent == cap) {
				size_t grown_cap = cap ? 2 * cap : 32;
				void *grown = realloc(sent, grown_cap * sizeof *sent);

				if (!grown) {
					free(sent);
					return -1;
				}
				sent = grown;
				cap = grown_cap;
			}
			sent[nsent].id = r->msg;
			memcpy(sent[nsent++].c, c, sizeof sent->c);
		}
		sv_put(f, r, c, n);
	}
	free(sent);
	return 0;
}

/* The run is over: a message still in flight was sent all the same (an
 * append only repeats what others said, and is left out). */
static void sv_flying(struct shiviz *x)
{
	for (size_t i = 0; i < x->nfly; i++) {
		struct sv_flight *f = &x->fly[i];

		if (!f->append) {
			sv_push(x, &f->send);
			f->send.text = NULL;
		}
	}
}

/* Writes the log to its file and closes it. Returns 0, or -1 with err set. */
static int sv_finish(struct shiviz *x, char *err, size_t errlen)
{
	sv_flying(x);
	if (x->oom || sv_write(x, x->file) < 0) {
		snprintf(err, errlen, "%s: out of memory; the log is incomplete", x->path);
		fclose(x->file);
		return -1;
	}
	if (ferror(x->file) | (fclose(x->file) != 0)) {
		snprintf(err, errlen, "cannot write %s: %s", x->path, strerror(errno));
		return -1;
	}
	return 0;
}

int shiviz_close(struct shiviz *x, const struct session *s, char *err, size_t errlen)
{
	int rc = 0;

	if (!x)
		return 0;
	if (s) {
		rc = sv_finish(x, err, errlen);
	} else {
		/* Nothing ran: leave no empty file behind. */
		fclose(x->file);
		unlink(x->path);
	}
	sv_clear(x);
	free(x->recs);
	free(x->fly);
	free(x->path);
	free(x);
	return rc;
}
