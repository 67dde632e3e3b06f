/* explore.c: --explore N: N randomized runs, each one checked. A run is a
 * scenario written from its seed (cuts, one-way cuts, isolations, restores,
 * heals, crashes, clock skew, and client reads, writes, deposits and
 * conditional withdrawals), played headless; the history's checker flags
 * what broke linearizability, the sessions and the invariant. The first run
 * that broke anything is shrunk (steps dropped while the violation stays)
 * and printed as a scenario file that replays it, with the expectations
 * that hold on it. Everything printed before it is INI comments, so the
 * whole output can be saved and played with capviz -H. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capviz/app.h"
#include "capviz/explore.h"
#include "capviz/rng.h"
#include "capviz/session.h"

#define XSTEPS_MAX 64
#define XSTEP_TEXT 80
#define XTEXT_MAX EXPLORE_TEXT_MAX

enum xkind {
	XV_STALE = 1,           /* an operation with no valid linearization */
	XV_LOST = 2,            /* an acknowledged write a heal discarded */
	XV_INVARIANT = 4,       /* a replica's balance went below zero */
	XV_SESSION = 8,         /* a client read older than it wrote or read before */
};

struct xstep {
	int64_t at_ms;
	char text[XSTEP_TEXT];
};

struct xrun {
	uint64_t seed;
	struct xstep steps[XSTEPS_MAX];
	int nsteps;
	bool keep[XSTEPS_MAX];
};

/* What one run (or all of them) came to. */
struct xcount {
	long runs, violating;
	long ops, ok, errors, unknown;
	long stale, lost_updates, ryw, mono, lost, invariant;
	unsigned kinds;         /* enum xkind */
	int cmd_errors;
	char lost_text[SESSION_TEXT_MAX]; /* what the first LOST event said */
};

static int pick(struct rng *g, int n)
{
	return (int)rng_below(g, (uint64_t)n);
}

static void add_step(struct xrun *r, int64_t at_ms, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void add_step(struct xrun *r, int64_t at_ms, const char *fmt, ...)
{
	va_list ap;

	if (r->nsteps >= XSTEPS_MAX)
		return;
	r->steps[r->nsteps].at_ms = at_ms;
	va_start(ap, fmt);
	vsnprintf(r->steps[r->nsteps].text, XSTEP_TEXT, fmt, ap);
	va_end(ap);
	r->keep[r->nsteps++] = true;
}

/* A client waits for its answer before it asks again, as the clients of a
 * history do: every request ends within the request timeout (1s). */
#define XCLIENT_BUSY_MS 1500

/* A client operation at a random idle node (a writer for anything but a
 * read); nothing when every such client is still waiting. */
static void gen_op(struct rng *g, const struct explore_config *c, struct xrun *r, int64_t t, int64_t busy[])
{
	int roll = pick(g, 100);
	int writers = c->writers > 0 && c->writers < c->nodes ? c->writers : c->nodes;
	int among = roll < 40 ? c->nodes : writers, first = pick(g, among), node = -1;

	for (int i = 0; i < among && node < 0; i++)
		if (busy[(first + i) % among] <= t)
			node = (first + i) % among;
	if (node < 0)
		return;
	busy[node] = t + XCLIENT_BUSY_MS;
	if (roll < 40)
		add_step(r, t, "read %c balance", 'A' + node);
	else if (roll < 65)
		add_step(r, t, "write %c balance %d", 'A' + node, 50 * (1 + pick(g, 9)));
	else if (roll < 80 || c->mode == MODE_STRICT)
		add_step(r, t, "add %c balance %d", 'A' + node, 10 * (1 + pick(g, 10)));
	else
		add_step(r, t, "txn %c balance -50 if balance>=50", 'A' + node);
}

/* A fault, or the end of one. */
static void gen_fault(struct rng *g, const struct explore_config *c, struct xrun *r, int64_t t, bool crashed[])
{
	int n = c->nodes, roll = pick(g, 100);
	int a = pick(g, n), b = (a + 1 + pick(g, n > 1 ? n - 1 : 1)) % n;

	if (n < 2 || roll >= 80) {
		if (crashed[a])
			add_step(r, t, "recover %c", 'A' + a);
		else
			add_step(r, t, "crash %c", 'A' + a);
		crashed[a] = !crashed[a];
	} else if (roll < 20) {
		add_step(r, t, "cut %c %c", 'A' + a, 'A' + b);
	} else if (roll < 35) {
		add_step(r, t, "cut %c>%c", 'A' + a, 'A' + b);
	} else if (roll < 45) {
		add_step(r, t, "isolate %c", 'A' + a);
	} else if (roll < 60) {
		add_step(r, t, "restore %c %c", 'A' + a, 'A' + b);
	} else if (roll < 70) {
		add_step(r, t, "restore all");
	} else {
		add_step(r, t, "heal");
	}
}

/* The steps of run seed: initial clock skews, a dozen or two operations and
 * faults spread over about ten seconds, then every node back and the
 * partition healed, and a read at every node once things settled. */
static void gen_run(struct xrun *r, const struct explore_config *c, uint64_t seed)
{
	struct rng g;
	bool crashed[WORLD_MAX_NODES] = { false };
	int64_t busy[WORLD_MAX_NODES] = { 0 };
	int64_t t = 0;
	int count;

	memset(r, 0, sizeof *r);
	r->seed = seed;
	rng_seed(&g, seed ^ 0x63617076697aULL);
	if (c->read_level)
		add_step(r, 0, "level read %s", c->read_level);
	for (int i = 0; i < c->nodes; i++)
		if (pick(&g, 3) == 0)
			add_step(r, 0, "skew %c %dms", 'A' + i, (pick(&g, 2) ? 1 : -1) * 10 * (1 + pick(&g, 50)));
	count = 8 + pick(&g, 17);
	t = 200 + pick(&g, 600);
	for (int i = 0; i < count; i++) {
		if (pick(&g, 100) < 55)
			gen_op(&g, c, r, t, busy);
		else
			gen_fault(&g, c, r, t, crashed);
		t += 10 * pick(&g, 80);
	}
	t += 1000;
	for (int i = 0; i < c->nodes; i++)
		if (crashed[i])
			add_step(r, t, "recover %c", 'A' + i);
	add_step(r, t, "heal");
	t += 3000;
	for (int i = 0; i < c->nodes; i++)
		add_step(r, t, "read %c balance", 'A' + i);
}

/* The scenario file of the run's kept steps, then extra (expectations). */
static void run_text(const struct xrun *r, const struct explore_config *c, const char *description, const char *extra,
		     char *out, size_t len)
{
	char system[64];
	size_t used;

	if (c->preset >= 0)
		snprintf(system, sizeof system, "preset      = %s", preset_name((enum preset)c->preset));
	else
		snprintf(system, sizeof system, "mode        = %s", mode_name((enum mode)c->mode));
	used = (size_t)snprintf(out, len,
				"[scenario]\nname        = explore-%" PRIu64 "\ndescription = %s\nnodes       = %d\n"
				"%s\nseed        = %" PRIu64 "\ninit        = balance=100\ninvariant   = balance>=0\n\n"
				"[timeline]\n",
				r->seed, description, c->nodes, system, r->seed);
	for (int i = 0; i < r->nsteps && used < len; i++) {
		char at[32];

		if (!r->keep[i])
			continue;
		snprintf(at, sizeof at, "%" PRId64 "ms", r->steps[i].at_ms);
		used += (size_t)snprintf(out + used, len - used, "%-8s= %s\n", at, r->steps[i].text);
	}
	if (extra && used < len)
		snprintf(out + used, len - used, "%s", extra);
}

int explore_scenario(const struct explore_config *c, uint64_t seed, char *buf, size_t len)
{
	struct xrun *r = malloc(sizeof *r);

	if (!r || len < XTEXT_MAX) {
		free(r);
		return -1;
	}
	gen_run(r, c, seed);
	run_text(r, c, "", NULL, buf, len);
	free(r);
	return 0;
}

static void count_event(void *ctx, const struct event *e)
{
	struct xcount *cnt = ctx;

	if (e->kind == EV_INVARIANT && !e->up)
		cnt->invariant++;
	if (e->kind == EV_LOST && !cnt->lost_text[0])
		snprintf(cnt->lost_text, sizeof cnt->lost_text, "LOST: %s", e->text);
}

/* Adds up what the finished run in s came to; names its first flaw in why. */
static void tally(const struct session *s, struct xcount *cnt, char *why, size_t whylen)
{
	const struct world *w = &s->w;
	const struct op *first = NULL;

	for (size_t i = 0; i < w->hist.nops; i++) {
		const struct op *op = &w->hist.ops[i];

		cnt->ops++;
		cnt->ok += op->result == RES_OK;
		cnt->errors += op->result == RES_ERROR;
		cnt->unknown += op->result == RES_UNKNOWN;
		cnt->stale += op->stale && op->flaw != FLAW_LOST_UPDATE;
		cnt->lost_updates += op->stale && op->flaw == FLAW_LOST_UPDATE;
		cnt->ryw += op->ryw;
		cnt->mono += op->mono;
		cnt->lost += op->lost;
		if (!first && (op->stale || op->lost || op->ryw || op->mono))
			first = op;
	}
	cnt->kinds = (cnt->stale || cnt->lost_updates ? XV_STALE : 0u) | (cnt->lost ? XV_LOST : 0u) |
		     (cnt->invariant ? XV_INVARIANT : 0u) | (cnt->ryw || cnt->mono ? XV_SESSION : 0u);
	if (!why)
		return;
	why[0] = '\0';
	if (first && first->stale)
		world_explain(w, first, false, why, whylen);
	else if (first && first->lost)
		snprintf(why, whylen, "%s", cnt->lost_text);
	else if (first)
		world_explain_session(w, first, why, whylen);
	else if (cnt->invariant)
		snprintf(why, whylen, "a replica's balance went below 0");
}

/* Plays a scenario text headless and adds up what it came to. Returns 0,
 * or -1 with err when it does not load or a step was refused. */
static int play(const char *text, struct xcount *cnt, char *why, size_t whylen, char *err, size_t errlen)
{
	struct session_options so = { 0, -1, false, 0, PRESET_NONE };
	struct scenario sc;
	struct session s;

	memset(cnt, 0, sizeof *cnt);
	if (scenario_load_text(&sc, "explore", text, 0, err, errlen) < 0)
		return -1;
	if (session_init(&s, &sc, "explore", &so, err, errlen) < 0)
		return -1;
	session_add_reader(&s, count_event, cnt);
	session_start(&s);
	app_run_session(&s);
	tally(&s, cnt, why, whylen);
	cnt->cmd_errors = s.cmd_errors + (int)s.nfailures;
	if (s.nfailures)
		snprintf(err, errlen, "line %d: %s", s.failures[0].line, s.failures[0].text);
	session_free(&s);
	return cnt->cmd_errors ? -1 : 0;
}

static void add_counts(struct xcount *sum, const struct xcount *c)
{
	sum->runs++;
	sum->violating += c->kinds != 0;
	sum->ops += c->ops;
	sum->ok += c->ok;
	sum->errors += c->errors;
	sum->unknown += c->unknown;
	sum->stale += c->stale;
	sum->lost_updates += c->lost_updates;
	sum->ryw += c->ryw;
	sum->mono += c->mono;
	sum->lost += c->lost;
	sum->invariant += c->invariant;
	sum->kinds |= c->kinds;
}

/* The kind a shrunk run must keep: the first of stale, lost, invariant, session. */
static unsigned main_kind(unsigned kinds)
{
	return kinds & (unsigned)-(int)kinds;
}

/* Drops steps, one at a time, while the run still shows the violation,
 * until no single step can go. */
static void shrink(struct xrun *r, const struct explore_config *c, unsigned kind, char *text, size_t len)
{
	bool changed = true;

	for (int pass = 0; changed && pass < 8; pass++) {
		changed = false;
		for (int i = r->nsteps - 1; i >= 0; i--) {
			struct xcount cnt;
			char err[SESSION_TEXT_MAX + 64];

			if (!r->keep[i])
				continue;
			r->keep[i] = false;
			run_text(r, c, "shrinking", NULL, text, len);
			if (play(text, &cnt, NULL, 0, err, sizeof err) == 0 && (cnt.kinds & kind)) {
				changed = true;
				continue;
			}
			r->keep[i] = true;
		}
	}
}

static int kept(const struct xrun *r)
{
	int n = 0;

	for (int i = 0; i < r->nsteps; i++)
		n += r->keep[i];
	return n;
}

static const char *system_name(const struct explore_config *c)
{
	return c->preset >= 0 ? preset_name((enum preset)c->preset) : mode_name((enum mode)c->mode);
}

static void print_summary(const struct xcount *sum, const struct explore_config *c, uint64_t seed)
{
	printf("; capviz --explore: %ld run%s of %s %s on %d node%s, seeds %" PRIu64 " to %" PRIu64 "\n", sum->runs,
	       sum->runs == 1 ? "" : "s", c->preset >= 0 ? "preset" : "mode", system_name(c), c->nodes,
	       c->nodes == 1 ? "" : "s", seed, seed + (uint64_t)sum->runs - 1);
	if (c->read_level)
		printf(";   every read at %s\n", c->read_level);
	if (c->writers > 0 && c->writers < c->nodes)
		printf(";   only the client%s at %s write%s\n", c->writers == 1 ? "" : "s",
		       c->writers == 1 ? "A" : c->writers == 2 ? "A and B" : "the first nodes", c->writers == 1 ? "s" : "");
	printf("; runs        %ld\n", sum->runs);
	printf("; operations  %ld: %ld ok, %ld errors (not applied), %ld unknown (may have been applied)\n",
	       sum->ops, sum->ok, sum->errors, sum->unknown);
	printf("; stale       %ld (reads, conditions and updates that missed a completed write)\n", sum->stale);
	printf("; lost update %ld (read-modify-writes built on a version another had built on)\n",
	       sum->lost_updates);
	printf("; session     %ld (read-your-writes %ld, monotonic reads %ld)\n", sum->ryw + sum->mono, sum->ryw,
	       sum->mono);
	printf("; lost        %ld (acknowledged writes later discarded)\n", sum->lost);
	printf("; invariant   %ld (times a replica's balance went below 0)\n", sum->invariant);
	printf("; violations  %ld of %ld run%s\n", sum->violating, sum->runs, sum->runs == 1 ? "" : "s");
}

/* The expectations that hold at the end of the shrunk run, so its replay
 * passes only while the violation is still there. */
static void expectations(const struct xcount *cnt, char *out, size_t len)
{
	size_t used = (size_t)snprintf(out, len, "+2s     = expect stale %ld\n", cnt->stale + cnt->lost_updates);

	if (cnt->lost && used < len)
		snprintf(out + used, len - used, "+0s     = expect lost %ld\n", cnt->lost);
}

/* Shrinks the first violating run and prints it as a scenario file. */
static int report(struct xrun *r, const struct explore_config *c)
{
	char *text = malloc(XTEXT_MAX), extra[128], why[SESSION_TEXT_MAX], err[SESSION_TEXT_MAX + 64];
	char description[160];
	struct xcount cnt;
	int before = kept(r);

	if (!text)
		return -1;
	run_text(r, c, "", NULL, text, XTEXT_MAX);
	play(text, &cnt, why, sizeof why, err, sizeof err);
	shrink(r, c, main_kind(cnt.kinds), text, XTEXT_MAX);
	run_text(r, c, "", NULL, text, XTEXT_MAX);
	play(text, &cnt, why, sizeof why, err, sizeof err);
	expectations(&cnt, extra, sizeof extra);
	snprintf(description, sizeof description, "found by capviz --explore (%s, seed %" PRIu64 "), shrunk from %d steps to %d",
		 system_name(c), r->seed, before, kept(r));
	run_text(r, c, description, extra, text, XTEXT_MAX);
	printf(";\n; The first violating run, seed %" PRIu64 " (capviz --explore 1 --seed %" PRIu64 " runs it again),\n"
	       "; shrunk from %d steps to %d. Save this output and replay it: capviz -H FILE\n",
	       r->seed, r->seed, before, kept(r));
	if (why[0])
		printf(";   %s\n", why);
	printf("\n%s", text);
	free(text);
	return 0;
}

/* --read must be a read the system has: a preset's own options, a level
 * that keeps the preset (dynamodb's strong reads make it dynamodb-strong). */
static int check_read_level(struct explore_config *c, char *err, size_t errlen)
{
	struct session_options so = { 0, -1, false, 0, PRESET_NONE };
	struct scenario sc;
	struct session s;
	struct xrun *r;
	char *text;
	int rc = 0;

	if (!c->read_level)
		return 0;
	r = malloc(sizeof *r);
	text = malloc(XTEXT_MAX);
	if (!r || !text) {
		free(r);
		free(text);
		snprintf(err, errlen, "--explore: out of memory");
		return -1;
	}
	gen_run(r, c, 1);
	for (int i = 1; i < r->nsteps; i++)
		r->keep[i] = false;
	run_text(r, c, "", NULL, text, XTEXT_MAX);
	free(r);
	if (scenario_load_text(&sc, "explore", text, 0, err, errlen) < 0 ||
	    session_init(&s, &sc, "explore", &so, err, errlen) < 0) {
		free(text);
		return -1;
	}
	free(text);
	session_start(&s);
	session_run_until(&s, 0);
	if (s.nfailures) {
		snprintf(err, errlen, "--read %s: %s", c->read_level, s.failures[0].text);
		rc = -1;
	} else if (c->preset >= 0 && s.w.preset == PRESET_NONE) {
		snprintf(err, errlen, "--read %s: not a read of preset %s (it would leave the preset)", c->read_level,
			 preset_name((enum preset)c->preset));
		rc = -1;
	} else if (c->preset >= 0) {
		c->preset = s.w.preset; /* dynamodb with strong reads is dynamodb-strong */
	}
	session_free(&s);
	return rc;
}

static int config(const struct options *o, struct explore_config *c, char *err, size_t errlen)
{
	c->preset = o->preset;
	c->mode = o->preset >= 0 ? -1 : o->mode >= 0 ? o->mode : MODE_CP;
	c->nodes = o->nodes > 0 ? o->nodes : 3;
	c->read_level = o->read_level;
	c->writers = o->writers;
	if (c->writers > c->nodes) {
		snprintf(err, errlen, "--writers %d: there are only %d nodes", c->writers, c->nodes);
		return -1;
	}
	return check_read_level(c, err, errlen);
}

int app_explore(const struct options *o)
{
	struct explore_config c;
	struct xcount sum, cnt;
	struct xrun *r = malloc(sizeof *r), *first = malloc(sizeof *first);
	char *text = malloc(XTEXT_MAX), err[SESSION_TEXT_MAX + 64];
	uint64_t seed = o->has_seed ? o->seed : 1;
	int rc = EXIT_OK;

	memset(&sum, 0, sizeof sum);
	if (!r || !first || !text) {
		fprintf(stderr, "capviz: --explore: out of memory\n");
		rc = EXIT_USAGE;
		goto out;
	}
	if (config(o, &c, err, sizeof err) < 0) {
		fprintf(stderr, "capviz: %s\n", err);
		rc = EXIT_USAGE;
		goto out;
	}
	first->nsteps = -1;
	for (long i = 0; i < o->explore; i++) {
		gen_run(r, &c, seed + (uint64_t)i);
		run_text(r, &c, "", NULL, text, XTEXT_MAX);
		if (play(text, &cnt, NULL, 0, err, sizeof err) < 0) {
			fprintf(stderr, "capviz: --explore: run %ld (seed %" PRIu64 "): %s\n", i + 1, r->seed, err);
			rc = EXIT_USAGE;
			goto out;
		}
		add_counts(&sum, &cnt);
		if (cnt.kinds && first->nsteps < 0)
			*first = *r;
	}
	print_summary(&sum, &c, seed);
	if (first->nsteps >= 0) {
		report(first, &c);
		rc = EXIT_EXPECT;
	} else {
		printf(";\n; No run broke linearizability, a session guarantee or the invariant.\n");
	}
out:
	free(r);
	free(first);
	free(text);
	return rc;
}
