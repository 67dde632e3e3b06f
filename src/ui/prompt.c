/* prompt.c: the one-line editor under the panels, used by `:` (any command,
 * with history and completion of command words) and by questions such as
 * the value to write. It edits text only; what the line means is up to the
 * key that opened it. */
#include <string.h>

#include "capviz/ui_impl.h"

void ui_prompt_start(struct ui *u, const char *label, const char *init)
{
	struct ui_prompt *p = &u->prompt;

	snprintf(p->label, sizeof p->label, "%s", label);
	snprintf(p->buf, sizeof p->buf, "%s", init);
	p->len = p->cur = strlen(p->buf);
	p->hpos = -1;
	curs_set(1);
	u->dirty = true;
}

void ui_prompt_remember(struct ui *u)
{
	struct ui_prompt *p = &u->prompt;

	if (p->nhist > 0 && strcmp(p->hist[p->nhist - 1], p->buf) == 0)
		return;
	if (p->nhist == UI_HIST_MAX) {
		memmove(p->hist[0], p->hist[1], sizeof p->hist[0] * (UI_HIST_MAX - 1));
		p->nhist--;
	}
	snprintf(p->hist[p->nhist++], sizeof p->hist[0], "%s", p->buf);
}

static void set_line(struct ui_prompt *p, const char *s)
{
	snprintf(p->buf, sizeof p->buf, "%s", s);
	p->len = p->cur = strlen(p->buf);
}

static void history(struct ui *u, int dir)
{
	struct ui_prompt *p = &u->prompt;
	int pos = p->hpos < 0 ? p->nhist : p->hpos;

	if (u->ask != ASK_PROMPT || p->nhist == 0)
		return;
	pos += dir;
	if (pos < 0)
		pos = 0;
	if (pos >= p->nhist) {
		p->hpos = -1;
		set_line(p, "");
		return;
	}
	p->hpos = pos;
	set_line(p, p->hist[pos]);
}

/* Completes the first word from cmd_words: the whole word when one fits,
 * else the part every candidate shares, listing them in the status line. */
static void complete(struct ui *u)
{
	struct ui_prompt *p = &u->prompt;
	size_t wl = strcspn(p->buf, " "), common = 0;
	const char *first = NULL;
	char list[CMD_ERR_MAX] = "";
	int n = 0;

	if (u->ask != ASK_PROMPT || p->cur > wl)
		return;
	for (const char *const *w = cmd_words; *w; w++) {
		if (strncmp(*w, p->buf, wl) != 0)
			continue;
		if (!first) {
			first = *w;
			common = strlen(*w);
		}
		while (common > 0 && strncmp(first, *w, common) != 0)
			common--;
		if (strlen(list) + strlen(*w) + 2 < sizeof list)
			strcat(strcat(list, " "), *w);
		n++;
	}
	if (!first)
		return;
	if (n > 1)
		ui_status(u, false, list);
	if (p->len - wl + common + 2 >= sizeof p->buf)
		return;
	memmove(p->buf + common, p->buf + wl, p->len - wl + 1);
	memcpy(p->buf, first, common);
	p->len = strlen(p->buf);
	p->cur = common;
	if (n == 1 && p->buf[common] != ' ') {
		memmove(p->buf + common + 1, p->buf + common, p->len - common + 1);
		p->buf[common] = ' ';
		p->len++;
	}
	if (n == 1)
		p->cur = common + 1;
}

static void insert(struct ui_prompt *p, int ch)
{
	if (p->len + 1 >= sizeof p->buf)
		return;
	memmove(p->buf + p->cur + 1, p->buf + p->cur, p->len - p->cur + 1);
	p->buf[p->cur++] = (char)ch;
	p->len++;
}

static void erase_back(struct ui_prompt *p)
{
	if (p->cur == 0)
		return;
	memmove(p->buf + p->cur - 1, p->buf + p->cur, p->len - p->cur + 1);
	p->cur--;
	p->len--;
}

int ui_prompt_key(struct ui *u, int ch)
{
	struct ui_prompt *p = &u->prompt;

	switch (ch) {
	case '\r': case '\n': case KEY_ENTER:
		curs_set(0);
		return 1;
	case 27: case 7:        /* Esc, ^G */
		curs_set(0);
		return -1;
	case KEY_BACKSPACE: case 127: case 8: erase_back(p); break;
	case KEY_DC: if (p->cur < p->len) { p->cur++; erase_back(p); } break;
	case KEY_LEFT: if (p->cur > 0) p->cur--; break;
	case KEY_RIGHT: if (p->cur < p->len) p->cur++; break;
	case KEY_HOME: case 1: p->cur = 0; break;
	case KEY_END: case 5: p->cur = p->len; break;
	case 21: p->buf[0] = '\0'; p->len = p->cur = 0; break;       /* ^U */
	case KEY_UP: history(u, -1); break;
	case KEY_DOWN: history(u, 1); break;
	case '\t': complete(u); break;
	default:
		if (ch >= 32 && ch < 127)
			insert(p, ch);
		break;
	}
	return 0;
}

void ui_prompt_draw(struct ui *u)
{
	struct ui_prompt *p = &u->prompt;
	int cols = getmaxx(u->msgline), x, off = 0;

	werase(u->msgline);
	x = 1 + ui_put(u->msgline, 0, 1, cols - 2, ui_attr(u, UR_TITLE), p->label);
	if ((int)p->cur > cols - x - 2)
		off = (int)p->cur - (cols - x - 2);
	ui_put(u->msgline, 0, x, cols - x - 1, A_NORMAL, p->buf + off);
	wmove(u->msgline, 0, x + (int)p->cur - off);
	wnoutrefresh(u->msgline);
}
