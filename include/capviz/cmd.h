/* cmd.h: the command language. One parser turns a line ("cut A B",
 * "write A balance 500 QUORUM") into a struct command; the prompt, scenario
 * timelines and the key map all go through it. cmd_exec carries out the
 * commands that change the world; the driver handles the rest (pause,
 * speed, quit...). */
#ifndef CAPVIZ_CMD_H
#define CAPVIZ_CMD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capviz/store.h"

struct world;

#define CMD_TEXT_MAX 200
/* Room for the longest message: the list of every command. */
#define CMD_ERR_MAX 320

enum cmd_kind {
	CMD_CUT,            /* a, b; oneway: only a>b */
	CMD_RESTORE,        /* a, b; oneway: only a>b */
	CMD_RESTORE_ALL,
	CMD_ISOLATE,        /* a */
	CMD_PARTITION,      /* group[] */
	CMD_CRASH,          /* a */
	CMD_RECOVER,        /* a */
	CMD_LATENCY,        /* a, b (-1 all), dur_us, jitter_us; or lat_kind, lat_dist, dur_us, shape */
	CMD_LOSS,           /* a, b, pct */
	CMD_SKEW,           /* a, dur_us (signed) */
	CMD_TIMEOUT,        /* dur_us */
	CMD_DETECTOR,       /* dur_us (0: at once) */
	CMD_MODE,           /* mode */
	CMD_LEVEL,          /* read (bool), level */
	CMD_PRESET,         /* preset */
	CMD_WRITE,          /* a, key, value, level */
	CMD_ADD,            /* a, key, value (delta) or elem (is_elem), level */
	CMD_REMOVE,         /* a, key, elem (is_elem always), level */
	CMD_READ,           /* a, key, level */
	CMD_HEAL,           /* strategy: enum strategy, -1 for the world's own */
	CMD_STRATEGY,       /* strategy */
	CMD_RESOLVE,        /* a, key, value or set (is_set) */
	CMD_INVARIANT,      /* key, inv (enum inv_op), value */
	CMD_PAUSE,          /* text (optional) */
	CMD_RESUME,
	CMD_STEP,
	CMD_SPEED,          /* speed */
	CMD_WAIT,           /* dur_us */
	CMD_SAY,            /* text */
	CMD_EXPECT,         /* expect */
	CMD_QUIT,
	CMD_COMPARE,        /* heal copies by every strategy, report the outcomes */
	CMD_TXN,            /* a, key, value (is_delta: add it), inv, cond_key, cond_value */
	CMD_LOCK,           /* a, key: the path */
	CMD_UNLOCK,         /* a, key */
	CMD_ELECT,          /* a, key */
	CMD_RESTART,        /* the live screen: the scenario again from its start (reread) */
	CMD_NEXT,           /* the live screen: run on at once to the next pause */
	CMD_KIND_COUNT
};

enum expect_kind {
	EXPECT_VALUE,       /* expect C balance 500: node a holds value */
	EXPECT_LAST,        /* expect last ok|error|stale */
	EXPECT_HOLDER,      /* expect holder /locks/r A (or none, or A C): who holds key (group[]) */
	EXPECT_COUNT,       /* expect stale 0, expect lost 1: how many so far (outcome, value) */
	EXPECT_INVARIANT,   /* expect invariant balance>=0 [broken]: every replica keeps it (key, inv,
			       value; broken: some replica breaks it) */
};

enum expect_outcome { OUTCOME_OK, OUTCOME_ERROR, OUTCOME_STALE, OUTCOME_LOST, OUTCOME_UNKNOWN, OUTCOME_COUNT };

/* A set literal as written: {apple, pear}. Elements are kept by name, since
 * the world gives them ids only when it first meets them. */
struct cmd_set {
	int n;
	char names[SET_MAX_ELEMS][KEY_NAME_MAX];
};

struct command {
	enum cmd_kind kind;
	int a;                  /* node, -1 when none or "all" */
	int b;
	bool oneway;
	bool read;              /* CMD_LEVEL: read (true) or write level */
	bool both;              /* CMD_LEVEL: `level ONE` sets read and write */
	int group[WORLD_MAX_NODES]; /* CMD_PARTITION: side of each node, -1 none */
	int mode;               /* enum mode */
	int level;              /* enum level; LEVEL_DEFAULT when not given */
	int preset;             /* CMD_PRESET: enum preset */
	char key[KEY_NAME_MAX];
	int64_t value;
	bool is_elem;           /* CMD_ADD, CMD_REMOVE: elem, not value */
	char elem[KEY_NAME_MAX];
	bool is_set;            /* CMD_RESOLVE, CMD_EXPECT: set, not value */
	struct cmd_set set;
	int strategy;           /* enum strategy; -1 when not given */
	int inv;                /* CMD_INVARIANT, CMD_TXN: enum inv_op */
	bool is_delta;          /* CMD_TXN: value is added, not set */
	bool broken;            /* EXPECT_INVARIANT: expect it broken somewhere */
	char cond_key[KEY_NAME_MAX]; /* CMD_TXN: the key of the condition */
	int64_t cond_value;
	int64_t dur_us;
	int64_t jitter_us;
	int lat_kind;           /* CMD_LATENCY: enum lat_kind, -1 every kind */
	int lat_dist;           /* CMD_LATENCY: enum lat_dist, -1 the plain form (base [jitter]) */
	double shape;           /* CMD_LATENCY pareto: alpha */
	int pct;
	double speed;
	enum expect_kind expect;
	enum expect_outcome outcome;
	char text[CMD_TEXT_MAX];
	int line;               /* the scenario line it came from; 0 otherwise */
};

/* Parses one command for a world of nnodes nodes. Returns 0, or -1 with err
 * naming the command and what was expected ("cut: unknown node 'Q' (nodes
 * are A, B, C)"). */
int cmd_parse(const char *line, int nnodes, struct command *out, char *err, size_t errlen);

/* True for commands that change the world (cmd_exec carries them out). */
bool cmd_is_world(const struct command *c);

/* Carries out a world command. Returns 0, or -1 with err filled. */
int cmd_exec(struct world *w, const struct command *c, char *err, size_t errlen);

/* Checks an expectation now. Returns 1 when it holds, 0 when it does not
 * (got says what was found), -1 when it cannot be decided yet (expect last
 * while the last operation is pending). */
int cmd_expect(struct world *w, const struct command *c, char *got, size_t gotlen);

/* The type of key c acts on, KT_INT or KT_SET (enum key_type); -1 when any
 * will do (read, expect, resolve) or c names no key. */
int cmd_key_type(const struct command *c);

/* Says why c cannot act on its key, which has the other type ("add: cart is
 * a set (add A cart apple)"). Returns -1. */
int cmd_type_error(const struct command *c, char *err, size_t errlen);

/* The command words, for completion and the docs test; NULL-terminated. */
extern const char *const cmd_words[];

/* --- values of the language (src/cmd/value.c), shared with scenario files
 * and option parsing. Each takes a token as pointer and length, accepts
 * exactly what the grammar allows, and returns 0 or -1 (-2: well formed but
 * out of range). --- */

/* The longest duration anything takes: a day. */
#define CMD_DURATION_MAX_US (86400LL * 1000000)

/* A 64-bit signed integer, optional sign: "500", "-100". */
int cmd_int64(const char *s, size_t len, int64_t *out);
/* An unsigned 64-bit integer: "7". */
int cmd_uint64(const char *s, size_t len, uint64_t *out);
/* A duration with a unit (us, ms, s, m), integer or decimal: "40ms",
 * "1.5s"; a sign ("-5s", "+5s") only when sign is true. */
int cmd_duration(const char *s, size_t len, bool sign, int64_t *us);
/* 0..100 with an optional '%'. */
int cmd_percent(const char *s, size_t len, int *pct);
/* A non-negative decimal such as "0.5" or "2" (locale-independent). */
int cmd_decimal(const char *s, size_t len, double *out);
/* [a-z_][a-z0-9_]*, shorter than KEY_NAME_MAX (keys and set elements). */
bool cmd_key_valid(const char *s, size_t len);
/* A set literal at the start of s ("{}", "{apple}", "{apple, pear}"; spaces
 * allowed around names). *used is how many bytes it took. Returns 0, or -1
 * with why saying what is wrong (without a prefix: callers add theirs). */
int cmd_set_literal(const char *s, size_t len, struct cmd_set *out, size_t *used, char *why,
		    size_t whylen);
/* A lock path: '/' then letters, digits, '_', '.', '-' and '/', shorter
 * than KEY_NAME_MAX, not ending in '/' ("/locks/resource_A"). */
bool cmd_path_valid(const char *s, size_t len);
/* enum strategy of "lww", "crdt", "merge" (any case); -1 for anything else. */
int cmd_strategy(const char *s, size_t len);

#endif
