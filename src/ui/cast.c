/* cast.c: --record-cast, the live screen as an asciicast v2 file (what
 * `asciinema play` reads). Owns reading curses' idea of the screen after
 * each update and writing the rows that changed as terminal text; when
 * frames happen and what they show is screen.c's business.
 *
 * Why curscr and not the bytes curses sends: ncurses writes to its
 * terminal's file descriptor directly and sets terminal modes on it, so
 * the output cannot be teed. After doupdate, curscr holds exactly what the
 * terminal shows; we keep the screen as last recorded, compare, and write
 * each changed stretch of a row with its own cursor move and SGR codes. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wchar.h>

#include "capviz/ui_impl.h"

/* Two changes on a row closer than this many cells go out as one stretch:
 * a cursor move costs about as much as the cells in between. */
#define CAST_GAP 12
/* Pairs whose colours are kept between frames (capviz uses a few dozen). */
#define CAST_PAIRS 256

enum {
	CA_BOLD = 1 << 0,
	CA_DIM = 1 << 1,
	CA_ITALIC = 1 << 2,
	CA_UNDERLINE = 1 << 3,
	CA_BLINK = 1 << 4,
	CA_REVERSE = 1 << 5,
	CA_INVIS = 1 << 6,
};

/* A cell as the terminal shows it: the colours resolved (a theme change
 * gives a pair new colours, and the cells must then differ). ch[0] == 0
 * marks the right half of a wide character. Cells are compared with
 * memcmp, so every one is zeroed before it is filled. */
struct cast_cell {
	wchar_t ch[CCHARW_MAX];
	short fg, bg;           /* -1: the terminal's default */
	unsigned char attrs;    /* CA_* */
};

struct cast_buf {
	char *p;
	size_t len, cap;
};

struct ui_cast {
	FILE *f;
	char *path;
	int rows, cols;
	struct cast_cell *shown;        /* rows * cols: the screen as recorded */
	struct cast_cell *line;         /* cols: a row of curscr being read */
	bool whole;                     /* the next frame clears and draws all */
	struct cast_buf text;           /* the frame's terminal text, raw */
	struct cast_buf json;           /* the event line */
	struct cast_cell looks;         /* the SGR state the frame's text left */
	/* Each row as curses held it at the last frame: a row that has not
	 * changed is not decoded again (frames can come hundreds a second). */
	cchar_t *raw;                   /* rows * (cols + 1) */
	cchar_t *raw_row;               /* cols + 1: the row being read */
	short pairs[CAST_PAIRS][2];     /* fg, bg of the pairs seen */
	int maxpair;
	struct timespec start;
	int64_t last_us;                /* the last event's time; -1 before any */
	int err;                        /* the first write error; 0: none */
};

/* The VT100 line-drawing set, for a cell curses drew with A_ALTCHARSET
 * (a locale without UTF-8 gets ACS from the terminal, not Unicode). */
static wchar_t acs_unicode(wchar_t c)
{
	static const struct { char c; wchar_t u; } map[] = {
		{ '`', 0x25C6 }, { 'a', 0x2592 }, { 'f', 0x00B0 }, { 'g', 0x00B1 }, { 'h', 0x2591 },
		{ 'i', 0x240B }, { 'j', 0x2518 }, { 'k', 0x2510 }, { 'l', 0x250C }, { 'm', 0x2514 },
		{ 'n', 0x253C }, { 'o', 0x23BA }, { 'p', 0x23BB }, { 'q', 0x2500 }, { 'r', 0x23BC },
		{ 's', 0x23BD }, { 't', 0x251C }, { 'u', 0x2524 }, { 'v', 0x2534 }, { 'w', 0x252C },
		{ 'x', 0x2502 }, { 'y', 0x2264 }, { 'z', 0x2265 }, { '{', 0x03C0 }, { '|', 0x2260 },
		{ '}', 0x00A3 }, { '~', 0x00B7 }, { '+', 0x2192 }, { ',', 0x2190 }, { '-', 0x2191 },
		{ '.', 0x2193 }, { '0', 0x2588 },
	};

	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if ((wchar_t)map[i].c == c)
			return map[i].u;
	return c;
}

static void cell_blank(struct cast_cell *k)
{
	memset(k, 0, sizeof *k);
	k->ch[0] = L' ';
	k->fg = k->bg = -1;
}

static bool cell_is_blank(const struct cast_cell *k)
{
	return k->ch[0] == L' ' && k->ch[1] == 0 && k->attrs == 0 && k->fg == -1 && k->bg == -1;
}

static unsigned char cast_attrs(attr_t a)
{
	unsigned char out = 0;

	if (a & A_BOLD)
		out |= CA_BOLD;
	if (a & A_DIM)
		out |= CA_DIM;
#ifdef A_ITALIC
	if (a & A_ITALIC)
		out |= CA_ITALIC;
#endif
	if (a & A_UNDERLINE)
		out |= CA_UNDERLINE;
	if (a & A_BLINK)
		out |= CA_BLINK;
	if (a & (A_REVERSE | A_STANDOUT))
		out |= CA_REVERSE;
	if (a & A_INVIS)
		out |= CA_INVIS;
	return out;
}

/* Pair 0 is the terminal's own colours whatever it holds (curses sends
 * "original pair" for it); so is a pair curses cannot tell us about. */
static void pair_colours(int pair, short *fg, short *bg)
{
	int f = -1, b = -1;

	*fg = *bg = -1;
	if (pair <= 0 || extended_pair_content(pair, &f, &b) == ERR)
		return;
	*fg = f >= 0 && f < 256 ? (short)f : -1;
	*bg = b >= 0 && b < 256 ? (short)b : -1;
}

/* The colours of the pairs seen so far, taken afresh each frame; true
 * when one changed (a new theme), and every row must be read again. */
static bool pairs_changed(struct ui_cast *c)
{
	bool changed = false;

	for (int p = 1; p <= c->maxpair; p++) {
		short fg, bg;

		pair_colours(p, &fg, &bg);
		if (fg != c->pairs[p][0] || bg != c->pairs[p][1])
			changed = true;
		c->pairs[p][0] = fg;
		c->pairs[p][1] = bg;
	}
	return changed;
}

/* One cell of curscr into k; false when curses has none there. */
static bool read_cell(struct ui_cast *c, int y, int x, struct cast_cell *k)
{
	wchar_t wch[CCHARW_MAX + 1] = { 0 };
	cchar_t cc;
	attr_t a = 0;
	short spair = 0;
	int pair = 0;

	cell_blank(k);
	if (mvwin_wch(curscr, y, x, &cc) == ERR || getcchar(&cc, wch, &a, &spair, &pair) == ERR)
		return false;
	/* ncurses 6 returns the extended pair through opts; older ones leave
	 * it and the short pair is all there is. */
	if (pair == 0)
		pair = spair;
	for (int i = 0; i < CCHARW_MAX && wch[i]; i++)
		k->ch[i] = wch[i];
	/* Curses shows a control character as ^X in cells of its own; one
	 * here would be a surprise, and must not reach the replaying terminal. */
	if (k->ch[0] < L' ' || (k->ch[0] >= 0x7f && k->ch[0] < 0xa0)) {
		memset(k->ch, 0, sizeof k->ch);
		k->ch[0] = L' ';
	} else if (a & A_ALTCHARSET) {
		k->ch[0] = acs_unicode(k->ch[0]);
	}
	k->attrs = cast_attrs(a);
	if (pair > 0 && pair < CAST_PAIRS) {
		if (pair > c->maxpair) {
			for (int p = c->maxpair + 1; p <= pair; p++)
				pair_colours(p, &c->pairs[p][0], &c->pairs[p][1]);
			c->maxpair = pair;
		}
		k->fg = c->pairs[pair][0];
		k->bg = c->pairs[pair][1];
	} else {
		pair_colours(pair, &k->fg, &k->bg);
	}
	return true;
}

/* Row y of curscr into c->line. A wide character's second cell is marked
 * here, from the character's width, whatever curses keeps in it. */
static void read_row(struct ui_cast *c, int y)
{
	for (int x = 0; x < c->cols; x++) {
		struct cast_cell *k = &c->line[x];

		if (!read_cell(c, y, x, k))
			continue;
		if (wcwidth(k->ch[0]) != 2)
			continue;
		if (x + 1 >= c->cols) {
			cell_blank(k);  /* half a character: curses never shows one */
			continue;
		}
		c->line[x + 1] = *k;
		memset(c->line[x + 1].ch, 0, sizeof k->ch);
		x++;
	}
}

/* Appends to a buffer; false (ENOMEM remembered) when it cannot grow. */
static bool buf_put(struct ui_cast *c, struct cast_buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		char *p;

		while (cap < b->len + n + 1)
			cap *= 2;
		p = realloc(b->p, cap);
		if (!p) {
			if (!c->err)
				c->err = ENOMEM;
			return false;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
	return true;
}

static void buf_str(struct ui_cast *c, struct cast_buf *b, const char *s)
{
	buf_put(c, b, s, strlen(s));
}

/* A code point as UTF-8 (wchar_t is Unicode here); what is not one shows
 * as U+FFFD, so that the file stays valid UTF-8 and valid JSON. */
static void put_utf8(struct ui_cast *c, struct cast_buf *b, wchar_t wc)
{
	unsigned long u = (unsigned long)wc;
	char s[4];
	size_t n;

	if (u > 0x10FFFF || (u >= 0xD800 && u <= 0xDFFF))
		u = 0xFFFD;
	if (u < 0x80) {
		s[0] = (char)u;
		n = 1;
	} else if (u < 0x800) {
		s[0] = (char)(0xC0 | u >> 6);
		s[1] = (char)(0x80 | (u & 0x3F));
		n = 2;
	} else if (u < 0x10000) {
		s[0] = (char)(0xE0 | u >> 12);
		s[1] = (char)(0x80 | ((u >> 6) & 0x3F));
		s[2] = (char)(0x80 | (u & 0x3F));
		n = 3;
	} else {
		s[0] = (char)(0xF0 | u >> 18);
		s[1] = (char)(0x80 | ((u >> 12) & 0x3F));
		s[2] = (char)(0x80 | ((u >> 6) & 0x3F));
		s[3] = (char)(0x80 | (u & 0x3F));
		n = 4;
	}
	buf_put(c, b, s, n);
}

static void put_colour(char *s, size_t len, int base, short col)
{
	if (col < 8)
		snprintf(s, len, ";%d", base + col);
	else if (col < 16)
		snprintf(s, len, ";%d", base + 60 + col - 8);
	else
		snprintf(s, len, ";%d;5;%d", base + 8, col);
}

/* The SGR sequence for k's looks, from a reset: every change of looks
 * states them whole, which keeps the text right whatever came before. */
static void put_sgr(struct ui_cast *c, const struct cast_cell *k)
{
	static const unsigned char codes[] = { 1, 2, 3, 4, 5, 7, 8 };
	char s[64] = "\033[0", part[16];

	for (size_t i = 0; i < sizeof codes; i++)
		if (k->attrs & (1u << i)) {
			snprintf(part, sizeof part, ";%d", codes[i]);
			strcat(s, part);
		}
	if (k->fg >= 0) {
		put_colour(part, sizeof part, 30, k->fg);
		strcat(s, part);
	}
	if (k->bg >= 0) {
		put_colour(part, sizeof part, 40, k->bg);
		strcat(s, part);
	}
	strcat(s, "m");
	buf_str(c, &c->text, s);
}

static bool same_looks(const struct cast_cell *a, const struct cast_cell *b)
{
	return a->attrs == b->attrs && a->fg == b->fg && a->bg == b->bg;
}

/* Back to the terminal's own looks, unless already there. */
static void put_reset(struct ui_cast *c)
{
	if (c->looks.attrs || c->looks.fg >= 0 || c->looks.bg >= 0)
		buf_str(c, &c->text, "\033[0m");
	cell_blank(&c->looks);
}

/* Writes cells x0..x1 of row y (c->line). When the row is blank from some
 * cell in the stretch to its end, erasing to the end of the line does the
 * rest; then true (nothing after it on the row needs writing). Erasing
 * never follows a write into the last column: a terminal's cursor stays
 * on that column, and the erase would take the character away again. */
static bool put_stretch(struct ui_cast *c, int y, int x0, int x1)
{
	char mv[32];
	int end = c->cols;
	bool erase;

	while (end > 0 && cell_is_blank(&c->line[end - 1]))
		end--;
	erase = end <= x1;
	snprintf(mv, sizeof mv, "\033[%d;%dH", y + 1, x0 + 1);
	buf_str(c, &c->text, mv);
	for (int x = x0; x < (erase ? end : x1 + 1); x++) {
		const struct cast_cell *k = &c->line[x];

		if (k->ch[0] == 0)
			continue;       /* the right half of the wide character before */
		if (!same_looks(k, &c->looks)) {
			put_sgr(c, k);
			c->looks = *k;
		}
		for (int i = 0; i < CCHARW_MAX && k->ch[i]; i++)
			put_utf8(c, &c->text, k->ch[i]);
	}
	/* The erase fills with the current background: the default one. */
	if (erase) {
		put_reset(c);
		buf_str(c, &c->text, "\033[K");
	}
	return erase;
}

/* Row y as read against the row as recorded: each changed stretch goes
 * out, and the record becomes the row. */
static void diff_row(struct ui_cast *c, int y)
{
	struct cast_cell *old = c->shown + (size_t)y * (size_t)c->cols;
	const size_t sz = sizeof(struct cast_cell);
	int x = 0;

	while (x < c->cols) {
		int x0, x1, gap = 0;

		if (memcmp(&old[x], &c->line[x], sz) == 0) {
			x++;
			continue;
		}
		x0 = x1 = x;
		for (x++; x < c->cols && gap < CAST_GAP; x++) {
			if (memcmp(&old[x], &c->line[x], sz) != 0) {
				x1 = x;
				gap = 0;
			} else {
				gap++;
			}
		}
		/* A stretch starts and ends on whole characters. */
		if (x0 > 0 && c->line[x0].ch[0] == 0)
			x0--;
		if (x1 + 1 < c->cols && c->line[x1 + 1].ch[0] == 0)
			x1++;
		if (put_stretch(c, y, x0, x1))
			break;
		x = x1 + 1;
	}
	memcpy(old, c->line, sz * (size_t)c->cols);
}

static int64_t now_us(const struct ui_cast *c)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)(t.tv_sec - c->start.tv_sec) * 1000000 + (t.tv_nsec - c->start.tv_nsec) / 1000;
}

/* s as the inside of a JSON string: quote, backslash and control
 * characters escaped, UTF-8 as it is. */
static void put_json_string(struct ui_cast *c, struct cast_buf *b, const char *s, size_t n)
{
	size_t from = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];
		const char *esc;
		char hex[8];

		if (ch >= 0x20 && ch != '"' && ch != '\\')
			continue;
		if (ch == 0x1b)
			esc = "\\u001b";        /* by far the most common */
		else if (ch == '"')
			esc = "\\\"";
		else if (ch == '\\')
			esc = "\\\\";
		else if (ch == '\n')
			esc = "\\n";
		else if (ch == '\r')
			esc = "\\r";
		else
			esc = hex;
		if (esc == hex)
			snprintf(hex, sizeof hex, "\\u%04x", ch);
		buf_put(c, b, s + from, i - from);
		buf_str(c, b, esc);
		from = i + 1;
	}
	buf_put(c, b, s + from, n - from);
}

/* Writes one event line and flushes it, so that the file is whole at any
 * moment, even after a kill -9 (one write(2) per frame that changed
 * something: measured, under a tenth of the recording's own small cost).
 * A write error is remembered and ends the recording; the screen goes on. */
static void put_event(struct ui_cast *c, char type, const char *s, size_t n)
{
	int64_t t = now_us(c);
	char head[48];

	if (t <= c->last_us)
		t = c->last_us + 1;     /* times strictly increase */
	c->last_us = t;
	c->json.len = 0;
	snprintf(head, sizeof head, "[%lld.%06lld, \"%c\", \"", (long long)(t / 1000000),
		 (long long)(t % 1000000), type);
	buf_str(c, &c->json, head);
	put_json_string(c, &c->json, s, n);
	buf_str(c, &c->json, "\"]\n");
	if (c->err)
		return;
	errno = 0;
	if (fwrite(c->json.p, 1, c->json.len, c->f) != c->json.len || fflush(c->f) == EOF)
		c->err = errno ? errno : EIO;
}

static void put_env(struct ui_cast *c, struct cast_buf *b)
{
	const char *names[] = { "TERM", "SHELL" };
	bool any = false;

	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		const char *v = getenv(names[i]);

		if (!v)
			continue;
		buf_str(c, b, any ? ", \"" : ", \"env\": {\"");
		buf_str(c, b, names[i]);
		buf_str(c, b, "\": \"");
		put_json_string(c, b, v, strlen(v));
		buf_str(c, b, "\"");
		any = true;
	}
	if (any)
		buf_str(c, b, "}");
}

/* The record for a rows x cols screen, all blank; false (ENOMEM
 * remembered) when there is no memory for it. */
static bool cast_size(struct ui_cast *c, int rows, int cols)
{
	size_t r = (size_t)(rows > 0 ? rows : 1), w = (size_t)(cols > 0 ? cols : 1);
	struct cast_cell *shown = malloc(r * w * sizeof *shown), *line = malloc(w * sizeof *line);
	cchar_t *raw = calloc(r * (w + 1), sizeof *raw), *raw_row = calloc(w + 1, sizeof *raw_row);

	if (!shown || !line || !raw || !raw_row) {
		free(shown);
		free(line);
		free(raw);
		free(raw_row);
		if (!c->err)
			c->err = ENOMEM;
		return false;
	}
	free(c->shown);
	free(c->line);
	free(c->raw);
	free(c->raw_row);
	c->shown = shown;
	c->line = line;
	c->raw = raw;
	c->raw_row = raw_row;
	c->rows = rows;
	c->cols = cols;
	c->whole = true;
	return true;
}

static void cast_free(struct ui_cast *c)
{
	free(c->shown);
	free(c->line);
	free(c->raw);
	free(c->raw_row);
	free(c->text.p);
	free(c->json.p);
	free(c->path);
	free(c);
}

struct ui_cast *ui_cast_open(const char *path, int rows, int cols, char *err, size_t errlen)
{
	struct ui_cast *c = calloc(1, sizeof *c);
	char head[160];

	if (!c || !(c->path = strdup(path)) || !cast_size(c, rows, cols)) {
		snprintf(err, errlen, "--record-cast: out of memory");
		if (c)
			cast_free(c);
		return NULL;
	}
	c->last_us = -1;
	clock_gettime(CLOCK_MONOTONIC, &c->start);
	c->f = fopen(path, "w");
	if (!c->f) {
		snprintf(err, errlen, "--record-cast: cannot write %s: %s", path, strerror(errno));
		cast_free(c);
		return NULL;
	}
	snprintf(head, sizeof head, "{\"version\": 2, \"width\": %d, \"height\": %d, \"timestamp\": %lld, "
		 "\"title\": \"capviz\"", cols, rows, (long long)time(NULL));
	buf_str(c, &c->json, head);
	put_env(c, &c->json);
	buf_str(c, &c->json, "}\n");
	/* Written at once: a file that cannot take the header (a full disk,
	 * /dev/full) fails here, before the screen starts. */
	errno = 0;
	if (c->err || fwrite(c->json.p, 1, c->json.len, c->f) != c->json.len || fflush(c->f) == EOF) {
		snprintf(err, errlen, "--record-cast: cannot write %s: %s", path,
			 strerror(c->err ? c->err : errno ? errno : EIO));
		fclose(c->f);
		cast_free(c);
		return NULL;
	}
	return c;
}

/* True when row y of curscr is as it was at the last frame (then the
 * row needs no decoding); the row is remembered for the next. */
static bool row_same(struct ui_cast *c, int y)
{
	cchar_t *was = c->raw + (size_t)y * (size_t)(c->cols + 1);
	size_t n = (size_t)(c->cols + 1) * sizeof *was;

	memset(c->raw_row, 0, n);
	if (mvwin_wchnstr(curscr, y, 0, c->raw_row, c->cols) == ERR)
		return false;
	if (memcmp(was, c->raw_row, n) == 0)
		return true;
	memcpy(was, c->raw_row, n);
	return false;
}

void ui_cast_frame(struct ui_cast *c)
{
	bool all;
	int cy, cx;

	if (c->err)
		return;
	/* Reading moves curscr's cursor: put it back where curses has it. */
	getyx(curscr, cy, cx);
	c->text.len = 0;
	cell_blank(&c->looks);
	all = pairs_changed(c) || c->whole;
	if (c->whole) {
		/* Reset, clear, and hide the cursor (capviz hides it but for
		 * the prompt's, which the recording leaves out). */
		buf_str(c, &c->text, "\033[0m\033[H\033[2J\033[?25l");
		for (size_t i = 0; i < (size_t)c->rows * (size_t)c->cols; i++)
			cell_blank(&c->shown[i]);
	}
	for (int y = 0; y < c->rows; y++) {
		if (row_same(c, y) && !all)
			continue;
		read_row(c, y);
		diff_row(c, y);
	}
	wmove(curscr, cy, cx);
	put_reset(c);
	if (c->text.len)
		put_event(c, 'o', c->text.p, c->text.len);
	c->whole = false;
}

void ui_cast_resize(struct ui_cast *c, int rows, int cols)
{
	char size[32];

	/* A signal without a change of size: curses repaints the terminal,
	 * and curscr holds what the recording already shows. */
	if (c->err || (rows == c->rows && cols == c->cols))
		return;
	snprintf(size, sizeof size, "%dx%d", cols, rows);
	put_event(c, 'r', size, strlen(size));
	cast_size(c, rows, cols);
}

bool ui_cast_close(struct ui_cast *c)
{
	int e;

	if (!c)
		return true;
	e = c->err;
	errno = 0;
	if (fclose(c->f) == EOF && !e)
		e = errno ? errno : EIO;
	if (e)
		fprintf(stderr, "capviz: --record-cast: cannot write %s: %s\n", c->path, strerror(e));
	cast_free(c);
	return e == 0;
}
