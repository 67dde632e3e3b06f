/* rng.c: splitmix64, small and fast with good statistical quality; the only
 * source of randomness in the core, so one seed gives one run. */
#include "capviz/rng.h"

void rng_seed(struct rng *r, uint64_t seed)
{
	r->state = seed ^ 0x9e3779b97f4a7c15ULL;
}

uint64_t rng_next(struct rng *r)
{
	uint64_t z = (r->state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

uint64_t rng_below(struct rng *r, uint64_t n)
{
	uint64_t limit, x;

	if (n == 0)
		return 0;
	/* Rejection sampling removes the modulo bias. */
	limit = UINT64_MAX - UINT64_MAX % n;
	do {
		x = rng_next(r);
	} while (x >= limit);
	return x % n;
}

int64_t rng_range(struct rng *r, int64_t lo, int64_t hi)
{
	if (hi <= lo)
		return lo;
	return lo + (int64_t)rng_below(r, (uint64_t)(hi - lo) + 1);
}
