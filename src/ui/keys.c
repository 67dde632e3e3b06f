/* keys.c: the key table and what keys do. Every key maps to a command line
 * of the command language (filled in with the selected node, the asked
 * value, the next speed...) or to a purely visual action (select, scroll,
 * help). The help overlay, the key hint and the man page's list all come
 * from this one table. */
#include <stdio.h>
#include <string.h>

#include "capviz/ui_impl.h"

enum key_act {
	KA_CMD,                 /* run cmd (or alt when the condition holds) */
	KA_SELECT,              /* 1..7, or Tab for the next node */
	KA_WRITE,               /* ask the value, then run cmd with %v */
	KA_ASK_CUT,             /* ask two nodes, then cmd with %a %b */
	KA_ASK_ONEWAY,
	KA_PROMPT,
	KA_HELP,
	KA_OPS_SCROLL,          /* key: newer, key2: older */
	KA_LOG_SCROLL,          /* key: older, key2: newer */
	KA_MOUSE,
	KA_HEAL,                /* the heal chooser; it runs `heal X` */
	KA_RESOLVE,             /* the resolve chooser; it runs `resolve N K V` */
	KA_FORK,                /* the fork overlay */
	KA_SCORE,               /* the scoreboard */
	KA_FLAWS,               /* what broke consistency, with why */
	KA_THEME,               /* the next theme */
	KA_DIAGRAM,             /* the space-time diagram */
};

/* When alt replaces cmd. */
enum key_when { KW_NEVER, KW_CRASHED, KW_ISOLATED, KW_PAUSED, KW_NOT_CP, KW_LINK_DOWN };

struct key_def {
	int key;
	int key2;               /* a second key of the pair, 0 none */
	const char *name;       /* as the help shows it */
	const char *hint;       /* a word for the one-line hint, or NULL */
	const char *help;
	enum key_act act;
	const char *cmd;        /* %n node, %k key, %v value, %a %b asked nodes,
	                         * %p each other node, %l next level, %s speed,
	                         * %y next strategy, %P next preset */
	enum key_when when;
	const char *alt;
};

static const struct key_def keys[] = {
	{ '?', 0, "?", "help", "show this help (any key closes it)", KA_HELP, NULL, KW_NEVER, NULL },
	{ '1', '\t', "1-7/Tab", "select", "select node A..G; Tab selects the next one",
	  KA_SELECT, NULL, KW_NEVER, NULL },
	{ 'w', 0, "w", "write", "write at the selected node (asks the value, 500 by default)",
	  KA_WRITE, "write %n %k %v", KW_NEVER, NULL },
	{ 'r', 0, "r", "read", "read at the selected node", KA_CMD, "read %n %k", KW_NEVER, NULL },
	{ 'c', 0, "c", "cut", "cut or restore the link between two nodes (asks them)",
	  KA_ASK_CUT, "cut %a %b", KW_LINK_DOWN, "restore %a %b" },
	{ 'o', 0, "o", "one-way", "cut or restore one direction, from the first node to the second",
	  KA_ASK_ONEWAY, "cut %a>%b", KW_LINK_DOWN, "restore %a>%b" },
	{ 'i', 0, "i", "isolate", "isolate the selected node, or rejoin it",
	  KA_CMD, "isolate %n", KW_ISOLATED, "restore %n %p" },
	{ 'x', 0, "x", "crash", "crash the selected node, or recover it",
	  KA_CMD, "crash %n", KW_CRASHED, "recover %n" },
	{ 'm', 0, "m", "CP/AP", "switch between CP and AP", KA_CMD, "mode ap", KW_NOT_CP, "mode cp" },
	{ 'l', 0, "l", "levels", "cycle the levels: ap ONE, QUORUM, ALL; cp the read (local/sync, eventual/strong)",
	  KA_CMD, "%l", KW_NEVER, NULL },
	{ 'h', 0, "h", "heal", "heal: links return; where replicas diverge (ap) pick lww, crdt or merge; a leader-based "
	  "mode has nothing to choose: followers catch up from the leader's log",
	  KA_HEAL, NULL, KW_NEVER, NULL },
	{ 'y', 0, "y", "strategy", "cycle the strategy of reads and heals: lww, crdt, merge (used in mode ap; a "
	  "leader-based mode reconciles nothing)",
	  KA_CMD, "strategy %y", KW_NEVER, NULL },
	{ 'p', 0, "p", "preset", "cycle the presets: cassandra-one/-quorum/-all, dynamodb(-strong), zookeeper",
	  KA_CMD, "preset %P", KW_NEVER, NULL },
	{ 'v', 0, "v", "resolve", "resolve a conflict at the selected node by hand: pick a version",
	  KA_RESOLVE, NULL, KW_NEVER, NULL },
	{ 'f', 0, "f", "fork", "fork: heal copies of this state each way, side by side",
	  KA_FORK, NULL, KW_NEVER, NULL },
	{ 's', 0, "s", "score", "scoreboard: ok, failed, stale, lost, latency per side of the partition; PACELC measured",
	  KA_SCORE, NULL, KW_NEVER, NULL },
	{ 'e', 0, "e", "explain", "explain: every stale read, lost write and broken session, and why; why a node has no leader",
	  KA_FLAWS, NULL, KW_NEVER, NULL },
	{ 'd', 0, "d", "diagram", "space-time diagram: a lane per node, time down, every message an arrow "
	  "(in it: Up Down PgUp PgDn Home End scroll, + - zoom, b heartbeats, d closes)",
	  KA_DIAGRAM, NULL, KW_NEVER, NULL },
	{ 't', 0, "t", "theme", "next theme, in --list-themes order (colorblind, default, light, mono, projector, yours)",
	  KA_THEME, NULL, KW_NEVER, NULL },
	{ ' ', 0, "Space", "pause", "pause or resume", KA_CMD, "pause", KW_PAUSED, "resume" },
	{ 'n', 0, "n", "next", "next: run on at once to the scenario's next pause", KA_CMD, "next", KW_NEVER, NULL },
	{ 'R', 0, "R", "restart", "restart the scenario from its start (the file is read again)", KA_CMD, "restart",
	  KW_NEVER, NULL },
	{ '.', 0, ".", "step", "step: run exactly one event (pauses first)", KA_CMD, "step", KW_NEVER, NULL },
	{ '[', ']', "[ ]", "speed", "halve or double the speed (0.1 to 10)", KA_CMD, "speed %s", KW_NEVER, NULL },
	{ ':', 0, ":", "command", "type a command (Up/Down: history, Tab: completes, Esc: cancels)",
	  KA_PROMPT, NULL, KW_NEVER, NULL },
	{ KEY_PPAGE, KEY_NPAGE, "PgUp/PgDn", NULL, "scroll the client panel to newer or older requests",
	  KA_OPS_SCROLL, NULL, KW_NEVER, NULL },
	{ KEY_UP, KEY_DOWN, "Up/Down", NULL, "scroll the event log to older or newer lines",
	  KA_LOG_SCROLL, NULL, KW_NEVER, NULL },
	{ KEY_MOUSE, 0, "click", NULL, "on a node selects it; on a link cuts or restores it",
	  KA_MOUSE, "cut %a %b", KW_LINK_DOWN, "restore %a %b" },
	{ 'q', 0, "q", "quit", "quit", KA_CMD, "quit", KW_NEVER, NULL },
};

#define NKEYS (sizeof keys / sizeof keys[0])

/* Each key's help in at most 25 cells, in the table's order, for a help
 * that must fit two columns (80x24). */
static const char *const briefs[] = {
	"this help", "select A..G; Tab: next", "write (asks the value)", "read", "cut or restore a link",
	"cut or restore one way", "isolate or rejoin", "crash or recover", "switch CP and AP",
	"cycle levels, read option", "heal (ap: lww/crdt/merge)", "cycle the strategy", "cycle the presets",
	"resolve a conflict", "fork: three heals", "scoreboard", "why flagged, no leader", "space-time diagram", "next theme", "pause or resume", "on to the next pause", "restart the scenario", "step one event", "halve or double speed",
	"type a command", "scroll the requests", "scroll the event log", "select node, cut link", "quit",
};

_Static_assert(sizeof briefs / sizeof briefs[0] == NKEYS, "a brief help for every key");

static const struct key_def *find_key(int ch)
{
	if (ch >= '1' && ch <= '7')
		ch = '1';
	for (size_t i = 0; i < NKEYS; i++)
		if (keys[i].key == ch || (keys[i].key2 && keys[i].key2 == ch))
			return &keys[i];
	return NULL;
}

static bool isolated(const struct world *w, int node)
{
	for (int p = 0; p < w->n; p++)
		if (p != node && (w->links[node][p].up || w->links[p][node].up))
			return false;
	return w->n > 1;
}

static bool holds(const struct key_def *k, const struct ui *u, const struct ui_frame *f, int a, int b)
{
	const struct world *w = f->w;

	switch (k->when) {
	case KW_CRASHED:
		return w->nodes[u->sel].crashed;
	case KW_ISOLATED:
		return isolated(w, u->sel);
	case KW_PAUSED:
		return f->paused;
	case KW_NOT_CP:
		return w->mode != MODE_CP;
	case KW_LINK_DOWN:
		return k->act == KA_ASK_ONEWAY ? !w->links[a][b].up : !w->links[a][b].up || !w->links[b][a].up;
	default:
		return false;
	}
}

/* The preset after the current one, in enum preset order (one node: the
 * single node; more: every preset but single). */
static const char *next_preset(const struct world *w)
{
	int p = w->preset + 1;

	if (w->n == 1)
		return preset_name(PRESET_SINGLE);
	if (p >= PRESET_SINGLE)
		p = PRESET_NONE + 1;
	return preset_name((enum preset)p);
}

/* The command the l key gives next: in ap both levels, ONE, QUORUM, ALL
 * (with a Cassandra preset, the next Cassandra preset, so the preset
 * stays); in cp the read option of the preset's system (ZooKeeper's local
 * and sync, DynamoDB's eventual and strong; otherwise linearizable, local,
 * sync). */
static void next_level(const struct world *w, char *buf, size_t len)
{
	int r = world_op_level(w, OP_READ, LEVEL_DEFAULT), next;

	if (w->mode == MODE_AP) {
		next = w->read_level == LEVEL_ONE ? LEVEL_QUORUM : w->read_level == LEVEL_QUORUM ? LEVEL_ALL : LEVEL_ONE;
		if (w->preset >= PRESET_CASSANDRA_ONE && w->preset <= PRESET_CASSANDRA_ALL)
			snprintf(buf, len, "preset %s", preset_name((enum preset)(PRESET_CASSANDRA_ONE + next - LEVEL_ONE)));
		else
			snprintf(buf, len, "level %s", level_name(next));
		return;
	}
	if (w->preset == PRESET_DYNAMODB || w->preset == PRESET_DYNAMODB_STRONG)
		next = r == LEVEL_EVENTUAL ? LEVEL_STRONG : LEVEL_EVENTUAL;
	else if (w->preset == PRESET_ZOOKEEPER || w->preset == PRESET_SINGLE)
		next = r == LEVEL_LOCAL ? LEVEL_SYNC : LEVEL_LOCAL;
	else
		next = r == LEVEL_QUORUM ? LEVEL_LOCAL : r == LEVEL_LOCAL ? LEVEL_SYNC : LEVEL_QUORUM;
	snprintf(buf, len, "level read %s", level_name(next));
}

static double next_speed(double speed, bool slower)
{
	double s = slower ? speed / 2 : speed * 2;

	return s < 0.1 ? 0.1 : s > 10 ? 10 : s;
}

struct fill {
	const struct ui *u;
	const struct ui_frame *f;
	int a, b, peer;
	const char *value;
	int ch;                 /* the key pressed */
};

/* Writes one line of tpl into out, its placeholders filled. */
static void fill_line(const char *tpl, const struct fill *x, char *out, size_t len)
{
	const struct world *w = x->f->w;
	size_t n = 0;

	for (const char *p = tpl; *p && n + 1 < len; p++) {
		char buf[32] = "";

		if (*p != '%' || !p[1]) {
			out[n++] = *p;
			continue;
		}
		switch (*++p) {
		case 'n': snprintf(buf, sizeof buf, "%c", 'A' + x->u->sel); break;
		case 'a': snprintf(buf, sizeof buf, "%c", 'A' + x->a); break;
		case 'b': snprintf(buf, sizeof buf, "%c", 'A' + x->b); break;
		case 'p': snprintf(buf, sizeof buf, "%c", 'A' + x->peer); break;
		case 'k': snprintf(buf, sizeof buf, "%s", world_first_data_key(w) >= 0 ?
				   world_key_name(w, world_first_data_key(w)) : "balance"); break;
		case 'l': next_level(w, buf, sizeof buf); break;     /* a whole command */
		case 'y': snprintf(buf, sizeof buf, "%s", strategy_name((w->strategy + 1) % STRAT_COUNT)); break;
		case 'P': snprintf(buf, sizeof buf, "%s", next_preset(w)); break;
		case 's': snprintf(buf, sizeof buf, "%g", next_speed(x->f->speed, x->ch == '[')); break;
		case 'v': snprintf(buf, sizeof buf, "%.24s", x->value ? x->value : ""); break;
		default: snprintf(buf, sizeof buf, "%%%c", *p); break;
		}
		for (const char *q = buf; *q && n + 1 < len; q++)
			out[n++] = *q;
	}
	out[n] = '\0';
}

/* Adds the command(s) of k to out; %p makes one line per other node. */
static void emit(const struct key_def *k, struct fill *x, struct ui_cmds *out)
{
	const char *tpl = holds(k, x->u, x->f, x->a, x->b) ? k->alt : k->cmd;

	if (!tpl)
		return;
	if (!strstr(tpl, "%p")) {
		if (out->n < UI_CMDS_MAX)
			fill_line(tpl, x, out->line[out->n++], CMD_TEXT_MAX);
		return;
	}
	for (x->peer = 0; x->peer < x->f->w->n; x->peer++)
		if (x->peer != x->u->sel && out->n < UI_CMDS_MAX)
			fill_line(tpl, x, out->line[out->n++], CMD_TEXT_MAX);
}

static const struct key_def *ask_def(enum ui_ask a)
{
	return find_key(a == ASK_CUT ? 'c' : a == ASK_ONEWAY ? 'o' : 'w');
}

static int node_of_key(int ch, int n)
{
	int i = ch >= 'a' && ch <= 'g' ? ch - 'a' : ch >= 'A' && ch <= 'G' ? ch - 'A' :
		ch >= '1' && ch <= '7' ? ch - '1' : -1;

	return i < n ? i : -1;
}

static void ask_status(struct ui *u, const struct ui_frame *f)
{
	char buf[160];
	const char *what = u->ask == ASK_CUT ? "Cut or restore the link between" :
			   "Cut or restore one direction: from";

	if (u->ask_a < 0)
		snprintf(buf, sizeof buf, "%s which two nodes? Press A..%c (or 1..%d); Esc cancels.",
			 what, 'A' + f->w->n - 1, f->w->n);
	else
		snprintf(buf, sizeof buf, "%s %c and which other node? Esc cancels.", what, 'A' + u->ask_a);
	ui_status(u, false, buf);
}

/* A node chosen while a two-node question is open. */
static void ask_node(struct ui *u, int node, const struct ui_frame *f, struct ui_cmds *out)
{
	struct fill x = { u, f, u->ask_a, node, 0, NULL, 0 };

	if (node < 0 || node == u->ask_a) {
		ask_status(u, f);
		return;
	}
	if (u->ask_a < 0) {
		u->ask_a = node;
		ask_status(u, f);
		return;
	}
	emit(ask_def(u->ask), &x, out);
	u->ask = ASK_NONE;
	u->ask_a = -1;
	ui_status(u, false, "");
}

static void mouse_key(struct ui *u, const struct key_def *k, const struct ui_frame *f, struct ui_cmds *out)
{
	MEVENT me;
	int a = -1, b = -1, hit;
	struct fill x = { u, f, 0, 0, 0, NULL, 0 };

	if (getmouse(&me) != OK || !(me.bstate & (BUTTON1_PRESSED | BUTTON1_CLICKED)) || u->small)
		return;
	hit = ui_canvas_hit(u, f->w, me.y, me.x, &a, &b);
	if (hit >= 0 && (u->ask == ASK_CUT || u->ask == ASK_ONEWAY)) {
		ask_node(u, hit, f, out);
	} else if (hit >= 0) {
		u->sel = hit;
	} else if (hit == -2) {
		x.a = a;
		x.b = b;
		emit(k, &x, out);
	}
	u->dirty = true;
}

static void prompt_done(struct ui *u, const struct ui_frame *f, struct ui_cmds *out)
{
	struct fill x = { u, f, 0, 0, 0, u->prompt.buf, 0 };

	if (u->ask == ASK_WRITE) {
		emit(find_key('w'), &x, out);
	} else if (u->prompt.len > 0 && out->n < UI_CMDS_MAX) {
		ui_prompt_remember(u);
		snprintf(out->line[out->n++], CMD_TEXT_MAX, "%s", u->prompt.buf);
	}
	u->ask = ASK_NONE;
}

/* Keys while a question is open: the prompt, or two nodes to pick. */
static bool answer_key(struct ui *u, int ch, const struct ui_frame *f, struct ui_cmds *out)
{
	if (u->ask == ASK_PROMPT || u->ask == ASK_WRITE) {
		int r = ui_prompt_key(u, ch);

		if (r > 0)
			prompt_done(u, f, out);
		else if (r < 0)
			u->ask = ASK_NONE;
		u->dirty = true;
		return true;
	}
	if (u->ask == ASK_HEAL || u->ask == ASK_RESOLVE) {
		if (ch != KEY_MOUSE && ch != KEY_RESIZE)
			ui_heal_key(u, ch, f->w, out);
		return ch != KEY_MOUSE;
	}
	if (u->ask == ASK_CUT || u->ask == ASK_ONEWAY) {
		if (ch == KEY_MOUSE)
			return false;
		if (ch == 27 || ch == 7) {
			u->ask = ASK_NONE;
			u->ask_a = -1;
			ui_status(u, false, "cancelled");
		} else {
			ask_node(u, node_of_key(ch, f->w->n), f, out);
		}
		return true;
	}
	return false;
}

static void act(struct ui *u, const struct key_def *k, int ch, const struct ui_frame *f, struct ui_cmds *out)
{
	struct fill x = { u, f, 0, 0, 0, NULL, ch };
	char label[64];
	int page = u->clients ? getmaxy(u->clients) - 2 : 5;

	switch (k->act) {
	case KA_CMD:
		/* [ at the slowest, ] at the fastest: nothing to do (nor to record). */
		if (k->key == '[' && next_speed(f->speed, ch == '[') == f->speed) {
			ui_status(u, false, ch == '[' ? "speed: 0.1x is the slowest" : "speed: 10x is the fastest");
			break;
		}
		emit(k, &x, out);
		break;
	case KA_SELECT:
		if (ch == '\t')
			u->sel = (u->sel + 1) % f->w->n;
		else if (ch - '1' < f->w->n)
			u->sel = ch - '1';
		break;
	case KA_WRITE:
		snprintf(label, sizeof label, "write at %c: %s = ", 'A' + u->sel,
			 world_first_data_key(f->w) >= 0 ? world_key_name(f->w, world_first_data_key(f->w)) : "balance");
		u->ask = ASK_WRITE;
		ui_prompt_start(u, label, "500");
		break;
	case KA_ASK_CUT:
	case KA_ASK_ONEWAY:
		if (f->w->n == 1) {
			ui_status(u, true, "a single node has no links: no partition is possible, so there is no "
				  "choice to make (when the one node is down, nothing answers)");
			break;
		}
		u->ask = k->act == KA_ASK_CUT ? ASK_CUT : ASK_ONEWAY;
		u->ask_a = -1;
		ask_status(u, f);
		break;
	case KA_PROMPT:
		u->ask = ASK_PROMPT;
		ui_prompt_start(u, ":", "");
		break;
	case KA_HELP: u->show_help = true; break;
	case KA_SCORE: u->show_score = true; break;
	case KA_FLAWS: u->show_flaws = true; break;
	case KA_THEME: ui_theme_next(u); break;
	case KA_DIAGRAM: ui_st_open(u); break;
	case KA_OPS_SCROLL: u->ops_scroll += ch == k->key ? -page : page; break;
	case KA_LOG_SCROLL: u->log_scroll += ch == k->key ? 1 : -1; break;
	case KA_MOUSE: mouse_key(u, k, f, out); break;
	case KA_HEAL: ui_heal_open(u, f->w); break;
	case KA_RESOLVE: ui_resolve_open(u, f->w); break;
	case KA_FORK:
		if (!ui_fork_open(u, f->w))
			ui_status(u, true, "fork: out of memory");
		else if (!world_heal_reconciles(f->w, NULL, 0))
			ui_status(u, false, "fork: one heal: nothing to reconcile here, so no strategy to compare");
		break;
	}
	u->dirty = true;
}

void ui_key(struct ui *u, int ch, const struct ui_frame *f, struct ui_cmds *out)
{
	const struct key_def *k;

	out->n = 0;
	if (u->show_help && ch != KEY_MOUSE) {
		u->show_help = false;
		u->dirty = true;
		if (u->help) {
			delwin(u->help);
			u->help = NULL;
		}
		return;
	}
	if ((u->show_fork || u->show_score || u->show_flaws) && ch != KEY_MOUSE && ch != KEY_RESIZE) {
		u->show_fork = u->show_score = u->show_flaws = false;
		ui_overlay_close(u);
		return;
	}
	if (answer_key(u, ch, f, out))
		return;
	if (u->st.show && !u->small && ui_st_key(u, ch, f))
		return;
	k = find_key(ch);
	if (u->small && (!k || k->key != 'q'))
		return;         /* only quitting makes sense in a window too small */
	if (k) {
		act(u, k, ch, f, out);
	} else if (ch != KEY_RESIZE && ch != 27 && ch != '\n' && ch != '\r' && ch != KEY_ENTER) {
		/* Enter and Esc with nothing open are habits, not mistakes. */
		char buf[96];

		snprintf(buf, sizeof buf, "%s: no such key (press ? for the list of keys)", keyname(ch));
		ui_status(u, true, buf);
	}
}

bool ui_next_key(struct ui *u, const struct ui_frame *f, struct ui_cmds *out)
{
	int ch = wgetch(stdscr);

	out->n = 0;
	if (ch == ERR)
		return false;
	ui_key(u, ch, f, out);
	return true;
}

void ui_keys_text(char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < NKEYS && used < len; i++) {
		int n = snprintf(buf + used, len - used, "%s\t%s\n", keys[i].name, keys[i].help);

		used += n > 0 ? (size_t)n : 0;
	}
}

/* The hint line: the most useful keys that fit, shown in table order. */
void ui_hint_draw(struct ui *u)
{
	static const char prio[] = "?qwrimhefsc yvox.l:[1";
	bool shown[NKEYS] = { false };
	int x = 1, cols = getmaxx(u->hint), need = 1;

	for (const char *p = prio; *p; p++) {
		const struct key_def *k = find_key(*p);

		if (!k || !k->hint || need + (int)strlen(k->name) + (int)strlen(k->hint) + 2 > cols)
			continue;
		need += (int)strlen(k->name) + (int)strlen(k->hint) + 2;
		shown[k - keys] = true;
	}
	werase(u->hint);
	for (size_t i = 0; i < NKEYS; i++) {
		if (!shown[i])
			continue;
		x += ui_printf(u->hint, 0, x, -1, ui_attr(u, UR_TITLE), "%s", keys[i].name);
		x += ui_printf(u->hint, 0, x, -1, ui_attr(u, UR_HINT), ":%s ", keys[i].hint);
	}
	wnoutrefresh(u->hint);
}

/* The help overlay: every key of the table, then what the glyphs mean. */
void ui_help_draw(struct ui *u)
{
	int h = (int)NKEYS + 3, wd = u->cols - 2 < 110 ? u->cols - 2 : 110, y0, x0;
	bool legend = u->rows >= h;

	if (h > u->rows)    /* two columns then: half the rows, and a border */
		h = (int)NKEYS + 2 > u->rows ? ((int)NKEYS + 1) / 2 + 2 : u->rows;
	if (wd > u->cols)
		wd = u->cols;
	y0 = (u->rows - h) / 2;
	x0 = (u->cols - wd) / 2;
	if (!u->help)
		u->help = newwin(h, wd, y0, x0);
	if (!u->help)
		return;
	werase(u->help);
	ui_frame_box(u, u->help, "capviz keys (any key closes this help)");
	{
		/* Every key must be there: when one column is too tall for the
		 * window, two columns with the help cut short. */
		int rows = h - (legend ? 3 : 2), cols = (int)NKEYS > rows ? 2 : 1;
		int per = ((int)NKEYS + cols - 1) / cols, cw = (wd - 4) / cols;

		for (size_t i = 0; i < NKEYS; i++) {
			int r = 1 + (int)i % per, x = 2 + (int)i / per * cw;

			if (r > rows)
				continue;
			ui_put(u->help, r, x, 10, ui_attr(u, UR_TITLE), keys[i].name);
			ui_put(u->help, r, x + 10, cw - 12, A_NORMAL,
			       (int)ui_cells(keys[i].help) > cw - 12 ? briefs[i] : keys[i].help);
		}
	}
	if (legend)
		ui_printf(u->help, h - 2, 2, wd - 4, ui_attr(u, UR_HINT),
			  "%s leader %s refusing %s crashed %s cut %s dropped %s conflict %s broken",
			  u->g->leader, u->g->refusing, u->g->crashed, u->g->cut, u->g->drop, u->g->conflict, u->g->broken);
	touchwin(u->help);
	wnoutrefresh(u->help);
}
