/* bench_engine.c: how fast the core runs. A long synthetic run (thousands of
 * client operations among random cuts and heals) reports messages delivered
 * per second of real time, beside a bare binary-heap push/pop loop of the same
 * size as the ceiling, and their ratio. It prints figures; it never fails. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "capviz/rng.h"
#include "capviz/sched.h"
#include "capviz/world.h"

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Random cuts and heals with a steady stream of client operations. */
static void workload(struct world *w, struct rng *r, int ops)
{
	int key = world_key(w, "balance", true);

	world_init_value(w, "balance", 100);
	for (int i = 0; i < ops; i++) {
		int node = (int)rng_below(r, (uint64_t)w->n);

		switch (rng_below(r, 20)) {
		case 0:
			world_cut(w, node, (node + 1) % w->n);
			break;
		case 1:
			world_heal(w);
			break;
		default:
			if (rng_below(r, 2))
				world_request(w, node, OP_WRITE, key, i, LEVEL_DEFAULT);
			else
				world_request(w, node, OP_READ, key, 0, LEVEL_DEFAULT);
		}
		world_run_until(w, w->now_us + 20000);
	}
	world_heal(w);
	world_run_until(w, w->now_us + 2000000);
}

static void bench_mode(enum mode mode, int ops)
{
	struct world w;
	struct rng r;
	char err[WORLD_ERR_MAX];
	double t0, t1;

	if (world_init(&w, 5, 1, mode, err, sizeof err) < 0) {
		fprintf(stderr, "bench: %s\n", err);
		return;
	}
	rng_seed(&r, 99);
	t0 = now_s();
	workload(&w, &r, ops);
	t1 = now_s();

	/* The ceiling: the same number of items through a bare heap. */
	struct sched q;
	struct sched_item it;
	uint64_t n = w.stats.delivered;
	double h0, h1;

	sched_init(&q);
	h0 = now_s();
	for (uint64_t i = 0; i < n; i++) {
		sched_push(&q, (int64_t)(rng_below(&r, 1000000)), 1, 0, i);
		if (q.len > 64)
			sched_pop(&q, &it);
	}
	while (sched_pop(&q, &it))
		;
	h1 = now_s();
	sched_free(&q);

	double rate = n / (t1 - t0), ceiling = n / (h1 - h0);

	printf("%-7s %6d ops  %9llu deliveries  %6.2fs virtual  %.3fs real\n", mode_name(mode), ops,
	       (unsigned long long)n, w.now_us / 1e6, t1 - t0);
	printf("        %.2f M deliveries/s   heap ceiling %.2f M/s   ratio %.1f%%   (aim: >= 2 M/s)\n",
	       rate / 1e6, ceiling / 1e6, 100.0 * rate / ceiling);
	world_free(&w);
}

int main(int argc, char **argv)
{
	int ops = argc > 1 ? atoi(argv[1]) : 20000;
	const char *only = argc > 2 ? argv[2] : NULL;

	printf("capviz engine benchmark: 5 nodes, random cuts and heals\n");
	for (int m = 0; m < MODE_COUNT; m++) {
		enum mode order[] = { MODE_AP, MODE_CP, MODE_STRICT };

		if (!only || strcmp(only, mode_name(order[m])) == 0)
			bench_mode(order[m], ops);
	}
	return 0;
}
