/* test_leaderless.c: the leaderless protocol on three replicas: stale reads
 * under a partition and convergence after the heal, quorum and all-replica
 * timeouts, hinted handoff and read repair. */
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
};

static void count_events(void *ctx, const struct event *e)
{
	struct fixture *f = ctx;

	if (e->kind == EV_HINT)
		f->hints++;
	if (e->kind == EV_SEND && e->msg && e->msg->kind == MSG_REPAIR)
		f->repairs++;
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
	assert_string_equal(op->error, "timeout: 1 of 2 replicas answered");
}

static void test_all_write_times_out(void **state)
{
	struct fixture *f = *state;
	const struct op *op;

	world_isolate(&f->w, 2);
	op = request(f, 0, OP_WRITE, 500, LEVEL_ALL, 1500000);
	/* Sent and stored where it could be: its client cannot know. */
	assert_int_equal(op->result, RES_UNKNOWN);
	assert_string_equal(op->error, "timeout: 2 of 3 replicas acknowledged");
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
		cmocka_unit_test_setup_teardown(test_coordinator_crash_forgets_requests, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hints_survive_a_mode_switch, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
