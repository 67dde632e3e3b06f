/* ui_impl.h: what the files of src/ui share: the screen's state, colour
 * roles, glyph sets, and the painters of each part. Only src/ui includes it;
 * drivers see the opaque struct ui of ui.h. */
#ifndef CAPVIZ_UI_IMPL_H
#define CAPVIZ_UI_IMPL_H

#include <curses.h>
#include <stdbool.h>
#include <stdint.h>

#include "capviz/ui.h"
#include "capviz/world.h"

/* The smallest terminal every part fits in. */
#define UI_MIN_COLS 80
#define UI_MIN_ROWS 24

/* Semantic roles: drawing asks for a role, the theme picks the colour. The
 * msg roles follow enum msg_class, in its order. */
enum ui_role {
	UR_NORMAL,
	UR_NODE,
	UR_NODE_LEADER,
	UR_NODE_REFUSING,
	UR_NODE_CRASHED,
	UR_SELECTED,
	UR_LINK_UP,
	UR_LINK_CUT,
	UR_MSG_WRITE,
	UR_MSG_ACK,
	UR_MSG_READ,
	UR_MSG_REPLY,
	UR_MSG_VOTE,
	UR_MSG_HEARTBEAT,
	UR_MSG_REPAIR,
	UR_MSG_DROP,
	UR_RESULT_OK,
	UR_RESULT_ERROR,
	UR_RESULT_STALE,
	UR_RESULT_PENDING,
	UR_CAPTION,
	UR_STATUS,
	UR_PAUSED,
	UR_HINT,
	UR_TITLE,
	UR_BORDER,
	UR_COUNT
};

/* One glyph set: every string is one terminal cell wide. */
struct ui_glyphs {
	const char *h, *v, *tl, *tr, *bl, *br;  /* boxes */
	const char *lh, *lv, *lrise, *lfall;    /* link segments: - | / \ */
	const char *cut;
	const char *arrow[4];                   /* right, left, down, up */
	const char *msg[MC_CLASS_COUNT];
	const char *drop;
	const char *leader, *candidate, *refusing, *crashed, *sel;
	const char *paused, *running, *ellipsis;
};

#define UI_LOG_MAX 400
#define UI_LOG_LINE 192
#define UI_DROPS_MAX 48
#define UI_HIST_MAX 32
/* A dropped message is seen falling for this long (animation clock). */
#define UI_DROP_MS 900

struct ui_log_line {
	char text[UI_LOG_LINE];
	enum ui_role role;
};

struct ui_drop {
	bool used;
	bool stamped;           /* start_ms is known (set at the next frame) */
	int from, to;
	double frac;            /* where along the link it fell */
	enum msg_class cls;
	uint64_t start_ms;
};

/* What the next keys answer: the ordinary keys, or a question. */
enum ui_ask { ASK_NONE, ASK_CUT, ASK_ONEWAY, ASK_PROMPT, ASK_WRITE };

struct ui_prompt {
	char label[64];
	char buf[CMD_TEXT_MAX];
	size_t len, cur;
	char hist[UI_HIST_MAX][CMD_TEXT_MAX];
	int nhist;
	int hpos;               /* -1: editing a new line */
};

/* Where the canvas put each node (cell of its centre, box size). */
struct ui_geom {
	int n;
	int x[WORLD_MAX_NODES], y[WORLD_MAX_NODES];
	int boxw, boxh;
	int ox, oy;             /* the canvas window's origin on the screen */
};

struct ui {
	SCREEN *scr;
	const struct world *w;
	bool utf8, color;
	const struct ui_glyphs *g;
	attr_t attr[UR_COUNT];
	int rows, cols;
	bool small;
	WINDOW *status, *caption, *canvas, *cards, *clients, *log, *msgline, *hint, *help;
	bool dirty;             /* panels beyond the moving ones need painting */
	bool show_help;
	int sel;
	int ops_scroll, log_scroll;
	char caption_text[CMD_TEXT_MAX + 64];
	char status_text[CMD_ERR_MAX + 64];
	bool status_error;
	struct ui_log_line logs[UI_LOG_MAX];
	size_t nlogs;           /* total ever logged; the ring keeps the last UI_LOG_MAX */
	struct ui_drop drops[UI_DROPS_MAX];
	enum ui_ask ask;
	int ask_a;              /* first node of a two-node question, -1 none yet */
	struct ui_prompt prompt;
	struct ui_geom geom;
};

/* theme.c */
void ui_theme_init(struct ui *u);
const struct ui_glyphs *ui_glyphs_get(bool utf8);
const char *ui_role_name(enum ui_role r);
static inline attr_t ui_attr(const struct ui *u, enum ui_role r)
{
	return u->attr[r];
}

/* draw.c: cell-safe text and boxes */
/* Puts s at y, x in role r, cut to at most maxw cells; returns cells used. */
int ui_put(WINDOW *win, int y, int x, int maxw, attr_t a, const char *s);
int ui_printf(WINDOW *win, int y, int x, int maxw, attr_t a, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
void ui_box(const struct ui *u, WINDOW *win, int y, int x, int h, int wd, attr_t a);
void ui_frame_box(const struct ui *u, WINDOW *win, const char *title);
size_t ui_cells(const char *s);

/* canvas.c */
void ui_canvas_draw(struct ui *u, const struct ui_frame *f);
/* A click at screen cell y, x: a node (>= 0), or a link through a, b (-2),
 * or nothing (-1). */
int ui_canvas_hit(const struct ui *u, const struct world *w, int y, int x, int *a, int *b);

/* panels.c */
void ui_cards_draw(struct ui *u, const struct world *w);
void ui_clients_draw(struct ui *u, const struct world *w);
void ui_log_draw(struct ui *u);
/* node is serving, refusing (no quorum) or down; and the word for it */
enum ui_role ui_node_state(const struct world *w, int node, const char **word);

/* log.c */
void ui_log_add(struct ui *u, enum ui_role r, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* keys.c */
void ui_key(struct ui *u, int ch, const struct ui_frame *f, struct ui_cmds *out);
void ui_help_draw(struct ui *u);
void ui_hint_draw(struct ui *u);

/* prompt.c */
void ui_prompt_start(struct ui *u, const char *label, const char *init);
/* Edits the line with ch. Returns 1 when Enter was pressed (the line is in
 * u->prompt.buf), -1 when cancelled, 0 otherwise. */
int ui_prompt_key(struct ui *u, int ch);
void ui_prompt_draw(struct ui *u);
void ui_prompt_remember(struct ui *u);

#endif
