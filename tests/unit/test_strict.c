/* test_strict.c: the strict protocol on three replicas: a write succeeds only
 * when every replica confirms, a refused write leaves no trace, a read waits
 * for a write in doubt, and doubt ends when the cut link comes back. */
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
};

static int setup(void **state)
{
	static struct fixture f;
	char err[WORLD_ERR_MAX];

	memset(&f, 0, sizeof f);
	if (world_init(&f.w, 3, 11, MODE_STRICT, err, sizeof err) != 0)
		return -1;
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

static const struct op *request(struct fixture *f, int node, enum op_kind kind, int64_t arg, int64_t wait_us)
{
	uint64_t id = world_request(&f->w, node, kind, f->key, arg, LEVEL_DEFAULT);

	assert_true(id > 0);
	run_for(&f->w, wait_us);
	return world_op(&f->w, id);
}

/* Runs events until op id is finished. */
static const struct op *step_until_done(struct world *w, uint64_t id)
{
	while (world_op(w, id)->result == RES_PENDING)
		assert_true(world_step(w));
	return world_op(w, id);
}

static void test_write_everywhere(void **state)
{
	struct fixture *f = *state;
	const struct op *op = request(f, 0, OP_WRITE, 500, 500000);

	assert_int_equal(op->result, RES_OK);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(value_at(&f->w, i, f->key), 500);
		assert_int_equal(f->w.nodes[i].st.nstaged, 0);
	}
	op = request(f, 2, OP_READ, 0, 100000);
	assert_int_equal(op->result, RES_OK);
	assert_int_equal(op->value, 500);
}

static void test_refused_then_healed(void **state)
{
	struct fixture *f = *state;
	const struct op *op;

	world_isolate(&f->w, 2);
	op = request(f, 0, OP_WRITE, 500, 1500000);
	assert_int_equal(op->result, RES_ERROR);
	assert_string_equal(op->error, "refused: no confirmation came from C (strict needs all 3 replicas)");
	for (int i = 0; i < 3; i++) {
		assert_int_equal(value_at(&f->w, i, f->key), 100);
		assert_int_equal(f->w.nodes[i].st.nstaged, 0);
	}
	world_heal(&f->w);
	run_for(&f->w, 200000);
	op = request(f, 0, OP_WRITE, 500, 500000);
	assert_int_equal(op->result, RES_OK);
	for (int i = 0; i < 3; i++)
		assert_int_equal(value_at(&f->w, i, f->key), 500);
}

static void test_refusal_names_every_missing_node(void **state)
{
	struct fixture *f = *state;
	const struct op *op;

	world_isolate(&f->w, 0);
	op = request(f, 0, OP_ADD, 5, 1500000);
	assert_int_equal(op->result, RES_ERROR);
	assert_string_equal(op->error, "refused: no confirmation came from B, C (strict needs all 3 replicas)");
}

static void test_read_waits_for_commit(void **state)
{
	struct fixture *f = *state;
	uint64_t id = world_request(&f->w, 0, OP_WRITE, f->key, 500, LEVEL_DEFAULT);
	const struct op *op = step_until_done(&f->w, id);

	assert_int_equal(op->result, RES_OK);
	/* The commit is still on its way to B: B must not answer 100. */
	assert_int_equal(value_at(&f->w, 1, f->key), 100);
	id = world_request(&f->w, 1, OP_READ, f->key, 0, LEVEL_DEFAULT);
	op = step_until_done(&f->w, id);
	assert_int_equal(op->result, RES_OK);
	assert_int_equal(op->value, 500);
	assert_false(op->stale);
}

static void test_doubt_ends_when_link_returns(void **state)
{
	struct fixture *f = *state;
	uint64_t id = world_request(&f->w, 0, OP_WRITE, f->key, 500, LEVEL_DEFAULT);
	const struct op *op = step_until_done(&f->w, id);

	assert_int_equal(op->result, RES_OK);
	world_link_set(&f->w, 0, 1, false);     /* the commit to B is lost */
	op = request(f, 1, OP_READ, 0, 1500000);
	assert_int_equal(op->result, RES_ERROR);
	assert_non_null(strstr(op->error, "in doubt at B"));
	assert_int_equal(f->w.nodes[1].st.nstaged, 1);
	world_link_set(&f->w, 0, 1, true);
	run_for(&f->w, 300000);
	assert_int_equal(value_at(&f->w, 1, f->key), 500);
	assert_int_equal(f->w.nodes[1].st.nstaged, 0);
}

static void test_coordinator_crash_aborts_on_return(void **state)
{
	struct fixture *f = *state;
	uint64_t id = world_request(&f->w, 0, OP_WRITE, f->key, 500, LEVEL_DEFAULT);

	run_for(&f->w, 60000);  /* prepares delivered, acks on the way */
	world_crash(&f->w, 0);
	/* In doubt when its coordinator died: the client cannot know yet. */
	assert_int_equal(world_op(&f->w, id)->result, RES_UNKNOWN);
	run_for(&f->w, 100000);
	world_recover(&f->w, 0);
	run_for(&f->w, 300000);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(value_at(&f->w, i, f->key), 100);
		assert_int_equal(f->w.nodes[i].st.nstaged, 0);
	}
}

/* Random cuts, crashes, writes and reads: no ok read misses a write that
 * completed before it began, and after a heal no write stays in doubt. */
static void strict_random_run(uint64_t seed, size_t *reads_ok, size_t *writes_ok)
{
	struct world w;
	struct rng r;
	char err[WORLD_ERR_MAX];
	int key;

	assert_int_equal(world_init(&w, 3, seed, MODE_STRICT, err, sizeof err), 0);
	assert_int_equal(world_init_value(&w, "balance", 100), 0);
	key = world_key(&w, "balance", false);
	rng_seed(&r, seed);
	for (int s = 0; s < 60; s++) {
		int a = (int)rng_below(&r, 3), b = (int)rng_below(&r, 3), roll = (int)rng_below(&r, 100);

		if (roll < 8)
			world_link_set(&w, a, b, false);
		else if (roll < 18)
			world_link_set(&w, a, b, true);
		else if (roll < 21)
			world_crash(&w, a);
		else if (roll < 28)
			world_recover(&w, a);
		else if (roll < 60)
			world_request(&w, a, roll < 50 ? OP_WRITE : OP_ADD, key, roll, LEVEL_DEFAULT);
		else
			world_request(&w, a, OP_READ, key, 0, LEVEL_DEFAULT);
		world_run_until(&w, w.now_us + (int64_t)rng_below(&r, 120000));
	}
	for (int i = 0; i < 3; i++)
		world_recover(&w, i);
	world_heal(&w);
	world_run_until(&w, w.now_us + 3000000);
	for (size_t i = 0; i < w.hist.nops; i++) {
		const struct op *op = &w.hist.ops[i];

		if (op->kind != OP_READ && op->result == RES_OK)
			(*writes_ok)++;
		if (op->kind == OP_READ && op->result == RES_OK) {
			(*reads_ok)++;
			if (op->stale)
				fail_msg("seed %llu: read %llu is stale", (unsigned long long)seed,
					 (unsigned long long)op->id);
		}
	}
	for (int i = 0; i < 3; i++) {
		assert_int_equal(w.nodes[i].st.nstaged, 0);
		assert_int_equal(version_cmp(store_get(&w.nodes[i].store, key),
					     store_get(&w.nodes[0].store, key)), 0);
	}
	world_free(&w);
}

static void test_random_runs(void **state)
{
	size_t reads_ok = 0, writes_ok = 0;

	(void)state;
	for (uint64_t seed = 1; seed <= 200; seed++)
		strict_random_run(seed, &reads_ok, &writes_ok);
	print_message("%zu reads and %zu writes ok\n", reads_ok, writes_ok);
	assert_true(reads_ok > 1000);
	assert_true(writes_ok > 500);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_write_everywhere, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refused_then_healed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refusal_names_every_missing_node, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_waits_for_commit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_doubt_ends_when_link_returns, setup, teardown),
		cmocka_unit_test_setup_teardown(test_coordinator_crash_aborts_on_return, setup, teardown),
		cmocka_unit_test(test_random_runs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
