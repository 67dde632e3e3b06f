/* test_cmd_systems.c: the commands of the real systems (issue 5): read
 * options (local, sync, eventual, strong) and conditional writes (txn),
 * parsed and carried out, and what each says when it does not fit. */
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

/* Parses and runs line on w; returns what cmd_exec returned, err its words. */
static int run(struct world *w, const char *line, char *err, size_t errlen)
{
	struct command c;

	if (cmd_parse(line, w->n, &c, err, errlen) < 0)
		return -2;
	return cmd_exec(w, &c, err, errlen);
}

static void test_read_options(void **state)
{
	(void)state;
	assert_int_equal(ok("read C balance sync", 3).level, LEVEL_SYNC);
	assert_int_equal(ok("read C balance LOCAL", 3).level, LEVEL_LOCAL);
	assert_int_equal(ok("read C balance eventual", 3).level, LEVEL_EVENTUAL);
	assert_int_equal(ok("read C balance Strong", 3).level, LEVEL_STRONG);
	assert_int_equal(ok("level read strong", 3).level, LEVEL_STRONG);
	/* SERIAL is what a txn shows, not a level anyone asks for. */
	bad("read C balance serial", 3, "read: unexpected 'serial' after the key (expected ONE, QUORUM or ALL; "
	    "or local, sync, eventual, strong)");
	bad("add A balance -5 sync", 3, "add: 'sync' is a read option; a write takes ONE, QUORUM or ALL");
}

/* Each system's own read options; a level named on a cp read is the
 * leader's linearizable read; a refusal names the request's own word. */
static void test_read_option_fits(void **state)
{
	struct world w;
	char err[CMD_ERR_MAX];

	(void)state;
	assert_int_equal(world_init(&w, 3, 1, MODE_CP, err, sizeof err), 0);
	assert_int_equal(world_init_value(&w, "balance", 100), 0);
	assert_int_equal(run(&w, "level read local", err, sizeof err), 0);
	assert_int_equal(run(&w, "read A balance QUORUM", err, sizeof err), 0);
	assert_int_equal(w.hist.ops[w.hist.nops - 1].level, LEVEL_QUORUM);
	assert_int_equal(run(&w, "read A balance", err, sizeof err), 0);
	assert_int_equal(w.hist.ops[w.hist.nops - 1].level, LEVEL_LOCAL);
	assert_int_equal(run(&w, "preset dynamodb", err, sizeof err), 0);
	assert_int_equal(run(&w, "read A balance local", err, sizeof err), -1);
	assert_string_equal(err, "read: 'local' is a ZooKeeper read (preset zookeeper); dynamodb reads are eventual "
			    "or strong");
	assert_int_equal(run(&w, "level read sync", err, sizeof err), -1);
	assert_string_equal(err, "level: dynamodb reads are eventual or strong, not 'sync'");
	assert_int_equal(run(&w, "add A balance 5 ONE", err, sizeof err), -1);
	assert_string_equal(err, "add: ONE is a Cassandra level; dynamodb writes through the leader, to a majority");
	assert_int_equal(run(&w, "preset zookeeper", err, sizeof err), 0);
	assert_int_equal(run(&w, "read A balance strong", err, sizeof err), -1);
	assert_string_equal(err, "read: 'strong' is a DynamoDB read (preset dynamodb); zookeeper reads are local or "
			    "sync");
	world_free(&w);
}

static void test_txn_parse(void **state)
{
	struct command c;

	(void)state;
	c = ok("txn A balance -100 if balance>=100", 3);
	assert_int_equal(c.kind, CMD_TXN);
	assert_int_equal(c.a, 0);
	assert_string_equal(c.key, "balance");
	assert_true(c.is_delta);
	assert_int_equal(c.value, -100);
	assert_int_equal(c.inv, INV_GE);
	assert_int_equal(c.cond_value, 100);
	c = ok("TXN c balance +50 IF balance < 1000", 3);
	assert_int_equal(c.a, 2);
	assert_true(c.is_delta);
	assert_int_equal(c.value, 50);
	assert_int_equal(c.inv, INV_LT);
	c = ok("txn B balance 500 if balance==100", 3);
	assert_false(c.is_delta);
	assert_int_equal(c.value, 500);
	assert_int_equal(c.inv, INV_EQ);
	bad("txn", 3, "txn: expected a node, a key, a change and a condition (txn A balance -100 if balance>=100, "
	    "or txn A balance 500 if balance==100)");
	bad("txn A balance -100", 3, "txn: expected 'if' and a condition after the value "
	    "(txn A balance -100 if balance>=100)");
	bad("txn A balance -100 when balance>=100", 3, "txn: expected 'if' after the value, got 'when' "
	    "(txn A balance -100 if balance>=100)");
	bad("txn A balance -100 if stock>=1", 3, "txn: the condition must be on balance, the key the "
	    "transaction writes (if balance>=100)");
	bad("txn A balance -100 if balance", 3, "txn: expected a comparison (>=, >, <=, <, == or !=) after "
	    "balance (txn A balance -100 if balance>=0)");
	bad("txn A balance -100 if balance>=", 3, "txn: expected a number after balance>= "
	    "(txn A balance -100 if balance>=0)");
	bad("txn A balance -100 if balance>=100 QUORUM", 3, "txn: unexpected 'QUORUM' after the condition");
	bad("txn A balance lots if balance>=1", 3, "txn: expected a number, got 'lots'");
}

static void test_txn_exec(void **state)
{
	struct world w;
	char err[CMD_ERR_MAX];

	(void)state;
	assert_int_equal(world_init(&w, 3, 1, MODE_STRICT, err, sizeof err), 0);
	assert_int_equal(world_init_value(&w, "balance", 100), 0);
	assert_int_equal(run(&w, "txn A balance -100 if balance>=100", err, sizeof err), -1);
	assert_string_equal(err, "txn: strict mode has no conditional writes; a txn runs in cp mode (the leader "
			    "decides it in log order) or ap mode (a Paxos round, as Cassandra's lightweight transactions)");
	assert_int_equal(w.hist.nops, 0);
	assert_int_equal(run(&w, "mode ap", err, sizeof err), 0);
	assert_int_equal(run(&w, "add A cart apple", err, sizeof err), 0);
	assert_int_equal(run(&w, "txn A cart -1 if cart>=1", err, sizeof err), -1);
	assert_string_equal(err, "txn: cart is a set (a txn's condition compares a number)");
	/* Carried out: the op remembers its condition and runs at SERIAL. */
	assert_int_equal(run(&w, "txn B balance -100 if balance>=100", err, sizeof err), 0);
	assert_true(w.hist.ops[w.hist.nops - 1].txn);
	assert_int_equal(w.hist.ops[w.hist.nops - 1].level, LEVEL_SERIAL);
	assert_int_equal(w.hist.ops[w.hist.nops - 1].cond_value, 100);
	world_run_until(&w, w.now_us + 2000000);
	assert_int_equal(w.hist.ops[w.hist.nops - 1].result, RES_OK);
	assert_int_equal(w.hist.ops[w.hist.nops - 1].value, 0);
	/* The second finds 0: refused, with no effect. */
	assert_int_equal(run(&w, "txn C balance -100 if balance>=100", err, sizeof err), 0);
	world_run_until(&w, w.now_us + 2000000);
	assert_int_equal(w.hist.ops[w.hist.nops - 1].result, RES_ERROR);
	assert_true(w.hist.ops[w.hist.nops - 1].cond_failed);
	assert_string_equal(w.hist.ops[w.hist.nops - 1].error,
			    "condition failed: balance is 0, needs balance>=100");
	world_free(&w);
}

/* The leader decides a txn where it applies it; a follower's client hears
 * the refusal through the leader. */
static void test_txn_leader(void **state)
{
	struct world w;
	char err[CMD_ERR_MAX];
	const struct op *op;

	(void)state;
	assert_int_equal(world_init(&w, 3, 4, MODE_CP, err, sizeof err), 0);
	assert_int_equal(world_set_preset(&w, PRESET_DYNAMODB, err, sizeof err), 0);
	assert_int_equal(world_init_value(&w, "balance", 150), 0);
	world_run_until(&w, 2000000);
	for (int i = 0; i < 3; i++) {
		char line[64];

		snprintf(line, sizeof line, "txn %c balance -100 if balance>=100", 'A' + i);
		assert_int_equal(run(&w, line, err, sizeof err), 0);
		world_run_until(&w, w.now_us + 1500000);
		op = &w.hist.ops[w.hist.nops - 1];
		if (i == 0) {
			assert_int_equal(op->result, RES_OK);
			assert_int_equal(op->value, 50);
		} else {
			assert_int_equal(op->result, RES_ERROR);
			assert_true(op->cond_failed);
			assert_string_equal(op->error, "condition failed: balance is 50, needs balance>=100");
		}
	}
	/* A set with a condition: compare-and-set. */
	assert_int_equal(run(&w, "txn B balance 700 if balance==50", err, sizeof err), 0);
	world_run_until(&w, w.now_us + 1500000);
	assert_int_equal(w.hist.ops[w.hist.nops - 1].result, RES_OK);
	for (int i = 0; i < 3; i++) {
		int64_t v;

		assert_true(world_value(&w, i, 0, &v));
		assert_int_equal(v, 700);
	}
	world_free(&w);
}

static void test_lock_parse(void **state)
{
	struct command c;

	(void)state;
	c = ok("lock A /locks/resource_A", 3);
	assert_int_equal(c.kind, CMD_LOCK);
	assert_int_equal(c.a, 0);
	assert_string_equal(c.key, "/locks/resource_A");
	assert_int_equal(ok("UNLOCK c /locks/resource_A", 3).kind, CMD_UNLOCK);
	c = ok("elect B /elections/master", 3);
	assert_int_equal(c.kind, CMD_ELECT);
	assert_int_equal(c.a, 1);
	bad("lock", 3, "lock: expected a node and a path (lock A /locks/resource_A)");
	bad("elect A", 3, "elect: expected a node and a path (elect A /elections/master)");
	bad("lock A locks", 3, "lock: bad path 'locks' (a '/' then letters, digits, '_', '.', '-' and single '/', "
	    "at most 23 characters, e.g. /locks/resource_A)");
	bad("lock A /locks//a", 3, "lock: bad path '/locks//a' (a '/' then letters, digits, '_', '.', '-' and single '/', "
	    "at most 23 characters, e.g. /locks/resource_A)");
	bad("lock A /locks/", 3, "lock: bad path '/locks/' (a '/' then letters, digits, '_', '.', '-' and single '/', "
	    "at most 23 characters, e.g. /locks/resource_A)");
	bad("lock A /locks/r B", 3, "lock: unexpected 'B' after the path");
	c = ok("expect holder /locks/r A C", 3);
	assert_int_equal(c.expect, EXPECT_HOLDER);
	assert_int_equal(c.group[0], 1);
	assert_int_equal(c.group[1], -1);
	assert_int_equal(c.group[2], 1);
	c = ok("expect holder /locks/r none", 3);
	assert_int_equal(c.group[0], -1);
	bad("expect holder /locks/r", 3, "expect: expected a path and the nodes whose clients hold it, or none "
	    "(expect holder /locks/resource_A A)");
	bad("expect holder /locks/r A A", 3, "expect: node A is listed twice");
}

static void test_expect_counts(void **state)
{
	struct command c;

	(void)state;
	c = ok("expect stale 0", 3);
	assert_int_equal(c.expect, EXPECT_COUNT);
	assert_int_equal(c.outcome, OUTCOME_STALE);
	assert_int_equal(c.value, 0);
	c = ok("EXPECT LOST 2", 3);
	assert_int_equal(c.outcome, OUTCOME_LOST);
	assert_int_equal(c.value, 2);
	bad("expect stale", 3, "expect: expected how many (expect stale 0)");
	bad("expect lost -1", 3, "expect: a count is 0 or more");
	bad("expect stale 1 2", 3, "expect: unexpected '2' after the count");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read_options),
		cmocka_unit_test(test_read_option_fits),
		cmocka_unit_test(test_txn_parse),
		cmocka_unit_test(test_txn_exec),
		cmocka_unit_test(test_txn_leader),
		cmocka_unit_test(test_lock_parse),
		cmocka_unit_test(test_expect_counts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
