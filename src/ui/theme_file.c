/* theme_file.c: themes as files (theme.h). A theme file is INI:
 *
 *     [theme]
 *     name        = projector
 *     description = High contrast and bold, for a washed-out projector.
 *     glyphs      = unicode | ascii          (optional)
 *     [roles]
 *     link.cut    = bright-red bold
 *     status      = black on bright-white bold
 *
 * A role's value: a colour (a name, bright-NAME, colorN with N 0..255,
 * #rrggbb, or default), "on" and a background colour, and attributes
 * (bold, dim, underline, reverse, standout, italic), in any order; "none"
 * for plain text. Roles not named keep the default theme's. Files are
 * checked as scenarios are (ini_text.h), then read with inih, counting
 * lines here so that every error names its line. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <ini.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "capviz/infile.h"
#include "capviz/ini_text.h"
#include "capviz/theme.h"

static const char *const role_names[UR_COUNT] = {
	[UR_NORMAL] = "normal", [UR_NODE] = "node", [UR_NODE_LEADER] = "node.leader",
	[UR_NODE_REFUSING] = "node.refusing", [UR_NODE_CRASHED] = "node.crashed", [UR_SELECTED] = "selected",
	[UR_LINK_UP] = "link.up", [UR_LINK_CUT] = "link.cut", [UR_MSG_WRITE] = "msg.write", [UR_MSG_ACK] = "msg.ack",
	[UR_MSG_READ] = "msg.read", [UR_MSG_REPLY] = "msg.reply", [UR_MSG_VOTE] = "msg.vote",
	[UR_MSG_HEARTBEAT] = "msg.heartbeat", [UR_MSG_REPAIR] = "msg.repair", [UR_MSG_DROP] = "msg.drop",
	[UR_RESULT_OK] = "result.ok", [UR_RESULT_ERROR] = "result.error", [UR_RESULT_STALE] = "result.stale",
	[UR_RESULT_PENDING] = "result.pending", [UR_CAPTION] = "caption", [UR_STATUS] = "status",
	[UR_PAUSED] = "status.paused", [UR_HINT] = "hint", [UR_TITLE] = "title", [UR_BORDER] = "border",
	[UR_RESULT_LOST] = "result.lost", [UR_CONFLICT] = "conflict", [UR_BROKEN] = "invariant.broken",
	[UR_RESOLVE] = "resolve", [UR_RESULT_UNKNOWN] = "result.unknown",
};

const char *theme_role_name(int role)
{
	return role >= 0 && role < UR_COUNT ? role_names[role] : NULL;
}

/* --- the built-in themes --- */

enum { BLACK, RED, GREEN, YELLOW, BLUE, MAGENTA, CYAN, WHITE };
#define NONE (-1)
#define S(fg, bg, a) { fg, bg, a }

/* The default (dark) theme: the colour a role has, and the attributes that
 * go with it. */
static const struct theme_style default_roles[UR_COUNT] = {
	[UR_NORMAL] = S(NONE, NONE, 0),
	[UR_NODE] = S(NONE, NONE, TA_BOLD),
	[UR_NODE_LEADER] = S(CYAN, NONE, TA_BOLD),
	[UR_NODE_REFUSING] = S(YELLOW, NONE, TA_BOLD),
	[UR_NODE_CRASHED] = S(RED, NONE, TA_DIM),
	[UR_SELECTED] = S(NONE, NONE, TA_REVERSE | TA_BOLD),
	[UR_LINK_UP] = S(BLUE, NONE, 0),
	[UR_LINK_CUT] = S(RED, NONE, TA_BOLD),
	[UR_MSG_WRITE] = S(MAGENTA, NONE, TA_BOLD),
	[UR_MSG_ACK] = S(MAGENTA, NONE, 0),
	[UR_MSG_READ] = S(GREEN, NONE, TA_BOLD),
	[UR_MSG_REPLY] = S(GREEN, NONE, 0),
	[UR_MSG_VOTE] = S(YELLOW, NONE, TA_BOLD),
	[UR_MSG_HEARTBEAT] = S(CYAN, NONE, TA_DIM),
	[UR_MSG_REPAIR] = S(BLUE, NONE, TA_BOLD),
	[UR_MSG_DROP] = S(RED, NONE, TA_BOLD),
	[UR_RESULT_OK] = S(GREEN, NONE, TA_BOLD),
	[UR_RESULT_ERROR] = S(RED, NONE, TA_BOLD),
	[UR_RESULT_STALE] = S(YELLOW, NONE, TA_BOLD),
	[UR_RESULT_PENDING] = S(NONE, NONE, TA_DIM),
	[UR_CAPTION] = S(WHITE, NONE, TA_BOLD),
	[UR_STATUS] = S(BLACK, CYAN, 0),
	[UR_PAUSED] = S(BLACK, YELLOW, TA_BOLD),
	[UR_HINT] = S(NONE, NONE, TA_DIM),
	[UR_TITLE] = S(NONE, NONE, TA_BOLD),
	[UR_BORDER] = S(BLUE, NONE, 0),
	[UR_RESULT_LOST] = S(RED, NONE, TA_BOLD | TA_REVERSE),
	[UR_CONFLICT] = S(MAGENTA, NONE, TA_BOLD),
	[UR_BROKEN] = S(RED, NONE, TA_BOLD),
	[UR_RESOLVE] = S(CYAN, NONE, 0),
	[UR_RESULT_UNKNOWN] = S(MAGENTA, NONE, TA_BOLD | TA_UNDERLINE),
};

/* Monochrome: attributes alone tell the roles apart. */
static const struct theme_style mono_roles[UR_COUNT] = {
	[UR_NORMAL] = S(NONE, NONE, 0),
	[UR_NODE] = S(NONE, NONE, TA_BOLD),
	[UR_NODE_LEADER] = S(NONE, NONE, TA_BOLD | TA_UNDERLINE),
	[UR_NODE_REFUSING] = S(NONE, NONE, TA_UNDERLINE),
	[UR_NODE_CRASHED] = S(NONE, NONE, TA_DIM),
	[UR_SELECTED] = S(NONE, NONE, TA_REVERSE | TA_BOLD),
	[UR_LINK_UP] = S(NONE, NONE, 0),
	[UR_LINK_CUT] = S(NONE, NONE, TA_DIM),
	[UR_MSG_WRITE] = S(NONE, NONE, TA_BOLD),
	[UR_MSG_ACK] = S(NONE, NONE, 0),
	[UR_MSG_READ] = S(NONE, NONE, TA_BOLD),
	[UR_MSG_REPLY] = S(NONE, NONE, 0),
	[UR_MSG_VOTE] = S(NONE, NONE, TA_BOLD),
	[UR_MSG_HEARTBEAT] = S(NONE, NONE, TA_DIM),
	[UR_MSG_REPAIR] = S(NONE, NONE, TA_BOLD),
	[UR_MSG_DROP] = S(NONE, NONE, TA_BOLD),
	[UR_RESULT_OK] = S(NONE, NONE, 0),
	[UR_RESULT_ERROR] = S(NONE, NONE, TA_BOLD),
	[UR_RESULT_STALE] = S(NONE, NONE, TA_BOLD | TA_UNDERLINE),
	[UR_RESULT_PENDING] = S(NONE, NONE, TA_DIM),
	[UR_CAPTION] = S(NONE, NONE, TA_BOLD),
	[UR_STATUS] = S(NONE, NONE, TA_REVERSE),
	[UR_PAUSED] = S(NONE, NONE, TA_REVERSE | TA_BOLD),
	[UR_HINT] = S(NONE, NONE, TA_DIM),
	[UR_TITLE] = S(NONE, NONE, TA_BOLD),
	[UR_BORDER] = S(NONE, NONE, 0),
	[UR_RESULT_LOST] = S(NONE, NONE, TA_BOLD | TA_REVERSE),
	[UR_CONFLICT] = S(NONE, NONE, TA_BOLD | TA_UNDERLINE),
	[UR_BROKEN] = S(NONE, NONE, TA_BOLD | TA_UNDERLINE),
	[UR_RESOLVE] = S(NONE, NONE, 0),
	[UR_RESULT_UNKNOWN] = S(NONE, NONE, TA_BOLD | TA_ITALIC),
};

bool theme_builtin(struct theme *t, const char *name)
{
	bool mono = strcmp(name, "mono") == 0;

	if (!mono && strcmp(name, "default") != 0)
		return false;
	memset(t, 0, sizeof *t);
	snprintf(t->name, sizeof t->name, "%s", name);
	snprintf(t->description, sizeof t->description, "%s", mono ?
		 "No colour: bold, dim, underline and reverse tell the roles apart." :
		 "Colours on a dark background.");
	snprintf(t->path, sizeof t->path, "(built in)");
	t->glyphs = TG_LOCALE;
	t->mono = mono;
	memcpy(t->roles, mono ? mono_roles : default_roles, sizeof t->roles);
	return true;
}

/* --- colours --- */

static const char *const color_names[8] = { "black", "red", "green", "yellow", "blue", "magenta", "cyan", "white" };

/* xterm's palette: the 16 named colours, the 6x6x6 cube, 24 greys. */
static void color_rgb(int c, int rgb[3])
{
	static const int base[16][3] = {
		{ 0, 0, 0 }, { 205, 0, 0 }, { 0, 205, 0 }, { 205, 205, 0 }, { 0, 0, 238 }, { 205, 0, 205 },
		{ 0, 205, 205 }, { 229, 229, 229 }, { 127, 127, 127 }, { 255, 0, 0 }, { 0, 255, 0 }, { 255, 255, 0 },
		{ 92, 92, 255 }, { 255, 0, 255 }, { 0, 255, 255 }, { 255, 255, 255 },
	};
	static const int level[6] = { 0, 95, 135, 175, 215, 255 };

	if (c < 16) {
		memcpy(rgb, base[c], sizeof base[c]);
	} else if (c < 232) {
		c -= 16;
		rgb[0] = level[c / 36];
		rgb[1] = level[c / 6 % 6];
		rgb[2] = level[c % 6];
	} else {
		rgb[0] = rgb[1] = rgb[2] = 8 + 10 * (c - 232);
	}
}

static int nearest(const int rgb[3], int from, int to)
{
	long best = -1;
	int which = from;

	for (int c = from; c < to; c++) {
		int p[3];
		long d;

		color_rgb(c, p);
		d = (long)(p[0] - rgb[0]) * (p[0] - rgb[0]) + (long)(p[1] - rgb[1]) * (p[1] - rgb[1]) +
		    (long)(p[2] - rgb[2]) * (p[2] - rgb[2]);
		if (best < 0 || d < best) {
			best = d;
			which = c;
		}
	}
	return which;
}

short theme_color_degrade(short c, int n)
{
	int rgb[3];

	if (c < 0 || c < n)
		return c;
	/* A bright colour keeps its hue on an 8-colour terminal. */
	if (n <= 8 && c >= 8 && c < 16)
		return (short)(c - 8);
	color_rgb(c, rgb);
	/* A grey stays a grey: black, white (and on 16 colours the bright
	 * pair), never the nearest hue (grey 128 is nearer yellow than white). */
	if (rgb[0] == rgb[1] && rgb[1] == rgb[2]) {
		static const short greys16[4] = { 0, 8, 7, 15 };
		short best = 0;
		long bd = -1;

		if (n <= 8)
			return rgb[0] < 96 ? 0 : 7;
		for (int i = 0; i < 4; i++) {
			int p[3];
			long d;

			color_rgb(greys16[i], p);
			d = (long)(p[0] - rgb[0]) * (p[0] - rgb[0]);
			if (bd < 0 || d < bd) {
				bd = d;
				best = greys16[i];
			}
		}
		return best;
	}
	return (short)nearest(rgb, 0, n <= 8 ? 8 : 16);
}

/* One colour word into *c: default, a name, bright-NAME, colorN, #rrggbb. */
static int parse_color(const char *w, size_t n, short *c)
{
	char word[32];
	unsigned r, g, b;

	if (n == 0 || n >= sizeof word)
		return -1;
	memcpy(word, w, n);
	word[n] = '\0';
	if (strcasecmp(word, "default") == 0) {
		*c = NONE;
		return 0;
	}
	for (int i = 0; i < 8; i++) {
		if (strcasecmp(word, color_names[i]) == 0) {
			*c = (short)i;
			return 0;
		}
		if (strncasecmp(word, "bright-", 7) == 0 && strcasecmp(word + 7, color_names[i]) == 0) {
			*c = (short)(8 + i);
			return 0;
		}
	}
	if (strcasecmp(word, "grey") == 0 || strcasecmp(word, "gray") == 0) {
		*c = 8;
		return 0;
	}
	if (strncasecmp(word, "color", 5) == 0 && n > 5 && n <= 8) {
		char *end;
		long v = strtol(word + 5, &end, 10);

		if (*end || v < 0 || v > 255 || !isdigit((unsigned char)word[5]))
			return -1;
		*c = (short)v;
		return 0;
	}
	if (word[0] == '#' && n == 7) {
		int rgb[3];

		for (size_t i = 1; i < 7; i++)
			if (!isxdigit((unsigned char)word[i]))
				return -1;
		if (sscanf(word + 1, "%2x%2x%2x", &r, &g, &b) != 3)
			return -1;
		rgb[0] = (int)r;
		rgb[1] = (int)g;
		rgb[2] = (int)b;
		*c = (short)nearest(rgb, 16, 256);
		return 0;
	}
	return -1;
}

static const struct {
	const char *name;
	unsigned attr;
} attr_words[] = {
	{ "bold", TA_BOLD }, { "dim", TA_DIM }, { "underline", TA_UNDERLINE }, { "reverse", TA_REVERSE },
	{ "standout", TA_STANDOUT }, { "italic", TA_ITALIC },
};

/* A role's value into *st; why says what was expected. */
static int parse_style(const char *v, struct theme_style *st, char *why, size_t whylen)
{
	bool fg_set = false, bg_set = false, bg_next = false, any = false;
	const char *p = v;

	*st = (struct theme_style){ NONE, NONE, 0 };
	for (;;) {
		size_t n;
		bool known = false;

		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		for (n = 0; p[n] && p[n] != ' ' && p[n] != '\t'; n++)
			;
		any = true;
		if (bg_next) {
			if (parse_color(p, n, &st->bg) < 0) {
				snprintf(why, whylen, "unknown colour '%.*s' after 'on' (a name such as red or "
					 "bright-blue, colorN with N 0..255, #rrggbb, or default)", (int)(n > 32 ? 32 : n), p);
				return -1;
			}
			bg_next = false;
			known = bg_set = true;
		} else if (n == 2 && strncasecmp(p, "on", 2) == 0) {
			if (bg_set) {
				snprintf(why, whylen, "a second 'on': a style has at most one background colour");
				return -1;
			}
			bg_next = known = true;
		} else if (n == 4 && strncasecmp(p, "none", 4) == 0) {
			known = true;
		} else {
			for (size_t i = 0; i < sizeof attr_words / sizeof attr_words[0] && !known; i++)
				if (n == strlen(attr_words[i].name) && strncasecmp(p, attr_words[i].name, n) == 0) {
					st->attrs |= attr_words[i].attr;
					known = true;
				}
			if (!known && !fg_set && parse_color(p, n, &st->fg) == 0)
				known = fg_set = true;
			if (!known && fg_set) {
				short c;

				if (parse_color(p, n, &c) == 0) {
					snprintf(why, whylen, "a second colour '%.*s': a style has one foreground colour, "
						 "and a background after 'on' (red on blue)", (int)(n > 32 ? 32 : n), p);
					return -1;
				}
			}
		}
		if (!known) {
			snprintf(why, whylen, "unknown word '%.*s' (expected a colour, 'on' and a background colour, or "
				 "bold, dim, underline, reverse, standout, italic)", (int)(n > 32 ? 32 : n), p);
			return -1;
		}
		p += n;
	}
	if (bg_next) {
		snprintf(why, whylen, "expected a background colour after 'on'");
		return -1;
	}
	if (!any) {
		snprintf(why, whylen, "expected a colour or attributes (or none)");
		return -1;
	}
	return 0;
}

/* --- loading --- */

struct loader {
	struct theme *t;
	struct ini_cursor cur;
	struct ini_error e;
	bool seen[UR_COUNT];
	bool has_name;
	int key_line[3];        /* where name, description and glyphs were given */
};

static void theme_key(struct loader *l, const char *key, const char *value)
{
	static const char *const keys[] = { "name", "description", "glyphs" };
	struct theme *t = l->t;

	for (int i = 0; i < 3; i++) {
		if (strcasecmp(key, keys[i]) != 0)
			continue;
		if (l->key_line[i]) {
			ini_error_set(&l->e, l->cur.line, "%s is given twice (first on line %d)", keys[i],
				      l->key_line[i]);
			return;
		}
		l->key_line[i] = l->cur.line;
	}

	if (strcasecmp(key, "name") == 0) {
		bool ok = *value && strlen(value) < sizeof t->name;

		for (const char *p = value; *p && ok; p++)
			ok = isalnum((unsigned char)*p) || *p == '-' || *p == '_' || *p == '.';
		if (!ok)
			ini_error_set(&l->e, l->cur.line,
				      "name must be letters, digits, '-', '_' or '.' (at most %zu), got '%.40s'",
				      sizeof t->name - 1, value);
		else
			memcpy(t->name, value, strlen(value) + 1);
		l->has_name = true;
	} else if (strcasecmp(key, "description") == 0) {
		snprintf(t->description, sizeof t->description, "%s", value);
	} else if (strcasecmp(key, "glyphs") == 0) {
		if (strcasecmp(value, "unicode") == 0)
			t->glyphs = TG_UNICODE;
		else if (strcasecmp(value, "ascii") == 0)
			t->glyphs = TG_ASCII;
		else
			ini_error_set(&l->e, l->cur.line, "glyphs must be unicode or ascii, got '%.40s'", value);
	} else {
		ini_error_set(&l->e, l->cur.line, "unknown key '%.40s' in [theme] (expected name, description, glyphs)",
			      key);
	}
}

static void role_key(struct loader *l, const char *key, const char *value)
{
	char why[200];

	for (int r = 0; r < UR_COUNT; r++) {
		if (strcasecmp(key, role_names[r]) != 0)
			continue;
		if (l->seen[r]) {
			ini_error_set(&l->e, l->cur.line, "role %s is given twice", role_names[r]);
			return;
		}
		l->seen[r] = true;
		if (parse_style(value, &l->t->roles[r], why, sizeof why) < 0)
			ini_error_set(&l->e, l->cur.line, "%s: %s", role_names[r], why);
		return;
	}
	ini_error_set(&l->e, l->cur.line, "unknown role '%.40s' (roles are normal, node, node.leader, "
		      "node.refusing, ..., resolve: see capviz-theme(5))", key);
}

static int handler(void *user, const char *section, const char *name, const char *value)
{
	struct loader *l = user;
	char raw[INI_LINE_MAX + 1];

	if (ini_text_value(l->cur.buf + l->cur.line_start, l->cur.line_len, raw, sizeof raw) == 0)
		value = raw;
	if (strcasecmp(section, "theme") == 0)
		theme_key(l, name, value);
	else if (strcasecmp(section, "roles") == 0)
		role_key(l, name, value);
	else
		ini_error_set(&l->e, l->cur.line, "'%.40s' comes before any section (start with [theme])", name);
	return 1;
}

int theme_load_buf(struct theme *t, const char *name, const char *buf, size_t len, char *err, size_t errlen)
{
	static const char *const sections[] = { "theme", "roles", NULL };
	struct ini_text_check chk;
	struct loader l;
	int r, big;

	theme_builtin(t, "default");
	t->description[0] = '\0';
	t->name[0] = '\0';
	snprintf(t->path, sizeof t->path, "%s", name);
	/* The text's shape first, then its size, as scenario_load_buf. */
	big = infile_size(name, buf, len, THEME_MAX_BYTES, "a theme", err, errlen);
	if (ini_text_check(buf, big ? THEME_MAX_BYTES : len, sections, &chk) < 0 && (!big || chk.line <= big)) {
		snprintf(err, errlen, "%s:%d: %s", name, chk.line, chk.msg);
		return -1;
	}
	if (big)
		return -1;
	memset(&l, 0, sizeof l);
	l.t = t;
	l.cur.buf = buf;
	l.cur.len = len;
	r = ini_parse_stream(ini_text_read, &l.cur, handler, &l);
	if (r > 0)
		ini_error_set(&l.e, r, "expected 'key = value'");
	else if (r < 0)
		ini_error_set(&l.e, 1, "out of memory");
	if (!l.e.line && !chk.has_first)
		ini_error_set(&l.e, 1, "no [theme] section (a theme starts with [theme] and its name)");
	if (!l.e.line && !l.has_name)
		ini_error_set(&l.e, 1, "the [theme] section gives no name");
	if (l.e.line) {
		snprintf(err, errlen, "%s:%d: %s", name, l.e.line, l.e.text);
		return -1;
	}
	return 0;
}

int theme_load_text(struct theme *t, const char *name, const char *text, char *err, size_t errlen)
{
	return theme_load_buf(t, name, text, strlen(text), err, errlen);
}

int theme_load_file(struct theme *t, const char *path, char *err, size_t errlen)
{
	char *buf;
	size_t n;
	int r;

	theme_builtin(t, "default");
	if (infile_read(path, THEME_MAX_BYTES, &buf, &n, err, errlen) < 0)
		return -1;
	r = theme_load_buf(t, path, buf, n, err, errlen);
	free(buf);
	return r;
}

/* --- finding them --- */

#define THEME_DIRS_MAX 6

/* The directories searched, in order. */
static int theme_dirs(char dirs[][THEME_PATH_MAX], const char *const *datadirs)
{
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	int n = 0;

	if (xdg && *xdg)
		snprintf(dirs[n++], THEME_PATH_MAX, "%s/capviz/themes", xdg);
	else if (home && *home)
		snprintf(dirs[n++], THEME_PATH_MAX, "%s/.config/capviz/themes", home);
	snprintf(dirs[n++], THEME_PATH_MAX, "themes");
	for (int i = 0; datadirs && datadirs[i] && n < THEME_DIRS_MAX; i++)
		snprintf(dirs[n++], THEME_PATH_MAX, "%s/themes", datadirs[i]);
	return n;
}

static bool is_path(const char *what)
{
	size_t len = strlen(what);

	return strchr(what, '/') || (len > 4 && strcmp(what + len - 4, ".ini") == 0);
}

int theme_find(struct theme *t, const char *what, const char *const *datadirs, char *err, size_t errlen)
{
	char dirs[THEME_DIRS_MAX][THEME_PATH_MAX], path[THEME_PATH_MAX + 80];
	int n;

	if (is_path(what))
		return theme_load_file(t, what, err, errlen);
	n = theme_dirs(dirs, datadirs);
	for (int i = 0; i < n; i++) {
		int len = snprintf(path, sizeof path, "%s/%s.ini", dirs[i], what);

		if (len > 0 && (size_t)len < sizeof path && access(path, R_OK) == 0)
			return theme_load_file(t, path, err, errlen);
	}
	if (theme_builtin(t, what))
		return 0;
	{
		char where[THEME_DIRS_MAX * (THEME_PATH_MAX + 2)] = "";
		size_t used = 0;

		for (int i = 0; i < n && used < sizeof where; i++)
			used += (size_t)snprintf(where + used, sizeof where - used, "%s%s", i ? ", " : "", dirs[i]);
		snprintf(err, errlen, "no theme '%.60s' (looked in %.400s; --list-themes lists them)", what, where);
	}
	return -1;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

int theme_names(char names[][THEME_NAME_MAX], int max, const char *const *datadirs)
{
	char dirs[THEME_DIRS_MAX][THEME_PATH_MAX];
	int nd = theme_dirs(dirs, datadirs), n = 0;

	for (int i = 0; i < 2 && n < max; i++)
		snprintf(names[n++], THEME_NAME_MAX, "%s", i ? "mono" : "default");
	for (int d = 0; d < nd; d++) {
		DIR *dir = opendir(dirs[d]);
		struct dirent *e;

		while (dir && (e = readdir(dir)) && n < max) {
			size_t len = strlen(e->d_name);
			bool dup = false;

			if (len <= 4 || len - 4 >= THEME_NAME_MAX || strcmp(e->d_name + len - 4, ".ini") != 0 ||
			    e->d_name[0] == '.' || !infile_listable(dir, e->d_name))
				continue;
			for (int k = 0; k < n && !dup; k++)
				dup = strncmp(names[k], e->d_name, len - 4) == 0 && names[k][len - 4] == '\0';
			if (!dup)
				snprintf(names[n++], THEME_NAME_MAX, "%.*s", (int)(len - 4), e->d_name);
		}
		if (dir)
			closedir(dir);
	}
	qsort(names, (size_t)n, sizeof names[0], name_cmp);
	return n;
}

void theme_list(FILE *f, const char *const *datadirs)
{
	char names[64][THEME_NAME_MAX], err[600];
	int n = theme_names(names, 64, datadirs);

	for (int i = 0; i < n; i++) {
		struct theme t;

		if (theme_find(&t, names[i], datadirs, err, sizeof err) < 0)
			fprintf(f, "%-12s (does not load: %s)\n", names[i], err);
		else
			fprintf(f, "%-12s %s (%s)\n", names[i], t.description,
				t.path[0] == '(' ? "built in" : t.path);
	}
}

bool theme_text_is_theme(const char *buf, size_t len)
{
	for (size_t pos = 0; pos < len;) {
		size_t start = pos, n;
		const char *p;

		pos = ini_text_line(buf, len, start, &n);
		/* Byte order marks, as inih skips one (ini_text_check refuses a second). */
		while (n >= 3 && memcmp(buf + start, "\xef\xbb\xbf", 3) == 0) {
			start += 3;
			n -= 3;
		}
		n = ini_text_trim(buf + start, n, &p);
		if (n > 0 && p[0] == '[')
			return (n >= 7 && strncasecmp(p, "[theme]", 7) == 0) || (n >= 7 && strncasecmp(p, "[roles]", 7) == 0);
	}
	return false;
}
