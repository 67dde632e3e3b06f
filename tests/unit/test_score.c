/* test_score.c: the scoreboard's counts: the whole run, each side of the
 * partition as it is now, latency percentiles, and the status bar's two
 * figures, which start again when the mode changes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "capviz/app.h"
#include "capviz/score.h"
#include "capviz/session.h"

static struct session s;

static void play(const char *text)
{
	struct session_options so = { 0, -1, false, 0, PRESET_NONE };
	struct scenario sc;
	char err[512];

	assert_int_equal(scenario_load_text(&sc, "score", text, 0, err, sizeof err), 0);
	assert_int_equal(session_init(&s, &sc, "score", &so, err, sizeof err), 0);
	session_start(&s);
	app_run_session(&s);
}

/* AP: C cut off answers stale; the sides are A B and C. */
static void test_ap_sides(void **state)
{
	struct score sc;

	(void)state;
	play("[scenario]\nnodes = 3\nmode = ap\nseed = 7\ninit = balance=100\n[timeline]\n"
	     "1s = isolate C\n1.5s = write A balance 500\n2s = read C balance\n2s = read B balance\n");
	assert_int_equal(score_compute(&s.w, &sc), 0);
	assert_int_equal(sc.run.ok, 3);
	assert_int_equal(sc.run.error, 0);
	assert_int_equal(sc.run.stale, 1);
	assert_int_equal(score_availability(&sc.run), 100);
	assert_int_equal(score_consistency(&sc.run), 67);      /* 2 of 3, rounded */
	{
		/* One stale answer in a thousand is not 100% consistent. */
		struct score_row r = { .ok = 1000, .stale = 1, .bad = 1 };

		assert_int_equal(score_consistency(&r), 99);
	}
	assert_int_equal(sc.nsides, 2);
	assert_int_equal(sc.sides[0].nodes, 0x3);       /* A B */
	assert_true(sc.sides[0].majority);
	assert_int_equal(sc.sides[1].nodes, 0x4);       /* C */
	assert_false(sc.sides[1].majority);
	assert_int_equal(sc.sides[1].row.stale, 1);
	assert_int_equal(sc.sides[0].row.ok, 2);
	assert_int_equal(sc.count[SK_READ], 2);
	assert_int_equal(sc.count[SK_WRITE], 1);
	assert_int_equal(sc.p50[SK_READ], 0);           /* ONE answers at once */
	/* The status bar: every request since mode ap. */
	assert_int_equal(sc.recent.ok, 3);
	assert_int_equal(sc.recent.stale, 1);
	session_free(&s);
}

/* CP: the cut-off node refuses; a crashed node is a side of its own; the
 * status bar starts again at a mode switch. */
static void test_cp_refusals_and_mode_switch(void **state)
{
	struct score sc;
	struct score_row r;

	(void)state;
	play("[scenario]\nnodes = 3\nmode = cp\nseed = 3\ninit = balance=100\n[timeline]\n"
	     "1s = isolate C\n1.5s = write A balance 500\n3s = read C balance\n5s = crash B\n");
	assert_int_equal(score_compute(&s.w, &sc), 0);
	assert_int_equal(sc.run.ok, 1);
	assert_int_equal(sc.run.error, 1);
	assert_int_equal(score_availability(&sc.run), 50);
	assert_int_equal(score_consistency(&sc.run), 100);
	assert_int_equal(sc.nsides, 3);                 /* A, B (crashed), C */
	assert_true(sc.sides[1].crashed);
	assert_true(sc.p50[SK_WRITE] > 0);
	assert_true(sc.p99[SK_READ] >= 1000000);        /* the refusal came at the timeout */
	score_recent(&s.w, &r);
	assert_int_equal(r.ok + r.error, 2);
	world_set_mode(&s.w, MODE_AP);
	score_recent(&s.w, &r);
	assert_int_equal(r.ok + r.error, 0);
	assert_int_equal(score_availability(&r), -1);
	assert_int_equal(score_consistency(&r), -1);
	session_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ap_sides),
		cmocka_unit_test(test_cp_refusals_and_mode_switch),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
