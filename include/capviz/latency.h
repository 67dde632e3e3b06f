/* latency.h: how long a message takes on a link. Per link and per kind of
 * message (write request, write ack, read request, read reply, the rest), a
 * model: uniform (base +- jitter, the default), constant, exponential
 * (a mean) or Pareto (a scale and a shape), sampled from the world's seeded
 * generator, so a seed still gives one run. */
#ifndef CAPVIZ_LATENCY_H
#define CAPVIZ_LATENCY_H

#include <stddef.h>
#include <stdint.h>

#include "capviz/msg.h"
#include "capviz/rng.h"

enum lat_dist { LD_UNIFORM, LD_CONSTANT, LD_EXP, LD_PARETO, LD_COUNT };
enum lat_kind { LK_WRITE_REQ, LK_WRITE_ACK, LK_READ_REQ, LK_READ_REPLY, LK_OTHER, LK_COUNT };

/* Samples are cut at a minute: a Pareto tail is long, a run is not. */
#define LAT_MAX_US (60LL * 1000000)

struct lat_model {
	uint8_t dist;           /* enum lat_dist */
	int64_t a_us;           /* uniform: the base; constant: the value; exp: the mean; pareto: the scale */
	int64_t b_us;           /* uniform: the jitter */
	double shape;           /* pareto: alpha (> 0) */
};

/* One sample, at least 1us. */
int64_t lat_sample(const struct lat_model *m, struct rng *r);
/* A uniform double in (0, 1]. */
double lat_unit(struct rng *r);
/* The kind of a message for its latency (by what it carries). */
enum lat_kind lat_kind_of(const struct msg *m);
const char *lat_kind_name(int k);       /* "write-req", ..., NULL past LK_COUNT */
const char *lat_dist_name(int d);       /* "uniform", "constant", "exp", "pareto" */
int lat_kind_by_name(const char *s, size_t len);        /* -1 when none */
int lat_dist_by_name(const char *s, size_t len);
/* "exp 4ms", "pareto 0.235ms 10", "40ms +-10ms": as a command would say it. */
void lat_describe(const struct lat_model *m, char *buf, size_t len);
/* The model's mean in microseconds (a Pareto with shape <= 1 has none: -1). */
double lat_mean_us(const struct lat_model *m);

#endif
