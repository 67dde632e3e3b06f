/* record.h: --record FILE: what a user did on the live screen (every
 * command, from a key or the prompt, and the scenario's own steps as they
 * ran), each at its core time, written as a scenario file that plays the
 * session back. */
#ifndef CAPVIZ_RECORD_H
#define CAPVIZ_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capviz/cmd.h"
#include "capviz/event.h"
#include "capviz/scenario.h"

struct record_line {
	int64_t t_us;
	char text[CMD_TEXT_MAX + 16];
};

struct recorder {
	struct record_line *lines;
	size_t n, cap;
	bool oom;
	struct scenario_start start;
};

void recorder_init(struct recorder *r);
void recorder_free(struct recorder *r);
/* Forgets what was recorded (the scenario restarted); start is the new run's. */
void recorder_restart(struct recorder *r, const struct scenario_start *start);
/* A world_sink_fn: every command the session carried out, every caption. */
void recorder_event(void *ctx, const struct event *e);
/* A line the driver carried out itself (pause, speed, an expectation). */
void recorder_add(struct recorder *r, int64_t t_us, const char *line);
/* Writes the recording as a scenario (sc gives its stage, label its name).
 * Returns 0, or -1 with err. */
int recorder_write(const struct recorder *r, const struct scenario *sc, const char *label, const char *path,
		   char *err, size_t errlen);

#endif
