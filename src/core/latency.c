/* latency.c: latency models (latency.h). */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "capviz/latency.h"

static const char *const kind_names[LK_COUNT] = { "write-req", "write-ack", "read-req", "read-reply", "other" };
static const char *const dist_names[LD_COUNT] = { "uniform", "constant", "exp", "pareto" };

const char *lat_kind_name(int k)
{
	return k >= 0 && k < LK_COUNT ? kind_names[k] : NULL;
}

const char *lat_dist_name(int d)
{
	return d >= 0 && d < LD_COUNT ? dist_names[d] : "?";
}

static int by_name(const char *const *names, int n, const char *s, size_t len)
{
	for (int i = 0; i < n; i++)
		if (strlen(names[i]) == len && strncasecmp(names[i], s, len) == 0)
			return i;
	return -1;
}

int lat_kind_by_name(const char *s, size_t len)
{
	return by_name(kind_names, LK_COUNT, s, len);
}

int lat_dist_by_name(const char *s, size_t len)
{
	int d = by_name(dist_names, LD_COUNT, s, len);

	if (d < 0 && len == 11 && strncasecmp(s, "exponential", 11) == 0)
		d = LD_EXP;
	return d;
}

enum lat_kind lat_kind_of(const struct msg *m)
{
	switch (msg_class(m)) {
	case MC_WRITE:
		return LK_WRITE_REQ;
	case MC_ACK:
		return LK_WRITE_ACK;
	case MC_READ:
		return LK_READ_REQ;
	case MC_REPLY:
		return LK_READ_REPLY;
	default:
		return LK_OTHER;
	}
}

double lat_unit(struct rng *r)
{
	/* 53 random bits; 1 - x keeps 0 out (a logarithm follows). */
	return 1.0 - (double)(rng_next(r) >> 11) * (1.0 / 9007199254740992.0);
}

int64_t lat_sample(const struct lat_model *m, struct rng *r)
{
	double v;
	int64_t us;

	switch (m->dist) {
	case LD_CONSTANT:
		us = m->a_us;
		break;
	case LD_EXP:
		v = -(double)m->a_us * log(lat_unit(r));
		us = v > (double)LAT_MAX_US ? LAT_MAX_US : (int64_t)llround(v);
		break;
	case LD_PARETO:
		v = (double)m->a_us / pow(lat_unit(r), 1.0 / (m->shape > 0 ? m->shape : 1.0));
		us = v > (double)LAT_MAX_US ? LAT_MAX_US : (int64_t)llround(v);
		break;
	default:
		/* The draw the world has always made: a run keeps its bytes. */
		us = m->a_us + rng_range(r, -m->b_us, m->b_us);
		break;
	}
	return us < 1 ? 1 : us;
}

/* "40ms", "0.235ms", "1.5s". */
static void say_us(int64_t us, char *buf, size_t len)
{
	if (us >= 1000000 && us % 1000 == 0)
		snprintf(buf, len, "%gs", (double)us / 1e6);
	else
		snprintf(buf, len, "%gms", (double)us / 1e3);
}

void lat_describe(const struct lat_model *m, char *buf, size_t len)
{
	char a[32], b[32];

	say_us(m->a_us, a, sizeof a);
	say_us(m->b_us, b, sizeof b);
	switch (m->dist) {
	case LD_CONSTANT:
		snprintf(buf, len, "constant %s", a);
		break;
	case LD_EXP:
		snprintf(buf, len, "exp %s", a);
		break;
	case LD_PARETO:
		snprintf(buf, len, "pareto %s %g", a, m->shape);
		break;
	default:
		snprintf(buf, len, "uniform %s +-%s", a, b);
		break;
	}
}

double lat_mean_us(const struct lat_model *m)
{
	switch (m->dist) {
	case LD_PARETO:
		return m->shape > 1 ? m->shape * (double)m->a_us / (m->shape - 1) : -1;
	default:
		return (double)m->a_us;
	}
}
