/* exec.c: carries out parsed commands on the world and checks expectations.
 * The world does the work (links, requests, protocols); this file only maps
 * a struct command onto its functions and words the outcome of a check.
 * Driver commands (pause, speed, wait...) are the app's. */
#include <stdio.h>
#include <string.h>

#include "capviz/cmd.h"
#include "capviz/world.h"

static const char *kind_name(enum cmd_kind k)
{
	static const char *const names[CMD_KIND_COUNT] = {
		[CMD_CUT] = "cut", [CMD_RESTORE] = "restore", [CMD_RESTORE_ALL] = "restore",
		[CMD_ISOLATE] = "isolate", [CMD_PARTITION] = "partition", [CMD_CRASH] = "crash",
		[CMD_RECOVER] = "recover", [CMD_LATENCY] = "latency", [CMD_LOSS] = "loss",
		[CMD_SKEW] = "skew", [CMD_TIMEOUT] = "timeout", [CMD_MODE] = "mode",
		[CMD_LEVEL] = "level", [CMD_WRITE] = "write", [CMD_ADD] = "add", [CMD_READ] = "read",
		[CMD_HEAL] = "heal", [CMD_PAUSE] = "pause", [CMD_RESUME] = "resume",
		[CMD_STEP] = "step", [CMD_SPEED] = "speed", [CMD_WAIT] = "wait", [CMD_SAY] = "say",
		[CMD_EXPECT] = "expect", [CMD_QUIT] = "quit",
	};

	return (unsigned)k < CMD_KIND_COUNT && names[k] ? names[k] : "command";
}

/* A command parsed for a bigger world than this one names a missing node;
 * say so rather than touch memory that is not there. */
static bool node_ok(const struct world *w, int node, bool all_ok)
{
	return (all_ok && node == -1) || (node >= 0 && node < w->n);
}

static int check_nodes(const struct world *w, const struct command *c, char *err, size_t errlen)
{
	bool ok = true;

	switch (c->kind) {
	case CMD_CUT:
	case CMD_RESTORE:
		ok = node_ok(w, c->a, false) && node_ok(w, c->b, false);
		break;
	case CMD_ISOLATE:
	case CMD_CRASH:
	case CMD_RECOVER:
	case CMD_SKEW:
	case CMD_WRITE:
	case CMD_ADD:
	case CMD_READ:
		ok = node_ok(w, c->a, false);
		break;
	case CMD_LATENCY:
	case CMD_LOSS:
		ok = node_ok(w, c->a, true) && node_ok(w, c->b, true);
		break;
	case CMD_PARTITION:
		for (int i = 0; i < w->n; i++)
			ok = ok && c->group[i] >= 0;
		break;
	default:
		break;
	}
	if (!ok)
		snprintf(err, errlen, "%s: a node is not in this world (it has %d)", kind_name(c->kind), w->n);
	return ok ? 0 : -1;
}

static int exec_request(struct world *w, const struct command *c, char *err, size_t errlen)
{
	enum op_kind kind = c->kind == CMD_READ ? OP_READ : c->kind == CMD_WRITE ? OP_WRITE : OP_ADD;
	/* Reading a key nobody wrote is a fair question: it gets a key too. */
	int key = world_key(w, c->key, true);

	if (key < 0) {
		snprintf(err, errlen, "%s: too many keys (at most %d)", kind_name(c->kind), STORE_MAX_KEYS);
		return -1;
	}
	if (world_request(w, c->a, kind, key, c->kind == CMD_READ ? 0 : c->value, c->level) == 0) {
		snprintf(err, errlen, "%s: out of memory", kind_name(c->kind));
		return -1;
	}
	return 0;
}

static void exec_link(struct world *w, const struct command *c)
{
	if (c->kind == CMD_CUT) {
		if (c->oneway)
			world_link_set(w, c->a, c->b, false);
		else
			world_cut(w, c->a, c->b);
	} else {
		if (c->oneway)
			world_link_set(w, c->a, c->b, true);
		else
			world_restore(w, c->a, c->b);
	}
}

int cmd_exec(struct world *w, const struct command *c, char *err, size_t errlen)
{
	if (!cmd_is_world(c)) {
		snprintf(err, errlen, "%s: not a command for the world", kind_name(c->kind));
		return -1;
	}
	if (check_nodes(w, c, err, errlen) < 0)
		return -1;
	switch (c->kind) {
	case CMD_CUT:
	case CMD_RESTORE:
		exec_link(w, c);
		break;
	case CMD_RESTORE_ALL:
		world_restore_all(w);
		break;
	case CMD_ISOLATE:
		world_isolate(w, c->a);
		break;
	case CMD_PARTITION:
		world_partition(w, c->group);
		break;
	case CMD_CRASH:
		world_crash(w, c->a);
		break;
	case CMD_RECOVER:
		world_recover(w, c->a);
		break;
	case CMD_LATENCY:
		world_set_latency(w, c->a, c->b, c->dur_us, c->jitter_us);
		break;
	case CMD_LOSS:
		world_set_loss(w, c->a, c->b, c->pct);
		break;
	case CMD_SKEW:
		world_set_skew(w, c->a, c->dur_us);
		break;
	case CMD_TIMEOUT:
		world_set_timeout(w, c->dur_us);
		break;
	case CMD_MODE:
		if (c->mode < 0 || c->mode >= MODE_COUNT) {
			snprintf(err, errlen, "mode: unknown mode");
			return -1;
		}
		world_set_mode(w, (enum mode)c->mode);
		break;
	case CMD_LEVEL:
		if (c->both || c->read)
			world_set_level(w, true, c->level);
		if (c->both || !c->read)
			world_set_level(w, false, c->level);
		break;
	case CMD_WRITE:
	case CMD_ADD:
	case CMD_READ:
		return exec_request(w, c, err, errlen);
	case CMD_HEAL:
		world_heal(w);
		break;
	case CMD_SAY:
		world_say(w, c->text, c->line);
		break;
	default:
		break;
	}
	return 0;
}

static int expect_value(struct world *w, const struct command *c, char *got, size_t gotlen)
{
	int key = world_key(w, c->key, false);
	const struct version *v;

	if (!node_ok(w, c->a, false)) {
		snprintf(got, gotlen, "no node %c in this world", 'A' + (c->a < 0 ? 0 : c->a % 26));
		return 0;
	}
	v = key < 0 ? NULL : store_get(&w->nodes[c->a].store, key);
	if (!v) {
		snprintf(got, gotlen, "%c has no %s", 'A' + c->a, c->key);
		return 0;
	}
	snprintf(got, gotlen, "%c %s is %lld", 'A' + c->a, c->key, (long long)v->value);
	return v->value == c->value;
}

/* "read balance at C", "write balance=500 at A", "add -100 to balance at A". */
static void describe_op(const struct world *w, const struct op *op, char *buf, size_t size)
{
	const char *key = world_key_name(w, op->key);
	char node = (char)('A' + (op->node >= 0 && op->node < WORLD_MAX_NODES ? op->node : 0));

	if (op->kind == OP_READ)
		snprintf(buf, size, "read %s at %c", key, node);
	else if (op->kind == OP_WRITE)
		snprintf(buf, size, "write %s=%lld at %c", key, (long long)op->arg, node);
	else
		snprintf(buf, size, "add %lld to %s at %c", (long long)op->arg, key, node);
}

static int expect_last(struct world *w, const struct command *c, char *got, size_t gotlen)
{
	const struct op *op;
	char what[96], value[48] = "";
	bool holds;

	if (w->hist.nops == 0) {
		snprintf(got, gotlen, "no operation yet");
		return 0;
	}
	op = &w->hist.ops[w->hist.nops - 1];
	if (op->result == RES_PENDING)
		return -1;
	describe_op(w, op, what, sizeof what);
	if (op->result == RES_ERROR)
		snprintf(got, gotlen, "last operation (%s) was an error: %s", what, op->error);
	else {
		if (op->kind != OP_WRITE)
			snprintf(value, sizeof value, op->kind == OP_READ && !op->found ? ": no value" : ": %lld",
				 (long long)op->value);
		snprintf(got, gotlen, "last operation (%s) was %s%s", what, op->stale ? "stale" : "ok", value);
	}
	switch (c->outcome) {
	case OUTCOME_OK:
		holds = op->result == RES_OK && !op->stale;
		break;
	case OUTCOME_ERROR:
		holds = op->result == RES_ERROR;
		break;
	default:
		holds = op->stale;
		break;
	}
	return holds;
}

int cmd_expect(struct world *w, const struct command *c, char *got, size_t gotlen)
{
	if (c->kind != CMD_EXPECT) {
		snprintf(got, gotlen, "not an expectation");
		return 0;
	}
	if (c->expect == EXPECT_VALUE)
		return expect_value(w, c, got, gotlen);
	return expect_last(w, c, got, gotlen);
}
