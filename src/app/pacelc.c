/* pacelc.c: --pacelc: the seed's PACELC table, measured. Each preset runs
 * one fixed workload twice on its own replicas: with C cut off from the
 * others (from 1s on) and without. From the runs come the figures (during
 * the partition: how many of C's reads were answered, and how many stale;
 * without it: read and write latency, stale reads) and from the figures
 * the class, by the rule the report states (score.h, pacelc_classify). The
 * class is set beside the seed's; where they differ the report says so,
 * and why in the figures' own terms. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "capviz/app.h"
#include "capviz/score.h"
#include "capviz/session.h"

#define PACELC_ROUNDS 16
#define WORKLOAD_TEXT 8000

static const enum preset presets[] = {
	PRESET_CASSANDRA_ONE, PRESET_CASSANDRA_QUORUM, PRESET_CASSANDRA_ALL,
	PRESET_DYNAMODB, PRESET_DYNAMODB_STRONG, PRESET_ZOOKEEPER,
};

/* The workload: from 1.5s, every 400ms, a write at A, B or C in turn (of a
 * value not written before); 5ms after it a read at each node (the write
 * still under way), and 180ms after it another (the write done, its news
 * maybe not yet everywhere). */
static void workload(enum preset p, uint64_t seed, bool partition, char *buf, size_t len)
{
	size_t used = (size_t)snprintf(buf, len,
				       "[scenario]\nname = pacelc\nnodes = 3\npreset = %s\nseed = %" PRIu64 "\n"
				       "init = balance=100\n[timeline]\n0s = latency all 40ms 10ms\n%s",
				       preset_name(p), seed, partition ? "1s = isolate C\n" : "");

	for (int i = 0; i < PACELC_ROUNDS && used < len; i++) {
		int ms = 1500 + 400 * i;

		used += (size_t)snprintf(buf + used, len - used,
					 "%dms = write %c balance %d\n%dms = read A balance\n%dms = read B balance\n"
					 "%dms = read C balance\n%dms = read A balance\n%dms = read B balance\n"
					 "%dms = read C balance\n", ms, 'A' + i % 3, 200 + i, ms + 5, ms + 5, ms + 5,
					 ms + 180, ms + 180, ms + 180);
	}
}

static int run(enum preset p, uint64_t seed, bool partition, struct pacelc_figures *f, char *err, size_t errlen)
{
	struct session_options so = { 0, -1, false, 0, PRESET_NONE };
	char text[WORKLOAD_TEXT];
	struct scenario sc;
	struct session s;

	workload(p, seed, partition, text, sizeof text);
	if (scenario_load_text(&sc, "pacelc", text, 0, err, errlen) < 0 ||
	    session_init(&s, &sc, "pacelc", &so, err, errlen) < 0)
		return -1;
	session_start(&s);
	app_run_session(&s);
	score_pacelc(&s.w, 0, f);
	session_free(&s);
	return 0;
}

/* n of all in percent, rounded; 0 of nothing is 0. */
static int share(int n, int all)
{
	return all ? (200 * n + all) / (2 * all) : 0;
}

static void ms(int64_t us, char *buf, size_t len)
{
	if (us < 0)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%.0f", us / 1000.0);
}

/* Why the measured class differs from the seed's, half by half. */
static void explain(const char *measured, const char *seed, const struct pacelc_figures *part,
		    const struct pacelc_figures *calm, char *buf, size_t len)
{
	size_t used = 0;
	char a[16], b[16];

	buf[0] = '\0';
	if (measured[1] != seed[1] && used < len)
		used += (size_t)snprintf(buf + used, len - used, measured[1] == 'C' ?
					 "Cut off, C answered %d of its %d reads: it errs rather than answer "
					 "what may be stale." :
					 "Cut off, C answered %d of its %d reads (%d stale): it stays available.",
					 part->minority_answered, part->minority_reads, part->minority_stale);
	ms(calm->read_p50, a, sizeof a);
	ms(calm->rtt_us / 2, b, sizeof b);
	if (measured[4] != seed[4] && used < len)
		snprintf(buf + used, len - used, measured[4] == 'L' ?
			 "%sWithout a partition reads answered in %sms at the median, under half a round trip "
			 "(%sms): they wait for no other replica (%d of %d stale)." :
			 "%sWithout a partition reads waited %sms at the median, half a round trip (%sms) or more: "
			 "they wait for another replica or the leader (%d of %d stale).", used ? " " : "", a, b,
			 calm->calm_stale, calm->calm_reads);
}

/* The seed's table as the seed gives it, and which preset plays each row. */
static void seed_rows(void)
{
	static const enum preset all[] = {
		PRESET_CASSANDRA_ONE, PRESET_CASSANDRA_QUORUM, PRESET_DYNAMODB, PRESET_DYNAMODB_STRONG,
		PRESET_ZOOKEEPER, PRESET_SINGLE,
	};

	printf("\nThe seed's table, quoted (preset in brackets):\n");
	for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
		printf("  %-34s %-6s (%s)\n", preset_seed_row(all[i]), preset_seed_class(all[i]), preset_name(all[i]));
	printf("It has no Cassandra (ALL) row: cassandra-all is measured above with nothing to compare.\n");
	printf("single, one node, has no partition to measure: --pacelc leaves it out.\n");
}

int app_pacelc(const struct options *o)
{
	uint64_t seed = o->has_seed ? o->seed : 1;
	char err[512], notes[8][600];
	int nnotes = 0;
	int64_t rtt = 80000;

	printf("capviz --pacelc: each preset, one workload run twice on 3 replicas (seed %" PRIu64 "):\n", seed);
	printf("with C cut off from 1s on, and without a partition. Links: 40ms +-10ms each way.\n");
	printf("Every 400ms a write at A, B, C in turn; 5ms and 180ms later a read at each: %d rounds.\n\n",
	       PACELC_ROUNDS);
	printf("The rule: P: A when C, cut off, answered at least half of its reads, else C.\n");
	printf("          E: L when reads answered in less than half a round trip at the median\n");
	printf("             (they wait for no other replica), else C.\n\n");
	printf("%-17s %-25s | %-40s | %s\n", "", "C cut off: its requests", "no partition", "class");
	printf("%-17s %-12s %-12s | %-13s %-13s %-12s | %-8s %s\n", "preset", "answered", "stale reads",
	       "read p50/99", "write p50/99", "stale reads", "measured", "the seed's row");
	for (size_t i = 0; i < sizeof presets / sizeof presets[0]; i++) {
		struct pacelc_figures part, calm, f;
		char cls[8], answered[24], stale[24], rl[48], wl[48], cs[24], a[16], b[16];
		const char *seed_cls = preset_seed_class(presets[i]);
		char seed_col[64];

		if (run(presets[i], seed, true, &part, err, sizeof err) < 0 ||
		    run(presets[i], seed, false, &calm, err, sizeof err) < 0) {
			fprintf(stderr, "capviz: --pacelc: %s\n", err);
			return EXIT_USAGE;
		}
		/* P from the partitioned run, E from the calm one. */
		rtt = calm.rtt_us;
		f = calm;
		f.minority_reads = part.minority_reads;
		f.minority_answered = part.minority_answered;
		f.minority_stale = part.minority_stale;
		pacelc_classify(&f, cls);
		/* Shares: of C's requests, those answered; of its answered
		 * reads, those stale. */
		snprintf(answered, sizeof answered, "%d/%d %d%%", part.minority_answered + part.minority_writes_answered,
			 part.minority_reads + part.minority_writes,
			 share(part.minority_answered + part.minority_writes_answered,
			       part.minority_reads + part.minority_writes));
		if (part.minority_answered)
			snprintf(stale, sizeof stale, "%d/%d %d%%", part.minority_stale, part.minority_answered,
				 share(part.minority_stale, part.minority_answered));
		else
			snprintf(stale, sizeof stale, "-");
		ms(calm.read_p50, a, sizeof a);
		ms(calm.read_p99, b, sizeof b);
		snprintf(rl, sizeof rl, "%s/%sms", a, b);
		ms(calm.write_p50, a, sizeof a);
		ms(calm.write_p99, b, sizeof b);
		snprintf(wl, sizeof wl, "%s/%sms", a, b);
		snprintf(cs, sizeof cs, "%d/%d %d%%", calm.calm_stale, calm.calm_reads, share(calm.calm_stale, calm.calm_reads));
		/* The seed's class, or no row at all (cassandra-all): then
		 * there is nothing to agree or differ with. */
		if (seed_cls)
			snprintf(seed_col, sizeof seed_col, "%-6s %s", seed_cls, strcmp(cls, seed_cls) == 0 ? "agrees" : "DIFFERS");
		else
			snprintf(seed_col, sizeof seed_col, "no row in the seed");
		printf("%-17s %-12s %-12s | %-13s %-13s %-12s | %-8s %s\n", preset_name(presets[i]), answered,
		       stale, rl, wl, cs, cls, seed_col);
		if (seed_cls && strcmp(cls, seed_cls) != 0 && nnotes < 8) {
			char why[520];

			explain(cls, seed_cls, &part, &calm, why, sizeof why);
			snprintf(notes[nnotes++], sizeof notes[0], "%s: measured %s, the seed says %s (%s). %s",
				 preset_name(presets[i]), cls, seed_cls, preset_seed_row(presets[i]), why);
		}
	}
	printf("\n(a round trip here: %.0fms, a read request and its reply at 40ms each)\n", rtt / 1000.0);
	if (nnotes) {
		printf("\nWhere the measurement and the seed's table differ:\n");
		for (int i = 0; i < nnotes; i++)
			printf("  %s\n", notes[i]);
	} else {
		printf("\nEvery preset with a row in the seed's table measured as the seed has it.\n");
	}
	seed_rows();
	return EXIT_OK;
}
