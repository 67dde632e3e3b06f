/* test_pbs.c: probabilistically bounded staleness. The closed form gives
 * the known values (1/3 for N=3, R=W=1); quorums picked at random agree
 * with it within three standard errors for many N, R, W and k; in WARS
 * the chance of a fresh read only grows with the delay, reaches 1, and is
 * 1 at once when R + W > N. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "capviz/pbs.h"

static void test_closed_form(void **state)
{
	(void)state;
	assert_true(fabs(pbs_closed_form(3, 1, 1, 1) - 1.0 / 3) < 1e-12);
	assert_true(fabs(pbs_closed_form(3, 1, 1, 2) - (1 - 4.0 / 9)) < 1e-12);
	assert_true(fabs(pbs_closed_form(5, 1, 1, 1) - 0.2) < 1e-12);
	assert_true(fabs(pbs_closed_form(5, 2, 2, 1) - (1 - 3.0 / 10)) < 1e-12);
	assert_true(pbs_closed_form(3, 2, 2, 1) == 1);      /* R + W > N */
	assert_true(pbs_closed_form(100, 1, 1, 1) < 0.011);
}

static void test_random_quorums_agree(void **state)
{
	static const int cases[][3] = { { 3, 1, 1 }, { 3, 1, 2 }, { 5, 1, 1 }, { 5, 2, 2 }, { 5, 1, 3 },
					{ 7, 2, 3 }, { 10, 3, 3 }, { 64, 4, 4 } };
	const long trials = 40000;
	struct rng r;

	(void)state;
	rng_seed(&r, 11);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		for (int k = 1; k <= 3; k++) {
			int n = cases[i][0], rr = cases[i][1], w = cases[i][2];
			double c = pbs_closed_form(n, rr, w, k), m = pbs_random_quorums(n, rr, w, k, trials, &r);
			double sigma = sqrt(c * (1 - c) / trials);

			if (fabs(m - c) > 3 * sigma + 1e-12)
				fail_msg("N=%d R=%d W=%d k=%d: measured %.4f, closed form %.4f", n, rr, w, k, m, c);
		}
}

static void test_wars(void **state)
{
	struct lat_model lat[4];
	const long trials = 20000;
	int64_t *t = malloc(trials * sizeof *t);
	struct rng r;
	double prev = 0;

	(void)state;
	assert_non_null(t);
	for (int k = 0; k < 4; k++)
		lat[k] = (struct lat_model){ LD_EXP, 10000, 0, 0 };
	rng_seed(&r, 3);
	assert_int_equal(pbs_wars(3, 1, 1, lat, trials, &r, t), 0);
	for (int64_t d = 0; d <= 200000; d += 5000) {
		double p = pbs_consistent_at(t, trials, d);

		assert_true(p >= prev);
		prev = p;
	}
	assert_true(pbs_consistent_at(t, trials, 0) > 1.0 / 3);         /* the write spreads on its own */
	assert_true(pbs_consistent_at(t, trials, 10 * 1000000LL) == 1);
	assert_int_equal(pbs_wars(3, 2, 2, lat, trials, &r, t), 0);
	assert_true(pbs_consistent_at(t, trials, 0) == 1);               /* R + W > N */
	assert_int_equal(pbs_wars(3, 4, 1, lat, trials, &r, t), -1);
	free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_closed_form),
		cmocka_unit_test(test_random_quorums_agree),
		cmocka_unit_test(test_wars),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
