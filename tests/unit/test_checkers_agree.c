/* test_checkers_agree.c: the two linearizability checkers hold each other
 * to account. On hundreds of random runs of --explore (AP and CP, with
 * cuts, crashes, skew, writes, adds and txns), the online checker, which
 * uses write ids, flags an operation exactly when Wing and Gong's search
 * finds the exported history (values as write ids) not linearizable. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "capviz/app.h"
#include "capviz/explore.h"
#include "capviz/histfile.h"
#include "capviz/session.h"

#ifndef RUNS
#define RUNS 400
#endif

struct tally {
	int runs, flagged, agree;
};

/* Runs seed's scenario; returns whether the online checker flagged an
 * operation, and *wgl_linearizable the search's verdict. */
static bool run_one(const struct explore_config *c, uint64_t seed, bool *wgl_linearizable)
{
	struct session_options so = { 0, -1, false, 0, PRESET_NONE };
	char *text = malloc(EXPLORE_TEXT_MAX), err[1024], *buf = NULL;
	struct scenario sc;
	struct session s;
	struct wgl_history h;
	struct wgl_result r;
	size_t len = 0;
	bool flagged = false;
	FILE *mem;

	assert_non_null(text);
	assert_int_equal(explore_scenario(c, seed, text, EXPLORE_TEXT_MAX), 0);
	assert_int_equal(scenario_load_text(&sc, "explore", text, 0, err, sizeof err), 0);
	assert_int_equal(session_init(&s, &sc, "explore", &so, err, sizeof err), 0);
	s.w.chk.by_version = true;      /* the search below sees write ids, not values */
	session_start(&s);
	app_run_session(&s);
	for (size_t i = 0; i < s.w.hist.nops; i++)
		flagged = flagged || s.w.hist.ops[i].stale;
	mem = open_memstream(&buf, &len);
	assert_non_null(mem);
	assert_int_equal(histfile_write(&s.w, mem, true), 0);
	fclose(mem);
	mem = fmemopen(buf, len ? len : 1, "r");
	assert_non_null(mem);
	assert_int_equal(histfile_parse(&h, mem, "run", err, sizeof err), 0);
	fclose(mem);
	assert_int_equal(wgl_check(&h, &r), 0);
	*wgl_linearizable = r.linearizable;
	if (flagged == r.linearizable) {
		print_message("seed %llu: online %s, search %s\n%s\n%s", (unsigned long long)seed,
			      flagged ? "flagged" : "clean", r.linearizable ? "linearizable" : "not", text, buf);
	}
	wgl_free(&h);
	free(buf);
	free(text);
	session_free(&s);
	return flagged;
}

static void agree_on(const struct explore_config *c, struct tally *t)
{
	for (uint64_t seed = 1; seed <= RUNS; seed++) {
		bool lin, flagged = run_one(c, seed, &lin);

		t->runs++;
		t->flagged += flagged;
		t->agree += flagged != lin;
	}
}

static void test_ap(void **state)
{
	struct explore_config c = { 3, MODE_AP, -1, NULL, 0 };
	struct tally t = { 0, 0, 0 };

	(void)state;
	agree_on(&c, &t);
	assert_int_equal(t.agree, t.runs);
	assert_true(t.flagged > RUNS / 10);     /* AP runs do break it */
}

static void test_cassandra_quorum(void **state)
{
	struct explore_config c = { 3, -1, PRESET_CASSANDRA_QUORUM, NULL, 0 };
	struct tally t = { 0, 0, 0 };

	(void)state;
	agree_on(&c, &t);
	assert_int_equal(t.agree, t.runs);
	assert_true(t.flagged > 0);
}

static void test_dynamodb_and_cassandra_one(void **state)
{
	struct explore_config d = { 3, -1, PRESET_DYNAMODB, NULL, 0 }, c1 = { 4, -1, PRESET_CASSANDRA_ONE, NULL, 0 };
	struct tally t = { 0, 0, 0 };

	(void)state;
	agree_on(&d, &t);
	agree_on(&c1, &t);
	assert_int_equal(t.agree, t.runs);
	assert_true(t.flagged > 0);
}

static void test_zookeeper_local_reads(void **state)
{
	struct explore_config c = { 3, -1, PRESET_ZOOKEEPER, NULL, 0 };
	struct tally t = { 0, 0, 0 };

	(void)state;
	agree_on(&c, &t);
	assert_int_equal(t.agree, t.runs);
}

static void test_cp_and_strict(void **state)
{
	struct explore_config cp = { 5, MODE_CP, -1, NULL, 0 }, strict = { 3, MODE_STRICT, -1, NULL, 0 };
	struct tally t = { 0, 0, 0 };

	(void)state;
	agree_on(&cp, &t);
	agree_on(&strict, &t);
	assert_int_equal(t.agree, t.runs);
	assert_int_equal(t.flagged, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ap),
		cmocka_unit_test(test_cassandra_quorum),
		cmocka_unit_test(test_dynamodb_and_cassandra_one),
		cmocka_unit_test(test_zookeeper_local_reads),
		cmocka_unit_test(test_cp_and_strict),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
