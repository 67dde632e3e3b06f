/* session.c: runs a scenario's timeline among the world's events. A step is
 * due at its time plus the shift that held expectations and waits have added;
 * steps run before world events due at the same instant. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capviz/session.h"

static void session_sink(void *ctx, const struct event *e)
{
	struct session *s = ctx;

	for (int i = 0; i < s->nreaders; i++)
		s->readers[i].fn(s->readers[i].ctx, e);
}

int session_init(struct session *s, struct scenario *sc, const char *label,
		 const struct session_options *o, char *err, size_t errlen)
{
	/* The command line wins: its mode replaces the file's preset too. */
	int preset = o->preset > PRESET_NONE ? o->preset : o->mode >= 0 ? PRESET_NONE : sc->preset;
	int nodes = o->nodes > 0 ? o->nodes : sc->nodes > 0 ? sc->nodes : preset == PRESET_SINGLE ? 1 : 3;
	int mode = o->mode >= 0 ? o->mode : sc->mode >= 0 ? sc->mode : MODE_CP;
	uint64_t seed = o->has_seed ? o->seed : sc->has_seed ? sc->seed : 1;

	memset(s, 0, sizeof *s);
	s->last_event_us = -1;
	s->sc = *sc;
	memset(sc, 0, sizeof *sc);
	snprintf(s->label, sizeof s->label, "%s", label);
	if (world_init(&s->w, nodes, seed, (enum mode)mode, err, errlen) < 0) {
		scenario_free(&s->sc);
		return -1;
	}
	if (preset > PRESET_NONE && world_set_preset(&s->w, (enum preset)preset, err, errlen) < 0) {
		session_free(s);
		return -1;
	}
	world_set_sink(&s->w, session_sink, s);
	return 0;
}

void session_free(struct session *s)
{
	world_free(&s->w);
	scenario_free(&s->sc);
	free(s->failures);
	memset(s, 0, sizeof *s);
}

void session_add_reader(struct session *s, world_sink_fn *fn, void *ctx)
{
	if (s->nreaders < SESSION_MAX_READERS)
		s->readers[s->nreaders++] = (struct session_reader){ fn, ctx };
}

void session_start(struct session *s)
{
	char err[CMD_ERR_MAX + 600];

	/* Loading checked that the stage fits a world; should it not, the
	 * run goes on and says why on its first line. */
	if (scenario_apply_stage(&s->sc, &s->w, err, sizeof err) < 0)
		world_note(&s->w, -1, "%s", err);
}

static int64_t step_due(const struct session *s)
{
	if (s->held || s->quit || s->next >= s->sc.nsteps)
		return -1;
	return s->sc.steps[s->next].at_us + s->shift_us;
}

int64_t session_next_at(struct session *s)
{
	int64_t step = step_due(s), ev = world_next_at(&s->w);

	if (s->quit)
		return -1;
	if (step < 0)
		return ev;
	if (ev < 0)
		return step < s->w.now_us ? s->w.now_us : step;
	return step <= ev ? (step < s->w.now_us ? s->w.now_us : step) : ev;
}

static void command_event(struct session *s, const char *text, int line)
{
	struct event e = world_event(&s->w, EV_COMMAND);

	e.text = text;
	e.line = line;
	world_emit(&s->w, &e);
}

static void record_failure(struct session *s, int line, const char *text)
{
	struct session_failure *f = realloc(s->failures, (s->nfailures + 1) * sizeof *f);

	if (!f)
		return;
	s->failures = f;
	f[s->nfailures].line = line;
	snprintf(f[s->nfailures].text, sizeof f[s->nfailures].text, "%s", text);
	s->nfailures++;
}

/* Checks the expectation of step st. Returns false while it must wait. */
static bool run_expect(struct session *s, const struct scenario_step *st)
{
	char got[CMD_ERR_MAX], text[SESSION_TEXT_MAX];
	int r = cmd_expect(&s->w, &st->cmd, got, sizeof got);
	struct event e;

	if (r < 0)
		return false;
	s->expects++;
	e = world_event(&s->w, EV_EXPECT);
	e.up = r == 1;
	e.line = st->line;
	if (r == 1) {
		snprintf(text, sizeof text, "%s: ok", st->src);
	} else {
		s->failed++;
		snprintf(text, sizeof text, "%s: got %s", st->src, got);
		record_failure(s, st->line, text);
	}
	e.text = text;
	world_emit(&s->w, &e);
	return true;
}

static void run_driver_cmd(struct session *s, const struct command *c, int line)
{
	struct event e;

	switch (c->kind) {
	case CMD_PAUSE:
		e = world_event(&s->w, EV_PAUSE);
		e.text = c->text;
		e.line = line;
		world_emit(&s->w, &e);
		s->pause_request = true;
		break;
	case CMD_WAIT:
		s->shift_us += c->dur_us;
		break;
	case CMD_SPEED:
		s->speed_request = c->speed;
		break;
	case CMD_QUIT:
		s->quit = true;
		break;
	default:
		break;          /* resume and step mean nothing on a timeline */
	}
}

static void run_step(struct session *s)
{
	const struct scenario_step *st = &s->sc.steps[s->next];
	char err[CMD_ERR_MAX];

	if (st->cmd.kind == CMD_EXPECT) {
		if (!run_expect(s, st)) {
			s->held = true;
			return;
		}
		s->next++;
		return;
	}
	s->next++;
	/* A caption and a pause are their own events. */
	if (st->cmd.kind != CMD_SAY && st->cmd.kind != CMD_PAUSE)
		command_event(s, st->src, st->line);
	if (!cmd_is_world(&st->cmd)) {
		run_driver_cmd(s, &st->cmd, st->line);
		return;
	}
	if (cmd_exec(&s->w, &st->cmd, err, sizeof err) < 0) {
		/* A step that parsed but that the world refused (resolve of a
		 * value no replica holds...): the run goes on, and fails. */
		world_note(&s->w, -1, "%s:%d: %s", s->label, st->line, err);
		s->cmd_errors++;
		record_failure(s, st->line, err);
	}
}

/* A held expectation is checked again after every world event. */
static void retry_held(struct session *s)
{
	const struct scenario_step *st;
	int64_t due;

	if (!s->held)
		return;
	st = &s->sc.steps[s->next];
	due = st->at_us + s->shift_us;
	if (!run_expect(s, st))
		return;
	s->held = false;
	s->next++;
	if (s->w.now_us > due)
		s->shift_us += s->w.now_us - due;
}

bool session_step(struct session *s)
{
	int64_t step = step_due(s), ev = world_next_at(&s->w);

	if (s->quit)
		return false;
	if (step >= 0 && (ev < 0 || step <= ev)) {
		world_advance(&s->w, step);
		run_step(s);
		return true;
	}
	if (ev < 0)
		return false;
	world_step(&s->w);
	s->last_event_us = s->w.now_us;
	retry_held(s);
	return true;
}

void session_run_until(struct session *s, int64_t t_us)
{
	for (;;) {
		int64_t next = session_next_at(s);

		if (next < 0 || next > t_us || s->quit)
			break;
		session_step(s);
	}
	if (!s->quit)
		world_advance(&s->w, t_us);
}

int session_command(struct session *s, const char *line, char *err, size_t errlen)
{
	struct command c;

	if (cmd_parse(line, s->w.n, &c, err, errlen) < 0)
		return -1;
	if (c.kind == CMD_EXPECT) {
		char got[CMD_ERR_MAX];
		int r = cmd_expect(&s->w, &c, got, sizeof got);

		if (r == 1)
			return 0;
		snprintf(err, errlen, "%s", r < 0 ? "the last operation is still pending" : got);
		return -1;
	}
	if (c.kind != CMD_SAY)
		command_event(s, line, 0);
	if (!cmd_is_world(&c)) {
		run_driver_cmd(s, &c, 0);
		return 0;
	}
	return cmd_exec(&s->w, &c, err, errlen);
}

bool session_done(const struct session *s)
{
	if (s->quit)
		return true;
	return !s->held && s->next >= s->sc.nsteps && world_pending_ops(&s->w) == 0;
}
