/* test_cmd.c: the command language: every command parses to the right struct,
 * every error says what was expected, any bytes are safe; and cmd_exec /
 * cmd_expect act on a real world. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "capviz/cmd.h"
#include "capviz/world.h"
#include "cmd_helpers.h"

static void test_links(void **state)
{
	struct command c;

	(void)state;
	c = ok("cut A B", 3);
	assert_int_equal(c.kind, CMD_CUT);
	assert_int_equal(c.a, 0);
	assert_int_equal(c.b, 1);
	assert_false(c.oneway);
	c = ok("  CUT c>a  ", 3);
	assert_int_equal(c.kind, CMD_CUT);
	assert_int_equal(c.a, 2);
	assert_int_equal(c.b, 0);
	assert_true(c.oneway);
	c = ok("cut A > B", 3);
	assert_true(c.oneway);
	c = ok("restore B C", 3);
	assert_int_equal(c.kind, CMD_RESTORE);
	assert_int_equal(c.a, 1);
	assert_int_equal(c.b, 2);
	c = ok("restore A>B", 3);
	assert_true(c.oneway);
	assert_int_equal(ok("restore all", 3).kind, CMD_RESTORE_ALL);
	c = ok("isolate C", 3);
	assert_int_equal(c.kind, CMD_ISOLATE);
	assert_int_equal(c.a, 2);
	c = ok("crash b", 3);
	assert_int_equal(c.kind, CMD_CRASH);
	assert_int_equal(c.a, 1);
	assert_int_equal(ok("recover B", 3).kind, CMD_RECOVER);
	c = ok("cut F G", 7);
	assert_int_equal(c.a, 5);
	assert_int_equal(c.b, 6);
}

static void test_partition(void **state)
{
	struct command c;

	(void)state;
	c = ok("partition A B | C", 3);
	assert_int_equal(c.kind, CMD_PARTITION);
	assert_int_equal(c.group[0], 0);
	assert_int_equal(c.group[1], 0);
	assert_int_equal(c.group[2], 1);
	assert_int_equal(c.group[3], -1);
	c = ok("partition a|b|c d", 4);
	assert_int_equal(c.group[0], 0);
	assert_int_equal(c.group[1], 1);
	assert_int_equal(c.group[2], 2);
	assert_int_equal(c.group[3], 2);
	bad("partition A B | C", 4, "partition: node D is on no side (list every node, e.g. A B | C D)");
	bad("partition A B C", 3, "partition: expected at least two sides separated by '|' (e.g. A B | C)");
	bad("partition A | A B C", 3, "partition: node A is listed twice");
	bad("partition A B |", 3, "partition: a side is empty (e.g. A B | C)");
	bad("partition | A B C", 3, "partition: a side is empty (e.g. A B | C)");
	bad("partition", 3, "partition: expected the sides, separated by '|' (e.g. A B | C)");
	bad("partition A | Q", 3, "partition: unknown node 'Q' (nodes are A, B, C)");
}

static void test_settings(void **state)
{
	struct command c;

	(void)state;
	c = ok("latency A B 40ms", 3);
	assert_int_equal(c.kind, CMD_LATENCY);
	assert_int_equal(c.a, 0);
	assert_int_equal(c.b, 1);
	assert_int_equal(c.dur_us, 40000);
	assert_int_equal(c.jitter_us, 0);
	c = ok("latency all 1.5s 10ms", 3);
	assert_int_equal(c.a, -1);
	assert_int_equal(c.b, -1);
	assert_int_equal(c.dur_us, 1500000);
	assert_int_equal(c.jitter_us, 10000);
	c = ok("loss A B 10%", 3);
	assert_int_equal(c.kind, CMD_LOSS);
	assert_int_equal(c.pct, 10);
	c = ok("loss all 5", 3);
	assert_int_equal(c.a, -1);
	assert_int_equal(c.pct, 5);
	c = ok("skew C -5s", 3);
	assert_int_equal(c.kind, CMD_SKEW);
	assert_int_equal(c.a, 2);
	assert_int_equal(c.dur_us, -5000000);
	c = ok("timeout 500ms", 3);
	assert_int_equal(c.kind, CMD_TIMEOUT);
	assert_int_equal(c.dur_us, 500000);
	assert_int_equal(ok("timeout 2m", 3).dur_us, 120000000);
	c = ok("detector 5s", 3);
	assert_int_equal(c.kind, CMD_DETECTOR);
	assert_int_equal(c.dur_us, 5000000);
	assert_int_equal(ok("detector 0", 3).dur_us, 0);
	assert_int_equal(ok("detector 0s", 3).dur_us, 0);
	assert_int_equal(ok("detector 18s", 3).dur_us, 18000000);
	assert_int_equal(ok("wait 250us", 3).dur_us, 250);
	assert_int_equal(ok("mode ap", 3).mode, MODE_AP);
	assert_int_equal(ok("MODE Strict", 3).mode, MODE_STRICT);
	assert_int_equal(ok("mode cp", 3).mode, MODE_CP);
	c = ok("level read QUORUM", 3);
	assert_int_equal(c.kind, CMD_LEVEL);
	assert_true(c.read);
	assert_false(c.both);
	assert_int_equal(c.level, LEVEL_QUORUM);
	c = ok("level write all", 3);
	assert_false(c.read);
	assert_false(c.both);
	assert_int_equal(c.level, LEVEL_ALL);
	c = ok("level ONE", 3);
	assert_true(c.both);
	assert_int_equal(c.level, LEVEL_ONE);
	c = ok("speed 0.5", 3);
	assert_int_equal(c.kind, CMD_SPEED);
	assert_true(c.speed > 0.49 && c.speed < 0.51);
	assert_true(ok("speed 10", 3).speed > 9.99);
	assert_true(ok("speed 0.1", 3).speed < 0.11);
}

static void test_ops(void **state)
{
	struct command c;

	(void)state;
	c = ok("write A balance 500", 3);
	assert_int_equal(c.kind, CMD_WRITE);
	assert_int_equal(c.a, 0);
	assert_string_equal(c.key, "balance");
	assert_int_equal(c.value, 500);
	assert_int_equal(c.level, LEVEL_DEFAULT);
	c = ok("write b stock_2 -7 quorum", 3);
	assert_int_equal(c.a, 1);
	assert_string_equal(c.key, "stock_2");
	assert_int_equal(c.value, -7);
	assert_int_equal(c.level, LEVEL_QUORUM);
	c = ok("add A balance -100 ALL", 3);
	assert_int_equal(c.kind, CMD_ADD);
	assert_int_equal(c.value, -100);
	assert_int_equal(c.level, LEVEL_ALL);
	c = ok("read C balance", 3);
	assert_int_equal(c.kind, CMD_READ);
	assert_int_equal(c.a, 2);
	assert_int_equal(c.level, LEVEL_DEFAULT);
	assert_int_equal(ok("read C balance ONE", 3).level, LEVEL_ONE);
	assert_int_equal(ok("write A x 9223372036854775807", 3).value, INT64_MAX);
	assert_true(ok("write A x -9223372036854775808", 3).value == INT64_MIN);
	c = ok("expect C balance 500", 3);
	assert_int_equal(c.kind, CMD_EXPECT);
	assert_int_equal(c.expect, EXPECT_VALUE);
	assert_int_equal(c.a, 2);
	assert_string_equal(c.key, "balance");
	assert_int_equal(c.value, 500);
	c = ok("expect last stale", 3);
	assert_int_equal(c.expect, EXPECT_LAST);
	assert_int_equal(c.outcome, OUTCOME_STALE);
	assert_int_equal(ok("expect last OK", 3).outcome, OUTCOME_OK);
	assert_int_equal(ok("expect last error", 3).outcome, OUTCOME_ERROR);
}

static void test_driver(void **state)
{
	struct command c;

	(void)state;
	c = ok("heal", 3);
	assert_int_equal(c.kind, CMD_HEAL);
	assert_int_equal(c.strategy, -1);
	c = ok("heal LWW", 3);
	assert_int_equal(c.kind, CMD_HEAL);
	assert_int_equal(c.strategy, STRAT_LWW);
	assert_int_equal(ok("heal crdt", 3).strategy, STRAT_CRDT);
	assert_int_equal(ok("heal Merge", 3).strategy, STRAT_MERGE);
	c = ok("say \"Three replicas agree: balance=100\"", 3);
	assert_int_equal(c.kind, CMD_SAY);
	assert_string_equal(c.text, "Three replicas agree: balance=100");
	assert_string_equal(ok("say  plain words, as they are  ", 3).text, "plain words, as they are");
	assert_string_equal(ok("say \"a \\\"quote\\\" and \\\\ a backslash\"", 3).text,
			    "a \"quote\" and \\ a backslash");
	c = ok("pause", 3);
	assert_int_equal(c.kind, CMD_PAUSE);
	assert_string_equal(c.text, "");
	assert_string_equal(ok("pause \"Press space to heal\"", 3).text, "Press space to heal");
	assert_int_equal(ok("resume", 3).kind, CMD_RESUME);
	assert_int_equal(ok("step", 3).kind, CMD_STEP);
	assert_int_equal(ok("quit", 3).kind, CMD_QUIT);
	assert_int_equal(ok("wait 2s", 3).kind, CMD_WAIT);
}

static void test_is_world(void **state)
{
	static const char *const world[] = {
		"cut A B", "restore A B", "restore all", "isolate C", "partition A | B C", "crash B",
		"recover B", "latency A B 1ms", "loss all 5%", "skew C 1s", "timeout 1s", "mode ap",
		"level ONE", "write A k 1", "add A k 1", "read A k", "heal", "say hi",
		"add A cart apple", "remove A cart apple", "strategy crdt", "heal merge",
		"resolve C balance 300", "invariant balance>=0",
	};
	static const char *const driver[] = {
		"pause", "resume", "step", "speed 2", "wait 1s", "quit", "expect last ok",
		"expect C cart {apple}",
	};

	(void)state;
	for (size_t i = 0; i < sizeof world / sizeof world[0]; i++) {
		struct command c = ok(world[i], 3);

		assert_true(cmd_is_world(&c));
	}
	for (size_t i = 0; i < sizeof driver / sizeof driver[0]; i++) {
		struct command c = ok(driver[i], 3);

		assert_false(cmd_is_world(&c));
	}
}

static void test_words(void **state)
{
	size_t n = 0;
	struct command c;
	char err[CMD_ERR_MAX];

	(void)state;
	/* Every word is a command: parsing it never says "unknown command". */
	for (; cmd_words[n]; n++) {
		if (cmd_parse(cmd_words[n], 3, &c, err, sizeof err) < 0)
			assert_null(strstr(err, "unknown command"));
	}
	assert_int_equal(n, 37);
}

/* One node has no links: every command that cuts says why, not "no node B". */
static void test_single_node(void **state)
{
	static const char why[] = "a single node has no links: no partition is possible, so there is no choice "
				  "to make (when the one node is down, nothing answers)";
	char want[256];
	struct command c;

	(void)state;
	snprintf(want, sizeof want, "cut: %s", why);
	bad("cut A B", 1, want);
	snprintf(want, sizeof want, "isolate: %s", why);
	bad("isolate A", 1, want);
	snprintf(want, sizeof want, "partition: %s", why);
	bad("partition A | B", 1, want);
	c = ok("preset cassandra-quorum", 3);
	assert_int_equal(c.kind, CMD_PRESET);
	assert_int_equal(c.preset, PRESET_CASSANDRA_QUORUM);
	c = ok("preset SINGLE", 1);
	assert_int_equal(c.preset, PRESET_SINGLE);
	assert_true(cmd_is_world(&c));
}

static void test_errors(void **state)
{
	(void)state;
	bad("", 3, "empty command");
	bad(" \t ", 3, "empty command");
	bad("cut A Q", 3, "cut: unknown node 'Q' (nodes are A, B, C)");
	bad("cut A D", 3, "cut: unknown node 'D' (nodes are A, B, C)");
	bad("crash B", 1, "crash: unknown node 'B' (the only node is A)");
	bad("write A balance abc", 3, "write: expected a number, got 'abc'");
	bad("write A balance 9223372036854775808", 3,
	    "write: number '9223372036854775808' is out of range (64-bit integers)");
	bad("frobnicate", 3, "frobnicate: unknown command (commands are cut, restore, isolate, partition, "
	    "crash, recover, latency, loss, skew, timeout, detector, mode, level, preset, write, add, remove, read, txn, lock, "
	    "unlock, elect, heal, "
	    "compare, strategy, resolve, invariant, say, pause, resume, step, speed, wait, expect, quit, restart, next)");
	bad("detector", 3, "detector: expected a duration (detector 5s; detector 0: at once; detector 18s: about a real "
	    "Cassandra cluster's)");
	bad("detector -1s", 3, "detector: expected a duration such as 40ms or 1.5s, got '-1s'");
	bad("detector 5s now", 3, "detector: unexpected 'now' after the duration");
	bad("preset zoo", 3, "preset: unknown preset 'zoo' (presets are cassandra-one, "
	    "cassandra-quorum, cassandra-all, dynamodb, dynamodb-strong, zookeeper, single)");
	bad("preset", 3, "preset: expected a preset (cassandra-one, cassandra-quorum, cassandra-all, dynamodb, "
	    "dynamodb-strong, zookeeper, single)");
	bad("preset single now", 1, "preset: unexpected 'now' after the preset");
	bad("cut A", 3, "cut: expected two nodes (cut A B, or cut A>B for one way)");
	bad("cut", 3, "cut: expected two nodes (cut A B, or cut A>B for one way)");
	bad("cut A>", 3, "cut: expected two nodes (cut A B, or cut A>B for one way)");
	bad("cut A A", 3, "cut: a node cannot be cut from itself");
	bad("read C balance foo", 3, "read: unexpected 'foo' after the key (expected ONE, QUORUM or ALL; "
	    "or local, sync, eventual, strong)");
	bad("write A balance 5 strong", 3, "write: 'strong' is a read option; a write takes ONE, QUORUM or ALL");
	bad("level write sync", 3, "level: 'sync' says where a read is answered: level read sync");
	bad("level eventual", 3, "level: 'eventual' says where a read is answered: level read eventual");
	bad("read C balance ONE foo", 3, "read: unexpected 'foo' after the level");
	bad("cut A B C", 3, "cut: unexpected 'C' after the nodes");
	bad("restore", 3, "restore: expected two nodes or 'all' (restore A B, restore A>B for one way, or restore all)");
	bad("heal fast", 3, "heal: expected lww, crdt or merge, got 'fast'");
	bad("heal lww now", 3, "heal: unexpected 'now' after the strategy");
	bad("latency A B", 3, "latency: expected two nodes or 'all', then a duration (latency A B 40ms [10ms]) or a model "
	    "(latency A B exp 4ms, latency all write-req pareto 0.235ms 10)");
	bad("latency A B 40", 3, "latency: expected a duration such as 40ms or 1.5s, got '40'");
	bad("latency A B -40ms", 3, "latency: expected a duration such as 40ms or 1.5s, got '-40ms'");
	bad("wait 100000000s", 3, "wait: duration '100000000s' is too long (at most a day)");
	bad("loss A B 101%", 3, "loss: 101% is out of range (0 to 100%)");
	bad("loss A B lots", 3, "loss: expected a percentage such as 10%, got 'lots'");
	bad("timeout 0ms", 3, "timeout: must be longer than 0");
	bad("mode ca", 3, "mode: expected cp, ap or strict, got 'ca'");
	bad("level read", 3, "level: expected read or write and a level (level read QUORUM, level ALL for both, "
	    "level read sync)");
	bad("level TWO", 3, "level: expected ONE, QUORUM or ALL (or for reads local, sync, eventual, strong), got 'TWO'");
	bad("write A Balance 1", 3, "write: bad key name 'Balance' (lowercase letters, digits and _, "
	    "not starting with a digit, at most 23 characters)");
	bad("write A balance", 3, "write: expected a node, a key and a value (write A balance 500 [ONE|QUORUM|ALL])");
	bad("speed 20", 3, "speed: 20 is out of range (0.1 to 10)");
	bad("speed fast", 3, "speed: expected a factor from 0.1 to 10, got 'fast'");
	bad("say", 3, "say: expected a text (say \"Three replicas agree\")");
	bad("say \"open", 3, "say: missing closing quote");
	bad("say \"done\" more", 3, "say: unexpected 'more' after the text");
	bad("resume now", 3, "resume: unexpected 'now' (resume takes nothing)");
	bad("expect last maybe", 3, "expect: expected ok, error, unknown, stale or lost, got 'maybe'");
	bad("expect C balance", 3, "expect: expected a node, a key and a value, last ok|error|unknown|stale|lost, stale or "
	    "lost and a count, holder and a path, or invariant and a rule (expect C balance 500, expect last error, "
	    "expect stale 0, expect holder /locks/r A, expect invariant balance>=0)");
	bad("expect invariant", 3, "expect: expected a rule after invariant (expect invariant balance>=0 [broken])");
	bad("expect invariant balance>=0 twice", 3, "expect: expected 'broken' or nothing after the rule, got 'twice'");
	bad("skew C", 3, "skew: expected a node and a duration (skew C -5s)");
	bad("cut \x1b[2J B", 3, "cut: unknown node '?[2J' (nodes are A, B, C)");
}

/* Operations on sets, strategies, resolve and invariants. */
static void test_data(void **state)
{
	struct command c;

	(void)state;
	c = ok("add A cart apple", 3);
	assert_int_equal(c.kind, CMD_ADD);
	assert_true(c.is_elem);
	assert_string_equal(c.elem, "apple");
	assert_string_equal(c.key, "cart");
	assert_int_equal(c.level, LEVEL_DEFAULT);
	c = ok("ADD b cart _pear_2 quorum", 3);
	assert_int_equal(c.a, 1);
	assert_string_equal(c.elem, "_pear_2");
	assert_int_equal(c.level, LEVEL_QUORUM);
	c = ok("add A balance +7 ONE", 3);
	assert_false(c.is_elem);
	assert_int_equal(c.value, 7);
	c = ok("remove C cart apple ALL", 3);
	assert_int_equal(c.kind, CMD_REMOVE);
	assert_int_equal(c.a, 2);
	assert_true(c.is_elem);
	assert_string_equal(c.elem, "apple");
	assert_int_equal(c.level, LEVEL_ALL);
	assert_int_equal(ok("strategy lww", 3).strategy, STRAT_LWW);
	assert_int_equal(ok("Strategy CRDT", 3).strategy, STRAT_CRDT);
	assert_int_equal(ok("strategy merge", 3).kind, CMD_STRATEGY);
	c = ok("resolve C balance 300", 3);
	assert_int_equal(c.kind, CMD_RESOLVE);
	assert_int_equal(c.a, 2);
	assert_false(c.is_set);
	assert_int_equal(c.value, 300);
	c = ok("resolve C cart {apple, pear}", 3);
	assert_true(c.is_set);
	assert_int_equal(c.set.n, 2);
	assert_string_equal(c.set.names[0], "apple");
	assert_string_equal(c.set.names[1], "pear");
	assert_int_equal(ok("resolve C cart {}", 3).set.n, 0);
	assert_int_equal(ok("resolve C cart { apple ,pear }", 3).set.n, 2);
	c = ok("expect C cart {apple}", 3);
	assert_int_equal(c.expect, EXPECT_VALUE);
	assert_true(c.is_set);
	assert_int_equal(c.set.n, 1);
	assert_true(ok("expect C cart { }", 3).is_set);
	assert_false(ok("expect C balance -3", 3).is_set);
}

static void test_invariant(void **state)
{
	static const char *const forms[] = {
		"invariant balance>=0", "invariant balance>0", "invariant balance<=0",
		"invariant balance<0", "invariant balance==0", "invariant balance!=0",
	};
	struct command c;

	(void)state;
	for (int i = 0; i < 6; i++) {
		c = ok(forms[i], 3);
		assert_int_equal(c.kind, CMD_INVARIANT);
		assert_string_equal(c.key, "balance");
		assert_int_equal(c.inv, INV_GE + i);
		assert_int_equal(c.value, 0);
	}
	c = ok("INVARIANT balance >= -50", 3);
	assert_int_equal(c.inv, INV_GE);
	assert_int_equal(c.value, -50);
	assert_int_equal(ok("invariant stock< 10", 3).inv, INV_LT);
	assert_int_equal(ok("invariant stock !=5", 3).inv, INV_NE);
}

static void test_data_errors(void **state)
{
	(void)state;
	bad("add A cart", 3, "add: expected a node, a key and a number or an element "
	    "(add A balance -100 [ONE|QUORUM|ALL], add A cart apple)");
	bad("add A cart Apple", 3, "add: expected a number or an element name, got 'Apple' "
	    "(add A balance -100, add A cart apple)");
	bad("add A cart 12ab", 3, "add: expected a number, got '12ab'");
	bad("add A cart apple pear", 3, "add: unexpected 'pear' after the element (expected ONE, QUORUM or ALL)");
	bad("add A cart aaaaaaaaaaaaaaaaaaaaaaaa", 3, "add: bad element name 'aaaaaaaaaaaaaaaaaaaaaaaa' "
	    "(lowercase letters, digits and _, not starting with a digit, at most 23 characters)");
	bad("remove B cart", 3, "remove: expected a node, a key and an element (remove A cart apple [ONE|QUORUM|ALL])");
	bad("remove B cart 5", 3, "remove: expected an element name, got '5' (remove A cart apple)");
	bad("remove B cart {apple}", 3, "remove: expected an element name, got '{apple}' (remove A cart apple)");
	bad("strategy", 3, "strategy: expected lww, crdt or merge (strategy crdt)");
	bad("strategy fast", 3, "strategy: expected lww, crdt or merge, got 'fast'");
	bad("strategy lww now", 3, "strategy: unexpected 'now' after the strategy");
	bad("resolve C", 3, "resolve: expected a node, a key and a value "
	    "(resolve C balance 300, resolve C cart {apple, pear})");
	bad("resolve C balance x", 3, "resolve: expected a number, got 'x'");
	bad("resolve C cart {apple", 3, "resolve: missing '}' at the end of the set");
	bad("resolve C cart {apple,}", 3, "resolve: an element of the set is missing (before '}')");
	bad("resolve C cart {,}", 3, "resolve: an element of the set is missing (before ',')");
	bad("resolve C cart {apple pear}", 3, "resolve: expected ',' or '}' after 'apple'");
	bad("resolve C cart {apple, apple}", 3, "resolve: element 'apple' is listed twice");
	bad("resolve C cart {Apple}", 3, "resolve: bad element name 'Apple' (lowercase letters, digits "
	    "and _, not starting with a digit, at most 23 characters)");
	bad("resolve C cart {{}", 3, "resolve: unexpected '{' in the set");
	bad("resolve C cart {a}b", 3, "resolve: unexpected 'b' after the value");
	bad("resolve C cart {a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,q}", 3,
	    "resolve: too many elements in the set (at most 16)");
	bad("invariant", 3, "invariant: expected a key, a comparison and a number (invariant balance>=0)");
	bad("invariant >=0", 3, "invariant: expected a key, a comparison and a number (invariant balance>=0)");
	bad("invariant balance", 3, "invariant: expected a comparison (>=, >, <=, <, == or !=) after balance "
	    "(invariant balance>=0)");
	bad("invariant balance = 0", 3, "invariant: expected a comparison (>=, >, <=, <, == or !=) after "
	    "balance, got '='");
	bad("invariant balance=>0", 3, "invariant: expected a comparison (>=, >, <=, <, == or !=) after "
	    "balance, got '=>0'");
	bad("invariant balance 0", 3, "invariant: expected a comparison (>=, >, <=, <, == or !=) after "
	    "balance, got '0'");
	bad("invariant Balance>=0", 3, "invariant: bad key name 'Balance' (lowercase letters, digits and _, "
	    "not starting with a digit, at most 23 characters)");
	bad("invariant balance>=", 3, "invariant: expected a number after balance>= (invariant balance>=0)");
	bad("invariant balance>=lots", 3, "invariant: expected a number, got 'lots'");
	bad("invariant balance>=0 1", 3, "invariant: unexpected '1' after the number");
	bad("expect C cart {", 3, "expect: missing '}' at the end of the set");
	bad("expect C cart {apple} now", 3, "expect: unexpected 'now' after the value");
}

static void test_text_limits(void **state)
{
	char line[CMD_TEXT_MAX + 16];

	(void)state;
	memset(line, 'x', sizeof line);
	memcpy(line, "say ", 4);
	line[4 + CMD_TEXT_MAX - 1] = '\0';      /* exactly CMD_TEXT_MAX - 1 bytes of text */
	assert_int_equal(strlen(ok(line, 3).text), CMD_TEXT_MAX - 1);
	line[4 + CMD_TEXT_MAX - 1] = 'x';
	line[4 + CMD_TEXT_MAX] = '\0';
	bad(line, 3, "say: text too long (at most 199 bytes)");
}

/* Garbage of every kind: never a crash, always a message or a command. */
static void test_robust(void **state)
{
	static char line[8192];
	struct command c;
	char err[CMD_ERR_MAX];
	uint32_t x = 12345;

	(void)state;
	for (int b = 1; b < 256; b++) {
		snprintf(line, sizeof line, "%c", b);
		if (cmd_parse(line, 3, &c, err, sizeof err) < 0)
			assert_true(strlen(err) > 0);
		snprintf(line, sizeof line, "cut A%cB", b);
		cmd_parse(line, 3, &c, err, sizeof err);
		snprintf(line, sizeof line, "say \"%c\"", b);
		cmd_parse(line, 3, &c, err, sizeof err);
	}
	for (int round = 0; round < 2000; round++) {
		size_t n = 1 + (size_t)(x % (sizeof line - 1));

		for (size_t i = 0; i < n; i++) {
			x = x * 1103515245u + 12345u;
			line[i] = (char)(1 + (x >> 16) % 255);
		}
		line[n] = '\0';
		if (cmd_parse(line, 1 + round % 7, &c, err, sizeof err) < 0)
			assert_true(strlen(err) > 0 && strlen(err) < sizeof err);
	}
	/* A tiny error buffer is still safe. */
	assert_int_equal(cmd_parse("frobnicate", 3, &c, err, 4), -1);
	assert_int_equal(strlen(err), 3);
}

/* --- with a world --- */

static int world_setup(void **state)
{
	static struct world w;
	char err[WORLD_ERR_MAX];

	if (world_init(&w, 3, 1, MODE_AP, err, sizeof err) < 0)
		return -1;
	*state = &w;
	return 0;
}

static int world_teardown(void **state)
{
	world_free(*state);
	return 0;
}

static int run(struct world *w, const char *line)
{
	struct command c;
	char err[CMD_ERR_MAX] = "";

	if (cmd_parse(line, w->n, &c, err, sizeof err) < 0)
		fail_msg("'%s': %s", line, err);
	return cmd_exec(w, &c, err, sizeof err);
}

static int check(struct world *w, const char *line, char *got, size_t gotlen)
{
	struct command c;
	char err[CMD_ERR_MAX] = "";

	if (cmd_parse(line, w->n, &c, err, sizeof err) < 0)
		fail_msg("'%s': %s", line, err);
	return cmd_expect(w, &c, got, gotlen);
}

static void test_exec_links(void **state)
{
	struct world *w = *state;

	assert_int_equal(run(w, "cut A B"), 0);
	assert_false(w->links[0][1].up);
	assert_false(w->links[1][0].up);
	assert_int_equal(run(w, "restore A B"), 0);
	assert_true(w->links[0][1].up);
	assert_int_equal(run(w, "cut B>C"), 0);
	assert_false(w->links[1][2].up);
	assert_true(w->links[2][1].up);
	assert_int_equal(run(w, "restore all"), 0);
	assert_true(w->links[1][2].up);
	assert_int_equal(run(w, "isolate C"), 0);
	assert_false(w->links[0][2].up);
	assert_false(w->links[2][1].up);
	assert_true(w->links[0][1].up);
	assert_int_equal(run(w, "partition A | B C"), 0);
	assert_false(w->links[0][1].up);
	assert_true(w->links[1][2].up);
	assert_true(w->links[2][1].up);
	assert_int_equal(run(w, "latency A B 40ms 10ms"), 0);
	assert_int_equal(w->links[0][1].lat[LK_WRITE_REQ].a_us, 40000);
	assert_int_equal(w->links[1][0].lat[LK_READ_REPLY].b_us, 10000);
	assert_int_equal(run(w, "loss all 5%"), 0);
	assert_int_equal(w->links[2][0].loss_pct, 5);
	assert_int_equal(run(w, "crash B"), 0);
	assert_true(w->nodes[1].crashed);
	assert_int_equal(run(w, "recover B"), 0);
	assert_false(w->nodes[1].crashed);
	assert_int_equal(run(w, "skew C -5s"), 0);
	assert_int_equal(w->nodes[2].skew_us, -5000000);
	assert_int_equal(run(w, "level QUORUM"), 0);
	assert_int_equal(w->read_level, LEVEL_QUORUM);
	assert_int_equal(w->write_level, LEVEL_QUORUM);
	assert_int_equal(run(w, "level read ONE"), 0);
	assert_int_equal(w->read_level, LEVEL_ONE);
	assert_int_equal(w->write_level, LEVEL_QUORUM);
	assert_int_equal(run(w, "timeout 700ms"), 0);
	assert_int_equal(w->timing.request_timeout_us, 700000);
	assert_int_equal(run(w, "heal"), 0);
	assert_true(w->links[0][1].up);
}

static void test_exec_ops(void **state)
{
	struct world *w = *state;
	char got[CMD_ERR_MAX];

	assert_int_equal(world_init_value(w, "balance", 100), 0);
	assert_int_equal(check(w, "expect C balance 100", got, sizeof got), 1);
	assert_string_equal(got, "C balance is 100");
	assert_int_equal(check(w, "expect C balance 500", got, sizeof got), 0);
	assert_int_equal(check(w, "expect A stock 1", got, sizeof got), 0);
	assert_string_equal(got, "A has no stock");
	assert_int_equal(check(w, "expect last ok", got, sizeof got), 0);
	assert_string_equal(got, "no operation yet");

	/* At ALL the write waits for every replica: pending until then. */
	assert_int_equal(run(w, "write A balance 500 ALL"), 0);
	assert_int_equal(w->hist.nops, 1);
	assert_int_equal(w->hist.ops[0].kind, OP_WRITE);
	assert_int_equal(w->hist.ops[0].arg, 500);
	assert_int_equal(check(w, "expect last ok", got, sizeof got), -1);
	world_run_until(w, 5000000);
	assert_int_equal(check(w, "expect last ok", got, sizeof got), 1);
	assert_string_equal(got, "last operation (write balance=500 at A) was ok");
	assert_int_equal(check(w, "expect A balance 500", got, sizeof got), 1);

	/* A key nobody wrote can be read; the world learns its name. */
	assert_int_equal(run(w, "read C nothing"), 0);
	assert_true(world_key(w, "nothing", false) >= 0);
	world_run_until(w, 10000000);
	assert_int_equal(check(w, "expect last error", got, sizeof got), 0);
	assert_non_null(strstr(got, "last operation (read nothing at C) was ok"));
}

/* Runs a command that must fail, and checks its message. */
static void run_bad(struct world *w, const char *line, const char *want)
{
	struct command c;
	char err[CMD_ERR_MAX] = "";

	if (cmd_parse(line, w->n, &c, err, sizeof err) < 0)
		fail_msg("'%s': %s", line, err);
	if (cmd_exec(w, &c, err, sizeof err) != -1)
		fail_msg("'%s' ran, expected: %s", line, want);
	assert_string_equal(err, want);
}

static void test_exec_sets(void **state)
{
	struct world *w = *state;
	char got[CMD_ERR_MAX];
	int key;

	assert_int_equal(run(w, "add A cart apple"), 0);
	key = world_key(w, "cart", false);
	assert_true(key >= 0);
	assert_int_equal(w->key_type[key], KT_SET);
	assert_int_equal(w->hist.ops[0].kind, OP_SADD);
	assert_int_equal(w->hist.ops[0].arg, world_elem(w, "apple", false));
	world_run_until(w, 3000000);
	assert_int_equal(check(w, "expect C cart {apple}", got, sizeof got), 1);
	assert_string_equal(got, "C cart is {apple}");
	assert_int_equal(check(w, "expect C cart {}", got, sizeof got), 0);
	/* An element the world never met is in no set. */
	assert_int_equal(check(w, "expect C cart {apple, kiwi}", got, sizeof got), 0);
	assert_int_equal(check(w, "expect C cart 1", got, sizeof got), 0);
	assert_int_equal(run(w, "remove B cart apple"), 0);
	assert_int_equal(w->hist.ops[1].kind, OP_SREMOVE);
	world_run_until(w, 6000000);
	assert_int_equal(check(w, "expect last ok", got, sizeof got), 1);
	assert_string_equal(got, "last operation (remove apple from cart at B) was ok: {}");
	assert_int_equal(check(w, "expect A cart {}", got, sizeof got), 1);
	assert_string_equal(got, "A cart is {}");
	/* An integer key never equals a set, nor a set a number. */
	assert_int_equal(world_init_value(w, "balance", 100), 0);
	assert_int_equal(check(w, "expect A balance {}", got, sizeof got), 0);
	assert_string_equal(got, "A balance is 100");
}

static void test_exec_types(void **state)
{
	struct world *w = *state;
	char line[64];

	assert_int_equal(run(w, "add A cart apple"), 0);
	assert_int_equal(run(w, "add A balance -100"), 0);
	run_bad(w, "add A cart 5", "add: cart is a set (add A cart apple)");
	run_bad(w, "write C cart 5", "write: cart is a set (use add and remove)");
	run_bad(w, "add B balance apple", "add: balance is a number (add B balance -100)");
	run_bad(w, "remove A balance apple", "remove: balance is a number");
	run_bad(w, "invariant cart>=0", "invariant: cart is a set (an invariant compares a number)");
	/* A read asks about any key, whatever its type. */
	assert_int_equal(run(w, "read C cart"), 0);
	for (int i = 1; i < SET_MAX_ELEMS; i++) {
		snprintf(line, sizeof line, "add A cart e%d", i);
		assert_int_equal(run(w, line), 0);
	}
	run_bad(w, "add A cart one_more", "add: too many set elements (at most 16 in a world)");
	run_bad(w, "remove A cart one_more", "remove: too many set elements (at most 16 in a world)");
	assert_int_equal(run(w, "add A cart e3"), 0);
}

static void test_exec_heal(void **state)
{
	struct world *w = *state;
	char got[CMD_ERR_MAX];

	assert_int_equal(world_init_value(w, "balance", 500), 0);
	assert_int_equal(run(w, "invariant balance >= 0"), 0);
	assert_int_equal(w->ninvariants, 1);
	assert_int_equal(w->invariants[0].op, INV_GE);
	assert_int_equal(w->invariants[0].value, 0);
	assert_int_equal(run(w, "strategy crdt"), 0);
	assert_int_equal(w->strategy, STRAT_CRDT);
	assert_int_equal(run(w, "partition A B | C"), 0);
	assert_int_equal(run(w, "add A balance -400"), 0);
	assert_int_equal(run(w, "add C balance -400"), 0);
	world_run_until(w, 3000000);
	assert_int_equal(check(w, "expect A balance 100", got, sizeof got), 1);
	assert_int_equal(run(w, "heal lww"), 0);
	assert_int_equal(w->heal_strategy, STRAT_LWW);
	assert_int_equal(w->strategy, STRAT_LWW);  /* a heal's strategy becomes the cluster's */
	assert_true(w->links[0][2].up);
	assert_int_equal(run(w, "strategy crdt"), 0);
	assert_int_equal(run(w, "heal"), 0);
	assert_int_equal(w->heal_strategy, STRAT_CRDT);
	world_run_until(w, 10000000);
	assert_int_equal(check(w, "expect C balance -300", got, sizeof got), 1);
	assert_string_equal(got, "C balance is -300");
	assert_true(w->broken[2][0]);
	for (int i = 1; i < WORLD_MAX_INVARIANTS; i++)
		assert_int_equal(run(w, "invariant balance != 7"), 0);
	run_bad(w, "invariant balance<9", "invariant: too many invariants (at most 8)");
}

static void test_exec_resolve(void **state)
{
	struct world *w = *state;
	char got[CMD_ERR_MAX], err[CMD_ERR_MAX];
	struct command c;

	assert_int_equal(world_init_value(w, "balance", 500), 0);
	assert_int_equal(run(w, "strategy merge"), 0);
	assert_int_equal(run(w, "partition A B | C"), 0);
	assert_int_equal(run(w, "write A balance 300"), 0);
	assert_int_equal(run(w, "write C balance 200"), 0);
	assert_int_equal(run(w, "add C cart apple"), 0);
	world_run_until(w, 3000000);
	assert_int_equal(run(w, "restore all"), 0);
	world_run_until(w, 6000000);
	assert_int_equal(w->nodes[2].store.keys[0].nsib, 2);
	/* The world words the rest (the siblings, in its order). */
	assert_int_equal(cmd_parse("resolve C balance 7", 3, &c, err, sizeof err), 0);
	assert_int_equal(cmd_exec(w, &c, err, sizeof err), -1);
	assert_non_null(strstr(err, "resolve: 7 is not one of C's versions of balance ("));
	run_bad(w, "resolve C stock 1", "resolve: no key stock in this world");
	run_bad(w, "resolve C balance {apple}", "resolve: balance is a number (resolve C balance 300)");
	run_bad(w, "resolve C cart 1", "resolve: cart is a set (resolve C cart {apple, pear})");
	run_bad(w, "resolve C cart {kiwi}", "resolve: no version of cart holds kiwi");
	assert_int_equal(run(w, "resolve C balance 300"), 0);
	world_run_until(w, 9000000);
	assert_int_equal(check(w, "expect last ok", got, sizeof got), 1);
	assert_int_equal(check(w, "expect A balance 300", got, sizeof got), 1);
}

static void test_exec_refusals(void **state)
{
	struct world *w = *state;
	char key[32], err[CMD_ERR_MAX] = "";
	struct command c;
	int r = 0;

	for (int i = 0; i < STORE_MAX_KEYS + 1 && r == 0; i++) {
		snprintf(key, sizeof key, "write A k%d 1", i);
		assert_int_equal(cmd_parse(key, 3, &c, err, sizeof err), 0);
		r = cmd_exec(w, &c, err, sizeof err);
	}
	assert_int_equal(r, -1);
	assert_string_equal(err, "write: too many keys (at most 16)");
	/* A command parsed for a bigger world names a node this one lacks. */
	assert_int_equal(cmd_parse("crash G", 7, &c, err, sizeof err), 0);
	assert_int_equal(cmd_exec(w, &c, err, sizeof err), -1);
	assert_int_equal(cmd_parse("wait 1s", 3, &c, err, sizeof err), 0);
	assert_int_equal(cmd_exec(w, &c, err, sizeof err), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_links),
		cmocka_unit_test(test_partition),
		cmocka_unit_test(test_settings),
		cmocka_unit_test(test_ops),
		cmocka_unit_test(test_driver),
		cmocka_unit_test(test_is_world),
		cmocka_unit_test(test_words),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_data),
		cmocka_unit_test(test_invariant),
		cmocka_unit_test(test_data_errors),
		cmocka_unit_test(test_text_limits),
		cmocka_unit_test(test_robust),
		cmocka_unit_test_setup_teardown(test_exec_links, world_setup, world_teardown),
		cmocka_unit_test_setup_teardown(test_exec_ops, world_setup, world_teardown),
		cmocka_unit_test_setup_teardown(test_exec_refusals, world_setup, world_teardown),
		cmocka_unit_test_setup_teardown(test_exec_sets, world_setup, world_teardown),
		cmocka_unit_test(test_single_node),
		cmocka_unit_test_setup_teardown(test_exec_types, world_setup, world_teardown),
		cmocka_unit_test_setup_teardown(test_exec_heal, world_setup, world_teardown),
		cmocka_unit_test_setup_teardown(test_exec_resolve, world_setup, world_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
