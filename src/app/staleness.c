/* staleness.c: --staleness N R W [LATENCY] [--trials T] [--seed S]: the PBS
 * report (pbs.h). First the closed form checked against quorums picked at
 * random, for reads at the instant a write completes and k = 1..3 last
 * versions; then, in the WARS model with the latency given, the probability
 * that a read returns the write as a function of how long after it the read
 * starts, as a table and as a curve drawn in the terminal. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capviz/app.h"
#include "capviz/cmd.h"
#include "capviz/pbs.h"

#define DEFAULT_TRIALS 10000
#define CURVE_W 60
#define CURVE_H 12
#define TABLE_ROWS 16

static int parse_int(const char *s, int lo, int hi, int *out)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (!*s || *end || v < lo || v > hi)
		return -1;
	*out = (int)v;
	return 0;
}

/* One [KIND] MODEL group, read by the latency command's own parser (the
 * same words, the same errors): into lat[], for its kind or for all. */
static int parse_group(const char *words, struct lat_model lat[4], char *err, size_t errlen)
{
	char line[CMD_TEXT_MAX], why[CMD_ERR_MAX];
	struct command c;
	struct lat_model m;

	snprintf(line, sizeof line, "latency A B %s", words);
	if (cmd_parse(line, 2, &c, why, sizeof why) < 0) {
		/* "latency: expected ..." reads as the command's; say ours. */
		snprintf(err, errlen, "--staleness: LATENCY '%.60s': %.160s", words,
			 strncmp(why, "latency: ", 9) == 0 ? why + 9 : why);
		return -1;
	}
	if (c.lat_kind == LK_OTHER) {
		snprintf(err, errlen, "--staleness: 'other' messages play no part in a read or a write");
		return -1;
	}
	if (c.lat_dist < 0)     /* the plain form: base and jitter, uniform */
		m = (struct lat_model){ LD_UNIFORM, c.dur_us, c.jitter_us, 0 };
	else
		m = (struct lat_model){ (uint8_t)c.lat_dist, c.dur_us, c.jitter_us, c.shape };
	for (int k = 0; k < 4; k++)
		if (c.lat_kind < 0 || c.lat_kind == k)
			lat[k] = m;
	return 0;
}

/* LATENCY as the latency command takes it after its two nodes: one model
 * for every kind (exp 4ms, 40ms 10ms), or [KIND] MODEL groups, a group
 * starting at each kind's name. The words may come one per argument or
 * quoted together. Every kind not named keeps exp 10ms. */
static int parse_models(char *const *w, int n, struct lat_model lat[4], char *err, size_t errlen)
{
	char all[CMD_TEXT_MAX] = "", group[CMD_TEXT_MAX] = "";
	size_t used = 0;
	char *save = NULL;

	for (int k = 0; k < 4; k++)
		lat[k] = (struct lat_model){ LD_EXP, 10000, 0, 0 };
	for (int i = 0; i < n && used < sizeof all; i++)
		used += (size_t)snprintf(all + used, sizeof all - used, "%s%s", i ? " " : "", w[i]);
	if (used >= sizeof all) {
		snprintf(err, errlen, "--staleness: LATENCY is too long");
		return -1;
	}
	for (char *tok = strtok_r(all, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save)) {
		if (lat_kind_by_name(tok, strlen(tok)) >= 0 && group[0]) {
			if (parse_group(group, lat, err, errlen) < 0)
				return -1;
			group[0] = '\0';
		}
		if (strlen(group) + strlen(tok) + 2 > sizeof group) {
			snprintf(err, errlen, "--staleness: LATENCY is too long");
			return -1;
		}
		if (group[0])
			strcat(group, " ");
		strcat(group, tok);
	}
	return group[0] ? parse_group(group, lat, err, errlen) : 0;
}

/* The curve: P(consistent) against the delay, 0..tmax. */
static void draw_curve(const int64_t *t_us, long trials, int64_t tmax)
{
	char grid[CURVE_H][CURVE_W + 1];

	for (int y = 0; y < CURVE_H; y++) {
		memset(grid[y], ' ', CURVE_W);
		grid[y][CURVE_W] = '\0';
	}
	for (int x = 0; x < CURVE_W; x++) {
		int64_t t = tmax * x / (CURVE_W - 1);
		double p = pbs_consistent_at(t_us, trials, t);
		int y = (int)lround(p * (CURVE_H - 1));

		grid[CURVE_H - 1 - y][x] = '*';
	}
	printf("\n  P(fresh)\n");
	for (int y = 0; y < CURVE_H; y++) {
		double p = 1.0 - (double)y / (CURVE_H - 1);

		if (y == 0 || y == CURVE_H - 1 || y == (CURVE_H - 1) / 2)
			printf("  %4.2f |%s\n", p, grid[y]);
		else
			printf("       |%s\n", grid[y]);
	}
	printf("       +");
	for (int x = 0; x < CURVE_W; x++)
		putchar('-');
	printf("\n        0%*s%.1fms\n", CURVE_W - 6, "", tmax / 1000.0);
	printf("%*sdelay after the write completes\n", 8 + CURVE_W / 2 - 16, "");
}

int app_staleness(const struct options *o)
{
	struct lat_model lat[4];
	int n, r, w;
	long trials = o->trials ? o->trials : DEFAULT_TRIALS;
	uint64_t seed = o->has_seed ? o->seed : 1;
	struct rng rng;
	int64_t *t_us, tmax;
	char err[256], model[4][64];

	if (o->nfiles < 3 || parse_int(o->files[0], 1, PBS_MAX_N, &n) < 0 ||
	    parse_int(o->files[1], 1, PBS_MAX_N, &r) < 0 || parse_int(o->files[2], 1, PBS_MAX_N, &w) < 0) {
		fprintf(stderr, "capviz: --staleness: expected N R W, the replicas, the read and the write quorum "
			"(1 to %d), e.g. --staleness 3 1 1\n", PBS_MAX_N);
		return EXIT_USAGE;
	}
	if (r > n || w > n) {
		fprintf(stderr, "capviz: --staleness: R and W are at most N (%d), got R=%d W=%d\n", n, r, w);
		return EXIT_USAGE;
	}
	if (parse_models(o->files + 3, o->nfiles - 3, lat, err, sizeof err) < 0) {
		fprintf(stderr, "capviz: %s\n", err);
		return EXIT_USAGE;
	}
	t_us = malloc((size_t)trials * sizeof *t_us);
	if (!t_us) {
		fprintf(stderr, "capviz: --staleness: out of memory\n");
		return EXIT_USAGE;
	}
	for (int k = 0; k < 4; k++)
		lat_describe(&lat[k], model[k], sizeof model[k]);
	printf("capviz --staleness: N=%d R=%d W=%d, %ld trials a figure, seed %llu\n", n, r, w, trials,
	       (unsigned long long)seed);
	printf("latency: write %s, ack %s, read %s, reply %s\n\n", model[0], model[1], model[2], model[3]);

	printf("Reads at the instant the write completes, quorums picked at random:\n");
	printf("  k   fresh (one of the last k)   closed form 1-(C(N-W,R)/C(N,R))^k   +-2 sigma   agree\n");
	rng_seed(&rng, seed);
	for (int k = 1; k <= 3; k++) {
		double m = pbs_random_quorums(n, r, w, k, trials, &rng), c = pbs_closed_form(n, r, w, k);
		double sigma = sqrt(c * (1 - c) / (double)trials);

		printf("  %d   %-27.4f %-35.4f %-11.4f %s\n", k, m, c, 2 * sigma,
		       fabs(m - c) <= 3 * sigma + 1e-12 ? "yes" : "NO");
	}
	printf("  (R + W > N makes every read fresh, its versions ordered by the writers' clocks: %s)\n\n",
	       r + w > n ? "here it does" : "here it does not");

	rng_seed(&rng, seed + 1);
	pbs_wars(n, r, w, lat, trials, &rng, t_us);
	tmax = t_us[(size_t)((double)(trials - 1) * 0.999)];
	if (tmax < 1000)
		tmax = 1000;
	printf("WARS (writes to all N, done at W acks; reads to all N, take the first R answers):\n");
	printf("  delay (ms)   P(the read returns the write)\n");
	for (int i = 0; i < TABLE_ROWS; i++) {
		int64_t t = tmax * i / (TABLE_ROWS - 1);

		printf("  %10.2f   %.4f\n", t / 1000.0, pbs_consistent_at(t_us, trials, t));
	}
	printf("  (at once: %.4f; 99.9%% of reads are fresh from %.2fms)\n", pbs_consistent_at(t_us, trials, 0),
	       t_us[(size_t)((double)(trials - 1) * 0.999)] / 1000.0);
	draw_curve(t_us, trials, tmax);
	free(t_us);
	return EXIT_OK;
}
