/* sched.h: the core's event queue, a binary heap ordered by due time, ties
 * broken by insertion order, so that a run is reproducible. It stores small
 * fixed items; what an item means is up to the world that pops it. */
#ifndef CAPVIZ_SCHED_H
#define CAPVIZ_SCHED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sched_item {
	int64_t at_us;
	uint64_t seq;
	uint32_t kind;
	uint32_t a;
	uint64_t b;
};

struct sched {
	struct sched_item *heap;
	size_t len;
	size_t cap;
	uint64_t next_seq;
};

void sched_init(struct sched *q);
void sched_free(struct sched *q);
/* Returns 0, or -1 when memory runs out (the item is not queued). */
int sched_push(struct sched *q, int64_t at_us, uint32_t kind, uint32_t a, uint64_t b);
/* The earliest item without removing it; false when the queue is empty. */
bool sched_peek(const struct sched *q, struct sched_item *out);
bool sched_pop(struct sched *q, struct sched_item *out);
void sched_clear(struct sched *q);

#endif
