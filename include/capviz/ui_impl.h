/* ui_impl.h: what the files of src/ui share: the screen's state, colour
 * roles, glyph sets, and the painters of each part. Only src/ui includes it;
 * drivers see the opaque struct ui of ui.h. */
#ifndef CAPVIZ_UI_IMPL_H
#define CAPVIZ_UI_IMPL_H

#include <curses.h>
#include <stdbool.h>
#include <stdint.h>

#include "capviz/theme.h"
#include "capviz/ui.h"
#include "capviz/world.h"

/* The smallest terminal every part fits in. */
#define UI_MIN_COLS 80
#define UI_MIN_ROWS 24


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
	const char *conflict, *broken;          /* siblings; an invariant broken */
};

#define UI_LOG_MAX 400
#define UI_LOG_LINE 512
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
enum ui_ask { ASK_NONE, ASK_CUT, ASK_ONEWAY, ASK_PROMPT, ASK_WRITE, ASK_HEAL, ASK_RESOLVE };

struct ui_prompt {
	char label[64];
	char buf[CMD_TEXT_MAX];
	size_t len, cur;
	char hist[UI_HIST_MAX][CMD_TEXT_MAX];
	int nhist;
	int hpos;               /* -1: editing a new line */
};

/* The fork overlay's snapshot: per strategy, paragraphs wrapped to the
 * column width when drawn (the terminal may change size meanwhile). */
#define UI_FORK_PARAS 48
#define UI_FORK_TEXT 480

struct ui_para {
	char text[UI_FORK_TEXT];
	enum ui_role role;
	bool optional;          /* shown only when the column has room for it */
};

struct ui_fork {
	int64_t at_us;          /* core time of the state healed */
	int ncols;              /* STRAT_COUNT, or 1 where a heal reconciles nothing */
	int npara[STRAT_COUNT];
	struct ui_para para[STRAT_COUNT][UI_FORK_PARAS];
};

/* Where the canvas put each node (cell of its centre, box size). */
struct ui_geom {
	int n;
	int x[WORLD_MAX_NODES], y[WORLD_MAX_NODES];
	int boxw, boxh;
	int ox, oy;             /* the canvas window's origin on the screen */
};

/* The space-time diagram's memory of the run: every message from its send
 * to its delivery or drop, and the marks on the lanes. */
struct ui_st_msg {
	int64_t sent_us;
	int64_t arrive_us;      /* when the network meant to deliver it */
	int64_t end_us;         /* delivered or dropped; -1 in flight */
	uint64_t id;
	int8_t from, to;
	uint8_t cls;            /* enum msg_class */
	bool dropped;
};

enum ui_st_kind { STM_CUT, STM_RESTORE, STM_CRASH, STM_RECOVER, STM_LEADER };

struct ui_st_mark {
	int64_t t_us;
	uint8_t kind;           /* enum ui_st_kind */
	int8_t node, peer;      /* a link: node>peer */
};

struct ui_st {
	struct ui_st_msg *msgs;
	size_t nmsgs, cap;
	size_t open;            /* no message before this index is in flight */
	int64_t forgot_us;      /* messages sent before were dropped from memory; 0 none */
	struct ui_st_mark *marks;
	size_t nmarks, mcap;
	bool show;
	bool follow;            /* the last row is the present */
	bool beats;             /* heartbeats drawn too */
	/* The last append node a delivered to b was a heartbeat (empty):
	 * b's reply to it is a heartbeat's answer. */
	bool beat_in[WORLD_MAX_NODES][WORLD_MAX_NODES];
	int zoom;               /* index in the table of row lengths */
	int64_t top_us;         /* the time of the first row when not following */
	WINDOW *win;
};

struct ui {
	SCREEN *scr;
	const struct world *w;
	bool utf8, color;
	struct theme theme;     /* the one on screen */
	const char *const *datadirs; /* where the t key finds more themes */
	const struct ui_glyphs *g;
	attr_t attr[UR_COUNT];
	int rows, cols;
	bool small;
	WINDOW *status, *caption, *canvas, *cards, *clients, *log, *msgline, *hint, *help, *overlay;
	bool dirty;             /* panels beyond the moving ones need painting */
	bool show_help;
	bool show_fork;         /* the fork overlay is open (any key closes it) */
	bool show_score;        /* the scoreboard is open (any key closes it) */
	bool show_flaws;        /* the list of what broke consistency is open (any key closes it) */
	int heal_pick;          /* the chooser's highlighted line */
	int resolve_node, resolve_key;  /* what the resolve chooser resolves */
	int sel;
	int ops_scroll, log_scroll;
	char caption_text[2 * CMD_TEXT_MAX + 64]; /* room for two joined */
	bool caption_set;       /* the caption came from the timeline, at caption_us */
	int64_t caption_us;
	size_t step, nsteps;    /* the timeline's progress, as last drawn */
	int caption_rows;       /* 1, or 2 for a caption too long for one */
	char status_text[CMD_ERR_MAX + 64];
	bool status_error;
	struct ui_log_line logs[UI_LOG_MAX];
	size_t nlogs;           /* total ever logged; the ring keeps the last UI_LOG_MAX */
	struct ui_drop drops[UI_DROPS_MAX];
	enum ui_ask ask;
	int ask_a;              /* first node of a two-node question, -1 none yet */
	struct ui_prompt prompt;
	struct ui_geom geom;
	/* The last link event logged, so its reverse joins it on one line. */
	bool link_held;
	int64_t link_t_us;
	int link_node, link_peer;
	bool link_up;
	size_t link_at;         /* its index in the ring (nlogs - 1 then) */
	/* The write each node last said it holds as a hint for each peer: a
	 * hint kept while the peer is away is logged once, not at every retry. */
	uint64_t hint_wid[WORLD_MAX_NODES][WORLD_MAX_NODES];
	struct ui_fork fork;
	struct ui_cast *cast;   /* --record-cast: NULL when not recording */
	struct ui_st st;        /* the space-time diagram */
};

/* theme.c */
void ui_theme_init(struct ui *u, const struct theme *t);
/* Puts theme t on the screen (mono when there is no colour); repaints. */
void ui_theme_apply(struct ui *u, const struct theme *t);
/* The t key: the next theme found (theme_names order) that loads. */
void ui_theme_next(struct ui *u);
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
/* Puts s from y, x in rows of wd cells (the rows after the first indented
 * by indent), broken at spaces, at most maxrows of them (an ellipsis says
 * when s was cut). With win NULL only counts. Returns the rows used. */
int ui_wrap(const struct ui *u, WINDOW *win, int y, int x, int wd, int maxrows, attr_t a, const char *s,
	    int indent);

/* canvas.c */
void ui_canvas_draw(struct ui *u, const struct ui_frame *f);
/* A click at screen cell y, x: a node (>= 0), or a link through a, b (-2),
 * or nothing (-1). */
int ui_canvas_hit(const struct ui *u, const struct world *w, int y, int x, int *a, int *b);

/* panels.c */
void ui_cards_draw(struct ui *u, const struct world *w);
void ui_clients_draw(struct ui *u, const struct world *w);
void ui_log_draw(struct ui *u);
/* What a read at node sees of key now ("60", "{apple}"); false when the
 * node has no value (buf then holds "-"). */
bool ui_value(const struct world *w, int node, int key, char *buf, size_t len);
/* Keys of node holding concurrent versions; invariants node breaks. */
int ui_node_conflicts(const struct world *w, int node);
int ui_node_broken(const struct world *w, int node);
/* node is serving, refusing (no quorum) or down; and the word for it */
enum ui_role ui_node_state(const struct world *w, int node, const char **word);

/* What an operation asked ("read", "write 500"), and its outcome in words
 * ("STALE 100 (missed v2: 500)") with the role that colours it. */
void ui_op_what(char *buf, size_t len, const struct world *w, const struct op *op);
enum ui_role ui_op_outcome(char *buf, size_t len, const struct world *w, const struct op *op);

/* spacetime.c: the space-time diagram (d): a lane per node, time down */
/* Remembers the messages, cuts and crashes the diagram draws. */
void ui_st_event(struct ui *u, const struct event *e);
void ui_st_draw(struct ui *u, const struct ui_frame *f);
/* A key while the diagram is open: true when it was the diagram's own. */
bool ui_st_key(struct ui *u, int ch, const struct ui_frame *f);
void ui_st_open(struct ui *u);
void ui_st_close(struct ui *u);
/* Forgets the run (a restart); frees what it holds. */
void ui_st_reset(struct ui *u);

/* log.c */
void ui_log_add(struct ui *u, enum ui_role r, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* keys.c */
void ui_key(struct ui *u, int ch, const struct ui_frame *f, struct ui_cmds *out);
void ui_help_draw(struct ui *u);
void ui_hint_draw(struct ui *u);

/* heal.c: the choosers (heal strategy; a version to resolve by hand) and
 * the fork overlay */
void ui_heal_open(struct ui *u, const struct world *w);
/* At the selected node; says so in the status line when it has no conflict. */
void ui_resolve_open(struct ui *u, const struct world *w);
/* A key while a chooser is open; out gets `heal X` or `resolve N K V`. */
void ui_heal_key(struct ui *u, int ch, const struct world *w, struct ui_cmds *out);
void ui_heal_draw(struct ui *u, const struct world *w);
/* Heals copies of w each way and opens the overlay; false when memory ran out. */
bool ui_fork_open(struct ui *u, const struct world *w);
void ui_fork_draw(struct ui *u);
void ui_overlay_close(struct ui *u);
/* lens.c: the scoreboard and the list of consistency flaws, with why */
void ui_score_draw(struct ui *u, const struct world *w);
void ui_flaws_draw(struct ui *u, const struct world *w);

/* cast.c: --record-cast, the screen as an asciicast v2 (asciinema's
 * format): a header line, then one [time, "o", text] line per frame that
 * changed something, the text redrawing the rows that changed. */
struct ui_cast;
/* Creates path and writes the header for a rows x cols screen; NULL with
 * err set when it cannot. */
struct ui_cast *ui_cast_open(const char *path, int rows, int cols, char *err, size_t errlen);
/* After doupdate: what curscr shows now that the last frame did not. */
void ui_cast_frame(struct ui_cast *c);
/* The terminal changed size (a resize event; the next frame is whole). */
void ui_cast_resize(struct ui_cast *c, int rows, int cols);
/* Flushes, closes and frees; false when writing failed at some point. */
bool ui_cast_close(struct ui_cast *c);

/* prompt.c */
void ui_prompt_start(struct ui *u, const char *label, const char *init);
/* Edits the line with ch. Returns 1 when Enter was pressed (the line is in
 * u->prompt.buf), -1 when cancelled, 0 otherwise. */
int ui_prompt_key(struct ui *u, int ch);
void ui_prompt_draw(struct ui *u);
void ui_prompt_remember(struct ui *u);

#endif
