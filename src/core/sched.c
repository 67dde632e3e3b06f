/* sched.c: the event queue as a binary min-heap keyed by (time, sequence).
 * The sequence number makes ties fall in insertion order, which keeps runs
 * reproducible whatever the heap's internal layout. */
#include <stdlib.h>
#include <string.h>

#include "capviz/sched.h"

void sched_init(struct sched *q)
{
	memset(q, 0, sizeof *q);
}

void sched_free(struct sched *q)
{
	free(q->heap);
	memset(q, 0, sizeof *q);
}

void sched_clear(struct sched *q)
{
	q->len = 0;
}

static bool item_less(const struct sched_item *a, const struct sched_item *b)
{
	if (a->at_us != b->at_us)
		return a->at_us < b->at_us;
	return a->seq < b->seq;
}

int sched_push(struct sched *q, int64_t at_us, uint32_t kind, uint32_t a, uint64_t b)
{
	struct sched_item it = { at_us, q->next_seq++, kind, a, b };
	size_t i;

	if (q->len == q->cap) {
		size_t cap = q->cap ? q->cap * 2 : 256;
		struct sched_item *h = realloc(q->heap, cap * sizeof *h);

		if (!h)
			return -1;
		q->heap = h;
		q->cap = cap;
	}
	i = q->len++;
	while (i > 0) {
		size_t parent = (i - 1) / 2;

		if (!item_less(&it, &q->heap[parent]))
			break;
		q->heap[i] = q->heap[parent];
		i = parent;
	}
	q->heap[i] = it;
	return 0;
}

bool sched_peek(const struct sched *q, struct sched_item *out)
{
	if (q->len == 0)
		return false;
	*out = q->heap[0];
	return true;
}

bool sched_pop(struct sched *q, struct sched_item *out)
{
	struct sched_item last;
	size_t i = 0;

	if (q->len == 0)
		return false;
	*out = q->heap[0];
	last = q->heap[--q->len];
	for (;;) {
		size_t child = 2 * i + 1;

		if (child >= q->len)
			break;
		if (child + 1 < q->len && item_less(&q->heap[child + 1], &q->heap[child]))
			child++;
		if (!item_less(&q->heap[child], &last))
			break;
		q->heap[i] = q->heap[child];
		i = child;
	}
	if (q->len > 0)
		q->heap[i] = last;
	return true;
}
