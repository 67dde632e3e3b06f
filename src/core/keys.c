/* keys.c: the world's keys and set elements, what each replica holds of
 * them, and the events that follow every change of a replica's state: the
 * value stored, a conflict appearing, an invariant broken or kept again. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "capviz/world.h"

/* Init values are older than any write, whatever a node's clock says. */
#define INIT_TS_US (-(int64_t)1000000 * 1000000000)

int world_key_typed(struct world *w, const char *name, enum key_type type)
{
	for (int i = 0; i < w->nkeys; i++)
		if (strcmp(w->keys[i], name) == 0)
			return w->key_type[i] == type ? i : -2;
	if (w->nkeys == STORE_MAX_KEYS || strlen(name) >= KEY_NAME_MAX)
		return -1;
	snprintf(w->keys[w->nkeys], KEY_NAME_MAX, "%s", name);
	w->key_type[w->nkeys] = (uint8_t)type;
	return w->nkeys++;
}

int world_key(struct world *w, const char *name, bool create)
{
	for (int i = 0; i < w->nkeys; i++)
		if (strcmp(w->keys[i], name) == 0)
			return i;
	if (!create)
		return -1;
	return world_key_typed(w, name, KT_INT);
}

const char *world_key_name(const struct world *w, int key)
{
	if (key < 0 || key >= w->nkeys)
		return "?";
	return w->keys[key];
}

int world_elem(struct world *w, const char *name, bool create)
{
	for (int i = 0; i < w->nelems; i++)
		if (strcmp(w->elems[i], name) == 0)
			return i;
	if (!create || w->nelems == SET_MAX_ELEMS || strlen(name) >= KEY_NAME_MAX || !*name)
		return -1;
	snprintf(w->elems[w->nelems], KEY_NAME_MAX, "%s", name);
	return w->nelems++;
}

const char *world_elem_name(const struct world *w, int elem)
{
	if (elem < 0 || elem >= w->nelems)
		return "?";
	return w->elems[elem];
}

int world_first_data_key(const struct world *w)
{
	for (int k = 0; k < w->nkeys; k++)
		if (!key_type_is_lock(w->key_type[k]))
			return k;
	return -1;
}

void world_format_value(const struct world *w, int key, int64_t value, char *buf, size_t len)
{
	size_t used;

	if (key >= 0 && key < w->nkeys && key_type_is_lock(w->key_type[key])) {
		int holder = aplock_holder(value);

		if (holder >= 0)
			snprintf(buf, len, "%c (token %" PRIu32 ")", 'A' + holder, aplock_token(value));
		else
			snprintf(buf, len, "free (token %" PRIu32 ")", aplock_token(value));
		return;
	}
	if (key < 0 || key >= w->nkeys || w->key_type[key] != KT_SET) {
		snprintf(buf, len, "%" PRId64, value);
		return;
	}
	used = (size_t)snprintf(buf, len, "{");
	for (int e = 0; e < SET_MAX_ELEMS && used < len; e++) {
		if (!((uint64_t)value & (1ull << e)))
			continue;
		used += (size_t)snprintf(buf + used, len - used, "%s%s", used > 1 ? ", " : "",
					 world_elem_name(w, e));
	}
	if (used < len)
		snprintf(buf + used, len - used, "}");
}

void world_format_conflict(const struct world *w, int key, const struct version *c, int n, char *buf, size_t len)
{
	size_t used = 0;
	char v[96];

	buf[0] = '\0';
	for (int i = 0; i < n && used < len; i++) {
		world_format_value(w, key, c[i].value, v, sizeof v);
		used += (size_t)snprintf(buf + used, len - used, "%s%s", i ? "|" : "", v);
	}
	if (used < len)
		snprintf(buf + used, len - used, " (conflict)");
}

bool world_value(const struct world *w, int node, int key, int64_t *out)
{
	const struct kstate *k;

	if (node < 0 || node >= w->n || key < 0 || key >= STORE_MAX_KEYS)
		return false;
	k = &w->nodes[node].store.keys[key];
	if (!k->present)
		return false;
	*out = kstate_value(k, w->strategy, w->n);
	return true;
}

const char *inv_op_name(enum inv_op op)
{
	static const char *const names[] = { ">=", ">", "<=", "<", "==", "!=" };

	return (unsigned)op < 6 ? names[op] : "?";
}

bool inv_compare(enum inv_op op, int64_t v, int64_t bound)
{
	switch (op) {
	case INV_GE:
		return v >= bound;
	case INV_GT:
		return v > bound;
	case INV_LE:
		return v <= bound;
	case INV_LT:
		return v < bound;
	case INV_EQ:
		return v == bound;
	default:
		return v != bound;
	}
}

static bool inv_holds(const struct invariant *inv, int64_t v)
{
	return inv_compare(inv->op, v, inv->value);
}

/* Flags each invariant on key that node breaks now, or keeps again. */
static void check_invariants(struct world *w, int node, int key)
{
	int64_t v;

	if (!world_value(w, node, key, &v))
		return;
	for (int i = 0; i < w->ninvariants; i++) {
		const struct invariant *inv = &w->invariants[i];
		bool broken;
		char text[160];
		struct event e;

		if (inv->key != key)
			continue;
		broken = !inv_holds(inv, v);
		if (broken == w->broken[node][i])
			continue;
		w->broken[node][i] = broken;
		snprintf(text, sizeof text, "invariant %s%s%" PRId64 " %s at %c: %s=%" PRId64,
			 w->keys[key], inv_op_name(inv->op), inv->value, broken ? "broken" : "holds again",
			 'A' + node, w->keys[key], v);
		e = world_event(w, EV_INVARIANT);
		e.node = node;
		e.key = key;
		e.up = !broken;
		e.text = text;
		world_emit(w, &e);
	}
}

int world_add_invariant(struct world *w, int key, enum inv_op op, int64_t value)
{
	if (w->ninvariants == WORLD_MAX_INVARIANTS || key < 0 || key >= STORE_MAX_KEYS)
		return -1;
	w->invariants[w->ninvariants++] = (struct invariant){ key, op, value };
	for (int i = 0; i < w->n; i++)
		check_invariants(w, i, key);
	return 0;
}

enum strategy world_strategy_now(const struct world *w)
{
	if (w->heal_pending || (w->heal.token && !w->heal.resolved))
		return w->heal_strategy;
	return w->strategy;
}

/* Under a protocol that reconciles nothing now (leader-based, or strict
 * with replicas that agree), the strategy waits for mode ap: say so. */
static void say_unused_strategy(struct world *w, enum strategy s)
{
	char why[320];

	if (!world_heal_reconciles(w, why, sizeof why))
		world_note(w, -1, "strategy %s: not used now (%s)", strategy_name(s), why);
}

void world_set_strategy(struct world *w, enum strategy s)
{
	struct event e;

	if ((unsigned)s >= STRAT_COUNT)
		return;
	w->strategy = s;
	e = world_event(w, EV_CONFIG);
	e.text = s == STRAT_LWW ? "strategy lww: the highest timestamp wins" :
		 s == STRAT_CRDT ? "strategy crdt: a number is a register (the newest assignment wins) plus a "
				   "counter (adds sum); a set is an add-wins set" :
				   "strategy merge: the application's three-way merge; concurrent assignments that "
				   "differ stay for a client to resolve";
	world_emit(w, &e);
	say_unused_strategy(w, s);
	for (int i = 0; i < w->n; i++)
		for (int k = 0; k < w->nkeys; k++)
			check_invariants(w, i, k);
}

/* Is a loss of s (an acknowledged write the register discards for keep)
 * one to report? Not when keep was written after s was acknowledged (an
 * overwrite in real time, as any register does), nor twice. */
static bool losing(struct world *w, const struct version *s, const struct version *keep)
{
	const struct write_rec *wr;
	const struct op *op;

	if (s->wid == keep->wid || world_replaced_in_order(w, s->wid, keep->wid))
		return false;
	wr = history_write(&w->hist, s->wid);
	op = world_op(w, wr ? wr->op : 0);
	return op && !op->lost && op->result == RES_OK;
}

/* Each acknowledged write in arr that the register keep discards for good
 * is LOST, by name: under last-write-wins every version not the newest by
 * timestamp (and not before it); under crdt an integer's concurrent
 * assignments, of which the CRDT's register keeps the newest by timestamp
 * (adds are never lost: the counter keeps them all). A write the kept one
 * replaced in real time is no loss. (The heal reports the same losses; each
 * only once.) */
static void discards(struct world *w, int node, int key, const struct version *arr, int n,
		     const struct version *keep, bool crdt)
{
	const char *name = "v";
	char why[400], a[96], b[96];
	int64_t now = keep->value;

	if (crdt && !world_value(w, node, key, &now))
		return;
	for (int i = 0; i < n; i++) {
		const struct version *s = &arr[i];

		if (!losing(w, s, keep))
			continue;
		world_format_value(w, key, s->value, a, sizeof a);
		world_format_value(w, key, keep->value, b, sizeof b);
		snprintf(why, sizeof why, "%s%" PRIu64 " (%s=%s at %c, timestamp %.3fs) lost at %c: %s%s%" PRIu64
			 " (%s, timestamp %.3fs)%s", name, s->wid, w->keys[key], a, 'A' + s->node, s->ts_us / 1e6,
			 'A' + node, crdt ? "the CRDT's register keeps the newest assignment by timestamp, " :
			 "last-write-wins keeps ", name, keep->wid, b, keep->ts_us / 1e6,
			 w->nodes[s->node].skew_us || w->nodes[keep->node].skew_us ? "; a skewed clock stamped them" : "");
		world_mark_lost(w, s->wid, now, why);
	}
}

static void register_check(struct world *w, int node, int key)
{
	enum strategy s = world_strategy_now(w);

	const struct kstate *k = &w->nodes[node].store.keys[key];

	if (s == STRAT_LWW)
		discards(w, node, key, k->sib, k->nsib, &k->v, false);
	else if (s == STRAT_CRDT && k->type != KT_SET && !key_type_is_lock(k->type))
		discards(w, node, key, k->asg, k->nasg, &k->reg, true);
}

int world_choices(const struct world *w, int node, int key, struct version out[WORLD_MAX_NODES])
{
	if (node < 0 || node >= w->n || key < 0 || key >= w->nkeys)
		return 0;
	return kstate_choices(&w->nodes[node].store.keys[key], w->strategy, w->n, out);
}

bool world_unresolved(const struct world *w, int node, int key)
{
	if (node < 0 || node >= w->n || key < 0 || key >= w->nkeys)
		return false;
	return kstate_unresolved(&w->nodes[node].store.keys[key], w->strategy, w->n);
}

/* The events after node's state of key changed; siblings_before is how many
 * concurrent versions it held before. */
void world_lww_check(struct world *w, int node, int key)
{
	register_check(w, node, key);
}

void world_state_changed(struct world *w, int node, int key, int siblings_before)
{
	const struct kstate *k = &w->nodes[node].store.keys[key];
	struct event e = world_event(w, EV_APPLY);
	struct write_rec *wr = history_write(&w->hist, k->v.wid);

	/* Every version a replica holds took effect there. */
	if (wr)
		wr->applied = true;
	for (int i = 0; i < k->nsib; i++)
		if ((wr = history_write(&w->hist, k->sib[i].wid)))
			wr->applied = true;
	e.node = node;
	e.key = key;
	e.v = k->v;
	world_emit(w, &e);
	if (k->nsib > 1 && siblings_before <= 1) {
		char text[256], a[64];
		size_t used = 0;

		used += (size_t)snprintf(text, sizeof text, "%c holds %d concurrent versions of %s:", 'A' + node,
					 k->nsib, w->keys[key]);
		for (int i = 0; i < k->nsib && used < sizeof text; i++) {
			world_format_value(w, key, k->sib[i].value, a, sizeof a);
			used += (size_t)snprintf(text + used, sizeof text - used, "%s %s (v%" PRIu64 " at %c)",
						 i ? "," : "", a, k->sib[i].wid, 'A' + k->sib[i].node);
		}
		e = world_event(w, EV_CONFLICT);
		e.node = node;
		e.key = key;
		e.text = text;
		world_emit(w, &e);
	}
	check_invariants(w, node, key);
	register_check(w, node, key);
	if (key_type_is_lock(w->key_type[key]) && w->mode == MODE_AP)
		aplock_changed(w, node, key);
}

bool world_apply(struct world *w, int node, int key, const struct version *v)
{
	int before = w->nodes[node].store.keys[key].nsib;

	if (!store_apply(&w->nodes[node].store, key, v, w->n))
		return false;
	world_state_changed(w, node, key, before);
	return true;
}

void world_put(struct world *w, int node, int key, const struct version *v)
{
	int before = w->nodes[node].store.keys[key].nsib;

	store_put(&w->nodes[node].store, key, v);
	world_state_changed(w, node, key, before);
}

bool world_merge(struct world *w, int node, int key, const struct kstate *ks)
{
	struct kstate *k = store_state(&w->nodes[node].store, key);
	int before = k->nsib;

	if (!kstate_merge(k, ks, w->n))
		return false;
	world_state_changed(w, node, key, before);
	return true;
}

bool world_update_builds_on_base(const struct world *w, int key, enum op_kind kind)
{
	if (key < 0 || key >= w->nkeys || w->strategy != STRAT_LWW)
		return false;
	if (kind == OP_ADD)
		return w->key_type[key] == KT_INT;
	return (kind == OP_SADD || kind == OP_SREMOVE) && w->key_type[key] == KT_SET;
}

void world_write_local(struct world *w, int node, int key, enum op_kind kind, int64_t arg,
		       struct version *stamp)
{
	struct kstate *k = store_state(&w->nodes[node].store, key);
	struct write_rec *wr;
	int before = k->nsib;

	/* Under last-write-wins an add or a set change is computed from the
	 * version this replica holds: a read-modify-write of it. */
	if (world_update_builds_on_base(w, key, kind))
		history_write_base(&w->hist, stamp->wid, k->present ? k->v.wid : 0);
	kstate_write(k, node, w->n, w->key_type[key], kind, arg, stamp);
	/* The version carries what this replica made of it: readers of it
	 * see that, whatever the client is told of the merged view. */
	if ((wr = history_write(&w->hist, stamp->wid)) && !wr->valued) {
		wr->value = stamp->value;
		wr->valued = true;
	}
	world_state_changed(w, node, key, before);
	/* Made here: from now on its client cannot know it did not apply. */
	if (history_write(&w->hist, stamp->wid))
		world_op_sent(w, history_write(&w->hist, stamp->wid)->op);
}

static int init_key(struct world *w, int key, int64_t value)
{
	struct write_rec *wr;
	struct version v;

	wr = history_add_write(&w->hist);
	if (!wr)
		return -1;
	wr->key = key;
	wr->value = value;
	wr->invoke_us = -1;
	wr->done_us = -1;
	wr->invoke_at = -1;
	wr->done_at = -1;
	wr->result = RES_OK;
	if (checker_first(&w->chk, &w->hist, wr->wid) < 0)
		return -1;
	memset(&v, 0, sizeof v);
	v.value = value;
	v.wid = wr->wid;
	v.ts_us = INIT_TS_US;
	for (int i = 0; i < w->n; i++) {
		struct kstate *k = store_state(&w->nodes[i].store, key);

		kstate_assign(k, w->key_type[key], &v, w->n);
		world_state_changed(w, i, key, 1);
	}
	return 0;
}

int world_init_value(struct world *w, const char *name, int64_t value)
{
	int key = world_key_typed(w, name, KT_INT);

	return key < 0 ? -1 : init_key(w, key, value);
}

int world_init_set(struct world *w, const char *name, uint32_t members)
{
	int key = world_key_typed(w, name, KT_SET);

	return key < 0 ? -1 : init_key(w, key, (int64_t)members);
}

uint64_t world_system_write(struct world *w, int key, int64_t value)
{
	struct write_rec *wr = history_add_write(&w->hist);

	if (!wr) {
		w->oom = true;
		return 0;
	}
	wr->key = key;
	wr->value = value;
	wr->invoke_us = w->now_us;
	wr->done_us = w->now_us;
	wr->invoke_at = wr->done_at = history_stamp(&w->hist, w->now_us);
	wr->result = RES_OK;
	if (checker_system_write(&w->chk, &w->hist, wr->wid) < 0)
		w->oom = true;
	return wr->wid;
}
