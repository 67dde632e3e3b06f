/* test_store.c: last-write-wins order, vector clocks, and the history's
 * stale-read rule. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "capviz/history.h"
#include "capviz/store.h"

static struct version ver(int64_t value, uint64_t wid, int64_t ts, int node)
{
	struct version v;

	memset(&v, 0, sizeof v);
	v.value = value;
	v.wid = wid;
	v.ts_us = ts;
	v.node = node;
	return v;
}

static void test_lww_order(void **state)
{
	struct version a = ver(1, 1, 100, 0), b = ver(2, 2, 200, 0), c = ver(3, 3, 200, 1);

	(void)state;
	assert_int_equal(version_cmp(&b, &a), 1);
	assert_int_equal(version_cmp(&a, &b), -1);
	assert_int_equal(version_cmp(&c, &b), 1);      /* same time: higher node wins */
	assert_int_equal(version_cmp(&a, &a), 0);
}

static void test_apply_keeps_newest(void **state)
{
	struct store s;
	struct version old = ver(100, 1, 10, 0), new = ver(500, 2, 20, 0);

	(void)state;
	store_init(&s);
	assert_null(store_get(&s, 0));
	assert_true(store_apply(&s, 0, &new, 3));
	assert_false(store_apply(&s, 0, &old, 3));     /* older: ignored */
	assert_int_equal(store_get(&s, 0)->value, 500);
	store_put(&s, 0, &old);                        /* put is unconditional */
	assert_int_equal(store_get(&s, 0)->value, 100);
	assert_false(store_apply(&s, STORE_MAX_KEYS, &new, 3));
}

static void test_vector_clocks(void **state)
{
	uint32_t a[3] = { 1, 0, 0 }, b[3] = { 1, 1, 0 }, c[3] = { 0, 0, 1 };

	(void)state;
	assert_int_equal(vc_compare(a, b, 3), VC_BEFORE);
	assert_int_equal(vc_compare(b, a, 3), VC_AFTER);
	assert_int_equal(vc_compare(a, c, 3), VC_CONCURRENT);
	assert_int_equal(vc_compare(a, a, 3), VC_EQUAL);
	vc_merge(a, c, 3);
	assert_int_equal(a[0], 1);
	assert_int_equal(a[2], 1);
}

static uint64_t add_write(struct history *h, int64_t inv, int64_t done, enum op_result res)
{
	struct op *op = history_add_op(h);
	struct write_rec *wr;

	op->kind = OP_WRITE;
	wr = history_add_write(h);
	wr->op = op->id;
	wr->invoke_us = inv;
	wr->done_us = done;
	wr->result = res;
	if (res == RES_OK)
		assert_int_equal(history_write_done(h, wr->wid), 0);
	return wr->wid;
}

static bool read_is_stale(struct history *h, uint64_t seen, int64_t inv)
{
	struct op *r = history_add_op(h);

	r->kind = OP_READ;
	r->result = RES_OK;
	r->found = seen != 0;
	r->wid = seen;
	r->invoke_us = inv;
	return history_check_read(h, r);
}

/* init (#1), then write #2 from 10 to 20: a read from 30 that sees #1 is
 * stale, one that overlaps the write is not, one that sees #2 is not. */
static void test_stale_rule(void **state)
{
	struct history h;
	struct write_rec *init;
	uint64_t w2, w3;

	(void)state;
	history_init(&h);
	init = history_add_write(&h);
	init->result = RES_OK;
	init->invoke_us = init->done_us = -1;
	assert_int_equal(history_write_done(&h, init->wid), 0);
	w2 = add_write(&h, 10, 20, RES_OK);
	assert_true(read_is_stale(&h, 1, 30));
	assert_int_equal(h.ops[h.nops - 1].missed_wid, w2);
	assert_false(read_is_stale(&h, 1, 15));        /* overlaps the write */
	assert_false(read_is_stale(&h, 1, 20));        /* touches its end: concurrent */
	assert_false(read_is_stale(&h, w2, 30));
	assert_true(read_is_stale(&h, 0, 30));         /* "not found" after the init */

	/* A write that failed may or may not have happened: never "missed",
	 * and a read may see it at any time. */
	w3 = add_write(&h, 40, 50, RES_ERROR);
	assert_false(read_is_stale(&h, w2, 60));
	assert_false(read_is_stale(&h, w3, 60));
	/* Seeing w3 (indeterminate) after w4 completed is not provably stale. */
	add_write(&h, 70, 80, RES_OK);
	assert_false(read_is_stale(&h, w3, 90));
	assert_true(read_is_stale(&h, w2, 90));
	history_free(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lww_order),
		cmocka_unit_test(test_apply_keeps_newest),
		cmocka_unit_test(test_vector_clocks),
		cmocka_unit_test(test_stale_rule),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
