/* export.h: taking a run home. Two readers of a session's events that write
 * a file when the run ends: a Markdown handout for people (scenario,
 * captions, transcript, outcomes, scoreboard) and a ShiViz log for the
 * space-time visualizer (each event with the vector clock of its node). */
#ifndef CAPVIZ_EXPORT_H
#define CAPVIZ_EXPORT_H

#include <stddef.h>
#include <stdio.h>

#include "capviz/event.h"

struct session;
struct world;

/* A file an export is to create: not standard output (it is written when
 * the run ends, over the transcript), not a name ending in .ini (a
 * scenario's or a theme's, most likely a slip of the hand that would lose
 * the user's file). what names the export, hint the name to give instead.
 * Returns 0, or -1 with err set. */
int export_path_check(const char *path, const char *what, const char *hint, char *err, size_t errlen);

/* --export FILE.md. Opening checks that path can be written (it is
 * created then); NULL with err set when it cannot. */
struct handout;
struct handout *handout_open(const char *path, const struct world *w, char *err, size_t errlen);
/* A world_sink_fn; ctx is the struct handout. */
void handout_event(void *ctx, const struct event *e);
/* The run started again (the live R key): what was gathered is dropped. */
void handout_reset(struct handout *h);
/* Writes the handout of s's run and frees h (also on failure). Returns 0,
 * or -1 with err set. */
int handout_close(struct handout *h, const struct session *s, char *err, size_t errlen);

/* Shared by handout.c and handout_tables.c. s as Markdown shows it as
 * written (emphasis, code, HTML and the table pipe escaped); the longest
 * run of backticks in s (a code fence must be longer); a fence of ticks
 * (at least three) with its info string. */
void md_text(FILE *f, const char *s);
int md_ticks(const char *s, size_t len);
void md_fence(FILE *f, int ticks, const char *info);
/* The handout's Scoreboard and Replicas at the end sections. */
void handout_scoreboard(FILE *f, const struct session *s);
void handout_replicas(FILE *f, const struct session *s);

/* --export-shiviz FILE. Same life cycle as the handout. */
struct shiviz;
struct shiviz *shiviz_open(const char *path, const struct world *w, char *err, size_t errlen);
void shiviz_event(void *ctx, const struct event *e);
void shiviz_reset(struct shiviz *x);
int shiviz_close(struct shiviz *x, const struct session *s, char *err, size_t errlen);
/* Shared by shiviz.c and shiviz_text.c: the words for message m, and for
 * event e at its node (false for an event that is no node's own). */
struct msg;
void shiviz_msg_text(char *buf, size_t len, const struct world *w, const struct msg *m);
bool shiviz_event_text(char *buf, size_t len, const struct world *w, const struct event *e);

#endif
