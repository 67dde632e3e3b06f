/* aplock.c: the same lock taken on an AP store (the leaderless protocol):
 * a register per path, holder and token, that the client's own replica
 * checks and sets, then replicates at the write level like any write. Each
 * side of a partition grants it on its own, so a partition makes two
 * holders, and both sides number their grant the same: a fencing token
 * needs one linearizable counter, which an AP store does not have. When
 * the sides meet, last-write-wins keeps one grant and the other holder
 * learns it lost the lock (its grant is LOST). */
#include <inttypes.h>
#include <stdio.h>

#include "capviz/world.h"

#define HOLDER_BITS 4

int aplock_holder(int64_t value)
{
	return (int)(value & ((1 << HOLDER_BITS) - 1)) - 1;
}

uint32_t aplock_token(int64_t value)
{
	return (uint32_t)((uint64_t)value >> HOLDER_BITS);
}

static int64_t encode(int holder, uint32_t token)
{
	return (int64_t)(((uint64_t)token << HOLDER_BITS) | (uint64_t)(holder + 1));
}

static void answer(struct world *w, struct op *op, enum lock_outcome outcome, int holder, uint32_t token,
		   const char *error)
{
	uint64_t id = op->id;

	op->lock_outcome = (uint8_t)outcome;
	op->holder = (int8_t)holder;
	op->token = token;
	world_op_finish(w, id, error, false, NULL);
}

void aplock_client(struct world *w, struct op *op)
{
	int c = op->node;
	const struct kstate *ks = store_state(&w->nodes[c].store, op->key);
	int64_t cur = ks->present ? ks->v.value : 0;
	int holder = aplock_holder(cur);
	uint32_t token = aplock_token(cur);
	char why[OP_ERROR_MAX];

	if (op->kind == OP_UNLOCK) {
		if (holder != c) {
			snprintf(why, sizeof why, "%c's replica says the client at %c does not hold %s", 'A' + c, 'A' + c,
				 world_key_name(w, op->key));
			answer(w, op, LOCK_NOT_HELD, holder, token, why);
			return;
		}
		op->arg = encode(-1, token);
		/* Letting go: the client stops counting on it now. */
		w->nodes[c].lk.ap_held &= ~(1u << op->key);
	} else if (holder == c) {
		answer(w, op, LOCK_GRANTED, c, token, NULL);
		return;
	} else if (holder >= 0) {
		snprintf(why, sizeof why, "%c's replica says the client at %c %s %s (token %" PRIu32 "); an AP "
			 "lock does not queue", 'A' + c, 'A' + holder, op->kind == OP_ELECT ? "leads" : "holds",
			 world_key_name(w, op->key), token);
		answer(w, op, LOCK_BUSY, holder, token, why);
		return;
	} else {
		/* Free here: take it, numbered after the last grant this
		 * replica knows of. */
		op->arg = encode(c, token + 1);
	}
	leaderless_write_start(w, op);
}

void aplock_check_split(struct world *w, int key)
{
	int holders[WORLD_MAX_NODES], n = world_lock_holders(w, key, holders);
	char list[160];
	size_t used = 0;
	uint32_t t, first = 0;
	bool same = true;

	if (n < 2)
		return;
	for (int i = 0; i < n && used < sizeof list; i++) {
		world_lock_held(w, holders[i], key, &t);
		if (i == 0)
			first = t;
		same = same && t == first;
		used += (size_t)snprintf(list + used, sizeof list - used, "%s%c (token %" PRIu32 ")",
					 i == 0 ? "" : i == n - 1 ? " and " : ", ", 'A' + holders[i], t);
	}
	world_lock_note(w, holders[n - 1], key, "SPLIT BRAIN: %d clients hold %s: %s. Each side granted it; %s "
			"ZooKeeper refuses the minority's lock, and its tokens only grow, so storage that rejects an "
			"old token turns the stale holder away.", n, world_key_name(w, key), list,
			same ? "the tokens are equal, so storage fencing on tokens cannot tell them apart." :
			"tokens numbered on each side say nothing about which is stale.");
}

void aplock_finished(struct world *w, struct op *op, const struct version *v)
{
	struct lock_node *lk = &w->nodes[op->node].lk;

	op->holder = (int8_t)aplock_holder(v->value);
	op->token = aplock_token(v->value);
	if (op->kind == OP_UNLOCK) {
		op->lock_outcome = LOCK_RELEASED;
		lk->ap_held &= ~(1u << op->key);
		return;
	}
	op->lock_outcome = LOCK_GRANTED;
	lk->ap_held |= 1u << op->key;
}

void aplock_changed(struct world *w, int node, int key)
{
	struct lock_node *lk = &w->nodes[node].lk;
	const struct kstate *ks = &w->nodes[node].store.keys[key];
	int holder = ks->present ? aplock_holder(ks->v.value) : -1;

	if (!(lk->ap_held & (1u << key)) || holder == node)
		return;
	lk->ap_held &= ~(1u << key);
	if (holder >= 0)
		world_lock_note(w, node, key, "the client at %c lost %s: last-write-wins kept the newer write of the "
				"lock, by the client at %c (token %" PRIu32 ")%s", 'A' + node, world_key_name(w, key),
				'A' + holder, aplock_token(ks->v.value),
				w->nodes[holder].lk.ap_held & (1u << key) ? "" :
				", whose request had failed: its write landed all the same");
	else
		world_lock_note(w, node, key, "the client at %c lost %s: its replica now says it is free", 'A' + node,
				world_key_name(w, key));
}
