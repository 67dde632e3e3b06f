/* test_leader_props.c: the leader-based protocol's safety properties over
 * many random runs (cuts, one-way cuts, heals, crashes, recoveries, client
 * writes, adds and reads at random nodes): one leader per term, no acked
 * write lost or applied twice, no ok read stale or older than a write acked
 * before it began, and every replica the same after a final heal. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "capviz/world.h"

/* -DSEEDS=N for a longer soak. */
#ifndef SEEDS
#define SEEDS 1500
#endif
#define STEPS 150
#define MAX_TERMS 4096
#define NKEYS 2

struct watch {
	int leader_of[MAX_TERMS];       /* who led each term, -1: nobody seen */
	bool two_leaders;
	bool term_overflow;
	uint64_t bad_term;
};

static void watch_sink(void *ctx, const struct event *e)
{
	struct watch *wt = ctx;

	if (e->kind != EV_ROLE || e->role != ROLE_LEADER)
		return;
	if (e->term >= MAX_TERMS) {
		wt->term_overflow = true;
		return;
	}
	if (wt->leader_of[e->term] >= 0 && wt->leader_of[e->term] != e->node) {
		wt->two_leaders = true;
		wt->bad_term = e->term;
	}
	wt->leader_of[e->term] = e->node;
}

static int pick_node(struct rng *r, const struct world *w)
{
	return (int)rng_below(r, (uint64_t)w->n);
}

/* One random change to the network or the nodes; repairs are as likely as
 * damage, so that runs have stretches where a majority works. */
static void disturb(struct world *w, struct rng *r)
{
	int a = pick_node(r, w), b = pick_node(r, w);
	uint64_t dice = rng_below(r, 24);

	/* Cutting off or crashing the leader is what tests elections, read
	 * index and CheckQuorum most. */
	for (int i = 0; i < w->n && dice >= 20; i++)
		if (!w->nodes[i].crashed && w->nodes[i].ld.role == ROLE_LEADER)
			a = i;
	if (dice < 3)
		world_link_set(w, a, b, false);         /* one-way */
	else if (dice < 6)
		world_cut(w, a, b);
	else if (dice < 8 || dice == 20 || dice == 21)
		world_isolate(w, a);
	else if (dice < 11)
		world_restore(w, a, b);
	else if (dice < 13)
		world_restore_all(w);
	else if (dice < 15 || dice >= 22)
		world_crash(w, a);
	else if (dice < 18)
		world_recover(w, a);
	else
		world_heal(w);
}

static void client(struct world *w, struct rng *r, const int *keys, int64_t *next_value)
{
	int node = pick_node(r, w), key = keys[rng_below(r, NKEYS)];

	switch (rng_below(r, 3)) {
	case 0:
		world_request(w, node, OP_WRITE, key, ++*next_value, 0);
		break;
	case 1:
		world_request(w, node, OP_ADD, key, (int64_t)rng_below(r, 9) + 1, 0);
		break;
	default:
		world_request(w, node, OP_READ, key, 0, 0);
		break;
	}
}

static int final_leader(const struct world *w)
{
	for (int i = 0; i < w->n; i++)
		if (w->nodes[i].ld.role == ROLE_LEADER)
			return i;
	return -1;
}

/* Position of write wid in the leader's committed log (0: an init value or
 * never written), -1 when it is not there. */
static int64_t log_pos(const struct leader_node *ld, const struct history *h, uint64_t wid)
{
	const struct write_rec *wr = history_write(h, wid);

	if (!wr || wr->op == 0)
		return 0;
	for (uint64_t i = 0; i < ld->commit; i++)
		if (ld->log[i].op == wr->op)
			return (int64_t)i + 1;
	return -1;
}

/* Every acked write is committed once, with the value its client got. */
static void check_writes(const struct world *w, const struct leader_node *ld)
{
	for (size_t i = 0; i < w->hist.nops; i++) {
		const struct op *op = &w->hist.ops[i];
		int64_t pos;

		if (op->kind == OP_READ || op->result != RES_OK)
			continue;
		pos = log_pos(ld, &w->hist, op->wid);
		assert_true(pos > 0);
		assert_int_equal(ld->log[pos - 1].v.value, op->value);
		assert_int_equal(ld->log[pos - 1].v.wid, op->wid);
	}
	for (uint64_t i = 0; i < ld->log_len; i++)
		for (uint64_t j = i + 1; j < ld->log_len; j++)
			assert_true(ld->log[i].op == 0 || ld->log[i].op != ld->log[j].op);
}

/* Every ok read saw a committed write no older than the newest write of
 * its key acked before the read began. */
static void check_reads(const struct world *w, const struct leader_node *ld)
{
	for (size_t i = 0; i < w->hist.nops; i++) {
		const struct op *rd = &w->hist.ops[i];
		int64_t seen, newest = 0;

		if (rd->kind != OP_READ || rd->result != RES_OK)
			continue;
		assert_false(rd->stale);
		assert_true(rd->found);
		seen = log_pos(ld, &w->hist, rd->wid);
		assert_true(seen >= 0);
		for (size_t j = 0; j < w->hist.nops; j++) {
			const struct op *wr = &w->hist.ops[j];
			int64_t pos;

			if (wr->kind == OP_READ || wr->result != RES_OK || wr->key != rd->key ||
			    wr->done_us >= rd->invoke_us)
				continue;
			pos = log_pos(ld, &w->hist, wr->wid);
			if (pos > newest)
				newest = pos;
		}
		assert_true(seen >= newest);
	}
}

static void check_replicas(const struct world *w, int leader, const int *keys)
{
	const struct leader_node *ld = &w->nodes[leader].ld;

	for (int i = 0; i < w->n; i++) {
		assert_int_equal(w->nodes[i].ld.applied, ld->commit);
		for (int k = 0; k < NKEYS; k++) {
			const struct version *a = store_get(&w->nodes[i].store, keys[k]);
			const struct version *b = store_get(&w->nodes[leader].store, keys[k]);

			assert_int_equal(a->value, b->value);
			assert_int_equal(a->wid, b->wid);
		}
	}
}

static void run_seed(uint64_t seed, struct watch *wt)
{
	struct world w;
	struct rng r;
	char err[WORLD_ERR_MAX];
	int keys[NKEYS], leader;
	int64_t next_value = 1000;

	memset(wt, 0, sizeof *wt);
	for (int i = 0; i < MAX_TERMS; i++)
		wt->leader_of[i] = -1;
	assert_int_equal(world_init(&w, seed % 7 == 0 ? 7 : seed % 3 == 0 ? 5 : 3, seed, MODE_CP,
		err, sizeof err), 0);
	world_set_sink(&w, watch_sink, wt);
	if (seed % 4 == 1)
		world_set_loss(&w, -1, -1, 10);         /* retransmission paths too */
	assert_int_equal(world_init_value(&w, "x", 0), 0);
	assert_int_equal(world_init_value(&w, "y", 0), 0);
	keys[0] = world_key(&w, "x", false);
	keys[1] = world_key(&w, "y", false);
	rng_seed(&r, seed * 0x9e3779b97f4a7c15ull + 17);
	world_run_until(&w, (int64_t)rng_below(&r, 2000000));
	for (int s = 0; s < STEPS; s++) {
		if (rng_below(&r, 10) < 7)
			client(&w, &r, keys, &next_value);
		else
			disturb(&w, &r);
		/* Mostly short gaps, so requests overlap elections. */
		world_run_until(&w, w.now_us + (int64_t)rng_below(&r, rng_below(&r, 10) < 7 ? 100000 : 800000));
	}
	for (int i = 0; i < w.n; i++)
		world_recover(&w, i);
	world_set_loss(&w, -1, -1, 0);
	world_heal(&w);
	world_run_until(&w, w.now_us + 6000000);
	assert_false(wt->two_leaders);
	assert_false(wt->term_overflow);
	assert_int_equal(world_pending_ops(&w), 0);
	leader = final_leader(&w);
	assert_true(leader >= 0);
	check_writes(&w, &w.nodes[leader].ld);
	check_reads(&w, &w.nodes[leader].ld);
	check_replicas(&w, leader, keys);
	world_free(&w);
}

static void test_random_runs(void **state)
{
	struct watch wt;

	(void)state;
	for (uint64_t seed = 1; seed <= SEEDS; seed++) {
		/* cmocka names no seed when an assertion fails: ask for them. */
		if (getenv("LEADER_PROPS_VERBOSE"))
			print_message("seed %llu\n", (unsigned long long)seed);
		run_seed(seed, &wt);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_random_runs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
