/* handout.c: --export FILE.md, a Markdown handout of one run for a student
 * to take home: the scenario and its settings, its timeline as written,
 * the captions, every request with its outcome and what the checker said,
 * the scoreboard, the expectations, and the transcript exactly as
 * `capviz -H` prints it. It is a reader of the session's events (for the
 * transcript, the captions and the expectations) and reads the rest from
 * the session when the run ends. Plain Markdown: no HTML. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capviz/export.h"
#include "capviz/report.h"
#include "capviz/score.h"
#include "capviz/session.h"

/* The Makefile gives the version; a compiler run by hand may not. */
#ifndef CAPVIZ_VERSION
#define CAPVIZ_VERSION "(unknown)"
#endif

/* A caption, a pause, an expectation checked, an invariant broken or kept
 * again, or a write lost, kept in the order the run gave them. */
struct ho_note {
	enum event_kind kind;   /* EV_SAY, EV_PAUSE, EV_EXPECT, EV_INVARIANT or EV_LOST */
	int64_t t_us;
	int line;
	bool held;              /* EV_EXPECT, EV_INVARIANT */
	uint64_t op;            /* EV_LOST: the operation */
	char *text;
};

/* How the run started: what the transcript's first lines and the settings
 * say, taken before anything could change it. */
struct ho_start {
	int n;
	enum mode mode;
	enum preset preset;
	uint64_t seed;
	enum strategy strategy;
	char rule[256];
	char promise[512];
	char cls[160];          /* the class beside the seed's row: world_class_text */
	char head_preset[96];   /* the transcript's opening: transcript_preset */
	char head_rules[1024];  /* and transcript_rules */
	char detector[256];     /* the failure detector's setting, when it acts */
	bool detector_acts;
};

struct handout {
	char *path;
	FILE *file;
	const struct world *w;
	struct ho_start start;
	FILE *tbuf;             /* the transcript, in memory until the end */
	char *ttext;
	size_t tlen;
	struct transcript t;
	bool staging;           /* the first values are being put in place */
	int typed;              /* commands typed during the run, not the scenario's */
	struct ho_note *notes;
	size_t nnotes, capnotes;
	bool oom;
};

static void ho_take_start(struct handout *h)
{
	const struct world *w = h->w;

	h->start.n = w->n;
	h->start.mode = w->mode;
	h->start.preset = w->preset;
	h->start.seed = w->seed;
	h->start.strategy = w->strategy;
	world_rule_text(w, false, h->start.rule, sizeof h->start.rule);
	world_promise(w, false, h->start.promise, sizeof h->start.promise);
	world_class_text(w, false, h->start.cls, sizeof h->start.cls);
	transcript_preset(h->start.head_preset, sizeof h->start.head_preset, w);
	transcript_rules(h->start.head_rules, sizeof h->start.head_rules, w);
	h->start.detector_acts = world_detector_text(w, h->start.detector, sizeof h->start.detector);
}

/* Starts an empty transcript in memory. Returns 0, or -1 when memory ran out. */
static int ho_begin(struct handout *h)
{
	h->ttext = NULL;
	h->tlen = 0;
	h->tbuf = open_memstream(&h->ttext, &h->tlen);
	h->t = (struct transcript){ .out = h->tbuf, .w = h->w };
	h->staging = true;
	h->typed = 0;
	return h->tbuf ? 0 : -1;
}

static void ho_end(struct handout *h)
{
	if (h->tbuf)
		fclose(h->tbuf);
	free(h->ttext);
	h->tbuf = NULL;
	h->ttext = NULL;
	for (size_t i = 0; i < h->nnotes; i++)
		free(h->notes[i].text);
	h->nnotes = 0;
}

struct handout *handout_open(const char *path, const struct world *w, char *err, size_t errlen)
{
	struct handout *h;

	if (export_path_check(path, "the handout", "FILE.md", err, errlen) < 0)
		return NULL;
	h = calloc(1, sizeof *h);
	if (!h || !(h->path = strdup(path))) {
		snprintf(err, errlen, "out of memory");
		free(h);
		return NULL;
	}
	h->w = w;
	if (ho_begin(h) < 0) {
		snprintf(err, errlen, "out of memory");
		free(h->path);
		free(h);
		return NULL;
	}
	/* Created now, so that a path that cannot be written stops the run
	 * before it starts rather than losing it at the end. */
	h->file = fopen(path, "w");
	if (!h->file) {
		snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
		ho_end(h);
		free(h->path);
		free(h);
		return NULL;
	}
	ho_take_start(h);
	return h;
}

void handout_reset(struct handout *h)
{
	ho_end(h);
	h->oom = ho_begin(h) < 0;
	ho_take_start(h);
}

/* session_start puts the first values on the replicas, at time 0 and
 * before any request; the headless driver prints the "start" line after
 * that. Anything else (a step, a message, an election) ends the stage. */
static bool ho_stage_event(const struct handout *h, const struct event *e)
{
	if (e->t_us != 0 || h->w->hist.nops)
		return false;
	switch (e->kind) {
	case EV_APPLY:
	case EV_CONFLICT:
	case EV_INVARIANT:
	case EV_NOTE:
	case EV_CONFIG:
		return true;
	default:
		return false;
	}
}

static void ho_keep(struct handout *h, const struct event *e)
{
	struct ho_note *n;

	if (h->nnotes == h->capnotes) {
		size_t cap = h->capnotes ? 2 * h->capnotes : 32;
		struct ho_note *grown = realloc(h->notes, cap * sizeof *grown);

		if (!grown) {
			h->oom = true;
			return;
		}
		h->notes = grown;
		h->capnotes = cap;
	}
	n = &h->notes[h->nnotes];
	*n = (struct ho_note){ e->kind, e->t_us, e->line, e->up, e->op ? e->op->id : 0, strdup(e->text) };
	if (!n->text) {
		h->oom = true;
		return;
	}
	h->nnotes++;
}

void handout_event(void *ctx, const struct event *e)
{
	struct handout *h = ctx;

	if (!h->tbuf)
		return;
	if (h->staging && !ho_stage_event(h, e)) {
		h->staging = false;
		transcript_state(&h->t, "start");
	}
	transcript_event(&h->t, e);
	if (e->kind == EV_COMMAND && e->line <= 0)
		h->typed++;
	if (e->kind == EV_SAY || e->kind == EV_PAUSE || e->kind == EV_EXPECT || e->kind == EV_INVARIANT ||
	    (e->kind == EV_LOST && e->op))
		ho_keep(h, e);
}

static const char *ho_name(const struct session *s)
{
	return s->sc.name[0] ? s->sc.name : s->label;
}

/* --- the sections --- */

static void ho_values(FILE *f, const struct scenario *sc)
{
	if (!sc->ninit) {
		fputs("none", f);
		return;
	}
	for (int i = 0; i < sc->ninit; i++) {
		const struct scenario_init *in = &sc->init[i];

		fprintf(f, "%s", i ? ", " : "");
		md_text(f, in->key);
		if (!in->is_set) {
			fprintf(f, "=%" PRId64, in->value);
			continue;
		}
		fputs("={", f);
		for (int j = 0; j < in->set.n; j++) {
			fputs(j ? ", " : "", f);
			md_text(f, in->set.names[j]);
		}
		fputc('}', f);
	}
}

static void ho_settings(FILE *f, const struct handout *h, const struct session *s)
{
	const struct ho_start *st = &h->start;
	const struct world *w = &s->w;

	fputs("## Settings\n\n- **Scenario:** ", f);
	md_text(f, ho_name(s));
	if (strcmp(s->label, ho_name(s)) != 0) {
		fputs(" (", f);
		md_text(f, s->label);
		fputc(')', f);
	}
	fprintf(f, "\n- **Nodes:** %d (", st->n);
	for (int i = 0; i < st->n; i++)
		fprintf(f, "%s%c", i ? ", " : "", 'A' + i);
	fputs(")\n", f);
	if (st->preset != PRESET_NONE)
		fprintf(f, "- **Preset:** %s, PACELC class %s (mode %s)\n", preset_name(st->preset), st->cls,
			mode_name(st->mode));
	else
		fprintf(f, "- **Mode:** %s\n", mode_name(st->mode));
	fputs("- **In a partition:** ", f);
	md_text(f, st->promise);
	fprintf(f, "\n- **Seed:** %" PRIu64 "\n", st->seed);
	if (st->rule[0]) {
		fputs("- **R + W > N?** ", f);
		md_text(f, st->rule);
		fputc('\n', f);
	}
	if (st->detector_acts) {
		fputs("- **Failure detector:** ", f);
		md_text(f, st->detector);
		fputc('\n', f);
	}
	if (st->mode == MODE_AP)
		fprintf(f, "- **Reconciliation:** %s\n", strategy_name(s->sc.strategy >= 0 ?
			(enum strategy)s->sc.strategy : st->strategy));
	fputs("- **First values:** ", f);
	ho_values(f, &s->sc);
	fputc('\n', f);
	for (int i = 0; i < s->sc.ninvariants; i++) {
		const struct scenario_invariant *inv = &s->sc.invariants[i];

		fprintf(f, "%s", i ? ", " : "- **Invariants:** ");
		md_text(f, inv->key);
		fprintf(f, " %s %" PRId64 "%s", inv_op_name((enum inv_op)inv->op), inv->value,
			i + 1 == s->sc.ninvariants ? "\n" : "");
	}
	if (w->preset != st->preset || w->mode != st->mode)
		fprintf(f, "- **At the end:** %s %s (the run switched; the transcript says when)\n",
			w->preset != PRESET_NONE ? "preset" : "mode",
			w->preset != PRESET_NONE ? preset_name(w->preset) : mode_name(w->mode));
	fputc('\n', f);
}

static void ho_timeline(FILE *f, const struct session *s)
{
	const struct scenario *sc = &s->sc;
	int ticks = 0;

	fputs("## Timeline\n\n", f);
	if (!sc->nsteps) {
		fputs("The scenario has no timeline: the run was driven by hand (the transcript below has "
		      "every command).\n\n", f);
		return;
	}
	fputs("The scenario's steps as written, each with the time it is due (relative times added up; "
	      "a waiting `expect last` or a `wait` moves the later steps, and the transcript has the "
	      "times they ran).\n\n", f);
	for (size_t i = 0; i < sc->nsteps; i++) {
		int t = md_ticks(sc->steps[i].src, strlen(sc->steps[i].src));

		if (t >= ticks)
			ticks = t + 1;
	}
	md_fence(f, ticks, "text");
	fprintf(f, "%4s  %-9s %s\n", "line", "time", "command");
	for (size_t i = 0; i < sc->nsteps; i++) {
		const struct scenario_step *st = &sc->steps[i];
		char at[32];

		scenario_format_time(st->at_us, at, sizeof at);
		fprintf(f, "%4d  %-9s %s\n", st->line, at, st->src);
	}
	md_fence(f, ticks, "");
	fputc('\n', f);
}

static void ho_captions(FILE *f, const struct handout *h)
{
	bool any = false;

	fputs("## Captions\n\n", f);
	for (size_t i = 0; i < h->nnotes; i++) {
		const struct ho_note *n = &h->notes[i];

		if (n->kind != EV_SAY && n->kind != EV_PAUSE)
			continue;
		fprintf(f, "- **%.3fs**%s: ", n->t_us / 1e6, n->kind == EV_PAUSE ? " (pause)" : "");
		md_text(f, n->kind == EV_PAUSE && !n->text[0] ? "the presenter would press space" : n->text);
		fputc('\n', f);
		any = true;
	}
	fputs(any ? "\n" : "The run had no captions.\n\n", f);
}

/* "write balance=500 [QUORUM]": the transcript's words for a request,
 * without its number and node, which have columns of their own. */
static void ho_request(char *buf, size_t len, const struct world *w, const struct op *op)
{
	char full[1024], *head = full, *at, pat[8];

	report_op(full, sizeof full, w, op);
	full[strcspn(full, ":")] = '\0';
	if (*head == '#' && strchr(head, ' '))
		head = strchr(head, ' ') + 1;
	snprintf(pat, sizeof pat, " at %c [", 'A' + op->node);
	at = strstr(head, pat);
	if (at)
		memmove(at, at + 5, strlen(at + 5) + 1);
	snprintf(buf, len, "%s", head);
}

/* "ok, 100 (v1)", "error: no quorum...". */
static void ho_outcome(char *buf, size_t len, const struct world *w, const struct op *op)
{
	char val[96], res[160];

	world_format_value(w, op->key, op->value, val, sizeof val);
	if (op->result == RES_PENDING) {
		snprintf(buf, len, "still pending at the end");
	} else if (op->result == RES_ERROR) {
		snprintf(buf, len, "error: %s", op->error);
	} else if (op->result == RES_UNKNOWN) {
		snprintf(buf, len, "unknown, it may have been applied: %s", op->error);
	} else if (op_is_lock(op->kind)) {
		world_lock_result(w, op, res, sizeof res);
		snprintf(buf, len, "ok, %s", res);
	} else if (op->kind != OP_READ) {
		snprintf(buf, len, "ok, %s=%s (v%" PRIu64 ")", world_key_name(w, op->key), val, op->wid);
	} else if (!op->found) {
		snprintf(buf, len, "ok, not found");
	} else {
		snprintf(buf, len, "ok, %s (v%" PRIu64 ")%s", val, op->wid,
			 op->conflict ? ", from concurrent versions" : "");
	}
}

/* What the consistency checker said of op, with why: the words of the
 * transcript and of the screen's list of flaws. */
static void ho_checker(FILE *f, const struct handout *h, const struct world *w, const struct op *op)
{
	char why[1024];
	bool said = false;

	if (op->stale) {
		fputs(op->flaw == FLAW_LOST_UPDATE ? "**LOST UPDATE**: " :
		      op->flaw == FLAW_STALE_BASE && op->kind != OP_READ ? "**STALE BASE**: " : "**STALE**: ", f);
		world_explain(w, op, false, why, sizeof why);
		md_text(f, why);
		said = true;
	}
	if (op->lost) {
		const char *text = "an acknowledged write that a heal discarded";

		for (size_t i = 0; i < h->nnotes; i++)
			if (h->notes[i].kind == EV_LOST && h->notes[i].op == op->id)
				text = h->notes[i].text;
		fputs(said ? "; **LOST**: " : "**LOST**: ", f);
		md_text(f, text);
		said = true;
	}
	if (op->ryw || op->mono) {
		fprintf(f, "%s**%s**: ", said ? "; " : "", op->ryw && op->mono ? "READ-YOUR-WRITES, MONOTONIC READS" :
			op->ryw ? "READ-YOUR-WRITES" : "MONOTONIC READS");
		world_explain_session(w, op, why, sizeof why);
		md_text(f, why);
		said = true;
	}
	if (!said)
		fputs(op->result == RES_PENDING ? "-" : op->result == RES_UNKNOWN ?
		      "no answer, and it may have been applied: counts against availability" :
		      op->result == RES_ERROR && !op->cond_failed ? "no answer: counts against availability" :
		      "consistent", f);
}

static void ho_outcomes(FILE *f, const struct handout *h, const struct session *s)
{
	const struct world *w = &s->w;
	char buf[1024];

	fputs("## Outcomes\n\nEvery client request, with what it got and what the consistency checker "
	      "found (STALE: the answer has no valid linearization; LOST: an acknowledged write a heal "
	      "discarded; READ-YOUR-WRITES and MONOTONIC READS: a broken session guarantee).\n\n", f);
	if (!w->hist.nops) {
		fputs("No client request was made.\n\n", f);
		return;
	}
	fputs("| # | Invoked | Node | Request | Outcome | Took | Checker |\n", f);
	fputs("|--:|--:|:-:|---|---|--:|---|\n", f);
	for (size_t i = 0; i < w->hist.nops; i++) {
		const struct op *op = &w->hist.ops[i];

		fprintf(f, "| %" PRIu64 " | %.3fs | %c | ", op->id, op->invoke_us / 1e6, 'A' + op->node);
		ho_request(buf, sizeof buf, w, op);
		md_text(f, buf);
		fputs(" | ", f);
		ho_outcome(buf, sizeof buf, w, op);
		md_text(f, buf);
		if (op->done_us >= 0)
			fprintf(f, " | %.0fms", (op->done_us - op->invoke_us) / 1000.0);
		else
			fputs(" | -", f);
		if (op->rcu_half)
			fprintf(f, ", %g RCU", op->rcu_half / 2.0);
		fputs(" | ", f);
		ho_checker(f, h, w, op);
		fputs(" |\n", f);
	}
	fputc('\n', f);
}

static void ho_expectations(FILE *f, const struct handout *h, const struct session *s)
{
	bool broken = false;

	fputs("## Expectations\n\n", f);
	if (!s->expects)
		fputs("The scenario checks no expectation.\n\n", f);
	else
		fprintf(f, "%d expectation%s checked: %d held, %d failed.\n\n", s->expects, s->expects == 1 ? "" : "s",
			s->expects - s->failed, s->failed);
	for (size_t i = 0; i < h->nnotes; i++) {
		const struct ho_note *n = &h->notes[i];

		if (n->kind != EV_EXPECT)
			continue;
		fprintf(f, "- %s at %.3fs (line %d): ", n->held ? "held" : "**FAILED**", n->t_us / 1e6, n->line);
		md_text(f, n->text);
		fputc('\n', f);
	}
	if (s->expects)
		fputc('\n', f);
	for (size_t i = 0; i < h->nnotes; i++) {
		const struct ho_note *n = &h->notes[i];

		if (n->kind != EV_INVARIANT)
			continue;
		if (!broken)
			fputs("What the replicas did to the scenario's invariants:\n\n", f);
		fprintf(f, "- %s at %.3fs: ", n->held ? "invariant kept again" : "**BROKEN**", n->t_us / 1e6);
		md_text(f, n->text);
		fputc('\n', f);
		broken = true;
	}
	if (broken)
		fputc('\n', f);
	if (s->cmd_errors)
		fprintf(f, "%d step%s of the timeline could not be carried out (the transcript says why).\n\n",
			s->cmd_errors, s->cmd_errors == 1 ? "" : "s");
}


/* The lines `capviz -H` prints before its readers see anything: the same
 * words from the same start (headless.c writes them for the terminal). */
static void ho_head(char *buf, size_t len, const struct handout *h, const struct session *s)
{
	const struct ho_start *st = &h->start;

	snprintf(buf, len, "capviz %s: %s (%d node%s, mode %s%s, seed %" PRIu64 ")\n%s", CAPVIZ_VERSION, ho_name(s),
		 st->n, st->n == 1 ? "" : "s", mode_name(st->mode), st->head_preset, st->seed, st->head_rules);
}

/* The end of the transcript, as the headless driver ends it. Returns 0,
 * or -1 when memory ran out on the way. */
static int ho_finish_transcript(struct handout *h, const struct session *s)
{
	if (h->staging) {
		h->staging = false;
		transcript_state(&h->t, "start");
	}
	transcript_state(&h->t, "final");
	if (s->w.rcu_half)
		fprintf(h->tbuf, "%9s  %-7s %g read units consumed by ok reads (eventual 0.5, strong 1)\n", "",
			"RCU", s->w.rcu_half / 2.0);
	fprintf(h->tbuf, "%9.3f  %-7s %d expectation%s, %d failed\n", s->w.now_us / 1e6, "end", s->expects,
		s->expects == 1 ? "" : "s", s->failed);
	return fflush(h->tbuf) == 0 && !ferror(h->tbuf) ? 0 : -1;
}

static void ho_transcript(FILE *f, const struct handout *h, const struct session *s)
{
	char head[2048];
	int ticks;

	ho_head(head, sizeof head, h, s);
	ticks = md_ticks(head, strlen(head));
	if (md_ticks(h->ttext, h->tlen) > ticks)
		ticks = md_ticks(h->ttext, h->tlen);
	fputs("## Transcript\n\nThe run as `capviz -H` prints it: one line per event worth reading "
	      "(`--trace` has every message too).\n\n", f);
	md_fence(f, ticks + 1, "text");
	fputs(head, f);
	fwrite(h->ttext, 1, h->tlen, f);
	md_fence(f, ticks + 1, "");
}

/* How to run it again: one seed, one run. A label a shell would split is
 * quoted; commands typed during a live run are not in the scenario, so
 * then only --record would bring them back. */
static void ho_replay(FILE *f, const struct handout *h, const struct session *s)
{
	static const char safe[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._/+-";
	const struct ho_start *st = &h->start;
	bool plain = s->label[strspn(s->label, safe)] == '\0';

	fprintf(f, "A run of capviz %s. ", CAPVIZ_VERSION);
	if (strchr(s->label, '`') || strchr(s->label, '\'')) {
		fputs("\n\n", f);
		return;
	}
	fprintf(f, "One seed gives one run: `capviz -H --seed %" PRIu64 " -n %d ", st->seed, st->n);
	if (st->preset != PRESET_NONE)
		fprintf(f, "-p %s ", preset_name(st->preset));
	else
		fprintf(f, "-m %s ", mode_name(st->mode));
	fprintf(f, plain ? "%s` plays it again%s.\n\n" : "'%s'` plays it again%s.\n\n", s->label,
		h->typed ? ", without the commands typed during it" : "");
}

static void ho_write(FILE *f, const struct handout *h, const struct session *s)
{
	fputs("# ", f);
	md_text(f, ho_name(s));
	fputs("\n\n", f);
	if (s->sc.description[0]) {
		md_text(f, s->sc.description);
		fputs("\n\n", f);
	}
	ho_replay(f, h, s);
	ho_settings(f, h, s);
	ho_timeline(f, s);
	ho_captions(f, h);
	ho_outcomes(f, h, s);
	handout_scoreboard(f, s);
	ho_expectations(f, h, s);
	handout_replicas(f, s);
	ho_transcript(f, h, s);
}

int handout_close(struct handout *h, const struct session *s, char *err, size_t errlen)
{
	int rc = 0;

	if (!h)
		return 0;
	if (!s) {
		/* Nothing ran: leave no empty file behind. */
		fclose(h->file);
		unlink(h->path);
	} else if (h->oom || !h->tbuf || ho_finish_transcript(h, s) < 0) {
		snprintf(err, errlen, "%s: out of memory; no handout written", h->path);
		fclose(h->file);
		rc = -1;
	} else {
		ho_write(h->file, h, s);
		if (ferror(h->file) | (fclose(h->file) != 0)) {
			snprintf(err, errlen, "cannot write %s: %s", h->path, strerror(errno));
			rc = -1;
		}
	}
	ho_end(h);
	free(h->notes);
	free(h->path);
	free(h);
	return rc;
}
