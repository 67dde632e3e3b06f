/* test_lincheck.c: the linearizability checker on hand-made histories (a
 * linearizable one, a stale read, a read overlapping a write, a failed write
 * that took effect and one that did not, a read of a write still under way
 * followed by one that misses it, a lost update, an update built on an
 * outdated version), and on thousands of random small histories whose
 * verdict is found by trying every order. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "capviz/checker.h"
#include "capviz/history.h"
#include "capviz/rng.h"

#define INF (-1)                /* a write that never returned */
#define MAXOPS 7

/* One operation of a made-up history: a read of version `reads`, a blind
 * write, or a read-modify-write of `reads` (writes get versions 2, 3, ...
 * in the order given; version 1 is the first value, 0 "never written"). */
struct hop {
	char kind;              /* 'r', 'w', 'm' */
	int64_t inv, ret;       /* ret INF: never returned (writes only) */
	int reads;
};

struct run {
	struct history h;
	struct checker c;
	uint64_t op_of[MAXOPS];         /* each hop's operation */
	uint64_t wid_of[MAXOPS];        /* each writing hop's version */
	bool flagged[MAXOPS];
};

/* Builds the history of hops and checks it as the world would: operations
 * finish in order of their return; a write that never returned never
 * finishes. Returns how many were flagged. */
static int check(const struct hop *hops, int n, struct run *run, bool first_value)
{
	int order[MAXOPS], nflag = 0;
	uint64_t next_wid = 2;

	memset(run, 0, sizeof *run);
	history_init(&run->h);
	assert_int_equal(checker_init(&run->c), 0);
	/* By write id, as the orders below are tried (the search by value
	 * takes an unconfirmed add for an add, and is held to account by
	 * test_checker_exact.c). */
	run->c.by_version = true;
	if (first_value) {
		struct write_rec *init = history_add_write(&run->h);

		init->key = 0;
		init->value = 1;
		init->invoke_us = init->done_us = -1;
		init->invoke_at = init->done_at = -1;
		init->result = RES_OK;
		assert_int_equal(checker_first(&run->c, &run->h, init->wid), 0);
	}
	for (int i = 0; i < n; i++) {
		struct op *op = history_add_op(&run->h);

		op->key = 0;
		op->invoke_us = op->invoke_at = hops[i].inv;
		op->done_us = -1;
		op->result = RES_PENDING;
		op->kind = hops[i].kind == 'r' ? OP_READ : hops[i].kind == 'w' ? OP_WRITE : OP_ADD;
		run->op_of[i] = op->id;
		if (hops[i].kind != 'r') {
			struct write_rec *wr = history_add_write(&run->h);

			assert_int_equal(wr->wid, next_wid);
			next_wid++;
			wr->op = op->id;
			wr->key = 0;
			wr->invoke_us = wr->invoke_at = hops[i].inv;
			wr->value = (int64_t)wr->wid;
			wr->result = RES_PENDING;
			op->wid = wr->wid;
			run->wid_of[i] = wr->wid;
			/* A write writes its version id; an add's result is its own
			 * version id: base + arg. */
			op->arg = hops[i].kind == 'w' ? (int64_t)wr->wid : (int64_t)wr->wid - hops[i].reads;
			if (hops[i].kind == 'm')
				history_write_base(&run->h, wr->wid, (uint64_t)hops[i].reads);
		}
		assert_int_equal(checker_invoked(&run->c, &run->h, op), 0);
	}
	for (int i = 0; i < n; i++)
		order[i] = i;
	for (int i = 1; i < n; i++)     /* by return, the earlier first */
		for (int j = i; j > 0 && hops[order[j]].ret != INF &&
		     (hops[order[j - 1]].ret == INF || hops[order[j - 1]].ret > hops[order[j]].ret); j--) {
			int t = order[j];

			order[j] = order[j - 1];
			order[j - 1] = t;
		}
	for (int k = 0; k < n; k++) {
		int i = order[k];
		struct op *op = history_op(&run->h, run->op_of[i]);
		struct write_rec *wr = op->kind != OP_READ ? history_write(&run->h, op->wid) : NULL;

		if (hops[i].ret == INF) {
			if (wr)
				wr->result = RES_UNKNOWN;      /* it may still take effect */
			continue;
		}
		op->done_us = op->done_at = hops[i].ret;
		op->result = RES_OK;
		if (wr) {
			wr->result = RES_OK;
			wr->done_us = wr->done_at = hops[i].ret;
		} else {
			op->found = hops[i].reads != 0;
			op->wid = (uint64_t)hops[i].reads;
			op->value = hops[i].reads;
		}
		assert_true(checker_finished(&run->c, NULL, &run->h, op, NULL, 0) >= 0);
		run->flagged[i] = op->stale;
		nflag += op->stale;
	}
	return nflag;
}

static int check_free(const struct hop *hops, int n, bool first_value)
{
	struct run run;
	int flagged = check(hops, n, &run, first_value);

	history_free(&run.h);
	checker_free(&run.c);
	return flagged;
}

static void test_linearizable(void **state)
{
	static const struct hop hops[] = {
		{ 'w', 0, 10, 0 }, { 'r', 20, 30, 2 }, { 'w', 40, 50, 0 }, { 'r', 45, 60, 3 }, { 'm', 70, 80, 3 },
		{ 'r', 90, 95, 4 },
	};

	(void)state;
	assert_int_equal(check_free(hops, 6, true), 0);
}

/* The seed's stale read: v2 was written before the read of v1 began. */
static void test_stale_read(void **state)
{
	static const struct hop hops[] = { { 'w', 10, 20, 0 }, { 'r', 30, 40, 1 } };
	struct run run;

	(void)state;
	assert_int_equal(check(hops, 2, &run, true), 1);
	assert_true(run.flagged[1]);
	assert_int_equal(history_op(&run.h, run.op_of[1])->flaw, FLAW_STALE);
	assert_int_equal(history_op(&run.h, run.op_of[1])->missed_wid, 2);
	history_free(&run.h);
	checker_free(&run.c);
}

/* A read overlapping the write may see either side; touching ends are
 * concurrent too. */
static void test_overlap(void **state)
{
	static const struct hop a[] = { { 'w', 10, 20, 0 }, { 'r', 15, 25, 1 } };
	static const struct hop b[] = { { 'w', 10, 20, 0 }, { 'r', 20, 25, 1 } };
	static const struct hop c[] = { { 'w', 10, 20, 0 }, { 'r', 5, 12, 2 } };

	(void)state;
	assert_int_equal(check_free(a, 2, true), 0);
	assert_int_equal(check_free(b, 2, true), 0);
	assert_int_equal(check_free(c, 2, true), 0);
}

/* A write that failed took effect when something read it, and from then
 * on it is in order like any other; one nobody read may never have
 * happened. */
static void test_indeterminate(void **state)
{
	/* It took effect by t=35 (read at 30..35): after that, the write of
	 * #3 (40..50) replaced it; a read from 60 of #2 is stale. */
	static const struct hop took[] = { { 'w', 10, INF, 0 }, { 'r', 30, 35, 2 }, { 'w', 40, 50, 0 },
					   { 'r', 60, 70, 2 } };
	/* Read late, it may have taken effect late: after #3. */
	static const struct hop late[] = { { 'w', 10, INF, 0 }, { 'w', 40, 50, 0 }, { 'r', 60, 70, 2 } };
	/* Never read: the read of #1 after it is fine. */
	static const struct hop never[] = { { 'w', 10, INF, 0 }, { 'r', 60, 70, 1 } };
	struct run run;

	(void)state;
	assert_int_equal(check(took, 4, &run, true), 1);
	assert_true(run.flagged[3]);
	history_free(&run.h);
	checker_free(&run.c);
	assert_int_equal(check_free(late, 3, true), 0);
	assert_int_equal(check_free(never, 2, true), 0);
}

/* A read sees v2 while its write is under way; a later read misses it. */
static void test_new_then_old(void **state)
{
	static const struct hop hops[] = { { 'w', 10, 100, 0 }, { 'r', 20, 30, 2 }, { 'r', 40, 50, 1 } };
	struct run run;

	(void)state;
	assert_int_equal(check(hops, 3, &run, true), 1);
	assert_true(run.flagged[2]);
	assert_int_equal(history_op(&run.h, run.op_of[2])->witness_op, run.op_of[1]);
	history_free(&run.h);
	checker_free(&run.c);
}

/* Two withdrawals at once from the same balance: one of them is lost. The
 * same two one after the other: the second built on a replaced version. */
static void test_lost_update(void **state)
{
	static const struct hop overlap[] = { { 'm', 10, 30, 1 }, { 'm', 20, 40, 1 } };
	static const struct hop after[] = { { 'm', 10, 20, 1 }, { 'm', 30, 40, 1 } };
	struct run run;

	(void)state;
	assert_int_equal(check(overlap, 2, &run, true), 1);
	assert_true(run.flagged[1]);
	assert_int_equal(history_op(&run.h, run.op_of[1])->flaw, FLAW_LOST_UPDATE);
	history_free(&run.h);
	checker_free(&run.c);
	assert_int_equal(check(after, 2, &run, true), 1);
	assert_true(run.flagged[1]);
	assert_int_equal(history_op(&run.h, run.op_of[1])->flaw, FLAW_STALE_BASE);
	history_free(&run.h);
	checker_free(&run.c);
}

/* An add built on the first value after v2 had replaced it. */
static void test_stale_base(void **state)
{
	static const struct hop hops[] = { { 'w', 10, 20, 0 }, { 'm', 30, 40, 1 } };
	struct run run;

	(void)state;
	assert_int_equal(check(hops, 2, &run, true), 1);
	assert_int_equal(history_op(&run.h, run.op_of[1])->flaw, FLAW_STALE_BASE);
	history_free(&run.h);
	checker_free(&run.c);
}

/* Two writes of the same value: a read of the older one after the newer
 * completed is fine by value (no client can tell them apart), stale by
 * version when the history is judged by write ids. */
static int same_value_read(bool by_version)
{
	struct history h;
	struct checker c;
	struct write_rec *init, *wr;
	struct op *w1, *w2, *r;
	int flagged;

	history_init(&h);
	assert_int_equal(checker_init(&c), 0);
	c.by_version = by_version;
	init = history_add_write(&h);
	init->key = 0;
	init->value = 100;
	init->invoke_us = init->done_us = init->invoke_at = init->done_at = -1;
	init->result = RES_OK;
	assert_int_equal(checker_first(&c, &h, init->wid), 0);
	for (int i = 0; i < 2; i++) {
		struct op *op = history_add_op(&h);

		op->key = 0;
		op->kind = OP_WRITE;
		op->arg = op->value = 500;
		op->invoke_us = op->invoke_at = 10 + 20 * i;
		op->done_us = op->done_at = op->invoke_us + 10;
		wr = history_add_write(&h);
		wr->op = op->id;
		wr->key = 0;
		wr->value = 500;
		wr->invoke_us = wr->invoke_at = op->invoke_us;
		wr->done_us = wr->done_at = op->done_us;
		op->wid = wr->wid;
		assert_int_equal(checker_invoked(&c, &h, op), 0);
		op->result = wr->result = RES_OK;
		assert_true(checker_finished(&c, NULL, &h, op, NULL, 0) >= 0);
	}
	w1 = history_op(&h, 1);
	w2 = history_op(&h, 2);
	assert_false(w1->stale || w2->stale);
	r = history_add_op(&h);
	r->key = 0;
	r->kind = OP_READ;
	r->invoke_us = r->invoke_at = 50;
	r->done_us = r->done_at = 60;
	assert_int_equal(checker_invoked(&c, &h, r), 0);
	r->result = RES_OK;
	r->found = true;
	r->wid = w1->wid;       /* the older write of 500 */
	r->value = 500;
	assert_true(checker_finished(&c, NULL, &h, r, NULL, 0) >= 0);
	flagged = r->stale;
	history_free(&h);
	checker_free(&c);
	return flagged;
}

static void test_same_value(void **state)
{
	(void)state;
	assert_false(same_value_read(false));
	assert_true(same_value_read(true));
}

/* "Never written" after the first value is in place is stale. */
static void test_nil(void **state)
{
	static const struct hop hops[] = { { 'r', 10, 20, 0 } };

	(void)state;
	assert_int_equal(check_free(hops, 1, true), 1);
	assert_int_equal(check_free(hops, 1, false), 0);
}

/* --- every order, for the random histories --- */

static int version_of[MAXOPS];

/* Checks a complete order: each read (and read-modify-write) sees what
 * the writes before it left. */
static bool order_ok(const struct hop *h, const int *seq, int total)
{
	int cur = 1;

	for (int k = 0; k < total; k++) {
		const struct hop *o = &h[seq[k]];

		if (o->kind != 'w' && o->reads != cur)
			return false;
		if (o->kind != 'r')
			cur = version_of[seq[k]];
	}
	return true;
}

static bool search(const struct hop *h, int n, bool *used, int *seq, int depth, int total, const bool *in)
{
	if (depth == total)
		return order_ok(h, seq, total);
	for (int i = 0; i < n; i++) {
		bool ok = in[i] && !used[i];

		for (int j = 0; j < n && ok; j++)
			if (j != i && in[j] && !used[j] && h[j].ret != INF && h[j].ret < h[i].inv)
				ok = false;
		if (!ok)
			continue;
		used[i] = true;
		seq[depth] = i;
		if (search(h, n, used, seq, depth + 1, total, in))
			return true;
		used[i] = false;
	}
	return false;
}

/* Linearizable: some choice of the failed writes that took effect, and
 * some order of those and the rest, fits real time and every read. */
static bool brute(const struct hop *h, int n)
{
	int ind[MAXOPS], nind = 0;

	for (int i = 0; i < n; i++)
		if (h[i].ret == INF)
			ind[nind++] = i;
	for (int mask = 0; mask < 1 << nind; mask++) {
		bool in[MAXOPS], used[MAXOPS] = { false };
		int seq[MAXOPS], total = 0;

		for (int i = 0; i < n; i++)
			in[i] = h[i].ret != INF;
		for (int k = 0; k < nind; k++)
			in[ind[k]] = mask >> k & 1;
		for (int i = 0; i < n; i++)
			total += in[i];
		if (search(h, n, used, seq, 0, total, in))
			return true;
	}
	return false;
}

/* A history the simulation could make: whatever an operation saw was set
 * in motion before it returned (every invoke up its chain of versions). */
static bool causal(const struct hop *h, int n)
{
	for (int i = 0; i < n; i++) {
		int v = h[i].kind == 'w' ? 0 : h[i].reads;

		while (v >= 2) {
			int j = -1;

			for (int k = 0; k < n; k++)
				if (h[k].kind != 'r' && version_of[k] == v)
					j = k;
			if (h[i].ret != INF && h[j].inv > h[i].ret)
				return false;
			v = h[j].kind == 'm' ? h[j].reads : 0;
		}
	}
	return true;
}

static void test_random_against_every_order(void **state)
{
	struct rng r;
	int tried = 0, nonlin = 0;

	(void)state;
	rng_seed(&r, 42);
	while (tried < 6000) {
		struct hop h[MAXOPS];
		int n = 1 + (int)rng_below(&r, 6), next = 2;

		for (int i = 0; i < n; i++) {
			int k = (int)rng_below(&r, 3);

			h[i].kind = k == 0 ? 'r' : k == 1 ? 'w' : 'm';
			h[i].inv = (int64_t)rng_below(&r, 11);
			h[i].ret = h[i].inv + (int64_t)rng_below(&r, 5);
			if (h[i].kind != 'r' && rng_below(&r, 4) == 0)
				h[i].ret = INF;
			version_of[i] = h[i].kind == 'r' ? 0 : next++;
		}
		for (int i = 0; i < n; i++) {
			if (h[i].kind == 'r') {
				int pick = (int)rng_below(&r, (uint64_t)(next - 1));

				h[i].reads = pick == 0 ? 1 : pick + 1;
			} else if (h[i].kind == 'm') {
				h[i].reads = 1 + (int)rng_below(&r, (uint64_t)(version_of[i] - 1));
			}
		}
		if (!causal(h, n))
			continue;
		tried++;
		if (brute(h, n) != (check_free(h, n, true) == 0)) {
			for (int i = 0; i < n; i++)
				print_message("  %c [%lld, %lld] v%d reads %d\n", h[i].kind, (long long)h[i].inv,
					      (long long)h[i].ret, version_of[i], h[i].reads);
			fail_msg("the checker and every order disagree (linearizable: %s)", brute(h, n) ? "yes" : "no");
		}
		nonlin += !brute(h, n);
	}
	print_message("%d random histories, %d not linearizable\n", tried, nonlin);
	assert_true(nonlin > tried / 10);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_linearizable),
		cmocka_unit_test(test_stale_read),
		cmocka_unit_test(test_overlap),
		cmocka_unit_test(test_indeterminate),
		cmocka_unit_test(test_new_then_old),
		cmocka_unit_test(test_lost_update),
		cmocka_unit_test(test_stale_base),
		cmocka_unit_test(test_nil),
		cmocka_unit_test(test_same_value),
		cmocka_unit_test(test_random_against_every_order),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
