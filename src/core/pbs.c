/* pbs.c: probabilistically bounded staleness (pbs.h). */
#include <math.h>
#include <stdlib.h>

#include "capviz/pbs.h"

/* ln C(n, k). */
static double log_choose(int n, int k)
{
	if (k < 0 || k > n)
		return -INFINITY;
	return lgamma(n + 1.0) - lgamma(k + 1.0) - lgamma(n - k + 1.0);
}

double pbs_closed_form(int n, int r, int w, int k)
{
	double miss;

	if (n < 1 || r < 1 || w < 1 || r > n || w > n || k < 1)
		return 0;
	miss = r > n - w ? 0 : exp(log_choose(n - w, r) - log_choose(n, r));
	return 1 - pow(miss, k);
}

/* A random subset of size m of n as a bit mask (n <= 64): a partial
 * Fisher-Yates shuffle. */
static uint64_t random_set(int n, int m, struct rng *rng)
{
	int idx[PBS_MAX_N];
	uint64_t set = 0;

	for (int i = 0; i < n; i++)
		idx[i] = i;
	for (int i = 0; i < m; i++) {
		int j = i + (int)rng_below(rng, (uint64_t)(n - i)), t = idx[i];

		idx[i] = idx[j];
		idx[j] = t;
		set |= 1ULL << idx[i];
	}
	return set;
}

double pbs_random_quorums(int n, int r, int w, int k, long trials, struct rng *rng)
{
	long fresh = 0;

	if (n < 1 || n > PBS_MAX_N || r < 1 || w < 1 || r > n || w > n || k < 1 || trials < 1)
		return 0;
	for (long t = 0; t < trials; t++) {
		uint64_t written = 0, read;

		for (int v = 0; v < k; v++)
			written |= random_set(n, w, rng);
		read = random_set(n, r, rng);
		fresh += (read & written) != 0;
	}
	return (double)fresh / (double)trials;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

struct answer {
	int64_t at;             /* R + S: when its answer reaches the reader */
	int64_t need;           /* W - R: the delay after commit from which it has the write */
};

static int cmp_answer(const void *a, const void *b)
{
	const struct answer *x = a, *y = b;

	return x->at < y->at ? -1 : x->at > y->at;
}

int pbs_wars(int n, int r, int w, const struct lat_model lat[4], long trials, struct rng *rng, int64_t *t_us)
{
	if (n < 1 || n > PBS_MAX_N || r < 1 || w < 1 || r > n || w > n || trials < 1)
		return -1;
	for (long t = 0; t < trials; t++) {
		int64_t wl[PBS_MAX_N], ack[PBS_MAX_N], commit, best = INT64_MAX;
		struct answer ans[PBS_MAX_N];

		for (int i = 0; i < n; i++) {
			wl[i] = lat_sample(&lat[LK_WRITE_REQ], rng);
			ack[i] = wl[i] + lat_sample(&lat[LK_WRITE_ACK], rng);
		}
		/* The write completes at its W-th acknowledgement. */
		{
			int64_t sorted[PBS_MAX_N];

			for (int i = 0; i < n; i++)
				sorted[i] = ack[i];
			qsort(sorted, (size_t)n, sizeof *sorted, cmp_i64);
			commit = sorted[w - 1];
		}
		/* A read sent at commit + d reaches replica i at commit + d + R_i,
		 * which has the write when W_i <= that: d >= W_i - R_i - commit. */
		for (int i = 0; i < n; i++) {
			int64_t rq = lat_sample(&lat[LK_READ_REQ], rng);

			ans[i].at = rq + lat_sample(&lat[LK_READ_REPLY], rng);
			ans[i].need = wl[i] - rq - commit;
		}
		qsort(ans, (size_t)n, sizeof *ans, cmp_answer);
		for (int i = 0; i < r; i++)
			best = ans[i].need < best ? ans[i].need : best;
		t_us[t] = best < 0 ? 0 : best;
	}
	qsort(t_us, (size_t)trials, sizeof *t_us, cmp_i64);
	return 0;
}

double pbs_consistent_at(const int64_t *t_us, long trials, int64_t t)
{
	long lo = 0, hi = trials;

	while (lo < hi) {               /* the first window above t */
		long mid = lo + (hi - lo) / 2;

		if (t_us[mid] <= t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return trials ? (double)lo / (double)trials : 0;
}
