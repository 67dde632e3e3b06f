/* rng.h: the world's seeded pseudo-random generator (splitmix64).
 * Every random choice in the core (latency jitter, loss, election timeouts)
 * comes from here, so one seed replays one run exactly. */
#ifndef CAPVIZ_RNG_H
#define CAPVIZ_RNG_H

#include <stdint.h>

struct rng {
	uint64_t state;
};

void rng_seed(struct rng *r, uint64_t seed);
uint64_t rng_next(struct rng *r);
/* A number in [0, n); 0 when n is 0. */
uint64_t rng_below(struct rng *r, uint64_t n);
/* A number in [lo, hi], both included; lo when hi <= lo. */
int64_t rng_range(struct rng *r, int64_t lo, int64_t hi);

#endif
