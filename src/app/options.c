/* options.c: the command line (DESIGN.md, "Command line"). Every option is
 * in one table, which also feeds the usage text. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "capviz/app.h"
#include "capviz/world.h"

enum {
	OPT_TRACE = 256,
	OPT_SEED,
	OPT_SPEED,
	OPT_ASCII,
	OPT_NO_COLOR,
	OPT_CHECK,
	OPT_LIST_SCENARIOS,
	OPT_LIST_COMMANDS,
	OPT_LIST_OPTIONS,
	OPT_LIST_KEYS,
	OPT_LIST_PRESETS,
	OPT_EXPLORE,
	OPT_READ,
	OPT_WRITERS,
	OPT_CHECK_HISTORY,
	OPT_MAX_STEPS,
	OPT_HISTORY,
	OPT_RECORD,
	OPT_LIST_THEMES,
	OPT_STALENESS,
	OPT_TRIALS,
	OPT_PACELC,
	OPT_EXPORT,
	OPT_EXPORT_SHIVIZ,
	OPT_RECORD_CAST,
};

static const struct option long_opts[] = {
	{ "scenario", required_argument, NULL, 's' },
	{ "headless", no_argument, NULL, 'H' },
	{ "trace", required_argument, NULL, OPT_TRACE },
	{ "seed", required_argument, NULL, OPT_SEED },
	{ "nodes", required_argument, NULL, 'n' },
	{ "mode", required_argument, NULL, 'm' },
	{ "preset", required_argument, NULL, 'p' },
	{ "speed", required_argument, NULL, OPT_SPEED },
	{ "ascii", no_argument, NULL, OPT_ASCII },
	{ "no-color", no_argument, NULL, OPT_NO_COLOR },
	{ "check", no_argument, NULL, OPT_CHECK },
	{ "explore", required_argument, NULL, OPT_EXPLORE },
	{ "read", required_argument, NULL, OPT_READ },
	{ "writers", required_argument, NULL, OPT_WRITERS },
	{ "check-history", required_argument, NULL, OPT_CHECK_HISTORY },
	{ "max-steps", required_argument, NULL, OPT_MAX_STEPS },
	{ "history", required_argument, NULL, OPT_HISTORY },
	{ "record", required_argument, NULL, OPT_RECORD },
	{ "record-cast", required_argument, NULL, OPT_RECORD_CAST },
	{ "export", required_argument, NULL, OPT_EXPORT },
	{ "export-shiviz", required_argument, NULL, OPT_EXPORT_SHIVIZ },
	{ "list-scenarios", no_argument, NULL, OPT_LIST_SCENARIOS },
	{ "list-commands", no_argument, NULL, OPT_LIST_COMMANDS },
	{ "list-options", no_argument, NULL, OPT_LIST_OPTIONS },
	{ "list-keys", no_argument, NULL, OPT_LIST_KEYS },
	{ "list-presets", no_argument, NULL, OPT_LIST_PRESETS },
	{ "list-themes", no_argument, NULL, OPT_LIST_THEMES },
	{ "theme", required_argument, NULL, 't' },
	{ "staleness", no_argument, NULL, OPT_STALENESS },
	{ "trials", required_argument, NULL, OPT_TRIALS },
	{ "pacelc", no_argument, NULL, OPT_PACELC },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

void options_usage(FILE *f)
{
	fputs("usage: capviz [options] [SCENARIO]\n"
	      "  -s, --scenario FILE|NAME  scenario to play (default: the built-in 'balance')\n"
	      "  -H, --headless            no screen: run on virtual time, print the transcript\n"
	      "      --trace FILE          write every event as JSON Lines ('-' for stdout)\n"
	      "      --history FILE        write the client operations as a history ('-' for stdout)\n"
	      "      --seed N              seed of the pseudo-random generator (default 1)\n"
	      "  -n, --nodes N             number of replicas, 1..7 (default 3)\n"
	      "  -m, --mode MODE           cp, ap or strict (default: the scenario's, else cp)\n"
	      "  -p, --preset NAME         a real system: cassandra-one, cassandra-quorum,\n"
	      "                            cassandra-all, dynamodb, dynamodb-strong,\n"
	      "                            zookeeper or single (single: one node)\n"
	      "      --speed X             live speed factor, 0.1..10\n"
	      "      --record FILE         save the live session as a scenario that plays it back\n"
	      "      --record-cast FILE    record the live screen as an asciicast (asciinema play FILE)\n"
	      "      --export FILE.md      write a Markdown handout of the run when it ends\n"
	      "      --export-shiviz FILE  write the run as a ShiViz log (events and vector clocks)\n"
	      "  -t, --theme NAME|FILE     colour theme: default, light, projector, colorblind,\n"
	      "                            mono, or a file (--list-themes lists them)\n"
	      "      --ascii               ASCII glyphs only\n"
	      "      --no-color            no colours\n"
	      "      --check               validate the scenario files and exit\n"
	      "      --explore N           N randomized runs, each checked; prints a summary and\n"
	      "                            a shrunk scenario that reproduces the first violation\n"
	      "      --read LEVEL          with --explore: every read at LEVEL (QUORUM, sync, strong...)\n"
	      "      --writers N           with --explore: only the clients at the first N nodes write\n"
	      "      --check-history FILE  check a history file for linearizability and exit\n"
	      "      --max-steps N         with --check-history: search at most N steps\n"
	      "                            (default 100000000), else exit 3, not decided\n"
	      "      --staleness N R W [LATENCY]  the probability a read is fresh, against the delay\n"
	      "                            after a write (PBS); LATENCY as the latency command's\n"
	      "      --trials T            with --staleness: trials per figure (default 10000)\n"
	      "      --pacelc              measure each preset's PACELC class and compare it with\n"
	      "                            the seed's table\n"
	      "      --list-scenarios      list the scenarios found, with descriptions\n"
	      "      --list-commands       list the words of the command language\n"
	      "      --list-options        list the long options\n"
	      "      --list-keys           list the keys of the live screen\n"
	      "      --list-presets        list the presets: PACELC class, promise, the seed's row\n"
	      "      --list-themes         list the themes found, with descriptions\n"
	      "  -h, --help                this help\n"
	      "  -V, --version             the version\n"
	      "exit status: 0 done, 1 an expectation failed, 2 a usage or input error,\n"
	      "             3 --check-history did not decide within --max-steps\n", f);
}

static int parse_u64(const char *s, uint64_t *out)
{
	char *end;

	if (!*s || *s == '-')
		return -1;
	errno = 0;
	*out = strtoull(s, &end, 10);
	return errno || *end ? -1 : 0;
}

static int parse_mode(const char *s)
{
	for (int m = 0; m < MODE_COUNT; m++)
		if (strcasecmp(s, mode_name((enum mode)m)) == 0)
			return m;
	return -1;
}

static int parse_one(struct options *o, int c, const char *arg, char *err, size_t errlen)
{
	uint64_t u;
	char *end;

	switch (c) {
	case 's':
		o->scenario = arg;
		return 0;
	case 'H':
		o->headless = true;
		return 0;
	case OPT_TRACE:
		o->trace = arg;
		return 0;
	case OPT_SEED:
		if (parse_u64(arg, &o->seed) < 0)
			goto bad;
		o->has_seed = true;
		return 0;
	case 'n':
		if (parse_u64(arg, &u) < 0 || u < 1 || u > WORLD_MAX_NODES)
			goto bad;
		o->nodes = (int)u;
		return 0;
	case 'm':
		o->mode = parse_mode(arg);
		if (o->mode < 0)
			goto bad;
		return 0;
	case 'p':
		o->preset = preset_by_name(arg);
		if (o->preset < 0)
			goto bad;
		return 0;
	case OPT_SPEED:
		o->speed = strtod(arg, &end);
		if (*end || !(o->speed >= 0.1 && o->speed <= 10))
			goto bad;
		return 0;
	case OPT_ASCII:
		o->ascii = true;
		return 0;
	case OPT_NO_COLOR:
		o->no_color = true;
		return 0;
	case OPT_CHECK:
		o->check = true;
		return 0;
	case OPT_EXPLORE:
		if (parse_u64(arg, &u) < 0 || u < 1 || u > 10000000)
			goto bad;
		o->explore = (long)u;
		return 0;
	case OPT_READ:
		if (level_by_name(arg, strlen(arg)) < 0)
			goto bad;
		o->read_level = arg;
		return 0;
	case OPT_WRITERS:
		if (parse_u64(arg, &u) < 0 || u < 1 || u > WORLD_MAX_NODES)
			goto bad;
		o->writers = (int)u;
		return 0;
	case OPT_CHECK_HISTORY:
		o->check_history = arg;
		return 0;
	case OPT_MAX_STEPS:
		if (parse_u64(arg, &o->max_steps) < 0 || o->max_steps == 0)
			goto bad;
		return 0;
	case OPT_HISTORY:
		o->history = arg;
		return 0;
	case OPT_RECORD:
		o->record = arg;
		return 0;
	case OPT_RECORD_CAST:
		o->record_cast = arg;
		return 0;
	case OPT_EXPORT:
		o->export_md = arg;
		return 0;
	case OPT_EXPORT_SHIVIZ:
		o->export_shiviz = arg;
		return 0;
	case OPT_LIST_SCENARIOS:
		o->list_scenarios = true;
		return 0;
	case OPT_LIST_COMMANDS:
		o->list_commands = true;
		return 0;
	case OPT_LIST_OPTIONS:
		o->list_options = true;
		return 0;
	case OPT_LIST_KEYS:
		o->list_keys = true;
		return 0;
	case OPT_LIST_PRESETS:
		o->list_presets = true;
		return 0;
	case OPT_LIST_THEMES:
		o->list_themes = true;
		return 0;
	case 't':
		o->theme = arg;
		return 0;
	case OPT_STALENESS:
		o->staleness = true;
		return 0;
	case OPT_PACELC:
		o->pacelc = true;
		return 0;
	case OPT_TRIALS:
		if (parse_u64(arg, &u) < 0 || u < 100 || u > 100000000)
			goto bad;
		o->trials = (long)u;
		return 0;
	case 'h':
		o->help = true;
		return 0;
	case 'V':
		o->version = true;
		return 0;
	default:
		return -1;
	}
bad:
	switch (c) {
	case OPT_SEED:
		snprintf(err, errlen, "--seed: expected a non-negative integer, got '%s'", arg);
		break;
	case 'n':
		snprintf(err, errlen, "--nodes: expected 1 to %d, got '%s'", WORLD_MAX_NODES, arg);
		break;
	case 'm':
		snprintf(err, errlen, "--mode: expected cp, ap or strict, got '%s'", arg);
		break;
	case 'p':
		snprintf(err, errlen, "--preset: unknown preset '%.40s' (presets are %s)", arg, preset_names());
		break;
	case OPT_EXPLORE:
		snprintf(err, errlen, "--explore: expected a number of runs, 1 to 10000000, got '%s'", arg);
		break;
	case OPT_READ:
		snprintf(err, errlen, "--read: expected a level (ONE, QUORUM, ALL, local, sync, eventual or "
			 "strong), got '%s'", arg);
		break;
	case OPT_WRITERS:
		snprintf(err, errlen, "--writers: expected 1 to %d, got '%s'", WORLD_MAX_NODES, arg);
		break;
	case OPT_TRIALS:
		snprintf(err, errlen, "--trials: expected 100 to 100000000, got '%s'", arg);
		break;
	case OPT_MAX_STEPS:
		snprintf(err, errlen, "--max-steps: expected a number of search steps, at least 1, got '%.40s'", arg);
		break;
	default:
		snprintf(err, errlen, "--speed: expected a factor from 0.1 to 10, got '%s'", arg);
		break;
	}
	return -1;
}

void options_list(FILE *f)
{
	for (const struct option *opt = long_opts; opt->name; opt++)
		fprintf(f, "--%s\n", opt->name);
}

void options_list_presets(FILE *f)
{
	/* A name, the class its rules show, its promise; under it, indented
	 * (so that completion takes only the names), the seed's row. */
	for (int p = PRESET_NONE + 1; p < PRESET_COUNT; p++) {
		char cls[8], promise[400], seed[160];

		preset_class((enum preset)p, cls);
		preset_promise((enum preset)p, promise, sizeof promise);
		preset_seed_text((enum preset)p, seed, sizeof seed);
		fprintf(f, "%-17s %-6s %s\n%-24s %s\n", preset_name((enum preset)p), cls, promise, "", seed);
	}
}

/* A preset sets the mode, and single sets the node count too. */
static int check_preset(struct options *o, char *err, size_t errlen)
{
	if (o->preset < 0)
		return 0;
	if (o->mode >= 0) {
		snprintf(err, errlen, "--mode and --preset together: the preset sets the mode");
		return -1;
	}
	if (o->preset != PRESET_SINGLE)
		return 0;
	if (o->nodes > 1) {
		snprintf(err, errlen, "--preset single is one node; --nodes %d does not fit it", o->nodes);
		return -1;
	}
	o->nodes = 1;
	return 0;
}

/* Two outputs named the same file (stdout '-' is shared only by two that
 * both want it, which the drivers refuse on their own). */
static bool same_file(const char *a, const char *b)
{
	return a && b && strcmp(a, "-") != 0 && strcmp(a, b) == 0;
}

/* The first option given that shapes a run or writes one out, else NULL. */
static const char *run_option(const struct options *o)
{
	return o->preset >= 0 ? "--preset" : o->nodes ? "--nodes" : o->mode >= 0 ? "--mode" :
	       o->speed > 0 ? "--speed" : o->trace ? "--trace" : o->history ? "--history" :
	       o->record ? "--record" : o->record_cast ? "--record-cast" : o->export_md ? "--export" :
	       o->export_shiviz ? "--export-shiviz" : o->theme ? "--theme" : o->read_level ? "--read" :
	       o->writers ? "--writers" : o->explore ? "--explore" : o->check ? "--check" :
	       o->check_history ? "--check-history" : o->max_steps ? "--max-steps" :
	       o->staleness && o->pacelc ? "--pacelc" : NULL;
}

/* What getopt_long refused: a known long option given a value it does not
 * take (--headless=yes; getopt_long tells it by its short letter, or by
 * its code for one that has none), an unknown short letter, or an unknown
 * long option. */
static void unknown_option(const char *arg, char *err, size_t errlen)
{
	if (optopt && strncmp(arg, "--", 2) == 0) {
		for (const struct option *opt = long_opts; opt->name; opt++)
			if (opt->val == optopt && opt->has_arg == no_argument) {
				snprintf(err, errlen, "option '--%s' takes no value, got '%.60s'", opt->name, arg);
				return;
			}
	}
	if (optopt > ' ' && optopt < 127)
		snprintf(err, errlen, "unknown option '-%c'", optopt);
	else
		snprintf(err, errlen, "unknown option '%.60s'", arg);
}

/* An option that prints and exits, if one was given: it takes no argument. */
static const char *listing_option(const struct options *o)
{
	return o->help ? "--help" : o->version ? "--version" : o->list_scenarios ? "--list-scenarios" :
	       o->list_commands ? "--list-commands" : o->list_options ? "--list-options" :
	       o->list_keys ? "--list-keys" : o->list_presets ? "--list-presets" :
	       o->list_themes ? "--list-themes" : NULL;
}

int options_parse(struct options *o, int argc, char **argv, char *err, size_t errlen)
{
	const char *what;
	int c;

	memset(o, 0, sizeof *o);
	o->mode = -1;
	o->preset = -1;
	o->speed = 0;          /* unset: the live driver picks its own default */
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":s:Hn:m:p:t:hV", long_opts, NULL)) != -1) {
		if (c == '?') {
			unknown_option(argv[optind - 1], err, errlen);
			return -1;
		}
		if (c == ':') {
			snprintf(err, errlen, "option '%s' needs a value", argv[optind - 1]);
			return -1;
		}
		if (parse_one(o, c, optarg, err, errlen) < 0)
			return -1;
	}
	if (optind < argc && (what = listing_option(o)) != NULL) {
		snprintf(err, errlen, "%s takes no argument, got '%.60s'", what, argv[optind]);
		return -1;
	}
	if (check_preset(o, err, errlen) < 0)
		return -1;
	/* --staleness and --pacelc run their own models on their own clusters:
	 * an option that shapes a run or writes one out would be ignored, and
	 * a student would believe it had been applied. */
	if ((o->staleness || o->pacelc) && (what = run_option(o)) != NULL) {
		snprintf(err, errlen, "%s runs its own %s; it takes no %s", o->staleness ? "--staleness" : "--pacelc",
			 o->staleness ? "model (N R W are its arguments)" : "workload on three replicas", what);
		return -1;
	}
	/* --staleness reads its own words: N R W and a latency model. */
	if (o->staleness) {
		if (o->scenario || o->headless || o->explore || o->check || o->pacelc || o->check_history) {
			snprintf(err, errlen, "--staleness runs its own model; it takes no %s",
				 o->scenario ? "scenario" : o->headless ? "--headless" : o->explore ? "--explore" :
				 o->check ? "--check" : o->pacelc ? "--pacelc" : "--check-history");
			return -1;
		}
		o->files = argv + optind;
		o->nfiles = argc - optind;
		return 0;
	}
	if (o->trials && !o->staleness) {
		snprintf(err, errlen, "--trials goes with --staleness");
		return -1;
	}
	if (o->pacelc && (o->scenario || o->headless || o->explore || o->check || o->check_history || optind < argc)) {
		snprintf(err, errlen, "--pacelc runs its own workload on every preset; it takes no %s",
			 o->scenario ? "scenario" : o->headless ? "--headless" : o->explore ? "--explore" :
			 o->check ? "--check" : o->check_history ? "--check-history" : "argument");
		return -1;
	}
	if (optind < argc && !o->scenario)
		o->scenario = argv[optind++];
	if (o->max_steps && !o->check_history) {
		snprintf(err, errlen, "--max-steps goes with --check-history");
		return -1;
	}
	if ((o->read_level || o->writers) && !o->explore) {
		snprintf(err, errlen, "%s goes with --explore", o->read_level ? "--read" : "--writers");
		return -1;
	}
	if (o->check_history && (o->scenario || o->headless || o->explore || o->check || o->trace || o->history ||
				 o->record)) {
		snprintf(err, errlen, "--check-history checks a file and exits; it takes no %s",
			 o->scenario ? "scenario" : o->headless ? "--headless" : o->explore ? "--explore" :
			 o->check ? "--check" : o->trace ? "--trace" : o->history ? "--history" : "--record");
		return -1;
	}
	if ((o->export_md || o->export_shiviz || o->record_cast) &&
	    (o->explore || o->check || o->check_history || o->staleness || o->pacelc)) {
		snprintf(err, errlen, "%s writes what one run did; %s has no such run",
			 o->export_md ? "--export" : o->export_shiviz ? "--export-shiviz" : "--record-cast",
			 o->explore ? "--explore" : o->check ? "--check" : o->check_history ? "--check-history" :
			 o->staleness ? "--staleness" : "--pacelc");
		return -1;
	}
	if (o->record_cast && o->headless) {
		snprintf(err, errlen, "--record-cast records the live screen; with --headless there is none");
		return -1;
	}
	if (same_file(o->trace, o->history) || same_file(o->export_md, o->export_shiviz) ||
	    same_file(o->export_md, o->trace) || same_file(o->export_md, o->history) ||
	    same_file(o->export_shiviz, o->trace) || same_file(o->export_shiviz, o->history) ||
	    same_file(o->record_cast, o->export_md) || same_file(o->record_cast, o->export_shiviz) ||
	    same_file(o->record, o->record_cast) || same_file(o->record, o->export_md) ||
	    same_file(o->record, o->export_shiviz)) {
		snprintf(err, errlen, "two of --trace, --history, --record, --record-cast, --export and "
			 "--export-shiviz write to the same file; give each its own");
		return -1;
	}
	if (o->trace && o->history && strcmp(o->trace, o->history) == 0) {
		snprintf(err, errlen, "--trace and --history both write to %s; give each its own file", o->trace);
		return -1;
	}
	if (o->record && (o->headless || o->explore || o->check || o->check_history)) {
		snprintf(err, errlen, "--record saves a live session; with %s there is none to record",
			 o->headless ? "--headless" : o->explore ? "--explore" : o->check ? "--check" : "--check-history");
		return -1;
	}
	if (o->explore && (o->scenario || o->headless || o->trace || o->history)) {
		snprintf(err, errlen, "--explore makes its own scenarios; it takes no %s",
			 o->scenario ? "scenario" : o->headless ? "--headless" : o->trace ? "--trace" : "--history");
		return -1;
	}
	o->files = argv + optind;
	o->nfiles = argc - optind;
	if (o->nfiles > 0 && !o->check) {
		snprintf(err, errlen, "unexpected argument '%s' (one scenario at a time)", argv[optind]);
		return -1;
	}
	return 0;
}
