/* kstate.c: one key's replicated state and its three reconciliation rules.
 * Every part merges by a join, so any exchange order converges; strategies
 * differ only in what they read and in how a heal collapses the state. An
 * integer's assignment is a register, never a counter delta: only adds
 * count (the seed: CRDTs "only work for certain data structures (counters,
 * sets)"). */
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

static int64_t net(const struct kstate *k, int i)
{
	return i64_sub(k->p[i], k->n[i]);
}

/* The adds made since an assignment whose writer had seen seen[], in all. */
static int64_t unseen(const struct kstate *k, const int64_t *seen, int n)
{
	int64_t d = 0;

	for (int i = 0; i < n; i++)
		d = i64_add(d, i64_sub(net(k, i), seen[i]));
	return d;
}

/* An assignment plus the adds it had not seen. */
static int64_t assigned(const struct kstate *k, const struct version *a, const int64_t *seen, int n)
{
	return i64_add(a->value, unseen(k, seen, n));
}

/* The CRDT's integer: the register (the newest assignment by
 * last-writer-wins) plus the adds it had not seen. */
static int64_t register_value(const struct kstate *k, int n)
{
	return assigned(k, &k->reg, k->reg_seen, n);
}

static int64_t crdt_value(const struct kstate *k, int n)
{
	return k->type == KT_SET ? (int64_t)orset_members(k) : register_value(k, n);
}

/* The application's three-way rule for an integer: each concurrent
 * assignment plus the adds it had not seen. Returns how many distinct values
 * they give (more than one: the assignments conflict) and, in newest, the
 * index of the newest by timestamp; 0 when no assignment was made. */
static int merge_candidates(const struct kstate *k, int n, int *newest)
{
	int distinct = 0;

	*newest = -1;
	for (int i = 0; i < k->nasg; i++) {
		int64_t v = assigned(k, &k->asg[i], k->asg_seen[i], n);
		bool again = false;

		for (int j = 0; j < i; j++)
			again = again || assigned(k, &k->asg[j], k->asg_seen[j], n) == v;
		distinct += !again;
		if (*newest < 0 || version_cmp(&k->asg[i], &k->asg[*newest]) > 0)
			*newest = i;
	}
	return distinct;
}

/* The application's rule: integers by three-way merge (one assignment with
 * the adds it had not seen; adds on both sides sum; while assignments
 * disagree, the newest is read and the conflict shown), sets by union of
 * the siblings (so a removed element comes back). */
static int64_t merge_value(const struct kstate *k, int n)
{
	int64_t set = 0;
	int best;

	if (k->type != KT_SET) {
		if (merge_candidates(k, n, &best) == 0)
			return register_value(k, n);
		return assigned(k, &k->asg[best], k->asg_seen[best], n);
	}
	if (k->nsib <= 1)
		return k->nsib == 1 ? k->sib[0].value : k->v.value;
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
		k->reg = *v;
		k->asg[0] = *v;
		k->nasg = 1;
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
	vc_merge(vc, k->reg.vc, n);
	for (int i = 0; i < k->nsib; i++)
		vc_merge(vc, k->sib[i].vc, n);
	for (int i = 0; i < k->nasg; i++)
		vc_merge(vc, k->asg[i].vc, n);
}

/* The counts an assignment made now has seen: the net adds per node. */
static void snapshot(const struct kstate *k, int64_t seen[WORLD_MAX_NODES], int n)
{
	memset(seen, 0, sizeof(int64_t) * WORLD_MAX_NODES);
	for (int i = 0; i < n; i++)
		seen[i] = net(k, i);
}

static int mv_find(const struct version *arr, int count, uint64_t wid)
{
	for (int i = 0; i < count; i++)
		if (arr[i].wid == wid)
			return i;
	return -1;
}

/* A multi-value register takes one more entry (the siblings; the
 * concurrent assignments, with their snapshots in seen): kept unless an
 * entry follows it (or is it); the entries it follows are dropped. The
 * same write seen with more knowledge keeps the join of its clocks and of
 * its snapshots. Returns true when arr changed. */
static bool mv_add(struct version *arr, int64_t (*seen)[WORLD_MAX_NODES], uint8_t *count,
		   const struct version *s, const int64_t *s_seen, int n)
{
	struct version cand = *s;
	int64_t cseen[WORLD_MAX_NODES] = { 0 };
	int same = mv_find(arr, *count, s->wid), j = 0;

	if (seen)
		memcpy(cseen, s_seen, sizeof cseen);
	if (same >= 0) {
		enum vc_order o = vc_compare(arr[same].vc, s->vc, n);
		bool covered = o == VC_EQUAL || o == VC_AFTER;

		for (int c = 0; seen && c < WORLD_MAX_NODES; c++) {
			covered = covered && seen[same][c] >= cseen[c];
			if (seen[same][c] > cseen[c])
				cseen[c] = seen[same][c];
		}
		if (covered)
			return false;
		vc_merge(cand.vc, arr[same].vc, n);
	} else {
		for (int i = 0; i < *count; i++) {
			enum vc_order o = vc_compare(s->vc, arr[i].vc, n);

			if (o == VC_BEFORE || o == VC_EQUAL)
				return false;
		}
	}
	for (int i = 0; i < *count; i++)
		if (arr[i].wid != cand.wid && vc_compare(arr[i].vc, cand.vc, n) != VC_BEFORE) {
			if (seen && j != i)
				memcpy(seen[j], seen[i], sizeof seen[i]);
			arr[j++] = arr[i];
		}
	if (j < WORLD_MAX_NODES) {
		if (seen)
			memcpy(seen[j], cseen, sizeof cseen);
		arr[j++] = cand;
	}
	*count = (uint8_t)j;
	return true;
}

static bool sib_add(struct kstate *k, const struct version *s, int n)
{
	return mv_add(k->sib, NULL, &k->nsib, s, NULL, n);
}

/* A client's assignment: the register takes it when it is the newest by
 * last-writer-wins (timestamp, then node id; a clock running behind loses
 * even to an older write, as under lww), and it replaces every concurrent
 * assignment it follows. Its snapshot is what this replica counted. */
static void assignment(struct kstate *k, const struct version *stamp, int n)
{
	int64_t seen[WORLD_MAX_NODES];

	snapshot(k, seen, n);
	if (version_cmp(stamp, &k->reg) > 0) {
		k->reg = *stamp;
		memcpy(k->reg_seen, seen, sizeof seen);
	}
	mv_add(k->asg, k->asg_seen, &k->nasg, stamp, seen, n);
}

/* Makes v the only assignment, once every view reads v's value (after a
 * resolution or a committed entry). Its snapshot is the counts now, or the
 * one the same write already has when that gives the same value, so that
 * one write keeps one snapshot. */
static void asg_only(struct kstate *k, const struct version *v, int n)
{
	int64_t seen[WORLD_MAX_NODES];
	int same = mv_find(k->asg, k->nasg, v->wid);

	snapshot(k, seen, n);
	if (same >= 0 && unseen(k, k->asg_seen[same], n) == 0)
		memcpy(seen, k->asg_seen[same], sizeof seen);
	k->asg[0] = *v;
	memcpy(k->asg_seen[0], seen, sizeof seen);
	k->nasg = 1;
}

/* Makes the register-plus-counter or the OR-set read value by operations
 * made at node (a compensating count; adds and removes of elements), so
 * the change joins with whatever other replicas did meanwhile. */
static void steer(struct kstate *k, int node, int64_t value, int n)
{
	if (k->type != KT_SET) {
		count(k, node, i64_sub(value, register_value(k, n)));
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
	if (k->type != KT_SET)
		asg_only(k, v, n);
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
		k->reg.ts_us = INT64_MIN;
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
		/* An assignment sets a register: it is no delta of a counter. A
		 * set's (a client's resolve) makes the OR-set hold it. */
		stamp->value = arg;
		if (k->type == KT_SET)
			steer(k, node, arg, n);
		else
			assignment(k, stamp, n);
		break;
	}
	/* Last-write-wins keeps the highest timestamp, even over the node's own
	 * newer write when its clock runs behind: Cassandra's trap. */
	if (version_cmp(stamp, &k->v) > 0)
		k->v = *stamp;
	k->sib[0] = *stamp;
	k->nsib = 1;
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

/* Last-writer-wins join of one register: from's version when it is newer;
 * the same version seen with more knowledge keeps the join of the clocks
 * (and of the snapshots, when there are). Returns true when into changed. */
static bool lww_join(struct version *into, int64_t *into_seen, const struct version *from,
		     const int64_t *from_seen, int n)
{
	int c = version_cmp(from, into);
	bool changed = false;

	if (c > 0) {
		*into = *from;
		if (into_seen)
			memcpy(into_seen, from_seen, sizeof(int64_t) * WORLD_MAX_NODES);
		return true;
	}
	if (c < 0)
		return false;
	if (vc_compare(into->vc, from->vc, n) != VC_EQUAL && vc_compare(into->vc, from->vc, n) != VC_AFTER) {
		vc_merge(into->vc, from->vc, n);
		changed = true;
	}
	for (int i = 0; into_seen && i < WORLD_MAX_NODES; i++)
		changed |= max_i64(&into_seen[i], from_seen[i]);
	return changed;
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
	changed |= lww_join(&into->v, NULL, &from->v, NULL, n);
	/* A key is an integer or a set for life: only its own part can differ. */
	if (into->type != KT_SET) {
		changed |= lww_join(&into->reg, into->reg_seen, &from->reg, from->reg_seen, n);
		for (int i = 0; i < n; i++) {
			changed |= max_i64(&into->p[i], from->p[i]);
			changed |= max_i64(&into->n[i], from->n[i]);
		}
		for (int i = 0; i < from->nasg; i++)
			changed |= mv_add(into->asg, into->asg_seen, &into->nasg, &from->asg[i], from->asg_seen[i], n);
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

/* Do a's and b's entries hold the same writes with the same clocks (and
 * snapshots), in any order? */
static bool mv_equal(const struct version *a, const int64_t (*as)[WORLD_MAX_NODES], int na,
		     const struct version *b, const int64_t (*bs)[WORLD_MAX_NODES], int nb)
{
	if (na != nb)
		return false;
	for (int i = 0; i < na; i++) {
		int j = mv_find(b, nb, a[i].wid);

		if (j < 0 || memcmp(a[i].vc, b[j].vc, sizeof a[i].vc) != 0)
			return false;
		if (as && memcmp(as[i], bs[j], sizeof as[i]) != 0)
			return false;
	}
	return true;
}

bool kstate_equal(const struct kstate *a, const struct kstate *b)
{
	if (a->present != b->present || version_cmp(&a->v, &b->v) != 0 ||
	    memcmp(a->p, b->p, sizeof a->p) != 0 || memcmp(a->n, b->n, sizeof a->n) != 0 ||
	    memcmp(a->sadd, b->sadd, sizeof a->sadd) != 0 || memcmp(a->srm, b->srm, sizeof a->srm) != 0)
		return false;
	if (memcmp(a->v.vc, b->v.vc, sizeof a->v.vc) != 0)
		return false;
	if (version_cmp(&a->reg, &b->reg) != 0 || memcmp(a->reg.vc, b->reg.vc, sizeof a->reg.vc) != 0 ||
	    memcmp(a->reg_seen, b->reg_seen, sizeof a->reg_seen) != 0)
		return false;
	return mv_equal(a->sib, NULL, a->nsib, b->sib, NULL, b->nsib) &&
	       mv_equal(a->asg, (const int64_t (*)[WORLD_MAX_NODES])a->asg_seen, a->nasg, b->asg,
			(const int64_t (*)[WORLD_MAX_NODES])b->asg_seen, b->nasg);
}

static bool is_int(const struct kstate *k)
{
	return k->type != KT_SET && !key_type_is_lock(k->type);
}

bool kstate_unresolved(const struct kstate *k, enum strategy s, int n)
{
	int newest;

	return s == STRAT_MERGE && k->present && is_int(k) && merge_candidates(k, n, &newest) > 1;
}

int kstate_choices(const struct kstate *k, enum strategy s, int n, struct version out[WORLD_MAX_NODES])
{
	if (!k->present)
		return 0;
	if (kstate_unresolved(k, s, n)) {
		/* Oldest first by timestamp, so every replica lists them alike. */
		for (int i = 0; i < k->nasg; i++) {
			int j = i;

			for (; j > 0 && version_cmp(&out[j - 1], &k->asg[i]) > 0; j--)
				out[j] = out[j - 1];
			out[j] = k->asg[i];
			out[j].value = assigned(k, &k->asg[i], k->asg_seen[i], n);
		}
		return k->nasg;
	}
	memcpy(out, k->sib, sizeof *out * k->nsib);
	return k->nsib;
}

/* What an integer's resolution by crdt or merge counts from: the register
 * (crdt) or the one assignment the application takes (merge), the adds it
 * had not seen, the concurrent assignments the register drops (crdt), and,
 * under merge, whether the assignments disagree. */
static void explain_int(const struct kstate *k, enum strategy s, int n, struct kstate_resolution *r)
{
	const struct version *from = &k->reg;
	const int64_t *seen = k->reg_seen;
	int newest, distinct = merge_candidates(k, n, &newest);

	r->nassign = k->nasg;
	if (s == STRAT_MERGE && distinct > 0) {
		from = &k->asg[newest];
		seen = k->asg_seen[newest];
		if (distinct > 1) {
			r->unresolved = true;
			r->nchoices = kstate_choices(k, s, n, r->choices);
		}
	}
	if (s == STRAT_CRDT)
		for (int i = 0; i < k->nasg; i++)
			if (k->asg[i].wid != k->reg.wid)
				r->lost[r->nlost++] = k->asg[i].wid;
	if (from->wid)
		r->from = *from;
	for (int i = 0; i < n; i++)
		r->since[i] = i64_sub(net(k, i), seen[i]);
}

/* What a resolution by crdt or merge finds, before it changes anything. */
static void explain(const struct kstate *k, enum strategy s, int n, struct kstate_resolution *r)
{
	memset(r, 0, sizeof *r);
	if (key_type_is_lock(k->type))
		s = STRAT_LWW;
	r->strategy = s;
	r->value = kstate_value(k, s, n);
	if (!k->present || s == STRAT_LWW)
		return;
	if (is_int(k))
		explain_int(k, s, n, r);
	if (k->nsib > 1)
		for (int i = 0; i < k->nsib; i++)
			if (!r->nlost || k->sib[i].wid == k->reg.wid || mv_find(k->asg, k->nasg, k->sib[i].wid) < 0)
				r->merged[r->nmerged++] = k->sib[i].wid;
	if (r->nmerged < 2)
		r->nmerged = 0;
}

/* The version a crdt or merge resolution's value stands for, when a write
 * made it: the only sibling, the assignment it counts from when no add came
 * since, the last-write-wins version. NULL: a value no write made. */
static const struct version *stands_for(const struct kstate *k, const struct kstate_resolution *r, int n)
{
	int64_t since = 0;

	for (int i = 0; i < n; i++)
		since = i64_add(since, r->since[i]);
	if (k->nsib == 1 && k->sib[0].value == r->value)
		return &k->sib[0];
	if (r->from.wid && since == 0 && r->from.value == r->value)
		return &r->from;
	if (k->nsib == 1 && k->v.value == r->value)
		return &k->v;
	return NULL;
}

bool kstate_needs_merge_write(const struct kstate *k, enum strategy s, int n)
{
	struct kstate_resolution r;

	if (s == STRAT_LWW || !k->present || key_type_is_lock(k->type))
		return false;
	explain(k, s, n, &r);
	return !r.unresolved && !stands_for(k, &r, n);
}

void kstate_resolve(struct kstate *k, enum strategy s, int node, int64_t ts_us, uint64_t wid, int n,
		    struct kstate_resolution *r)
{
	const struct version *base;
	struct version nv;

	explain(k, s, n, r);
	s = r->strategy;
	if (!k->present || r->unresolved)
		return;         /* under merge, disagreeing assignments stay */
	/* The result follows every version here, so it replaces them all
	 * wherever it is joined; writes it did not see stay beside it. */
	base = s == STRAT_LWW ? &k->v : stands_for(k, r, n);
	nv = base ? *base : k->v;
	known_vc(k, nv.vc, n);
	if (s == STRAT_LWW) {
		for (int i = 0; i < k->nsib; i++)
			if (k->sib[i].wid != k->v.wid)
				r->lost[r->nlost++] = k->sib[i].wid;
	} else if (!base) {
		nv.value = r->value;
		nv.wid = wid;
		nv.ts_us = ts_us;
		nv.node = node;
	}
	/* A version that is not the only sibling must follow it, not equal it. */
	if (!base || (k->nsib == 1 && k->sib[0].wid != nv.wid))
		nv.vc[node]++;
	r->kept = nv.wid;
	steer(k, node, r->value, n);
	if (version_cmp(&nv, &k->v) >= 0)
		k->v = nv;
	k->sib[0] = nv;
	k->nsib = 1;
	/* The assignments collapse too, unless the one there already reads
	 * the value (nothing diverged: the state stays as it was). */
	if (k->type != KT_SET && (k->nasg != 1 || assigned(k, &k->asg[0], k->asg_seen[0], n) != r->value))
		asg_only(k, &nv, n);
}

bool kstate_covers(const struct kstate *a, const struct kstate *b, int n)
{
	struct kstate j = *a;

	kstate_merge(&j, b, n);
	return kstate_equal(&j, a);
}
