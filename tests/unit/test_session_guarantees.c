/* test_session_guarantees.c: each client's read-your-writes and monotonic
 * reads, on hand-made histories: a read older than the client's own
 * finished write or earlier read is flagged; one that began while that
 * write or read was still under way, or that is older only than another
 * client's write, is not (that is linearizability's business). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "capviz/checker.h"
#include "capviz/history.h"

/* One operation: client (node), 'w' writes the next version, 'r' reads
 * version `reads` (1 is the first value); both finish in the order given. */
struct sop {
	int client;
	char kind;
	int64_t inv, ret;
	int reads;
};

static struct history h;
static struct checker c;
static uint64_t ids[8];

static void build(const struct sop *ops, int n)
{
	struct write_rec *init;
	uint64_t next_wid = 2;

	history_init(&h);
	assert_int_equal(checker_init(&c), 0);
	init = history_add_write(&h);
	init->key = 0;
	init->value = 1;
	init->invoke_us = init->done_us = init->invoke_at = init->done_at = -1;
	init->result = RES_OK;
	assert_int_equal(checker_first(&c, &h, init->wid), 0);
	for (int i = 0; i < n; i++) {
		struct op *op = history_add_op(&h);

		ids[i] = op->id;
		op->node = ops[i].client;
		op->key = 0;
		op->invoke_us = op->invoke_at = ops[i].inv;
		op->done_us = op->done_at = -1;
		op->kind = ops[i].kind == 'w' ? OP_WRITE : OP_READ;
		if (ops[i].kind == 'w') {
			struct write_rec *wr = history_add_write(&h);

			assert_int_equal(wr->wid, next_wid);
			next_wid++;
			wr->op = op->id;
			wr->key = 0;
			wr->value = (int64_t)wr->wid;
			wr->invoke_us = wr->invoke_at = ops[i].inv;
			wr->done_us = wr->done_at = -1;
			op->wid = wr->wid;
		}
		assert_int_equal(checker_invoked(&c, &h, op), 0);
	}
}

/* Finishes operation i ok, as the world would, and checks it. */
static struct op *finish(const struct sop *ops, int i)
{
	struct op *op = history_op(&h, ids[i]);

	op->done_us = op->done_at = ops[i].ret;
	op->result = RES_OK;
	if (op->kind == OP_WRITE) {
		struct write_rec *wr = history_write(&h, op->wid);

		wr->result = RES_OK;
		wr->done_us = wr->done_at = ops[i].ret;
	} else {
		op->found = true;
		op->wid = (uint64_t)ops[i].reads;
		op->value = ops[i].reads;
	}
	assert_true(checker_finished(&c, NULL, &h, op, NULL, 0) >= 0);
	return op;
}

static void run_in_order(const struct sop *ops, int n, const int *order)
{
	build(ops, n);
	for (int k = 0; k < n; k++)
		finish(ops, order[k]);
}

static void test_read_your_writes_broken(void **state)
{
	const struct sop ops[] = { { 0, 'w', 0, 10, 0 }, { 0, 'r', 20, 30, 1 } };
	const int order[] = { 0, 1 };
	const struct op *r;

	(void)state;
	run_in_order(ops, 2, order);
	r = history_op(&h, ids[1]);
	assert_true(r->ryw);
	assert_false(r->mono);
	assert_int_equal(r->session_wid, 2);
	assert_true(r->stale);          /* and it is no linearizable read either */
	history_free(&h);
	checker_free(&c);
}

/* The client's write was still under way when the read began: the read
 * may come before it. */
static void test_read_overlapping_own_write(void **state)
{
	const struct sop ops[] = { { 0, 'w', 0, 30, 0 }, { 0, 'r', 10, 40, 1 } };
	const int order[] = { 0, 1 };
	const struct op *r;

	(void)state;
	run_in_order(ops, 2, order);
	r = history_op(&h, ids[1]);
	assert_false(r->ryw);
	assert_false(r->stale);
	history_free(&h);
	checker_free(&c);
}

/* The same, the read finishing first (a txn and a read sent together). */
static void test_read_inside_own_write(void **state)
{
	const struct sop ops[] = { { 0, 'w', 0, 30, 0 }, { 0, 'r', 10, 20, 1 } };
	const int order[] = { 1, 0 };

	(void)state;
	run_in_order(ops, 2, order);
	assert_false(history_op(&h, ids[1])->ryw);
	history_free(&h);
	checker_free(&c);
}

static void test_monotonic_reads_broken(void **state)
{
	const struct sop ops[] = {
		{ 0, 'w', 0, 10, 0 }, { 1, 'r', 20, 30, 2 }, { 1, 'r', 40, 50, 1 },
	};
	const int order[] = { 0, 1, 2 };
	const struct op *r;

	(void)state;
	run_in_order(ops, 3, order);
	r = history_op(&h, ids[2]);
	assert_true(r->mono);
	assert_false(r->ryw);
	assert_int_equal(r->mono_wid, 2);
	assert_int_equal(r->session_op, ids[1]);
	history_free(&h);
	checker_free(&c);
}

/* One read older than the client's own write and than its earlier read:
 * both guarantees broken, both named. */
static void test_both_broken(void **state)
{
	const struct sop ops[] = {
		{ 0, 'w', 0, 10, 0 }, { 1, 'w', 12, 15, 0 }, { 0, 'r', 20, 30, 3 }, { 0, 'r', 40, 50, 1 },
	};
	const int order[] = { 0, 1, 2, 3 };
	const struct op *r;

	(void)state;
	run_in_order(ops, 4, order);
	r = history_op(&h, ids[3]);
	assert_true(r->ryw);
	assert_true(r->mono);
	assert_int_equal(r->session_wid, 2);
	assert_int_equal(r->mono_wid, 3);
	assert_int_equal(r->session_op, ids[2]);
	history_free(&h);
	checker_free(&c);
}

/* Two reads of one client at once may see versions in either order. */
static void test_overlapping_reads_are_not_ordered(void **state)
{
	const struct sop ops[] = {
		{ 0, 'w', 0, 100, 0 }, { 1, 'r', 20, 60, 2 }, { 1, 'r', 30, 50, 1 },
	};
	const int order[] = { 1, 2, 0 };

	(void)state;
	run_in_order(ops, 3, order);
	assert_false(history_op(&h, ids[2])->mono);
	history_free(&h);
	checker_free(&c);
}

/* Another client's newer write is linearizability's business, not this
 * client's session: the read is stale, its session intact. */
static void test_other_clients_writes(void **state)
{
	const struct sop ops[] = { { 0, 'w', 0, 10, 0 }, { 1, 'r', 20, 30, 1 } };
	const int order[] = { 0, 1 };
	const struct op *r;

	(void)state;
	run_in_order(ops, 2, order);
	r = history_op(&h, ids[1]);
	assert_true(r->stale);
	assert_false(r->ryw);
	assert_false(r->mono);
	history_free(&h);
	checker_free(&c);
}

/* A newer write by someone else satisfies read-your-writes. */
static void test_newer_write_of_another_client(void **state)
{
	const struct sop ops[] = { { 0, 'w', 0, 10, 0 }, { 1, 'w', 15, 18, 0 }, { 0, 'r', 20, 30, 3 } };
	const int order[] = { 0, 1, 2 };
	const struct op *r;

	(void)state;
	run_in_order(ops, 3, order);
	r = history_op(&h, ids[2]);
	assert_false(r->ryw);
	assert_false(r->stale);
	history_free(&h);
	checker_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read_your_writes_broken),
		cmocka_unit_test(test_read_overlapping_own_write),
		cmocka_unit_test(test_read_inside_own_write),
		cmocka_unit_test(test_monotonic_reads_broken),
		cmocka_unit_test(test_both_broken),
		cmocka_unit_test(test_overlapping_reads_are_not_ordered),
		cmocka_unit_test(test_other_clients_writes),
		cmocka_unit_test(test_newer_write_of_another_client),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
