/* test_leader_heal.c: what a heal says under the leader-based protocol
 * (issue 13): no strategy is chosen or used, since nothing is reconciled; a
 * follower that missed entries catches up from the leader's log, and a
 * deposed leader's entries that were never committed are discarded, each
 * by name. Strict reconciles only what another mode left diverged; the
 * leaderless protocol still reconciles by its strategy. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "capviz/world.h"
#include "world_helpers.h"

/* The events a heal tells of, kept as text. */
struct told {
	char heal[512];
	bool heal_reconciles;
	int heals;
	char notes[16][640];
	int nnotes;
	int resolves;
};

static void sink(void *ctx, const struct event *e)
{
	struct told *t = ctx;

	if (e->kind == EV_HEAL) {
		snprintf(t->heal, sizeof t->heal, "%s", e->text);
		t->heal_reconciles = e->up;
		t->heals++;
	}
	if (e->kind == EV_NOTE && t->nnotes < 16)
		snprintf(t->notes[t->nnotes++], sizeof t->notes[0], "%s", e->text);
	if (e->kind == EV_RESOLVE)
		t->resolves++;
}

/* The first note that starts with prefix, NULL when none. */
static const char *note_with(const struct told *t, const char *prefix)
{
	for (int i = 0; i < t->nnotes; i++)
		if (strncmp(t->notes[i], prefix, strlen(prefix)) == 0)
			return t->notes[i];
	return NULL;
}

static void start(struct world *w, enum mode m, enum preset p, struct told *t)
{
	char err[WORLD_ERR_MAX];

	memset(t, 0, sizeof *t);
	assert_int_equal(world_init(w, 3, 1, m, err, sizeof err), 0);
	assert_int_equal(world_init_value(w, "balance", 100), 0);
	if (p != PRESET_NONE)
		assert_int_equal(world_set_preset(w, p, err, sizeof err), 0);
	world_set_sink(w, sink, t);
	run_for(w, 2000000);
}

/* C cut off misses a write; the heal lets it catch up from the log. */
static void test_follower_catches_up(void **state)
{
	struct world w;
	struct told t;
	const struct op *op;
	char why[320], want[160];
	const char *n;
	uint64_t id;
	int b, c;

	(void)state;
	start(&w, MODE_CP, PRESET_NONE, &t);
	b = leader_now(&w);
	c = (b + 2) % 3;
	world_isolate(&w, c);
	id = request_done(&w, b, OP_WRITE, 0, 500, 0)->id;
	assert_int_equal(world_op(&w, id)->result, RES_OK);
	assert_false(world_heal_reconciles(&w, why, sizeof why));
	snprintf(want, sizeof want, "nothing to reconcile: mode cp is leader-based, so every follower catches up from "
		 "leader %c's log", 'A' + b);
	assert_non_null(strstr(why, want));
	t.nnotes = 0;
	world_heal(&w);
	assert_int_equal(t.heals, 1);
	assert_false(t.heal_reconciles);
	assert_string_equal(t.heal, why);
	assert_null(strstr(t.heal, "lww"));
	run_for(&w, 1000000);
	snprintf(want, sizeof want, "%c catches up: entr", 'A' + c);
	n = note_with(&t, want);
	assert_non_null(n);
	snprintf(want, sizeof want, "from leader %c's log, already committed: ", 'A' + b);
	assert_non_null(strstr(n, want));
	op = world_op(&w, id);
	snprintf(want, sizeof want, "#%" PRIu64 " write balance=500 (v%" PRIu64 ")", op->id, op->wid);
	assert_non_null(strstr(n, want));
	assert_int_equal(value_at(&w, c, 0), 500);
	assert_int_equal(t.resolves, 0);
	/* A strategy named for the heal is said not to be used. */
	world_heal_with(&w, STRAT_CRDT);
	assert_false(t.heal_reconciles);
	assert_non_null(strstr(t.heal, "nothing to reconcile (crdt, asked for, is not used): mode cp is leader-based"));
	world_free(&w);
}

/* A leader cut off in a minority takes writes it cannot commit; a new
 * leader commits another; the heal discards the old leader's entries. */
static void test_deposed_leader_discards(void **state)
{
	struct world w;
	struct told t;
	const struct op *op;
	char want[200];
	const char *n;
	uint64_t old, plus, now;
	int b, a;

	(void)state;
	start(&w, MODE_CP, PRESET_NONE, &t);
	b = leader_now(&w);
	a = (b + 1) % 3;
	world_isolate(&w, b);
	old = world_request(&w, b, OP_WRITE, 0, 700, 0);
	plus = world_request(&w, b, OP_ADD, 0, 5, 0);
	run_for(&w, 2000000);
	/* In the deposed leader's log: their clients cannot know. */
	assert_int_equal(world_op(&w, old)->result, RES_UNKNOWN);
	assert_int_equal(world_op(&w, plus)->result, RES_UNKNOWN);
	now = request_done(&w, a, OP_WRITE, 0, 300, 0)->id;
	assert_int_equal(world_op(&w, now)->result, RES_OK);
	t.nnotes = 0;
	world_heal(&w);
	run_for(&w, 1000000);
	snprintf(want, sizeof want, "%c discards entries ", 'A' + b);
	n = note_with(&t, want);
	assert_non_null(n);
	snprintf(want, sizeof want, ", which leader %c of term ", 'A' + b);
	assert_non_null(strstr(n, want));
	assert_non_null(strstr(n, " never committed; leader "));
	op = world_op(&w, old);
	snprintf(want, sizeof want, "#%" PRIu64 " write balance=700 (v%" PRIu64 "), its request ended unknown to its client: it never took effect",
		 op->id, op->wid);
	assert_non_null(strstr(n, want));
	op = world_op(&w, plus);
	snprintf(want, sizeof want, "#%" PRIu64 " add balance +5 (v%" PRIu64 "), its request ended unknown to its client: it never took effect",
		 op->id, op->wid);
	assert_non_null(strstr(n, want));
	/* ... and catches up on what the new leader committed. */
	snprintf(want, sizeof want, "%c catches up: ", 'A' + b);
	n = note_with(&t, want);
	assert_non_null(n);
	op = world_op(&w, now);
	snprintf(want, sizeof want, "#%" PRIu64 " write balance=300 (v%" PRIu64 ")", op->id, op->wid);
	assert_non_null(strstr(n, want));
	for (int i = 0; i < w.n; i++)
		assert_int_equal(value_at(&w, i, 0), 300);
	world_free(&w);
}

/* Every preset on the leader-based protocol: nothing to choose. */
static void test_presets_choose_nothing(void **state)
{
	static const enum preset leader_based[] = { PRESET_ZOOKEEPER, PRESET_DYNAMODB, PRESET_DYNAMODB_STRONG };

	(void)state;
	for (size_t i = 0; i < sizeof leader_based / sizeof leader_based[0]; i++) {
		struct world w;
		struct told t;
		char why[320], want[64];

		start(&w, MODE_CP, leader_based[i], &t);
		assert_false(world_heal_reconciles(&w, why, sizeof why));
		snprintf(want, sizeof want, "preset %s is leader-based", preset_name(leader_based[i]));
		assert_non_null(strstr(why, want));
		/* Setting a strategy says it is not used now. */
		t.nnotes = 0;
		world_set_strategy(&w, STRAT_MERGE);
		assert_non_null(note_with(&t, "strategy merge: not used now (nothing to reconcile: preset "));
		world_heal(&w);
		assert_false(t.heal_reconciles);
		assert_int_equal(t.resolves, 0);
		world_free(&w);
	}
}

/* Strict: its own writes never diverge (a lagging replica holds the write
 * in doubt), so nothing is reconciled; what ap left diverged is. */
static void test_strict(void **state)
{
	struct world w;
	struct told t;
	char why[320];

	(void)state;
	start(&w, MODE_STRICT, PRESET_NONE, &t);
	world_set_latency(&w, 0, 2, 200000, 0);
	world_request(&w, 0, OP_WRITE, 0, 500, 0);
	run_for(&w, 450000);            /* acknowledged, the commit to C under way */
	world_cut(&w, 0, 2);
	run_for(&w, 1000000);
	assert_int_equal(value_at(&w, 2, 0), 100);
	assert_false(world_heal_reconciles(&w, why, sizeof why));
	assert_non_null(strstr(why, "mode strict commits a write on every replica or on none"));
	world_heal(&w);
	assert_false(t.heal_reconciles);
	run_for(&w, 1000000);
	assert_int_equal(value_at(&w, 2, 0), 500);
	assert_int_equal(t.resolves, 0);
	world_free(&w);

	start(&w, MODE_AP, PRESET_NONE, &t);
	world_isolate(&w, 2);
	request_done(&w, 0, OP_WRITE, 0, 500, 0);
	request_done(&w, 2, OP_WRITE, 0, 300, 0);
	world_set_mode(&w, MODE_STRICT);
	assert_true(world_heal_reconciles(&w, why, sizeof why));
	world_heal(&w);
	assert_true(t.heal_reconciles);
	assert_string_equal(t.heal, "lww");
	assert_non_null(note_with(&t, "strict: the replicas diverged before this mode"));
	run_for(&w, 1000000);
	assert_true(t.resolves > 0);
	world_free(&w);
}

/* The leaderless protocol reconciles by its strategy, as before. */
static void test_ap_reconciles(void **state)
{
	struct world w;
	struct told t;
	char why[320];

	(void)state;
	start(&w, MODE_AP, PRESET_NONE, &t);
	assert_true(world_heal_reconciles(&w, why, sizeof why));
	world_heal_with(&w, STRAT_CRDT);
	assert_true(t.heal_reconciles);
	assert_string_equal(t.heal, "crdt");
	t.nnotes = 0;
	world_set_strategy(&w, STRAT_MERGE);
	assert_null(note_with(&t, "strategy merge: not used"));
	world_free(&w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_follower_catches_up),
		cmocka_unit_test(test_deposed_leader_discards),
		cmocka_unit_test(test_presets_choose_nothing),
		cmocka_unit_test(test_strict),
		cmocka_unit_test(test_ap_reconciles),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
