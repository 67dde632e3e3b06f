/* scenario_stage.h: private to src/cmd: the check that a scenario's stage
 * and timeline fit a world, which the loader runs once everything parsed. */
#ifndef CAPVIZ_SCENARIO_STAGE_H
#define CAPVIZ_SCENARIO_STAGE_H

#include <stddef.h>

#include "capviz/scenario.h"

/* Replays what a world would learn of keys and set elements, from the init
 * lines, the invariants and then the timeline in order: a key used with
 * both types, or more keys or elements than a world holds, is an error
 * here rather than in the middle of a run. Returns 0, or -1 with *line and
 * msg (without FILE:LINE) naming the first problem. */
int scenario_stage_check(const struct scenario *s, int *line, char *msg, size_t msglen);

#endif
