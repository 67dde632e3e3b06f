/* test_kstate.c: the key state is a join semilattice: merging is
 * commutative, associative and idempotent, over random concurrent writes,
 * adds, set adds and removes, and resolutions, in random merge orders. So
 * replicas converge whatever order states reach them, for every strategy.
 * And an integer is a register plus a counter: concurrent assignments never
 * add up (crdt keeps the newest, merge leaves them to a client), adds sum,
 * an add concurrent with an assignment survives it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "capviz/kstate.h"
#include "capviz/rng.h"

#define N 4
#define SEEDS 500

static uint64_t next_wid;

/* A replica's state after a few random operations of its own, merged with
 * some of the others' (so states share history and also diverge). */
static void random_op(struct kstate *k, int node, int type, struct rng *r, int64_t *clock)
{
	struct version stamp;
	enum op_kind kinds_int[] = { OP_WRITE, OP_ADD };
	enum op_kind kinds_set[] = { OP_SADD, OP_SREMOVE };
	enum op_kind kind = type == KT_SET ? kinds_set[rng_below(r, 2)] : kinds_int[rng_below(r, 2)];
	int64_t arg = type == KT_SET ? (int64_t)rng_below(r, 5) : rng_range(r, -50, 50);

	memset(&stamp, 0, sizeof stamp);
	stamp.wid = ++next_wid;
	stamp.ts_us = (*clock += rng_range(r, -3, 10));   /* clocks may run backwards: skew */
	stamp.node = node;
	if (rng_below(r, 8) == 0) {
		struct kstate_resolution res;

		kstate_resolve(k, (enum strategy)rng_below(r, STRAT_COUNT), node, stamp.ts_us, stamp.wid, N, &res);
		return;
	}
	kstate_write(k, node, N, type, kind, arg, &stamp);
}

static void make_states(struct kstate *s, int type, struct rng *r)
{
	struct version init;
	int64_t clock = 0;

	memset(&init, 0, sizeof init);
	init.wid = ++next_wid;
	init.value = type == KT_SET ? 3 : 100;
	init.ts_us = -1000;
	for (int i = 0; i < N; i++) {
		kstate_clear(&s[i]);
		kstate_assign(&s[i], type, &init, N);
	}
	for (int step = 0; step < 30; step++) {
		int a = (int)rng_below(r, N), b = (int)rng_below(r, N);

		if (rng_below(r, 3) == 0)
			kstate_merge(&s[a], &s[b], N);
		else
			random_op(&s[a], a, type, r, &clock);
	}
}

static void check_laws(const struct kstate *a, const struct kstate *b, const struct kstate *c)
{
	struct kstate ab = *a, ba = *b, aa = *a, l = *a, rgt = *b, bc;

	kstate_merge(&ab, b, N);
	kstate_merge(&ba, a, N);
	assert_true(kstate_equal(&ab, &ba));            /* commutative */
	kstate_merge(&aa, a, N);
	assert_true(kstate_equal(&aa, a));              /* idempotent */
	kstate_merge(&l, b, N);
	kstate_merge(&l, c, N);                         /* (a b) c */
	bc = *b;
	kstate_merge(&bc, c, N);
	rgt = *a;
	kstate_merge(&rgt, &bc, N);                     /* a (b c) */
	assert_true(kstate_equal(&l, &rgt));            /* associative */
	for (int s = 0; s < STRAT_COUNT; s++)
		assert_true(kstate_value(&l, (enum strategy)s, N) == kstate_value(&rgt, (enum strategy)s, N));
}

static void test_join_laws(void **state)
{
	struct kstate s[N];
	struct rng r;

	(void)state;
	rng_seed(&r, 11);
	for (int seed = 0; seed < SEEDS; seed++) {
		make_states(s, seed % 2 ? KT_SET : KT_INT, &r);
		check_laws(&s[0], &s[1], &s[2]);
		check_laws(&s[3], &s[1], &s[0]);
	}
}

/* Whatever order replicas exchange states in, they end equal. */
static void test_any_order_converges(void **state)
{
	struct kstate s[N], t[N];
	struct rng r;

	(void)state;
	rng_seed(&r, 12);
	for (int seed = 0; seed < SEEDS; seed++) {
		make_states(s, seed % 2 ? KT_SET : KT_INT, &r);
		memcpy(t, s, sizeof s);
		for (int pass = 0; pass < 2; pass++)    /* a ring, twice round */
			for (int i = 0; i < N; i++) {
				kstate_merge(&s[(i + 1) % N], &s[i], N);
				kstate_merge(&s[i], &s[(i + 1) % N], N);
			}
		for (int step = 0; step < 200; step++) { /* random gossip */
			int a = (int)rng_below(&r, N), b = (int)rng_below(&r, N);

			kstate_merge(&t[a], &t[b], N);
		}
		for (int i = 0; i < N; i++)
			for (int j = 0; j < N; j++)
				kstate_merge(&t[j], &t[i], N);
		for (int i = 0; i < N; i++) {
			assert_true(kstate_equal(&s[i], &s[0]));
			assert_true(kstate_equal(&t[i], &s[0]));
		}
	}
}

/* After a resolution every view reads the resolved value, and no sibling
 * is left. */
static void test_resolution_agrees(void **state)
{
	struct kstate s[N];
	struct rng r;

	(void)state;
	rng_seed(&r, 13);
	for (int seed = 0; seed < SEEDS; seed++) {
		enum strategy st = (enum strategy)(seed % STRAT_COUNT);
		struct kstate_resolution res;
		struct kstate k;

		make_states(s, seed % 2 ? KT_SET : KT_INT, &r);
		k = s[0];
		for (int i = 1; i < N; i++)
			kstate_merge(&k, &s[i], N);
		if (kstate_unresolved(&k, st, N)) {
			struct kstate before = k;
			struct version c[WORLD_MAX_NODES];

			/* Assignments that disagree stay for a client. */
			kstate_resolve(&k, st, 0, 1000000, ++next_wid, N, &res);
			assert_true(res.unresolved);
			assert_true(kstate_equal(&k, &before));
			assert_true(res.nchoices > 1 && kstate_choices(&k, st, N, c) == res.nchoices);
			continue;
		}
		kstate_resolve(&k, st, 0, 1000000, ++next_wid, N, &res);
		assert_false(res.unresolved);
		assert_int_equal(k.nsib, 1);
		assert_true(kstate_value(&k, st, N) == res.value);
		/* Joining an older replica state changes nothing. */
		for (int i = 0; i < N; i++) {
			struct kstate j = k;

			kstate_merge(&j, &s[i], N);
			assert_true(kstate_value(&j, st, N) == res.value);
		}
	}
}

/* balance=100 at replicas A (0) and C (2); each side does its own ops. */
static void two_sides(struct kstate *a, struct kstate *c)
{
	struct version init;

	memset(&init, 0, sizeof init);
	init.wid = ++next_wid;
	init.value = 100;
	init.ts_us = -1000;
	kstate_assign(a, KT_INT, &init, N);
	kstate_assign(c, KT_INT, &init, N);
}

static uint64_t op_at(struct kstate *k, int node, int64_t ts_us, enum op_kind kind, int64_t arg)
{
	struct version stamp;

	memset(&stamp, 0, sizeof stamp);
	stamp.wid = ++next_wid;
	stamp.ts_us = ts_us;
	stamp.node = node;
	kstate_write(k, node, N, KT_INT, kind, arg, &stamp);
	return stamp.wid;
}

/* The scene: 500 assigned at A, 300 at C a moment later, on both
 * sides of a partition. Nobody wrote 700: no strategy may read it. */
static void test_assignments_never_sum(void **state)
{
	struct kstate a, c, j;
	struct kstate_resolution r;
	struct version ch[WORLD_MAX_NODES];
	uint64_t w500, w300;

	(void)state;
	two_sides(&a, &c);
	w500 = op_at(&a, 0, 500000, OP_WRITE, 500);
	w300 = op_at(&c, 2, 1000000, OP_WRITE, 300);
	j = a;
	kstate_merge(&j, &c, N);
	assert_int_equal(kstate_value(&j, STRAT_LWW, N), 300);
	assert_int_equal(kstate_value(&j, STRAT_CRDT, N), 300); /* the register: newest wins */
	assert_int_equal(kstate_value(&j, STRAT_MERGE, N), 300); /* the newest, in conflict */
	assert_false(kstate_unresolved(&j, STRAT_CRDT, N));
	assert_true(kstate_unresolved(&j, STRAT_MERGE, N));
	assert_int_equal(kstate_choices(&j, STRAT_MERGE, N, ch), 2);
	assert_true((ch[0].value == 500 && ch[1].value == 300) || (ch[0].value == 300 && ch[1].value == 500));
	/* crdt: the register keeps v300, drops v500, writes no new value. */
	assert_false(kstate_needs_merge_write(&j, STRAT_CRDT, N));
	kstate_resolve(&j, STRAT_CRDT, 0, 2000000, ++next_wid, N, &r);
	assert_int_equal(r.value, 300);
	assert_true(r.kept == w300);
	assert_int_equal(r.nlost, 1);
	assert_true(r.lost[0] == w500);
	assert_int_equal(r.nassign, 2);
	assert_int_equal(kstate_value(&j, STRAT_CRDT, N), 300);
	assert_int_equal(kstate_value(&j, STRAT_MERGE, N), 300);
	/* merge: nothing changes; both stay for a client. */
	j = a;
	kstate_merge(&j, &c, N);
	assert_false(kstate_needs_merge_write(&j, STRAT_MERGE, N));
	kstate_resolve(&j, STRAT_MERGE, 0, 2000000, ++next_wid, N, &r);
	assert_true(r.unresolved);
	assert_int_equal(r.nchoices, 2);
	assert_int_equal(j.nsib, 2);
	/* A client's choice, an assignment that saw both, settles it. */
	op_at(&j, 2, 3000000, OP_WRITE, 500);
	assert_false(kstate_unresolved(&j, STRAT_MERGE, N));
	assert_int_equal(kstate_value(&j, STRAT_MERGE, N), 500);
	assert_int_equal(kstate_value(&j, STRAT_CRDT, N), 500);
}

/* The register orders assignments by timestamp, then node id: a clock
 * running behind makes the later assignment lose, as under lww. */
static void test_register_is_last_writer_wins(void **state)
{
	struct kstate a, c, j;

	(void)state;
	two_sides(&a, &c);
	op_at(&a, 0, 500000, OP_WRITE, 500);
	op_at(&c, 2, -4000000, OP_WRITE, 300);     /* C's clock 5s behind */
	j = c;
	kstate_merge(&j, &a, N);
	assert_int_equal(kstate_value(&j, STRAT_CRDT, N), 500);
	two_sides(&a, &c);
	op_at(&a, 0, 700000, OP_WRITE, 500);
	op_at(&c, 2, 700000, OP_WRITE, 300);       /* a tie: the higher node id */
	j = a;
	kstate_merge(&j, &c, N);
	assert_int_equal(kstate_value(&j, STRAT_CRDT, N), 300);
}

/* a joined with b; crdt and merge both read want. */
static struct kstate joined_reads(const struct kstate *a, const struct kstate *b, int64_t want)
{
	struct kstate j = *a;

	kstate_merge(&j, b, N);
	assert_int_equal(kstate_value(&j, STRAT_CRDT, N), want);
	assert_int_equal(kstate_value(&j, STRAT_MERGE, N), want);
	return j;
}

/* Adds are counter operations: concurrent ones sum under crdt and merge,
 * and one concurrent with an assignment is applied on top of it. */
static void test_adds_count(void **state)
{
	struct kstate a, c, j;
	struct kstate_resolution r;

	(void)state;
	two_sides(&a, &c);
	op_at(&a, 0, 500000, OP_ADD, -40);
	op_at(&c, 2, 1000000, OP_ADD, -30);
	j = joined_reads(&a, &c, 30);
	assert_false(kstate_unresolved(&j, STRAT_MERGE, N));
	kstate_resolve(&j, STRAT_MERGE, 0, 2000000, ++next_wid, N, &r);
	assert_int_equal(r.value, 30);
	assert_int_equal(r.since[0], -40);
	assert_int_equal(r.since[2], -30);
	assert_int_equal(r.from.value, 100);

	/* 500 assigned at A, +50 added at C meanwhile: 550 either way. */
	two_sides(&a, &c);
	op_at(&a, 0, 500000, OP_WRITE, 500);
	op_at(&c, 2, 1000000, OP_ADD, 50);
	j = joined_reads(&c, &a, 550);
	assert_true(kstate_needs_merge_write(&j, STRAT_CRDT, N)); /* 550: nobody wrote it */

	/* An add the assignment had seen is overwritten by it, in order. */
	two_sides(&a, &c);
	op_at(&a, 0, 500000, OP_ADD, 50);
	op_at(&a, 0, 600000, OP_WRITE, 500);
	joined_reads(&c, &a, 500);
}

/* Over random histories of assignments only, whatever is joined, crdt and
 * merge read a value some client assigned: never a sum. */
static void test_no_value_from_nowhere(void **state)
{
	struct rng r;

	(void)state;
	rng_seed(&r, 14);
	for (int seed = 0; seed < SEEDS; seed++) {
		struct kstate s[N], j;
		int64_t made[64], clock = 0;
		int nmade = 0;

		two_sides(&s[0], &s[1]);
		s[2] = s[3] = s[0];
		made[nmade++] = 100;
		for (int step = 0; step < 20; step++) {
			int a = (int)rng_below(&r, N), b = (int)rng_below(&r, N);

			if (rng_below(&r, 3) == 0) {
				kstate_merge(&s[a], &s[b], N);
				continue;
			}
			made[nmade] = rng_range(&r, 1, 999);
			op_at(&s[a], a, clock += rng_range(&r, -3, 10), OP_WRITE, made[nmade]);
			nmade++;
		}
		j = s[0];
		for (int i = 1; i < N; i++)
			kstate_merge(&j, &s[i], N);
		for (int st = STRAT_CRDT; st <= STRAT_MERGE; st++) {
			int64_t v = kstate_value(&j, (enum strategy)st, N);
			bool found = false;

			for (int i = 0; i < nmade; i++)
				found = found || made[i] == v;
			assert_true(found);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_join_laws),
		cmocka_unit_test(test_any_order_converges),
		cmocka_unit_test(test_resolution_agrees),
		cmocka_unit_test(test_assignments_never_sum),
		cmocka_unit_test(test_register_is_last_writer_wins),
		cmocka_unit_test(test_adds_count),
		cmocka_unit_test(test_no_value_from_nowhere),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
