/* canvas.c: the cluster drawn as a picture: nodes at the corners of a
 * regular polygon, the links between them (broken when cut, with the
 * direction of a one-way cut), every message in flight at its true place
 * along its link, and dropped messages falling off. Also answers which node
 * or link a mouse click hit. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "capviz/ui_impl.h"

#define BOX_W 13
#define BOX_H 3
#define PATH_MAX_CELLS 512

struct path {
	int n;
	int x[PATH_MAX_CELLS], y[PATH_MAX_CELLS];
	const char *ch[PATH_MAX_CELLS];
};

/* Places the nodes on a regular polygon stretched to the canvas. */
static void place_nodes(struct ui *u, int n, int rows, int cols)
{
	double ux[WORLD_MAX_NODES], uy[WORLD_MAX_NODES];
	double minx = 1e9, maxx = -1e9, miny = 1e9, maxy = -1e9;
	int left = BOX_W / 2 + 2, right = cols - BOX_W / 2 - 3;
	int top = BOX_H / 2 + 1, bottom = rows - 2 - BOX_H / 2 - 1;

	for (int i = 0; i < n; i++) {
		double th = n == 2 ? M_PI * (1 - i) : -M_PI / 2 + 2 * M_PI * i / n;

		ux[i] = cos(th);
		uy[i] = sin(th);
		minx = fmin(minx, ux[i]);
		maxx = fmax(maxx, ux[i]);
		miny = fmin(miny, uy[i]);
		maxy = fmax(maxy, uy[i]);
	}
	u->geom.n = n;
	u->geom.boxw = BOX_W;
	u->geom.boxh = BOX_H;
	for (int i = 0; i < n; i++) {
		double fx = maxx - minx > 1e-9 ? (ux[i] - minx) / (maxx - minx) : 0.5;
		double fy = maxy - miny > 1e-9 ? (uy[i] - miny) / (maxy - miny) : 0.5;

		u->geom.x[i] = left + (int)lround(fx * (right - left));
		u->geom.y[i] = top + (int)lround(fy * (bottom - top));
	}
}

static bool in_box(const struct ui *u, int node, int x, int y)
{
	return abs(x - u->geom.x[node]) <= BOX_W / 2 && abs(y - u->geom.y[node]) <= BOX_H / 2;
}

/* The visible cells of the link from node a to node b, in that order. */
static void link_path(const struct ui *u, int a, int b, struct path *p)
{
	int x0 = u->geom.x[a], y0 = u->geom.y[a], x1 = u->geom.x[b], y1 = u->geom.y[b];
	int dx = x1 - x0, dy = y1 - y0, steps = abs(dx) > abs(dy) ? abs(dx) : abs(dy);
	int px = x0, py = y0;
	const struct ui_glyphs *g = u->g;

	p->n = 0;
	for (int s = 1; s <= steps && p->n < PATH_MAX_CELLS; s++) {
		int x = x0 + (int)lround((double)dx * s / steps);
		int y = y0 + (int)lround((double)dy * s / steps);
		const char *ch = y == py ? g->lh : x == px ? g->lv : (x - px) * (y - py) > 0 ? g->lfall : g->lrise;

		px = x;
		py = y;
		if (in_box(u, a, x, y) || in_box(u, b, x, y))
			continue;
		p->x[p->n] = x;
		p->y[p->n] = y;
		p->ch[p->n] = ch;
		p->n++;
	}
}

/* Index on path a>b for a fraction of the way from from to to. */
static int path_at(const struct path *p, bool forward, double frac)
{
	int i;

	if (frac < 0)
		frac = 0;
	if (frac > 1)
		frac = 1;
	i = (int)lround(frac * (p->n - 1));
	return forward ? i : p->n - 1 - i;
}

static int arrow_dir(const struct ui *u, int from, int to)
{
	int dx = u->geom.x[to] - u->geom.x[from], dy = u->geom.y[to] - u->geom.y[from];

	if (abs(dx) >= 2 * abs(dy))
		return dx >= 0 ? 0 : 1;
	return dy >= 0 ? 2 : 3;
}

static void draw_link(struct ui *u, const struct world *w, int a, int b)
{
	struct path p;
	bool ab = w->links[a][b].up, ba = w->links[b][a].up;
	attr_t at = ui_attr(u, ab && ba ? UR_LINK_UP : UR_LINK_CUT);
	int mid;

	link_path(u, a, b, &p);
	if (p.n == 0)
		return;
	for (int i = 0; i < p.n; i++)
		if ((ab && ba) || i % 2 == 0)
			ui_put(u->canvas, p.y[i], p.x[i], 1, at, p.ch[i]);
	if (ab && ba)
		return;
	/* A cut says so in glyphs, not only in colour: a cross, and an arrow
	 * for the direction that is cut when the other still works. */
	mid = p.n / 2;
	ui_put(u->canvas, p.y[mid], p.x[mid], 1, at, u->g->cut);
	if (ab != ba && mid + 1 < p.n) {
		int from = ab ? b : a, to = ab ? a : b;

		ui_put(u->canvas, p.y[mid], p.x[mid] + 1, 1, at, u->g->arrow[arrow_dir(u, from, to)]);
	}
}

static void draw_msgs(struct ui *u, const struct world *w, int64_t now_us)
{
	struct path p;

	for (size_t i = 0; i < w->msgs_cap; i++) {
		const struct msg *m = net_slot(w, i);
		enum msg_class c;
		double frac;
		int k;

		if (!m || m->from < 0 || m->to < 0 || m->from >= w->n || m->to >= w->n)
			continue;
		link_path(u, m->from < m->to ? m->from : m->to, m->from < m->to ? m->to : m->from, &p);
		if (p.n == 0)
			continue;
		frac = m->arrive_us > m->sent_us ? (double)(now_us - m->sent_us) / (double)(m->arrive_us - m->sent_us) : 1;
		k = path_at(&p, m->from < m->to, frac);
		c = msg_class(m);
		ui_put(u->canvas, p.y[k], p.x[k], 1, ui_attr(u, (enum ui_role)(UR_MSG_WRITE + c)), u->g->msg[c]);
	}
}

static void draw_drops(struct ui *u, uint64_t anim_ms)
{
	struct path p;

	for (int i = 0; i < UI_DROPS_MAX; i++) {
		const struct ui_drop *d = &u->drops[i];
		int k, fall;

		if (!d->used || d->from >= u->geom.n || d->to >= u->geom.n)
			continue;
		link_path(u, d->from < d->to ? d->from : d->to, d->from < d->to ? d->to : d->from, &p);
		if (p.n == 0)
			continue;
		k = path_at(&p, d->from < d->to, d->frac);
		fall = d->stamped ? (int)((anim_ms - d->start_ms) * 3 / (UI_DROP_MS + 1)) : 0;
		ui_put(u->canvas, p.y[k] + fall, p.x[k], 1, ui_attr(u, UR_MSG_DROP), u->g->drop);
	}
}

/* What a box's bottom edge says of trouble at the node: a conflict, an
 * invariant broken, both; in words and glyphs, so colour is not needed. */
static void node_trouble(struct ui *u, const struct world *w, int i, int y, int x)
{
	int nc = ui_node_conflicts(w, i), nb = ui_node_broken(w, i);

	if (nc)
		x += ui_printf(u->canvas, y, x, -1, ui_attr(u, UR_CONFLICT), "%s%s", u->g->conflict,
			       nb ? " " : "conflict");
	if (nb)
		ui_printf(u->canvas, y, x, -1, ui_attr(u, UR_BROKEN), "%sBROKEN", u->g->broken);
}

static void draw_node(struct ui *u, const struct world *w, int i)
{
	int x = u->geom.x[i] - BOX_W / 2, y = u->geom.y[i] - BOX_H / 2, room = BOX_W - 6;
	const struct node *nd = &w->nodes[i];
	const char *word, *mark = " ";
	enum ui_role r = ui_node_state(w, i, &word);
	char val[96] = "";

	if (nd->crashed)
		mark = u->g->crashed;
	else if (r == UR_NODE_REFUSING)
		mark = u->g->refusing;
	else if (w->mode == MODE_CP && nd->ld.role == ROLE_LEADER)
		mark = u->g->leader, r = UR_NODE_LEADER;
	else if (w->mode == MODE_CP && nd->ld.role == ROLE_CANDIDATE)
		mark = u->g->candidate;
	if (nd->crashed)
		snprintf(val, sizeof val, "down");
	else if (world_first_data_key(w) >= 0)
		ui_value(w, i, world_first_data_key(w), val, sizeof val);
	for (int j = 1; j < BOX_W - 1; j++)
		ui_put(u->canvas, y + 1, x + j, 1, A_NORMAL, " ");
	ui_box(u, u->canvas, y, x, BOX_H, BOX_W, ui_attr(u, i == u->sel ? UR_SELECTED : r));
	ui_printf(u->canvas, y + 1, x + 2, 3, ui_attr(u, r), "%c%s ", 'A' + i, mark);
	ui_put(u->canvas, y + 1, x + 5, room, ui_attr(u, r), val);
	if ((int)ui_cells(val) > room)  /* a long set: say it goes on */
		ui_put(u->canvas, y + 1, x + 4 + room, 1, ui_attr(u, UR_HINT), u->g->ellipsis);
	if (!nd->crashed)
		node_trouble(u, w, i, y + BOX_H - 1, x + 1);
	if (i == u->sel)
		ui_put(u->canvas, y + 1, x - 1, 1, ui_attr(u, UR_SELECTED), u->g->sel);
}

/* What the glyphs on the canvas mean, as many as fit on the last row. */
static void draw_legend(struct ui *u, int rows, int cols)
{
	static const char *const names[MC_CLASS_COUNT + 2] = { "write", "ack", "read", "reply", "vote",
							       "beat", "repair", "drop", "cut" };
	int x = 1;

	for (int c = 0; c < MC_CLASS_COUNT + 2; c++) {
		enum ui_role r = c < MC_CLASS_COUNT ? (enum ui_role)(UR_MSG_WRITE + c) :
				 c == MC_CLASS_COUNT ? UR_MSG_DROP : UR_LINK_CUT;
		const char *g = c < MC_CLASS_COUNT ? u->g->msg[c] : c == MC_CLASS_COUNT ? u->g->drop : u->g->cut;

		if (x + 1 + (int)strlen(names[c]) >= cols)
			break;
		x += ui_put(u->canvas, rows - 1, x, -1, ui_attr(u, r), g);
		x += ui_printf(u->canvas, rows - 1, x, -1, ui_attr(u, UR_HINT), "%s ", names[c]);
	}
}

/* The top row: what the cluster promises during a partition, derived from
 * the rules in force, in full when it fits, else briefly ("the majority
 * serves; cut-off servers stop once they notice"). The class is the status
 * bar's. The nodes' boxes start below it. */
static void draw_promise(struct ui *u, const struct world *w, int cols)
{
	char text[400], buf[420];

	world_promise(w, false, text, sizeof text);
	snprintf(buf, sizeof buf, "in a partition: %s", text);
	if ((int)ui_cells(buf) > cols - 2)
		world_promise(w, true, buf, sizeof buf);
	ui_put(u->canvas, 0, 1, cols - 2, ui_attr(u, UR_CAPTION), buf);
}

void ui_canvas_draw(struct ui *u, const struct ui_frame *f)
{
	const struct world *w = f->w;
	int rows, cols;

	getmaxyx(u->canvas, rows, cols);
	place_nodes(u, w->n, rows, cols);
	werase(u->canvas);
	for (int a = 0; a < w->n; a++)
		for (int b = a + 1; b < w->n; b++)
			draw_link(u, w, a, b);
	draw_msgs(u, w, f->now_us);
	draw_drops(u, f->anim_ms);
	for (int i = 0; i < w->n; i++)
		draw_node(u, w, i);
	draw_legend(u, rows, cols);
	draw_promise(u, w, cols);
	wnoutrefresh(u->canvas);
}

int ui_canvas_hit(const struct ui *u, const struct world *w, int y, int x, int *a, int *b)
{
	struct path p;

	y -= u->geom.oy;
	x -= u->geom.ox;
	for (int i = 0; i < u->geom.n && i < w->n; i++)
		if (in_box(u, i, x, y))
			return i;
	for (int i = 0; i < u->geom.n; i++) {
		for (int j = i + 1; j < u->geom.n; j++) {
			link_path(u, i, j, &p);
			for (int k = 0; k < p.n; k++) {
				if (p.y[k] == y && abs(p.x[k] - x) <= 1) {
					*a = i;
					*b = j;
					return -2;
				}
			}
		}
	}
	return -1;
}
