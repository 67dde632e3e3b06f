/* test_export.c: the two exports of a run (issue 9). The ShiViz log keeps
 * ShiViz's rules on runs the scenario suite does not make (lossy links,
 * crashes, every mode, several seeds); both exports refuse stdout and
 * paths they cannot write, leave no file when nothing ran, and start over
 * when the live driver restarts the run (the R key). */
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "capviz/app.h"
#include "capviz/export.h"
#include "capviz/session.h"

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	long n;

	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* --- ShiViz's rules, as its model code checks a log --- */

struct sent {
	uint64_t id;
	uint32_t c[WORLD_MAX_NODES];
};

/* "A {"A":3,"B":1}" into host and c; false when it is not that. */
static bool parse_clock(const char *line, int *host, uint32_t *c, uint32_t *named)
{
	const char *p = line + 3;

	memset(c, 0, WORLD_MAX_NODES * sizeof *c);
	if (line[0] < 'A' || line[0] >= 'A' + WORLD_MAX_NODES || strncmp(line + 1, " {", 2) != 0)
		return false;
	*host = line[0] - 'A';
	while (*p == '"') {
		int h = p[1] - 'A';
		char *end;
		unsigned long v;

		if (h < 0 || h >= WORLD_MAX_NODES || p[2] != '"' || p[3] != ':')
			return false;
		v = strtoul(p + 4, &end, 10);
		if (end == p + 4 || v == 0 || c[h])
			return false;
		c[h] = (uint32_t)v;
		*named |= 1u << h;
		p = *end == ',' ? end + 1 : end;
	}
	return strcmp(p, "}") == 0;
}

/* Checks the log at path; fails the test with the line that breaks a rule.
 * Returns the number of events. */
static int check_shiviz(const char *path)
{
	char *text = slurp(path), *save = NULL, *line, *desc = NULL;
	uint32_t last[WORLD_MAX_NODES][WORLD_MAX_NODES] = { { 0 } }, count[WORLD_MAX_NODES] = { 0 }, named = 0;
	uint32_t c[WORLD_MAX_NODES], want[WORLD_MAX_NODES];
	struct sent *sent = NULL;
	size_t nsent = 0;
	int n = 0, lineno = 0, host;

	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		const char *msg;

		if (++lineno == 1) {
			assert_string_equal(line, "(?<event>.*)\\n(?<host>\\S*) (?<clock>{.*})");
			continue;       /* the empty line 2 is skipped by strtok_r */
		}
		if (!desc) {
			desc = line;
			continue;
		}
		if (!parse_clock(line, &host, c, &named))
			fail_msg("%s:%d: not a clock line: %s", path, lineno, line);
		memcpy(want, last[host], sizeof want);
		msg = strstr(desc, "(msg ");
		if (!strchr(desc, ' '))
			fail_msg("%s:%d: no time before the words: %s", path, lineno, desc);
		if (strncmp(strchr(desc, ' '), " receive ", 9) == 0 && msg) {
			uint64_t id = strtoull(msg + 5, NULL, 10);
			size_t k;

			for (k = 0; k < nsent && sent[k].id != id; k++)
				;
			if (k == nsent)
				fail_msg("%s:%d: a receive of msg %" PRIu64 " never sent", path, lineno, id);
			for (int i = 0; i < WORLD_MAX_NODES; i++)
				if (sent[k].c[i] > want[i])
					want[i] = sent[k].c[i];
		}
		want[host] = ++count[host];
		if (memcmp(want, c, sizeof c) != 0)
			fail_msg("%s:%d: %s: the clock is not its previous one (merged with the send's) plus one",
				 path, lineno, desc);
		if (strncmp(strchr(desc, ' '), " send ", 6) == 0 && msg) {
			sent = realloc(sent, (nsent + 1) * sizeof *sent);
			assert_non_null(sent);
			sent[nsent].id = strtoull(msg + 5, NULL, 10);
			memcpy(sent[nsent++].c, c, sizeof c);
		}
		memcpy(last[host], c, sizeof c);
		desc = NULL;
		n++;
	}
	assert_null(desc);
	/* Every host a clock names logs events of its own, at least as many. */
	for (int i = 0; i < WORLD_MAX_NODES; i++) {
		if (named & (1u << i))
			assert_true(count[i] > 0);
		for (int j = 0; j < WORLD_MAX_NODES; j++)
			assert_true(last[j][i] <= count[i]);
	}
	free(sent);
	free(text);
	return n;
}

/* --- runs --- */

struct exports {
	char md[64], log[64];
	struct handout *h;
	struct shiviz *x;
};

static void exports_open(struct exports *ex, struct session *s)
{
	char err[256];
	int fd;

	snprintf(ex->md, sizeof ex->md, "/tmp/capviz-export-XXXXXX");
	fd = mkstemp(ex->md);
	assert_true(fd >= 0);
	close(fd);
	snprintf(ex->log, sizeof ex->log, "/tmp/capviz-shiviz-XXXXXX");
	fd = mkstemp(ex->log);
	assert_true(fd >= 0);
	close(fd);
	ex->h = handout_open(ex->md, &s->w, err, sizeof err);
	assert_non_null(ex->h);
	ex->x = shiviz_open(ex->log, &s->w, err, sizeof err);
	assert_non_null(ex->x);
}

static void start(struct session *s, struct exports *ex, const char *text, int mode, uint64_t seed)
{
	struct session_options o = { 0, mode, true, seed, PRESET_NONE };
	struct scenario sc;
	char err[256];

	if (scenario_load_text(&sc, "t.ini", text, 0, err, sizeof err) < 0)
		fail_msg("%s", err);
	assert_int_equal(session_init(s, &sc, "t.ini", &o, err, sizeof err), 0);
	if (ex->h == NULL)
		exports_open(ex, s);
	session_add_reader(s, handout_event, ex->h);
	session_add_reader(s, shiviz_event, ex->x);
	session_start(s);
}

static void finish(struct session *s, struct exports *ex)
{
	char err[256];

	assert_int_equal(handout_close(ex->h, s, err, sizeof err), 0);
	assert_int_equal(shiviz_close(ex->x, s, err, sizeof err), 0);
	session_free(s);
}

static const char lossy[] =
	"[scenario]\nnodes = 5\ninit = balance=100\n[timeline]\n"
	"0s = loss A B 30%\n+0s = loss C D 30%\n"
	"0.5s = write A balance 1\n+0.2s = read B balance\n+0.2s = add C balance 5\n"
	"+0.3s = crash B\n+0.2s = write D balance 7\n+0.5s = recover B\n+0.2s = isolate E\n"
	"+0.2s = write E balance 9\n+0.2s = read A balance\n+0.5s = heal\n+0.5s = read E balance\n"
	"+0.2s = read B balance\n";

static void test_shiviz_rules_hold(void **state)
{
	(void)state;
	for (int mode = 0; mode < MODE_COUNT; mode++)
		for (uint64_t seed = 1; seed <= 6; seed++) {
			struct session s;
			struct exports ex = { .h = NULL };

			start(&s, &ex, lossy, mode, seed);
			app_run_session(&s);
			finish(&s, &ex);
			assert_true(check_shiviz(ex.log) > 20);
			unlink(ex.md);
			unlink(ex.log);
		}
}

static void test_same_seed_same_bytes(void **state)
{
	char *first[2] = { NULL, NULL };

	(void)state;
	for (int run = 0; run < 2; run++) {
		struct session s;
		struct exports ex = { .h = NULL };
		char *md;

		start(&s, &ex, lossy, MODE_CP, 9);
		app_run_session(&s);
		finish(&s, &ex);
		md = slurp(ex.md);
		if (run == 0) {
			first[0] = md;
			first[1] = slurp(ex.log);
		} else {
			char *log = slurp(ex.log);

			assert_string_equal(md, first[0]);
			assert_string_equal(log, first[1]);
			free(md);
			free(log);
		}
		unlink(ex.md);
		unlink(ex.log);
	}
	free(first[0]);
	free(first[1]);
}

/* The live R key: the session starts again in place; what the exports
 * gathered is dropped, and the clocks count from one again. */
static void test_reset_starts_over(void **state)
{
	struct session s;
	struct exports ex = { .h = NULL };
	char *md, *log;

	(void)state;
	start(&s, &ex, "[scenario]\nnodes = 3\ninit = balance=1\n[timeline]\n0s = say \"first run\"\n"
		       "+0.1s = write A balance 2\n", MODE_AP, 1);
	app_run_session(&s);
	session_free(&s);
	handout_reset(ex.h);
	shiviz_reset(ex.x);
	start(&s, &ex, "[scenario]\nnodes = 3\ninit = balance=5\n[timeline]\n0s = say \"second run\"\n"
		       "+0.1s = write B balance 6\n", MODE_AP, 1);
	app_run_session(&s);
	finish(&s, &ex);
	md = slurp(ex.md);
	log = slurp(ex.log);
	assert_null(strstr(md, "first run"));
	assert_non_null(strstr(md, "- **0.000s**: second run\n"));
	assert_non_null(strstr(md, "| 1 | 0.100s | B | write balance=6 [ONE] | ok, balance=6 (v2) |"));
	assert_null(strstr(log, "balance=2"));
	assert_non_null(strstr(log, "\n\n0.000s A stores balance=5 (v1)\nA {\"A\":1}\n"));
	check_shiviz(ex.log);
	free(md);
	free(log);
	unlink(ex.md);
	unlink(ex.log);
}

static void test_refusals(void **state)
{
	struct world w;
	char err[256], path[] = "/tmp/capviz-gone-XXXXXX";
	struct handout *h;
	int fd;

	(void)state;
	assert_int_equal(world_init(&w, 3, 1, MODE_CP, err, sizeof err), 0);
	assert_null(handout_open("-", &w, err, sizeof err));
	assert_non_null(strstr(err, "give a file name"));
	assert_null(shiviz_open("-", &w, err, sizeof err));
	assert_non_null(strstr(err, "give a file name"));
	assert_null(handout_open("/nonexistent-capviz/x.md", &w, err, sizeof err));
	assert_string_equal(err, "cannot write /nonexistent-capviz/x.md: No such file or directory");
	assert_null(shiviz_open("/nonexistent-capviz/x.log", &w, err, sizeof err));
	assert_string_equal(err, "cannot write /nonexistent-capviz/x.log: No such file or directory");
	/* Made at once; closed without a run, it is gone again. */
	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	unlink(path);
	h = handout_open(path, &w, err, sizeof err);
	assert_non_null(h);
	assert_int_equal(access(path, F_OK), 0);
	assert_int_equal(handout_close(h, NULL, err, sizeof err), 0);
	assert_int_equal(access(path, F_OK), -1);
	world_free(&w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shiviz_rules_hold),
		cmocka_unit_test(test_same_seed_same_bytes),
		cmocka_unit_test(test_reset_starts_over),
		cmocka_unit_test(test_refusals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
