/* live.c: the live driver. libuv owns the loop: stdin through uv_poll (curses
 * reads it without blocking), signals through uv_signal, one timer for the
 * next due event scaled by the speed, and a frame timer that runs only while
 * something moves. Core time follows the wall clock times the speed; paused,
 * nothing is armed and the process sleeps until a key or a signal. */
#include <errno.h>
#include <locale.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <uv.h>

#include "capviz/app.h"
#include "capviz/export.h"
#include "capviz/record.h"
#include "capviz/report.h"
#include "capviz/session.h"
#include "capviz/theme.h"
#include "capviz/ui.h"

#define LIVE_DEFAULT_SPEED 0.1
#define LIVE_FRAME_MS 33        /* up to 30 frames a second */
#define LIVE_CLOCK_MS 1000      /* the running clock's slowest update */

static const int live_signals[] = { SIGWINCH, SIGINT, SIGTERM, SIGHUP };
#define LIVE_NSIG (sizeof live_signals / sizeof live_signals[0])

struct live {
	uv_loop_t loop;
	uv_poll_t input;
	uv_signal_t sig[LIVE_NSIG];
	uv_timer_t due, frame;
	bool frame_on;
	struct session s;
	struct ui *ui;
	double speed;
	bool paused;
	int64_t anchor_core;    /* core time at anchor_wall */
	uint64_t anchor_wall;   /* uv_hrtime() in ns */
	uint64_t anim_base;     /* the animation clock (ms) at anchor_wall */
	bool stopping;
	int rc;
	const struct options *o;
	struct recorder rec;    /* --record: what is carried out, and when */
	struct app_exports ex;  /* --export, --export-shiviz */
	struct trace tr;        /* --trace: out NULL when not asked */
	char fatal[1100];       /* said after the terminal is back */
	struct theme theme;
};

static int64_t core_now(const struct live *l)
{
	int64_t t = l->anchor_core;

	if (!l->paused)
		t += (int64_t)((double)(uv_hrtime() - l->anchor_wall) / 1000.0 * l->speed);
	return t < l->s.w.now_us ? l->s.w.now_us : t;
}

static uint64_t anim_now(const struct live *l)
{
	return l->paused ? l->anim_base : l->anim_base + (uv_hrtime() - l->anchor_wall) / 1000000;
}

/* Restarts the clocks from here (before a change of speed or pause). */
static void reanchor(struct live *l)
{
	l->anchor_core = core_now(l);
	l->anim_base = anim_now(l);
	l->anchor_wall = uv_hrtime();
}

static void set_paused(struct live *l, bool paused)
{
	if (paused == l->paused)
		return;
	reanchor(l);
	l->paused = paused;
}

static void set_speed(struct live *l, double speed)
{
	reanchor(l);
	l->speed = speed < 0.1 ? 0.1 : speed > 10 ? 10 : speed;
}

static void stop(struct live *l, int rc)
{
	if (l->stopping)
		return;
	l->stopping = true;
	l->rc = rc;
	uv_stop(&l->loop);
}

/* What a timeline step asked of the driver. True when running must stop. */
static bool requests(struct live *l)
{
	if (l->s.speed_request > 0) {
		set_speed(l, l->s.speed_request);
		l->s.speed_request = 0;
	}
	if (l->s.pause_request) {
		l->s.pause_request = false;
		set_paused(l, true);
		l->anchor_core = l->s.w.now_us;   /* stop exactly at the pause step */
	}
	if (l->s.quit)
		stop(l, session_done(&l->s) && l->s.failed ? EXIT_EXPECT : EXIT_OK);
	return l->paused || l->stopping;
}

/* Runs everything due up to core now. */
static void advance(struct live *l)
{
	int64_t now;

	if (l->paused || l->stopping)
		return;
	now = core_now(l);
	for (;;) {
		int64_t next = session_next_at(&l->s);

		if (next < 0 || next > now)
			break;
		session_step(&l->s);
		if (requests(l))
			return;
	}
	if (now > l->s.w.now_us)
		world_advance(&l->s.w, now);
}

static void step_one(struct live *l)
{
	set_paused(l, true);
	if (!session_step(&l->s))
		ui_status(l->ui, false, "step: nothing is due");
	requests(l);
	if (l->anchor_core < l->s.w.now_us)
		l->anchor_core = l->s.w.now_us;
}

static struct ui_frame frame_of(const struct live *l)
{
	return (struct ui_frame){ &l->s.w, core_now(l), l->speed, l->paused, anim_now(l), l->s.next, l->s.sc.nsteps };
}

static void record_line(struct live *l, const char *line)
{
	if (l->o->record)
		recorder_add(&l->rec, l->s.w.now_us, line);
}

/* A command the user gives runs after every event of its instant, as a
 * step would in a scenario only when the instant is its own: when an event
 * already ran at this very microsecond (after `.`), the command takes the
 * next one, so that a recording plays back in the same order. */
static void own_instant(struct live *l)
{
	struct world *w = &l->s.w;

	if (l->s.last_event_us == w->now_us && world_next_at(w) != w->now_us) {
		world_advance(w, w->now_us + 1);
		if (l->anchor_core < w->now_us)
			l->anchor_core = w->now_us;
	}
}

static void restart(struct live *l);
static void next_pause(struct live *l);

/* A line from a key or the prompt. Pause, resume, step, speed, restart,
 * next and quit are the driver's; everything else goes to the session. */
static void run_line(struct live *l, const char *line)
{
	struct command c;
	char err[CMD_ERR_MAX];

	if (cmd_parse(line, l->s.w.n, &c, err, sizeof err) < 0) {
		ui_status(l->ui, true, err);
		return;
	}
	switch (c.kind) {
	case CMD_PAUSE:
		set_paused(l, true);
		record_line(l, line);
		if (c.text[0])
			ui_caption(l->ui, c.text);
		return;
	case CMD_RESTART:
		restart(l);
		return;
	case CMD_NEXT:
		next_pause(l);
		return;
	case CMD_RESUME:
		set_paused(l, false);
		return;
	case CMD_STEP:
		step_one(l);
		return;
	case CMD_SPEED:
		set_speed(l, c.speed);
		record_line(l, line);
		return;
	case CMD_QUIT:
		stop(l, EXIT_OK);
		return;
	default:
		break;
	}
	/* Cleared first: what the command's events say (a split brain) stays. */
	ui_status(l->ui, false, "");
	own_instant(l);
	if (session_command(&l->s, line, err, sizeof err) < 0) {
		ui_status(l->ui, true, err);
	} else if (c.kind == CMD_EXPECT) {
		ui_status(l->ui, false, "expect: it holds");
		record_line(l, line);
	}
	requests(l);
}

static void on_due(uv_timer_t *t);
static void on_frame(uv_timer_t *t);

/* Arms the one timer for the next due thing and the frame timer while
 * something moves; paused, nothing at all. */
static void rearm(struct live *l)
{
	struct ui_frame f = frame_of(l);
	int64_t next = session_next_at(&l->s);
	bool moving = l->s.w.inflight > 0 || ui_moving(l->ui, f.anim_ms);

	uv_timer_stop(&l->due);
	if (l->paused || l->stopping) {
		moving = false;
	} else {
		/* Running, the clock on the status bar moves on at least once a
		 * second, even when nothing is due (an idle leaderless cluster). */
		uint64_t ms = LIVE_CLOCK_MS;

		if (next >= 0 && (uint64_t)ceil((double)(next - f.now_us) / 1000.0 / l->speed) + 1 < ms)
			ms = (uint64_t)ceil((double)(next - f.now_us) / 1000.0 / l->speed) + 1;
		uv_timer_start(&l->due, on_due, ms, 0);
	}
	if (moving && !l->frame_on)
		uv_timer_start(&l->frame, on_frame, LIVE_FRAME_MS, LIVE_FRAME_MS);
	else if (!moving && l->frame_on)
		uv_timer_stop(&l->frame);
	l->frame_on = moving;
}

/* Moves the world to the present and paints it. A timer due while the
 * frame timer runs (things move: it paints 30 times a second) only moves
 * the world: at speed 10 such timers come hundreds of times a second, and
 * painting each would cost for nothing a person can see. */
static void tick(struct live *l, bool paint)
{
	struct ui_frame f;

	advance(l);
	if (l->stopping)
		return;
	paint = paint || !l->frame_on;
	if (paint) {
		f = frame_of(l);
		ui_draw(l->ui, &f);
	}
	rearm(l);
	if (!paint && !l->frame_on) {
		/* The motion just ended: paint where it stopped. */
		f = frame_of(l);
		ui_draw(l->ui, &f);
	}
}

static void on_due(uv_timer_t *t)
{
	tick(t->data, false);
}

static void on_frame(uv_timer_t *t)
{
	tick(t->data, true);
}

static void on_input(uv_poll_t *p, int status, int events)
{
	struct live *l = p->data;
	struct ui_frame f;
	struct ui_cmds cmds;

	(void)status;
	(void)events;
	advance(l);             /* commands act at the present moment */
	for (;;) {
		f = frame_of(l);
		if (l->stopping || !ui_next_key(l->ui, &f, &cmds))
			break;
		for (int i = 0; i < cmds.n && !l->stopping; i++)
			run_line(l, cmds.line[i]);
	}
	tick(l, true);
}

static void on_signal(uv_signal_t *h, int signum)
{
	struct live *l = h->data;

	if (signum == SIGWINCH) {
		ui_resize(l->ui);
		tick(l, true);
		return;
	}
	stop(l, 128 + signum);
}

static void on_close(uv_handle_t *h)
{
	(void)h;
}

/* Sets up the loop's handles; on failure closes what was opened. */
static int start_loop(struct live *l, char *err, size_t errlen)
{
	int r = uv_loop_init(&l->loop);

	if (r < 0) {
		snprintf(err, errlen, "cannot start the event loop: %s", uv_strerror(r));
		return -1;
	}
	uv_timer_init(&l->loop, &l->due);
	uv_timer_init(&l->loop, &l->frame);
	l->due.data = l->frame.data = l;
	for (size_t i = 0; i < LIVE_NSIG && r >= 0; i++) {
		uv_signal_init(&l->loop, &l->sig[i]);
		l->sig[i].data = l;
		r = uv_signal_start(&l->sig[i], on_signal, live_signals[i]);
	}
	if (r >= 0)
		r = uv_poll_init(&l->loop, &l->input, STDIN_FILENO);
	if (r >= 0) {
		l->input.data = l;
		r = uv_poll_start(&l->input, UV_READABLE, on_input);
	}
	if (r < 0)
		snprintf(err, errlen, "cannot watch the terminal: %s", uv_strerror(r));
	return r < 0 ? -1 : 0;
}

static void close_walk(uv_handle_t *h, void *arg)
{
	(void)arg;
	if (!uv_is_closing(h))
		uv_close(h, on_close);
}

static void end_loop(struct live *l)
{
	uv_walk(&l->loop, close_walk, NULL);
	uv_run(&l->loop, UV_RUN_DEFAULT);
	uv_loop_close(&l->loop);
}

static int open_session(struct live *l, const struct options *o)
{
	struct session_options so = { o->nodes, o->mode, o->has_seed, o->seed, o->preset > 0 ? o->preset : 0 };
	struct scenario sc;
	char err[512], label[512];

	if (app_load_scenario(&sc, o->scenario, o->nodes, label, sizeof label, err, sizeof err) < 0) {
		fprintf(stderr, "capviz: %s\n", err);
		return -1;
	}
	/* Without a scenario the user drives: the default's stage, no timeline
	 * (nor its description, which tells the timeline's story). */
	if (!o->scenario) {
		sc.nsteps = 0;
		snprintf(sc.description, sizeof sc.description, "Driven by hand from the default stage.");
	}
	if (session_init(&l->s, &sc, label, &so, err, sizeof err) < 0) {
		fprintf(stderr, "capviz: %s: %s\n", label, err);
		return -1;
	}
	return 0;
}

/* Without a scenario the screen opens on a cluster that is ready: in cp mode
 * the first election runs before the first frame (on virtual time, at once),
 * so a teacher does not open on three nodes refusing while they elect. */
static void settle(struct live *l)
{
	const struct world *w = &l->s.w;

	while (w->mode == MODE_CP && w->now_us < 5000000) {
		for (int i = 0; i < w->n; i++)
			if (!w->nodes[i].crashed && w->nodes[i].ld.role == ROLE_LEADER)
				return;
		if (!session_step(&l->s))
			return;
	}
}

static void first_caption(struct live *l, const struct options *o)
{
	char buf[CMD_TEXT_MAX + 64];

	if (o->scenario && l->s.sc.description[0])
		snprintf(buf, sizeof buf, "%.100s: %.150s", l->s.sc.name[0] ? l->s.sc.name : l->s.label,
			 l->s.sc.description);
	else if (o->scenario)
		snprintf(buf, sizeof buf, "%.100s (? lists every key)", l->s.sc.name[0] ? l->s.sc.name : l->s.label);
	else
		snprintf(buf, sizeof buf, "Select a node (1-%d), then w writes, r reads, i isolates; "
			 "? lists every key.", l->s.w.n);
	ui_caption(l->ui, buf);
}

/* Readers, the first values, the opening: a session about to run. */
static void begin(struct live *l)
{
	struct scenario_start start;

	session_add_reader(&l->s, ui_event, l->ui);
	if (l->o->record)
		session_add_reader(&l->s, recorder_event, &l->rec);
	app_exports_add(&l->ex, &l->s);
	if (l->tr.out)
		session_add_reader(&l->s, trace_event, &l->tr);
	session_start(&l->s);
	start = (struct scenario_start){ l->s.w.n, l->s.w.mode, l->s.w.preset, l->s.w.seed };
	recorder_restart(&l->rec, &start);
	if (!l->o->scenario)
		settle(l);
	l->anchor_core = l->s.w.now_us;
	first_caption(l, l->o);
	l->anchor_wall = uv_hrtime();
}

/* R: the scenario again from its start, its file read again (a presenter
 * who fixed a line sees it at once), except a pipe's or a FIFO's, which
 * gives its text once. A file that no longer loads leaves the run as it is. */
static void restart(struct live *l)
{
	const struct options *o = l->o;
	struct session_options so = { o->nodes, o->mode, o->has_seed, o->seed, o->preset > 0 ? o->preset : 0 };
	struct scenario sc;
	char err[512], label[512];
	bool copied;

	if (app_reload_scenario(&sc, o->scenario, o->nodes, &l->s.sc, l->s.label, label, sizeof label, err, sizeof err,
				&copied) < 0) {
		ui_status(l->ui, true, err);
		return;
	}
	if (!o->scenario) {
		sc.nsteps = 0;
		snprintf(sc.description, sizeof sc.description, "Driven by hand from the default stage.");
	}
	session_free(&l->s);
	if (session_init(&l->s, &sc, label, &so, err, sizeof err) < 0) {
		snprintf(l->fatal, sizeof l->fatal, "%s: %s", label, err);
		stop(l, EXIT_USAGE);
		return;
	}
	ui_reset(l->ui, &l->s.w);
	app_exports_reset(&l->ex);
	/* The trace, like the exports, holds the run since the restart (its
	 * times start again from 0). */
	if (l->tr.out) {
		fflush(l->tr.out);
		if (ftruncate(fileno(l->tr.out), 0) == 0)
			rewind(l->tr.out);
	}
	l->paused = false;
	begin(l);
	ui_status(l->ui, false, copied ? "restarted from the start (as first read: a pipe or a FIFO gives its text "
		  "once)" : "restarted from the start");
}

/* n: on at once (virtual time) to the next pause of the timeline, or to
 * its end; paused there. */
static void next_pause(struct live *l)
{
	size_t from = l->s.next;

	if (l->s.next >= l->s.sc.nsteps) {
		ui_status(l->ui, false, "next: the timeline is over; no pause left");
		return;
	}
	while (!l->s.quit && !l->s.pause_request && l->s.next < l->s.sc.nsteps)
		if (!session_step(&l->s))
			break;
	if (!l->s.pause_request)
		ui_status(l->ui, false, "next: no pause left; the timeline is over");
	else if (l->s.next > from)
		ui_status(l->ui, false, "next: at the pause (space resumes)");
	requests(l);
	set_paused(l, true);
	l->anchor_core = l->s.w.now_us;
}

/* Closes the --trace file; -1 (said on stderr) when writing it failed. */
static int close_trace(struct live *l)
{
	int bad;

	if (!l->tr.out)
		return 0;
	bad = ferror(l->tr.out) | (fclose(l->tr.out) != 0);
	l->tr.out = NULL;
	if (bad)
		fprintf(stderr, "capviz: cannot write the trace to %s\n", l->o->trace);
	return bad ? -1 : 0;
}

int app_live(const struct options *o)
{
	static struct live l;   /* big (the session); one per process */
	struct ui_config uc;
	char err[512];
	int rc;

	setlocale(LC_ALL, "");
	memset(&l, 0, sizeof l);
	l.o = o;
	recorder_init(&l.rec);
	if (open_session(&l, o) < 0)
		return EXIT_USAGE;
	/* The command line's speed, else the scenario's, else the default. */
	l.speed = o->speed > 0 ? o->speed : l.s.sc.speed > 0 ? l.s.sc.speed : LIVE_DEFAULT_SPEED;
	/* The command line's theme, else the scenario's, else the default. */
	if (o->theme || l.s.sc.theme[0]) {
		const char *which = o->theme ? o->theme : l.s.sc.theme;

		if (app_find_theme(&l.theme, which, o->theme ? NULL : l.s.label, err, sizeof err) < 0) {
			if (o->theme)
				fprintf(stderr, "capviz: --theme: %s\n", err);
			else
				fprintf(stderr, "capviz: %s:%d: theme: %s\n", l.s.label, l.s.sc.theme_line, err);
			session_free(&l.s);
			return EXIT_USAGE;
		}
	} else {
		theme_builtin(&l.theme, "default");
	}
	/* Bad input is said first; then the screen needs a terminal. */
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fputs("capviz: the screen needs a terminal (try --headless)\n", stderr);
		session_free(&l.s);
		return EXIT_USAGE;
	}
	if (o->trace && strcmp(o->trace, "-") == 0) {
		fputs("capviz: --trace -: the screen is on standard output; give the trace a file "
		      "(or run --headless)\n", stderr);
		session_free(&l.s);
		return EXIT_USAGE;
	}
	if (o->trace && !(l.tr.out = fopen(o->trace, "w"))) {
		fprintf(stderr, "capviz: cannot write the trace to %s: %s\n", o->trace, strerror(errno));
		session_free(&l.s);
		return EXIT_USAGE;
	}
	l.tr.w = &l.s.w;
	if (app_exports_open(&l.ex, o, &l.s.w) < 0) {
		close_trace(&l);
		session_free(&l.s);
		return EXIT_USAGE;
	}
	uc = (struct ui_config){ &l.s.w, o->ascii, o->no_color, &l.theme, app_datadirs(), o->record_cast };
	l.ui = ui_open(&uc, err, sizeof err);
	if (!l.ui) {
		app_exports_close(&l.ex, NULL);
		close_trace(&l);
		session_free(&l.s);
		fprintf(stderr, "capviz: %s\n", err);
		return EXIT_USAGE;
	}
	begin(&l);
	if (start_loop(&l, err, sizeof err) < 0) {
		ui_close(l.ui);         /* the terminal first, then the message */
		app_exports_close(&l.ex, NULL);
		close_trace(&l);
		session_free(&l.s);
		recorder_free(&l.rec);
		fprintf(stderr, "capviz: %s\n", err);
		return EXIT_USAGE;
	}
	tick(&l, true);
	uv_run(&l.loop, UV_RUN_DEFAULT);
	end_loop(&l);
	rc = l.rc;
	if (!ui_close(l.ui) && rc == EXIT_OK)
		rc = EXIT_USAGE;    /* the recording is incomplete: said on stderr */
	if (l.fatal[0])
		fprintf(stderr, "capviz: %s\n", l.fatal);
	/* As headless: the scenario's failed expectations named, with their
	 * lines, and the status says so however the run ended (q or a quit
	 * step; a signal keeps its own). */
	for (size_t i = 0; i < l.s.nfailures; i++)
		fprintf(stderr, "capviz: %s:%d: %s\n", l.s.label, l.s.failures[i].line, l.s.failures[i].text);
	if (rc == EXIT_OK || rc == EXIT_EXPECT)
		rc = l.s.cmd_errors ? EXIT_USAGE : l.s.failed ? EXIT_EXPECT : EXIT_OK;
	if (o->history && app_write_history(&l.s.w, o->history) < 0 && rc == EXIT_OK)
		rc = EXIT_USAGE;
	if (app_exports_close(&l.ex, &l.s) < 0 && rc == EXIT_OK)
		rc = EXIT_USAGE;
	if (close_trace(&l) < 0 && rc == EXIT_OK)
		rc = EXIT_USAGE;
	if (o->record) {
		int r = recorder_write(&l.rec, &l.s.sc, l.s.label, o->record, err, sizeof err);

		if (r != 0)
			fprintf(stderr, "capviz: %s\n", err);
		if (r < 0 && rc == EXIT_OK)
			rc = EXIT_USAGE;
	}
	session_free(&l.s);
	recorder_free(&l.rec);
	return rc;
}
