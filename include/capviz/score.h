/* score.h: the scoreboard: what the clients got, counted from the history.
 * For the whole run and for each side of the partition as it is now: the
 * requests answered, refused or timed out, answered stale (no valid
 * linearization, or a broken session guarantee), the acknowledged writes
 * later lost; latency percentiles by operation; and the two figures the
 * status bar shows, availability and consistency, since the rules (mode,
 * levels, preset) last changed. */
#ifndef CAPVIZ_SCORE_H
#define CAPVIZ_SCORE_H

#include <stdint.h>

#include "capviz/world.h"

enum score_kind { SK_READ, SK_WRITE, SK_ADD, SK_TXN, SK_COUNT };

struct score_row {
	int ok;                 /* answered (a txn refused by its condition too: that is an answer) */
	int error;              /* failed: an error, or an unknown outcome */
	int stale;              /* answered, but not consistently: stale, a lost update, a broken session */
	int lost;               /* acknowledged writes later discarded */
	int bad;                /* answered, then found stale or lost: what consistency counts against */
};

struct score_side {
	uint32_t nodes;         /* bit i: node i */
	bool crashed;           /* the side is one crashed node */
	bool majority;
	struct score_row row;
};

struct score {
	struct score_row run;
	int64_t since_us;       /* the sides count requests invoked since then */
	struct score_side sides[WORLD_MAX_NODES];
	int nsides;
	/* latency in microseconds, of finished requests, by kind; -1 when none */
	int64_t p50[SK_COUNT], p99[SK_COUNT];
	int count[SK_COUNT];
	/* since the rules last changed: the last SCORE_RECENT requests at most */
	struct score_row recent;
};

#define SCORE_RECENT 50

/* PACELC, measured: in a partition, the reads asked on a side without a
 * majority and how many were answered (and stale); without one, the reads'
 * and writes' latency and how many reads were stale. */
struct pacelc_figures {
	int minority_reads, minority_answered, minority_stale;
	int minority_writes, minority_writes_answered;
	int calm_reads, calm_stale;
	int64_t read_p50, read_p99, write_p50, write_p99; /* -1 when none */
	int64_t rtt_us;         /* one round trip between two replicas: the EL/EC line */
};

/* The class by the rule the report states: P: A when the cut-off side
 * answered at least half its reads, else C; E: L when reads answered in
 * less than half a round trip (p50: they waited for no other replica),
 * else C. cls gets "PA/EL"...; "?" for a half with nothing to judge. */
void pacelc_classify(const struct pacelc_figures *f, char cls[8]);
/* The figures of a run so far (the world's history), of the requests
 * invoked from since_us on (0: all; w->rules_us: under the rules, mode,
 * levels and preset, in force now). */
void score_pacelc(const struct world *w, int64_t since_us, struct pacelc_figures *f);
/* Is the cluster partitioned now (a link down, a node crashed), and is node
 * on a side without a majority? */
void score_where(const struct world *w, int node, bool *partitioned, bool *minority);

/* Availability and consistency in percent of row (-1 when it holds no
 * answered request, or no request at all). */
int score_availability(const struct score_row *r);
int score_consistency(const struct score_row *r);
/* Only the status bar's figures: cheap, at most SCORE_RECENT requests read. */
void score_recent(const struct world *w, struct score_row *out);
/* Everything (reads the whole history). Returns 0 or -1 when memory ran out
 * (the percentiles are then missing). */
int score_compute(const struct world *w, struct score *s);
const char *score_kind_name(enum score_kind k);

#endif
