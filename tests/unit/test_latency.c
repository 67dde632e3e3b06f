/* test_latency.c: the latency models: each distribution's samples have the
 * mean and bounds it promises, the same seed draws the same samples, the
 * command forms parse, and a link uses the model of the message's kind. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "capviz/cmd.h"
#include "capviz/latency.h"
#include "capviz/world.h"

#define N 200000

static double mean_of(const struct lat_model *m, uint64_t seed, int64_t *lo, int64_t *hi)
{
	struct rng r;
	double sum = 0;

	rng_seed(&r, seed);
	*lo = INT64_MAX;
	*hi = 0;
	for (int i = 0; i < N; i++) {
		int64_t v = lat_sample(m, &r);

		sum += (double)v;
		*lo = v < *lo ? v : *lo;
		*hi = v > *hi ? v : *hi;
	}
	return sum / N;
}

static void test_distributions(void **state)
{
	struct lat_model constant = { LD_CONSTANT, 40000, 0, 0 }, uniform = { LD_UNIFORM, 40000, 10000, 0 };
	struct lat_model ex = { LD_EXP, 4000, 0, 0 }, par = { LD_PARETO, 235, 0, 10 };
	int64_t lo, hi;
	double m;

	(void)state;
	m = mean_of(&constant, 1, &lo, &hi);
	assert_true(lo == 40000 && hi == 40000 && m == 40000);
	m = mean_of(&uniform, 1, &lo, &hi);
	assert_true(lo >= 30000 && hi <= 50000 && fabs(m - 40000) < 100);
	/* Exponential: mean 4ms, sd 4ms, so the mean of N is within 4ms/sqrt(N) * 5. */
	m = mean_of(&ex, 1, &lo, &hi);
	assert_true(fabs(m - 4000) < 5 * 4000 / sqrt(N));
	assert_true(lo >= 1);
	/* Pareto xm=0.235ms, alpha=10: never below the scale, mean alpha*xm/(alpha-1). */
	m = mean_of(&par, 1, &lo, &hi);
	assert_true(lo >= 235);
	assert_true(fabs(m - 10.0 * 235 / 9) < 2);
	assert_true(fabs(lat_mean_us(&par) - 10.0 * 235 / 9) < 1e-9);
}

static void test_same_seed(void **state)
{
	struct lat_model par = { LD_PARETO, 1000, 0, 1.5 };
	struct rng a, b;

	(void)state;
	rng_seed(&a, 7);
	rng_seed(&b, 7);
	for (int i = 0; i < 1000; i++)
		assert_int_equal(lat_sample(&par, &a), lat_sample(&par, &b));
}

static void test_parse(void **state)
{
	struct command c;
	char err[CMD_ERR_MAX];

	(void)state;
	assert_int_equal(cmd_parse("latency A B 40ms 10ms", 3, &c, err, sizeof err), 0);
	assert_int_equal(c.lat_dist, -1);
	assert_int_equal(c.dur_us, 40000);
	assert_int_equal(c.jitter_us, 10000);
	assert_int_equal(cmd_parse("latency A B exp 4ms", 3, &c, err, sizeof err), 0);
	assert_int_equal(c.lat_dist, LD_EXP);
	assert_int_equal(c.lat_kind, -1);
	assert_int_equal(c.dur_us, 4000);
	assert_int_equal(cmd_parse("latency all write-req pareto 0.235ms 10", 3, &c, err, sizeof err), 0);
	assert_int_equal(c.a, -1);
	assert_int_equal(c.lat_kind, LK_WRITE_REQ);
	assert_int_equal(c.lat_dist, LD_PARETO);
	assert_int_equal(c.dur_us, 235);
	assert_true(c.shape == 10);
	assert_int_equal(cmd_parse("latency B C read-reply 30ms", 3, &c, err, sizeof err), 0);
	assert_int_equal(c.lat_kind, LK_READ_REPLY);
	assert_int_equal(c.lat_dist, LD_UNIFORM);
	assert_int_equal(cmd_parse("latency all pareto 1ms -2", 3, &c, err, sizeof err), -1);
	assert_string_equal(err, "latency: expected a shape above 0 (at most 1000), got '-2'");
}

/* A write ack on a link takes the write-ack model; the rest keep theirs. */
static void test_kind(void **state)
{
	struct world w;
	struct lat_model slow = { LD_CONSTANT, 700000, 0, 0 };
	struct msg m;
	char err[WORLD_ERR_MAX];

	(void)state;
	assert_int_equal(world_init(&w, 3, 1, MODE_AP, err, sizeof err), 0);
	world_set_latency_model(&w, 0, 1, LK_WRITE_ACK, &slow);
	assert_int_equal(w.links[0][1].lat[LK_WRITE_ACK].a_us, 700000);
	assert_int_equal(w.links[1][0].lat[LK_WRITE_ACK].a_us, 700000);
	assert_int_equal(w.links[0][1].lat[LK_WRITE_REQ].dist, LD_UNIFORM);
	assert_int_equal(w.links[0][2].lat[LK_WRITE_ACK].dist, LD_UNIFORM);
	memset(&m, 0, sizeof m);
	m.kind = MSG_WRITE_ACK;
	net_send(&w, 1, 0, &m);
	for (size_t i = 0; i < w.msgs_cap; i++)
		if (w.msgs[i].id)
			assert_int_equal(w.msgs[i].arrive_us - w.msgs[i].sent_us, 700000);
	world_free(&w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_distributions),
		cmocka_unit_test(test_same_seed),
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_kind),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
