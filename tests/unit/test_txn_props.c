/* test_txn_props.c: conditional withdrawals (txn balance -100 if
 * balance>=100) never overdraw, over 200 random runs of cuts, one-way cuts,
 * heals, crashes and recoveries, whether the leader decides them (dynamodb,
 * zookeeper) or a Paxos round does (cassandra-one's lightweight
 * transactions, under last-write-wins and CRDT); no replica ever holds a
 * negative balance, every acknowledged withdrawal took effect, and the
 * money handed out never exceeds the money there was. The same runs with
 * plain withdrawals (read at ONE, then add -100 at ONE when the read says
 * there is enough) do overdraw. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "capviz/world.h"
#include "world_helpers.h"

#ifndef SEEDS
#define SEEDS 200
#endif
#define STEPS 80
#define START 300
#define CHECKS_MAX 256

struct run {
	struct world w;
	struct rng r;
	int key;
	bool negative;          /* some replica held a negative balance */
	uint64_t checks[CHECKS_MAX]; /* plain withdrawals: reads waiting to decide */
	int nchecks;
};

static void watch(void *ctx, const struct event *e)
{
	struct run *run = ctx;
	int64_t v;

	if (e->kind == EV_APPLY && e->key == run->key && world_value(&run->w, e->node, e->key, &v) && v < 0)
		run->negative = true;
}

/* A plain withdrawal's read came back: withdraw when it saw enough. */
static void plain_followups(struct run *run)
{
	int j = 0;

	for (int i = 0; i < run->nchecks; i++) {
		const struct op *rd = world_op(&run->w, run->checks[i]);

		if (rd->result == RES_PENDING) {
			run->checks[j++] = run->checks[i];
			continue;
		}
		if (rd->result == RES_OK && rd->found && rd->value >= 100)
			world_request(&run->w, rd->node, OP_ADD, run->key, -100, LEVEL_ONE);
	}
	run->nchecks = j;
}

static void client(struct run *run, bool conditional)
{
	int node = (int)rng_below(&run->r, (uint64_t)run->w.n);

	if (conditional) {
		world_txn(&run->w, node, OP_ADD, run->key, -100, INV_GE, 100);
		return;
	}
	if (run->nchecks < CHECKS_MAX)
		run->checks[run->nchecks++] = world_request(&run->w, node, OP_READ, run->key, 0, LEVEL_ONE);
}

/* Outcomes over every run, so the property is known not to hold vacuously. */
struct tally {
	int ok, refused, failed;
};

static struct tally tally;

static void count_outcomes(const struct world *w)
{
	for (size_t i = 0; i < w->hist.nops; i++) {
		const struct op *op = &w->hist.ops[i];

		if (!op->txn)
			continue;
		tally.ok += op->result == RES_OK;
		tally.refused += op->cond_failed;
		tally.failed += op->result == RES_ERROR && !op->cond_failed;
	}
}

/* Money handed out by acknowledged withdrawals. */
static int64_t paid_out(const struct world *w)
{
	int64_t paid = 0;

	for (size_t i = 0; i < w->hist.nops; i++) {
		const struct op *op = &w->hist.ops[i];

		if (op->kind == OP_ADD && op->result == RES_OK)
			paid -= op->arg;
	}
	return paid;
}

/* One random run; returns how much more was paid out than there was. */
static int64_t run_seed(uint64_t seed, enum preset p, enum strategy s, bool conditional)
{
	struct run *run = calloc(1, sizeof *run);
	char err[WORLD_ERR_MAX];
	int64_t over, v;

	assert_non_null(run);
	assert_int_equal(world_init(&run->w, seed % 3 == 0 ? 5 : 3, seed, MODE_CP, err, sizeof err), 0);
	assert_int_equal(world_set_preset(&run->w, p, err, sizeof err), 0);
	world_set_strategy(&run->w, s);
	assert_int_equal(world_init_value(&run->w, "balance", START), 0);
	run->key = world_key(&run->w, "balance", false);
	world_set_sink(&run->w, watch, run);
	rng_seed(&run->r, seed * 0x2545f4914f6cdd1dull + 3);
	run_for(&run->w, 1000000);
	for (int step = 0; step < STEPS; step++) {
		if (rng_below(&run->r, 10) < 6)
			client(run, conditional);
		else
			disturb_randomly(&run->w, &run->r);
		run_for(&run->w, (int64_t)rng_below(&run->r, 200000));
		plain_followups(run);
	}
	for (int i = 0; i < run->w.n; i++)
		world_recover(&run->w, i);
	world_heal(&run->w);
	run_for(&run->w, 3000000);
	plain_followups(run);
	run_for(&run->w, 3000000);
	assert_false(run->w.oom);
	assert_int_equal(world_pending_ops(&run->w), 0);
	over = paid_out(&run->w) - START;
	count_outcomes(&run->w);
	if (conditional) {
		if (run->negative || over > 0)
			fail_msg("%s seed %llu: a conditional withdrawal overdrew (paid %lld of %d)", preset_name(p),
				 (unsigned long long)seed, (long long)paid_out(&run->w), START);
		/* Every acknowledged withdrawal took effect: what is left is at
		 * most the start less what was paid, and never below zero. */
		for (int i = 0; i < run->w.n; i++) {
			assert_true(world_value(&run->w, i, run->key, &v));
			assert_true(v >= 0);
			assert_true(v <= START - paid_out(&run->w));
		}
	}
	world_free(&run->w);
	free(run);
	return over;
}

static void conditional_runs(enum preset p, enum strategy s)
{
	memset(&tally, 0, sizeof tally);
	for (uint64_t seed = 1; seed <= SEEDS; seed++)
		assert_true(run_seed(seed, p, s, true) <= 0);
	print_message("%s: %d withdrawals ok, %d refused by their condition, %d failed\n", preset_name(p),
		      tally.ok, tally.refused, tally.failed);
	/* Most runs empty the account, and then refuse. */
	assert_true(tally.ok > SEEDS * 2);
	assert_true(tally.refused > SEEDS);
	assert_true(tally.failed > SEEDS / 2);
}

static void test_dynamodb(void **state)
{
	(void)state;
	conditional_runs(PRESET_DYNAMODB, STRAT_LWW);
}

static void test_zookeeper(void **state)
{
	(void)state;
	conditional_runs(PRESET_ZOOKEEPER, STRAT_LWW);
}

static void test_cassandra_lwt_lww(void **state)
{
	(void)state;
	conditional_runs(PRESET_CASSANDRA_ONE, STRAT_LWW);
}

static void test_cassandra_lwt_crdt(void **state)
{
	(void)state;
	conditional_runs(PRESET_CASSANDRA_ONE, STRAT_CRDT);
}

/* The contrast: check-then-act at ONE overdraws in many of the same runs. */
static void test_plain_overdraws(void **state)
{
	int overdrawn = 0;

	(void)state;
	for (uint64_t seed = 1; seed <= SEEDS; seed++)
		overdrawn += run_seed(seed, PRESET_CASSANDRA_ONE, STRAT_LWW, false) > 0;
	print_message("plain withdrawals at ONE overdrew in %d of %d runs\n", overdrawn, SEEDS);
	assert_true(overdrawn >= SEEDS / 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dynamodb),
		cmocka_unit_test(test_zookeeper),
		cmocka_unit_test(test_cassandra_lwt_lww),
		cmocka_unit_test(test_cassandra_lwt_crdt),
		cmocka_unit_test(test_plain_overdraws),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
