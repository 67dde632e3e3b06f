/* test_locks.c: locks and elections (issue 5). ZooKeeper's recipe: a lock
 * queues its clients, passes to the next on unlock, is released when its
 * holder's session expires because the holder's server is cut off, and
 * every grant carries a higher fencing token; over 200 random seeds of
 * cuts, one-way cuts, heals and crashes, no two clients ever believe they
 * hold it (capviz's clients never pause, and check their lease before they
 * act), and tokens only grow. The same lock in an AP preset: both sides
 * of a partition grant it (a split brain) with equal tokens, and the heal
 * keeps one. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "capviz/cmd.h"
#include "capviz/world.h"
#include "world_helpers.h"

#ifndef SEEDS
#define SEEDS 200
#endif
#define STEPS 120
#define PATHS 2

static const struct op *run(struct world *w, const char *line)
{
	struct command c;
	char err[CMD_ERR_MAX];
	size_t before = w->hist.nops;

	if (cmd_parse(line, w->n, &c, err, sizeof err) < 0 || cmd_exec(w, &c, err, sizeof err) < 0)
		fail_msg("%s: %s", line, err);
	assert_int_equal(w->hist.nops, before + 1);
	run_for(w, 1000000);
	return &w->hist.ops[w->hist.nops - 1];
}

static int start(struct world *w, int n, uint64_t seed, enum preset p)
{
	char err[WORLD_ERR_MAX];

	assert_int_equal(world_init(w, n, seed, MODE_CP, err, sizeof err), 0);
	assert_int_equal(world_set_preset(w, p, err, sizeof err), 0);
	run_for(w, 1500000);
	return leader_now(w);
}

static int holders(struct world *w, const char *path, int *who)
{
	return world_lock_holders(w, world_key(w, path, false), who);
}

static void test_queue_and_tokens(void **state)
{
	struct world w;
	const struct op *op;
	int who[WORLD_MAX_NODES];

	(void)state;
	start(&w, 3, 1, PRESET_ZOOKEEPER);
	op = run(&w, "lock C /locks/resource_A");
	assert_int_equal(op->result, RES_OK);
	assert_int_equal(op->lock_outcome, LOCK_GRANTED);
	assert_int_equal(op->token, 1);
	assert_true(op->session != 0);
	op = run(&w, "lock A /locks/resource_A");
	assert_int_equal(op->lock_outcome, LOCK_QUEUED);
	assert_int_equal(op->holder, 2);
	assert_int_equal(op->token, 2);
	assert_int_equal(holders(&w, "/locks/resource_A", who), 1);
	assert_int_equal(who[0], 2);
	/* Asking again changes nothing: the same place, the same token. */
	op = run(&w, "lock C /locks/resource_A");
	assert_int_equal(op->lock_outcome, LOCK_GRANTED);
	assert_int_equal(op->token, 1);
	op = run(&w, "unlock B /locks/resource_A");
	assert_int_equal(op->result, RES_ERROR);
	assert_int_equal(op->lock_outcome, LOCK_NOT_HELD);
	op = run(&w, "unlock C /locks/resource_A");
	assert_int_equal(op->lock_outcome, LOCK_RELEASED);
	assert_int_equal(holders(&w, "/locks/resource_A", who), 1);
	assert_int_equal(who[0], 0);
	op = run(&w, "lock C /locks/resource_A");
	assert_int_equal(op->lock_outcome, LOCK_QUEUED);
	assert_int_equal(op->token, 3);
	/* An election is the same recipe. */
	op = run(&w, "elect B /elections/master");
	assert_int_equal(op->lock_outcome, LOCK_GRANTED);
	op = run(&w, "elect A /elections/master");
	assert_int_equal(op->lock_outcome, LOCK_QUEUED);
	world_free(&w);
}

/* The holder's server is cut off: its client stops believing before the
 * leader expires the session, then the next in line holds, with a higher
 * token. Never two at once. */
static void test_session_expiry(void **state)
{
	for (uint64_t seed = 1; seed <= 10; seed++) {
		struct world w;
		int leader = start(&w, 3, seed, PRESET_ZOOKEEPER);
		int holder = (leader + 1) % 3, next = (leader + 2) % 3, who[WORLD_MAX_NODES];
		char line[64];
		uint32_t token = 0, t2 = 0;
		bool seen_gap = false, seen_next = false;

		(void)state;
		snprintf(line, sizeof line, "lock %c /locks/r", 'A' + holder);
		assert_int_equal(run(&w, line)->lock_outcome, LOCK_GRANTED);
		snprintf(line, sizeof line, "lock %c /locks/r", 'A' + next);
		assert_int_equal(run(&w, line)->lock_outcome, LOCK_QUEUED);
		assert_true(world_lock_held(&w, holder, 0, &token));
		world_isolate(&w, holder);
		for (int ms = 0; ms < 4000; ms += 5) {
			int n;

			run_for(&w, 5000);
			n = world_lock_holders(&w, 0, who);
			assert_true(n <= 1);
			if (n == 0)
				seen_gap = true;
			if (n == 1 && who[0] == next) {
				assert_true(seen_gap);
				assert_true(world_lock_held(&w, next, 0, &t2));
				assert_true(t2 > token);
				seen_next = true;
			}
		}
		assert_true(seen_next);
		assert_false(world_lock_held(&w, holder, 0, NULL));
		world_free(&w);
	}
}

/* A server without a leader refuses locks like everything else; DynamoDB
 * and strict mode have no lock service. */
static void test_refusals(void **state)
{
	struct world w;
	struct command c;
	char err[CMD_ERR_MAX];
	const struct op *op;
	int leader = start(&w, 3, 2, PRESET_ZOOKEEPER);

	(void)state;
	world_isolate(&w, (leader + 1) % 3);
	run_for(&w, 1000000);
	snprintf(err, sizeof err, "lock %c /locks/r", 'A' + (leader + 1) % 3);
	op = run(&w, err);
	assert_int_equal(op->result, RES_ERROR);
	assert_non_null(strstr(op->error, "connection loss"));
	assert_int_equal(world_set_preset(&w, PRESET_DYNAMODB, err, sizeof err), 0);
	assert_int_equal(cmd_parse("lock A /locks/r", 3, &c, err, sizeof err), 0);
	assert_int_equal(cmd_exec(&w, &c, err, sizeof err), -1);
	assert_non_null(strstr(err, "DynamoDB has no lock service"));
	world_set_mode(&w, MODE_STRICT);
	assert_int_equal(cmd_exec(&w, &c, err, sizeof err), -1);
	assert_non_null(strstr(err, "strict mode has no lock service"));
	assert_int_equal(cmd_parse("elect A /locks/r", 3, &c, err, sizeof err), 0);
	world_set_mode(&w, MODE_CP);
	assert_int_equal(cmd_exec(&w, &c, err, sizeof err), -1);
	assert_string_equal(err, "elect: /locks/r is a lock (lock A /locks/r)");
	world_free(&w);
}

/* The AP lock: each side grants it, with the same token; the heal keeps
 * one holder, and the other learns it lost the lock. */
static void test_ap_split_brain(void **state)
{
	struct world w;
	const struct op *op;
	int who[WORLD_MAX_NODES];
	uint32_t ta = 0, tc = 0;

	(void)state;
	start(&w, 3, 1, PRESET_CASSANDRA_ONE);
	world_isolate(&w, 2);
	op = run(&w, "lock A /locks/resource_A");
	assert_int_equal(op->lock_outcome, LOCK_GRANTED);
	op = run(&w, "lock C /locks/resource_A");
	assert_int_equal(op->lock_outcome, LOCK_GRANTED);
	op = run(&w, "lock B /locks/resource_A");       /* B's side knows A has it */
	assert_int_equal(op->result, RES_ERROR);
	assert_int_equal(op->lock_outcome, LOCK_BUSY);
	assert_int_equal(holders(&w, "/locks/resource_A", who), 2);
	assert_true(world_lock_held(&w, 0, 0, &ta));
	assert_true(world_lock_held(&w, 2, 0, &tc));
	assert_int_equal(ta, tc);
	world_heal(&w);
	run_for(&w, 2000000);
	assert_int_equal(holders(&w, "/locks/resource_A", who), 1);
	world_free(&w);
}

/* --- the property --- */

struct watch {
	struct world *w;
	int keys[PATHS];
	int last_holder[PATHS];
	uint32_t last_token[PATHS];
	bool two;
	bool backwards;
	uint64_t grants;        /* holder changes seen */
};

static void watch_sink(void *ctx, const struct event *e)
{
	struct watch *wt = ctx;
	int who[WORLD_MAX_NODES];

	(void)e;
	for (int p = 0; p < PATHS; p++) {
		uint32_t token = 0;
		int n = world_lock_holders(wt->w, wt->keys[p], who);

		if (n > 1)
			wt->two = true;
		if (n != 1)
			continue;
		world_lock_held(wt->w, who[0], wt->keys[p], &token);
		if (who[0] == wt->last_holder[p] && token == wt->last_token[p])
			continue;
		if (token <= wt->last_token[p])
			wt->backwards = true;
		wt->last_holder[p] = who[0];
		wt->last_token[p] = token;
		wt->grants++;
	}
}

static void client(struct world *w, struct rng *r)
{
	static const char *const paths[PATHS] = { "/locks/resource_A", "/elections/master" };
	int p = (int)rng_below(r, PATHS);
	const char *verb = rng_below(r, 3) == 0 ? "unlock" : p == 0 ? "lock" : "elect";
	struct command c;
	char line[64], err[CMD_ERR_MAX];

	snprintf(line, sizeof line, "%s %c %s", verb, 'A' + (int)rng_below(r, (uint64_t)w->n), paths[p]);
	if (cmd_parse(line, w->n, &c, err, sizeof err) == 0)
		cmd_exec(w, &c, err, sizeof err);
}

static void test_never_two_holders(void **state)
{
	uint64_t grants = 0;

	(void)state;
	for (uint64_t seed = 1; seed <= SEEDS; seed++) {
		struct world w;
		struct watch wt;
		struct rng r;

		memset(&wt, 0, sizeof wt);
		start(&w, seed % 2 ? 3 : seed % 7 ? 5 : 7, seed, PRESET_ZOOKEEPER);
		wt.w = &w;
		if (seed % 5 == 0)
			world_set_loss(&w, -1, -1, 10);         /* retransmissions too */
		/* Both paths exist from the start, so the watch can name them. */
		rng_seed(&r, seed * 0x9e3779b97f4a7c15ull + 5);
		assert_true(world_key_typed(&w, "/locks/resource_A", KT_LOCK) >= 0);
		assert_true(world_key_typed(&w, "/elections/master", KT_ELECTION) >= 0);
		wt.keys[0] = world_key(&w, "/locks/resource_A", false);
		wt.keys[1] = world_key(&w, "/elections/master", false);
		for (int p = 0; p < PATHS; p++)
			wt.last_holder[p] = -1;
		world_set_sink(&w, watch_sink, &wt);
		for (int s = 0; s < STEPS; s++) {
			if (rng_below(&r, 10) < 6)
				client(&w, &r);
			else
				disturb_randomly(&w, &r);
			run_for(&w, (int64_t)rng_below(&r, rng_below(&r, 4) ? 300000 : 2500000));
		}
		for (int i = 0; i < w.n; i++)
			world_recover(&w, i);
		world_set_loss(&w, -1, -1, 0);
		world_heal(&w);
		run_for(&w, 5000000);
		if (wt.two || wt.backwards)
			fail_msg("seed %llu: %s", (unsigned long long)seed,
				 wt.two ? "two clients held a lock at once" : "a fencing token went backwards");
		assert_false(w.oom);
		grants += wt.grants;
		world_free(&w);
	}
	print_message("%llu changes of holder over %d runs\n", (unsigned long long)grants, SEEDS);
	assert_true(grants > SEEDS * 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_queue_and_tokens),
		cmocka_unit_test(test_session_expiry),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_ap_split_brain),
		cmocka_unit_test(test_never_two_holders),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
