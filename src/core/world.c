/* world.c: the simulated world's life cycle and its clock: it pops the event
 * queue, hands deliveries and timers to the protocols, and records client
 * operations. The user's commands that reshape the network live in
 * topology.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capviz/world.h"

static const struct proto *const protos[PROTO_COUNT] = {
	[PROTO_LEADERLESS] = &leaderless_proto,
	[PROTO_LEADER] = &leader_proto,
	[PROTO_STRICT] = &strict_proto,
};

static enum proto_id active_proto(const struct world *w)
{
	switch (w->mode) {
	case MODE_AP:
		return PROTO_LEADERLESS;
	case MODE_STRICT:
		return PROTO_STRICT;
	default:
		return PROTO_LEADER;
	}
}

const struct proto *world_proto(const struct world *w)
{
	return protos[active_proto(w)];
}

static void timing_defaults(struct world_timing *t)
{
	t->latency_us = 40000;
	t->jitter_us = 10000;
	t->request_timeout_us = 1000000;
	t->election_min_us = 300000;
	t->election_max_us = 600000;
	t->heartbeat_us = 100000;
	t->session_timeout_us = 2000000;
	t->detector_us = DETECTOR_DEFAULT_US;
}

int world_init(struct world *w, int n, uint64_t seed, enum mode mode, char *err, size_t errlen)
{
	memset(w, 0, sizeof *w);
	if (n < 1 || n > WORLD_MAX_NODES) {
		snprintf(err, errlen, "nodes must be 1 to %d, not %d", WORLD_MAX_NODES, n);
		return -1;
	}
	if ((unsigned)mode >= MODE_COUNT) {
		snprintf(err, errlen, "unknown mode");
		return -1;
	}
	w->n = n;
	w->seed = seed;
	rng_seed(&w->rng, seed);
	sched_init(&w->q);
	history_init(&w->hist);
	if (checker_init(&w->chk) < 0) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	timing_defaults(&w->timing);
	for (int i = 0; i < n; i++) {
		w->nodes[i].id = i;
		store_init(&w->nodes[i].store);
		w->nodes[i].ld.voted_for = -1;
		w->nodes[i].ld.leader = -1;
		for (int j = 0; j < n; j++) {
			struct link *l = &w->links[i][j];

			l->up = i != j;
			for (int k = 0; k < LK_COUNT; k++)
				l->lat[k] = (struct lat_model){ LD_UNIFORM, w->timing.latency_us, w->timing.jitter_us, 0 };
		}
	}
	w->mode = mode;
	w->read_level = LEVEL_ONE;
	w->write_level = LEVEL_ONE;
	world_proto(w)->enter(w);
	return 0;
}

void world_free(struct world *w)
{
	for (int i = 0; i < w->n; i++) {
		leaderless_node_free(&w->nodes[i].ll);
		leader_node_free(&w->nodes[i].ld);
		strict_node_free(&w->nodes[i].st);
	}
	free(w->msgs);
	free(w->free_slots);
	sched_free(&w->q);
	history_free(&w->hist);
	checker_free(&w->chk);
	memset(w, 0, sizeof *w);
}

void world_set_sink(struct world *w, world_sink_fn *fn, void *ctx)
{
	w->sink = fn;
	w->sink_ctx = ctx;
}

struct event world_event(const struct world *w, enum event_kind kind)
{
	struct event e;

	memset(&e, 0, sizeof e);
	e.t_us = w->now_us;
	e.kind = kind;
	e.node = -1;
	e.peer = -1;
	e.key = -1;
	e.text = "";
	return e;
}

void world_emit(struct world *w, struct event *e)
{
	w->stats.events++;
	if (!e->text)
		e->text = "";
	if (w->sink)
		w->sink(w->sink_ctx, e);
}

void world_vtext(struct world *w, enum event_kind kind, int node, int peer, const char *fmt, va_list ap)
{
	char buf[512];
	struct event e = world_event(w, kind);

	vsnprintf(buf, sizeof buf, fmt, ap);
	e.node = node;
	e.peer = peer;
	e.text = buf;
	world_emit(w, &e);
}

void world_note(struct world *w, int node, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	world_vtext(w, EV_NOTE, node, -1, fmt, ap);
	va_end(ap);
}

void world_lock_note(struct world *w, int node, int key, const char *fmt, ...)
{
	char buf[320];
	struct event e = world_event(w, EV_LOCK);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	e.node = node;
	e.key = key;
	e.text = buf;
	world_emit(w, &e);
}

void world_say(struct world *w, const char *text, int line)
{
	struct event e = world_event(w, EV_SAY);

	e.text = text;
	e.line = line;
	world_emit(w, &e);
}

/* --- time --- */

/* Is the item at the head of the queue one that would do nothing? */
static bool item_stale(const struct world *w, const struct sched_item *it)
{
	if (it->kind == ITEM_DELIVER)
		return it->a >= w->msgs_cap || w->msgs[it->a].id != it->b;
	if (it->kind == ITEM_TIMER) {
		int node = (int)(it->a >> 16);
		enum proto_id p = (enum proto_id)((it->a >> 8) & 0xff);

		int sub = (int)(it->a & 0xff);

		/* The strict protocol heals through the leaderless heal. */
		if (p == PROTO_LEADERLESS && sub == LEADERLESS_SUB_HEAL)
			return w->nodes[node].crashed;
		return w->nodes[node].crashed || p != active_proto(w);
	}
	if (it->kind == ITEM_DETECT)
		return !detector_due(w, it->at_us);
	return true;
}

int64_t world_next_at(struct world *w)
{
	struct sched_item it;

	while (sched_peek(&w->q, &it)) {
		if (!item_stale(w, &it))
			return it.at_us;
		sched_pop(&w->q, &it);
	}
	return -1;
}

static void run_item(struct world *w, const struct sched_item *it)
{
	if (it->kind == ITEM_DELIVER) {
		struct msg m;

		if (!net_arrive(w, it->a, it->b, &m))
			return;
		struct event e = world_event(w, EV_DELIVER);

		e.node = m.to;
		e.peer = m.from;
		e.msg = &m;
		w->stats.delivered++;
		world_emit(w, &e);
		protos[proto_of_msg(m.kind)]->deliver(w, &m);
	} else if (it->kind == ITEM_TIMER) {
		int node = (int)(it->a >> 16);
		enum proto_id p = (enum proto_id)((it->a >> 8) & 0xff);

		protos[p]->timer(w, node, (int)(it->a & 0xff), it->b);
	} else if (it->kind == ITEM_DETECT) {
		detector_sweep(w);
	}
}

bool world_step(struct world *w)
{
	struct sched_item it;

	if (world_next_at(w) < 0)
		return false;
	sched_pop(&w->q, &it);
	if (it.at_us > w->now_us)
		w->now_us = it.at_us;
	run_item(w, &it);
	return true;
}

void world_run_until(struct world *w, int64_t t_us)
{
	for (;;) {
		int64_t next = world_next_at(w);

		if (next < 0 || next > t_us)
			break;
		world_step(w);
	}
	if (t_us > w->now_us)
		w->now_us = t_us;
}

void world_advance(struct world *w, int64_t t_us)
{
	if (t_us > w->now_us)
		w->now_us = t_us;
}

size_t world_pending_ops(const struct world *w)
{
	return w->pending_ops;
}

uint64_t world_token(struct world *w)
{
	return ++w->next_token;
}

void world_timer(struct world *w, int node, enum proto_id p, int sub, int64_t delay_us, uint64_t token)
{
	uint32_t a = ((uint32_t)node << 16) | ((uint32_t)p << 8) | ((uint32_t)sub & 0xff);

	if (delay_us < 0)
		delay_us = 0;
	if (sched_push(&w->q, w->now_us + delay_us, ITEM_TIMER, a, token) < 0)
		w->oom = true;
}

int64_t world_clock(const struct world *w, int node)
{
	return w->now_us + w->nodes[node].skew_us;
}

int world_quorum(const struct world *w)
{
	return w->n / 2 + 1;
}

int world_level_need(const struct world *w, int level)
{
	switch (level) {
	case LEVEL_QUORUM:
		return world_quorum(w);
	case LEVEL_ALL:
		return w->n;
	default:
		return 1;
	}
}
