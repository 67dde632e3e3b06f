/* spacetime_log.c: what the space-time diagram (spacetime.c) remembers
 * of a run: every message from its send to its delivery or drop, and the
 * marks on the lanes (cuts, restores, crashes, recoveries, new leaders).
 * It is fed every event the screen reads; memory is bounded. */
#include <stdlib.h>
#include <string.h>

#include "capviz/ui_impl.h"

/* Memory is bounded: past this many messages the older half is forgotten. */
#define ST_MSGS_MAX 200000

static bool grow(void **p, size_t *cap, size_t n, size_t size)
{
	void *q;
	size_t c;

	if (n < *cap)
		return true;
	c = *cap ? *cap * 2 : 256;
	q = realloc(*p, c * size);
	if (!q)
		return false;
	*p = q;
	*cap = c;
	return true;
}

static void add_mark(struct ui *u, int64_t t, enum ui_st_kind k, int node, int peer)
{
	struct ui_st *st = &u->st;

	if (!grow((void **)&st->marks, &st->mcap, st->nmarks, sizeof *st->marks))
		return;
	st->marks[st->nmarks++] = (struct ui_st_mark){ t, (uint8_t)k, (int8_t)node, (int8_t)peer };
}

/* The oldest half goes when memory is full: the diagram says from when it
 * still knows the messages. */
static void forget_half(struct ui_st *st)
{
	size_t half = st->nmsgs / 2;

	st->forgot_us = st->msgs[half].sent_us;
	memmove(st->msgs, st->msgs + half, (st->nmsgs - half) * sizeof *st->msgs);
	st->nmsgs -= half;
	st->open = st->open > half ? st->open - half : 0;
}

static struct ui_st_msg *find_msg(struct ui_st *st, uint64_t id)
{
	/* Messages in flight are few and recent: search back to the first. */
	for (size_t i = st->nmsgs; i-- > st->open;)
		if (st->msgs[i].id == id && st->msgs[i].end_us < 0)
			return &st->msgs[i];
	return NULL;
}

void ui_st_event(struct ui *u, const struct event *e)
{
	struct ui_st *st = &u->st;
	struct ui_st_msg *m;
	enum msg_class cls;

	switch (e->kind) {
	case EV_SEND:
		if (!e->msg || e->msg->from < 0 || e->msg->from >= WORLD_MAX_NODES || e->msg->to < 0 ||
		    e->msg->to >= WORLD_MAX_NODES)
			return;
		if (st->nmsgs >= ST_MSGS_MAX)
			forget_half(st);
		if (!grow((void **)&st->msgs, &st->cap, st->nmsgs, sizeof *st->msgs))
			return;
		cls = msg_class(e->msg);
		/* A heartbeat's answer is one too (they are hidden together). */
		if (e->msg->kind == MSG_APPEND_REPLY && st->beat_in[e->msg->to][e->msg->from])
			cls = MC_HEARTBEAT;
		st->msgs[st->nmsgs++] = (struct ui_st_msg){ e->t_us, e->msg->arrive_us, -1, e->msg->id,
							    (int8_t)e->msg->from, (int8_t)e->msg->to,
							    (uint8_t)cls, false };
		return;
	case EV_DELIVER:
	case EV_DROP:
		if (!e->msg || !(m = find_msg(st, e->msg->id)))
			return;
		if (e->kind == EV_DELIVER && e->msg->kind == MSG_APPEND)
			st->beat_in[m->from][m->to] = m->cls == MC_HEARTBEAT;
		m->end_us = e->t_us;
		m->dropped = e->kind == EV_DROP;
		while (st->open < st->nmsgs && st->msgs[st->open].end_us >= 0)
			st->open++;
		return;
	case EV_LINK:
		add_mark(u, e->t_us, e->up ? STM_RESTORE : STM_CUT, e->node, e->peer);
		return;
	case EV_CRASH:
		add_mark(u, e->t_us, STM_CRASH, e->node, -1);
		return;
	case EV_RECOVER:
		add_mark(u, e->t_us, STM_RECOVER, e->node, -1);
		return;
	case EV_ROLE:
		if (e->role == ROLE_LEADER)
			add_mark(u, e->t_us, STM_LEADER, e->node, -1);
		return;
	default:
		return;
	}
}

void ui_st_reset(struct ui *u)
{
	struct ui_st *st = &u->st;

	free(st->msgs);
	free(st->marks);
	st->msgs = NULL;
	st->marks = NULL;
	st->nmsgs = st->cap = st->open = st->nmarks = st->mcap = 0;
	st->forgot_us = 0;
	memset(st->beat_in, 0, sizeof st->beat_in);
	st->follow = true;
	st->top_us = 0;
}
