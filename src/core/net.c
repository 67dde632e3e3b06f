/* net.c: the network between replicas. Each directed link has a latency
 * (a model per kind of message, latency.h), a loss rate and an up/down
 * state. A message in flight lives in a pool slot until it is delivered or
 * dropped; views read the pool to draw each message where it is. */
#include <stdlib.h>
#include <string.h>

#include "capviz/world.h"

static int pool_grow(struct world *w)
{
	size_t cap = w->msgs_cap ? w->msgs_cap * 2 : 64;
	struct msg *msgs = realloc(w->msgs, cap * sizeof *msgs);
	uint32_t *free_slots;

	if (!msgs)
		return -1;
	w->msgs = msgs;
	free_slots = realloc(w->free_slots, cap * sizeof *free_slots);
	if (!free_slots)
		return -1;
	w->free_slots = free_slots;
	/* New slots go on the free list highest first, so slot 0 is used first. */
	for (size_t i = cap; i > w->msgs_cap; i--) {
		w->msgs[i - 1].id = 0;
		w->free_slots[w->nfree++] = (uint32_t)(i - 1);
	}
	w->msgs_cap = cap;
	return 0;
}

static void drop_event(struct world *w, const struct msg *m, const char *why)
{
	struct event e = world_event(w, EV_DROP);

	e.node = m->from;
	e.peer = m->to;
	e.msg = m;
	e.text = why;
	w->stats.dropped++;
	world_emit(w, &e);
}

static void free_slot(struct world *w, uint32_t slot)
{
	w->msgs[slot].id = 0;
	w->free_slots[w->nfree++] = slot;
	w->inflight--;
}

void net_send(struct world *w, int from, int to, const struct msg *m)
{
	const struct link *l;
	struct msg *copy;
	struct event e;
	int64_t lat;
	uint32_t slot;
	bool lost;

	if (from == to || from < 0 || to < 0 || from >= w->n || to >= w->n)
		return;
	if (w->nodes[from].crashed)
		return;         /* a crashed node sends nothing */
	l = &w->links[from][to];
	lat = lat_sample(&l->lat[lat_kind_of(m)], &w->rng);
	lost = l->loss_pct > 0 && (int)rng_below(&w->rng, 100) < l->loss_pct;
	if (w->nfree == 0 && pool_grow(w) < 0) {
		w->oom = true;
		return;
	}
	/* Written straight into its pool slot: messages are large. */
	slot = w->free_slots[--w->nfree];
	copy = &w->msgs[slot];
	*copy = *m;
	copy->id = ++w->next_msg_id;
	copy->from = from;
	copy->to = to;
	copy->sent_us = w->now_us;
	copy->arrive_us = w->now_us + lat;
	copy->lost = lost;
	w->inflight++;
	w->stats.sent++;
	e = world_event(w, EV_SEND);
	e.node = from;
	e.peer = to;
	e.msg = copy;
	world_emit(w, &e);
	if (!l->up) {
		struct msg gone = *copy;

		free_slot(w, slot);
		drop_event(w, &gone, "link is cut");
		return;
	}
	if (sched_push(&w->q, copy->arrive_us, ITEM_DELIVER, slot, copy->id) < 0)
		w->oom = true;
}

void net_drop_link(struct world *w, int from, int to, const char *why)
{
	for (size_t i = 0; i < w->msgs_cap; i++) {
		struct msg *m = &w->msgs[i];

		if (m->id == 0 || m->from != from || m->to != to)
			continue;
		struct msg gone = *m;

		free_slot(w, (uint32_t)i);
		drop_event(w, &gone, why);
	}
}

const struct msg *net_slot(const struct world *w, size_t i)
{
	if (i >= w->msgs_cap || w->msgs[i].id == 0)
		return NULL;
	return &w->msgs[i];
}

bool net_arrive(struct world *w, uint32_t slot, uint64_t id, struct msg *out)
{
	if (slot >= w->msgs_cap || w->msgs[slot].id != id)
		return false;
	*out = w->msgs[slot];
	free_slot(w, slot);
	if (out->lost) {
		drop_event(w, out, "lost in transit");
		return false;
	}
	if (w->nodes[out->to].crashed) {
		drop_event(w, out, "receiver is down");
		return false;
	}
	return true;
}
