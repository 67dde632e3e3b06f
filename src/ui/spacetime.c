/* spacetime.c: the space-time diagram (the d key), as distributed-systems
 * people draw a run: a lane per node, time flowing down, each message an
 * arrow from its send to its delivery (a dropped one ends in a cross), the
 * lanes of nodes on a side without a majority dotted, crashes and cuts
 * marked, each client request its node's lane thickened from invoke to
 * answer, with the answer in words on the right (stale reads in their own
 * colour). It scrolls through the whole run (spacetime_log.c remembers it)
 * and follows the present while live. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capviz/ui_impl.h"

/* How long a row is, from the finest to the coarsest. */
static const int64_t row_lengths[] = { 1000, 2000, 5000, 10000, 20000, 50000, 100000, 200000, 500000, 1000000 };
#define ST_ZOOMS ((int)(sizeof row_lengths / sizeof row_lengths[0]))
#define ST_ZOOM_DEFAULT 4       /* 20ms: a 40ms hop spans two rows */
/* A message drawn on screen was sent at most this long before the top row. */
#define ST_LOOKBACK_US (30LL * 1000000)
#define ST_TCOL 9               /* "  12.345 " */
#define ST_NOTE 320

static int64_t row_us(const struct ui *u)
{
	return row_lengths[u->st.zoom];
}

void ui_st_open(struct ui *u)
{
	u->st.show = true;
	u->st.follow = true;
	if (!u->st.zoom)
		u->st.zoom = ST_ZOOM_DEFAULT;
	u->dirty = true;
}

void ui_st_close(struct ui *u)
{
	u->st.show = false;
	if (u->st.win) {
		delwin(u->st.win);
		u->st.win = NULL;
	}
	/* The panels under it are painted again, whole. */
	u->dirty = true;
	clearok(curscr, TRUE);
}

/* --- drawing --- */

/* What the diagram is drawn on: a grid of cells, each a glyph and a role,
 * so that later layers (requests, marks) cover earlier ones (messages). */
struct st_grid {
	int rows, cols;
	const char **cell;
	enum ui_role *role;
	char (*note)[ST_NOTE];
	enum ui_role *note_role;
};

static void put(struct st_grid *g, int r, int x, const char *glyph, enum ui_role role)
{
	if (r < 0 || r >= g->rows || x < 0 || x >= g->cols)
		return;
	g->cell[r * g->cols + x] = glyph;
	g->role[r * g->cols + x] = role;
}

/* Adds to a row's words; the first note of a row sets its colour unless a
 * later one is worse news. */
static void note(struct st_grid *g, int r, enum ui_role role, const char *text)
{
	size_t used;

	if (r < 0 || r >= g->rows)
		return;
	used = strlen(g->note[r]);
	if (used)
		used += (size_t)snprintf(g->note[r] + used, ST_NOTE - used, "; ");
	if (used < ST_NOTE)
		snprintf(g->note[r] + used, ST_NOTE - used, "%s", text);
	if (!used || role == UR_RESULT_STALE || role == UR_RESULT_LOST || role == UR_RESULT_ERROR ||
	    role == UR_LINK_CUT)
		g->note_role[r] = role;
}

struct st_view {
	int64_t top, row;       /* the first row's time; the length of a row */
	int body;               /* rows of the grid */
	int lane_x[WORLD_MAX_NODES];
	int n;
	int64_t now;
};

/* The row of time t (may be outside the grid). */
static int row_of(const struct st_view *v, int64_t t)
{
	int64_t d = t - v->top;

	if (d < 0)
		return -1 - (int)((-d - 1) / v->row);
	return d / v->row > v->body + 1 ? v->body + 1 : (int)(d / v->row);
}

static enum ui_role msg_role(enum msg_class c)
{
	static const enum ui_role roles[MC_CLASS_COUNT] = {
		[MC_WRITE] = UR_MSG_WRITE, [MC_ACK] = UR_MSG_ACK, [MC_READ] = UR_MSG_READ,
		[MC_REPLY] = UR_MSG_REPLY, [MC_VOTE] = UR_MSG_VOTE, [MC_HEARTBEAT] = UR_MSG_HEARTBEAT,
		[MC_REPAIR] = UR_MSG_REPAIR,
	};
	return roles[c];
}

/* The time of cell i (1..span) of a way from sent to end. */
static int64_t time_at(int64_t sent, int64_t end, int span, int i)
{
	return span > 1 ? sent + (end - sent) * (i - 1) / (span - 1) : end;
}

/* The last cell reached at time t (1..span). */
static int cell_at(int64_t sent, int64_t end, int span, int64_t t)
{
	int i = end > sent ? 1 + (int)((t - sent) * (span - 1) / (end - sent)) : span;

	return i < 1 ? 1 : i > span ? span : i;
}

/* One message: from its sender's lane at the send's row to the receiver's
 * at the delivery's, the cells between stepping down row by row; an arrow
 * head at the end, a cross where it was dropped, nothing yet when it is
 * still in flight (it grows as time passes). */
static void draw_msg(const struct ui *u, struct st_grid *g, const struct st_view *v, const struct ui_st_msg *m)
{
	const struct ui_glyphs *gl = u->g;
	int x0 = v->lane_x[m->from], x1 = v->lane_x[m->to], dir = x1 > x0 ? 1 : -1;
	/* The way is drawn against the time the network meant it to take: a
	 * message dropped at once (the link was cut when it left) ends in a
	 * cross beside its sender, one dropped on arrival beside the receiver. */
	int64_t end = m->end_us >= 0 && !m->dropped ? m->end_us : m->arrive_us;
	bool flying = m->end_us < 0;
	enum ui_role role = m->dropped ? UR_MSG_DROP : msg_role((enum msg_class)m->cls);
	int span = (x1 - x0) * dir - 1, last;     /* cells strictly between the lanes */

	if (m->from == m->to || span < 1)
		return;
	if (end < m->sent_us)
		end = m->sent_us;
	/* How far along it is: the whole way once it arrived (or was dropped). */
	last = span;
	/* The first cell is the send's instant, the last the arrival's: a
	 * reply leaves on the row its cause arrived on. */
	if (flying && v->now < end)
		last = cell_at(m->sent_us, end, span, v->now);
	if (m->dropped)
		last = cell_at(m->sent_us, end, span, m->end_us);
	for (int i = 1; i <= last; i++) {
		int r = row_of(v, time_at(m->sent_us, end, span, i));
		int rn = row_of(v, time_at(m->sent_us, end, span, i + 1));
		const char *glyph = gl->lh;

		if (i == last && m->dropped)
			glyph = gl->drop;
		else if (i == span && !flying)
			glyph = gl->arrow[dir > 0 ? 0 : 1];
		else if (rn > r)
			glyph = dir > 0 ? gl->lfall : gl->lrise;   /* down the screen to the right: \ */
		put(g, r, x0 + dir * i, glyph, role);
	}
}

/* The lanes: solid while a node is with a majority, dotted on a side
 * without one, blank while it is down; marks where things happened. */
static void draw_lanes(const struct ui *u, struct st_grid *g, const struct st_view *v)
{
	const struct ui_st *st = &u->st;
	bool up[WORLD_MAX_NODES][WORLD_MAX_NODES], down[WORLD_MAX_NODES];
	const char *dotted = u->utf8 ? "┆" : ":";
	size_t k = 0;

	for (int i = 0; i < v->n; i++) {
		down[i] = false;
		for (int j = 0; j < v->n; j++)
			up[i][j] = true;
	}
	for (int r = 0; r < v->body; r++) {
		int64_t end = v->top + (r + 1) * v->row;

		if (v->top + r * v->row > v->now)
			break;
		for (; k < st->nmarks && st->marks[k].t_us < end; k++) {
			const struct ui_st_mark *m = &st->marks[k];
			bool here = m->t_us >= v->top + r * v->row, both;
			char text[64];

			if (m->node < 0 || m->node >= v->n)
				continue;
			switch (m->kind) {
			case STM_CUT:
			case STM_RESTORE:
				if (m->peer < 0 || m->peer >= v->n)
					break;
				up[m->node][m->peer] = m->kind == STM_RESTORE;
				if (!here)
					break;
				/* Both ways at once read as one cut: "cut A-C". */
				both = k + 1 < st->nmarks && st->marks[k + 1].t_us == m->t_us &&
				       st->marks[k + 1].kind == m->kind && st->marks[k + 1].node == m->peer &&
				       st->marks[k + 1].peer == m->node;
				if (both) {
					up[m->peer][m->node] = m->kind == STM_RESTORE;
					k++;
				}
				snprintf(text, sizeof text, "%s %c%s%c", m->kind == STM_CUT ? "cut" : "restored",
					 'A' + (both && m->peer < m->node ? m->peer : m->node), both ? "-" : ">",
					 'A' + (both && m->peer < m->node ? m->node : m->peer));
				note(g, r, m->kind == STM_CUT ? UR_LINK_CUT : UR_LINK_UP, text);
				break;
			case STM_CRASH:
			case STM_RECOVER:
				down[m->node] = m->kind == STM_CRASH;
				if (here) {
					snprintf(text, sizeof text, "%c %s", 'A' + m->node,
						 m->kind == STM_CRASH ? "crashed" : "recovered");
					note(g, r, m->kind == STM_CRASH ? UR_NODE_CRASHED : UR_NODE, text);
				}
				break;
			case STM_LEADER:
				if (here) {
					snprintf(text, sizeof text, "%c leader", 'A' + m->node);
					note(g, r, UR_NODE_LEADER, text);
				}
				break;
			}
		}
		for (int i = 0; i < v->n; i++) {
			int reach = 0;

			/* With a majority: reaching (both ways) more than half. */
			for (int j = 0; j < v->n; j++)
				reach += i == j ? !down[i] : !down[j] && up[i][j] && up[j][i];
			if (down[i])
				put(g, r, v->lane_x[i], " ", UR_NORMAL);
			else if (2 * reach <= v->n && v->n > 1)
				put(g, r, v->lane_x[i], dotted, UR_LINK_CUT);
			else
				put(g, r, v->lane_x[i], u->g->v, UR_BORDER);
		}
	}
}

/* Marks over the lanes, drawn after the messages so they stay visible. */
static void draw_marks(const struct ui *u, struct st_grid *g, const struct st_view *v)
{
	for (size_t k = 0; k < u->st.nmarks; k++) {
		const struct ui_st_mark *m = &u->st.marks[k];
		int r = row_of(v, m->t_us);

		if (r < 0 || r >= v->body || m->node < 0 || m->node >= v->n)
			continue;
		switch (m->kind) {
		case STM_CUT:
			put(g, r, v->lane_x[m->node], u->g->cut, UR_LINK_CUT);
			break;
		case STM_CRASH:
			put(g, r, v->lane_x[m->node], u->g->crashed, UR_NODE_CRASHED);
			break;
		case STM_LEADER:
			put(g, r, v->lane_x[m->node], u->g->leader, UR_NODE_LEADER);
			break;
		default:
			break;
		}
	}
}

/* Each client request: its node's lane thick from invoke to answer
 * (to the present while pending), its answer in words on its last row. */
static void draw_ops(const struct ui *u, struct st_grid *g, const struct st_view *v, const struct world *w)
{
	int64_t bottom = v->top + v->body * v->row;
	size_t lo = 0, hi = w->hist.nops;
	const char *bar = u->utf8 ? "┃" : "#";

	/* The first request invoked at or after the bottom. */
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (w->hist.ops[mid].invoke_us < bottom)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo; i-- > 0;) {
		const struct op *op = &w->hist.ops[i];
		int64_t done = op->done_us >= 0 ? op->done_us : v->now;
		int r0, r1;
		enum ui_role role;
		char what[96], out[160], text[ST_NOTE];

		if (op->invoke_us < v->top - ST_LOOKBACK_US)
			break;
		if (done < v->top || op->node < 0 || op->node >= v->n)
			continue;
		role = ui_op_outcome(out, sizeof out, w, op);
		r0 = row_of(v, op->invoke_us);
		r1 = row_of(v, done);
		for (int r = r0 < 0 ? 0 : r0; r <= r1 && r < v->body; r++)
			put(g, r, v->lane_x[op->node], bar, role);
		if (op->done_us < 0 || r1 >= v->body)
			continue;
		ui_op_what(what, sizeof what, w, op);
		for (size_t n = strlen(what); n > 0 && what[n - 1] == ' ';)
			what[--n] = '\0';
		snprintf(text, sizeof text, "%c #%" PRIu64 " %s: %s", 'A' + op->node, op->id, what, out);
		note(g, r1, role, text);
	}
}

static void draw_msgs(const struct ui *u, struct st_grid *g, const struct st_view *v)
{
	const struct ui_st *st = &u->st;
	int64_t bottom = v->top + v->body * v->row;
	size_t lo = 0, hi = st->nmsgs;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (st->msgs[mid].sent_us < bottom)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* Delivered ones first: a cross drawn last stays in sight. */
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = lo; i-- > 0;) {
			const struct ui_st_msg *m = &st->msgs[i];
			int64_t end = m->end_us >= 0 ? m->end_us : m->arrive_us;

			if (m->sent_us < v->top - ST_LOOKBACK_US)
				break;
			if (end < v->top || m->from >= v->n || m->to >= v->n || m->dropped != (pass == 1))
				continue;
			if (m->cls == MC_HEARTBEAT && !st->beats)
				continue;
			draw_msg(u, g, v, m);
		}
	}
}

static WINDOW *st_window(struct ui *u)
{
	int h = u->rows - 3 - u->caption_rows, y = 1 + u->caption_rows;

	if (u->st.win && (getmaxy(u->st.win) != h || getmaxx(u->st.win) != u->cols)) {
		delwin(u->st.win);
		u->st.win = NULL;
	}
	if (!u->st.win)
		u->st.win = newwin(h, u->cols, y, 0);
	return u->st.win;
}

/* Rows kept below the present while following, for its words to wrap. */
#define ST_BELOW 2

/* The top row's time when following: the present near the foot. */
static int64_t follow_top(const struct ui *u, int body, int64_t now)
{
	int64_t row = row_us(u), top = (now / row - (body - 1 - ST_BELOW)) * row;

	return top > 0 ? top : 0;
}

void ui_st_draw(struct ui *u, const struct ui_frame *f)
{
	const struct world *w = f->w;
	WINDOW *win = st_window(u);
	struct st_view v;
	struct st_grid g;
	int h, wd, notes_x, sp;
	char line[256];

	if (!win)
		return;
	h = getmaxy(win);
	wd = getmaxx(win);
	memset(&v, 0, sizeof v);
	v.n = w->n;
	v.row = row_us(u);
	v.body = h - 2;
	v.now = f->now_us;
	if (u->st.follow)
		u->st.top_us = follow_top(u, v.body, v.now);
	v.top = u->st.top_us;
	/* Lanes as wide as room allows, the words of the right column at
	 * least 34 cells. */
	sp = (wd - ST_TCOL - 34) / (v.n ? v.n : 1);
	if (sp > 16)
		sp = 16;
	if (sp < 5)
		sp = 5;
	for (int i = 0; i < v.n; i++)
		v.lane_x[i] = ST_TCOL + sp / 2 + i * sp;
	notes_x = ST_TCOL + v.n * sp + 1;
	g.rows = v.body;
	g.cols = notes_x - 1;
	g.cell = calloc((size_t)g.rows * (size_t)g.cols, sizeof *g.cell);
	g.role = calloc((size_t)g.rows * (size_t)g.cols, sizeof *g.role);
	g.note = calloc((size_t)g.rows, sizeof *g.note);
	g.note_role = calloc((size_t)g.rows, sizeof *g.note_role);
	werase(win);
	if (!g.cell || !g.role || !g.note || !g.note_role || g.rows < 1) {
		ui_put(win, 0, 1, wd - 2, ui_attr(u, UR_RESULT_ERROR), "space-time diagram: out of memory or room");
		goto out;
	}
	draw_lanes(u, &g, &v);
	draw_ops(u, &g, &v, w);
	draw_msgs(u, &g, &v);
	draw_marks(u, &g, &v);

	/* The header: lanes named, the leader starred, a node down crossed. */
	ui_put(win, 0, 1, ST_TCOL - 1, ui_attr(u, UR_TITLE), "time");
	for (int i = 0; i < v.n; i++) {
		const char *mark = w->nodes[i].crashed ? u->g->crashed :
				   w->nodes[i].ld.role == ROLE_LEADER ? u->g->leader : "";

		ui_printf(win, 0, v.lane_x[i], sp - 1, ui_attr(u, UR_TITLE), "%c%s", 'A' + i, mark);
	}
	ui_put(win, 0, notes_x, wd - notes_x - 1, ui_attr(u, UR_TITLE), "what happened");
	for (int r = 0; r < g.rows; r++) {
		int64_t t = v.top + r * v.row;

		if (t > v.now) {
			/* Below the present: only the words of the rows above. */
			continue;
		}
		/* A time every five rows, and on the present's row. */
		if ((t / v.row) % 5 == 0 || t + v.row > v.now)
			ui_printf(win, 1 + r, 0, ST_TCOL - 1, ui_attr(u, t + v.row > v.now ? UR_TITLE : UR_HINT),
				  "%8.3f", t / 1e6);
		for (int x = 0; x < g.cols; x++) {
			const char *c = g.cell[r * g.cols + x];

			if (c)
				ui_put(win, 1 + r, x, 1, ui_attr(u, g.role[r * g.cols + x]), c);
		}
		if (g.note[r][0]) {
			/* A long note goes on over the rows below while they
			 * have nothing of their own to say. */
			int room = 1;

			while (r + room < g.rows && !g.note[r + room][0])
				room++;
			ui_wrap(u, win, 1 + r, notes_x, wd - notes_x - 1, room, ui_attr(u, g.note_role[r]), g.note[r], 2);
		}
	}
	/* The foot: the scale, where the view is, the keys. */
	if (u->st.follow)
		snprintf(line, sizeof line, "1 row = %gms, following", v.row / 1000.0);
	else
		snprintf(line, sizeof line, "1 row = %gms, %.3fs-%.3fs, End follows", v.row / 1000.0, v.top / 1e6,
			 (v.top + v.body * v.row) / 1e6);
	if (u->st.forgot_us)
		snprintf(line + strlen(line), sizeof line - strlen(line), ", messages before %.3fs forgotten",
			 u->st.forgot_us / 1e6);
	/* The keys most needed first: a narrow screen cuts the scrolling ones. */
	snprintf(line + strlen(line), sizeof line - strlen(line),
		 " | d closes, +/- zoom, b %s heartbeats, Up/Down PgUp/PgDn Home/End", u->st.beats ? "hides" : "shows");
	ui_put(win, h - 1, 1, wd - 2, ui_attr(u, UR_HINT), line);
out:
	free(g.cell);
	free(g.role);
	free(g.note);
	free(g.note_role);
	wnoutrefresh(win);
}

bool ui_st_key(struct ui *u, int ch, const struct ui_frame *f)
{
	struct ui_st *st = &u->st;
	int body = (st->win ? getmaxy(st->win) : u->rows - 3 - u->caption_rows) - 2;
	int64_t row = row_us(u), live = follow_top(u, body, f->now_us);

	if (st->follow)
		st->top_us = live;
	switch (ch) {
	case 'd':
	case 27:
		ui_st_close(u);
		return true;
	case KEY_UP:
	case KEY_PPAGE:
		st->top_us -= (ch == KEY_UP ? 1 : body - 1) * row;
		if (st->top_us < 0)
			st->top_us = 0;
		st->follow = false;
		break;
	case KEY_DOWN:
	case KEY_NPAGE:
		st->top_us += (ch == KEY_DOWN ? 1 : body - 1) * row;
		if (st->top_us >= live) {
			st->top_us = live;
			st->follow = true;
		}
		break;
	case KEY_HOME:
		st->top_us = 0;
		st->follow = live == 0;
		break;
	case KEY_END:
		st->follow = true;
		break;
	case '+':
	case '=':
	case '-':
		/* Zoom about the middle row, unless following the present. */
		{
			int64_t mid = st->top_us + body / 2 * row;

			st->zoom += ch == '-' ? 1 : -1;
			if (st->zoom < 0)
				st->zoom = 0;
			if (st->zoom >= ST_ZOOMS)
				st->zoom = ST_ZOOMS - 1;
			row = row_us(u);
			st->top_us = mid - body / 2 * row;
			st->top_us = st->top_us < 0 ? 0 : st->top_us / row * row;
			if (!st->follow && st->top_us >= follow_top(u, body, f->now_us))
				st->follow = true;
		}
		break;
	case 'b':
		st->beats = !st->beats;
		break;
	case KEY_MOUSE:
		/* A click means a node or a link of the canvas, which is hidden:
		 * it must not cut a link nobody sees. */
		{
			MEVENT ev;

			getmouse(&ev);
		}
		return true;
	default:
		return false;
	}
	u->dirty = true;
	return true;
}
