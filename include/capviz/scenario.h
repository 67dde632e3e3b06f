/* scenario.h: scenario files (INI, read with inih): a [scenario] section
 * that sets the stage (nodes, mode, seed, first values, strategy,
 * invariants) and a [timeline] of
 * commands at absolute or relative times. Loading checks everything, so a
 * session never meets a bad step; every error names its file and line. */
#ifndef CAPVIZ_SCENARIO_H
#define CAPVIZ_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "capviz/cmd.h"
#include "capviz/store.h"

#include "capviz/ini_text.h"

/* inih cuts lines at 200 bytes; a line must be shorter than that. */
#define SCENARIO_LINE_MAX INI_LINE_MAX
/* Scenarios are written by hand: anything bigger is a mistake. */
#define SCENARIO_MAX_BYTES (1024 * 1024)

struct scenario_step {
	int64_t at_us;          /* absolute, relative times resolved */
	int line;               /* its line in the file */
	struct command cmd;
	char src[CMD_TEXT_MAX + 64]; /* the command as written */
};

/* A key's first value: a number, or a set's members by name. */
struct scenario_init {
	char key[KEY_NAME_MAX];
	int64_t value;
	bool is_set;
	struct cmd_set set;
	int line;
};

/* As many as a world holds (scenario.c checks they agree). */
#define SCENARIO_MAX_INVARIANTS 8

/* invariant = balance>=0: a rule every replica's value must keep. */
struct scenario_invariant {
	char key[KEY_NAME_MAX];
	int op;                 /* enum inv_op */
	int64_t value;
	int line;
};

struct scenario {
	char path[512];         /* the file (or the name) it was loaded from */
	char name[128];
	char description[512];
	int nodes;              /* 0 when the file does not say */
	int mode;               /* enum mode; -1 when the file does not say */
	int preset;             /* enum preset; PRESET_NONE when the file does not say */
	uint64_t seed;
	bool has_seed;
	struct scenario_init init[STORE_MAX_KEYS];
	int ninit;
	int strategy;           /* enum strategy; -1 when the file does not say */
	struct scenario_invariant invariants[SCENARIO_MAX_INVARIANTS];
	int ninvariants;
	double speed;           /* the live speed it asks for; 0 when the file does not say */
	char theme[256];        /* the theme it asks for (a name or a file); "" when none */
	int theme_line;
	struct scenario_step *steps; /* owned; file order */
	size_t nsteps;
};

/* Each loader fills s (which it owns until scenario_free) and returns 0, or
 * returns -1 with err set to "FILE:LINE: what is wrong" (FILE as given) and
 * s empty. nodes_override > 0 replaces the file's node count, and the
 * timeline's commands are checked against it. */
int scenario_load_file(struct scenario *s, const char *path, int nodes_override, char *err, size_t errlen);
int scenario_load_text(struct scenario *s, const char *name, const char *text, int nodes_override,
		       char *err, size_t errlen);
/* The same on len bytes that may hold anything, NULs included. */
int scenario_load_buf(struct scenario *s, const char *name, const char *buf, size_t len,
		      int nodes_override, char *err, size_t errlen);
void scenario_free(struct scenario *s);
/* A copy of src that dst owns (free it with scenario_free): a scenario read
 * from a pipe or a FIFO, which gives its bytes once, starts again from its
 * copy. Returns 0, or -1 when memory ran out (dst is then empty). */
int scenario_copy(struct scenario *dst, const struct scenario *src);

/* Sets the stage on a fresh world: the first values (sets included), the
 * strategy when the file gives one, and the invariants. Returns 0, or -1
 * with err set to "FILE:LINE: what is wrong" (the world is then half set). */
int scenario_apply_stage(const struct scenario *s, struct world *w, char *err, size_t errlen);

/* A time as a scenario writes it: "2s", "2.5s", "1.000001s" (to the
 * microsecond, no trailing zeros). */
void scenario_format_time(int64_t us, char *buf, size_t size);

/* What a run started with, for a scenario written from it. */
struct scenario_start {
	int nodes;
	int mode;               /* enum mode */
	int preset;             /* enum preset; PRESET_NONE: the mode says it */
	uint64_t seed;
};

/* Writes a [scenario] section: name, description, the start, and the
 * stage of sc (first values, strategy, invariants, speed). Lines that
 * would not fit a scenario line are shortened. */
void scenario_write_header(FILE *f, const struct scenario *sc, const char *name, const char *description,
			   const struct scenario_start *start);

/* The built-in `balance` scenario, identical to scenarios/balance.ini. */
extern const char scenario_default_text[];

#endif
