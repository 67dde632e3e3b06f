/* test_sched.c: the event queue pops by time, ties in insertion order, and
 * survives growth; the generator is deterministic and in range. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "capviz/rng.h"
#include "capviz/sched.h"

static void test_order_by_time(void **state)
{
	struct sched q;
	struct sched_item it;
	int64_t times[] = { 50, 10, 40, 20, 30 };

	(void)state;
	sched_init(&q);
	for (int i = 0; i < 5; i++)
		assert_int_equal(sched_push(&q, times[i], 1, (uint32_t)i, 0), 0);
	for (int64_t want = 10; want <= 50; want += 10) {
		assert_true(sched_pop(&q, &it));
		assert_int_equal(it.at_us, want);
	}
	assert_false(sched_pop(&q, &it));
	sched_free(&q);
}

static void test_ties_in_insertion_order(void **state)
{
	struct sched q;
	struct sched_item it;

	(void)state;
	sched_init(&q);
	for (uint32_t i = 0; i < 1000; i++)
		sched_push(&q, (int64_t)(i % 3), 1, i, 0);
	for (int64_t t = 0; t < 3; t++) {
		uint32_t last = 0;
		bool first = true;

		for (int i = 0; i < 333 + (t == 0); i++) {
			assert_true(sched_pop(&q, &it));
			assert_int_equal(it.at_us, t);
			if (!first)
				assert_true(it.a > last);
			last = it.a;
			first = false;
		}
	}
	assert_false(sched_peek(&q, &it));
	sched_free(&q);
}

static void test_random_against_sorted(void **state)
{
	struct sched q;
	struct sched_item it;
	struct rng r;
	int64_t prev = -1;
	uint64_t prev_seq = 0;

	(void)state;
	sched_init(&q);
	rng_seed(&r, 42);
	for (int i = 0; i < 5000; i++) {
		sched_push(&q, (int64_t)rng_below(&r, 100), 1, 0, 0);
		if (i % 3 == 0)
			sched_pop(&q, &it);
	}
	while (sched_pop(&q, &it)) {
		assert_true(it.at_us > prev || (it.at_us == prev && it.seq > prev_seq));
		prev = it.at_us;
		prev_seq = it.seq;
	}
	sched_free(&q);
}

static void test_rng(void **state)
{
	struct rng a, b;

	(void)state;
	rng_seed(&a, 7);
	rng_seed(&b, 7);
	for (int i = 0; i < 100; i++)
		assert_true(rng_next(&a) == rng_next(&b));
	for (int i = 0; i < 10000; i++) {
		int64_t x = rng_range(&a, -5, 5);

		assert_true(x >= -5 && x <= 5);
		assert_true(rng_below(&a, 3) < 3);
	}
	assert_int_equal(rng_range(&a, 4, 4), 4);
	assert_int_equal(rng_below(&a, 0), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order_by_time),
		cmocka_unit_test(test_ties_in_insertion_order),
		cmocka_unit_test(test_random_against_sorted),
		cmocka_unit_test(test_rng),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
