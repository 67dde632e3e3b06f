/* test_leader.c: the leader-based protocol in small worlds: one leader,
 * forwarded writes, a node cut off in a minority refuses without raising its
 * term, a crashed leader is replaced, a minority refuses everything. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "capviz/world.h"
#include "world_helpers.h"

static int a_follower(const struct world *w, int leader)
{
	for (int i = 0; i < w->n; i++)
		if (i != leader && !w->nodes[i].crashed)
			return i;
	return -1;
}

/* Sends a request and runs until it is done (at most its timeout and a bit). */
static const struct op *request(struct world *w, int node, enum op_kind kind, int key, int64_t arg)
{
	uint64_t id = world_request(w, node, kind, key, arg, 0);
	int64_t end = w->now_us + w->timing.request_timeout_us + 100000;

	assert_true(id > 0);
	while (world_op(w, id)->result == RES_PENDING && w->now_us < end)
		run_for(w, 10000);
	return world_op(w, id);
}

static void start(struct world *w, int n, uint64_t seed)
{
	char err[WORLD_ERR_MAX];

	assert_int_equal(world_init(w, n, seed, MODE_CP, err, sizeof err), 0);
	assert_int_equal(world_init_value(w, "balance", 100), 0);
	run_for(w, 3000000);
}

static void test_one_leader(void **state)
{
	struct world w;

	(void)state;
	for (uint64_t seed = 1; seed <= 10; seed++) {
		start(&w, 3, seed);
		assert_true(leader_now(&w) >= 0);
		for (int i = 0; i < w.n; i++)
			assert_int_equal(w.nodes[i].ld.leader, leader_now(&w));
		world_free(&w);
	}
}

static void test_write_at_follower(void **state)
{
	struct world w;
	const struct op *op;
	int key, leader, f;

	(void)state;
	start(&w, 3, 7);
	key = world_key(&w, "balance", false);
	leader = leader_now(&w);
	f = a_follower(&w, leader);
	op = request(&w, f, OP_WRITE, key, 500);
	assert_int_equal(op->result, RES_OK);
	op = request(&w, f, OP_ADD, key, -100);
	assert_int_equal(op->result, RES_OK);
	assert_int_equal(op->value, 400);
	run_for(&w, 500000);
	for (int i = 0; i < w.n; i++)
		assert_int_equal(store_get(&w.nodes[i].store, key)->value, 400);
	op = request(&w, f, OP_READ, key, 0);
	assert_int_equal(op->result, RES_OK);
	assert_int_equal(op->value, 400);
	assert_false(op->stale);
	world_free(&w);
}

static void test_isolated_minority(void **state)
{
	struct world w;
	const struct op *op;
	int key, leader, c;
	uint64_t term;
	char want[OP_ERROR_MAX];

	(void)state;
	start(&w, 3, 3);
	key = world_key(&w, "balance", false);
	leader = leader_now(&w);
	c = (leader + 2) % 3;
	term = w.nodes[c].ld.term;
	world_isolate(&w, c);
	op = request(&w, leader, OP_WRITE, key, 500);
	assert_int_equal(op->result, RES_OK);
	op = request(&w, c, OP_READ, key, 0);
	assert_int_equal(op->result, RES_ERROR);
	snprintf(want, sizeof want, "no quorum: %c cannot reach a leader", 'A' + c);
	assert_string_equal(op->error, want);
	assert_true(op->done_us - op->invoke_us <= w.timing.request_timeout_us);
	run_for(&w, 5000000);
	assert_int_equal(w.nodes[c].ld.term, term);
	assert_int_equal(w.nodes[c].ld.leader, -1);
	assert_int_equal(leader_now(&w), leader);
	world_heal(&w);
	run_for(&w, 1000000);
	assert_int_equal(leader_now(&w), leader);
	op = request(&w, c, OP_READ, key, 0);
	assert_int_equal(op->result, RES_OK);
	assert_int_equal(op->value, 500);
	assert_false(op->stale);
	world_free(&w);
}

/* A leader cut off in a minority, while it still believes it leads, must
 * not answer a read: the majority may have committed newer writes. */
static void test_deposed_leader_reads(void **state)
{
	struct world w;
	const struct op *op;
	int key, old, other, tried = 0;

	(void)state;
	for (uint64_t seed = 1; seed <= 30; seed++) {
		start(&w, 3, seed);
		key = world_key(&w, "balance", false);
		old = leader_now(&w);
		other = (old + 1) % 3;
		world_isolate(&w, old);
		do
			op = request(&w, other, OP_WRITE, key, 500);
		while (op->result != RES_OK && w.now_us < 20000000);
		assert_int_equal(op->result, RES_OK);
		if (w.nodes[old].ld.role == ROLE_LEADER) {
			tried++;
			op = request(&w, old, OP_READ, key, 0);
			assert_int_equal(op->result, RES_ERROR);
			assert_non_null(strstr(op->error, "no quorum"));
		}
		world_free(&w);
	}
	assert_true(tried > 0);
}

/* A node that missed committed writes must not win an election: the
 * voters' logs are more up to date (Raft's election restriction). */
static void test_stale_log_loses(void **state)
{
	struct world w;
	const struct op *op;
	int key, a, b, c;

	(void)state;
	for (uint64_t seed = 1; seed <= 12; seed++) {
		start(&w, 3, seed);
		key = world_key(&w, "balance", false);
		a = leader_now(&w);
		b = (a + 1) % 3;
		c = (a + 2) % 3;
		world_isolate(&w, c);
		op = request(&w, a, OP_WRITE, key, 500);
		assert_int_equal(op->result, RES_OK);
		run_for(&w, 200000);
		world_crash(&w, a);
		world_restore(&w, b, c);
		run_for(&w, 3000000);
		assert_int_equal(leader_now(&w), b);
		op = request(&w, c, OP_READ, key, 0);
		assert_int_equal(op->result, RES_OK);
		assert_int_equal(op->value, 500);
		world_free(&w);
	}
}

static void test_leader_crash(void **state)
{
	struct world w;
	const struct op *op;
	int key, old, leader;
	uint64_t term;

	(void)state;
	start(&w, 3, 11);
	key = world_key(&w, "balance", false);
	old = leader_now(&w);
	term = w.nodes[old].ld.term;
	op = request(&w, old, OP_WRITE, key, 500);
	assert_int_equal(op->result, RES_OK);
	world_crash(&w, old);
	run_for(&w, 3000000);
	leader = leader_now(&w);
	assert_true(leader >= 0 && leader != old);
	assert_true(w.nodes[leader].ld.term > term);
	op = request(&w, leader, OP_READ, key, 0);
	assert_int_equal(op->result, RES_OK);
	assert_int_equal(op->value, 500);
	op = request(&w, a_follower(&w, leader), OP_ADD, key, 1);
	assert_int_equal(op->result, RES_OK);
	assert_int_equal(op->value, 501);
	/* The old leader comes back as a follower and catches up. */
	world_recover(&w, old);
	run_for(&w, 2000000);
	assert_int_equal(w.nodes[old].ld.role, ROLE_FOLLOWER);
	assert_int_equal(store_get(&w.nodes[old].store, key)->value, 501);
	world_free(&w);
}

static void test_minority_refuses(void **state)
{
	struct world w;
	const struct op *op;
	int key, leader, lost = 0;
	char want[OP_ERROR_MAX];

	(void)state;
	start(&w, 5, 5);
	key = world_key(&w, "balance", false);
	leader = leader_now(&w);
	/* Lose three nodes other than the leader: it keeps one follower. */
	for (int i = 0; i < w.n && lost < 3; i++)
		if (i != leader) {
			world_crash(&w, i);
			lost++;
		}
	op = request(&w, leader, OP_WRITE, key, 500);
	/* It was in the leader's log, and the follower left may have it: a
	 * later leader could still commit it. */
	assert_int_equal(op->result, RES_UNKNOWN);
	snprintf(want, sizeof want, "no quorum: leader %c heard from 2 of 5 nodes", 'A' + leader);
	assert_string_equal(op->error, want);
	op = request(&w, a_follower(&w, leader), OP_READ, key, 0);
	assert_int_equal(op->result, RES_ERROR);
	assert_non_null(strstr(op->error, "no quorum"));
	assert_int_equal(leader_now(&w), -1);
	world_free(&w);
}

static void test_single_node(void **state)
{
	struct world w;
	const struct op *op;
	int key;

	(void)state;
	start(&w, 1, 2);
	key = world_key(&w, "balance", false);
	assert_int_equal(leader_now(&w), 0);
	op = request(&w, 0, OP_WRITE, key, 42);
	assert_int_equal(op->result, RES_OK);
	op = request(&w, 0, OP_READ, key, 0);
	assert_int_equal(op->result, RES_OK);
	assert_int_equal(op->value, 42);
	world_free(&w);
}

static void test_mode_switch(void **state)
{
	struct world w;
	const struct op *op;
	int key;

	(void)state;
	start(&w, 3, 9);
	key = world_key(&w, "balance", false);
	world_set_mode(&w, MODE_AP);
	for (int i = 0; i < w.n; i++)
		assert_int_equal(w.nodes[i].ld.role, ROLE_NONE);
	run_for(&w, 1000000);
	world_set_mode(&w, MODE_CP);
	run_for(&w, 3000000);
	assert_true(leader_now(&w) >= 0);
	op = request(&w, 1, OP_WRITE, key, 7);
	assert_int_equal(op->result, RES_OK);
	world_free(&w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_one_leader),
		cmocka_unit_test(test_write_at_follower),
		cmocka_unit_test(test_isolated_minority),
		cmocka_unit_test(test_deposed_leader_reads),
		cmocka_unit_test(test_stale_log_loses),
		cmocka_unit_test(test_leader_crash),
		cmocka_unit_test(test_minority_refuses),
		cmocka_unit_test(test_single_node),
		cmocka_unit_test(test_mode_switch),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
