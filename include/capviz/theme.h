/* theme.h: colour themes. A theme gives each semantic role of the screen a
 * colour and attributes (drawing code asks for roles only), and may choose
 * the glyph set. Themes are INI files (read with inih) found by name or
 * path; `default` and `mono` are also built in, so capviz runs anywhere.
 * Colours are xterm's 256 (0-15 the named ones); the screen degrades them
 * to what the terminal has. Nothing here needs curses. */
#ifndef CAPVIZ_THEME_H
#define CAPVIZ_THEME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

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
	UR_RESULT_LOST,         /* an acknowledged write later discarded */
	UR_CONFLICT,            /* concurrent versions of a key */
	UR_BROKEN,              /* an invariant broken */
	UR_RESOLVE,             /* what a heal did to a key */
	UR_RESULT_UNKNOWN,      /* a request that may or may not have been applied */
	UR_COUNT
};

enum theme_attr {
	TA_BOLD = 1,
	TA_DIM = 2,
	TA_UNDERLINE = 4,
	TA_REVERSE = 8,
	TA_STANDOUT = 16,
	TA_ITALIC = 32,
};

enum theme_glyphs { TG_LOCALE = -1, TG_UNICODE, TG_ASCII };

struct theme_style {
	short fg, bg;           /* 0..255, -1 the terminal's default */
	unsigned attrs;         /* enum theme_attr */
};

#define THEME_NAME_MAX 64
#define THEME_TEXT_MAX 200
#define THEME_PATH_MAX 1024

struct theme {
	char name[THEME_NAME_MAX];
	char description[THEME_TEXT_MAX];
	char path[THEME_PATH_MAX];      /* the file, or "(built in)" */
	int glyphs;                     /* enum theme_glyphs */
	bool mono;                      /* no colour at all: attributes only */
	struct theme_style roles[UR_COUNT];
};

/* A role's name in theme files ("node.leader"); NULL past UR_COUNT. */
const char *theme_role_name(int role);
/* The built-in `default` (dark) or `mono` theme; false for another name. */
bool theme_builtin(struct theme *t, const char *name);
/* Reads a theme file: roles it does not name keep the default theme's.
 * Returns 0, or -1 with err "FILE:LINE: what was expected". */
int theme_load_file(struct theme *t, const char *path, char *err, size_t errlen);
int theme_load_text(struct theme *t, const char *name, const char *text, char *err, size_t errlen);
/* The same on len bytes that may hold anything, NULs included. */
int theme_load_buf(struct theme *t, const char *name, const char *buf, size_t len, char *err, size_t errlen);
/* Finds a theme by path (a '/' or ".ini") or by name: a file NAME.ini in
 * $XDG_CONFIG_HOME/capviz/themes (default ~/.config/capviz/themes), then
 * ./themes, then the installed share/capviz/themes (or the one beside the
 * binary: datadirs, NULL-terminated, each holding themes/), then the
 * built-in ones. Returns 0 or -1 with err. */
int theme_find(struct theme *t, const char *what, const char *const *datadirs, char *err, size_t errlen);
/* Every theme name found, sorted, each once, the built-in ones included;
 * returns how many (at most max). */
int theme_names(char names[][THEME_NAME_MAX], int max, const char *const *datadirs);
/* Prints each theme found: name, where, description. */
void theme_list(FILE *f, const char *const *datadirs);
/* Do these bytes (a file read once) start as a theme: is [theme] or [roles]
 * their first section? */
bool theme_text_is_theme(const char *buf, size_t len);
/* A theme file holds at most this many bytes. */
#define THEME_MAX_BYTES (64 * 1024)
/* The nearest of the first n colours (8 or 16) to xterm colour c. */
short theme_color_degrade(short c, int n);

#endif
