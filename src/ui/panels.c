/* panels.c: the text panels: a card per node (role, status, keys with their
 * versions, hints held), the client panel (each operation, newest first) and
 * the event log (newest last). Each says everything in words or glyphs;
 * colour only repeats it. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "capviz/ui_impl.h"

enum ui_role ui_node_state(const struct world *w, int node, const char **word)
{
	const struct node *nd = &w->nodes[node];

	if (nd->crashed) {
		*word = "crashed";
		return UR_NODE_CRASHED;
	}
	if (w->mode == MODE_CP && nd->ld.leader == -1 && nd->ld.role != ROLE_LEADER) {
		*word = "refusing: no quorum";
		return UR_NODE_REFUSING;
	}
	*word = "serving";
	return UR_NODE;
}

static void role_text(char *buf, size_t len, const struct world *w, int i)
{
	const struct leader_node *ld = &w->nodes[i].ld;

	if (w->mode != MODE_CP)
		snprintf(buf, len, "replica");
	else if (ld->role == ROLE_NONE)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%s t%" PRIu64, role_name(ld->role), ld->term);
}

static void values_text(char *buf, size_t len, const struct world *w, int i)
{
	size_t used = 0;

	buf[0] = '\0';
	for (int k = 0; k < w->nkeys && used < len; k++) {
		const struct version *v = store_get(&w->nodes[i].store, k);
		int n;

		if (v)
			n = snprintf(buf + used, len - used, "%s%s=%" PRId64 " #%" PRIu64, k ? "  " : "",
				     world_key_name(w, k), v->value, v->wid);
		else
			n = snprintf(buf + used, len - used, "%s%s=-", k ? "  " : "", world_key_name(w, k));
		used += n > 0 ? (size_t)n : 0;
	}
	if (w->nodes[i].ll.nhints > 0 && used < len)
		snprintf(buf + used, len - used, "  hints %zu", w->nodes[i].ll.nhints);
}

/* One card: as many lines (1 to 3) as the panel has room for. */
static void draw_card(struct ui *u, const struct world *w, int i, int y, int lines, int wd)
{
	char role[48], vals[256];
	const char *word;
	enum ui_role r = ui_node_state(w, i, &word);
	attr_t name = ui_attr(u, i == u->sel ? UR_SELECTED : UR_NODE);
	int x = 1;

	if (r == UR_NODE && w->mode == MODE_CP && w->nodes[i].ld.role == ROLE_LEADER)
		r = UR_NODE_LEADER;
	role_text(role, sizeof role, w, i);
	values_text(vals, sizeof vals, w, i);
	x += ui_put(u->cards, y, x, 1, ui_attr(u, UR_SELECTED), i == u->sel ? u->g->sel : " ");
	x += ui_printf(u->cards, y, x, wd, name, " %c ", 'A' + i);
	x += ui_printf(u->cards, y, x, wd - x, ui_attr(u, r), " %s", role);
	if (lines == 1) {
		x += ui_printf(u->cards, y, x, wd - x, ui_attr(u, r), "  %s", word);
		ui_printf(u->cards, y, x, wd - x, A_NORMAL, "  %s", vals);
		return;
	}
	if (lines == 2) {
		ui_printf(u->cards, y, x, wd - x, ui_attr(u, r), "  %s", word);
		ui_put(u->cards, y + 1, 5, wd - 5, A_NORMAL, vals);
		return;
	}
	ui_put(u->cards, y + 1, 5, wd - 5, ui_attr(u, r), word);
	ui_put(u->cards, y + 2, 5, wd - 5, A_NORMAL, vals);
}

void ui_cards_draw(struct ui *u, const struct world *w)
{
	int rows, cols, lines;

	getmaxyx(u->cards, rows, cols);
	werase(u->cards);
	ui_frame_box(u, u->cards, "Nodes");
	lines = w->n * 3 <= rows - 2 ? 3 : w->n * 2 <= rows - 2 ? 2 : 1;
	for (int i = 0; i < w->n && 1 + (i + 1) * lines <= rows - 1; i++)
		draw_card(u, w, i, 1 + i * lines, lines, cols - 2);
	wnoutrefresh(u->cards);
}

/* The outcome of op as a word (and its role): ok, ERROR, STALE, pending. */
static enum ui_role outcome(char *buf, size_t len, const struct world *w, const struct op *op)
{
	if (op->result == RES_PENDING) {
		snprintf(buf, len, "pending");
		return UR_RESULT_PENDING;
	}
	if (op->result == RES_ERROR) {
		snprintf(buf, len, "ERROR: %s", op->error);
		return UR_RESULT_ERROR;
	}
	if (op->kind != OP_READ) {
		snprintf(buf, len, "ok, wrote %" PRId64, op->value);
		return UR_RESULT_OK;
	}
	if (!op->found) {
		snprintf(buf, len, "ok, not found");
		return UR_RESULT_OK;
	}
	if (op->stale) {
		const struct write_rec *m = history_write(&w->hist, op->missed_wid);

		snprintf(buf, len, "STALE %" PRId64 " (missed #%" PRIu64 ": %" PRId64 ")", op->value,
			 op->missed_wid, m ? m->value : 0);
		return UR_RESULT_STALE;
	}
	snprintf(buf, len, "ok %" PRId64, op->value);
	return UR_RESULT_OK;
}

/* One operation: what, where, level, time, then its outcome, which wraps
 * onto the next lines when it is long (the reason of an error matters).
 * Returns the lines used. */
static int op_line(struct ui *u, const struct world *w, const struct op *op, int y, int rows, int wd)
{
	char what[64], dur[16], out[160];
	enum ui_role r = outcome(out, sizeof out, w, op);
	const char *key = w->nkeys > 1 ? world_key_name(w, op->key) : "";
	const char *rest = out;
	int x = 1, used = 0;

	if (op->kind == OP_READ)
		snprintf(what, sizeof what, "read %s", key);
	else if (op->kind == OP_ADD)
		snprintf(what, sizeof what, "add %s%+" PRId64, key, op->arg);
	else
		snprintf(what, sizeof what, "write %s%s%" PRId64, key, *key ? "=" : "", op->arg);
	if (op->done_us >= 0)
		snprintf(dur, sizeof dur, "%.0fms", (op->done_us - op->invoke_us) / 1000.0);
	else
		snprintf(dur, sizeof dur, "%s", "...");
	x += ui_printf(u->clients, y, x, wd, A_NORMAL, "#%-3" PRIu64 "%c  %-10s %-6s %6s  ", op->id,
		       'A' + op->node, what, level_name(op->level), dur);
	while (*rest && used < rows) {
		size_t room = (size_t)(wd - x + 1), cut = strlen(rest);

		/* Break after the last space that fits, if there is one. */
		if (cut > room) {
			cut = room;
			while (cut > room / 2 && rest[cut] != ' ')
				cut--;
			if (rest[cut] != ' ')
				cut = room;
		}
		ui_put(u->clients, y + used, x, (int)cut, ui_attr(u, r), rest);
		used++;
		rest += cut;
		while (*rest == ' ')
			rest++;
		x = 8;
	}
	return used > 0 ? used : 1;
}

void ui_clients_draw(struct ui *u, const struct world *w)
{
	int rows, cols, n = (int)w->hist.nops;
	char title[64];

	getmaxyx(u->clients, rows, cols);
	if (u->ops_scroll > n - 1)
		u->ops_scroll = n > 0 ? n - 1 : 0;
	if (u->ops_scroll < 0)
		u->ops_scroll = 0;
	werase(u->clients);
	if (u->ops_scroll > 0)
		snprintf(title, sizeof title, "Clients, newest first (%d newer above)", u->ops_scroll);
	else
		snprintf(title, sizeof title, "Clients, newest first");
	ui_frame_box(u, u->clients, title);
	if (n == 0)
		ui_put(u->clients, 1, 2, cols - 3, ui_attr(u, UR_HINT), "no requests yet: w writes, r reads");
	for (int i = 0, y = 1; y < rows - 1 && n - 1 - u->ops_scroll - i >= 0; i++)
		y += op_line(u, w, &w->hist.ops[n - 1 - u->ops_scroll - i], y, rows - 1 - y, cols - 2);
	wnoutrefresh(u->clients);
}

/* Rows a log line of len cells takes at width wd (continuations indented). */
static int log_rows(size_t len, int wd)
{
	int rows = 1;

	if (wd <= 10)
		return 1;
	len = len > (size_t)wd ? len - (size_t)wd : 0;
	while (len > 0) {
		len = len > (size_t)(wd - 8) ? len - (size_t)(wd - 8) : 0;
		rows++;
	}
	return rows;
}

/* Draws one log line wrapped over rows starting at y. */
static void log_line(struct ui *u, const struct ui_log_line *l, int y, int wd)
{
	const char *s = l->text;
	int x = 1, room = wd;

	while (*s) {
		size_t cells = ui_cells(s);
		const char *p = s;

		ui_put(u->log, y++, x, room, ui_attr(u, l->role), s);
		if (cells <= (size_t)room || room <= 2)
			break;
		for (int c = 0; c < room && *p; c++)       /* skip what was shown */
			for (p++; ((unsigned char)*p & 0xC0) == 0x80; p++)
				;
		s = p;
		x = 9;
		room = wd - 8;
	}
}

void ui_log_draw(struct ui *u)
{
	int rows, cols, y, avail = (int)(u->nlogs < UI_LOG_MAX ? u->nlogs : UI_LOG_MAX);
	char title[64];

	getmaxyx(u->log, rows, cols);
	if (u->log_scroll > avail - 1)
		u->log_scroll = avail - 1;
	if (u->log_scroll < 0)
		u->log_scroll = 0;
	werase(u->log);
	if (u->log_scroll > 0)
		snprintf(title, sizeof title, "Events (%d newer below)", u->log_scroll);
	else
		snprintf(title, sizeof title, "Events");
	ui_frame_box(u, u->log, title);
	/* Newest at the bottom: fill upwards until the panel is full. */
	y = rows - 1;
	for (int i = u->log_scroll; i < avail; i++) {
		const struct ui_log_line *l = &u->logs[(u->nlogs - 1 - (size_t)i) % UI_LOG_MAX];
		int need = log_rows(ui_cells(l->text), cols - 2);

		if (y - need < 1)
			break;
		y -= need;
		log_line(u, l, y, cols - 2);
	}
	wnoutrefresh(u->log);
}
