/* bench_lincheck.c: how fast the linearizability checker judges a history.
 * Eight clients run 100,000 operations on four keys (reads, writes and
 * read-modify-writes of random lengths, overlapping); a register takes
 * each at a random point of its interval, so the history is linearizable.
 * A second history is the same with one read in a hundred answered from
 * the version before (flagged, mostly). Operations are fed to the checker
 * as they are invoked and as they finish, in time order, as the world does. It prints the time per operation and
 * for the whole; it never fails. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "capviz/checker.h"
#include "capviz/history.h"
#include "capviz/rng.h"

#define OPS 100000
#define CLIENTS 8
#define KEYS 4

struct gen {
	char kind;              /* 'r', 'w', 'm' */
	int key;
	int64_t inv, ret, point;
	uint64_t reads;         /* the version a read (or an update) saw */
	uint64_t wid;           /* the version a write made */
	uint64_t op;
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int by_point(const void *a, const void *b)
{
	const struct gen *x = *(const struct gen *const *)a, *y = *(const struct gen *const *)b;

	return x->point < y->point ? -1 : x->point > y->point;
}

/* An operation's invoke or return, for feeding them in time order. */
struct tick {
	int64_t t;
	bool ret;
	struct gen *g;
};

static int by_time(const void *a, const void *b)
{
	const struct tick *x = a, *y = b;

	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	return x->ret - y->ret;         /* invokes first: touching is concurrent */
}

/* The operations, their versions decided by a register at each point. */
static struct gen *generate(struct rng *r, int stale_pct)
{
	struct gen *g = calloc(OPS, sizeof *g);
	struct gen **order = malloc(OPS * sizeof *order);
	int64_t clock[CLIENTS] = { 0 };
	uint64_t cur[KEYS], prev[KEYS], next_wid = KEYS + 1;

	for (int k = 0; k < KEYS; k++)
		cur[k] = prev[k] = (uint64_t)k + 1;     /* the first values */
	for (int i = 0; i < OPS; i++) {
		int c = (int)rng_below(r, CLIENTS), roll = (int)rng_below(r, 10);

		g[i].kind = roll < 6 ? 'r' : roll < 9 ? 'w' : 'm';
		g[i].key = (int)rng_below(r, KEYS);
		g[i].inv = clock[c] + 1 + (int64_t)rng_below(r, 50);
		g[i].ret = g[i].inv + 1 + (int64_t)rng_below(r, 200);
		g[i].point = g[i].inv + (int64_t)rng_below(r, (uint64_t)(g[i].ret - g[i].inv + 1));
		clock[c] = g[i].ret;
		order[i] = &g[i];
	}
	qsort(order, OPS, sizeof *order, by_point);
	for (int i = 0; i < OPS; i++) {
		struct gen *o = order[i];

		if (o->kind != 'w')
			o->reads = o->kind == 'r' && (int)rng_below(r, 100) < stale_pct ? prev[o->key] : cur[o->key];
		if (o->kind != 'r') {
			o->wid = next_wid++;
			prev[o->key] = cur[o->key];
			cur[o->key] = o->wid;
		}
	}
	free(order);
	return g;
}

/* Feeds g to a fresh history as the operations finish; returns the
 * seconds the checker took and the operations it flagged. */
static double run(struct gen *g, int *flagged)
{
	struct history h;
	struct checker c;
	struct tick *ticks = malloc(2 * OPS * sizeof *ticks);
	double t0, t;

	history_init(&h);
	checker_init(&c);
	for (int k = 0; k < KEYS; k++) {
		struct write_rec *init = history_add_write(&h);

		init->key = k;
		init->value = (int64_t)init->wid;
		init->invoke_us = init->done_us = init->invoke_at = init->done_at = -1;
		init->result = RES_OK;
		checker_first(&c, &h, init->wid);
	}
	/* Versions are numbered in point order; the history's ids go in the
	 * order of invocation, so map them. */
	for (int i = 0; i < OPS; i++) {
		struct op *op = history_add_op(&h);

		g[i].op = op->id;
		op->key = g[i].key;
		op->kind = g[i].kind == 'r' ? OP_READ : g[i].kind == 'w' ? OP_WRITE : OP_ADD;
		op->invoke_us = op->invoke_at = g[i].inv;
		op->done_us = op->done_at = -1;
	}
	{
		/* Write records by version number, so a version's id is its wid. */
		struct gen **byw = calloc(OPS + KEYS + 1, sizeof *byw);

		for (int i = 0; i < OPS; i++)
			if (g[i].wid)
				byw[g[i].wid] = &g[i];
		for (uint64_t v = KEYS + 1; v < OPS + KEYS + 1; v++) {
			struct write_rec *wr;
			struct op *op;

			if (!byw[v])
				break;
			wr = history_add_write(&h);
			op = history_op(&h, byw[v]->op);
			wr->op = op->id;
			wr->key = byw[v]->key;
			wr->value = (int64_t)wr->wid;
			wr->invoke_us = wr->invoke_at = byw[v]->inv;
			wr->result = RES_PENDING;
			op->wid = wr->wid;
			op->arg = (int64_t)wr->wid - (int64_t)byw[v]->reads; /* base + arg: its own id */
			if (byw[v]->kind == 'm')
				history_write_base(&h, wr->wid, byw[v]->reads);
		}
		free(byw);
	}
	for (int i = 0; i < OPS; i++) {
		ticks[2 * i] = (struct tick){ g[i].inv, false, &g[i] };
		ticks[2 * i + 1] = (struct tick){ g[i].ret, true, &g[i] };
	}
	qsort(ticks, 2 * OPS, sizeof *ticks, by_time);
	*flagged = 0;
	t0 = now_s();
	for (int i = 0; i < 2 * OPS; i++) {
		struct op *op = history_op(&h, ticks[i].g->op);

		if (!ticks[i].ret) {
			checker_invoked(&c, &h, op);
			continue;
		}
		op->done_us = op->done_at = ticks[i].g->ret;
		op->result = RES_OK;
		if (op->kind != OP_READ) {
			struct write_rec *wr = history_write(&h, op->wid);

			wr->result = RES_OK;
			wr->done_us = wr->done_at = op->done_us;
		} else {
			op->found = true;
			op->wid = ticks[i].g->reads;
			op->value = (int64_t)ticks[i].g->reads;
		}
		checker_finished(&c, NULL, &h, op, NULL, 0);
		*flagged += op->stale;
	}
	t = now_s() - t0;
	free(ticks);
	history_free(&h);
	checker_free(&c);
	return t;
}

int main(void)
{
	struct rng r;
	int flagged;
	double t;
	struct gen *g;

	rng_seed(&r, 7);
	printf("capviz checker benchmark: %d operations, %d clients, %d keys\n", OPS, CLIENTS, KEYS);
	g = generate(&r, 0);
	t = run(g, &flagged);
	printf("linearizable   %.3fs in all, %.2f us per operation, %d flagged (expect 0)\n", t, t * 1e6 / OPS,
	       flagged);
	free(g);
	g = generate(&r, 1);
	t = run(g, &flagged);
	printf("1%% stale reads %.3fs in all, %.2f us per operation, %d flagged\n", t, t * 1e6 / OPS, flagged);
	free(g);
	return 0;
}
