/* report.h: the two text readers of a world's events: the transcript (one
 * line per event worth reading, for people) and the trace (every event as a
 * JSON object per line, for programs). Both write to a FILE. */
#ifndef CAPVIZ_REPORT_H
#define CAPVIZ_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "capviz/event.h"
#include "capviz/world.h"

struct transcript {
	FILE *out;
	const struct world *w;
	/* A link change held back to be printed with its reverse as one line. */
	bool link_held;
	struct event link;
};

struct trace {
	FILE *out;
	const struct world *w;
};

/* world_sink_fn readers; ctx is the struct transcript or struct trace. */
void transcript_event(void *ctx, const struct event *e);
void trace_event(void *ctx, const struct event *e);

/* "balance=500 (v2)": a version as people read it. */
void report_version(char *buf, size_t len, const struct world *w, int key, const struct version *v);
/* One line describing an operation and its outcome, as the transcript and
 * the screen's client panel show it. */
void report_op(char *buf, size_t len, const struct world *w, const struct op *op);
/* The transcript's opening, as the world's rules stand now: the preset's
 * part of the first line (", preset cassandra-quorum PC/EC", the class its
 * rules show; empty without a preset), and the lines after it: the preset with its
 * class beside the seed's row and its promise, then the R + W > N rule. */
void transcript_preset(char *buf, size_t len, const struct world *w);
void transcript_rules(char *buf, size_t len, const struct world *w);
/* What a read-modify-write (op->rmw) does or did: before its read
 * finished, its plan ("reads balance at QUORUM, then writes the result at
 * QUORUM"); after, what it read and wrote ("read 200 (v2) at QUORUM from B,
 * C; wrote 220"), or sent when it failed. Empty for any other op. */
void report_rmw(char *buf, size_t len, const struct world *w, const struct op *op);
/* Every replica's value of every key, on one line. */
void transcript_state(struct transcript *t, const char *label);

#endif
