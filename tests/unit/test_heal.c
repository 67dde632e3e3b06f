/* test_heal.c: the three heal strategies on the seed's divergences: two
 * withdrawals on both sides of a partition, a later write from a skewed
 * clock, two assignments on both sides, a cart edited on both sides. Each
 * heal names what it kept, lost or merged, and every replica ends with the
 * same value (or, under merge, the same conflict for a client). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "capviz/compare.h"
#include "capviz/world.h"

struct seen {
	int lost;
	int broken;
	int conflicts;
	char last_lost[400];
	char resolve[800];
	char note[400];
};

static void sink(void *ctx, const struct event *e)
{
	struct seen *s = ctx;

	if (e->kind == EV_LOST) {
		s->lost++;
		snprintf(s->last_lost, sizeof s->last_lost, "%s", e->text);
	}
	if (e->kind == EV_INVARIANT && !e->up)
		s->broken++;
	if (e->kind == EV_CONFLICT)
		s->conflicts++;
	if (e->kind == EV_RESOLVE)
		snprintf(s->resolve, sizeof s->resolve, "%s", e->text);
	if (e->kind == EV_NOTE)
		snprintf(s->note, sizeof s->note, "%s", e->text);
}

static void start(struct world *w, struct seen *s)
{
	char err[WORLD_ERR_MAX];

	memset(s, 0, sizeof *s);
	assert_int_equal(world_init(w, 3, 3, MODE_AP, err, sizeof err), 0);
	world_set_sink(w, sink, s);
}

static void run(struct world *w, double seconds)
{
	world_run_until(w, w->now_us + (int64_t)(seconds * 1e6));
}

/* Every replica reads the same value; returns it. */
static int64_t agreed(struct world *w, int key)
{
	int64_t first, v;

	assert_true(world_value(w, 0, key, &first));
	for (int i = 1; i < w->n; i++) {
		assert_true(world_value(w, i, key, &v));
		assert_int_equal(v, first);
		assert_int_equal(w->nodes[i].store.keys[key].nsib, 1);
	}
	return first;
}

/* {A,B} | {C}: A and C each withdraw 400 from 500. */
static int withdrawals(struct world *w, struct seen *s, enum strategy st)
{
	int group[3] = { 0, 0, 1 };
	int key;

	start(w, s);
	world_set_strategy(w, st);
	assert_int_equal(world_init_value(w, "balance", 500), 0);
	key = world_key(w, "balance", false);
	assert_int_equal(world_add_invariant(w, key, INV_GE, 0), 0);
	world_partition(w, group);
	world_request(w, 0, OP_ADD, key, -400, LEVEL_DEFAULT);
	run(w, 0.1);
	world_request(w, 2, OP_ADD, key, -400, LEVEL_DEFAULT);
	run(w, 1.5);
	world_heal_with(w, st);
	run(w, 2);
	return key;
}

static void test_withdrawals_lww(void **state)
{
	struct world w;
	struct seen s;
	int key;

	(void)state;
	key = withdrawals(&w, &s, STRAT_LWW);
	assert_int_equal(agreed(&w, key), 100);
	assert_int_equal(s.lost, 1);                /* one withdrawal lost */
	assert_non_null(strstr(s.last_lost, "last-write-wins keeps"));
	assert_true(w.hist.ops[0].lost);             /* A's was earlier */
	assert_int_equal(s.broken, 0);
	world_free(&w);
}

static void test_withdrawals_crdt(void **state)
{
	struct world w;
	struct seen s;
	int key;

	(void)state;
	key = withdrawals(&w, &s, STRAT_CRDT);
	assert_int_equal(agreed(&w, key), -300);
	assert_int_equal(s.lost, 0);
	assert_true(s.broken >= 1);                  /* balance >= 0 flagged */
	world_free(&w);
}

static void test_withdrawals_merge(void **state)
{
	struct world w;
	struct seen s;
	int key;

	(void)state;
	key = withdrawals(&w, &s, STRAT_MERGE);
	assert_int_equal(agreed(&w, key), -300);    /* 500 - 400 - 400 */
	assert_int_equal(s.lost, 0);
	world_free(&w);
}

/* The same divergence healed by hand: resolve picks a sibling. */
static void test_resolve_by_hand(void **state)
{
	struct world w;
	struct seen s;
	int group[3] = { 0, 0, 1 }, key;
	char err[160];

	(void)state;
	start(&w, &s);
	world_set_strategy(&w, STRAT_MERGE);
	world_init_value(&w, "balance", 500);
	key = world_key(&w, "balance", false);
	world_partition(&w, group);
	world_request(&w, 0, OP_WRITE, key, 300, LEVEL_DEFAULT);
	world_request(&w, 2, OP_WRITE, key, 200, LEVEL_DEFAULT);
	run(&w, 1.5);
	world_restore_all(&w);
	run(&w, 1.5);
	assert_true(s.conflicts >= 1);
	assert_int_equal(w.nodes[2].store.keys[key].nsib, 2);
	assert_int_equal(world_resolve(&w, 2, key, 999, err, sizeof err), 0);
	assert_non_null(strstr(err, "not one of"));
	assert_true(world_resolve(&w, 2, key, 200, err, sizeof err) > 0);
	run(&w, 1.5);
	world_heal(&w);
	run(&w, 1.5);
	assert_int_equal(agreed(&w, key), 200);
	world_free(&w);
}

/* A writes 500, C writes 300 a second later, each on its side; healed by
 * st. */
static int skewed_by(struct world *w, struct seen *s, int64_t skew_us, enum strategy st)
{
	int group[3] = { 0, 0, 1 }, key;

	start(w, s);
	world_init_value(w, "balance", 100);
	key = world_key(w, "balance", false);
	world_set_skew(w, 2, skew_us);
	world_partition(w, group);
	world_request(w, 0, OP_WRITE, key, 500, LEVEL_DEFAULT);
	run(w, 1);
	world_request(w, 2, OP_WRITE, key, 300, LEVEL_DEFAULT);
	run(w, 1.5);
	world_heal_with(w, st);
	run(w, 2);
	return key;
}

static int skewed(struct world *w, struct seen *s, int64_t skew_us)
{
	return skewed_by(w, s, skew_us, STRAT_LWW);
}

static void test_clock_skew(void **state)
{
	struct world w;
	struct seen s;
	int key;

	(void)state;
	key = skewed(&w, &s, 0);
	assert_int_equal(agreed(&w, key), 300);     /* true clocks: the later write */
	assert_int_equal(s.lost, 0);                /* it replaced 500 as any register would */
	world_free(&w);
	key = skewed(&w, &s, -5000000);
	assert_int_equal(agreed(&w, key), 500);     /* C's clock 5s behind */
	assert_int_equal(s.lost, 1);
	assert_true(w.hist.ops[1].lost);             /* C's later write */
	assert_non_null(strstr(s.last_lost, "skewed clock"));
	world_free(&w);
}

/* cart={apple}; A adds apple again while C removes it. */
static int64_t cart(enum strategy st, bool remove_later)
{
	struct world w;
	struct seen s;
	int group[3] = { 0, 0, 1 }, key, apple;
	int64_t v;

	start(&w, &s);
	apple = world_elem(&w, "apple", true);
	assert_int_equal(world_init_set(&w, "cart", 1u << apple), 0);
	key = world_key(&w, "cart", false);
	world_partition(&w, group);
	if (remove_later) {
		world_request(&w, 0, OP_SADD, key, apple, LEVEL_DEFAULT);
		run(&w, 0.5);
		world_request(&w, 2, OP_SREMOVE, key, apple, LEVEL_DEFAULT);
	} else {
		world_request(&w, 2, OP_SREMOVE, key, apple, LEVEL_DEFAULT);
		run(&w, 0.5);
		world_request(&w, 0, OP_SADD, key, apple, LEVEL_DEFAULT);
	}
	run(&w, 1.5);
	world_heal_with(&w, st);
	world_set_strategy(&w, st);
	run(&w, 2);
	v = agreed(&w, key);
	world_free(&w);
	return v;
}

static void test_cart(void **state)
{
	(void)state;
	assert_int_equal(cart(STRAT_CRDT, true), 1);  /* add wins */
	assert_int_equal(cart(STRAT_CRDT, false), 1);
	assert_int_equal(cart(STRAT_MERGE, true), 1); /* union brings it back */
	assert_int_equal(cart(STRAT_LWW, true), 0);   /* the later remove */
	assert_int_equal(cart(STRAT_LWW, false), 1);  /* the later add */
}

/* The fork: the same diverged state healed three ways, side by side, and
 * the world itself left as it was. */
static void test_compare(void **state)
{
	struct world w;
	struct seen s;
	struct heal_outcome out[STRAT_COUNT];
	int group[3] = { 0, 0, 1 }, key;
	uint64_t events;

	(void)state;
	start(&w, &s);
	world_init_value(&w, "balance", 500);
	key = world_key(&w, "balance", false);
	world_add_invariant(&w, key, INV_GE, 0);
	world_partition(&w, group);
	world_request(&w, 0, OP_ADD, key, -400, LEVEL_DEFAULT);
	run(&w, 0.1);
	world_request(&w, 2, OP_ADD, key, -400, LEVEL_DEFAULT);
	run(&w, 1.5);
	events = w.stats.events;
	assert_int_equal(world_compare_heals(&w, out), 0);
	assert_true(w.stats.events == events);         /* nothing happened here */
	assert_false(w.links[0][2].up);
	for (int i = 0; i < 3; i++) {
		assert_true(out[STRAT_LWW].present[key][i]);
		assert_int_equal(out[STRAT_LWW].value[key][i], 100);
		assert_int_equal(out[STRAT_CRDT].value[key][i], -300);
		assert_int_equal(out[STRAT_MERGE].value[key][i], -300);
	}
	assert_int_equal(out[STRAT_LWW].nlost, 1);
	assert_int_equal(out[STRAT_CRDT].nlost, 0);
	assert_true(out[STRAT_CRDT].nbroken > 0);
	assert_int_equal(out[STRAT_LWW].nbroken, 0);
	assert_true(out[STRAT_LWW].done && out[STRAT_LWW].took_us > 0);
	assert_non_null(strstr(out[STRAT_MERGE].resolve[key], "three-way"));
	world_free(&w);
}

/* balance=100; {A,B} | {C}; A writes a, C writes c half a second later. */
static int split_writes(struct world *w, struct seen *s, int64_t a, int64_t c)
{
	int group[3] = { 0, 0, 1 }, key;

	start(w, s);
	world_init_value(w, "balance", 100);
	key = world_key(w, "balance", false);
	world_partition(w, group);
	world_request(w, 0, OP_WRITE, key, a, LEVEL_DEFAULT);
	run(w, 0.5);
	world_request(w, 2, OP_WRITE, key, c, LEVEL_DEFAULT);
	return key;
}

/* A restore without a heal still lets last-write-wins discard a write:
 * C's clock runs behind, so its later write loses to A's earlier one. With
 * true clocks the later write wins and nothing is lost. */
static void test_lost_without_heal(void **state)
{
	struct world w;
	struct seen s;
	int group[3] = { 0, 0, 1 }, key;

	(void)state;
	start(&w, &s);
	world_init_value(&w, "balance", 100);
	key = world_key(&w, "balance", false);
	world_set_skew(&w, 2, -2000000);
	world_partition(&w, group);
	world_request(&w, 0, OP_WRITE, key, 500, LEVEL_DEFAULT);
	run(&w, 0.5);
	world_request(&w, 2, OP_WRITE, key, 300, LEVEL_DEFAULT);
	run(&w, 1.5);
	world_restore_all(&w);
	run(&w, 2);
	assert_int_equal(s.lost, 1);
	assert_true(w.hist.ops[1].lost);           /* the later write, stamped earlier */
	world_free(&w);
	split_writes(&w, &s, 500, 300);
	run(&w, 1.5);
	world_restore_all(&w);
	run(&w, 2);
	assert_int_equal(s.lost, 0);
	world_free(&w);
}

/* A clock running ahead shadows a later write at once: the write reports
 * what it wrote, and is LOST. */
static void test_shadowed_at_once(void **state)
{
	struct world w;
	struct seen s;
	int key;

	(void)state;
	start(&w, &s);
	world_init_value(&w, "balance", 100);
	key = world_key(&w, "balance", false);
	world_set_skew(&w, 2, 5000000);
	world_request(&w, 2, OP_WRITE, key, 1, LEVEL_DEFAULT);
	run(&w, 0.5);
	world_request(&w, 0, OP_WRITE, key, 2, LEVEL_DEFAULT);
	run(&w, 1.5);
	assert_int_equal(w.hist.ops[1].value, 2);
	assert_true(w.hist.ops[1].lost);
	assert_int_equal(agreed(&w, key), 1);
	world_free(&w);
}

/* A replica down during the heal brings its writes back when it returns. */
static void test_crashed_during_heal(void **state)
{
	struct world w;
	struct seen s;
	int key;

	(void)state;
	key = split_writes(&w, &s, 500, 300);
	run(&w, 0.2);
	world_crash(&w, 2);                          /* before its hints exist */
	world_heal(&w);
	run(&w, 2);
	world_recover(&w, 2);
	run(&w, 2);
	for (int i = 0; i < 3; i++) {               /* the later write wins */
		int64_t v;

		assert_true(world_value(&w, i, key, &v));
		assert_int_equal(v, 300);
	}
	assert_false(w.hist.ops[0].lost);           /* replaced by the later write, not lost */
	world_free(&w);
}

/* Writes taken in ap on both sides, then cp: the log's state wins
 * everywhere and the write it replaced is LOST. */
static void test_mode_switch_converges(void **state)
{
	struct world w;
	struct seen s;
	int key;

	(void)state;
	key = split_writes(&w, &s, 500, 300);
	run(&w, 0.5);
	world_set_mode(&w, MODE_CP);
	run(&w, 2);
	world_heal(&w);
	run(&w, 3);
	assert_int_equal(agreed(&w, key), 500);
	assert_true(w.hist.ops[1].lost);
	world_free(&w);
}

/* The scene: 500 assigned at A, 300 at C half a second later, on
 * both sides of a partition. A CRDT's register keeps the newer assignment:
 * nobody wrote 700, and no new value is made. */
static void test_assignments_crdt(void **state)
{
	struct world w;
	struct seen s;
	size_t writes;
	int key;

	(void)state;
	key = split_writes(&w, &s, 500, 300);
	world_set_strategy(&w, STRAT_CRDT);
	run(&w, 1.5);
	writes = w.hist.nwrites;
	world_heal_with(&w, STRAT_CRDT);
	run(&w, 2);
	assert_int_equal(agreed(&w, key), 300);
	assert_int_equal(w.hist.nwrites, writes);    /* the kept value is C's write */
	assert_true(w.nodes[0].store.keys[key].v.wid == w.hist.ops[1].wid);
	assert_non_null(strstr(s.resolve, "register + counter"));
	assert_non_null(strstr(s.resolve, "the register keeps the newest assignment by timestamp, v3 (300 at C"));
	assert_non_null(strstr(s.resolve, "over v2 (500 at A"));
	assert_null(strstr(s.resolve, "700"));
	assert_int_equal(s.lost, 0);                /* 300 began after 500 was acknowledged */
	world_free(&w);
}

/* With C's clock 5s behind, its later assignment loses the register, and
 * is LOST by name. */
static void test_assignments_crdt_skew(void **state)
{
	struct world w;
	struct seen s;
	int key;

	(void)state;
	key = skewed_by(&w, &s, -5000000, STRAT_CRDT);
	assert_int_equal(agreed(&w, key), 500);
	assert_int_equal(s.lost, 1);
	assert_true(w.hist.ops[1].lost);
	assert_non_null(strstr(s.last_lost, "v3 (balance=300 at C"));
	assert_non_null(strstr(s.last_lost, "the CRDT's register keeps the newest assignment by timestamp, v2"));
	world_free(&w);
}

/* Under the application's merge the two assignments are a conflict: both
 * stay on every replica, reads see it, until a client resolves it. */
static void test_assignments_merge(void **state)
{
	struct world w;
	struct seen s;
	struct version c[WORLD_MAX_NODES];
	char err[160];
	uint64_t id;
	int key;

	(void)state;
	key = split_writes(&w, &s, 500, 300);
	world_set_strategy(&w, STRAT_MERGE);
	run(&w, 1.5);
	world_heal_with(&w, STRAT_MERGE);
	run(&w, 2);
	for (int i = 0; i < 3; i++) {
		assert_true(world_unresolved(&w, i, key));
		assert_int_equal(world_choices(&w, i, key, c), 2);
		assert_true(c[0].value + c[1].value == 800);
	}
	assert_non_null(strstr(s.resolve, "CONFLICT between concurrent assignments"));
	assert_non_null(strstr(s.resolve, "500 (v2 at A)"));
	assert_non_null(strstr(s.resolve, "300 (v3 at C)"));
	assert_non_null(strstr(s.resolve, "until a client resolves"));
	assert_non_null(strstr(s.note, "the conflicting assignments stay on every replica"));
	id = world_request(&w, 1, OP_READ, key, 0, LEVEL_DEFAULT);
	run(&w, 0.5);
	assert_true(world_op(&w, id)->conflict && world_op(&w, id)->unresolved);
	assert_true(world_resolve(&w, 2, key, 500, err, sizeof err) > 0);
	run(&w, 1.5);
	assert_int_equal(agreed(&w, key), 500);
	assert_false(world_unresolved(&w, 0, key));
	world_free(&w);
}

/* The fork shows the same: crdt 300 (not 700), merge a conflict. */
static void test_compare_assignments(void **state)
{
	struct world w;
	struct seen s;
	struct heal_outcome *out = calloc(STRAT_COUNT, sizeof *out);
	int key;

	(void)state;
	assert_non_null(out);
	key = split_writes(&w, &s, 500, 300);
	run(&w, 1.5);
	assert_int_equal(world_compare_heals(&w, out), 0);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(out[STRAT_LWW].value[key][i], 300);
		assert_int_equal(out[STRAT_CRDT].value[key][i], 300);
		assert_int_equal(out[STRAT_CRDT].nchoices[key][i], 0);
		assert_int_equal(out[STRAT_MERGE].nchoices[key][i], 2);
	}
	assert_int_equal(out[STRAT_LWW].nlost, 0);   /* as the heal itself says */
	assert_int_equal(out[STRAT_CRDT].nlost, 0);
	assert_non_null(strstr(out[STRAT_CRDT].resolve[key], "the register keeps the newest assignment"));
	assert_non_null(strstr(out[STRAT_MERGE].resolve[key], "CONFLICT"));
	free(out);
	world_free(&w);
}

static void test_type_errors(void **state)
{
	struct world w;
	struct seen s;
	uint64_t id;

	(void)state;
	start(&w, &s);
	world_init_value(&w, "balance", 1);
	id = world_request(&w, 0, OP_SADD, 0, 0, LEVEL_DEFAULT);
	assert_int_equal(world_op(&w, id)->result, RES_ERROR);
	assert_string_equal(world_op(&w, id)->error, "balance is a number");
	assert_int_equal(world_key_typed(&w, "balance", KT_SET), -2);
	world_free(&w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_withdrawals_lww),
		cmocka_unit_test(test_withdrawals_crdt),
		cmocka_unit_test(test_withdrawals_merge),
		cmocka_unit_test(test_resolve_by_hand),
		cmocka_unit_test(test_clock_skew),
		cmocka_unit_test(test_cart),
		cmocka_unit_test(test_compare),
		cmocka_unit_test(test_lost_without_heal),
		cmocka_unit_test(test_shadowed_at_once),
		cmocka_unit_test(test_crashed_during_heal),
		cmocka_unit_test(test_mode_switch_converges),
		cmocka_unit_test(test_assignments_crdt),
		cmocka_unit_test(test_assignments_crdt_skew),
		cmocka_unit_test(test_assignments_merge),
		cmocka_unit_test(test_compare_assignments),
		cmocka_unit_test(test_type_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
