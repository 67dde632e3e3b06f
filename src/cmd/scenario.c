/* scenario.c: loads scenario files. inih splits the INI structure; this file
 * checks the text first (inih cuts long lines and merges indented ones
 * silently, and never tells its handler the line), counts lines through its
 * own reader, reads [scenario] and [timeline], and parses each step's
 * command once the node count is known. Checking the bytes and the layout of
 * lines is ini_text.c's; checking that the stage fits a world, and
 * setting it, scenario_stage.c's. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <ini.h>

#include "capviz/scenario.h"
#include "capviz/world.h"
#include "scenario_stage.h"
#include "capviz/ini_text.h"
#include "capviz/infile.h"

struct loader {
	struct scenario *s;
	struct ini_cursor cur;  /* the reader's place: cur.line is the line inih handles */
	struct ini_error e;     /* the earliest error so far */
	int key_line[11];       /* where each [scenario] key was set */
	bool nodes_bad;
	bool have_prev;
	int64_t prev_us;
	size_t cap;
};

static const char *const scenario_keys[] = {
	"name", "description", "nodes", "mode", "seed", "init", "strategy", "invariant",
	"preset", "speed", "theme",
};

#define SCENARIO_NKEYS ((int)(sizeof scenario_keys / sizeof scenario_keys[0]))
#define KEY_INIT 5
#define KEY_STRATEGY 6
#define KEY_INVARIANT 7
#define KEY_MODE 3
#define KEY_PRESET 8
#define KEY_SPEED 9
#define KEY_THEME 10

_Static_assert(sizeof ((struct loader *)0)->key_line / sizeof (int) >= SCENARIO_NKEYS, "a line per key");

_Static_assert(SCENARIO_MAX_INVARIANTS == WORLD_MAX_INVARIANTS, "a scenario's invariants fit a world");

void scenario_format_time(int64_t us, char *buf, size_t size)
{
	int n = snprintf(buf, size, "%lld.%06lld", (long long)(us / 1000000), (long long)(us % 1000000));

	while (n > 0 && (size_t)n < size && buf[n - 1] == '0')
		buf[--n] = '\0';
	if (n > 0 && (size_t)n < size && buf[n - 1] == '.')
		buf[--n] = '\0';
	if ((size_t)n + 1 < size)
		snprintf(buf + n, size - (size_t)n, "s");
}

static int timeline_time(struct loader *l, const char *name, int64_t *at)
{
	bool rel = name[0] == '+';
	char prev[32];
	int64_t d;
	int r = cmd_duration(name + rel, strlen(name + rel), false, &d);

	if (r == -2) {
		ini_error_set(&l->e, l->cur.line, "time '%.40s' is too far (at most a day per step)", name);
		return -1;
	}
	if (r < 0) {
		ini_error_set(&l->e, l->cur.line, "bad time '%.40s' (expected 2s, 1500ms or +0.5s)", name);
		return -1;
	}
	*at = rel ? (l->have_prev ? l->prev_us : 0) + d : d;
	if (!rel && l->have_prev && *at < l->prev_us) {
		scenario_format_time(l->prev_us, prev, sizeof prev);
		ini_error_set(&l->e, l->cur.line, "time %.40s is before the previous step (%s)", name, prev);
		return -1;
	}
	return 0;
}

static void timeline_step(struct loader *l, const char *name, const char *value)
{
	struct scenario *s = l->s;
	struct scenario_step *st;
	int64_t at;

	if (timeline_time(l, name, &at) < 0)
		return;
	if (s->nsteps == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		struct scenario_step *steps = realloc(s->steps, cap * sizeof *steps);

		if (!steps) {
			ini_error_set(&l->e, l->cur.line, "out of memory");
			return;
		}
		s->steps = steps;
		l->cap = cap;
	}
	st = &s->steps[s->nsteps++];
	memset(st, 0, sizeof *st);
	st->at_us = at;
	st->line = l->cur.line;
	snprintf(st->src, sizeof st->src, "%s", value);
	l->prev_us = at;
	l->have_prev = true;
}

/* The value of an init item: a number, or a set literal. */
static int init_value(struct loader *l, struct scenario_init *in, const char *key, size_t klen,
		      const char *v, size_t vlen)
{
	char why[160];
	size_t used;

	if (vlen > 0 && v[0] == '{') {
		if (cmd_set_literal(v, vlen, &in->set, &used, why, sizeof why) < 0) {
			ini_error_set(&l->e, l->cur.line, "init: %.*s: %s", (int)klen, key, why);
			return -1;
		}
		if (used != vlen) {
			ini_error_set(&l->e, l->cur.line, "init: %.*s: unexpected '%.*s' after the set", (int)klen, key,
				      (int)(vlen - used > 40 ? 40 : vlen - used), v + used);
			return -1;
		}
		in->is_set = true;
		return 0;
	}
	if (cmd_int64(v, vlen, &in->value) < 0) {
		ini_error_set(&l->e, l->cur.line, "init: expected a number for %.*s, got '%.*s'",
			      (int)klen, key, (int)(vlen > 40 ? 40 : vlen), v);
		return -1;
	}
	return 0;
}

/* One "key=value" of an init line. */
static void init_item(struct loader *l, const char *item, size_t len)
{
	struct scenario *s = l->s;
	const char *eq = memchr(item, '=', len), *end = item + len;
	size_t klen, vlen;
	const char *v;
	struct scenario_init in;

	if (!eq) {
		ini_error_set(&l->e, l->cur.line,
			      "init: expected key=value (init = balance=100, cart={apple}), got '%.*s'",
			      (int)(len > 40 ? 40 : len), item);
		return;
	}
	klen = ini_text_trim(item, (size_t)(eq - item), &item);
	vlen = ini_text_trim(eq + 1, (size_t)(end - (eq + 1)), &v);
	if (!cmd_key_valid(item, klen)) {
		ini_error_set(&l->e, l->cur.line, "init: bad key name '%.*s' (lowercase letters, digits and _, "
			      "not starting with a digit, at most %d characters)",
			      (int)(klen > 40 ? 40 : klen), item, KEY_NAME_MAX - 1);
		return;
	}
	memset(&in, 0, sizeof in);
	if (init_value(l, &in, item, klen, v, vlen) < 0)
		return;
	for (int i = 0; i < s->ninit; i++)
		if (strlen(s->init[i].key) == klen && memcmp(s->init[i].key, item, klen) == 0) {
			ini_error_set(&l->e, l->cur.line, "init: %s is given twice", s->init[i].key);
			return;
		}
	if (s->ninit == STORE_MAX_KEYS) {
		ini_error_set(&l->e, l->cur.line, "init: too many keys (at most %d)", STORE_MAX_KEYS);
		return;
	}
	memcpy(in.key, item, klen);
	in.key[klen] = '\0';
	in.line = l->cur.line;
	s->init[s->ninit++] = in;
}

/* One "balance>=0" of an invariant line, read by the command parser so the
 * two spellings agree. */
static void invariant_item(struct loader *l, const char *item, size_t len)
{
	struct scenario *s = l->s;
	struct scenario_invariant *inv;
	char line[SCENARIO_LINE_MAX + 16], err[CMD_ERR_MAX];
	struct command c;

	snprintf(line, sizeof line, "invariant %.*s", (int)len, item);
	if (cmd_parse(line, 1, &c, err, sizeof err) < 0) {
		ini_error_set(&l->e, l->cur.line, "%s", err);
		return;
	}
	if (s->ninvariants == SCENARIO_MAX_INVARIANTS) {
		ini_error_set(&l->e, l->cur.line, "invariant: too many invariants (at most %d)",
			      SCENARIO_MAX_INVARIANTS);
		return;
	}
	inv = &s->invariants[s->ninvariants++];
	memcpy(inv->key, c.key, sizeof inv->key);
	inv->op = c.inv;
	inv->value = c.value;
	inv->line = l->cur.line;
}

/* The length of the comma-separated item at p: commas inside a set's braces
 * belong to the set. */
static size_t list_item_len(const char *p)
{
	int depth = 0;
	size_t n = 0;

	for (; p[n] && !(p[n] == ',' && depth == 0); n++)
		depth += p[n] == '{' ? 1 : p[n] == '}' && depth > 0 ? -1 : 0;
	return n;
}

/* init and invariant lines: items separated by commas, each read by fn. */
static void scenario_list(struct loader *l, const char *value,
			  void (*fn)(struct loader *l, const char *item, size_t len))
{
	const char *p = value;

	for (;;) {
		size_t n = list_item_len(p);

		fn(l, p, n);
		if (!p[n])
			return;
		p += n + 1;
	}
}

static void scenario_number(struct loader *l, const char *key, const char *value)
{
	struct scenario *s = l->s;
	uint64_t v;
	int r = cmd_uint64(value, strlen(value), &v);

	if (strcmp(key, "nodes") == 0) {
		if (r < 0 || v < 1 || v > WORLD_MAX_NODES) {
			l->nodes_bad = true;
			ini_error_set(&l->e, l->cur.line, "nodes must be 1 to %d, got '%.40s'", WORLD_MAX_NODES, value);
			return;
		}
		s->nodes = (int)v;
	} else if (r == -2) {
		ini_error_set(&l->e, l->cur.line, "seed '%.40s' is too large (at most %llu)", value,
			      (unsigned long long)UINT64_MAX);
	} else if (r < 0) {
		ini_error_set(&l->e, l->cur.line, "seed must be an unsigned integer, got '%.40s'", value);
	} else {
		s->seed = v;
		s->has_seed = true;
	}
}

/* strategy = lww|crdt|merge */
static void scenario_strategy(struct loader *l, const char *value)
{
	int st = cmd_strategy(value, strlen(value));

	if (st < 0)
		ini_error_set(&l->e, l->cur.line, "strategy must be lww, crdt or merge, got '%.40s'", value);
	else
		l->s->strategy = st;
}

/* speed = 0.5: the live screen's speed when the command line gives none. */
static void scenario_speed(struct loader *l, const char *value)
{
	double v;

	if (cmd_decimal(value, strlen(value), &v) < 0 || v < 0.1 - 1e-9 || v > 10 + 1e-9)
		ini_error_set(&l->e, l->cur.line, "speed must be a factor from 0.1 to 10, got '%.40s'", value);
	else
		l->s->speed = v;
}

/* preset = NAME: it sets the mode, so the file cannot set both. */
static void scenario_preset(struct loader *l, const char *value)
{
	int p = preset_by_name(value);

	if (p < 0)
		ini_error_set(&l->e, l->cur.line, "preset must be one of %s, got '%.40s'", preset_names(), value);
	else if (l->key_line[KEY_MODE])
		ini_error_set(&l->e, l->cur.line, "mode (line %d) and preset together: the preset sets the mode",
			      l->key_line[KEY_MODE]);
	else
		l->s->preset = p;
}

static void scenario_key(struct loader *l, const char *key, const char *value)
{
	struct scenario *s = l->s;
	int k = -1;

	for (int i = 0; i < SCENARIO_NKEYS; i++)
		if (strcasecmp(key, scenario_keys[i]) == 0)
			k = i;
	if (k < 0) {
		ini_error_set(&l->e, l->cur.line, "unknown key '%.40s' in [scenario] (expected name, description, "
			      "nodes, mode, preset, seed, init, strategy, invariant, speed, theme)", key);
		return;
	}
	/* init and invariant lines add up; the rest are said once. */
	if (l->key_line[k] && k != KEY_INIT && k != KEY_INVARIANT) {
		ini_error_set(&l->e, l->cur.line, "%s is given twice (first on line %d)", scenario_keys[k],
			      l->key_line[k]);
		return;
	}
	l->key_line[k] = l->cur.line;
	if (k == 0 && strlen(value) >= sizeof s->name)
		ini_error_set(&l->e, l->cur.line, "name is too long (at most %zu bytes)", sizeof s->name - 1);
	else if (k == 0)
		memcpy(s->name, value, strlen(value) + 1);
	else if (k == 1)
		snprintf(s->description, sizeof s->description, "%s", value);
	else if (k == KEY_MODE && l->key_line[KEY_PRESET])
		ini_error_set(&l->e, l->cur.line, "mode and preset (line %d) together: the preset sets the mode",
			      l->key_line[KEY_PRESET]);
	else if (k == 3 && strcasecmp(value, "cp") == 0)
		s->mode = MODE_CP;
	else if (k == 3 && strcasecmp(value, "ap") == 0)
		s->mode = MODE_AP;
	else if (k == 3 && strcasecmp(value, "strict") == 0)
		s->mode = MODE_STRICT;
	else if (k == 3)
		ini_error_set(&l->e, l->cur.line, "mode must be cp, ap or strict, got '%.40s'", value);
	else if (k == KEY_PRESET)
		scenario_preset(l, value);
	else if (k == KEY_INIT)
		scenario_list(l, value, init_item);
	else if (k == KEY_STRATEGY)
		scenario_strategy(l, value);
	else if (k == KEY_INVARIANT)
		scenario_list(l, value, invariant_item);
	else if (k == KEY_SPEED)
		scenario_speed(l, value);
	else if (k == KEY_THEME && (!*value || strlen(value) >= sizeof s->theme))
		ini_error_set(&l->e, l->cur.line, "theme must be a theme's name or file (at most %zu bytes)",
			      sizeof s->theme - 1);
	else if (k == KEY_THEME) {
		snprintf(s->theme, sizeof s->theme, "%s", value);
		s->theme_line = l->cur.line;
	}
	else
		scenario_number(l, scenario_keys[k], value);
}

static int loader_handler(void *user, const char *section, const char *name, const char *value)
{
	struct loader *l = user;
	char raw[SCENARIO_LINE_MAX + 1];

	/* inih ends a value at " ;" even inside quotes; the raw line knows
	 * better (say "CP ; AP" keeps its text). */
	if (ini_text_value(l->cur.buf + l->cur.line_start, l->cur.line_len, raw, sizeof raw) == 0)
		value = raw;
	if (strcasecmp(section, "scenario") == 0)
		scenario_key(l, name, value);
	else if (strcasecmp(section, "timeline") == 0)
		timeline_step(l, name, value);
	else if (section[0] == '\0')
		ini_error_set(&l->e, l->cur.line, "'%.40s' comes before any section (start with [scenario])", name);
	return 1;
}

/* Parses each step's command for the final node count. */
static void loader_commands(struct loader *l, int nodes_override)
{
	struct scenario *s = l->s;
	int nn = nodes_override > 0 ? nodes_override : s->nodes > 0 ? s->nodes : 3;
	char err[CMD_ERR_MAX];

	/* single is one node: the default count, and the only one that fits. */
	if (s->preset == PRESET_SINGLE && s->nodes > 1 && !l->nodes_bad)
		ini_error_set(&l->e, l->key_line[KEY_PRESET], "preset single is one node, but nodes = %d", s->nodes);
	else if (s->preset == PRESET_SINGLE && s->nodes == 0)
		s->nodes = 1;
	nn = nodes_override > 0 ? nodes_override : s->nodes > 0 ? s->nodes : 3;
	if (nodes_override > 0)
		s->nodes = nodes_override;
	/* A wrong node count would only make every step look wrong. */
	if (l->nodes_bad)
		return;
	for (size_t i = 0; i < s->nsteps; i++) {
		struct scenario_step *st = &s->steps[i];

		if (l->e.line && st->line >= l->e.line)
			return;
		if (cmd_parse(st->src, nn, &st->cmd, err, sizeof err) < 0) {
			ini_error_set(&l->e, st->line, "%s", err);
			return;
		}
		if (st->cmd.kind == CMD_RESTART || st->cmd.kind == CMD_NEXT) {
			ini_error_set(&l->e, st->line, "%s: a presenter's key, not a timeline step (a timeline "
				      "pauses with pause \"text\")", st->cmd.kind == CMD_RESTART ? "restart" : "next");
			return;
		}
		st->cmd.line = st->line;
	}
}

int scenario_load_buf(struct scenario *s, const char *name, const char *buf, size_t len,
		      int nodes_override, char *err, size_t errlen)
{
	struct loader l;
	struct ini_text_check chk;
	static const char *const sections[] = { "scenario", "timeline", NULL };
	char msg[CMD_ERR_MAX];
	int r, line, big;

	memset(s, 0, sizeof *s);
	s->mode = -1;
	s->strategy = -1;
	snprintf(s->path, sizeof s->path, "%s", name);
	memset(&l, 0, sizeof l);
	l.s = s;
	l.cur.buf = buf;
	l.cur.len = len;
	if (nodes_override > WORLD_MAX_NODES) {
		snprintf(err, errlen, "%s: nodes must be 1 to %d", name, WORLD_MAX_NODES);
		return -1;
	}
	/* The shape of the text first: past a bad line, inih's view of the
	 * file (and so every later message) would be wrong. Then its size
	 * (/dev/zero is not a text file before it is too big). */
	big = infile_size(name, buf, len, SCENARIO_MAX_BYTES, "a scenario", err, errlen);
	if (ini_text_check(buf, big ? SCENARIO_MAX_BYTES : len, sections, &chk) < 0 && (!big || chk.line <= big)) {
		snprintf(err, errlen, "%s:%d: %s", name, chk.line, chk.msg);
		return -1;
	}
	if (big)
		return -1;
	r = ini_parse_stream(ini_text_read, &l.cur, loader_handler, &l);
	if (r > 0)
		ini_error_set(&l.e, r, "expected 'key = value'");
	else if (r < 0)
		ini_error_set(&l.e, 1, "out of memory");
	loader_commands(&l, nodes_override);
	if (!l.e.line && scenario_stage_check(s, &line, msg, sizeof msg) < 0)
		ini_error_set(&l.e, line, "%s", msg);
	/* Said only when nothing else is wrong: "[scenario" is a typo, and
	 * saying that it is missing would hide it. */
	if (!chk.has_first && !l.e.line)
		ini_error_set(&l.e, 1, "no [scenario] section");
	if (!l.e.line)
		return 0;
	snprintf(err, errlen, "%s:%d: %s", name, l.e.line, l.e.text);
	scenario_free(s);
	return -1;
}

int scenario_load_text(struct scenario *s, const char *name, const char *text, int nodes_override,
		       char *err, size_t errlen)
{
	return scenario_load_buf(s, name, text, strlen(text), nodes_override, err, errlen);
}

int scenario_load_file(struct scenario *s, const char *path, int nodes_override, char *err, size_t errlen)
{
	char *buf;
	size_t n;
	int r;

	memset(s, 0, sizeof *s);
	s->mode = -1;
	s->strategy = -1;
	if (infile_read(path, SCENARIO_MAX_BYTES, &buf, &n, err, errlen) < 0)
		return -1;
	r = scenario_load_buf(s, path, buf, n, nodes_override, err, errlen);
	free(buf);
	return r;
}

void scenario_free(struct scenario *s)
{
	free(s->steps);
	memset(s, 0, sizeof *s);
	s->mode = -1;
	s->strategy = -1;
}

int scenario_copy(struct scenario *dst, const struct scenario *src)
{
	*dst = *src;
	dst->steps = NULL;
	if (src->nsteps) {
		dst->steps = malloc(src->nsteps * sizeof *dst->steps);
		if (!dst->steps) {
			scenario_free(dst);
			return -1;
		}
		memcpy(dst->steps, src->steps, src->nsteps * sizeof *dst->steps);
	}
	return 0;
}

const char scenario_default_text[] =
	"; balance: the classic opening scene of the CAP theorem. Node C is cut off,\n"
	"; a client writes at A, another reads at C. The mode (cp by default, or\n"
	"; --mode ap) decides what the reader gets.\n"
	"[scenario]\n"
	"name        = balance\n"
	"description = C is cut off; a client writes balance=500 at A, another reads at C\n"
	"nodes       = 3\n"
	"init        = balance=100\n"
	"\n"
	"[timeline]\n"
	"0s    = say \"Three replicas agree: balance=100\"\n"
	"1s    = isolate C\n"
	"+0.5s = say \"C is cut off from A and B. A client writes balance=500 at A.\"\n"
	"+0s   = write A balance 500\n"
	"+1s   = say \"Another client reads balance at C, on the far side of the partition.\"\n"
	"+0s   = read C balance\n"
	"+1.5s = say \"The partition heals.\"\n"
	"+0s   = heal\n"
	"+1s   = read C balance\n"
	"+0.5s = say \"Under partition a system gives up consistency (a stale read) or availability (an error).\"\n";
