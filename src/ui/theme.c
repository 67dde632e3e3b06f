/* theme.c: a theme on the terminal (the themes themselves are
 * theme_file.c's), and the glyph sets. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capviz/ui_impl.h"

const char *ui_role_name(enum ui_role r)
{
	const char *name = theme_role_name((int)r);

	return name ? name : "normal";
}

static attr_t curses_attrs(unsigned a)
{
	attr_t out = A_NORMAL;

	if (a & TA_BOLD)
		out |= A_BOLD;
	if (a & TA_DIM)
		out |= A_DIM;
	if (a & TA_UNDERLINE)
		out |= A_UNDERLINE;
	if (a & TA_REVERSE)
		out |= A_REVERSE;
	if (a & TA_STANDOUT)
		out |= A_STANDOUT;
#ifdef A_ITALIC
	if (a & TA_ITALIC)
		out |= A_ITALIC;
#endif
	return out;
}

/* A theme colour as this terminal shows it: 256 as they are, fewer by the
 * nearest of what it has; an 8-colour terminal shows a bright colour as
 * the plain one in bold. */
static short term_color(short c, int *bold)
{
	int n = COLORS >= 256 ? 256 : COLORS >= 16 ? 16 : 8;

	if (c >= 8 && c < 16 && n == 8)
		*bold = 1;
	return theme_color_degrade(c, n);
}

void ui_theme_apply(struct ui *u, const struct theme *t)
{
	struct theme mono;
	const struct theme *shown = t;

	/* No colour (--no-color, NO_COLOR, a terminal without): mono's
	 * attributes, though the theme chosen stays the one named (its glyphs
	 * too; the t key moves on from it). */
	if (!u->color) {
		theme_builtin(&mono, "mono");
		shown = &mono;
	}
	u->theme = *t;
	for (int r = 0; r < UR_COUNT; r++) {
		const struct theme_style *st = &shown->roles[r];
		int bold = 0;
		short fg, bg;

		if (!u->color || (st->fg < 0 && st->bg < 0)) {
			u->attr[r] = curses_attrs(st->attrs);
			continue;
		}
		fg = term_color(st->fg, &bold);
		bg = term_color(st->bg, &(int){ 0 });
		init_pair((short)(r + 1), fg, bg);
		u->attr[r] = COLOR_PAIR(r + 1) | curses_attrs(st->attrs) | (bold ? A_BOLD : A_NORMAL);
	}
	/* A theme may ask for ASCII; Unicode only where the locale (and
	 * --ascii) allow it. */
	u->g = ui_glyphs_get(u->utf8 && t->glyphs != TG_ASCII);
	u->dirty = true;
}

void ui_theme_next(struct ui *u)
{
	char names[64][THEME_NAME_MAX], err[600], msg[800];
	int n = theme_names(names, 64, u->datadirs), at = -1;

	for (int i = 0; i < n; i++)
		if (strcmp(names[i], u->theme.name) == 0)
			at = i;
	/* The next one that loads; a broken file is said and skipped. */
	for (int k = 1; k <= n; k++) {
		struct theme t;
		const char *name = names[(at + k) % n];

		if (theme_find(&t, name, u->datadirs, err, sizeof err) < 0) {
			snprintf(msg, sizeof msg, "theme %s does not load: %s", name, err);
			ui_status(u, true, msg);
			continue;
		}
		ui_theme_apply(u, &t);
		clearok(curscr, TRUE);
		snprintf(msg, sizeof msg, "theme %s: %s%s", t.name, t.description,
			 u->color ? "" : " (no colour here: mono)");
		ui_status(u, false, msg);
		return;
	}
}

/* Colours only when the terminal has them and nobody asked for none
 * (--no-color or NO_COLOR, https://no-color.org). */
void ui_theme_init(struct ui *u, const struct theme *t)
{
	const char *nc = getenv("NO_COLOR");

	if (u->color && (!has_colors() || (nc && *nc) || start_color() == ERR))
		u->color = false;
	if (u->color)
		use_default_colors();
	ui_theme_apply(u, t);
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
