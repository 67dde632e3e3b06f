/* test_scenario.c: scenario files: the built-in one, line numbers, times,
 * inih's pitfalls, and every malformed file in tests/scenarios/bad (each says
 * in its first lines the error and the line it must get). Run from the
 * repository root. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <cmocka.h>

#include "capviz/scenario.h"
#include "capviz/world.h"
#include "pipe_helpers.h"

#define BAD_DIR "tests/scenarios/bad"

static void load_ok(struct scenario *s, const char *text, int nodes)
{
	char err[CMD_ERR_MAX + 600] = "";

	if (scenario_load_text(s, "t.ini", text, nodes, err, sizeof err) != 0)
		fail_msg("did not load: %s", err);
}

static void load_bad(const char *text, int nodes, const char *want)
{
	struct scenario s;
	char err[CMD_ERR_MAX + 600] = "";

	if (scenario_load_text(&s, "t.ini", text, nodes, err, sizeof err) != -1)
		fail_msg("loaded, expected: %s", want);
	assert_string_equal(err, want);
	assert_null(s.steps);
	assert_int_equal(s.nsteps, 0);
}

static void test_default(void **state)
{
	static const int64_t at_ms[] = { 0, 1000, 1500, 1500, 2500, 2500, 4000, 4000, 5000, 5500 };
	struct scenario s;

	(void)state;
	load_ok(&s, scenario_default_text, 0);
	assert_string_equal(s.name, "balance");
	assert_int_equal(s.nodes, 3);
	assert_int_equal(s.mode, -1);
	assert_false(s.has_seed);
	assert_int_equal(s.ninit, 1);
	assert_string_equal(s.init[0].key, "balance");
	assert_int_equal(s.init[0].value, 100);
	assert_int_equal(s.nsteps, 10);
	for (size_t i = 0; i < s.nsteps; i++) {
		assert_int_equal(s.steps[i].at_us, at_ms[i] * 1000);
		assert_int_equal(s.steps[i].line, 11 + (int)i);
		assert_int_equal(s.steps[i].cmd.line, 11 + (int)i);
		assert_int_not_equal(s.steps[i].cmd.kind, CMD_EXPECT);
	}
	assert_int_equal(s.steps[0].cmd.kind, CMD_SAY);
	assert_string_equal(s.steps[0].cmd.text, "Three replicas agree: balance=100");
	assert_string_equal(s.steps[0].src, "say \"Three replicas agree: balance=100\"");
	assert_int_equal(s.steps[1].cmd.kind, CMD_ISOLATE);
	assert_int_equal(s.steps[1].cmd.a, 2);
	assert_int_equal(s.steps[3].cmd.kind, CMD_WRITE);
	assert_int_equal(s.steps[3].cmd.value, 500);
	assert_int_equal(s.steps[5].cmd.kind, CMD_READ);
	assert_int_equal(s.steps[7].cmd.kind, CMD_HEAL);
	scenario_free(&s);
}

/* scenarios/balance.ini is the built-in text, byte for byte. */
static void test_default_file(void **state)
{
	FILE *f = fopen("scenarios/balance.ini", "rb");
	static char buf[8192];
	size_t n;
	struct scenario s;
	char err[CMD_ERR_MAX + 600];

	(void)state;
	assert_non_null(f);
	n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	assert_string_equal(buf, scenario_default_text);
	assert_int_equal(scenario_load_file(&s, "scenarios/balance.ini", 0, err, sizeof err), 0);
	assert_string_equal(s.path, "scenarios/balance.ini");
	assert_int_equal(s.nsteps, 10);
	scenario_free(&s);
}

static void test_nodes_override(void **state)
{
	struct scenario s;
	char err[CMD_ERR_MAX + 600];

	(void)state;
	load_ok(&s, scenario_default_text, 5);
	assert_int_equal(s.nodes, 5);
	scenario_free(&s);
	assert_int_equal(scenario_load_text(&s, "balance", scenario_default_text, 2, err, sizeof err), -1);
	assert_string_equal(err, "balance:12: isolate: unknown node 'C' (nodes are A, B)");
}

static void test_fields(void **state)
{
	struct scenario s;

	(void)state;
	load_ok(&s, "\xef\xbb\xbf[Scenario]\r\n"
		"name: two keys\r\n"
		"description = x ; a comment\r\n"
		"mode = AP\r\n"
		"seed = 18446744073709551615\r\n"
		"init = balance=100 , stock = -5\r\n"
		"init = cart_2=0\r\n"
		"[timeline]\r\n"
		"+1s = say \"CP ; AP\" ; the quoted ';' stays\r\n"
		"+250ms = pause waiting here\r\n"
		"3s = expect last ok\r\n"
		"3s = quit\r\n", 0);
	assert_string_equal(s.name, "two keys");
	assert_string_equal(s.description, "x");
	assert_int_equal(s.nodes, 0);
	assert_int_equal(s.mode, MODE_AP);
	assert_true(s.has_seed);
	assert_true(s.seed == UINT64_MAX);
	assert_int_equal(s.ninit, 3);
	assert_string_equal(s.init[1].key, "stock");
	assert_int_equal(s.init[1].value, -5);
	assert_string_equal(s.init[2].key, "cart_2");
	assert_int_equal(s.nsteps, 4);
	assert_int_equal(s.steps[0].at_us, 1000000);
	assert_string_equal(s.steps[0].cmd.text, "CP ; AP");
	assert_int_equal(s.steps[1].at_us, 1250000);
	assert_string_equal(s.steps[1].cmd.text, "waiting here");
	assert_int_equal(s.steps[2].at_us, 3000000);
	assert_int_equal(s.steps[3].at_us, 3000000);
	assert_int_equal(s.steps[3].line, 12);
	scenario_free(&s);
}

static void test_errors(void **state)
{
	(void)state;
	load_bad("", 0, "t.ini:1: no [scenario] section");
	load_bad("[scenario]\n[timeline]\n0s = cut A Q\n", 0, "t.ini:3: cut: unknown node 'Q' (nodes are A, B, C)");
	/* The earliest line wins, whichever check finds it. */
	load_bad("[scenario]\n[timeline]\n0s = cut A Q\n1s = heal\nx = heal\n", 0,
		 "t.ini:3: cut: unknown node 'Q' (nodes are A, B, C)");
	load_bad("[scenario]\n[timeline]\n0s = heal\nnope\n0s = cut A Q\n", 0, "t.ini:4: expected 'key = value'");
	/* The shape of the text comes first, even after an earlier mistake. */
	load_bad("[scenario]\nmode = x\n[timeline]\n0s = heal\n1s = say \"" \
		 "0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789"
		 "0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789\"\n",
		 0, "t.ini:5: line too long (211 bytes; a line holds at most 199)");
	load_bad("[scenario]\nname = \x1b[2J\n", 0, "t.ini:2: not a text file");
	load_bad("[scenario]\r\nname = a\rb\r\n", 0, "t.ini:2: not a text file");
	load_bad("[scenario]\n[timeline]\n99999999s = heal\n", 0,
		 "t.ini:3: time '99999999s' is too far (at most a day per step)");
	load_bad("[scenario]\ninit = a=1, a=2\n", 0, "t.ini:2: init: a is given twice");
	load_bad("[scenario]\ninit = Balance=1\n", 0, "t.ini:2: init: bad key name 'Balance' (lowercase letters, "
		 "digits and _, not starting with a digit, at most 23 characters)");
	load_bad("[scenario] extra\n", 0, "t.ini:1: unexpected text after [scenario]");
	load_bad("[scenario]\nnodes = 3\n  [timeline]\n", 0,
		 "t.ini:3: indented line (a value must fit on its own line; remove the indentation)");
}

/* Sets, a strategy and invariants on the stage. */
static void test_stage_fields(void **state)
{
	struct scenario s;

	(void)state;
	load_ok(&s, "[scenario]\n"
		"init = balance=100, cart={apple, pear}, empty={ }\n"
		"init = tags={}\n"
		"strategy = CRDT\n"
		"invariant = balance>=0, stock < 5\n"
		"invariant = balance != -1\n"
		"[timeline]\n"
		"1s = expect C cart {apple, pear}\n", 0);
	assert_int_equal(s.ninit, 4);
	assert_false(s.init[0].is_set);
	assert_int_equal(s.init[0].value, 100);
	assert_int_equal(s.init[0].line, 2);
	assert_string_equal(s.init[1].key, "cart");
	assert_true(s.init[1].is_set);
	assert_int_equal(s.init[1].set.n, 2);
	assert_string_equal(s.init[1].set.names[0], "apple");
	assert_string_equal(s.init[1].set.names[1], "pear");
	assert_true(s.init[2].is_set);
	assert_int_equal(s.init[2].set.n, 0);
	assert_string_equal(s.init[3].key, "tags");
	assert_int_equal(s.init[3].line, 3);
	assert_int_equal(s.strategy, STRAT_CRDT);
	assert_int_equal(s.ninvariants, 3);
	assert_string_equal(s.invariants[0].key, "balance");
	assert_int_equal(s.invariants[0].op, INV_GE);
	assert_int_equal(s.invariants[0].value, 0);
	assert_string_equal(s.invariants[1].key, "stock");
	assert_int_equal(s.invariants[1].op, INV_LT);
	assert_int_equal(s.invariants[1].value, 5);
	assert_int_equal(s.invariants[2].op, INV_NE);
	assert_int_equal(s.invariants[2].value, -1);
	assert_int_equal(s.invariants[2].line, 6);
	assert_true(s.steps[0].cmd.is_set);
	scenario_free(&s);
	/* Without them: no strategy, nothing to keep. */
	load_ok(&s, scenario_default_text, 0);
	assert_int_equal(s.strategy, -1);
	assert_int_equal(s.ninvariants, 0);
	assert_false(s.init[0].is_set);
	scenario_free(&s);
}

static void test_stage_errors(void **state)
{
	(void)state;
	load_bad("[scenario]\ninit = cart={apple, pear\n", 0, "t.ini:2: init: cart: missing '}' at the end of the set");
	load_bad("[scenario]\ninit = cart={apple}x\n", 0, "t.ini:2: init: cart: unexpected 'x' after the set");
	load_bad("[scenario]\ninit = cart={apple}}\n", 0, "t.ini:2: init: cart: unexpected '}' after the set");
	load_bad("[scenario]\ninit = cart={apple, apple}\n", 0, "t.ini:2: init: cart: element 'apple' is listed twice");
	load_bad("[scenario]\ninit = cart={Apple}\n", 0, "t.ini:2: init: cart: bad element name 'Apple' "
		 "(lowercase letters, digits and _, not starting with a digit, at most 23 characters)");
	load_bad("[scenario]\ninit = a={a,b,c,d,e,f,g,h}, b={i,j,k,l,m,n,o,p}\ninit = c={a, q}\n", 0,
		 "t.ini:3: init: too many set elements (at most 16 in a world)");
	load_bad("[scenario]\nstrategy = lvv\n", 0, "t.ini:2: strategy must be lww, crdt or merge, got 'lvv'");
	load_bad("[scenario]\nstrategy = lww\nstrategy = crdt\n", 0, "t.ini:3: strategy is given twice (first on line 2)");
	load_bad("[scenario]\ninvariant = balance=0\n", 0, "t.ini:2: invariant: expected a comparison "
		 "(>=, >, <=, <, == or !=) after balance, got '=0'");
	load_bad("[scenario]\ninvariant = balance>=0,\n", 0, "t.ini:2: invariant: expected a key, a comparison "
		 "and a number (invariant balance>=0)");
	load_bad("[scenario]\ninvariant = a>0,a>1,a>2,a>3,a>4,a>5,a>6,a>7,a>8\n", 0,
		 "t.ini:2: invariant: too many invariants (at most 8)");
	load_bad("[scenario]\ninit = a=1,b=1,c=1,d=1,e=1,f=1,g=1,h=1,i=1,j=1,k=1,l=1,m=1,n=1,o=1\n"
		 "invariant = a>0, p>0, q>0\n", 0, "t.ini:3: invariant: too many keys (at most 16)");
	/* The timeline meets keys as a run would, in order. */
	load_bad("[scenario]\ninit = cart={}\n[timeline]\n0s = write A cart 5\n", 0,
		 "t.ini:4: write: cart is a set (use add and remove)");
	load_bad("[scenario]\n[timeline]\n0s = add A cart apple\n1s = add B cart 3\n", 0,
		 "t.ini:4: add: cart is a set (add B cart apple)");
	load_bad("[scenario]\n[timeline]\n0s = read A cart\n1s = add B cart apple\n", 0,
		 "t.ini:4: add: cart is a number (add B cart -100)");
	load_bad("[scenario]\ninvariant = cart > 1\n[timeline]\n0s = remove A cart x\n", 0,
		 "t.ini:4: remove: cart is a number");
	load_bad("[scenario]\ninit = cart={a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p}\n[timeline]\n0s = add A cart a\n"
		 "1s = remove A cart q\n", 0, "t.ini:5: remove: too many set elements (at most 16 in a world)");
	load_bad("[scenario]\ninit = a=1,b=1,c=1,d=1,e=1,f=1,g=1,h=1,i=1,j=1,k=1,l=1,m=1,n=1,o=1,p=1\n"
		 "[timeline]\n0s = read A a\n1s = read A q\n", 0, "t.ini:5: read: too many keys (at most 16)");
	/* Wherever the two lines are. */
	load_bad("[scenario]\ninvariant = cart>=0\ninit = cart={}\n", 0,
		 "t.ini:2: invariant: cart is a set (an invariant compares a number)");
}

/* scenario_apply_stage gives a fresh world the file's first values,
 * strategy and invariants. */
static void test_apply_stage(void **state)
{
	struct scenario s;
	struct world w;
	char err[CMD_ERR_MAX + 600] = "";
	int64_t v;
	int cart;

	(void)state;
	load_ok(&s, "[scenario]\n"
		"init = balance=-5, cart={apple, pear}, tags={}\n"
		"strategy = merge\n"
		"invariant = balance>=0\n", 0);
	assert_int_equal(world_init(&w, 3, 1, MODE_AP, err, sizeof err), 0);
	assert_int_equal(scenario_apply_stage(&s, &w, err, sizeof err), 0);
	assert_int_equal(w.strategy, STRAT_MERGE);
	cart = world_key(&w, "cart", false);
	assert_int_equal(w.key_type[cart], KT_SET);
	assert_true(world_value(&w, 2, cart, &v));
	assert_int_equal(v, (1 << world_elem(&w, "apple", false)) | (1 << world_elem(&w, "pear", false)));
	assert_true(world_value(&w, 0, world_key(&w, "tags", false), &v));
	assert_int_equal(v, 0);
	assert_true(world_value(&w, 1, world_key(&w, "balance", false), &v));
	assert_int_equal(v, -5);
	assert_int_equal(w.ninvariants, 1);
	assert_int_equal(w.invariants[0].op, INV_GE);
	/* The init value already breaks it, on every replica. */
	assert_true(w.broken[0][0] && w.broken[2][0]);
	world_free(&w);
	scenario_free(&s);

	/* A world that disagrees: the message names the line. */
	load_ok(&s, "[scenario]\nname = x\ninvariant = stock>0\n", 0);
	assert_int_equal(world_init(&w, 3, 1, MODE_AP, err, sizeof err), 0);
	assert_int_equal(world_init_set(&w, "stock", 0), 0);
	assert_int_equal(scenario_apply_stage(&s, &w, err, sizeof err), -1);
	assert_string_equal(err, "t.ini:3: invariant: stock is a set (an invariant compares a number)");
	world_free(&w);
	scenario_free(&s);
}

static void test_missing_file(void **state)
{
	struct scenario s;
	char err[CMD_ERR_MAX + 600];

	(void)state;
	assert_int_equal(scenario_load_file(&s, "tests/scenarios/bad/none.ini", 0, err, sizeof err), -1);
	assert_string_equal(err, "tests/scenarios/bad/none.ini: cannot read it: No such file or directory");
	assert_int_equal(scenario_load_file(&s, "tests", 0, err, sizeof err), -1);
	assert_string_equal(err, "tests: cannot read it: Is a directory");
}

/* A pipe (a process substitution, /dev/stdin, a FIFO) gives its bytes once:
 * the file is read once, whole. */
static void test_pipe(void **state)
{
	static const char text[] = "[scenario]\nname = piped\nnodes = 3\n[timeline]\n0s = isolate C\n";
	char path[64], err[CMD_ERR_MAX + 600];
	struct scenario s;
	int fd = pipe_with(text, path, sizeof path);

	(void)state;
	assert_true(fd >= 0);
	if (scenario_load_file(&s, path, 0, err, sizeof err) != 0)
		fail_msg("%s", err);
	assert_string_equal(s.name, "piped");
	assert_int_equal(s.nsteps, 1);
	scenario_free(&s);
	close(fd);
}

/* A copy owns its steps: freeing the original leaves it whole. */
static void test_copy(void **state)
{
	struct scenario s, c;

	(void)state;
	load_ok(&s, "[scenario]\nname = c\nnodes = 3\n[timeline]\n0s = isolate C\n1s = heal\n", 0);
	assert_int_equal(scenario_copy(&c, &s), 0);
	assert_ptr_not_equal(c.steps, s.steps);
	scenario_free(&s);
	assert_string_equal(c.name, "c");
	assert_int_equal(c.nsteps, 2);
	assert_string_equal(c.steps[1].src, "heal");
	scenario_free(&c);
}

/* Too big: the message names the line where the limit is passed; binary
 * bytes before it are said first. */
static void test_too_big(void **state)
{
	size_t len = SCENARIO_MAX_BYTES + 100;
	char *buf = malloc(len), err[CMD_ERR_MAX + 600];
	struct scenario s;

	(void)state;
	assert_non_null(buf);
	memcpy(buf, "[scenario]\n", 11);
	for (size_t i = 11; i < len; i += 10)
		memcpy(buf + i, "; comment\n", len - i < 10 ? len - i : 10);
	assert_int_equal(scenario_load_buf(&s, "big.ini", buf, len, 0, err, sizeof err), -1);
	/* Byte 1048577 is on line 1 + (1048576 - 11) / 10 + 1. */
	assert_string_equal(err, "big.ini:104858: too big for a scenario (at most 1 MiB)");
	memset(buf, 0, len);
	assert_int_equal(scenario_load_buf(&s, "zero", buf, len, 0, err, sizeof err), -1);
	assert_string_equal(err, "zero:1: not a text file");
	free(buf);
}

/* A second byte order mark (inih skips the first) is named as one. */
static void test_two_boms(void **state)
{
	struct scenario s;

	(void)state;
	load_ok(&s, "\xef\xbb\xbf[scenario]\nname = x\n", 0);
	scenario_free(&s);
	load_bad("\xef\xbb\xbf\xef\xbb\xbf[scenario]\nname = x\n", 0, "t.ini:1: a byte order mark (U+FEFF) past the "
		 "start of the file: only the first bytes may hold one; remove it");
	load_bad("[scenario]\nname = x\xef\xbb\xbf\n", 0, "t.ini:2: a byte order mark (U+FEFF) past the "
		 "start of the file: only the first bytes may hold one; remove it");
}

/* Reads "; expect: TEXT" and "; line: N" from a bad file's first lines. A
 * TEXT ending in "..." is a prefix. */
static void bad_file(const char *path, int *nchecked)
{
	char first[256], second[256], err[CMD_ERR_MAX + 600], want[CMD_ERR_MAX + 600];
	FILE *f = fopen(path, "rb");
	struct scenario s;
	size_t n;
	int line = 0;

	assert_non_null(f);
	if (!fgets(first, sizeof first, f) || !fgets(second, sizeof second, f))
		fail_msg("%s: no header", path);
	fclose(f);
	first[strcspn(first, "\n")] = '\0';
	if (strncmp(first, "; expect: ", 10) != 0 || sscanf(second, "; line: %d", &line) != 1)
		fail_msg("%s: the first lines must be '; expect: ...' and '; line: N'", path);
	snprintf(want, sizeof want, "%s:%d: %s", path, line, first + 10);
	if (scenario_load_file(&s, path, 0, err, sizeof err) != -1)
		fail_msg("%s loaded", path);
	n = strlen(want);
	if (n > 3 && strcmp(want + n - 3, "...") == 0)
		n -= 3;
	else
		n = strlen(want) + 1;
	if (strncmp(err, want, n) != 0)
		fail_msg("%s:\n  got  %s\n  want %s", path, err, want);
	(*nchecked)++;
}

static void test_bad_files(void **state)
{
	DIR *d = opendir(BAD_DIR);
	struct dirent *de;
	char path[512];
	int n = 0;

	(void)state;
	assert_non_null(d);
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);

		if (len < 5 || strcmp(de->d_name + len - 4, ".ini") != 0)
			continue;
		snprintf(path, sizeof path, "%s/%s", BAD_DIR, de->d_name);
		bad_file(path, &n);
	}
	closedir(d);
	assert_true(n >= 10);
}

/* Any bytes at all: a scenario or a message, never a crash. */
static void test_robust(void **state)
{
	static const char *const pieces[] = {
		"[scenario]\n", "[timeline]\n", "nodes = 2\n", "0s = cut A B\n", "+1s = say \"x\n", "  x\n",
		"\n", "=\n", "[", "]", ";", "\xff", "\0", "\r", "init = a=1,b\n", "1s = partition A | B\n",
		"seed = 99999999999999999999\n", "9s = write A k 1\n", "+0s = heal crdt\n",
	};
	static char buf[4096];
	struct scenario s;
	char err[CMD_ERR_MAX + 600];
	uint32_t x = 7;

	(void)state;
	for (int round = 0; round < 3000; round++) {
		size_t len = 0;
		int parts = 1 + (int)(x % 40);

		for (int i = 0; i < parts; i++) {
			const char *p;
			size_t plen;

			x = x * 1103515245u + 12345u;
			p = pieces[(x >> 16) % (sizeof pieces / sizeof pieces[0])];
			plen = p[0] ? strlen(p) : 1;
			if (len + plen >= sizeof buf)
				break;
			memcpy(buf + len, p, plen);
			len += plen;
		}
		if (scenario_load_buf(&s, "r", buf, len, (int)(x % 9), err, sizeof err) == 0)
			scenario_free(&s);
		else
			assert_int_equal(strncmp(err, "r:", 2), 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default),
		cmocka_unit_test(test_default_file),
		cmocka_unit_test(test_nodes_override),
		cmocka_unit_test(test_fields),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_stage_fields),
		cmocka_unit_test(test_stage_errors),
		cmocka_unit_test(test_apply_stage),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_pipe),
		cmocka_unit_test(test_copy),
		cmocka_unit_test(test_too_big),
		cmocka_unit_test(test_two_boms),
		cmocka_unit_test(test_bad_files),
		cmocka_unit_test(test_robust),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
