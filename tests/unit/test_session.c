/* test_session.c: a scenario's timeline among the world's events: steps run
 * at their times, `expect last` waits for the operation and moves the later
 * steps, `wait` moves them too, `quit` ends the run, failures name lines. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "capviz/session.h"

struct seen {
	int64_t say_us[8];
	int says;
	int expects_ok;
	int expects_failed;
};

static void sink(void *ctx, const struct event *e)
{
	struct seen *s = ctx;

	if (e->kind == EV_SAY && s->says < 8)
		s->say_us[s->says++] = e->t_us;
	if (e->kind == EV_EXPECT) {
		if (e->up)
			s->expects_ok++;
		else
			s->expects_failed++;
	}
}

/* Loads text, runs it to the end like the headless driver. */
static void run(struct session *s, struct seen *seen, const char *text, int mode)
{
	struct session_options o = { 0, mode, false, 0, PRESET_NONE };
	struct scenario sc;
	char err[256];

	memset(seen, 0, sizeof *seen);
	if (scenario_load_text(&sc, "t.ini", text, 0, err, sizeof err) < 0)
		fail_msg("%s", err);
	assert_int_equal(session_init(s, &sc, "t.ini", &o, err, sizeof err), 0);
	session_add_reader(s, sink, seen);
	session_start(s);
	while (!session_done(s) && session_next_at(s) >= 0 && s->w.now_us < 600000000)
		session_step(s);
}

static void test_steps_at_their_times(void **state)
{
	struct session s;
	struct seen seen;

	(void)state;
	run(&s, &seen, "[scenario]\nnodes = 3\n[timeline]\n0s = say \"a\"\n1500ms = say \"b\"\n+0.5s = say \"c\"\n", 1);
	assert_int_equal(seen.says, 3);
	assert_int_equal(seen.say_us[0], 0);
	assert_int_equal(seen.say_us[1], 1500000);
	assert_int_equal(seen.say_us[2], 2000000);
	assert_true(session_done(&s));
	session_free(&s);
}

/* In cp mode a read at an isolated C errs after the request timeout (1s):
 * `expect last error` waits for it, and the step after moves with it. */
static void test_expect_last_waits(void **state)
{
	struct session s;
	struct seen seen;

	(void)state;
	run(&s, &seen,
	    "[scenario]\nnodes = 3\ninit = balance=100\n[timeline]\n"
	    "1s = isolate C\n+0s = read C balance\n+0s = expect last error\n+0.5s = say \"after\"\n",
	    MODE_CP);
	assert_int_equal(seen.expects_ok, 1);
	assert_int_equal(seen.expects_failed, 0);
	assert_int_equal(seen.says, 1);
	assert_true(seen.say_us[0] >= 2500000);    /* 1s + the 1s timeout + 0.5s */
	assert_int_equal(s.failed, 0);
	session_free(&s);
}

static void test_failed_expect_names_line(void **state)
{
	struct session s;
	struct seen seen;

	(void)state;
	run(&s, &seen,
	    "[scenario]\nnodes = 3\ninit = balance=100\n[timeline]\n0s = expect C balance 500\n",
	    MODE_AP);
	assert_int_equal(s.failed, 1);
	assert_int_equal(s.nfailures, 1);
	assert_int_equal(s.failures[0].line, 5);
	assert_string_equal(s.failures[0].text, "expect C balance 500: got C balance is 100");
	session_free(&s);
}

static void test_wait_and_quit(void **state)
{
	struct session s;
	struct seen seen;

	(void)state;
	run(&s, &seen,
	    "[scenario]\nnodes = 3\n[timeline]\n1s = wait 2s\n+0s = say \"x\"\n+1s = quit\n+1s = say \"never\"\n",
	    MODE_AP);
	assert_int_equal(seen.says, 1);
	assert_int_equal(seen.say_us[0], 3000000);
	assert_true(s.quit);
	session_free(&s);
}

static void test_prompt_command(void **state)
{
	struct session s;
	struct seen seen;
	char err[CMD_ERR_MAX];

	(void)state;
	run(&s, &seen, "[scenario]\nnodes = 3\n[timeline]\n", MODE_AP);
	assert_int_equal(session_command(&s, "cut A B", err, sizeof err), 0);
	assert_false(s.w.links[0][1].up);
	assert_false(s.w.links[1][0].up);
	assert_int_equal(session_command(&s, "cut A Q", err, sizeof err), -1);
	assert_string_equal(err, "cut: unknown node 'Q' (nodes are A, B, C)");
	assert_int_equal(session_command(&s, "pause", err, sizeof err), 0);
	assert_true(s.pause_request);
	session_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_steps_at_their_times),
		cmocka_unit_test(test_expect_last_waits),
		cmocka_unit_test(test_failed_expect_names_line),
		cmocka_unit_test(test_wait_and_quit),
		cmocka_unit_test(test_prompt_command),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
