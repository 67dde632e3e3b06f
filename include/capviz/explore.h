/* explore.h: the random runs of --explore, for the tests that hold the
 * checkers to each other on them. */
#ifndef CAPVIZ_EXPLORE_H
#define CAPVIZ_EXPLORE_H

#include <stddef.h>
#include <stdint.h>

struct explore_config {
	int nodes;
	int mode;               /* enum mode; -1 with a preset */
	int preset;             /* enum preset; -1: none (the mode's) */
	const char *read_level; /* every read at this level; NULL: the default */
	int writers;            /* only the clients at the first N nodes write; 0 all */
};

#define EXPLORE_TEXT_MAX 8192

/* The scenario text of run seed (at most EXPLORE_TEXT_MAX bytes). Returns 0, or -1 when len is
 * too small or memory ran out. */
int explore_scenario(const struct explore_config *c, uint64_t seed, char *buf, size_t len);

#endif
