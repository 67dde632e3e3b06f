/* ops.c: client operations. A request enters the history when a client sends
 * it, goes to the active protocol, and leaves when the protocol (or a crash,
 * or a mode switch) finishes it; each step is an event. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "capviz/score.h"
#include "capviz/world.h"

/* An event about op (text NULL: none). */
static void op_event(struct world *w, enum event_kind kind, const struct op *op, const char *text)
{
	struct event e = world_event(w, kind);

	e.node = op->node;
	e.key = op->key;
	e.op = op;
	if (text)
		e.text = text;
	world_emit(w, &e);
}

/* The level a request really runs at: the leaderless protocol takes the
 * asked or configured one; the leader-based protocol writes at a majority
 * and reads where the asked or configured read option says (a linearizable
 * read at QUORUM when none is set); strict writes need every replica and
 * strict reads only the local one. */
int world_op_level(const struct world *w, enum op_kind kind, int level)
{
	switch (w->mode) {
	case MODE_CP:
		/* ZooKeeper and DynamoDB write through the leader (to a majority);
		 * Cassandra's QUORUM is no word of theirs. */
		if (kind != OP_READ)
			return w->preset >= PRESET_DYNAMODB && w->preset <= PRESET_ZOOKEEPER ? LEVEL_LEADER :
			       LEVEL_QUORUM;
		if (level_is_read_option(level))
			return level;
		/* A level named on the read itself asks for no read option:
		 * the leader's linearizable read. */
		if (level != LEVEL_DEFAULT)
			return LEVEL_QUORUM;
		return level_is_read_option(w->read_level) ? w->read_level : LEVEL_QUORUM;
	case MODE_STRICT:
		return kind == OP_READ ? LEVEL_ONE : LEVEL_ALL;
	default:
		if (level != LEVEL_DEFAULT)
			return level;
		return kind == OP_READ ? w->read_level : w->write_level;
	}
}

/* Which system a read option belongs to, for the message that refuses it. */
static const char *option_owner(int level)
{
	return level == LEVEL_LOCAL || level == LEVEL_SYNC ? "a ZooKeeper read (preset zookeeper)" :
	       "a DynamoDB read (preset dynamodb)";
}

bool world_read_option_fits(const struct world *w, int level)
{
	enum preset p = w->preset;

	if (p == PRESET_ZOOKEEPER)
		return level == LEVEL_LOCAL || level == LEVEL_SYNC;
	if (p == PRESET_DYNAMODB || p == PRESET_DYNAMODB_STRONG)
		return level == LEVEL_EVENTUAL || level == LEVEL_STRONG;
	return true;
}

int world_check_level(const struct world *w, enum op_kind kind, int level, char *err, size_t errlen)
{
	const char *what = op_kind_name(kind);
	bool zk = w->preset == PRESET_ZOOKEEPER;

	if (level == LEVEL_DEFAULT)
		return 0;
	if (level_is_read_option(level) && kind != OP_READ) {
		snprintf(err, errlen, "%s: '%s' is a read option; a write takes ONE, QUORUM or ALL", what,
			 level_name(level));
		return -1;
	}
	if (level_is_read_option(level) && w->mode != MODE_CP) {
		snprintf(err, errlen, "%s: '%s' is %s, for the leader-based protocol; in %s mode a read takes "
			 "ONE, QUORUM or ALL", what, level_name(level), option_owner(level), mode_name(w->mode));
		return -1;
	}
	if (level_is_read_option(level) && !world_read_option_fits(w, level)) {
		snprintf(err, errlen, "%s: '%s' is %s; %s reads are %s", what, level_name(level), option_owner(level),
			 preset_name(w->preset), zk ? "local or sync" : "eventual or strong");
		return -1;
	}
	if (!level_is_read_option(level) && w->mode == MODE_STRICT) {
		snprintf(err, errlen, "%s: %s is a level of ap mode; in strict mode a write needs every replica "
			 "and a read is answered where it is sent", what, level_name(level));
		return -1;
	}
	/* In cp mode QUORUM names what every request does (the leader and a
	 * majority; on a read, the leader's linearizable read); ONE and ALL
	 * name nothing there. */
	if (level != LEVEL_QUORUM && !level_is_read_option(level) && w->mode == MODE_CP &&
	    (w->preset == PRESET_NONE || w->preset == PRESET_SINGLE)) {
		snprintf(err, errlen, "%s: %s is a level of ap mode; in cp mode %s goes through the leader and a "
			 "majority (QUORUM)%s", what, level_name(level), kind == OP_READ ? "every read" : "every write",
			 kind == OP_READ ? ", or is answered by a read option (read C balance local)" : "");
		return -1;
	}
	if (!level_is_read_option(level) && w->mode == MODE_CP && w->preset != PRESET_NONE &&
	    w->preset != PRESET_SINGLE) {
		snprintf(err, errlen, "%s: %s is a Cassandra level; %s %s", what, level_name(level),
			 preset_name(w->preset), kind != OP_READ ? "writes through the leader, to a majority" :
			 zk ? "reads are local or sync (read C balance sync)" :
			 "reads are eventual or strong (read C balance strong)");
		return -1;
	}
	return 0;
}

int world_read_cost(const struct world *w, const struct op *op)
{
	if (w->preset != PRESET_DYNAMODB && w->preset != PRESET_DYNAMODB_STRONG)
		return 0;
	if (op->kind != OP_READ || op->result != RES_OK)
		return 0;
	/* Eventual reads cost half a unit; every other read is strong. */
	return op->level == LEVEL_EVENTUAL ? 1 : 2;
}

/* A txn's condition, for request(). */
struct cond {
	enum inv_op op;
	int64_t value;
};

static uint64_t request(struct world *w, int node, enum op_kind kind, int key, int64_t arg, int level,
		       bool any_type, const struct cond *cond);

uint64_t world_request(struct world *w, int node, enum op_kind kind, int key, int64_t arg, int level)
{
	return request(w, node, kind, key, arg, level, false, NULL);
}

uint64_t world_txn(struct world *w, int node, enum op_kind kind, int key, int64_t arg, enum inv_op op,
		   int64_t value)
{
	struct cond c = { op, value };

	return request(w, node, kind == OP_WRITE ? OP_WRITE : OP_ADD, key, arg, LEVEL_DEFAULT, false, &c);
}

int world_txn_check(const struct world *w, char *err, size_t errlen)
{
	if (w->mode != MODE_STRICT)
		return 0;
	snprintf(err, errlen, "txn: strict mode has no conditional writes; a txn runs in cp mode (the leader "
		 "decides it in log order) or ap mode (a Paxos round, as Cassandra's lightweight transactions)");
	return -1;
}

void world_cond_why(const struct world *w, const struct op *op, bool has, int64_t value, char *why, size_t len)
{
	const char *key = world_key_name(w, op->key);

	if (!has)
		snprintf(why, len, "condition failed: %s has no value, needs %s%s%lld", key, key,
			 inv_op_name((enum inv_op)op->cond_op), (long long)op->cond_value);
	else
		snprintf(why, len, "condition failed: %s is %lld, needs %s%s%lld", key,
			 (long long)value, key, inv_op_name((enum inv_op)op->cond_op), (long long)op->cond_value);
}

void world_op_cond_failed(struct world *w, uint64_t id, const char *why)
{
	struct op *op = history_op(&w->hist, id);

	if (!op || op->result != RES_PENDING)
		return;
	op->cond_failed = true;
	world_op_finish(w, id, why, false, NULL);
}

static bool has_value(const struct version *v, int n, int64_t value)
{
	for (int i = 0; i < n; i++)
		if (v[i].value == value)
			return true;
	return false;
}

uint64_t world_resolve(struct world *w, int node, int key, int64_t value, char *err, size_t errlen)
{
	const struct kstate *k = &w->nodes[node].store.keys[key];
	struct version c[WORLD_MAX_NODES];
	int nc = world_choices(w, node, key, c);
	char list[256], v[96];
	size_t used = 0;

	if (!k->present) {
		snprintf(err, errlen, "%c has no %s", 'A' + node, world_key_name(w, key));
		return 0;
	}
	if (has_value(c, nc, value)) {
		uint64_t id = request(w, node, OP_WRITE, key, value, LEVEL_DEFAULT, true, NULL);
		const struct op *rop = world_op(w, id);
		char why[200];

		/* The versions not chosen are gone: the application dropped them.
		 * One acknowledged before the resolve began is replaced in real
		 * time, as any write replaces it: no loss (the client chose). */
		for (int i = 0; i < nc; i++) {
			if (c[i].value == value || (rop && world_replaced_in_order(w, c[i].wid, rop->wid)))
				continue;
			world_format_value(w, key, c[i].value, v, sizeof v);
			snprintf(why, sizeof why, "v%" PRIu64 " (%s=%s) lost: resolve at %c chose another version",
				 c[i].wid, world_key_name(w, key), v, 'A' + node);
			world_mark_lost(w, c[i].wid, value, why);
		}
		return id;
	}
	list[0] = '\0';
	for (int i = 0; i < nc && used < sizeof list; i++) {
		world_format_value(w, key, c[i].value, v, sizeof v);
		used += (size_t)snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "", v);
	}
	world_format_value(w, key, value, v, sizeof v);
	snprintf(err, errlen, "%s is not one of %c's versions of %s (%s)", v, 'A' + node,
		 world_key_name(w, key), list);
	return 0;
}

static uint64_t request(struct world *w, int node, enum op_kind kind, int key, int64_t arg, int level,
		       bool any_type, const struct cond *cond)
{
	struct op *op = history_add_op(&w->hist);
	uint64_t id;

	if (!op) {
		w->oom = true;
		return 0;
	}
	op->node = node;
	op->kind = kind;
	op->key = key;
	op->arg = arg;
	op->level = world_op_level(w, kind, level);
	if (cond) {
		op->txn = true;
		op->cond_op = (uint8_t)cond->op;
		op->cond_value = cond->value;
		op->level = w->mode == MODE_AP ? LEVEL_SERIAL : op->level;
	}
	/* The leaderless protocol reads at the op's level before it writes an
	 * update of one version (leaderless.c): the request line says so. */
	op->rmw = w->mode == MODE_AP && !cond && world_update_builds_on_base(w, key, kind);
	op->invoke_us = w->now_us;
	op->invoke_at = history_stamp(&w->hist, w->now_us);
	op->result = RES_PENDING;
	score_where(w, node, &op->partitioned, &op->minority);
	if (kind != OP_READ) {
		struct write_rec *wr = history_add_write(&w->hist);

		if (!wr) {
			w->oom = true;
			w->hist.nops--;
			return 0;
		}
		wr->op = op->id;
		wr->key = key;
		wr->value = arg;
		wr->invoke_us = w->now_us;
		wr->invoke_at = op->invoke_at;
		wr->result = RES_PENDING;
		op->wid = wr->wid;
	}
	id = op->id;
	w->pending_ops++;
	if (!op_is_lock(kind) && checker_invoked(&w->chk, &w->hist, op) < 0)
		w->oom = true;
	op_event(w, EV_INVOKE, op, NULL);
	if (op_is_lock(kind))
		lock_client_asks(w, node, kind, key, id);
	if (!any_type && kind != OP_READ &&
	    (kind == OP_SADD || kind == OP_SREMOVE) != (w->key_type[key] == KT_SET)) {
		char why[96];

		snprintf(why, sizeof why, "%s is %s", world_key_name(w, key),
			 w->key_type[key] == KT_SET ? "a set" : "a number");
		world_op_finish(w, id, why, false, NULL);
		return id;
	}
	if (w->nodes[node].crashed) {
		char why[OP_ERROR_MAX];

		if (w->n == 1)
			snprintf(why, sizeof why, "%c is down, and no other node can answer: a crash, not a partition, "
				 "so no choice of C over A", 'A' + node);
		else
			snprintf(why, sizeof why, "%c is down", 'A' + node);
		world_op_finish(w, id, why, false, NULL);
		return id;
	}
	if (op_is_lock(kind)) {
		char why[256];

		if (lock_check(w, kind, why, sizeof why) < 0) {
			world_op_finish(w, id, why, false, NULL);
			return id;
		}
	}
	if (cond) {
		char why[256];

		if (world_txn_check(w, why, sizeof why) < 0) {
			world_op_finish(w, id, why, false, NULL);
			return id;
		}
	}
	world_proto(w)->client(w, world_op(w, id));
	return id;
}

struct op *world_op(const struct world *w, uint64_t id)
{
	return history_op(&w->hist, id);
}

void world_op_sent(struct world *w, uint64_t id)
{
	struct op *op = history_op(&w->hist, id);

	if (op && op->result == RES_PENDING)
		op->sent = true;
}

static void op_end(struct world *w, uint64_t id, const char *error, bool definite, bool found,
		   const struct version *v);

void world_op_finish(struct world *w, uint64_t id, const char *error, bool found, const struct version *v)
{
	op_end(w, id, error, false, found, v);
}

void world_op_refuse(struct world *w, uint64_t id, const char *why)
{
	op_end(w, id, why, true, false, NULL);
}

/* A failure is definite unless a change was sent (or made) and may yet
 * take effect: a read changed nothing, a txn whose condition failed did
 * nothing, and a request refused before it left its node never can. */
static enum op_result failure(const struct op *op, bool definite)
{
	if (definite || !op->sent || op->kind == OP_READ || op->cond_failed)
		return RES_ERROR;
	return RES_UNKNOWN;
}

/* An earlier operation is flagged now, because of what op showed. */
static void stale_late(struct world *w, const struct op *was, const struct op *op)
{
	char why[600], text[800];

	if (!was)
		return;
	world_explain(w, was, false, why, sizeof why);
	snprintf(text, sizeof text, "#%llu, ok at %.3fs, is STALE after all: #%llu at %.3fs leaves no order of "
		 "the operations in which it fits: %s", (unsigned long long)was->id, was->done_us / 1e6,
		 (unsigned long long)op->id, op->done_us / 1e6, why);
	op_event(w, EV_STALE, was, text);
}

static void op_end(struct world *w, uint64_t id, const char *error, bool definite, bool found,
		   const struct version *v)
{
	struct op *op = history_op(&w->hist, id);
	struct write_rec *wr;
	uint64_t late[16];
	int nlate;

	if (!op || op->result != RES_PENDING)
		return;
	op->done_us = w->now_us;
	op->done_at = history_stamp(&w->hist, w->now_us);
	w->pending_ops--;
	wr = op->kind != OP_READ ? history_write(&w->hist, op->wid) : NULL;
	if (wr)
		wr->done_at = op->done_at;
	if (error) {
		op->result = failure(op, definite);
		snprintf(op->error, sizeof op->error, "%s", error);
		if (wr) {
			/* An unknown write may still take effect; an error never will. */
			wr->result = op->result;
			wr->done_us = w->now_us;
		}
		/* Refused before it left its node, it never was a version:
		 * the number goes to the next write, when nothing came since. */
		if (wr && op->result == RES_ERROR && !op->sent && !op->cond_failed && !op_is_lock(op->kind) &&
		    history_give_back(&w->hist, op->wid)) {
			op->wid = 0;
			wr = NULL;
		}
	} else {
		op->result = RES_OK;
		op->found = found || op->kind != OP_READ;
		if (op_is_lock(op->kind) && w->mode == MODE_AP && v)
			aplock_finished(w, op, v);
		if (v && op->found) {
			op->value = v->value;
			if (op->kind == OP_READ)
				op->wid = v->wid;
		}
		if (wr) {
			wr->result = RES_OK;
			wr->done_us = w->now_us;
			if (v && !wr->valued)
				wr->value = v->value;
			wr->valued = true;
		}
		op->rcu_half = (uint8_t)world_read_cost(w, op);
		w->rcu_half += op->rcu_half;
	}
	/* Judged before anyone hears of it: the outcome says STALE with it. */
	nlate = op_is_lock(op->kind) ? 0 : checker_finished(&w->chk, w, &w->hist, op, late, 16);
	if (nlate < 0) {
		w->oom = true;
		nlate = 0;
	}
	op_event(w, EV_OP, op, NULL);
	for (int i = 0; i < nlate; i++)
		stale_late(w, world_op(w, late[i]), op);
	if (op_is_lock(op->kind) && op->result == RES_OK && w->mode == MODE_AP && op->kind != OP_UNLOCK)
		aplock_check_split(w, op->key);
	/* A write acknowledged after its version was already outdone. */
	if (op->result == RES_OK && op->kind != OP_READ && op->key >= 0)
		world_lww_check(w, op->node, op->key);
}

/* Ends every pending request sent to node (node -1: all) with why: an
 * error, or unknown for a change already sent. */
void world_fail_pending(struct world *w, int node, const char *why)
{
	for (size_t i = 0; i < w->hist.nops && w->pending_ops > 0; i++) {
		struct op *op = &w->hist.ops[i];

		if (op->result == RES_PENDING && (node < 0 || op->node == node))
			world_op_finish(w, op->id, why, false, NULL);
	}
}

/* Is old_wid among the versions new_wid was built on (its base, its base's
 * base...)? */
static bool built_on(const struct world *w, uint64_t old_wid, uint64_t new_wid)
{
	const struct write_rec *n = history_write(&w->hist, new_wid);

	for (int depth = 0; n && n->rmw && depth < 100000; depth++) {
		if (n->base_wid == old_wid)
			return true;
		n = history_write(&w->hist, n->base_wid);
	}
	return false;
}

bool world_replaced_in_order(const struct world *w, uint64_t old_wid, uint64_t new_wid)
{
	const struct write_rec *o = history_write(&w->hist, old_wid), *n = history_write(&w->hist, new_wid);

	const struct op *nop;

	if (!o || !n)
		return false;
	/* An update (add, txn, a set's add or remove) keeps what it was built
	 * on; one built on something else drops old's change, whenever it ran
	 * (made under crdt or merge, it was built on no recorded version). */
	nop = history_op(&w->hist, n->op);
	if (n->rmw || (nop && nop->kind != OP_WRITE))
		return built_on(w, old_wid, new_wid);
	/* A plain write replaces old as a register would, unless it was
	 * acknowledged before old began (a first value was, before
	 * everything): then the later write is the one discarded (a clock
	 * that runs behind, a leader's log that never held it), and that is
	 * a loss. */
	return !(n->result == RES_OK && o->invoke_us > n->done_us);
}

void world_mark_lost(struct world *w, uint64_t wid, int64_t kept, const char *why)
{
	const struct write_rec *wr = history_write(&w->hist, wid);
	struct op *op = wr && wr->op ? history_op(&w->hist, wr->op) : NULL;

	if (!op || op->lost || op->result != RES_OK)
		return;
	/* By value, an order may exist in which it was simply overwritten
	 * (the kept version has its value, or follows one that has). */
	if (checker_value_possible(&w->chk, &w->hist, wr->key, kept, w->now_us))
		return;
	op->lost = true;
	op_event(w, EV_LOST, op, why);
}
