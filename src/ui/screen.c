/* screen.c: the terminal and the layout. Owns opening and closing curses,
 * cutting the screen into panels (rebuilt on every resize), and painting a
 * frame: the moving parts every frame, the rest only when an event or a key
 * changed them, so curses sends the terminal only what changed. */
#include <langinfo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "capviz/score.h"
#include "capviz/ui_impl.h"

static void drop_windows(struct ui *u)
{
	WINDOW **all[] = { &u->status, &u->caption, &u->canvas, &u->cards, &u->clients,
			   &u->log, &u->msgline, &u->hint, &u->help, &u->overlay, &u->st.win };

	for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
		if (*all[i])
			delwin(*all[i]);
		*all[i] = NULL;
	}
}

/* Cuts the screen: status and caption on top, canvas and cards, then the
 * client panel and the log, the message line and the key hint at the foot. */
/* A scenario's progress ("step 4 of 12", "done: 12 of 12 steps") keeps
 * this much of the caption's first row. */
#define PROGRESS_W 22

/* The caption's width: the screen's, less the progress while a timeline
 * plays (the presenter must see how far the demo has come, however long
 * the caption). */
static int caption_width(const struct ui *u)
{
	return u->cols - 2 - (u->nsteps ? PROGRESS_W + 1 : 0);
}

/* Rows the caption gets: as many as it needs, up to three on a screen of
 * 30 rows or more, else two. */
static int caption_need(const struct ui *u)
{
	int most = u->rows >= 30 ? 3 : 2;
	int need = u->caption_text[0] ? ui_wrap(u, NULL, 0, 0, caption_width(u), most, A_NORMAL, u->caption_text, 0) : 1;

	return need < 1 ? 1 : need > most ? most : need;
}

static void layout(struct ui *u)
{
	int r = LINES, c = COLS, mid, top, cw, lw;

	drop_windows(u);
	u->rows = r;
	u->cols = c;
	u->small = r < UI_MIN_ROWS || c < UI_MIN_COLS;
	u->dirty = true;
	if (u->small)
		return;
	/* A caption too long for one row takes more (a narrow projector). */
	u->caption_rows = caption_need(u);
	mid = r - 3 - u->caption_rows;
	top = mid * 55 / 100;
	cw = 30 + (c - UI_MIN_COLS) / 4;
	lw = c * 58 / 100;
	u->status = newwin(1, c, 0, 0);
	u->caption = newwin(u->caption_rows, c, 1, 0);
	u->canvas = newwin(top, c - cw, 1 + u->caption_rows, 0);
	u->cards = newwin(top, cw, 1 + u->caption_rows, c - cw);
	u->clients = newwin(mid - top, lw, 1 + u->caption_rows + top, 0);
	u->log = newwin(mid - top, c - lw, 1 + u->caption_rows + top, lw);
	u->msgline = newwin(1, c, r - 2, 0);
	u->hint = newwin(1, c, r - 1, 0);
	u->geom.ox = 0;
	u->geom.oy = 1 + u->caption_rows;
}

struct ui *ui_open(const struct ui_config *cfg, char *err, size_t errlen)
{
	struct ui *u = calloc(1, sizeof *u);
	const char *cs = nl_langinfo(CODESET);
	struct theme theme;

	if (!u) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	u->w = cfg->w;
	u->utf8 = !cfg->ascii && cs && strcmp(cs, "UTF-8") == 0;
	u->g = ui_glyphs_get(u->utf8);
	u->color = !cfg->no_color;
	u->datadirs = cfg->datadirs;
	u->scr = newterm(NULL, stdout, stdin);
	if (!u->scr) {
		const char *term = getenv("TERM");

		snprintf(err, errlen, "cannot drive this terminal (TERM=%s): no terminfo entry for it (on Debian, "
			 "more are in the package ncurses-term); try TERM=xterm, or --headless", term ? term : "unset");
		free(u);
		return NULL;
	}
	set_term(u->scr);
	{
		/* A terminal that cannot move the cursor (TERM=dumb, an Emacs
		 * shell) would get a garbled scroll, not a screen. */
		const char *cup = tigetstr("cup");

		if (!cup || cup == (const char *)-1) {
			const char *term = getenv("TERM");

			endwin();
			delscreen(u->scr);
			snprintf(err, errlen, "cannot drive this terminal (TERM=%s): it cannot move the cursor; "
				 "try --headless, or a terminal such as TERM=xterm", term ? term : "unset");
			free(u);
			return NULL;
		}
	}
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	mousemask(BUTTON1_PRESSED | BUTTON1_CLICKED, NULL);
	mouseinterval(0);
	if (cfg->theme)
		theme = *cfg->theme;
	else
		theme_builtin(&theme, "default");
	ui_theme_init(u, &theme);
	u->ask_a = -1;
	u->prompt.hpos = -1;
	wnoutrefresh(stdscr);   /* stdscr stays untouched from now on: wgetch reads it */
	layout(u);
	if (cfg->cast) {
		u->cast = ui_cast_open(cfg->cast, LINES, COLS, err, errlen);
		if (!u->cast) {
			ui_close(u);
			return NULL;
		}
	}
	return u;
}

bool ui_close(struct ui *u)
{
	bool ok = true;

	if (!u)
		return true;
	drop_windows(u);
	ui_st_reset(u);
	curs_set(1);
	endwin();
	delscreen(u->scr);
	if (u->cast)
		ok = ui_cast_close(u->cast);
	free(u);
	return ok;
}

void ui_resize(struct ui *u)
{
	struct winsize ws;

	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0)
		resize_term(ws.ws_row, ws.ws_col);
	layout(u);
	clearok(curscr, TRUE);
	if (u->cast)
		ui_cast_resize(u->cast, LINES, COLS);
}

void ui_reset(struct ui *u, const struct world *w)
{
	u->w = w;
	u->nlogs = 0;
	u->ops_scroll = u->log_scroll = 0;
	memset(u->drops, 0, sizeof u->drops);
	memset(u->hint_wid, 0, sizeof u->hint_wid);
	u->link_held = false;
	u->caption_set = false;
	ui_st_reset(u);
	u->show_help = u->show_fork = u->show_score = u->show_flaws = false;
	if (u->help) {
		delwin(u->help);
		u->help = NULL;
	}
	ui_overlay_close(u);
	u->ask = ASK_NONE;
	u->status_text[0] = '\0';
	u->dirty = true;
}

void ui_caption(struct ui *u, const char *text)
{
	snprintf(u->caption_text, sizeof u->caption_text, "%s", text);
	u->dirty = true;
	if (!u->small && u->caption && caption_need(u) != u->caption_rows)
		layout(u);
}

void ui_status(struct ui *u, bool error, const char *text)
{
	snprintf(u->status_text, sizeof u->status_text, "%s", text);
	u->status_error = error;
	u->dirty = true;
}

static void draw_small(struct ui *u)
{
	char a[96], b[96];

	snprintf(a, sizeof a, "capviz needs a window of at least %dx%d.", UI_MIN_COLS, UI_MIN_ROWS);
	snprintf(b, sizeof b, "This one is %dx%d: please make it larger (q quits).", u->cols, u->rows);
	werase(stdscr);
	ui_put(stdscr, u->rows / 2 - 1, (u->cols - (int)strlen(a)) / 2 > 0 ? (u->cols - (int)strlen(a)) / 2 : 0,
	       -1, A_BOLD, a);
	ui_put(stdscr, u->rows / 2, (u->cols - (int)strlen(b)) / 2 > 0 ? (u->cols - (int)strlen(b)) / 2 : 0,
	       -1, A_NORMAL, b);
	wnoutrefresh(stdscr);
}

static const char *mode_title(int mode, bool brief)
{
	switch (mode) {
	case MODE_CP:
		return brief ? "CP" : "CP (leader-based)";
	case MODE_AP:
		return brief ? "AP" : "AP (leaderless)";
	default:
		return brief ? "STRICT" : "STRICT (every replica)";
	}
}

/* What each request needs in the current mode: only the leaderless protocol
 * has tunable levels; the others always need a majority or every replica. */
static const char *levels_text(const struct world *w, bool brief, char *buf, size_t len)
{
	switch (w->mode) {
	case MODE_CP:
		if (level_is_read_option(w->read_level)) {
			snprintf(buf, len, brief ? "R:%s W:leader" : "read %s  write leader+majority",
				 level_name(w->read_level));
			return buf;
		}
		return brief ? "majority" : "reads, writes: majority";
	case MODE_STRICT:
		return brief ? "W:ALL R:local" : "writes ALL, reads local";
	default:
		snprintf(buf, len, brief ? "R:%s W:%s" : "read %s  write %s", level_name(w->read_level),
			 level_name(w->write_level));
		return buf;
	}
}

/* "│ detector 5s  ": the failure detector's delay, in the fullest status
 * bar, while the protocol in force acts on it; "" otherwise. */
static const char *detector_part(const struct world *w, const char *v, char *buf, size_t len)
{
	char text[256], delay[32];

	if (!world_detector_text(w, text, sizeof text))
		return "";
	detector_delay_text(w->timing.detector_us, delay, sizeof delay);
	snprintf(buf, len, "%s detector %s  ", v, delay);
	return buf;
}

/* The status bar's text, fuller or briefer (level 0 to 4). Only the
 * leaderless protocol reconciles replicas, so only AP shows the strategy. */
static void status_parts(const struct ui_frame *f, const struct ui *u, int brief, char *buf, size_t len,
			char *tail, size_t tlen)
{
	const struct world *w = f->w;
	char levels[48], heal[32] = "", lens[64], a[16] = "-", c[16] = "-", det[48];
	const char *v = u->g->v;
	struct score_row recent;

	/* Availability and consistency since the rules last changed: they move
	 * as the user switches modes, levels and presets. */
	score_recent(w, &recent);
	if (score_availability(&recent) >= 0)
		snprintf(a, sizeof a, "%d%%", score_availability(&recent));
	if (score_consistency(&recent) >= 0)
		snprintf(c, sizeof c, "%d%%", score_consistency(&recent));
	snprintf(lens, sizeof lens, brief > 3 ? "%s A%s C%s " : brief ? "%s avail %s cons %s " :
		 "%s avail %s cons %s  ", v, a, c);

	/* At level 3 the strategy goes before the two figures do. */
	if (w->mode == MODE_AP && brief < 3)
		snprintf(heal, sizeof heal, brief ? "%s heal: %s " : "%s heal: %s  ", v, strategy_name(w->strategy));
	else if (w->mode == MODE_AP && brief > 3)
		snprintf(heal, sizeof heal, "%s %s ", v, strategy_name(w->strategy));
	else if (w->preset == PRESET_DYNAMODB || w->preset == PRESET_DYNAMODB_STRONG)
		snprintf(heal, sizeof heal, brief ? "%s RCU %g " : "%s RCU %g  ", v, w->rcu_half / 2.0);
	/* Briefest, a preset's name stands for its levels (setting a level by
	 * hand clears the preset). */
	if (brief > 2 && w->preset != PRESET_NONE)
		snprintf(buf, len, "%s%s%s %gx %s t=%.1fs ", heal, lens, v, f->speed, v, f->now_us / 1e6);
	else if (brief > 2)
		snprintf(buf, len, "%s %s %s%s%s %gx %s t=%.1fs ", v, levels_text(w, true, levels, sizeof levels),
			 heal, lens, v, f->speed, v, f->now_us / 1e6);
	else if (brief)
		snprintf(buf, len, "%s %s %s%s%s %gx %s t=%.3fs ", v, levels_text(w, true, levels, sizeof levels),
			 heal, lens, v, f->speed, v, f->now_us / 1e6);
	else
		snprintf(buf, len, "%s %s  %s%s%s%s speed %gx  %s t=%.3fs  ", v,
			 levels_text(w, false, levels, sizeof levels), detector_part(w, v, det, sizeof det), heal, lens,
			 v, f->speed, v, f->now_us / 1e6);
	if (f->paused)
		snprintf(tail, tlen, brief ? " %s PAUSED " : " %s PAUSED (space resumes) ", u->g->paused);
	else
		snprintf(tail, tlen, "%s running", u->g->running);
}

/* The title: the mode, or the preset with the PACELC class its rules in
 * force show, and the seed's where that differs, marked as such ("seed
 * PA/EC"): a class beside a behaviour it does not describe would
 * contradict the screen. In ap mode the R + W > N verdict too, with its
 * condition when there is room ("latest" is by the writers' timestamps). */
static void status_title(const struct world *w, int brief, char *buf, size_t len)
{
	char rule[48] = "", cls[32];

	if (w->preset == PRESET_NONE) {
		char mcls[8];

		/* A plain mode's name is a class too: where its levels make it
		 * act otherwise (ap at QUORUM errs on the minority, cp with
		 * local reads answers there), the class they give stands beside
		 * it. */
		world_class(w, mcls);
		if (w->mode != MODE_STRICT && mcls[1] != (w->mode == MODE_CP ? 'C' : 'A'))
			snprintf(buf, len, brief > 0 ? " %s, %s " : " %s, %s at these levels ", mode_title(w->mode, brief > 0),
				 mcls);
		else
			snprintf(buf, len, " %s ", mode_title(w->mode, brief > 0));
		return;
	}
	world_class_text(w, true, cls, sizeof cls);
	if (world_rule_text(w, true, rule, sizeof rule) && brief == 0)
		snprintf(rule, sizeof rule, "%s", strcmp(rule, "R+W>N") == 0 ? "R+W>N latest by timestamp" :
			 "R+W<=N may be stale");
	/* A preset names its system and class; the protocol comes after, as
	 * room allows (CP or AP before "dynamodb PA/EL" would read as a
	 * contradiction). */
	snprintf(buf, len, " %s %s%s%s%s ", preset_name(w->preset), cls, rule[0] ? " " : "", rule,
		 brief > 0 ? "" : w->mode == MODE_AP ? ", leaderless" : ", leader-based");
}

static void draw_status(struct ui *u, const struct ui_frame *f)
{
	char title[128], text[256], tail[64];
	attr_t st = ui_attr(u, UR_STATUS);
	int x, brief;

	/* Briefer and briefer until it fits: the parts first, then the title
	 * (a plain mode's title stays whole longest: it says what runs). */
	for (brief = 0;; brief++) {
		status_title(f->w, brief > 1 || (brief == 1 && f->w->preset != PRESET_NONE), title, sizeof title);
		status_parts(f, u, brief, text, sizeof text, tail, sizeof tail);
		if ((int)(ui_cells(title) + ui_cells(text) + ui_cells(tail)) <= u->cols || brief == 4)
			break;
	}
	wbkgdset(u->status, st);
	werase(u->status);
	x = ui_put(u->status, 0, 0, -1, st | A_BOLD, title);
	x += ui_put(u->status, 0, x, -1, st, text);
	ui_put(u->status, 0, x, -1, f->paused ? ui_attr(u, UR_PAUSED) : st, tail);
	wbkgdset(u->status, A_NORMAL);
	wnoutrefresh(u->status);
}

static void draw_lines(struct ui *u)
{
	char progress[48] = "";

	/* A scenario's progress at the caption's right: the presenter sees
	 * how far the demo has come. */
	if (u->nsteps)
		snprintf(progress, sizeof progress, u->step < u->nsteps ? "step %zu of %zu" : "done: %zu of %zu steps",
			 u->step, u->nsteps);
	werase(u->caption);
	if (progress[0])
		ui_put(u->caption, 0, u->cols - 1 - (int)strlen(progress), -1, ui_attr(u, UR_HINT), progress);
	ui_wrap(u, u->caption, 0, 1, caption_width(u), u->caption_rows, ui_attr(u, UR_CAPTION), u->caption_text, 0);
	wnoutrefresh(u->caption);
	if (u->ask == ASK_PROMPT || u->ask == ASK_WRITE) {
		ui_prompt_draw(u);
	} else {
		werase(u->msgline);
		ui_put(u->msgline, 0, 1, u->cols - 2,
		       ui_attr(u, u->status_error ? UR_RESULT_ERROR : UR_NORMAL), u->status_text);
		wnoutrefresh(u->msgline);
	}
	ui_hint_draw(u);
}

/* Drops seen for the first time start falling now. */
static void stamp_drops(struct ui *u, uint64_t anim_ms)
{
	for (int i = 0; i < UI_DROPS_MAX; i++) {
		struct ui_drop *d = &u->drops[i];

		if (d->used && !d->stamped) {
			d->stamped = true;
			d->start_ms = anim_ms;
		}
		if (d->used && d->stamped && anim_ms - d->start_ms > UI_DROP_MS)
			d->used = false;
	}
}

bool ui_moving(const struct ui *u, uint64_t anim_ms)
{
	for (int i = 0; i < UI_DROPS_MAX; i++)
		if (u->drops[i].used && (!u->drops[i].stamped || anim_ms - u->drops[i].start_ms <= UI_DROP_MS))
			return true;
	return false;
}

void ui_draw(struct ui *u, const struct ui_frame *f)
{
	u->w = f->w;
	if (u->sel >= f->w->n)
		u->sel = 0;
	if (u->small) {
		if (u->dirty)
			draw_small(u);
		u->dirty = false;
		doupdate();
		if (u->cast)
			ui_cast_frame(u->cast);
		return;
	}
	if (f->step != u->step || f->nsteps != u->nsteps) {
		bool started = !u->nsteps != !f->nsteps;

		u->step = f->step;
		u->nsteps = f->nsteps;
		u->dirty = true;
		/* The progress came or went: the caption's width changed. */
		if (started && caption_need(u) != u->caption_rows)
			layout(u);
	}
	stamp_drops(u, f->anim_ms);
	if (u->st.show) {
		/* The diagram takes the panels' place; it moves with time. */
		draw_status(u, f);
		if (u->dirty)
			draw_lines(u);
		ui_st_draw(u, f);
	} else {
		ui_canvas_draw(u, f);
		draw_status(u, f);
		if (u->dirty) {
			draw_lines(u);
			ui_cards_draw(u, f->w);
			ui_clients_draw(u, f->w);
			ui_log_draw(u);
		}
	}
	u->dirty = false;
	if (u->show_help)
		ui_help_draw(u);
	else if (u->show_fork)
		ui_fork_draw(u);
	else if (u->show_score)
		ui_score_draw(u, f->w);
	else if (u->show_flaws)
		ui_flaws_draw(u, f->w);
	else if (u->ask == ASK_HEAL || u->ask == ASK_RESOLVE)
		ui_heal_draw(u, f->w);
	else if (u->ask == ASK_PROMPT || u->ask == ASK_WRITE)
		wnoutrefresh(u->msgline);       /* the cursor goes where the typing is */
	doupdate();
	if (u->cast)
		ui_cast_frame(u->cast);
}
