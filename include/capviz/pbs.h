/* pbs.h: probabilistically bounded staleness, as in Bailis et al., "PBS:
 * Probabilistically Bounded Staleness for Practical Partial Quorums" (VLDB
 * 2012). Two models:
 * - quorums picked at random: a write reaches W replicas of N picked at
 *   random, a read asks R picked at random; a read at the instant the
 *   write completes returns one of the last k versions unless its quorum
 *   misses all k write quorums: 1 - (C(N-W,R)/C(N,R))^k;
 * - WARS: a write is sent to all N (latency W each) and acknowledged (A);
 *   it completes at its W-th acknowledgement; a read t after that is sent
 *   to all N (R) and answered (S); it takes the first R answers, and is
 *   consistent when one of them came from a replica the write had reached.
 * Every draw comes from a seeded generator. */
#ifndef CAPVIZ_PBS_H
#define CAPVIZ_PBS_H

#include <stddef.h>
#include <stdint.h>

#include "capviz/latency.h"
#include "capviz/rng.h"

#define PBS_MAX_N 64

/* 1 - (C(n-w,r)/C(n,r))^k. */
double pbs_closed_form(int n, int r, int w, int k);
/* The same, measured over trials with quorums picked at random. */
double pbs_random_quorums(int n, int r, int w, int k, long trials, struct rng *rng);
/* WARS: for each trial, the delay after the write completes from which a
 * read sees it (0 when it does at once), into t_us[trials]; sorted. lat
 * gives W, A, R, S by enum lat_kind (write-req, write-ack, read-req,
 * read-reply). Returns 0, or -1 for n, r, w out of range. */
int pbs_wars(int n, int r, int w, const struct lat_model lat[4], long trials, struct rng *rng, int64_t *t_us);
/* The share of sorted windows t_us[trials] at most t: P(consistent at t). */
double pbs_consistent_at(const int64_t *t_us, long trials, int64_t t);

#endif
