/* test_leaderless_props.c: properties of the leaderless protocol over many
 * random runs (cuts, one-way cuts, heals, crashes, client writes and reads):
 * with R + W > N no read misses a write completed before it began (checked
 * from the history alone), and after
 * a final heal every replica holds the same version of every key. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "capviz/world.h"

#define PROP_SEEDS 250
#define PROP_STEPS 100
#define PROP_KEYS 2

static int pick(struct rng *r, int n)
{
	return (int)rng_below(r, (uint64_t)n);
}

/* One random change to the network or to a node, or a client request. */
static void random_action(struct world *w, struct rng *r, const int *keys)
{
	int a = pick(r, w->n), b = pick(r, w->n), roll = pick(r, 100);

	if (roll < 10)
		world_link_set(w, a, b, false);
	else if (roll < 14)
		world_cut(w, a, b);
	else if (roll < 22)
		world_link_set(w, a, b, true);
	else if (roll < 25)
		world_heal(w);
	else if (roll < 30)
		world_crash(w, a);
	else if (roll < 38)
		world_recover(w, a);
	else if (roll < 62)
		world_request(w, a, OP_WRITE, keys[pick(r, PROP_KEYS)], 1000 + roll, LEVEL_DEFAULT);
	else if (roll < 68)
		world_request(w, a, OP_ADD, keys[pick(r, PROP_KEYS)], 1, LEVEL_DEFAULT);
	else
		world_request(w, a, OP_READ, keys[pick(r, PROP_KEYS)], 0, LEVEL_DEFAULT);
}

/* Did the write a read saw complete before a write that completed before
 * the read began? Checked from the history alone, not from op->stale. */
static bool read_missed(const struct world *w, const struct op *rd)
{
	const struct write_rec *seen = rd->found ? history_write(&w->hist, rd->wid) : NULL;

	for (size_t i = 0; i < w->hist.nwrites; i++) {
		const struct write_rec *wr = &w->hist.writes[i];

		if (wr->key != rd->key || wr->result != RES_OK || wr->invoke_us < 0 || wr == seen)
			continue;
		if (wr->done_us >= rd->invoke_us)
			continue;
		/* An init value (op 0, before time) precedes every write; a heal's
		 * merged value (op 0 too) is an ordinary write done when it merged. */
		if (!seen || (seen->op == 0 && seen->invoke_us < 0) ||
		    (seen->result == RES_OK && seen->done_us < wr->invoke_us))
			return true;
	}
	return false;
}

/* How much the runs exercised, so a property cannot hold vacuously. */
struct prop_tally {
	size_t reads_ok;
	size_t writes_ok;
	size_t failed;
};

static void check_reads(const struct world *w, uint64_t seed, struct prop_tally *t)
{
	for (size_t i = 0; i < w->hist.nops; i++) {
		const struct op *op = &w->hist.ops[i];

		if (op->result != RES_OK) {
			t->failed++;
			continue;
		}
		if (op->kind != OP_READ) {
			t->writes_ok++;
			continue;
		}
		t->reads_ok++;
		/* R + W > N promises that a read sees every write completed
		 * before it began; not linearizability (a write still under way
		 * may be seen by one read and missed by a later one). */
		if (read_missed(w, op))
			fail_msg("seed %llu: read %llu at %c is stale", (unsigned long long)seed,
				 (unsigned long long)op->id, 'A' + op->node);
	}
}

static void check_converged(const struct world *w, const int *keys, uint64_t seed)
{
	for (int k = 0; k < PROP_KEYS; k++) {
		const struct version *first = store_get(&w->nodes[0].store, keys[k]);

		assert_non_null(first);
		for (int i = 1; i < w->n; i++) {
			const struct version *v = store_get(&w->nodes[i].store, keys[k]);

			if (!v || version_cmp(v, first) != 0 || v->value != first->value)
				fail_msg("seed %llu: %c and A disagree on key %d", (unsigned long long)seed,
					 'A' + i, keys[k]);
		}
	}
}

static void run_seed(uint64_t seed, struct prop_tally *t)
{
	struct world w;
	struct rng r;
	char err[WORLD_ERR_MAX];
	int keys[PROP_KEYS];
	int n = 3 + 2 * (int)(seed % 2);

	assert_int_equal(world_init(&w, n, seed, MODE_AP, err, sizeof err), 0);
	rng_seed(&r, seed * 7919 + 1);
	/* R + W > N either way. */
	world_set_level(&w, true, seed % 3 == 0 ? LEVEL_ONE : LEVEL_QUORUM);
	world_set_level(&w, false, seed % 3 == 0 ? LEVEL_ALL : LEVEL_QUORUM);
	/* Every strategy keeps R + W > N's promise and converges. */
	world_set_strategy(&w, (enum strategy)(seed / 2 % STRAT_COUNT));
	assert_int_equal(world_init_value(&w, "balance", 100), 0);
	assert_int_equal(world_init_value(&w, "stock", 7), 0);
	keys[0] = world_key(&w, "balance", false);
	keys[1] = world_key(&w, "stock", false);
	for (int s = 0; s < PROP_STEPS; s++) {
		random_action(&w, &r, keys);
		world_run_until(&w, w.now_us + pick(&r, 150000));
	}
	for (int i = 0; i < n; i++)
		world_recover(&w, i);
	world_heal_with(&w, (enum strategy)(seed / 6 % STRAT_COUNT));
	world_run_until(&w, w.now_us + 3000000);
	assert_false(w.oom);
	assert_int_equal(world_pending_ops(&w), 0);
	check_reads(&w, seed, t);
	check_converged(&w, keys, seed);
	world_free(&w);
}

static void test_reads_see_completed_writes_and_replicas_converge(void **state)
{
	struct prop_tally t = { 0, 0, 0 };

	(void)state;
	for (uint64_t seed = 1; seed <= PROP_SEEDS; seed++)
		run_seed(seed, &t);
	print_message("%zu reads and %zu writes ok, %zu failed\n", t.reads_ok, t.writes_ok, t.failed);
	assert_true(t.reads_ok > PROP_SEEDS * 5);
	assert_true(t.writes_ok > PROP_SEEDS * 5);
	assert_true(t.failed > PROP_SEEDS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reads_see_completed_writes_and_replicas_converge),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
