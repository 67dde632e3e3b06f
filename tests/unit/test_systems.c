/* test_systems.c: the real systems' reads (issue 5). DynamoDB: an eventual
 * read is answered by the replica the client reached, stale even without a
 * partition while replication lags, and costs 0.5 read units; a strong read
 * goes through the leader, costs 1, and fails when the leader is out of
 * reach. ZooKeeper: a read is local and can lag, sync makes it current, a
 * server cut off from its leader stops serving, and an ensemble of five that
 * loses three stops serving entirely. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "capviz/world.h"
#include "world_helpers.h"

static int start(struct world *w, int n, uint64_t seed, enum preset p)
{
	char err[WORLD_ERR_MAX];
	int leader;

	assert_int_equal(world_init(w, n, seed, MODE_AP, err, sizeof err), 0);
	assert_int_equal(world_set_preset(w, p, err, sizeof err), 0);
	assert_int_equal(world_init_value(w, "balance", 100), 0);
	run_for(w, 2000000);
	leader = leader_now(w);
	assert_true(leader >= 0);
	return leader;
}

/* A follower that has not yet applied the last write the leader applied:
 * replication lags by up to a heartbeat. -1 when every one has caught up. */
static int lagging_follower(const struct world *w, int leader)
{
	for (int i = 0; i < w->n; i++)
		if (i != leader && value_at(w, i, 0) != value_at(w, leader, 0))
			return i;
	return -1;
}

/* Right after a write is acknowledged, an eventual read at a follower
 * that has not applied it yet answers the old value: stale, with no
 * partition at all. A strong read there answers the new one. */
static void test_dynamodb_lag(void **state)
{
	int lagged = 0;

	(void)state;
	for (uint64_t seed = 1; seed <= 20; seed++) {
		struct world w;
		int leader = start(&w, 3, seed, PRESET_DYNAMODB);
		const struct op *wr = request_done(&w, leader, OP_WRITE, 0, 500, 0);
		int f = lagging_follower(&w, leader);
		const struct op *rd;

		assert_int_equal(wr->result, RES_OK);
		if (f >= 0) {
			lagged++;
			rd = request_done(&w, f, OP_READ, 0, 0, 0);
			assert_int_equal(rd->result, RES_OK);
			assert_int_equal(rd->level, LEVEL_EVENTUAL);
			assert_int_equal(rd->value, 100);
			assert_true(rd->stale);
			assert_int_equal(rd->rcu_half, 1);
			assert_int_equal(rd->done_us, rd->invoke_us);    /* answered on the spot */
		}
		rd = request_done(&w, f >= 0 ? f : (leader + 1) % 3, OP_READ, 0, 0, LEVEL_STRONG);
		assert_int_equal(rd->result, RES_OK);
		assert_int_equal(rd->value, 500);
		assert_false(rd->stale);
		assert_int_equal(rd->rcu_half, 2);
		world_free(&w);
	}
	/* The leader tells followers what committed at its next message, so
	 * most runs see the lag. */
	assert_true(lagged >= 10);
}

/* The balance scene: C cut off. An eventual read at C answers the stale 100;
 * a strong read at C fails, as does a write at C; the majority works. Read
 * units add up only for ok reads. */
static void test_dynamodb_partition(void **state)
{
	struct world w;
	int leader;
	const struct op *op;

	(void)state;
	leader = start(&w, 3, 1, PRESET_DYNAMODB);
	world_isolate(&w, 2);
	run_for(&w, 1500000);
	leader = leader_now(&w);
	assert_true(leader == 0 || leader == 1);
	op = request_done(&w, 0, OP_WRITE, 0, 500, 0);
	assert_int_equal(op->result, RES_OK);
	run_for(&w, 500000);
	op = request_done(&w, 2, OP_READ, 0, 0, 0);
	assert_int_equal(op->result, RES_OK);
	assert_int_equal(op->value, 100);
	assert_true(op->stale);
	op = request_done(&w, 2, OP_READ, 0, 0, LEVEL_STRONG);
	assert_int_equal(op->result, RES_ERROR);
	assert_non_null(strstr(op->error, "cannot reach a leader"));
	assert_int_equal(op->rcu_half, 0);
	op = request_done(&w, 2, OP_WRITE, 0, 7, 0);
	assert_int_equal(op->result, RES_ERROR);
	op = request_done(&w, 1, OP_READ, 0, 0, LEVEL_STRONG);
	assert_int_equal(op->result, RES_OK);
	assert_int_equal(op->value, 500);
	assert_int_equal(w.rcu_half, 1 + 2);
	world_free(&w);
}

/* dynamodb-strong reads strongly by default. */
static void test_dynamodb_strong_default(void **state)
{
	struct world w;
	const struct op *op;

	(void)state;
	start(&w, 3, 2, PRESET_DYNAMODB_STRONG);
	op = request_done(&w, 2, OP_READ, 0, 0, 0);
	assert_int_equal(op->level, LEVEL_STRONG);
	assert_int_equal(op->result, RES_OK);
	assert_int_equal(op->rcu_half, 2);
	world_isolate(&w, 2);
	run_for(&w, 1500000);
	op = request_done(&w, 2, OP_READ, 0, 0, 0);
	assert_int_equal(op->result, RES_ERROR);
	world_free(&w);
}

/* ZooKeeper reads are local and can lag; sync first makes them current. */
static void test_zookeeper_sync(void **state)
{
	int lagged = 0;

	(void)state;
	for (uint64_t seed = 1; seed <= 20; seed++) {
		struct world w;
		int leader = start(&w, 3, seed, PRESET_ZOOKEEPER);
		const struct op *op = request_done(&w, leader, OP_WRITE, 0, 500, 0);
		int f = lagging_follower(&w, leader);

		assert_int_equal(op->result, RES_OK);
		if (f < 0) {
			world_free(&w);
			continue;
		}
		lagged++;
		op = request_done(&w, f, OP_READ, 0, 0, 0);
		assert_int_equal(op->level, LEVEL_LOCAL);
		assert_int_equal(op->value, 100);
		assert_true(op->stale);
		assert_int_equal(op->rcu_half, 0);      /* read units are DynamoDB's */
		op = request_done(&w, f, OP_READ, 0, 0, LEVEL_SYNC);
		assert_int_equal(op->result, RES_OK);
		assert_int_equal(op->value, 500);
		assert_false(op->stale);
		assert_true(op->done_us > op->invoke_us);       /* a round trip to the leader */
		world_free(&w);
	}
	assert_true(lagged >= 10);
}

/* A server cut off from the leader keeps serving (stale) reads until it
 * notices, then refuses every request at once. */
static void test_zookeeper_cut_off(void **state)
{
	struct world w;
	const struct op *op;
	const char *why;
	int leader, cut;

	(void)state;
	leader = start(&w, 3, 3, PRESET_ZOOKEEPER);
	cut = (leader + 1) % 3;
	world_isolate(&w, cut);
	op = request_done(&w, (leader + 2) % 3, OP_WRITE, 0, 500, 0);
	assert_int_equal(op->result, RES_OK);
	op = request_done(&w, cut, OP_READ, 0, 0, 0);
	assert_int_equal(op->result, RES_OK);   /* it has not noticed yet */
	assert_true(op->stale);
	run_for(&w, 1000000);
	assert_false(world_serving(&w, cut, &why));
	assert_string_equal(why, "not serving: no leader");
	for (int level = LEVEL_DEFAULT; level <= LEVEL_SYNC; level += LEVEL_SYNC) {
		op = request_done(&w, cut, OP_READ, 0, 0, level);
		assert_int_equal(op->result, RES_ERROR);
		assert_int_equal(op->done_us, op->invoke_us);
		assert_non_null(strstr(op->error, "connection loss"));
	}
	op = request_done(&w, cut, OP_WRITE, 0, 9, 0);
	assert_int_equal(op->result, RES_ERROR);
	world_heal(&w);
	run_for(&w, 1500000);
	op = request_done(&w, cut, OP_READ, 0, 0, LEVEL_SYNC);
	assert_int_equal(op->result, RES_OK);
	assert_int_equal(op->value, 500);
	world_free(&w);
}

/* Five servers lose three (crashed, or each cut off alone): nobody serves. */
static void test_zookeeper_ensemble(void **state)
{
	(void)state;
	for (uint64_t seed = 1; seed <= 10; seed++) {
		for (int how = 0; how < 2; how++) {
			struct world w;
			int leader = start(&w, 5, seed, PRESET_ZOOKEEPER);

			/* The leader is among the lost in half the runs. */
			for (int k = 0; k < 3; k++) {
				int victim = (leader + (seed % 2 ? k : k + 1)) % 5;

				if (how)
					world_crash(&w, victim);
				else
					world_isolate(&w, victim);
			}
			run_for(&w, 1500000);
			assert_int_equal(leader_now(&w), -1);
			for (int i = 0; i < 5; i++) {
				const struct op *op;

				op = request_done(&w, i, OP_READ, 0, 0, 0);
				assert_int_equal(op->result, RES_ERROR);
				op = request_done(&w, i, OP_READ, 0, 0, LEVEL_SYNC);
				assert_int_equal(op->result, RES_ERROR);
				op = request_done(&w, i, OP_WRITE, 0, 1, 0);
				assert_int_equal(op->result, RES_ERROR);
			}
			world_free(&w);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dynamodb_lag),
		cmocka_unit_test(test_dynamodb_partition),
		cmocka_unit_test(test_dynamodb_strong_default),
		cmocka_unit_test(test_zookeeper_sync),
		cmocka_unit_test(test_zookeeper_cut_off),
		cmocka_unit_test(test_zookeeper_ensemble),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
