/* exec.c: carries out parsed commands on the world and checks expectations.
 * The world does the work (links, requests, protocols, heals); this file
 * maps a struct command onto its functions, gives keys their type (a number
 * or a set) and set elements their ids, and words the outcome of a check.
 * Driver commands (pause, speed, wait...) are the app's. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "capviz/cmd.h"
#include "capviz/compare.h"
#include "capviz/world.h"

static const char *kind_name(enum cmd_kind k)
{
	static const char *const names[CMD_KIND_COUNT] = {
		[CMD_CUT] = "cut", [CMD_RESTORE] = "restore", [CMD_RESTORE_ALL] = "restore",
		[CMD_ISOLATE] = "isolate", [CMD_PARTITION] = "partition", [CMD_CRASH] = "crash",
		[CMD_RECOVER] = "recover", [CMD_LATENCY] = "latency", [CMD_LOSS] = "loss",
		[CMD_SKEW] = "skew", [CMD_TIMEOUT] = "timeout",
		[CMD_DETECTOR] = "detector", [CMD_MODE] = "mode",
		[CMD_LEVEL] = "level", [CMD_PRESET] = "preset", [CMD_WRITE] = "write", [CMD_ADD] = "add",
		[CMD_REMOVE] = "remove", [CMD_READ] = "read", [CMD_HEAL] = "heal",
		[CMD_STRATEGY] = "strategy", [CMD_RESOLVE] = "resolve",
		[CMD_INVARIANT] = "invariant", [CMD_PAUSE] = "pause", [CMD_RESUME] = "resume",
		[CMD_STEP] = "step", [CMD_SPEED] = "speed", [CMD_WAIT] = "wait", [CMD_SAY] = "say",
		[CMD_EXPECT] = "expect", [CMD_QUIT] = "quit", [CMD_COMPARE] = "compare", [CMD_TXN] = "txn",
		[CMD_LOCK] = "lock", [CMD_UNLOCK] = "unlock", [CMD_ELECT] = "elect",
		[CMD_RESTART] = "restart", [CMD_NEXT] = "next",
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
	case CMD_REMOVE:
	case CMD_READ:
	case CMD_TXN:
	case CMD_LOCK:
	case CMD_UNLOCK:
	case CMD_ELECT:
	case CMD_RESOLVE:
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

int cmd_key_type(const struct command *c)
{
	switch (c->kind) {
	case CMD_WRITE:
	case CMD_INVARIANT:
	case CMD_TXN:
		return KT_INT;
	case CMD_ADD:
		return c->is_elem ? KT_SET : KT_INT;
	case CMD_REMOVE:
		return KT_SET;
	case CMD_LOCK:
		return KT_LOCK;
	case CMD_ELECT:
		return KT_ELECTION;
	default:
		return -1;
	}
}

/* Each message shows what would fit instead. */
int cmd_type_error(const struct command *c, char *err, size_t errlen)
{
	char node = (char)('A' + c->a);

	if (c->kind == CMD_WRITE)
		snprintf(err, errlen, "write: %s is a set (use add and remove)", c->key);
	else if (c->kind == CMD_ADD && !c->is_elem)
		snprintf(err, errlen, "add: %s is a set (add %c %s apple)", c->key, node, c->key);
	else if (c->kind == CMD_ADD)
		snprintf(err, errlen, "add: %s is a number (add %c %s -100)", c->key, node, c->key);
	else if (c->kind == CMD_RESOLVE && c->is_set)
		snprintf(err, errlen, "resolve: %s is a number (resolve %c %s 300)", c->key, node, c->key);
	else if (c->kind == CMD_RESOLVE)
		snprintf(err, errlen, "resolve: %s is a set (resolve %c %s {apple, pear})", c->key, node, c->key);
	else if (c->kind == CMD_INVARIANT)
		snprintf(err, errlen, "invariant: %s is a set (an invariant compares a number)", c->key);
	else if (c->kind == CMD_TXN)
		snprintf(err, errlen, "txn: %s is a set (a txn's condition compares a number)", c->key);
	else if (c->kind == CMD_LOCK)
		snprintf(err, errlen, "lock: %s is an election (elect %c %s)", c->key, node, c->key);
	else if (c->kind == CMD_ELECT)
		snprintf(err, errlen, "elect: %s is a lock (lock %c %s)", c->key, node, c->key);
	else
		snprintf(err, errlen, "%s: %s is a number", kind_name(c->kind), c->key);
	return -1;
}

/* The key c names, created with the type c needs: -1 with err filled when
 * no more keys fit or the key has the other type. Reading a key nobody
 * wrote is a fair question: it gets a key too, a number. */
static int typed_key(struct world *w, const struct command *c, char *err, size_t errlen)
{
	int type = cmd_key_type(c);
	int key = type < 0 ? world_key(w, c->key, true) : world_key_typed(w, c->key, (enum key_type)type);

	if (key == -2)
		return cmd_type_error(c, err, errlen);
	if (key < 0)
		snprintf(err, errlen, "%s: too many keys (at most %d)", kind_name(c->kind), STORE_MAX_KEYS);
	return key < 0 ? -1 : key;
}

static int exec_request(struct world *w, const struct command *c, char *err, size_t errlen)
{
	enum op_kind kind = c->kind == CMD_READ ? OP_READ : c->kind == CMD_WRITE ? OP_WRITE :
			    c->kind == CMD_REMOVE ? OP_SREMOVE : c->is_elem ? OP_SADD : OP_ADD;
	int key;
	int64_t arg = c->kind == CMD_READ ? 0 : c->value;

	if (world_check_level(w, kind, c->level, err, errlen) < 0)
		return -1;
	key = typed_key(w, c, err, errlen);
	if (key < 0)
		return -1;
	if (c->is_elem) {
		int elem = world_elem(w, c->elem, true);

		if (elem < 0) {
			snprintf(err, errlen, "%s: too many set elements (at most %d in a world)",
				 kind_name(c->kind), SET_MAX_ELEMS);
			return -1;
		}
		arg = elem;
	}
	if (world_request(w, c->a, kind, key, arg, c->level) == 0) {
		snprintf(err, errlen, "%s: out of memory", kind_name(c->kind));
		return -1;
	}
	return 0;
}

/* The members of a set literal as a mask of the world's element ids; -1
 * (with *unknown its index) when the world has never met an element. */
static int set_mask(struct world *w, const struct cmd_set *set, uint32_t *mask, int *unknown)
{
	*mask = 0;
	for (int i = 0; i < set->n; i++) {
		int e = world_elem(w, set->names[i], false);

		if (e < 0) {
			*unknown = i;
			return -1;
		}
		*mask |= 1u << e;
	}
	return 0;
}

static int exec_resolve(struct world *w, const struct command *c, char *err, size_t errlen)
{
	int key = world_key(w, c->key, false), unknown;
	int64_t value = c->value;
	uint32_t mask;
	char why[WORLD_ERR_MAX];

	if (key < 0) {
		snprintf(err, errlen, "resolve: no key %s in this world", c->key);
		return -1;
	}
	if (c->is_set != (w->key_type[key] == KT_SET))
		return cmd_type_error(c, err, errlen);
	if (c->is_set) {
		if (set_mask(w, &c->set, &mask, &unknown) < 0) {
			snprintf(err, errlen, "resolve: no version of %s holds %s", c->key, c->set.names[unknown]);
			return -1;
		}
		value = (int64_t)mask;
	}
	if (world_resolve(w, c->a, key, value, why, sizeof why) == 0) {
		snprintf(err, errlen, "resolve: %s", why);
		return -1;
	}
	return 0;
}

static int exec_txn(struct world *w, const struct command *c, char *err, size_t errlen)
{
	int key;

	if (world_txn_check(w, err, errlen) < 0)
		return -1;
	if (c->inv < INV_GE || c->inv > INV_NE) {
		snprintf(err, errlen, "txn: unknown comparison");
		return -1;
	}
	key = typed_key(w, c, err, errlen);
	if (key < 0)
		return -1;
	if (world_txn(w, c->a, c->is_delta ? OP_ADD : OP_WRITE, key, c->value, (enum inv_op)c->inv,
		      c->cond_value) == 0) {
		snprintf(err, errlen, "txn: out of memory");
		return -1;
	}
	return 0;
}

/* lock and elect make the path a lock or an election (for good); unlock
 * needs one of them to exist. */
static int exec_lock(struct world *w, const struct command *c, char *err, size_t errlen)
{
	enum op_kind kind = c->kind == CMD_LOCK ? OP_LOCK : c->kind == CMD_ELECT ? OP_ELECT : OP_UNLOCK;
	const char *name = kind_name(c->kind);
	int key;

	if (lock_check(w, kind, err, errlen) < 0)
		return -1;
	if (kind == OP_UNLOCK) {
		key = world_key(w, c->key, false);
		if (key < 0 || !key_type_is_lock(w->key_type[key])) {
			snprintf(err, errlen, "unlock: no lock or election %s in this world", c->key);
			return -1;
		}
	} else {
		key = world_key_typed(w, c->key, kind == OP_LOCK ? KT_LOCK : KT_ELECTION);
		if (key == -2)
			return cmd_type_error(c, err, errlen);
		if (key < 0) {
			snprintf(err, errlen, "%s: too many keys and paths (at most %d)", name, STORE_MAX_KEYS);
			return -1;
		}
	}
	if (world_request(w, c->a, kind, key, 0, LEVEL_DEFAULT) == 0) {
		snprintf(err, errlen, "%s: out of memory", name);
		return -1;
	}
	return 0;
}

static int exec_invariant(struct world *w, const struct command *c, char *err, size_t errlen)
{
	int key = typed_key(w, c, err, errlen);

	if (key < 0)
		return -1;
	if (world_add_invariant(w, key, (enum inv_op)c->inv, c->value) < 0) {
		snprintf(err, errlen, "invariant: too many invariants (at most %d)", WORLD_MAX_INVARIANTS);
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

/* The commands on data: client operations, heals and strategies, resolve,
 * invariants. */
static int exec_data(struct world *w, const struct command *c, char *err, size_t errlen)
{
	switch (c->kind) {
	case CMD_WRITE:
	case CMD_ADD:
	case CMD_REMOVE:
	case CMD_READ:
		return exec_request(w, c, err, errlen);
	case CMD_HEAL:
		if (c->strategy >= 0 && c->strategy < STRAT_COUNT)
			world_heal_with(w, (enum strategy)c->strategy);
		else
			world_heal(w);
		return 0;
	case CMD_COMPARE:
		if (world_compare_report(w) < 0) {
			snprintf(err, errlen, "compare: out of memory");
			return -1;
		}
		return 0;
	case CMD_STRATEGY:
		if (c->strategy < 0 || c->strategy >= STRAT_COUNT) {
			snprintf(err, errlen, "strategy: unknown strategy");
			return -1;
		}
		world_set_strategy(w, (enum strategy)c->strategy);
		return 0;
	case CMD_RESOLVE:
		return exec_resolve(w, c, err, errlen);
	case CMD_TXN:
		return exec_txn(w, c, err, errlen);
	case CMD_LOCK:
	case CMD_UNLOCK:
	case CMD_ELECT:
		return exec_lock(w, c, err, errlen);
	case CMD_INVARIANT:
		if (c->inv < INV_GE || c->inv > INV_NE) {
			snprintf(err, errlen, "invariant: unknown comparison");
			return -1;
		}
		return exec_invariant(w, c, err, errlen);
	default:
		return 0;
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
		if (c->lat_dist < 0) {
			world_set_latency(w, c->a, c->b, c->dur_us, c->jitter_us);
		} else {
			struct lat_model m = { (uint8_t)c->lat_dist, c->dur_us, c->jitter_us, c->shape };

			world_set_latency_model(w, c->a, c->b, c->lat_kind, &m);
		}
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
	case CMD_DETECTOR:
		world_set_detector(w, c->dur_us);
		break;
	case CMD_MODE:
		if (c->mode < 0 || c->mode >= MODE_COUNT) {
			snprintf(err, errlen, "mode: unknown mode");
			return -1;
		}
		world_set_mode(w, (enum mode)c->mode);
		break;
	case CMD_LEVEL:
		if (level_is_read_option(c->level) && w->mode != MODE_CP) {
			snprintf(err, errlen, "level: '%s' says where a leader-based read is answered; %s",
				 level_name(c->level), w->mode == MODE_AP ? "in ap mode reads take ONE, QUORUM or ALL" :
				 "in strict mode a read is answered where it is sent");
			return -1;
		}
		if (!level_is_read_option(c->level) && w->mode != MODE_AP &&
		    !(w->mode == MODE_CP && c->level == LEVEL_QUORUM)) {
			snprintf(err, errlen, "level: %s is a level of ap mode (leaderless); in %s mode %s (switch "
				 "with mode ap first)", level_name(c->level), mode_name(w->mode),
				 w->mode == MODE_CP ? "reads and writes go through the leader and a majority" :
				 "a write needs every replica, a read is answered where it is sent");
			return -1;
		}
		if (level_is_read_option(c->level) && !world_read_option_fits(w, c->level)) {
			snprintf(err, errlen, "level: %s reads are %s, not '%s'", preset_name(w->preset),
				 w->preset == PRESET_ZOOKEEPER ? "local or sync" : "eventual or strong",
				 level_name(c->level));
			return -1;
		}
		if (c->both)
			world_set_levels(w, c->level);
		else
			world_set_level(w, c->read, c->level);
		break;
	case CMD_PRESET:
		return world_set_preset(w, (enum preset)c->preset, err, errlen);
	case CMD_SAY:
		world_say(w, c->text, c->line);
		break;
	default:
		return exec_data(w, c, err, errlen);
	}
	return 0;
}

/* Compares what a read at the node would see now, under the world's
 * strategy; a set is equal when it has exactly the listed members. */
static int expect_value(struct world *w, const struct command *c, char *got, size_t gotlen)
{
	int key = world_key(w, c->key, false), unknown;
	bool set;
	int64_t v;
	uint32_t mask;
	char shown[160];

	if (!node_ok(w, c->a, false)) {
		snprintf(got, gotlen, "no node %c in this world", 'A' + (c->a < 0 ? 0 : c->a % 26));
		return 0;
	}
	if (key < 0 || !world_value(w, c->a, key, &v)) {
		snprintf(got, gotlen, "%c has no %s", 'A' + c->a, c->key);
		return 0;
	}
	world_format_value(w, key, v, shown, sizeof shown);
	snprintf(got, gotlen, "%c %s is %s", 'A' + c->a, c->key, shown);
	set = w->key_type[key] == KT_SET;
	if (set != c->is_set)
		return 0;
	if (!set)
		return v == c->value;
	/* An element the world never met is in no set. */
	if (set_mask(w, &c->set, &mask, &unknown) < 0)
		return 0;
	return (uint64_t)v == mask;
}

/* "read balance at C", "write balance=500 at A", "add -100 to balance at A",
 * "add apple to cart at A", "remove apple from cart at A". */
static void describe_op(const struct world *w, const struct op *op, char *buf, size_t size)
{
	const char *key = world_key_name(w, op->key);
	char node = (char)('A' + (op->node >= 0 && op->node < WORLD_MAX_NODES ? op->node : 0));
	char value[96];

	world_format_value(w, op->key, op->arg, value, sizeof value);
	if (op_is_lock(op->kind))
		snprintf(buf, size, "%s %s at %c", op_kind_name(op->kind), key, node);
	else if (op->txn)
		snprintf(buf, size, "txn %s %s%lld if %s%s%lld at %c", key, op->kind == OP_ADD && op->arg >= 0 ? "+" : "",
			 (long long)op->arg, key, inv_op_name((enum inv_op)op->cond_op), (long long)op->cond_value, node);
	else if (op->kind == OP_READ)
		snprintf(buf, size, "read %s at %c", key, node);
	else if (op->kind == OP_WRITE)
		snprintf(buf, size, "write %s=%s at %c", key, value, node);
	else if (op->kind == OP_SADD)
		snprintf(buf, size, "add %s to %s at %c", world_elem_name(w, (int)op->arg), key, node);
	else if (op->kind == OP_SREMOVE)
		snprintf(buf, size, "remove %s from %s at %c", world_elem_name(w, (int)op->arg), key, node);
	else
		snprintf(buf, size, "add %lld to %s at %c", (long long)op->arg, key, node);
}

static int expect_last(struct world *w, const struct command *c, char *got, size_t gotlen)
{
	const struct op *op;
	char what[128], shown[96], value[112] = "";
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
	else if (op->result == RES_UNKNOWN)
		snprintf(got, gotlen, "last operation (%s) was unknown (it may have been applied): %s", what,
			 op->error);
	else {
		world_format_value(w, op->key, op->value, shown, sizeof shown);
		if (op->kind == OP_READ && !op->found)
			snprintf(value, sizeof value, ": no value");
		else if (op_is_lock(op->kind)) {
			world_lock_result(w, op, shown, sizeof shown);
			snprintf(value, sizeof value, ": %s", shown);
		} else if (op->kind != OP_WRITE)
			snprintf(value, sizeof value, ": %s", shown);
		snprintf(got, gotlen, "last operation (%s) was %s%s%s", what,
			 !op->stale ? "ok" : op->kind == OP_READ ? "stale" : "ok but stale (a lost update)", value,
			 op->lost ? ", then lost (a later version replaced it)" : "");
	}
	switch (c->outcome) {
	case OUTCOME_OK:
		/* A write that finished ok is ok, even when the checker finds it
		 * built on a version another write replaced (it says so too). */
		holds = op->result == RES_OK && (op->kind != OP_READ || !op->stale);
		break;
	case OUTCOME_ERROR:
		holds = op->result == RES_ERROR;
		break;
	case OUTCOME_UNKNOWN:
		holds = op->result == RES_UNKNOWN;
		break;
	case OUTCOME_LOST:
		holds = op->lost;
		break;
	default:
		holds = op->stale;
		break;
	}
	return holds;
}

/* Every replica's value of the key keeps the rule now (or, broken, some
 * replica's does not); the replicas that break it are named. */
static int expect_invariant(struct world *w, const struct command *c, char *got, size_t gotlen)
{
	int key = world_key(w, c->key, false), nbroken = 0;
	size_t used;

	if (key < 0 || w->key_type[key] != KT_INT) {
		snprintf(got, gotlen, "no number key %s in this world", c->key);
		return 0;
	}
	used = (size_t)snprintf(got, gotlen, "%s%s%" PRId64 " ", c->key, inv_op_name((enum inv_op)c->inv), c->value);
	for (int i = 0; i < w->n && used < gotlen; i++) {
		int64_t v;

		if (!world_value(w, i, key, &v) || inv_compare((enum inv_op)c->inv, v, c->value))
			continue;
		used += (size_t)snprintf(got + used, gotlen - used, "%s %c (%s=%" PRId64 ")",
					 nbroken ? "," : "is broken at", 'A' + i, c->key, v);
		nbroken++;
	}
	if (!nbroken && used < gotlen)
		snprintf(got + used, gotlen - used, "holds at every replica");
	return c->broken ? nbroken > 0 : nbroken == 0;
}

/* How many operations so far had no valid linearization (stale), or were
 * acknowledged writes later discarded (lost); the first one is named. */
static int expect_count(struct world *w, const struct command *c, char *got, size_t gotlen)
{
	bool stale = c->outcome == OUTCOME_STALE;
	int64_t n = 0;
	const struct op *first = NULL;
	char what[128];

	for (size_t i = 0; i < w->hist.nops; i++) {
		const struct op *op = &w->hist.ops[i];

		if (stale ? op->stale : op->lost) {
			n++;
			if (!first)
				first = op;
		}
	}
	if (first) {
		describe_op(w, first, what, sizeof what);
		snprintf(got, gotlen, "%" PRId64 " %s so far, the first #%" PRIu64 " (%s)", n, stale ? "stale" : "lost",
			 first->id, what);
	} else {
		snprintf(got, gotlen, "none %s so far", stale ? "stale" : "lost");
	}
	return n == c->value;
}

/* Exactly the listed clients hold the path now. */
static int expect_holder(struct world *w, const struct command *c, char *got, size_t gotlen)
{
	int key = world_key(w, c->key, false), holders[WORLD_MAX_NODES], n;
	bool same = true;
	size_t used;

	if (key < 0 || !key_type_is_lock(w->key_type[key])) {
		snprintf(got, gotlen, "no lock or election %s in this world", c->key);
		return 0;
	}
	n = world_lock_holders(w, key, holders);
	for (int i = 0, j = 0; i < w->n; i++) {
		bool holds = j < n && holders[j] == i;

		j += holds;
		same = same && holds == (c->group[i] > 0);
	}
	used = (size_t)snprintf(got, gotlen, "%s is held by %s", c->key, n ? "" : "nobody");
	for (int i = 0; i < n && used < gotlen; i++) {
		uint32_t token = 0;

		world_lock_held(w, holders[i], key, &token);
		used += (size_t)snprintf(got + used, gotlen - used, "%sthe client at %c (token %" PRIu32 ")",
					 i ? " and " : "", 'A' + holders[i], token);
	}
	return same;
}

int cmd_expect(struct world *w, const struct command *c, char *got, size_t gotlen)
{
	if (c->kind != CMD_EXPECT) {
		snprintf(got, gotlen, "not an expectation");
		return 0;
	}
	if (c->expect == EXPECT_VALUE)
		return expect_value(w, c, got, gotlen);
	if (c->expect == EXPECT_HOLDER)
		return expect_holder(w, c, got, gotlen);
	if (c->expect == EXPECT_COUNT)
		return expect_count(w, c, got, gotlen);
	if (c->expect == EXPECT_INVARIANT)
		return expect_invariant(w, c, got, gotlen);
	return expect_last(w, c, got, gotlen);
}
