/* ui.h: the live screen as the live driver sees it. The screen is a reader
 * of the world's events and a painter of a world snapshot; keys become
 * command lines that the driver carries out (the screen never changes the
 * world itself). The struct is opaque so that drivers need not know curses. */
#ifndef CAPVIZ_UI_H
#define CAPVIZ_UI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capviz/cmd.h"
#include "capviz/event.h"

struct world;
struct ui;
struct theme;

struct ui_config {
	const struct world *w;  /* the world whose events ui_event will read */
	bool ascii;             /* ASCII glyphs even in a UTF-8 locale */
	bool no_color;          /* monochrome even where colours exist */
	const struct theme *theme; /* NULL: the built-in default */
	const char *const *datadirs; /* where the t key looks for more themes */
	const char *cast;       /* --record-cast FILE: the screen as an asciicast v2; NULL none */
};

/* What one frame shows besides the world: the driver's clock and state. */
struct ui_frame {
	const struct world *w;
	int64_t now_us;         /* core time shown (the world may lag a little) */
	double speed;
	bool paused;
	uint64_t anim_ms;       /* a clock that runs only while not paused */
	size_t step, nsteps;    /* the scenario's timeline: steps run, steps in all (0: none) */
};

/* Up to this many command lines come out of one key. */
#define UI_CMDS_MAX 8

struct ui_cmds {
	int n;
	char line[UI_CMDS_MAX][CMD_TEXT_MAX];
};

/* Takes over the terminal (call setlocale first). Returns NULL with err set
 * when the terminal cannot be used; the terminal is then left as it was. */
struct ui *ui_open(const struct ui_config *c, char *err, size_t errlen);
/* Gives the terminal back (echo, cursor, normal screen) and frees u.
 * False when the --record-cast recording failed to write (said on stderr). */
bool ui_close(struct ui *u);

/* A world_sink_fn: remembers what the log, caption and animation need. */
void ui_event(void *ctx, const struct event *e);
void ui_caption(struct ui *u, const char *text);
/* One line under the panels: an error in the error role, else a remark. */
void ui_status(struct ui *u, bool error, const char *text);
/* A new run of the same cluster (the scenario restarted): forgets the log,
 * the requests' scroll, animations and open overlays; w is the new world. */
void ui_reset(struct ui *u, const struct world *w);
/* The terminal changed size: re-reads it; the next ui_draw repaints all. */
void ui_resize(struct ui *u);
/* Paints what changed since the last call. */
void ui_draw(struct ui *u, const struct ui_frame *f);
/* Something on screen moves by itself (a dropped message falling). */
bool ui_moving(const struct ui *u, uint64_t anim_ms);
/* Reads one key if one is waiting (never blocks). Returns false when none
 * was; otherwise out holds the command lines the key asks for (maybe none). */
bool ui_next_key(struct ui *u, const struct ui_frame *f, struct ui_cmds *out);
/* The key list as "key\twhat it does" lines, for the man page. */
void ui_keys_text(char *buf, size_t len);

#endif
