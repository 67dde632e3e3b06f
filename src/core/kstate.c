/* kstate.c: one key's replicated state and its three reconciliation rules.
 * Every part merges by a join, so any exchange order converges; strategies
 * differ only in what they read and in how a heal collapses the state. */
#include <string.h>

#include "capviz/kstate.h"

const char *strategy_name(enum strategy s)
{
	switch (s) {
	case STRAT_CRDT:
		return "crdt";
	case STRAT_MERGE:
		return "merge";
	default:
		return "lww";
	}
}

void kstate_clear(struct kstate *k)
{
	memset(k, 0, sizeof *k);
}

static uint32_t orset_members(const struct kstate *k)
{
	uint32_t set = 0;

	for (int e = 0; e < SET_MAX_ELEMS; e++)
		for (int c = 0; c <= KSTATE_BASE_DOT; c++)
			if (k->sadd[e][c] > k->srm[e][c]) {
				set |= 1u << e;
				break;
			}
	return set;
}

static int64_t counter_value(const struct kstate *k, int n)
{
	int64_t v = k->base;

	for (int i = 0; i < n; i++)
		v = i64_add(v, i64_sub(k->p[i], k->n[i]));
	return v;
}

static int64_t crdt_value(const struct kstate *k, int n)
{
	return k->type == KT_SET ? (int64_t)orset_members(k) : counter_value(k, n);
}

/* The application's rule for siblings: integers by three-way merge (the
 * common base plus every side's change, which the counts hold), sets by
 * union (so a removed element comes back). */
static int64_t merge_value(const struct kstate *k, int n)
{
	int64_t set = 0;

	if (k->nsib <= 1)
		return k->nsib == 1 ? k->sib[0].value : k->v.value;
	if (k->type != KT_SET)
		return counter_value(k, n);
	for (int i = 0; i < k->nsib; i++)
		set |= k->sib[i].value;
	return set;
}

int64_t kstate_value(const struct kstate *k, enum strategy s, int n)
{
	/* A lock's register has no CRDT and no application merge. */
	if (key_type_is_lock(k->type))
		return k->v.value;
	switch (s) {
	case STRAT_CRDT:
		return crdt_value(k, n);
	case STRAT_MERGE:
		return merge_value(k, n);
	default:
		return k->v.value;
	}
}

void kstate_assign(struct kstate *k, int type, const struct version *v, int n)
{
	(void)n;
	kstate_clear(k);
	k->present = true;
	k->type = (uint8_t)type;
	k->v = *v;
	k->sib[0] = *v;
	k->nsib = 1;
	if (type == KT_SET) {
		for (int e = 0; e < SET_MAX_ELEMS; e++)
			if ((uint64_t)v->value & (1ull << e))
				k->sadd[e][KSTATE_BASE_DOT] = 1;
	} else {
		k->base = v->value;
	}
}

static void count(struct kstate *k, int node, int64_t delta)
{
	if (delta >= 0)
		k->p[node] = i64_add(k->p[node], delta);
	else
		k->n[node] = i64_sub(k->n[node], delta);
}

/* The vector clock of everything k holds: a write at this replica follows
 * all of it. */
static void known_vc(const struct kstate *k, uint32_t *vc, int n)
{
	memcpy(vc, k->v.vc, sizeof k->v.vc);
	for (int i = 0; i < k->nsib; i++)
		vc_merge(vc, k->sib[i].vc, n);
}

/* Makes the counter or the OR-set read value by adding operations made at
 * node (a compensating delta; adds and removes of elements), so the change
 * joins with whatever other replicas did meanwhile. */
static void steer(struct kstate *k, int node, int64_t value, int n)
{
	if (k->type != KT_SET) {
		count(k, node, i64_sub(value, counter_value(k, n)));
		return;
	}
	uint32_t have = orset_members(k), want = (uint32_t)value;

	for (int e = 0; e < SET_MAX_ELEMS; e++) {
		uint32_t bit = 1u << e;

		if ((want & bit) && !(have & bit))
			k->sadd[e][node]++;
		if (!(want & bit) && (have & bit))
			for (int c = 0; c <= KSTATE_BASE_DOT; c++)
				if (k->srm[e][c] < k->sadd[e][c])
					k->srm[e][c] = k->sadd[e][c];
	}
}

void kstate_set(struct kstate *k, int type, const struct version *v, int n)
{
	if (!k->present) {
		kstate_assign(k, type, v, n);
		return;
	}
	steer(k, v->node, v->value, n);
	k->v = *v;
	k->sib[0] = *v;
	k->nsib = 1;
}

void kstate_write(struct kstate *k, int node, int n, int type, enum op_kind kind, int64_t arg,
		  struct version *stamp)
{
	int e = (int)(arg & (SET_MAX_ELEMS - 1));

	if (!k->present) {
		kstate_clear(k);
		k->present = true;
		k->type = (uint8_t)type;
		k->v.ts_us = INT64_MIN;         /* any write beats "nothing" */
	}
	known_vc(k, stamp->vc, n);
	stamp->vc[node]++;
	switch (kind) {
	case OP_ADD:
		stamp->value = i64_add(k->v.value, arg);
		count(k, node, arg);
		break;
	case OP_SADD:
		stamp->value = k->v.value | (int64_t)(1ull << e);
		k->sadd[e][node]++;
		break;
	case OP_SREMOVE:
		stamp->value = k->v.value & ~(int64_t)(1ull << e);
		for (int c = 0; c <= KSTATE_BASE_DOT; c++)
			if (k->srm[e][c] < k->sadd[e][c])
				k->srm[e][c] = k->sadd[e][c];
		break;
	default:
		stamp->value = arg;
		count(k, node, i64_sub(arg, counter_value(k, n)));
		break;
	}
	/* Last-write-wins keeps the highest timestamp, even over the node's own
	 * newer write when its clock runs behind: Cassandra's trap. */
	if (version_cmp(stamp, &k->v) > 0)
		k->v = *stamp;
	k->sib[0] = *stamp;
	k->nsib = 1;
}

/* Adds s to the siblings unless one of them follows it (or is it); drops
 * those that s follows. */
static bool sib_add(struct kstate *k, const struct version *s, int n)
{
	struct version cand = *s;
	bool changed = false;
	int j = 0;

	/* The same write seen with more knowledge: its clock is the join. */
	for (int i = 0; i < k->nsib; i++)
		if (k->sib[i].wid == s->wid) {
			if (vc_compare(k->sib[i].vc, s->vc, n) == VC_EQUAL ||
			    vc_compare(k->sib[i].vc, s->vc, n) == VC_AFTER)
				return false;
			vc_merge(cand.vc, k->sib[i].vc, n);
			changed = true;
		}
	if (!changed)
		for (int i = 0; i < k->nsib; i++) {
			enum vc_order o = vc_compare(s->vc, k->sib[i].vc, n);

			if (o == VC_BEFORE || o == VC_EQUAL)
				return false;
		}
	for (int i = 0; i < k->nsib; i++)
		if (k->sib[i].wid != cand.wid && vc_compare(k->sib[i].vc, cand.vc, n) != VC_BEFORE)
			k->sib[j++] = k->sib[i];
	if (j < WORLD_MAX_NODES)
		k->sib[j++] = cand;
	k->nsib = (uint8_t)j;
	return true;
}

static bool max_i64(int64_t *into, int64_t from)
{
	if (from <= *into)
		return false;
	*into = from;
	return true;
}

static bool max_u16(uint16_t *into, uint16_t from)
{
	if (from <= *into)
		return false;
	*into = from;
	return true;
}

bool kstate_merge(struct kstate *into, const struct kstate *from, int n)
{
	bool changed = false;

	if (!from->present)
		return false;
	if (!into->present) {
		*into = *from;
		return true;
	}
	if (version_cmp(&from->v, &into->v) > 0) {
		into->v = from->v;
		changed = true;
	} else if (version_cmp(&from->v, &into->v) == 0 &&
		   vc_compare(into->v.vc, from->v.vc, n) != VC_EQUAL &&
		   vc_compare(into->v.vc, from->v.vc, n) != VC_AFTER) {
		vc_merge(into->v.vc, from->v.vc, n);
		changed = true;
	}
	/* A key is a counter or a set for life: only its own part can differ. */
	if (into->type != KT_SET) {
		for (int i = 0; i < n; i++) {
			changed |= max_i64(&into->p[i], from->p[i]);
			changed |= max_i64(&into->n[i], from->n[i]);
		}
	} else if (memcmp(into->sadd, from->sadd, sizeof into->sadd) != 0 ||
		   memcmp(into->srm, from->srm, sizeof into->srm) != 0) {
		for (int e = 0; e < SET_MAX_ELEMS; e++)
			for (int c = 0; c <= KSTATE_BASE_DOT; c++) {
				changed |= max_u16(&into->sadd[e][c], from->sadd[e][c]);
				changed |= max_u16(&into->srm[e][c], from->srm[e][c]);
			}
	}
	for (int i = 0; i < from->nsib; i++)
		changed |= sib_add(into, &from->sib[i], n);
	return changed;
}

static const struct version *sib_has(const struct kstate *k, uint64_t wid)
{
	for (int i = 0; i < k->nsib; i++)
		if (k->sib[i].wid == wid)
			return &k->sib[i];
	return NULL;
}

bool kstate_equal(const struct kstate *a, const struct kstate *b)
{
	if (a->present != b->present || a->nsib != b->nsib ||
	    version_cmp(&a->v, &b->v) != 0 || a->base != b->base ||
	    memcmp(a->p, b->p, sizeof a->p) != 0 || memcmp(a->n, b->n, sizeof a->n) != 0 ||
	    memcmp(a->sadd, b->sadd, sizeof a->sadd) != 0 || memcmp(a->srm, b->srm, sizeof a->srm) != 0)
		return false;
	if (memcmp(a->v.vc, b->v.vc, sizeof a->v.vc) != 0)
		return false;
	for (int i = 0; i < a->nsib; i++) {
		const struct version *o = sib_has(b, a->sib[i].wid);

		if (!o || memcmp(o->vc, a->sib[i].vc, sizeof o->vc) != 0)
			return false;
	}
	return true;
}

bool kstate_needs_merge_write(const struct kstate *k, enum strategy s, int n)
{
	if (s == STRAT_LWW || !k->present || key_type_is_lock(k->type))
		return false;
	return k->nsib > 1 || kstate_value(k, s, n) != k->v.value;
}

void kstate_resolve(struct kstate *k, enum strategy s, int node, int64_t ts_us, uint64_t wid, int n,
		    struct kstate_resolution *r)
{
	struct version nv;

	memset(r, 0, sizeof *r);
	if (key_type_is_lock(k->type))
		s = STRAT_LWW;
	r->strategy = s;
	r->base = k->type == KT_SET ? 0 : k->base;
	r->value = kstate_value(k, s, n);
	if (!k->present)
		return;
	/* The result follows every version here, so it replaces them all
	 * wherever it is joined; writes it did not see stay beside it. */
	nv = k->v;
	known_vc(k, nv.vc, n);
	if (s == STRAT_LWW) {
		r->kept = k->v.wid;
		for (int i = 0; i < k->nsib; i++)
			if (k->sib[i].wid != k->v.wid)
				r->lost[r->nlost++] = k->sib[i].wid;
	} else {
		if (k->nsib > 1)
			for (int i = 0; i < k->nsib; i++)
				r->merged[r->nmerged++] = k->sib[i].wid;
		if (kstate_needs_merge_write(k, s, n)) {
			nv.value = r->value;
			nv.wid = wid;
			nv.ts_us = ts_us;
			nv.node = node;
			nv.vc[node]++;
		} else if (k->nsib == 1) {
			nv = k->sib[0];
			known_vc(k, nv.vc, n);
		}
		r->kept = nv.wid;
	}
	steer(k, node, r->value, n);
	if (version_cmp(&nv, &k->v) >= 0)
		k->v = nv;
	k->sib[0] = nv;
	k->nsib = 1;
}

bool kstate_covers(const struct kstate *a, const struct kstate *b, int n)
{
	struct kstate j = *a;

	kstate_merge(&j, b, n);
	return kstate_equal(&j, a);
}
