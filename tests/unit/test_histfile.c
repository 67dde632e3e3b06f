/* test_histfile.c: history files as --check-history reads them (one read,
 * lines ended by LF, CRLF or a lone CR, 4095 bytes a line, no NUL, a byte
 * order mark at the start only), and the search's limits: a step limit ends
 * it undecided, and a cache held to a memory limit changes the time a
 * check takes, never its verdict. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "capviz/histfile.h"
#include "pipe_helpers.h"

/* A literal and its length, NULs included. */
#define S(lit) lit, sizeof lit - 1

static void parse_ok(struct wgl_history *h, const char *buf, size_t len, size_t nops)
{
	char err[512];

	if (histfile_parse_buf(h, buf, len, "h", err, sizeof err) != 0)
		fail_msg("%s", err);
	assert_int_equal(h->n, nops);
}

static void parse_bad(const char *buf, size_t len, const char *want)
{
	struct wgl_history h;
	char err[512];

	assert_int_equal(histfile_parse_buf(&h, buf, len, "h", err, sizeof err), -1);
	assert_string_equal(err, want);
	wgl_free(&h);
}

static bool linearizable(struct wgl_history *h)
{
	struct wgl_result r;

	assert_int_equal(wgl_check(h, &r), 0);
	assert_false(r.undecided);
	return r.linearizable;
}

/* "\r" alone ends a line, as "\n" and "\r\n" do: the stale read on the
 * second line is seen whichever ends the lines. */
static void test_line_ends(void **state)
{
	static const struct {
		const char *text;
		size_t len;
	} forms[] = {
		{ S("w x 1 0 1\nw x 2 2 3\nr x 1 4 5\n") },
		{ S("w x 1 0 1\rw x 2 2 3\rr x 1 4 5\r") },
		{ S("w x 1 0 1\r\nw x 2 2 3\r\nr x 1 4 5\r\n") },
		{ S("w x 1 0 1\rw x 2 2 3\r\nr x 1 4 5") },
	};
	struct wgl_history h;

	(void)state;
	for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
		parse_ok(&h, forms[i].text, forms[i].len, 3);
		assert_int_equal(h.ops[2].line, 3);
		assert_false(linearizable(&h));
		wgl_free(&h);
	}
	/* Blank lines count, whatever ends them. */
	parse_ok(&h, S("\r\r\nw x 1 0 1\n\n\rr x 1 2 3"), 2);
	assert_int_equal(h.ops[0].line, 3);
	assert_int_equal(h.ops[1].line, 6);
	wgl_free(&h);
}

/* A NUL is said as one, at its line; a line of 4095 bytes is one line. */
static void test_text(void **state)
{
	char *big = malloc(4100);
	struct wgl_history h;

	(void)state;
	parse_bad(S("w x 1 0 1\nr x\0 1 2 3\n"), "h:2: a NUL byte: a history is text, one operation a line");
	parse_bad(S("\0"), "h:1: a NUL byte: a history is text, one operation a line");
	assert_non_null(big);
	memcpy(big, "w x ", 4);
	memset(big + 4, '7', 4087);
	memcpy(big + 4091, " 0 1\n", 5);
	parse_ok(&h, big, 4096, 1);         /* 4095 bytes and the newline */
	assert_int_equal(h.values.len[h.ops[0].value], 4087);
	wgl_free(&h);
	memcpy(big + 4091, "  0 1", 5);
	parse_bad(big, 4096, "h:1: the line is longer than 4095 bytes");
	free(big);
}

/* A byte order mark may start the file, as it may a scenario or a theme. */
static void test_bom(void **state)
{
	struct wgl_history h;

	(void)state;
	parse_ok(&h, S("\xef\xbb\xbfw x 1 0 1\nr x 1 2 3\n"), 2);
	assert_string_equal(h.keys.s[h.ops[0].key], "x");
	assert_true(linearizable(&h));
	wgl_free(&h);
	parse_bad(S("\xef\xbb\xbf\xef\xbb\xbfw x 1 0 1\n"), "h:1: a byte order mark (U+FEFF) past the start of the "
		  "file: only the first bytes may hold one; remove it");
}

/* Read once from a pipe, as from /dev/stdin or <(...). */
static void test_pipe(void **state)
{
	char path[64], err[512];
	struct wgl_history h;
	int fd = pipe_with("w x 1 0 1\rr x 2 2 3\r", path, sizeof path);

	(void)state;
	assert_true(fd >= 0);
	if (histfile_read(&h, path, err, sizeof err) != 0)
		fail_msg("%s", err);
	close(fd);
	assert_int_equal(h.n, 2);
	assert_false(linearizable(&h));
	wgl_free(&h);
	assert_int_equal(histfile_read(&h, "tests", err, sizeof err), -1);
	assert_string_equal(err, "tests: cannot read it: Is a directory");
	wgl_free(&h);
}

/* n writes of 1..n, all concurrent, each read by a read concurrent with
 * all of them: linearizable, and exponential for the search. */
static void overlapping(struct wgl_history *h, int n, const char *key)
{
	char *text = malloc((size_t)n * 64), *p = text;

	assert_non_null(text);
	for (int i = 1; i <= n; i++)
		p += sprintf(p, "w %s %d 0 1000\n", key, i);
	for (int i = 1; i <= n; i++)
		p += sprintf(p, "r %s %d 1 999\n", key, i);
	parse_ok(h, text, (size_t)(p - text), (size_t)n * 2);
	free(text);
}

static void note(void *arg, uint64_t steps, size_t keys_done, size_t nkeys)
{
	uint64_t *calls = arg;

	assert_true(keys_done <= nkeys);
	assert_true(steps > 0);
	++*calls;
}

/* The step limit ends the search undecided, names the key still searched,
 * and counts the keys proved; progress is told between slices. */
static void test_step_limit(void **state)
{
	struct wgl_history h;
	struct wgl_result r;
	uint64_t calls = 0;
	struct wgl_limits lim = { 100000, 0, note, &calls };
	char err[512];

	(void)state;
	assert_int_equal(histfile_parse_buf(&h, S("w easy 1 0 1\nr easy 1 2 3\n"), "h", err, sizeof err), 0);
	wgl_free(&h);
	overlapping(&h, 40, "x");
	assert_int_equal(wgl_check_limited(&h, &lim, &r), 0);
	assert_true(r.undecided);
	assert_false(r.linearizable);
	assert_int_equal(r.steps, 100000);
	assert_int_equal(r.key_ops, 80);
	assert_int_equal(r.keys_done, 0);
	assert_true(calls >= 100000 / WGL_SLICE);
	wgl_free(&h);
	/* Two keys: the easy one is proved, the other is not decided. */
	{
		char *text = malloc(8192), *p = text;

		assert_non_null(text);
		p += sprintf(p, "w easy 1 0 1\nr easy 1 2 3\n");
		for (int i = 1; i <= 30; i++)
			p += sprintf(p, "w hard %d 0 1000\nr hard %d 1 999\n", i, i);
		parse_ok(&h, text, (size_t)(p - text), 62);
		free(text);
	}
	assert_int_equal(wgl_check_limited(&h, &lim, &r), 0);
	assert_true(r.undecided);
	assert_int_equal(r.keys_done, 1);
	assert_string_equal(h.keys.s[r.key], "hard");
	wgl_free(&h);
	/* Within its limit a check decides as it does without one. */
	overlapping(&h, 6, "x");
	assert_int_equal(wgl_check_limited(&h, &lim, &r), 0);
	assert_false(r.undecided);
	assert_true(r.linearizable);
	wgl_free(&h);
}

/* porcupine's histories: a cache held to a few KiB (it stops remembering
 * new states) gives the verdict the unbounded one gives, in more steps. */
static void test_cache_limit(void **state)
{
	static const struct {
		const char *file;
		size_t bytes;
	} runs[] = {
		{ "etcd_000.hist", 16384 }, { "etcd_060.hist", 16384 }, { "c01-bad.kv", 16384 }, { "c01-ok.kv", 16384 },
		{ "c10-bad.kv", 16384 }, { "c10-ok.kv", 16384 }, { "c50-bad.kv", 16384 }, { "c50-ok.kv", 1 << 20 },
	};
	uint64_t more = 0;

	(void)state;
	for (size_t i = 0; i < sizeof runs / sizeof runs[0]; i++) {
		struct wgl_limits held_lim = { 100000000, runs[i].bytes, NULL, NULL };
		char path[256], err[512];
		struct wgl_history h;
		struct wgl_result full, held;

		snprintf(path, sizeof path, "tests/data/porcupine/histories/%s", runs[i].file);
		if (histfile_read(&h, path, err, sizeof err) != 0)
			fail_msg("%s", err);
		assert_int_equal(wgl_check(&h, &full), 0);
		assert_int_equal(wgl_check_limited(&h, &held_lim, &held), 0);
		if (held.undecided || held.linearizable != full.linearizable)
			fail_msg("%s: %s with the cache held, %s without", runs[i].file,
				 held.undecided ? "undecided" : held.linearizable ? "linearizable" : "not",
				 full.linearizable ? "linearizable" : "not");
		assert_true(held.steps >= full.steps);
		more += held.steps - full.steps;
		wgl_free(&h);
	}
	assert_true(more > 0);          /* the limit was reached somewhere */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_line_ends),
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_bom),
		cmocka_unit_test(test_pipe),
		cmocka_unit_test(test_step_limit),
		cmocka_unit_test(test_cache_limit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
