/* draw.c: putting text and boxes into curses windows without ever writing
 * past a window's edge. Every glyph we use is one cell wide, so a cell is a
 * UTF-8 character here (text from scenarios is treated the same way). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "capviz/ui_impl.h"

size_t ui_cells(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

/* Bytes of s that fit in maxw cells, never splitting a character. */
static size_t fit_bytes(const char *s, int maxw)
{
	size_t i = 0;
	int cells = 0;

	while (s[i]) {
		size_t len = 1;

		while (((unsigned char)s[i + len] & 0xC0) == 0x80)
			len++;
		if (cells + 1 > maxw)
			break;
		cells++;
		i += len;
	}
	return i;
}

int ui_put(WINDOW *win, int y, int x, int maxw, attr_t a, const char *s)
{
	int rows, cols;
	size_t nb;

	getmaxyx(win, rows, cols);
	if (y < 0 || y >= rows || x < 0 || x >= cols)
		return 0;
	if (maxw < 0 || maxw > cols - x)
		maxw = cols - x;
	nb = fit_bytes(s, maxw);
	if (nb == 0)
		return 0;
	wattrset(win, a);
	mvwaddnstr(win, y, x, s, (int)nb);
	wattrset(win, A_NORMAL);
	return (int)ui_cells(s) < maxw ? (int)ui_cells(s) : maxw;
}

int ui_printf(WINDOW *win, int y, int x, int maxw, attr_t a, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	return ui_put(win, y, x, maxw, a, buf);
}

void ui_box(const struct ui *u, WINDOW *win, int y, int x, int h, int wd, attr_t a)
{
	const struct ui_glyphs *g = u->g;

	if (h < 2 || wd < 2)
		return;
	ui_put(win, y, x, 1, a, g->tl);
	ui_put(win, y, x + wd - 1, 1, a, g->tr);
	ui_put(win, y + h - 1, x, 1, a, g->bl);
	ui_put(win, y + h - 1, x + wd - 1, 1, a, g->br);
	for (int i = 1; i < wd - 1; i++) {
		ui_put(win, y, x + i, 1, a, g->h);
		ui_put(win, y + h - 1, x + i, 1, a, g->h);
	}
	for (int j = 1; j < h - 1; j++) {
		ui_put(win, y + j, x, 1, a, g->v);
		ui_put(win, y + j, x + wd - 1, 1, a, g->v);
	}
}

/* A panel's frame with its title on the top edge. */
void ui_frame_box(const struct ui *u, WINDOW *win, const char *title)
{
	int rows, cols;

	getmaxyx(win, rows, cols);
	ui_box(u, win, 0, 0, rows, cols, ui_attr(u, UR_BORDER));
	if (title && *title)
		ui_printf(win, 0, 2, cols - 4, ui_attr(u, UR_TITLE), " %s ", title);
}

/* Bytes of s to put on a row of wd cells: all that fit, broken after the
 * last space that fits when s goes on; *cells gets their width. */
static size_t wrap_cut(const char *s, int wd, int *cells)
{
	size_t i = 0, sp = 0;
	int n = 0, sp_cells = 0;

	while (s[i] && n < wd) {
		size_t len = 1;

		while (((unsigned char)s[i + len] & 0xC0) == 0x80)
			len++;
		if (s[i] == ' ' && n > wd / 3) {
			sp = i;
			sp_cells = n;
		}
		n++;
		i += len;
	}
	if (s[i] && s[i] != ' ' && sp > 0) {
		*cells = sp_cells;
		return sp;
	}
	*cells = n;
	return i;
}

int ui_wrap(const struct ui *u, WINDOW *win, int y, int x, int wd, int maxrows, attr_t a, const char *s, int indent)
{
	int rows = 0;

	while (*s && wd > indent + 1) {
		int cells, room = rows ? wd - indent : wd;
		size_t nb = wrap_cut(s, room, &cells);

		if (rows == maxrows) {
			if (win)        /* the last row says the text goes on */
				ui_put(win, y + rows - 1, x + wd - 1, 1, ui_attr(u, UR_HINT), u->g->ellipsis);
			break;
		}
		if (win)
			ui_put(win, y + rows, x + (rows ? indent : 0), cells, a, s);
		rows++;
		for (s += nb; *s == ' '; s++)
			;
	}
	return rows;
}
