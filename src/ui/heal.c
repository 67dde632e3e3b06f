/* heal.c: the two screens of the heal: the chooser that `h` opens (which
 * strategy reconciles the replicas, with a line on what each does; the
 * pick becomes a `heal X` command) and the fork overlay that `f` opens (the
 * same diverged state healed by every strategy on copies of the world,
 * side by side). Neither changes the world: the chooser asks for a command,
 * the fork heals copies (world_compare_heals). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capviz/compare.h"
#include "capviz/ui_impl.h"

static const char *const what_it_does[STRAT_COUNT] = {
	[STRAT_LWW] = "last-write-wins: the highest timestamp wins; an update it does not include is LOST",
	[STRAT_CRDT] = ("CRDT: a number is a register plus a counter: of concurrent assignments the newest "
			"timestamp wins (they never add up), every add counts; sets add-wins; invariants may break"),
	[STRAT_MERGE] = ("merge: the application's three-way merge: a lone assignment is taken, adds sum, sets "
			 "unite; two assignments that differ stay as siblings until a client resolves them (v)"),
};

#define PICK_LABEL 10           /* "▸ 1 merge " */
#define PICK_MAX WORLD_MAX_NODES

/* One line of a chooser: its label and what it means. */
struct choice {
	char label[16];
	char text[480];
};

/* Does a heal now have a strategy to choose? The leader-based protocol
 * reconciles nothing: followers catch up from the leader's log. */
static bool heal_chooses(const struct world *w, char *why, size_t len)
{
	return world_heal_reconciles(w, why, len);
}

void ui_heal_open(struct ui *u, const struct world *w)
{
	char why[320];

	u->ask = ASK_HEAL;
	if (!heal_chooses(w, why, sizeof why)) {
		u->heal_pick = 0;
		ui_status(u, false, "Heal: Enter (or 1) restores every link; Esc cancels. No strategy to choose here.");
		return;
	}
	u->heal_pick = (int)w->strategy;
	ui_status(u, false, "Heal with which strategy? 1-3, or Up/Down and Enter; Esc cancels.");
}

/* The key at node whose versions a resolve would choose among: the first
 * in conflict, -1 when none is. */
static int conflict_key(const struct world *w, int node)
{
	struct version c[WORLD_MAX_NODES];

	for (int k = 0; k < w->nkeys; k++)
		if (world_choices(w, node, k, c) > 1)
			return k;
	return -1;
}

void ui_resolve_open(struct ui *u, const struct world *w)
{
	char buf[160];
	int k = conflict_key(w, u->sel);

	if (k < 0) {
		snprintf(buf, sizeof buf, "resolve: %c holds no concurrent versions (writes on both sides of a "
			 "partition make them)", 'A' + u->sel);
		ui_status(u, false, buf);
		return;
	}
	u->ask = ASK_RESOLVE;
	u->resolve_node = u->sel;
	u->resolve_key = k;
	u->heal_pick = 0;
	snprintf(buf, sizeof buf, "Resolve %s at %c by hand: which version? Digits pick; Esc cancels.",
		 world_key_name(w, k), 'A' + u->sel);
	ui_status(u, false, buf);
}

/* The lines of the open chooser; 0 when its question went away. */
static int choices(const struct ui *u, const struct world *w, struct choice *c)
{
	struct version ks[WORLD_MAX_NODES];
	char v[96];
	int n;

	if (u->ask == ASK_HEAL && !heal_chooses(w, c[0].text, sizeof c[0].text)) {
		size_t used = strlen(c[0].text);

		snprintf(c[0].label, sizeof c[0].label, "1 heal");
		snprintf(c[0].text + used, sizeof c[0].text - used, ". lww, crdt and merge reconcile diverged replicas "
			 "(mode ap): nothing to choose here.");
		return 1;
	}
	if (u->ask == ASK_HEAL) {
		for (int s = 0; s < STRAT_COUNT; s++) {
			snprintf(c[s].label, sizeof c[s].label, "%d %s", s + 1, strategy_name((enum strategy)s));
			snprintf(c[s].text, sizeof c[s].text, "%s", what_it_does[s]);
		}
		return STRAT_COUNT;
	}
	if (u->resolve_node >= w->n || u->resolve_key >= w->nkeys)
		return 0;
	n = world_choices(w, u->resolve_node, u->resolve_key, ks);
	for (int i = 0; i < n && n > 1; i++) {
		world_format_value(w, u->resolve_key, ks[i].value, v, sizeof v);
		snprintf(c[i].label, sizeof c[i].label, "%d", i + 1);
		snprintf(c[i].text, sizeof c[i].text, "%s=%s: v%" PRIu64 " at %c, its clock %.3fs",
			 world_key_name(w, u->resolve_key), v, ks[i].wid, 'A' + ks[i].node, ks[i].ts_us / 1e6);
	}
	return n > 1 ? n : 0;
}

static void choice_close(struct ui *u)
{
	ui_overlay_close(u);
	u->ask = ASK_NONE;
}

/* The command a pick asks for: `heal lww`, `resolve C balance 60`. */
static void choice_command(const struct ui *u, const struct world *w, int pick, struct ui_cmds *out)
{
	char v[96];

	if (out->n >= UI_CMDS_MAX)
		return;
	if (u->ask == ASK_HEAL && !heal_chooses(w, NULL, 0)) {
		snprintf(out->line[out->n++], CMD_TEXT_MAX, "heal");
		return;
	}
	if (u->ask == ASK_HEAL) {
		snprintf(out->line[out->n++], CMD_TEXT_MAX, "heal %s", strategy_name((enum strategy)pick));
		return;
	}
	struct version ks[WORLD_MAX_NODES];

	if (world_choices(w, u->resolve_node, u->resolve_key, ks) <= pick)
		return;
	world_format_value(w, u->resolve_key, ks[pick].value, v, sizeof v);
	snprintf(out->line[out->n++], CMD_TEXT_MAX, "resolve %c %s %s", 'A' + u->resolve_node,
		 world_key_name(w, u->resolve_key), v);
}

void ui_heal_key(struct ui *u, int ch, const struct world *w, struct ui_cmds *out)
{
	struct choice c[PICK_MAX];
	int n = choices(u, w, c), pick = -1;

	if (n == 0 || ch == 27 || ch == 7 || ch == 'q') {
		ui_status(u, false, n == 0 ? "resolve: the conflict is gone" :
			  u->ask == ASK_HEAL ? "heal: cancelled" : "resolve: cancelled");
		choice_close(u);
		return;
	}
	if (ch >= '1' && ch < '1' + n)
		pick = ch - '1';
	else if (ch == KEY_UP || ch == 'k')
		u->heal_pick = (u->heal_pick + n - 1) % n;
	else if (ch == KEY_DOWN || ch == 'j' || ch == '\t')
		u->heal_pick = (u->heal_pick + 1) % n;
	else if (ch == '\r' || ch == '\n' || ch == KEY_ENTER)
		pick = u->heal_pick % n;
	u->dirty = true;
	if (pick < 0)
		return;
	choice_command(u, w, pick, out);
	choice_close(u);
	ui_status(u, false, "");
}

/* A box of h rows by wd columns in the middle of the screen, made anew
 * when its size changed. */
static WINDOW *overlay_win(struct ui *u, int h, int wd, int y0)
{
	if (u->overlay && (getmaxy(u->overlay) != h || getmaxx(u->overlay) != wd))
		ui_overlay_close(u);
	if (!u->overlay)
		u->overlay = newwin(h, wd, y0 < 0 ? (u->rows - h) / 2 : y0, (u->cols - wd) / 2);
	return u->overlay;
}

void ui_overlay_close(struct ui *u)
{
	if (u->overlay)
		delwin(u->overlay);
	u->overlay = NULL;
	u->dirty = true;
}

void ui_heal_draw(struct ui *u, const struct world *w)
{
	struct choice c[PICK_MAX];
	int n = choices(u, w, c), wd = u->cols - 4 < 104 ? u->cols - 4 : 104, text = wd - 4 - PICK_LABEL;
	int h = 3, y = 1;
	WINDOW *win;
	bool plain;

	if (n == 0)
		return;
	plain = u->ask == ASK_HEAL && !heal_chooses(w, NULL, 0);
	for (int i = 0; i < n; i++)
		h += ui_wrap(u, NULL, 0, 0, text, plain ? 5 : 3, A_NORMAL, c[i].text, 0);
	win = overlay_win(u, h, wd, -1);
	if (!win)
		return;
	werase(win);
	ui_frame_box(u, win, plain ? "heal: restore every link (nothing to reconcile)" :
			     u->ask == ASK_HEAL ? "heal: restore every link, then reconcile the replicas by one of" :
			     "resolve by hand: keep which version?");
	for (int i = 0; i < n; i++) {
		bool on = i == u->heal_pick % n;
		attr_t a = on ? ui_attr(u, UR_SELECTED) : A_NORMAL;

		ui_put(win, y, 2, 1, ui_attr(u, UR_SELECTED), on ? u->g->sel : " ");
		ui_put(win, y, 4, PICK_LABEL - 2, on ? a : ui_attr(u, UR_TITLE), c[i].label);
		y += ui_wrap(u, win, y, 2 + PICK_LABEL, text, plain ? 5 : 3, a, c[i].text, 0);
	}
	if (plain)
		ui_put(win, y, 2, wd - 4, ui_attr(u, UR_HINT), "1 or Enter heals; Esc cancels.");
	else
		ui_printf(win, y, 2, wd - 4, ui_attr(u, UR_HINT), "1-%d %s at once; Up/Down and Enter pick; Esc cancels.",
			  n, u->ask == ASK_HEAL ? "heals" : "resolves");
	touchwin(win);
	wnoutrefresh(win);
}

/* --- the fork overlay --- */

static const char *const column_title[STRAT_COUNT] = {
	[STRAT_LWW] = "1 LWW: last write wins",
	[STRAT_CRDT] = "2 CRDT: register + counter",
	[STRAT_MERGE] = "3 MERGE: the app's rule",
};

static struct ui_para *para(struct ui_fork *fk, int s, enum ui_role r)
{
	struct ui_para *p = &fk->para[s][fk->npara[s] < UI_FORK_PARAS ? fk->npara[s]++ : UI_FORK_PARAS - 1];

	p->role = r;
	p->optional = false;
	p->text[0] = '\0';
	return p;
}

/* "balance=20 on every replica", or each replica's value when they differ;
 * a conflict left to a client is shown as such. */
static void values_para(struct ui_fork *fk, int s, const struct world *w, const struct heal_outcome *o, int k)
{
	struct ui_para *p = para(fk, s, UR_NORMAL);
	char v[128], first[128];
	bool same = true;
	size_t used;

	compare_value_text(w, o, k, 0, first, sizeof first);
	for (int i = 1; i < w->n; i++) {
		compare_value_text(w, o, k, i, v, sizeof v);
		same = same && strcmp(v, first) == 0;
	}
	if (o->nchoices[k][0] > 1)
		p->role = UR_CONFLICT;
	if (same && o->present[k][0]) {
		snprintf(p->text, sizeof p->text, "%s=%s on every replica%s", world_key_name(w, k), first,
			 o->nchoices[k][0] > 1 ? ", until a client resolves it" : "");
		return;
	}
	used = (size_t)snprintf(p->text, sizeof p->text, "%s:", world_key_name(w, k));
	for (int i = 0; i < w->n && used < sizeof p->text; i++) {
		compare_value_text(w, o, k, i, v, sizeof v);
		used += (size_t)snprintf(p->text + used, sizeof p->text - used, " %c=%s", 'A' + i, v);
	}
}

/* "#3 add balance -40 at C (wrote 60)": a LOST write by id and content. */
static void lost_para(struct ui_fork *fk, int s, const struct world *w, uint64_t id)
{
	const struct op *op = history_op(&w->hist, id);
	struct ui_para *p = para(fk, s, UR_RESULT_LOST);
	const char *key;
	char v[96];

	if (!op) {
		snprintf(p->text, sizeof p->text, "#%" PRIu64, id);
		return;
	}
	key = world_key_name(w, op->key);
	world_format_value(w, op->key, op->value, v, sizeof v);
	if (op->kind == OP_ADD)
		snprintf(p->text, sizeof p->text, "#%" PRIu64 " add %s %+" PRId64 " at %c (v%" PRIu64 ": %s)",
			 id, key, op->arg, 'A' + op->node, op->wid, v);
	else if (op->kind == OP_SADD || op->kind == OP_SREMOVE)
		snprintf(p->text, sizeof p->text, "#%" PRIu64 " %s %s %s at %c (v%" PRIu64 ": %s)", id,
			 op->kind == OP_SADD ? "add" : "remove", key, world_elem_name(w, (int)op->arg),
			 'A' + op->node, op->wid, v);
	else
		snprintf(p->text, sizeof p->text, "#%" PRIu64 " write %s=%s at %c (v%" PRIu64 ")", id, key,
			 v, 'A' + op->node, op->wid);
}

static void invariants_para(struct ui_fork *fk, int s, const struct world *w, const struct heal_outcome *o)
{
	struct ui_para *p;

	if (o->nbroken > 0) {
		p = para(fk, s, UR_BROKEN);
		snprintf(p->text, sizeof p->text, "BROKEN (%d breach%s): %.280s", o->nbroken,
			 o->nbroken == 1 ? "" : "es", o->broken);
	} else if (w->ninvariants > 0) {
		p = para(fk, s, UR_RESULT_OK);
		snprintf(p->text, sizeof p->text, "every invariant holds");
	} else {
		p = para(fk, s, UR_HINT);
		snprintf(p->text, sizeof p->text, "no invariant declared");
	}
}

/* One strategy's column, most telling first: values, LOST writes,
 * invariants, how long it took, then why (each key's resolution). Where a
 * heal reconciles nothing (plain is the reason), the one column says so. */
static void fork_column(struct ui_fork *fk, int s, const struct world *w, const struct heal_outcome *o,
			const char *plain)
{
	struct ui_para *p = para(fk, s, UR_TITLE);
	bool why = false;

	snprintf(p->text, sizeof p->text, "%s", plain ? "heal: restore every link" : column_title[s]);
	p = para(fk, s, UR_HINT);
	p->optional = !plain;
	snprintf(p->text, sizeof p->text, "%s", plain ? plain : what_it_does[s]);
	for (int k = 0; k < w->nkeys; k++)
		values_para(fk, s, w, o, k);
	p = para(fk, s, o->nlost ? UR_RESULT_LOST : UR_RESULT_OK);
	if (o->nlost)
		snprintf(p->text, sizeof p->text, "LOST %d write%s:", o->nlost, o->nlost == 1 ? "" : "s");
	else
		snprintf(p->text, sizeof p->text, "nothing LOST");
	for (int i = 0; i < o->nlost; i++)
		lost_para(fk, s, w, o->lost_ops[i]);
	invariants_para(fk, s, w, o);
	p = para(fk, s, UR_HINT);
	snprintf(p->text, sizeof p->text, o->done ? "healed in %.3fs" : "not settled after %.1fs", o->took_us / 1e6);
	for (int k = 0; k < w->nkeys; k++) {
		if (!o->resolve[k][0])
			continue;
		p = para(fk, s, UR_RESOLVE);
		snprintf(p->text, sizeof p->text, "why: %.460s", o->resolve[k]);
		why = true;
	}
	if (!why && !plain) {
		p = para(fk, s, UR_HINT);
		snprintf(p->text, sizeof p->text, "nothing to reconcile: no replica diverged");
	}
}

bool ui_fork_open(struct ui *u, const struct world *w)
{
	struct heal_outcome *out = calloc(STRAT_COUNT, sizeof *out);
	char why[400];

	if (!out || world_compare_heals(w, out) < 0) {
		free(out);
		return false;
	}
	memset(u->fork.npara, 0, sizeof u->fork.npara);
	u->fork.at_us = w->now_us;
	u->fork.ncols = world_heal_reconciles(w, why, sizeof why) ? STRAT_COUNT : 1;
	for (int s = 0; s < u->fork.ncols; s++)
		fork_column(&u->fork, s, w, &out[s], u->fork.ncols == 1 ? why : NULL);
	free(out);
	u->show_fork = true;
	u->dirty = true;
	return true;
}

/* Rows the column's paragraphs take at width wd, optional ones or not. */
static int column_rows(const struct ui *u, const struct ui_fork *fk, int s, int wd, bool optional)
{
	int rows = 0;

	for (int i = 0; i < fk->npara[s]; i++)
		if (!fk->para[s][i].optional || optional)
			rows += ui_wrap(u, NULL, 0, 0, wd, 1000, A_NORMAL, fk->para[s][i].text, 2);
	return rows;
}

/* An optional paragraph i takes as many rows in every column as in the
 * tallest, so what follows it starts level across the columns. */
static int optional_rows(const struct ui *u, const struct ui_fork *fk, int i, int wd, int rows)
{
	for (int s = 0; s < fk->ncols; s++) {
		int r = i < fk->npara[s] && fk->para[s][i].optional ?
			ui_wrap(u, NULL, 0, 0, wd, 1000, A_NORMAL, fk->para[s][i].text, 2) : 0;

		rows = r > rows ? r : rows;
	}
	return rows;
}

void ui_fork_draw(struct ui *u)
{
	int h = u->rows - 2, cw = (u->cols - 4) / (u->fork.ncols > 0 ? u->fork.ncols : 1);
	WINDOW *win = overlay_win(u, h, u->cols, 1);
	char title[128];

	if (!win)
		return;
	werase(win);
	snprintf(title, sizeof title, u->fork.ncols > 1 ?
		 "fork at t=%.3fs: this state healed each way, on copies (any key closes)" :
		 "fork at t=%.3fs: this state healed, on a copy (any key closes)", u->fork.at_us / 1e6);
	ui_frame_box(u, win, title);
	for (int s = 0; s < u->fork.ncols; s++) {
		int x = 1 + s * (cw + 1), y = 1;
		/* What a strategy does is said when the screen has the room. */
		bool roomy = column_rows(u, &u->fork, s, cw - 1, true) <= h - 2;

		if (s > 0)
			for (int r = 1; r < h - 1; r++)
				ui_put(win, r, x - 1, 1, ui_attr(u, UR_BORDER), u->g->v);
		for (int i = 0; i < u->fork.npara[s] && y < h - 1; i++) {
			const struct ui_para *p = &u->fork.para[s][i];

			if (p->optional && roomy)
				y += optional_rows(u, &u->fork, i, cw - 1,
						   ui_wrap(u, win, y, x + 1, cw - 1, h - 1 - y, ui_attr(u, p->role), p->text, 2));
			else if (!p->optional)
				y += ui_wrap(u, win, y, x + 1, cw - 1, h - 1 - y, ui_attr(u, p->role), p->text, 2);
		}
	}
	touchwin(win);
	wnoutrefresh(win);
}
