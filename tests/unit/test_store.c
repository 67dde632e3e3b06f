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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lww_order),
		cmocka_unit_test(test_apply_keeps_newest),
		cmocka_unit_test(test_vector_clocks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
