/* test_leaderless.c: the leaderless protocol on three replicas: stale reads
 * under a partition and convergence after the heal, quorum and all-replica
 * timeouts, hinted handoff and read repair, and an add's read at its level
 * before it writes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "capviz/world.h"
#include "world_helpers.h"

struct fixture {
	struct world w;
	int key;
	int hints;      /* EV_HINT events seen */
	int repairs;    /* MSG_REPAIR messages sent */
	int reads;      /* MSG_READ messages sent */
	int writes;     /* MSG_WRITE messages sent */
};

static void count_events(void *ctx, const struct event *e)
{
	struct fixture *f = ctx;

	if (e->kind == EV_HINT)
		f->hints++;
	if (e->kind == EV_SEND && e->msg && e->msg->kind == MSG_REPAIR)
		f->repairs++;
	if (e->kind == EV_SEND && e->msg && e->msg->kind == MSG_READ)
		f->reads++;
	if (e->kind == EV_SEND && e->msg && e->msg->kind == MSG_WRITE)
		f->writes++;
}

static int setup(void **state)
{
	static struct fixture f;
	char err[WORLD_ERR_MAX];

	memset(&f, 0, sizeof f);
	if (world_init(&f.w, 3, 7, MODE_AP, err, sizeof err) != 0)
		return -1;
	world_set_sink(&f.w, count_events, &f);
	if (world_init_value(&f.w, "balance", 100) != 0)
		return -1;
	f.key = world_key(&f.w, "balance", false);
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	world_free(&f->w);
	return 0;
}

static const struct op *request(struct fixture *f, int node, enum op_kind kind, int64_t arg, int level,
				int64_t wait_us)
{
	uint64_t id = world_request(&f->w, node, kind, f->key, arg, level);

	assert_true(id > 0);
	run_for(&f->w, wait_us);
	return world_op(&f->w, id);
}

static bool has_hint(const struct world *w, int holder, int to, int64_t value)
{
	const struct leaderless_node *ln = &w->nodes[holder].ll;

	for (size_t i = 0; i < ln->nhints; i++)
		if (ln->hints[i].to == to && ln->hints[i].ks.v.value == value)
			return true;
	return false;
}

static void test_partition_stale_then_heal(void **state)
{
	struct fixture *f = *state;
	const struct op *op;

	world_isolate(&f->w, 2);
	op = request(f, 0, OP_WRITE, 500, LEVEL_DEFAULT, 100000);
	assert_int_equal(op->result, RES_OK);
	assert_true(op->done_us - op->invoke_us < 100000);
	op = request(f, 2, OP_READ, 0, LEVEL_DEFAULT, 100000);
	assert_int_equal(op->result, RES_OK);
	assert_int_equal(op->value, 100);
	assert_true(op->stale);
	run_for(&f->w, 1500000);
	assert_true(has_hint(&f->w, 0, 2, 500));
	assert_true(f->hints > 0);
	assert_int_equal(value_at(&f->w, 2, f->key), 100);
	world_heal(&f->w);
	run_for(&f->w, 300000);
	assert_int_equal(value_at(&f->w, 2, f->key), 500);
	assert_false(has_hint(&f->w, 0, 2, 500));
	op = request(f, 2, OP_READ, 0, LEVEL_DEFAULT, 100000);
	assert_int_equal(op->result, RES_OK);
	assert_int_equal(op->value, 500);
	assert_false(op->stale);
}

static void test_quorum_read_times_out(void **state)
{
	struct fixture *f = *state;
	const struct op *op;

	world_set_level(&f->w, true, LEVEL_QUORUM);
	world_set_level(&f->w, false, LEVEL_QUORUM);
	world_isolate(&f->w, 2);
	op = request(f, 0, OP_WRITE, 500, LEVEL_DEFAULT, 200000);
	assert_int_equal(op->result, RES_OK);
	op = request(f, 2, OP_READ, 0, LEVEL_DEFAULT, 1500000);
	assert_int_equal(op->result, RES_ERROR);
	assert_string_equal(op->error, "timeout: 1 of 2 replicas answered (A and B, believed up, did not)");
}

static void test_all_write_times_out(void **state)
{
	struct fixture *f = *state;
	const struct op *op;

	world_isolate(&f->w, 2);
	op = request(f, 0, OP_WRITE, 500, LEVEL_ALL, 1500000);
	/* Sent and stored where it could be: its client cannot know. */
	assert_int_equal(op->result, RES_UNKNOWN);
	assert_string_equal(op->error, "timeout: 2 of 3 replicas acknowledged (C, believed up, did not)");
	/* The write took effect where it could, as Cassandra's does. */
	assert_int_equal(value_at(&f->w, 1, f->key), 500);
	assert_true(has_hint(&f->w, 0, 2, 500));
}

static void test_read_repair(void **state)
{
	struct fixture *f = *state;
	const struct op *op;
	int64_t wrote_us = f->w.now_us;

	world_link_set(&f->w, 0, 2, false);
	op = request(f, 0, OP_WRITE, 500, LEVEL_ONE, 200000);
	assert_int_equal(op->result, RES_OK);
	assert_int_equal(value_at(&f->w, 2, f->key), 100);
	world_link_set(&f->w, 0, 2, true);
	op = request(f, 0, OP_READ, 0, LEVEL_ALL, 200000);
	assert_int_equal(op->result, RES_OK);
	assert_int_equal(op->value, 500);
	assert_true(f->repairs > 0);
	/* Repaired by the read, before any hint was even written. */
	assert_true(f->w.now_us - wrote_us < f->w.timing.request_timeout_us);
	assert_int_equal(value_at(&f->w, 2, f->key), 500);
}

static void test_hint_on_recover(void **state)
{
	struct fixture *f = *state;
	const struct op *op;

	world_crash(&f->w, 1);
	op = request(f, 0, OP_WRITE, 700, LEVEL_ONE, 1500000);
	assert_int_equal(op->result, RES_OK);
	assert_true(has_hint(&f->w, 0, 1, 700));
	assert_int_equal(value_at(&f->w, 1, f->key), 100);
	world_recover(&f->w, 1);
	run_for(&f->w, 300000);
	assert_int_equal(value_at(&f->w, 1, f->key), 700);
	assert_int_equal(f->w.nodes[0].ll.nhints, 0);
	assert_int_equal(world_next_at(&f->w), -1);
}

static void test_add_is_read_modify_write(void **state)
{
	struct fixture *f = *state;
	const struct op *op;

	op = request(f, 1, OP_ADD, -30, LEVEL_QUORUM, 300000);
	assert_int_equal(op->result, RES_OK);
	assert_int_equal(op->value, 70);
	for (int i = 0; i < 3; i++)
		assert_int_equal(value_at(&f->w, i, f->key), 70);
}

/* Issue 13, point 5: with A>B cut, A's write of 200 reaches a quorum (A,
 * C) but not B. An add at B at QUORUM reads a quorum first (B and C), so it
 * builds on the 200: 220, no stale base, nothing lost. */
static void test_quorum_add_reads_a_quorum_first(void **state)
{
	struct fixture *f = *state;
	const struct op *w200, *op;

	world_link_set(&f->w, 0, 1, false);
	w200 = request(f, 0, OP_WRITE, 200, LEVEL_QUORUM, 500000);
	assert_int_equal(w200->result, RES_OK);
	assert_int_equal(value_at(&f->w, 1, f->key), 100);
	op = request(f, 1, OP_ADD, 20, LEVEL_QUORUM, 500000);
	assert_int_equal(op->result, RES_OK);
	assert_int_equal(op->value, 220);
	assert_false(op->stale);
	assert_true(op->rmw && op->rmw_read && op->rmw_found);
	assert_int_equal(op->rmw_base, 200);
	assert_int_equal(op->rmw_base_wid, w200->wid);
	assert_int_equal(op->rmw_from, (1u << 1) | (1u << 2));
	assert_int_equal(history_write(&f->w.hist, op->wid)->base_wid, w200->wid);
	run_for(&f->w, 2000000);
	assert_false(world_op(&f->w, w200->id)->lost);
	for (int i = 0; i < 3; i++)
		assert_int_equal(value_at(&f->w, i, f->key), 220);
}

/* At ONE the read is the coordinator's own replica alone: no read goes
 * out, and an add after a cut may build on a stale base, flagged so. */
static void test_one_add_reads_its_own_replica_alone(void **state)
{
	struct fixture *f = *state;
	const struct op *op;

	world_link_set(&f->w, 0, 1, false);
	op = request(f, 0, OP_WRITE, 200, LEVEL_ONE, 500000);
	assert_int_equal(op->result, RES_OK);
	f->reads = 0;
	op = request(f, 1, OP_ADD, 20, LEVEL_ONE, 500000);
	assert_int_equal(op->result, RES_OK);
	assert_int_equal(f->reads, 0);
	assert_int_equal(op->value, 120);
	assert_true(op->rmw_read);
	assert_int_equal(op->rmw_from, 1u << 1);
	assert_int_equal(op->rmw_base, 100);
	assert_true(op->stale);
	assert_int_equal(op->flaw, FLAW_STALE_BASE);
}

/* A set's add reads a quorum too, and keeps what the other side added. */
static void test_quorum_set_add_reads_a_quorum_first(void **state)
{
	struct fixture *f = *state;
	int cart = world_key_typed(&f->w, "cart", KT_SET);
	int apple = world_elem(&f->w, "apple", true), pear = world_elem(&f->w, "pear", true);
	uint64_t id;
	const struct op *op;

	assert_int_equal(world_init_set(&f->w, "cart", 0), 0);
	world_link_set(&f->w, 0, 1, false);
	id = world_request(&f->w, 0, OP_SADD, cart, apple, LEVEL_QUORUM);
	run_for(&f->w, 500000);
	assert_int_equal(world_op(&f->w, id)->result, RES_OK);
	id = world_request(&f->w, 1, OP_SADD, cart, pear, LEVEL_QUORUM);
	run_for(&f->w, 500000);
	op = world_op(&f->w, id);
	assert_int_equal(op->result, RES_OK);
	assert_false(op->stale);
	assert_int_equal(op->value, (1 << apple) | (1 << pear));
}

/* The read part cannot gather a quorum: the add fails as that read would,
 * and nothing is written anywhere. */
static void test_quorum_add_without_a_quorum_writes_nothing(void **state)
{
	struct fixture *f = *state;
	const struct op *op;

	world_isolate(&f->w, 1);
	op = request(f, 1, OP_ADD, 20, LEVEL_QUORUM, 1500000);
	assert_int_equal(op->result, RES_ERROR);
	assert_string_equal(op->error,
			    "timeout: 1 of 2 replicas answered the read (A and C, believed up, did not); nothing written");
	assert_false(op->rmw_read);
	assert_int_equal(f->writes, 0);
	assert_int_equal(f->w.nodes[1].ll.nhints, 0);
	for (int i = 0; i < 3; i++)
		assert_int_equal(value_at(&f->w, i, f->key), 100);
}

/* The read part succeeds, then B is cut off: the write was sent and took
 * effect at B, so the error comes with what was read and sent. */
static void test_quorum_add_write_times_out_after_sending(void **state)
{
	struct fixture *f = *state;
	uint64_t id = world_request(&f->w, 1, OP_ADD, f->key, 5, LEVEL_QUORUM);
	const struct op *op = world_op(&f->w, id);

	while (!op->rmw_read && f->w.now_us < 1000000)
		run_for(&f->w, 1000);
	assert_true(op->rmw_read);
	assert_int_equal(op->result, RES_PENDING);
	world_isolate(&f->w, 1);
	run_for(&f->w, 1500000);
	/* Written at B and sent: its client cannot know whether it applied. */
	assert_int_equal(op->result, RES_UNKNOWN);
	assert_string_equal(op->error, "timeout: 1 of 2 replicas acknowledged (A and C, believed up, did not)");
	assert_int_equal(op->rmw_base, 100);
	assert_int_equal(value_at(&f->w, 1, f->key), 105);
	assert_true(f->writes > 0);
}

static void test_coordinator_crash_forgets_requests(void **state)
{
	struct fixture *f = *state;
	const struct op *op;
	uint64_t id;

	world_isolate(&f->w, 0);
	id = world_request(&f->w, 0, OP_WRITE, f->key, 9, LEVEL_ALL);
	run_for(&f->w, 10000);
	world_crash(&f->w, 0);
	assert_int_equal(f->w.nodes[0].ll.nreqs, 0);
	run_for(&f->w, 1500000);
	op = world_op(&f->w, id);
	assert_int_equal(op->result, RES_UNKNOWN);
	assert_false(has_hint(&f->w, 0, 1, 9));
}

static void test_hints_survive_a_mode_switch(void **state)
{
	struct fixture *f = *state;
	const struct op *op;

	world_isolate(&f->w, 2);
	op = request(f, 0, OP_WRITE, 500, LEVEL_ONE, 1500000);
	assert_int_equal(op->result, RES_OK);
	assert_true(has_hint(&f->w, 0, 2, 500));
	world_set_mode(&f->w, MODE_STRICT);
	world_restore_all(&f->w);
	run_for(&f->w, 300000);
	assert_int_equal(value_at(&f->w, 2, f->key), 100);
	world_set_mode(&f->w, MODE_AP);
	run_for(&f->w, 300000);
	assert_int_equal(value_at(&f->w, 2, f->key), 500);
	assert_int_equal(f->w.nodes[0].ll.nhints, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_partition_stale_then_heal, setup, teardown),
		cmocka_unit_test_setup_teardown(test_quorum_read_times_out, setup, teardown),
		cmocka_unit_test_setup_teardown(test_all_write_times_out, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_repair, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hint_on_recover, setup, teardown),
		cmocka_unit_test_setup_teardown(test_add_is_read_modify_write, setup, teardown),
		cmocka_unit_test_setup_teardown(test_quorum_add_reads_a_quorum_first, setup, teardown),
		cmocka_unit_test_setup_teardown(test_one_add_reads_its_own_replica_alone, setup, teardown),
		cmocka_unit_test_setup_teardown(test_quorum_set_add_reads_a_quorum_first, setup, teardown),
		cmocka_unit_test_setup_teardown(test_quorum_add_without_a_quorum_writes_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_quorum_add_write_times_out_after_sending, setup, teardown),
		cmocka_unit_test_setup_teardown(test_coordinator_crash_forgets_requests, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hints_survive_a_mode_switch, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
