/* headless.c: the headless driver. It runs a session on virtual time, as
 * fast as the machine allows, until the timeline is over and every client
 * operation has finished, printing the transcript (and the trace if asked). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "capviz/app.h"
#include "capviz/export.h"
#include "capviz/report.h"
#include "capviz/session.h"
#include "capviz/theme.h"

/* A run that is still busy after an hour of virtual time is stuck. */
#define HEADLESS_LIMIT_US (3600LL * 1000000)
#define HEADLESS_SETTLE_US 1000000

static FILE *open_trace(const char *path)
{
	if (!path)
		return NULL;
	if (strcmp(path, "-") == 0)
		return stdout;
	return fopen(path, "w");
}

/* A heal whose result has not reached every replica yet. */
static bool heal_busy(const struct world *w)
{
	return w->mode == MODE_AP && w->heal.token && (!w->heal.resolved || w->heal.unconfirmed);
}

/* Runs the timeline and its requests, then lets the replicas settle: one
 * second more, longer while a heal is still spreading (up to ten), so the
 * final state is what the run led to, not a snapshot halfway through. */
void app_run_session(struct session *s)
{
	int64_t settle, limit;

	while (!session_done(s)) {
		int64_t next = session_next_at(s);

		if (next < 0 || next > HEADLESS_LIMIT_US)
			break;
		session_step(s);
	}
	if (s->quit)
		return;
	settle = s->w.now_us + HEADLESS_SETTLE_US;
	limit = s->w.now_us + 10 * HEADLESS_SETTLE_US;
	for (;;) {
		int64_t next = session_next_at(s);

		if (next < 0 || next > limit || (next > settle && !heal_busy(&s->w)))
			break;
		session_step(s);
	}
}

static int finish(struct session *s, struct transcript *t, bool quiet)
{
	if (!quiet) {
		transcript_state(t, "final");
		if (s->w.rcu_half)
			fprintf(t->out, "%9s  %-7s %g read units consumed by ok reads (eventual 0.5, strong 1)\n", "",
				"RCU", s->w.rcu_half / 2.0);
		fprintf(t->out, "%9.3f  %-7s %d expectation%s, %d failed\n", s->w.now_us / 1e6, "end",
			s->expects, s->expects == 1 ? "" : "s", s->failed);
	}
	for (size_t i = 0; i < s->nfailures; i++)
		fprintf(stderr, "capviz: %s:%d: %s\n", s->label, s->failures[i].line, s->failures[i].text);
	if (s->cmd_errors)
		return EXIT_USAGE;
	return s->failed ? EXIT_EXPECT : EXIT_OK;
}

int app_headless(const struct options *o)
{
	struct session_options so = { o->nodes, o->mode, o->has_seed, o->seed, o->preset > 0 ? o->preset : 0 };
	struct scenario sc;
	struct session s;
	struct transcript t;
	struct trace tr;
	struct app_exports ex;
	char err[512], label[512];
	FILE *trace_out;
	bool quiet;
	int rc;

	if (!o->scenario && o->preset == PRESET_SINGLE) {
		fprintf(stderr, "capviz: preset single: a single node has no links: no partition is possible, and "
			"the built-in scenario cuts off node C; try -s single-node\n");
		return EXIT_USAGE;
	}
	if (!o->scenario && o->nodes > 0 && o->nodes < 3) {
		fprintf(stderr, "capviz: the built-in scenario cuts off node C, so it needs at least 3 nodes; "
			"give a scenario of your own for --nodes %d\n", o->nodes);
		return EXIT_USAGE;
	}
	/* No screen, no colours: a theme asked for is still checked. */
	if (o->theme) {
		struct theme th;

		if (app_find_theme(&th, o->theme, NULL, err, sizeof err) < 0) {
			fprintf(stderr, "capviz: --theme: %s\n", err);
			return EXIT_USAGE;
		}
	}
	if (app_load_scenario(&sc, o->scenario, o->nodes, label, sizeof label, err, sizeof err) < 0) {
		fprintf(stderr, "capviz: %s\n", err);
		return EXIT_USAGE;
	}
	if (session_init(&s, &sc, label, &so, err, sizeof err) < 0) {
		fprintf(stderr, "capviz: %s: %s\n", label, err);
		return EXIT_USAGE;
	}
	trace_out = open_trace(o->trace);
	if (o->trace && !trace_out) {
		fprintf(stderr, "capviz: cannot write the trace to %s: %s\n", o->trace, strerror(errno));
		session_free(&s);
		return EXIT_USAGE;
	}
	if (o->trace && o->history && strcmp(o->trace, "-") == 0 && strcmp(o->history, "-") == 0) {
		fprintf(stderr, "capviz: --trace - and --history - both want stdout; send one to a file\n");
		if (trace_out && trace_out != stdout)
			fclose(trace_out);
		session_free(&s);
		return EXIT_USAGE;
	}
	/* An export that cannot be written stops the run before it prints. */
	if (app_exports_open(&ex, o, &s.w) < 0) {
		if (trace_out && trace_out != stdout)
			fclose(trace_out);
		session_free(&s);
		return EXIT_USAGE;
	}
	/* With the trace or the history on stdout, the transcript would garble it. */
	quiet = trace_out == stdout || (o->history && strcmp(o->history, "-") == 0);
	t = (struct transcript){ .out = stdout, .w = &s.w };
	tr = (struct trace){ trace_out, &s.w };
	if (!quiet) {
		char preset[96], rules[1024];

		transcript_preset(preset, sizeof preset, &s.w);
		transcript_rules(rules, sizeof rules, &s.w);
		fprintf(stdout, "capviz %s: %s (%d node%s, mode %s%s, seed %" PRIu64 ")\n%s", CAPVIZ_VERSION,
			s.sc.name[0] ? s.sc.name : label, s.w.n, s.w.n == 1 ? "" : "s", mode_name(s.w.mode),
			preset, s.w.seed, rules);
		session_add_reader(&s, transcript_event, &t);
	}
	if (trace_out)
		session_add_reader(&s, trace_event, &tr);
	app_exports_add(&ex, &s);
	session_start(&s);
	if (!quiet)
		transcript_state(&t, "start");
	app_run_session(&s);
	rc = finish(&s, &t, quiet);
	if (trace_out && trace_out != stdout)
		fclose(trace_out);
	if (app_exports_close(&ex, &s) < 0 && rc == EXIT_OK)
		rc = EXIT_USAGE;
	if (o->history && app_write_history(&s.w, o->history) < 0 && rc == EXIT_OK)
		rc = EXIT_USAGE;
	fflush(stdout);
	session_free(&s);
	return rc;
}

int app_exports_open(struct app_exports *ex, const struct options *o, const struct world *w)
{
	char err[512];

	memset(ex, 0, sizeof *ex);
	if (o->export_md && !(ex->md = handout_open(o->export_md, w, err, sizeof err))) {
		fprintf(stderr, "capviz: --export: %s\n", err);
		return -1;
	}
	if (o->export_shiviz && !(ex->shiviz = shiviz_open(o->export_shiviz, w, err, sizeof err))) {
		fprintf(stderr, "capviz: --export-shiviz: %s\n", err);
		app_exports_close(ex, NULL);
		return -1;
	}
	return 0;
}

void app_exports_add(struct app_exports *ex, struct session *s)
{
	if (ex->md)
		session_add_reader(s, handout_event, ex->md);
	if (ex->shiviz)
		session_add_reader(s, shiviz_event, ex->shiviz);
}

void app_exports_reset(struct app_exports *ex)
{
	if (ex->md)
		handout_reset(ex->md);
	if (ex->shiviz)
		shiviz_reset(ex->shiviz);
}

int app_exports_close(struct app_exports *ex, const struct session *s)
{
	char err[512];
	int rc = 0;

	if (ex->md && handout_close(ex->md, s, err, sizeof err) < 0) {
		fprintf(stderr, "capviz: --export: %s\n", err);
		rc = -1;
	}
	if (ex->shiviz && shiviz_close(ex->shiviz, s, err, sizeof err) < 0) {
		fprintf(stderr, "capviz: --export-shiviz: %s\n", err);
		rc = -1;
	}
	ex->md = NULL;
	ex->shiviz = NULL;
	return rc;
}
