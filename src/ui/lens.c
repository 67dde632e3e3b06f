/* lens.c: the consistency lens on the screen: the scoreboard (s) and the
 * list of what broke consistency, each with its explanation (e). Both are
 * overlays that follow the run while open; any key closes them. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "capviz/score.h"
#include "capviz/ui_impl.h"

#define LENS_WIDTH 78

static WINDOW *lens_win(struct ui *u, int h, int wd)
{
	if (h > u->rows - 2)
		h = u->rows - 2;
	if (u->overlay && (getmaxy(u->overlay) != h || getmaxx(u->overlay) != wd))
		ui_overlay_close(u);
	if (!u->overlay)
		u->overlay = newwin(h, wd, (u->rows - h) / 2, (u->cols - wd) / 2);
	return u->overlay;
}

static int lens_width(const struct ui *u)
{
	return u->cols - 2 < LENS_WIDTH ? u->cols - 2 : LENS_WIDTH;
}

/* "80%", or "-" when there is nothing to count. */
static const char *percent(int p, char *buf, size_t len)
{
	if (p < 0)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%d%%", p);
	return buf;
}

static void row_line(struct ui *u, WINDOW *win, int y, const char *label, const struct score_row *r)
{
	char a[16], c[16];

	ui_printf(win, y, 2, getmaxx(win) - 3, ui_attr(u, UR_NORMAL), "%-22.22s%5d %8d %6d %5d %7s %11s", label,
		  r->ok, r->error, r->stale, r->lost, percent(score_availability(r), a, sizeof a),
		  percent(score_consistency(r), c, sizeof c));
}

/* "A B (majority)", "C", "D (crashed)". */
static void side_label(const struct world *w, const struct score_side *s, char *buf, size_t len)
{
	size_t used = 1;

	snprintf(buf, len, " ");
	for (int i = 0; i < w->n && used + 3 < len; i++)
		if (s->nodes & (1u << i))
			used += (size_t)snprintf(buf + used, len - used, "%c ", 'A' + i);
	if (used > 1)
		buf[--used] = '\0';
	if (s->crashed)
		snprintf(buf + used, len - used, " (crashed)");
	else if (s->majority)
		snprintf(buf + used, len - used, " (majority)");
}

static void rules_text(const struct world *w, char *buf, size_t len)
{
	if (w->preset != PRESET_NONE)
		snprintf(buf, len, "preset %s", preset_name(w->preset));
	else
		snprintf(buf, len, "mode %s", mode_name(w->mode));
}

/* "12/40ms", or "-" when no such request finished. */
static const char *p50_99(int64_t p50, int64_t p99, char *buf, size_t len)
{
	if (p50 < 0)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%.0f/%.0fms", p50 / 1000.0, p99 / 1000.0);
	return buf;
}

#define PACELC_ROWS 6

/* The PACELC figures of this run, the class they give by --pacelc's rule,
 * and the seed's class for the preset: the table of the seed, measured on
 * the cluster on screen. */
static int pacelc_lines(struct ui *u, WINDOW *win, int y, int h, int wd, const struct world *w,
			const struct pacelc_figures *f)
{
	char cls[8], seed[96], r[32], wr[32];

	pacelc_classify(f, cls);
	world_seed_text(w, seed, sizeof seed);
	if (y < h - 1)
		ui_printf(win, y++, 2, wd - 3, ui_attr(u, UR_TITLE), "PACELC since t=%.3fs: %s (%s)", w->rules_us / 1e6,
			  cls, seed);
	if (y < h - 1) {
		if (f->minority_reads + f->minority_writes)
			ui_printf(win, y++, 3, wd - 4, ui_attr(u, UR_NORMAL),
				  "P, on a side without a majority: reads answered %d/%d (%d stale), writes %d/%d",
				  f->minority_answered, f->minority_reads, f->minority_stale, f->minority_writes_answered,
				  f->minority_writes);
		else
			ui_put(win, y++, 3, wd - 4, ui_attr(u, UR_HINT),
			       "P: no request yet on a side without a majority (cut a node off, then read there)");
	}
	if (y < h - 1)
		ui_printf(win, y++, 3, wd - 4, ui_attr(u, UR_NORMAL),
			  "E, no partition: p50/p99 read %s, write %s; %d/%d reads stale", p50_99(f->read_p50, f->read_p99, r, sizeof r),
			  p50_99(f->write_p50, f->write_p99, wr, sizeof wr), f->calm_stale, f->calm_reads);
	if (y < h - 1) {
		char rule[300];

		snprintf(rule, sizeof rule, "rule: PA if the cut-off side answered half its reads or more; EL if reads "
			 "took under half a round trip (%.0fms) at the median.%s A majority side's requests during a "
			 "partition or a crash count in neither.", f->rtt_us / 2000.0,
			 strchr(cls, '?') ? " A ? is a half with nothing to judge yet." : "");
		y += ui_wrap(u, win, y, 3, wd - 5, h - 1 - y, ui_attr(u, UR_HINT), rule, 0);
	}
	return y;
}

void ui_score_draw(struct ui *u, const struct world *w)
{
	struct score s;
	int wd = lens_width(u), h, y = 1;
	WINDOW *win;
	char title[96], label[64], rules[48];
	int kinds = 0;
	struct pacelc_figures pf;

	score_compute(w, &s);
	for (int k = 0; k < SK_COUNT; k++)
		kinds += s.count[k] > 0;
	score_pacelc(w, w->rules_us, &pf);
	h = 2 + 2 + 1 + s.nsides + 1 + (kinds ? kinds : 1) + 2 + PACELC_ROWS + ui_wrap(u, NULL, 0, 0, wd - 5, 10, A_NORMAL,
		"avail: answered. failed: an error, or unknown (it may have been applied). cons: answers neither stale nor lost. "
		"stale: no valid linearization, or a broken session guarantee; e lists each, with why.", 0);
	win = lens_win(u, h, wd);
	if (!win)
		return;
	h = getmaxy(win);
	werase(win);
	snprintf(title, sizeof title, "scoreboard at t=%.3fs (any key closes)", w->now_us / 1e6);
	ui_frame_box(u, win, title);
	ui_printf(win, y++, 2, wd - 3, ui_attr(u, UR_TITLE), "%-22s%5s %8s %6s %5s %7s %11s", "requests", "ok",
		  "failed", "stale", "lost", "avail", "consistent");
	row_line(u, win, y++, "whole run", &s.run);
	if (y < h - 1) {
		if (s.nsides > 1)
			ui_printf(win, y++, 2, wd - 3, ui_attr(u, UR_HINT),
				  "since t=%.3fs, each side of the partition as it is now:", s.since_us / 1e6);
		else
			ui_printf(win, y++, 2, wd - 3, ui_attr(u, UR_HINT),
				  "since t=%.3fs, when the cluster last changed shape (one side now):", s.since_us / 1e6);
	}
	for (int i = 0; i < s.nsides && y < h - 1; i++) {
		side_label(w, &s.sides[i], label, sizeof label);
		row_line(u, win, y++, label, &s.sides[i].row);
	}
	if (y < h - 1)
		ui_printf(win, y++, 2, wd - 3, ui_attr(u, UR_TITLE), "%-22s%8s %8s   %s", "latency, whole run",
			  "p50", "p99", "(finished requests)");
	for (int k = 0; k < SK_COUNT && y < h - 1; k++) {
		if (!s.count[k])
			continue;
		ui_printf(win, y++, 2, wd - 3, ui_attr(u, UR_NORMAL), " %-21s%6.0fms %6.0fms   (%d)",
			  score_kind_name((enum score_kind)k), s.p50[k] / 1000.0, s.p99[k] / 1000.0, s.count[k]);
	}
	if (!kinds && y < h - 1)
		ui_put(win, y++, 3, wd - 4, ui_attr(u, UR_HINT), "no request has finished yet");
	y = pacelc_lines(u, win, y, h, wd, w, &pf);
	rules_text(w, rules, sizeof rules);
	if (y < h - 1) {
		char a[16], c[16], line[200];

		int n = s.recent.ok + s.recent.error;

		snprintf(line, sizeof line, "status bar: avail %s, cons %s, over the %d request%s since %s (t=%.3fs)",
			 percent(score_availability(&s.recent), a, sizeof a), percent(score_consistency(&s.recent), c, sizeof c),
			 n, n == 1 ? "" : "s", rules, w->rules_us / 1e6);
		y += ui_wrap(u, win, y, 2, wd - 4, h - 1 - y, ui_attr(u, UR_TITLE), line, 2);
	}
	if (y < h - 1)
		y += ui_wrap(u, win, y, 3, wd - 5, h - 1 - y, ui_attr(u, UR_HINT),
			     "avail: answered. failed: an error, or unknown (it may have been applied). cons: answers neither stale nor lost. "
			     "stale: no valid linearization, or a broken session guarantee; e lists each, with why.", 0);
	touchwin(win);
	wnoutrefresh(win);
}

/* --- what broke consistency, newest first --- */

static bool flawed(const struct op *op)
{
	return op->stale || op->lost || op->ryw || op->mono;
}

/* The header of a flawed operation and why, in full. */
static void flaw_text(const struct world *w, const struct op *op, char *head, size_t hlen, char *why, size_t wlen)
{
	char what[96], extra[400];
	const char *label = op->stale ? (op->flaw == FLAW_LOST_UPDATE ? "LOST UPDATE" :
					  op->flaw == FLAW_STALE_BASE && op->kind != OP_READ ? "STALE BASE" : "STALE") :
			    op->lost ? "LOST" : op->ryw ? "READ-YOUR-WRITES" : "MONOTONIC READS";

	if (op->kind == OP_READ)
		snprintf(what, sizeof what, "read %s at %c", world_key_name(w, op->key), 'A' + op->node);
	else
		snprintf(what, sizeof what, "%s %s at %c", op->txn ? "txn" : op_kind_name(op->kind),
			 world_key_name(w, op->key), 'A' + op->node);
	snprintf(head, hlen, "#%" PRIu64 " %s, %.3fs: %s", op->id, what, op->invoke_us / 1e6, label);
	why[0] = '\0';
	if (op->stale)
		world_explain(w, op, false, why, wlen);
	if (op->ryw || op->mono) {
		world_explain_session(w, op, extra, sizeof extra);
		snprintf(why + strlen(why), wlen - strlen(why), "%s%s", why[0] ? "; " : "", extra);
	}
	if (op->lost) {
		if (op_is_lock(op->kind))
			snprintf(extra, sizeof extra, "its grant was acknowledged, then a heal kept the other side's");
		else
			snprintf(extra, sizeof extra, "the write of v%" PRIu64 " was acknowledged at %.3fs, then lost: "
				 "last-write-wins kept a version with a later timestamp that does not include it "
				 "(an update built on something else, or a write acknowledged before it began)",
				 op->wid, op->done_us / 1e6);
		snprintf(why + strlen(why), wlen - strlen(why), "%s%s", why[0] ? "; " : "", extra);
	}
}

/* The rows the list needs, newest first, up to max. */
static int flaws_rows(const struct ui *u, const struct world *w, int wd, int max)
{
	int rows = 0;

	for (size_t i = w->hist.nops; i-- > 0 && rows < max;) {
		const struct op *op = &w->hist.ops[i];
		char head[160], why[1024];

		if (!flawed(op))
			continue;
		flaw_text(w, op, head, sizeof head, why, sizeof why);
		rows += 1 + ui_wrap(u, NULL, 0, 0, wd - 6, 1000, A_NORMAL, why, 0);
	}
	return rows;
}

/* The nodes that have no leader to serve them, each with why (a partial
 * partition's cause is not "no quorum"): drawn from y when win is not
 * NULL; returns the rows they take. */
static int no_leader_rows(struct ui *u, WINDOW *win, const struct world *w, int y, int h, int wd)
{
	int rows = 0;

	for (int i = 0; i < w->n; i++) {
		char why[1024];
		const char *word;

		if (!world_no_leader_why(w, i, WHY_FULL, why, sizeof why))
			continue;
		if (win && y + rows >= h - 1)
			break;
		world_serving(w, i, &word);
		if (win)
			ui_printf(win, y + rows, 2, wd - 3, ui_attr(u, UR_NODE_REFUSING), "%c %s", 'A' + i, word);
		rows++;
		rows += ui_wrap(u, win, y + rows, 4, wd - 6, win ? h - 1 - y - rows : 1000, ui_attr(u, UR_NORMAL), why, 0);
	}
	return rows;
}

void ui_flaws_draw(struct ui *u, const struct world *w)
{
	int wd = lens_width(u), h, y = 1, stale = 0, lost = 0, session = 0, shown = 0, total = 0;
	WINDOW *win;
	char title[128];

	for (size_t i = 0; i < w->hist.nops; i++) {
		const struct op *op = &w->hist.ops[i];

		stale += op->stale;
		lost += op->lost;
		session += op->ryw || op->mono;
		total += flawed(op);
	}
	h = (total ? flaws_rows(u, w, wd, u->rows) + 3 : 5) + no_leader_rows(u, NULL, w, 0, 0, wd);
	win = lens_win(u, h, wd);
	if (!win)
		return;
	h = getmaxy(win);
	werase(win);
	snprintf(title, sizeof title, "consistency: %d stale, %d lost, %d session (any key closes)", stale, lost,
		 session);
	ui_frame_box(u, win, title);
	y += no_leader_rows(u, win, w, y, h, wd);
	for (size_t i = w->hist.nops; i-- > 0 && y < h - 1;) {
		const struct op *op = &w->hist.ops[i];
		char head[160], why[1024];
		int rows;

		if (!flawed(op))
			continue;
		flaw_text(w, op, head, sizeof head, why, sizeof why);
		rows = ui_wrap(u, NULL, 0, 0, wd - 6, 1000, A_NORMAL, why, 0);
		if (y + 1 + rows > h - 1 - (shown + 1 < total) && shown > 0)
			break;
		ui_put(win, y++, 2, wd - 3, ui_attr(u, op->lost && !op->stale ? UR_RESULT_LOST : UR_RESULT_STALE), head);
		y += ui_wrap(u, win, y, 4, wd - 6, h - 1 - y, ui_attr(u, UR_NORMAL), why, 0);
		shown++;
	}
	if (total == 0)
		ui_wrap(u, win, y, 2, wd - 4, h - 1 - y, ui_attr(u, UR_HINT),
			"Nothing so far: every answer has a valid linearization, no acknowledged write was lost, "
			"and every client read its own writes and never went back in time.", 0);
	else if (shown < total)
		ui_printf(win, h - 2, 2, wd - 3, ui_attr(u, UR_HINT), "... and %d older (the transcript of a "
			  "headless run, capviz -H, lists them all)", total - shown);
	touchwin(win);
	wnoutrefresh(win);
}
