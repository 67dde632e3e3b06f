/* test_kstate.c: the key state is a join semilattice: merging is
 * commutative, associative and idempotent, over random concurrent writes,
 * adds, set adds and removes, and resolutions, in random merge orders. So
 * replicas converge whatever order states reach them, for every strategy. */
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
		kstate_resolve(&k, st, 0, 1000000, ++next_wid, N, &res);
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_join_laws),
		cmocka_unit_test(test_any_order_converges),
		cmocka_unit_test(test_resolution_agrees),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
