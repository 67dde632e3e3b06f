/* cmd.c: the parser of the command language. A table names each command and
 * its parser; the prompt, scenario timelines and the key map all come through
 * cmd_parse. The commands on data (operations, heal, resolve, invariant,
 * expect) are parsed in cmd_data.c; tokens and argument readers are lex.c's,
 * values value.c's; carrying a command out is exec.c's job. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "capviz/cmd.h"
#include "capviz/latency.h"
#include "capviz/world.h"
#include "cmd_data.h"
#include "lex.h"

/* --- the commands --- */

/* cut and restore: "A B" or "A>B"; restore also takes "all". */
static int parse_link(struct lex *c, struct command *out, const char *usage, const char *same)
{
	struct lex_tok t;

	if (out->kind == CMD_RESTORE && lex_peek(c, &t) && lex_is(&t, "all")) {
		lex_next(c, &t);
		out->kind = CMD_RESTORE_ALL;
		return lex_want_end(c, "'all'");
	}
	if (lex_want_node(c, &out->a, usage) < 0)
		return -1;
	if (lex_peek(c, &t) && t.len == 1 && t.s[0] == '>') {
		lex_next(c, &t);
		out->oneway = true;
	}
	if (lex_want_node(c, &out->b, usage) < 0)
		return -1;
	if (out->a == out->b)
		return lex_fail(c, "%s", same);
	return lex_want_end(c, "the nodes");
}

/* One node has no links: say why no partition can happen rather than
 * complain of a missing node B. */
static int no_links(struct lex *c)
{
	return lex_fail(c, "a single node has no links: no partition is possible, so there is no choice "
			"to make (when the one node is down, nothing answers)");
}

static int parse_cut(struct lex *c, struct command *out)
{
	if (c->nnodes == 1)
		return no_links(c);
	return parse_link(c, out, "expected two nodes (cut A B, or cut A>B for one way)",
			  "a node cannot be cut from itself");
}

static int parse_restore(struct lex *c, struct command *out)
{
	return parse_link(c, out, "expected two nodes or 'all' (restore A B, restore A>B for one way, or restore all)",
			  "a node has no link to itself");
}

static int parse_node(struct lex *c, struct command *out)
{
	char usage[64];

	if (out->kind == CMD_ISOLATE && c->nnodes == 1)
		return no_links(c);
	snprintf(usage, sizeof usage, "expected a node (%s C)", c->name);
	if (lex_want_node(c, &out->a, usage) < 0)
		return -1;
	return lex_want_end(c, "the node");
}

/* "e.g. A B | C" for this world: the first half, then the rest. */
static void partition_example(int n, char *buf, size_t size)
{
	size_t len = 0;

	for (int i = 0; i < n && len + 6 < size; i++)
		len += (size_t)snprintf(buf + len, size - len, "%s%c",
					i == 0 ? "" : i == (n + 1) / 2 ? " | " : " ", 'A' + i);
}

static int parse_partition(struct lex *c, struct command *out)
{
	struct lex_tok t;
	char eg[32];
	int side = 0, members = 0;

	partition_example(c->nnodes, eg, sizeof eg);
	if (c->nnodes < 2)
		return no_links(c);
	while (lex_next(c, &t)) {
		int node;

		if (t.len == 1 && t.s[0] == '|') {
			if (members == 0)
				return lex_fail(c, "a side is empty (e.g. %s)", eg);
			side++;
			members = 0;
			continue;
		}
		if (lex_node(c, &t, &node) < 0)
			return -1;
		if (out->group[node] >= 0)
			return lex_fail(c, "node %c is listed twice", 'A' + node);
		out->group[node] = side;
		members++;
	}
	if (side == 0 && members == 0)
		return lex_fail(c, "expected the sides, separated by '|' (e.g. %s)", eg);
	if (members == 0)
		return lex_fail(c, "a side is empty (e.g. %s)", eg);
	if (side == 0)
		return lex_fail(c, "expected at least two sides separated by '|' (e.g. %s)", eg);
	for (int i = 0; i < c->nnodes; i++)
		if (out->group[i] < 0)
			return lex_fail(c, "node %c is on no side (list every node, e.g. %s)", 'A' + i, eg);
	return 0;
}

/* latency and loss: "A B" or "all", then the setting(s). */
static int parse_pair_or_all(struct lex *c, struct command *out, const char *usage)
{
	struct lex_tok t;

	if (lex_peek(c, &t) && lex_is(&t, "all")) {
		lex_next(c, &t);
		out->a = out->b = -1;
		return 0;
	}
	if (lex_want_node(c, &out->a, usage) < 0 || lex_want_node(c, &out->b, usage) < 0)
		return -1;
	if (out->a == out->b)
		return lex_fail(c, "a node has no link to itself");
	return 0;
}

/* latency A B 40ms [10ms] (uniform, every kind of message), or latency A B
 * [KIND] MODEL: constant 40ms, uniform 40ms 10ms, exp 4ms, pareto 0.235ms 10. */
static int parse_latency(struct lex *c, struct command *out)
{
	static const char usage[] = "expected two nodes or 'all', then a duration (latency A B 40ms [10ms]) or a "
				    "model (latency A B exp 4ms, latency all write-req pareto 0.235ms 10)";
	struct lex_tok t;
	char show[32];

	out->lat_kind = out->lat_dist = -1;
	if (parse_pair_or_all(c, out, usage) < 0)
		return -1;
	if (!lex_next(c, &t))
		return lex_fail(c, "%s", usage);
	if ((out->lat_kind = lat_kind_by_name(t.s, t.len)) >= 0 && !lex_next(c, &t))
		return lex_fail(c, "expected a duration or a model after %s (constant, uniform, exp or pareto)",
				lat_kind_name(out->lat_kind));
	out->lat_dist = lat_dist_by_name(t.s, t.len);
	if (out->lat_dist < 0) {
		int64_t us;

		/* The plain form: a base, and maybe a jitter. */
		if (t.len > 0 && isalpha((unsigned char)t.s[0]) &&
		    cmd_duration(t.s, t.len, false, &us) == -1) {
			lex_show(&t, show, sizeof show);
			return lex_fail(c, "expected a duration (40ms) or a model (constant, uniform, exp, pareto), got '%s'",
					show);
		}
		if (lex_want_duration(c, &t, false, &out->dur_us) < 0)
			return -1;
		if (out->lat_kind >= 0) {
			out->lat_dist = LD_UNIFORM;     /* one kind: a model, uniform */
		}
		if (!lex_next(c, &t))
			return 0;
		if (lex_want_duration(c, &t, false, &out->jitter_us) < 0)
			return -1;
		return lex_want_end(c, "the jitter");
	}
	if (!lex_next(c, &t))
		return lex_fail(c, "expected a duration after %s (latency A B %s 4ms)", lat_dist_name(out->lat_dist),
				lat_dist_name(out->lat_dist));
	if (lex_want_duration(c, &t, false, &out->dur_us) < 0)
		return -1;
	if (out->lat_dist == LD_UNIFORM && lex_next(c, &t) && lex_want_duration(c, &t, false, &out->jitter_us) < 0)
		return -1;
	if (out->lat_dist == LD_PARETO) {
		if (!lex_next(c, &t))
			return lex_fail(c, "expected a shape after the scale (latency A B pareto 0.235ms 10)");
		lex_show(&t, show, sizeof show);
		if (cmd_decimal(t.s, t.len, &out->shape) < 0 || !(out->shape > 0) || out->shape > 1000)
			return lex_fail(c, "expected a shape above 0 (at most 1000), got '%s'", show);
	}
	if ((out->lat_dist == LD_EXP || out->lat_dist == LD_PARETO) && out->dur_us <= 0)
		return lex_fail(c, "%s needs a %s above 0", lat_dist_name(out->lat_dist),
				out->lat_dist == LD_EXP ? "mean" : "scale");
	return lex_want_end(c, out->lat_dist == LD_PARETO ? "the shape" : "the model");
}

static int parse_loss(struct lex *c, struct command *out)
{
	static const char usage[] = "expected two nodes or 'all' and a percentage (loss A B 10%, or loss all 5%)";
	struct lex_tok t;
	char show[32];
	int r;

	if (parse_pair_or_all(c, out, usage) < 0)
		return -1;
	if (!lex_next(c, &t))
		return lex_fail(c, "%s", usage);
	r = cmd_percent(t.s, t.len, &out->pct);
	lex_show(&t, show, sizeof show);
	if (r == -2)
		return lex_fail(c, "%s is out of range (0 to 100%%)", show);
	if (r < 0)
		return lex_fail(c, "expected a percentage such as 10%%, got '%s'", show);
	return lex_want_end(c, "the percentage");
}

static int parse_skew(struct lex *c, struct command *out)
{
	static const char usage[] = "expected a node and a duration (skew C -5s)";
	struct lex_tok t;

	if (lex_want_node(c, &out->a, usage) < 0)
		return -1;
	if (!lex_next(c, &t))
		return lex_fail(c, "%s", usage);
	if (lex_want_duration(c, &t, true, &out->dur_us) < 0)
		return -1;
	return lex_want_end(c, "the duration");
}

/* timeout and wait: one duration; a timeout must be positive. */
static int parse_duration_cmd(struct lex *c, struct command *out)
{
	struct lex_tok t;

	if (!lex_next(c, &t))
		return lex_fail(c, "expected a duration (%s %s)", c->name,
			    out->kind == CMD_WAIT ? "2s" : "500ms");
	if (lex_want_duration(c, &t, false, &out->dur_us) < 0)
		return -1;
	if (out->kind == CMD_TIMEOUT && out->dur_us <= 0)
		return lex_fail(c, "must be longer than 0");
	return lex_want_end(c, "the duration");
}

/* detector DURATION: the failure detector's delay; 0 (with or without a
 * unit) means a node believes a peer down the moment it falls silent. */
static int parse_detector(struct lex *c, struct command *out)
{
	struct lex_tok t;

	if (!lex_next(c, &t))
		return lex_fail(c, "expected a duration (detector 5s; detector 0: at once; detector 18s: about a real "
				"Cassandra cluster's)");
	if (t.len == 1 && t.s[0] == '0')
		out->dur_us = 0;
	else if (lex_want_duration(c, &t, false, &out->dur_us) < 0)
		return -1;
	return lex_want_end(c, "the duration");
}

static int parse_mode(struct lex *c, struct command *out)
{
	static const char *const names[] = { "cp", "ap", "strict" };
	struct lex_tok t;
	char show[32];

	if (!lex_next(c, &t))
		return lex_fail(c, "expected cp, ap or strict (mode cp)");
	for (int m = 0; m < 3; m++)
		if (lex_is(&t, names[m])) {
			out->mode = m == 0 ? MODE_CP : m == 1 ? MODE_AP : MODE_STRICT;
			return lex_want_end(c, "the mode");
		}
	lex_show(&t, show, sizeof show);
	return lex_fail(c, "expected cp, ap or strict, got '%s'", show);
}

static int parse_level(struct lex *c, struct command *out)
{
	static const char usage[] = "expected read or write and a level (level read QUORUM, level ALL for both, "
				    "level read sync)";
	struct lex_tok t;
	char show[32];

	if (!lex_next(c, &t))
		return lex_fail(c, "%s", usage);
	out->both = !lex_is(&t, "read") && !lex_is(&t, "write");
	out->read = lex_is(&t, "read");
	if (!out->both && !lex_next(c, &t))
		return lex_fail(c, "%s", usage);
	out->level = lex_level(&t);
	lex_show(&t, show, sizeof show);
	if (out->level < 0)
		return lex_fail(c, "expected ONE, QUORUM or ALL (or for reads local, sync, eventual, strong), got '%s'",
			    show);
	if (level_is_read_option(out->level) && !out->read)
		return lex_fail(c, "'%s' says where a read is answered: level read %s", show, show);
	return lex_want_end(c, "the level");
}

static int parse_preset(struct lex *c, struct command *out)
{
	struct lex_tok t;
	char show[32];

	if (!lex_next(c, &t))
		return lex_fail(c, "expected a preset (%s)", preset_names());
	lex_show(&t, show, sizeof show);
	out->preset = t.len < sizeof show ? preset_by_name(show) : -1;
	if (out->preset < 0)
		return lex_fail(c, "unknown preset '%s' (presets are %s)", show, preset_names());
	return lex_want_end(c, "the preset");
}

/* The text of say and pause: a quoted string with \" and \\, or the rest of
 * the line as it is. Control characters are refused: they would reach the
 * screen. */
static int parse_text(struct lex *c, struct command *out)
{
	const char *p = c->line + c->pos;
	size_t n = 0;
	bool quoted;

	while (*p && lex_is_space(*p))
		p++;
	if (!*p && out->kind == CMD_SAY)
		return lex_fail(c, "expected a text (say \"Three replicas agree\")");
	quoted = *p == '"';
	if (quoted)
		p++;
	for (; *p && !(quoted && *p == '"'); p++) {
		char ch = *p;

		if (quoted && ch == '\\' && (p[1] == '"' || p[1] == '\\'))
			ch = *++p;
		if (ch == '\t')
			ch = ' ';
		if ((unsigned char)ch < 0x20 || ch == 0x7f)
			return lex_fail(c, "the text holds a control character");
		if (n + 1 >= CMD_TEXT_MAX)
			return lex_fail(c, "text too long (at most %d bytes)", CMD_TEXT_MAX - 1);
		out->text[n++] = ch;
	}
	if (quoted && *p != '"')
		return lex_fail(c, "missing closing quote");
	if (!quoted)
		while (n > 0 && out->text[n - 1] == ' ')
			n--;
	out->text[n] = '\0';
	c->pos = (size_t)(p + (quoted ? 1 : 0) - c->line);
	return lex_want_end(c, "the text");
}

static int parse_speed(struct lex *c, struct command *out)
{
	struct lex_tok t;
	char show[32];
	int r;

	if (!lex_next(c, &t))
		return lex_fail(c, "expected a factor from 0.1 to 10 (speed 0.5)");
	r = cmd_decimal(t.s, t.len, &out->speed);
	lex_show(&t, show, sizeof show);
	if (r == 0 && (out->speed < 0.1 - 1e-9 || out->speed > 10 + 1e-9))
		return lex_fail(c, "%s is out of range (0.1 to 10)", show);
	if (r < 0)
		return lex_fail(c, "expected a factor from 0.1 to 10, got '%s'", show);
	return lex_want_end(c, "the factor");
}

static int parse_none(struct lex *c, struct command *out)
{
	struct lex_tok t;
	char show[32];

	(void)out;
	if (!lex_next(c, &t))
		return 0;
	lex_show(&t, show, sizeof show);
	return lex_fail(c, "unexpected '%s' (%s takes nothing)", show, c->name);
}

struct cmd_entry {
	const char *name;
	enum cmd_kind kind;
	int (*parse)(struct lex *c, struct command *out);
};

/* The order is the one the unknown-command message lists. */
static const struct cmd_entry cmd_table[] = {
	{ "cut", CMD_CUT, parse_cut },
	{ "restore", CMD_RESTORE, parse_restore },
	{ "isolate", CMD_ISOLATE, parse_node },
	{ "partition", CMD_PARTITION, parse_partition },
	{ "crash", CMD_CRASH, parse_node },
	{ "recover", CMD_RECOVER, parse_node },
	{ "latency", CMD_LATENCY, parse_latency },
	{ "loss", CMD_LOSS, parse_loss },
	{ "skew", CMD_SKEW, parse_skew },
	{ "timeout", CMD_TIMEOUT, parse_duration_cmd },
	{ "detector", CMD_DETECTOR, parse_detector },
	{ "mode", CMD_MODE, parse_mode },
	{ "level", CMD_LEVEL, parse_level },
	{ "preset", CMD_PRESET, parse_preset },
	{ "write", CMD_WRITE, cmd_data_op },
	{ "add", CMD_ADD, cmd_data_op },
	{ "remove", CMD_REMOVE, cmd_data_op },
	{ "read", CMD_READ, cmd_data_op },
	{ "txn", CMD_TXN, cmd_data_txn },
	{ "lock", CMD_LOCK, cmd_data_lock },
	{ "unlock", CMD_UNLOCK, cmd_data_lock },
	{ "elect", CMD_ELECT, cmd_data_lock },
	{ "heal", CMD_HEAL, cmd_data_heal },
	{ "compare", CMD_COMPARE, parse_none },
	{ "strategy", CMD_STRATEGY, cmd_data_strategy },
	{ "resolve", CMD_RESOLVE, cmd_data_resolve },
	{ "invariant", CMD_INVARIANT, cmd_data_invariant },
	{ "say", CMD_SAY, parse_text },
	{ "pause", CMD_PAUSE, parse_text },
	{ "resume", CMD_RESUME, parse_none },
	{ "step", CMD_STEP, parse_none },
	{ "speed", CMD_SPEED, parse_speed },
	{ "wait", CMD_WAIT, parse_duration_cmd },
	{ "expect", CMD_EXPECT, cmd_data_expect },
	{ "quit", CMD_QUIT, parse_none },
	{ "restart", CMD_RESTART, parse_none },
	{ "next", CMD_NEXT, parse_none },
};

#define CMD_COUNT (sizeof cmd_table / sizeof cmd_table[0])

const char *const cmd_words[] = {
	"cut", "restore", "isolate", "partition", "crash", "recover", "latency", "loss",
	"skew", "timeout", "detector", "mode", "level", "preset", "write", "add", "remove", "read", "txn", "lock", "unlock", "elect", "heal",
	"compare", "strategy", "resolve", "invariant", "say", "pause", "resume", "step", "speed",
	"wait", "expect", "quit", "restart", "next", NULL,
};

static int unknown_command(const struct lex_tok *t, char *err, size_t errlen)
{
	char show[32];
	int n;

	lex_show(t, show, sizeof show);
	n = snprintf(err, errlen, "%s: unknown command (commands are", show);
	for (size_t i = 0; i < CMD_COUNT && n >= 0 && (size_t)n < errlen; i++)
		n += snprintf(err + n, errlen - (size_t)n, "%s %s", i ? "," : "", cmd_table[i].name);
	if (n >= 0 && (size_t)n < errlen)
		snprintf(err + n, errlen - (size_t)n, ")");
	return -1;
}

int cmd_parse(const char *line, int nnodes, struct command *out, char *err, size_t errlen)
{
	struct lex c = { line, 0, "", nnodes, err, errlen };
	struct lex_tok t;

	memset(out, 0, sizeof *out);
	out->a = out->b = -1;
	for (int i = 0; i < WORLD_MAX_NODES; i++)
		out->group[i] = -1;
	out->level = LEVEL_DEFAULT;
	out->strategy = -1;
	if (c.nnodes < 1 || c.nnodes > WORLD_MAX_NODES)
		c.nnodes = c.nnodes < 1 ? 1 : WORLD_MAX_NODES;
	if (!lex_next(&c, &t)) {
		snprintf(err, errlen, "empty command");
		return -1;
	}
	for (size_t i = 0; i < CMD_COUNT; i++)
		if (lex_is(&t, cmd_table[i].name)) {
			c.name = cmd_table[i].name;
			out->kind = cmd_table[i].kind;
			return cmd_table[i].parse(&c, out);
		}
	return unknown_command(&t, err, errlen);
}

bool cmd_is_world(const struct command *c)
{
	switch (c->kind) {
	case CMD_PAUSE:
	case CMD_RESUME:
	case CMD_STEP:
	case CMD_SPEED:
	case CMD_WAIT:
	case CMD_EXPECT:
	case CMD_QUIT:
	case CMD_RESTART:
	case CMD_NEXT:
	case CMD_KIND_COUNT:
		return false;
	default:
		return true;
	}
}
