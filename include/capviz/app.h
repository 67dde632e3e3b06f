/* app.h: the program around the world: options, where scenarios are found,
 * and the drivers that let time pass (headless on virtual time, live on the
 * wall clock). */
#ifndef CAPVIZ_APP_H
#define CAPVIZ_APP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "capviz/scenario.h"

enum { EXIT_OK = 0, EXIT_EXPECT = 1, EXIT_USAGE = 2, EXIT_UNDECIDED = 3 };

struct options {
	const char *scenario;   /* a path or a name; NULL: the built-in default */
	bool headless;
	const char *trace;      /* a file, "-" for stdout, NULL for none */
	bool has_seed;
	uint64_t seed;
	int nodes;              /* 0: the scenario's */
	int mode;               /* -1: the scenario's */
	int preset;             /* enum preset; -1: the scenario's */
	double speed;
	bool ascii;
	bool no_color;
	bool check;
	bool list_scenarios;
	bool list_commands;
	bool list_options;
	bool list_keys;
	bool list_presets;
	bool list_themes;
	const char *theme;      /* --theme NAME|FILE; NULL: the scenario's, else default */
	long explore;           /* --explore N: how many runs; 0 none */
	const char *read_level; /* --read LEVEL (with --explore): every read's level */
	int writers;            /* --writers N (with --explore): clients that write; 0 all */
	const char *check_history; /* --check-history FILE */
	uint64_t max_steps;     /* --max-steps N (with --check-history); 0: the default */
	const char *history;    /* --history FILE: the run's history, '-' for stdout */
	const char *record;     /* --record FILE: the live session as a scenario */
	const char *record_cast; /* --record-cast FILE: the live screen as an asciicast v2 */
	const char *export_md;  /* --export FILE.md: a Markdown handout of the run */
	const char *export_shiviz; /* --export-shiviz FILE: a ShiViz log of the run */
	bool staleness;         /* --staleness N R W [LATENCY]: the words in files[] */
	long trials;            /* --trials T; 0: the default */
	bool pacelc;            /* --pacelc */
	bool help;
	bool version;
	char *const *files;     /* further file arguments (for --check) */
	int nfiles;
};

/* Parses argv. Returns 0, or -1 with err set (a usage error: exit 2). */
int options_parse(struct options *o, int argc, char **argv, char *err, size_t errlen);
void options_usage(FILE *f);
/* Every long option, one a line (the docs test checks the man page has them). */
void options_list(FILE *f);
/* Every preset with its PACELC class and what it promises in a partition. */
void options_list_presets(FILE *f);

/* Is path a file that gives its bytes once (a pipe, a FIFO, a device such
 * as /dev/stdin), not one to read again? */
bool app_file_gives_once(const char *path);
/* Is what a file (a path, or a file here) rather than a scenario's name? */
bool app_is_scenario_file(const char *what);
/* Finds a scenario by path or name and loads it; label receives what error
 * messages call it. Returns 0 or -1 with err ("FILE:LINE: ..."). */
int app_load_scenario(struct scenario *sc, const char *what, int nodes, char *label,
		      size_t labellen, char *err, size_t errlen);
/* The scenario again, for a run that starts over: what (as app_load_scenario
 * takes it) read again, or, when the file it was read from (loaded_label)
 * gives its bytes once, a copy of loaded (*copied). Returns 0 or -1 with
 * err. */
int app_reload_scenario(struct scenario *sc, const char *what, int nodes, const struct scenario *loaded,
			const char *loaded_label, char *label, size_t labellen, char *err, size_t errlen, bool *copied);
/* The installed data directories (each holds scenarios/ and themes/), the
 * compiled-in one first, then the one beside the binary; NULL-terminated. */
const char *const *app_datadirs(void);
/* A theme by name or file; a relative file is looked for beside the file
 * beside (a scenario naming its theme) first. Returns 0 or -1 with err. */
struct theme;
int app_find_theme(struct theme *t, const char *what, const char *beside, char *err, size_t errlen);
/* Prints every scenario found, with its description. */
void app_list_scenarios(FILE *f);

/* Runs a session to its end on virtual time; returns the exit status. */
int app_headless(const struct options *o);
/* Runs a started session's timeline and requests on virtual time, then lets
 * the replicas settle (a second, up to ten while a heal spreads). */
struct session;
void app_run_session(struct session *s);
/* --history FILE: writes the world's history ('-' stdout); 0, or -1 said on stderr. */
struct world;
int app_write_history(const struct world *w, const char *path);
/* --check-history FILE: prints the verdict; 0 linearizable, 1 not, 2 bad
 * input, 3 not decided within max_steps search steps. */
int app_check_history(const char *path, uint64_t max_steps);
/* The default of --max-steps. */
#define CHECK_MAX_STEPS 100000000ULL
/* --staleness: the PBS report; returns the exit status. */
int app_staleness(const struct options *o);
/* --pacelc: every preset measured; returns the exit status. */
int app_pacelc(const struct options *o);
/* --explore: randomized runs, each checked; returns the exit status. */
int app_explore(const struct options *o);
/* --export and --export-shiviz, for either driver: opened before the run
 * (an unwritable file is said on stderr: -1), added as readers, reset when
 * the run starts again, written when it ends (s NULL: only freed). */
struct app_exports {
	struct handout *md;
	struct shiviz *shiviz;
};
int app_exports_open(struct app_exports *ex, const struct options *o, const struct world *w);
void app_exports_add(struct app_exports *ex, struct session *s);
void app_exports_reset(struct app_exports *ex);
int app_exports_close(struct app_exports *ex, const struct session *s);

/* Runs a session on the screen, on the wall clock; returns the exit status. */
int app_live(const struct options *o);

#endif
