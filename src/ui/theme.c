/* theme.c: colour roles and glyph sets. A role has a colour (for terminals
 * that have them) and attributes that carry it in monochrome; themes loaded
 * from files will replace this built-in table, never the drawing code. */
#include <stdlib.h>

#include "capviz/ui_impl.h"

struct role_def {
	const char *name;
	short fg;               /* -1: the terminal's default */
	short bg;
	attr_t color_attr;      /* added to the colour */
	attr_t mono_attr;       /* instead of the colour */
};

static const struct role_def roles[UR_COUNT] = {
	[UR_NORMAL] = { "normal", -1, -1, A_NORMAL, A_NORMAL },
	[UR_NODE] = { "node", -1, -1, A_BOLD, A_BOLD },
	[UR_NODE_LEADER] = { "node.leader", COLOR_CYAN, -1, A_BOLD, A_BOLD | A_UNDERLINE },
	[UR_NODE_REFUSING] = { "node.refusing", COLOR_YELLOW, -1, A_BOLD, A_UNDERLINE },
	[UR_NODE_CRASHED] = { "node.crashed", COLOR_RED, -1, A_DIM, A_DIM },
	[UR_SELECTED] = { "selected", -1, -1, A_REVERSE | A_BOLD, A_REVERSE | A_BOLD },
	[UR_LINK_UP] = { "link.up", COLOR_BLUE, -1, A_NORMAL, A_NORMAL },
	[UR_LINK_CUT] = { "link.cut", COLOR_RED, -1, A_BOLD, A_DIM },
	[UR_MSG_WRITE] = { "msg.write", COLOR_MAGENTA, -1, A_BOLD, A_BOLD },
	[UR_MSG_ACK] = { "msg.ack", COLOR_MAGENTA, -1, A_NORMAL, A_NORMAL },
	[UR_MSG_READ] = { "msg.read", COLOR_GREEN, -1, A_BOLD, A_BOLD },
	[UR_MSG_REPLY] = { "msg.reply", COLOR_GREEN, -1, A_NORMAL, A_NORMAL },
	[UR_MSG_VOTE] = { "msg.vote", COLOR_YELLOW, -1, A_BOLD, A_BOLD },
	[UR_MSG_HEARTBEAT] = { "msg.heartbeat", COLOR_CYAN, -1, A_DIM, A_DIM },
	[UR_MSG_REPAIR] = { "msg.repair", COLOR_BLUE, -1, A_BOLD, A_BOLD },
	[UR_MSG_DROP] = { "msg.drop", COLOR_RED, -1, A_BOLD, A_BOLD },
	[UR_RESULT_OK] = { "result.ok", COLOR_GREEN, -1, A_BOLD, A_NORMAL },
	[UR_RESULT_ERROR] = { "result.error", COLOR_RED, -1, A_BOLD, A_BOLD },
	[UR_RESULT_STALE] = { "result.stale", COLOR_YELLOW, -1, A_BOLD, A_BOLD | A_UNDERLINE },
	[UR_RESULT_PENDING] = { "result.pending", -1, -1, A_DIM, A_DIM },
	[UR_CAPTION] = { "caption", COLOR_WHITE, -1, A_BOLD, A_BOLD },
	[UR_STATUS] = { "status", COLOR_BLACK, COLOR_CYAN, A_NORMAL, A_REVERSE },
	[UR_PAUSED] = { "status.paused", COLOR_BLACK, COLOR_YELLOW, A_BOLD, A_REVERSE | A_BOLD },
	[UR_HINT] = { "hint", -1, -1, A_DIM, A_DIM },
	[UR_TITLE] = { "title", -1, -1, A_BOLD, A_BOLD },
	[UR_BORDER] = { "border", COLOR_BLUE, -1, A_NORMAL, A_NORMAL },
	[UR_RESULT_LOST] = { "result.lost", COLOR_RED, -1, A_BOLD | A_REVERSE, A_BOLD | A_REVERSE },
	[UR_CONFLICT] = { "conflict", COLOR_MAGENTA, -1, A_BOLD, A_BOLD | A_UNDERLINE },
	[UR_BROKEN] = { "invariant.broken", COLOR_RED, -1, A_BOLD, A_BOLD | A_UNDERLINE },
	[UR_RESOLVE] = { "resolve", COLOR_CYAN, -1, A_NORMAL, A_NORMAL },
};

const char *ui_role_name(enum ui_role r)
{
	return (unsigned)r < UR_COUNT ? roles[r].name : "normal";
}

/* Colours only when the terminal has them and nobody asked for none
 * (--no-color or NO_COLOR, https://no-color.org). */
void ui_theme_init(struct ui *u)
{
	const char *nc = getenv("NO_COLOR");

	if (u->color && (!has_colors() || (nc && *nc) || start_color() == ERR))
		u->color = false;
	if (u->color)
		use_default_colors();
	for (int r = 0; r < UR_COUNT; r++) {
		if (!u->color || (roles[r].fg < 0 && roles[r].bg < 0)) {
			u->attr[r] = u->color ? roles[r].color_attr : roles[r].mono_attr;
			continue;
		}
		init_pair((short)r, roles[r].fg, roles[r].bg);
		u->attr[r] = COLOR_PAIR(r) | roles[r].color_attr;
	}
}

static const struct ui_glyphs utf8_glyphs = {
	"─", "│", "┌", "┐", "└", "┘",
	"─", "│", "╱", "╲",
	"╳",
	{ "→", "←", "↓", "↑" },
	{ [MC_WRITE] = "◆", [MC_ACK] = "◇", [MC_READ] = "●", [MC_REPLY] = "○",
	  [MC_VOTE] = "✦", [MC_HEARTBEAT] = "♥", [MC_REPAIR] = "✚" },
	"×",
	"★", "?", "⊘", "✗", "▸",
	"❚❚", "▶", "…",
	"≠", "↯",
};

static const struct ui_glyphs ascii_glyphs = {
	"-", "|", "+", "+", "+", "+",
	"-", "|", "/", "\\",
	"X",
	{ ">", "<", "v", "^" },
	{ [MC_WRITE] = "W", [MC_ACK] = "a", [MC_READ] = "R", [MC_REPLY] = "r",
	  [MC_VOTE] = "V", [MC_HEARTBEAT] = "h", [MC_REPAIR] = "+" },
	"x",
	"*", "?", "!", "X", ">",
	"||", ">", "~",
	"%", "#",
};

const struct ui_glyphs *ui_glyphs_get(bool utf8)
{
	return utf8 ? &utf8_glyphs : &ascii_glyphs;
}
