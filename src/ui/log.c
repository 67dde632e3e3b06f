/* log.c: the screen as a reader of events. It keeps the event log (a ring
 * of formatted lines), takes captions and pause texts, and remembers dropped
 * messages so the canvas can show them falling. It draws nothing itself. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "capviz/report.h"
#include "capviz/ui_impl.h"

void ui_log_add(struct ui *u, enum ui_role r, const char *fmt, ...)
{
	struct ui_log_line *l = &u->logs[u->nlogs % UI_LOG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(l->text, sizeof l->text, fmt, ap);
	va_end(ap);
	l->role = r;
	u->nlogs++;
	if (u->log_scroll > 0)
		u->log_scroll++;        /* keep the lines being read in place */
	u->dirty = true;
}

static void remember_drop(struct ui *u, const struct event *e)
{
	const struct msg *m = e->msg;
	struct ui_drop *d = NULL;
	double frac;

	if (!m)
		return;
	for (int i = 0; i < UI_DROPS_MAX && !d; i++)
		if (!u->drops[i].used)
			d = &u->drops[i];
	if (!d)
		return;         /* the screen is already full of falling messages */
	frac = m->arrive_us > m->sent_us ? (double)(e->t_us - m->sent_us) / (double)(m->arrive_us - m->sent_us) : 0;
	*d = (struct ui_drop){ true, false, m->from, m->to, frac < 0.15 ? 0.15 : frac > 1 ? 1 : frac,
			       msg_class(m), 0 };
}

static void log_drop(struct ui *u, const struct event *e)
{
	remember_drop(u, e);
	/* Sends on a link that is already cut (heartbeats, retries, votes of a
	 * cut-off node) would flood the log: the canvas shows those. */
	if (e->msg && e->msg->sent_us != e->t_us && msg_class(e->msg) != MC_HEARTBEAT)
		ui_log_add(u, UR_MSG_DROP, "%7.3f drop %c>%c %s: %s", e->t_us / 1e6, 'A' + e->node,
			   'A' + e->peer, msg_kind_name(e->msg->kind), e->text);
}

static void log_op(struct ui *u, const struct event *e)
{
	char buf[UI_LOG_LINE];
	enum ui_role r = e->op->result == RES_ERROR ? UR_RESULT_ERROR :
			 e->op->result == RES_UNKNOWN ? UR_RESULT_UNKNOWN :
			 e->op->stale ? UR_RESULT_STALE : e->op->conflict ? UR_CONFLICT : UR_RESULT_OK;

	report_op(buf, sizeof buf, u->w, e->op);
	ui_log_add(u, r, "%7.3f %s", e->t_us / 1e6, buf);
}

/* A cut or restore of both directions comes as two events at one instant:
 * the second turns the first's line into "link A-C cut". */
static void log_link(struct ui *u, const struct event *e)
{
	double t = e->t_us / 1e6;

	if (u->link_held && u->link_t_us == e->t_us && u->link_node == e->peer && u->link_peer == e->node &&
	    u->link_up == e->up && u->nlogs - 1 == u->link_at) {
		struct ui_log_line *l = &u->logs[u->link_at % UI_LOG_MAX];
		int a = e->node < e->peer ? e->node : e->peer, b = e->node < e->peer ? e->peer : e->node;

		snprintf(l->text, sizeof l->text, "%7.3f link %c-%c %s", t, 'A' + a, 'A' + b,
			 e->up ? "restored" : "cut");
		u->link_held = false;
		u->dirty = true;
		return;
	}
	ui_log_add(u, e->up ? UR_LINK_UP : UR_LINK_CUT, "%7.3f link %c>%c %s", t, 'A' + e->node, 'A' + e->peer,
		   e->up ? "restored" : "cut");
	u->link_held = true;
	u->link_t_us = e->t_us;
	u->link_node = e->node;
	u->link_peer = e->peer;
	u->link_up = e->up;
	u->link_at = u->nlogs - 1;
}

/* What a heal did, in words first: the colour only repeats them. */
static void log_heal(struct ui *u, const struct event *e)
{
	double t = e->t_us / 1e6;

	switch (e->kind) {
	case EV_HEAL:
		if (e->up)
			ui_log_add(u, UR_RESOLVE, "%7.3f heal by %s: every link restored, replicas converge", t, e->text);
		else
			ui_log_add(u, UR_RESOLVE, "%7.3f heal: every link restored; %s", t, e->text);
		break;
	case EV_CONFLICT:
		ui_log_add(u, UR_CONFLICT, "%7.3f %s CONFLICT: %s", t, u->g->conflict, e->text);
		break;
	case EV_RESOLVE:
		ui_log_add(u, UR_RESOLVE, "%7.3f resolve %s", t, e->text);
		break;
	case EV_LOST:
		ui_log_add(u, UR_RESULT_LOST, "%7.3f LOST #%" PRIu64 " at %c: %s", t, e->op ? e->op->id : 0,
			   'A' + (e->node >= 0 ? e->node : 0), e->text);
		break;
	case EV_STALE:
		ui_log_add(u, UR_RESULT_STALE, "%7.3f STALE %s", t, e->text);
		break;
	default:        /* EV_INVARIANT */
		if (e->up)
			ui_log_add(u, UR_RESULT_OK, "%7.3f %s", t, e->text);
		else
			ui_log_add(u, UR_BROKEN, "%7.3f %s BROKEN: %s", t, u->g->broken, e->text);
		break;
	}
}

static void log_text(struct ui *u, const struct event *e)
{
	double t = e->t_us / 1e6;
	char v[128];

	switch (e->kind) {
	case EV_LINK:
		log_link(u, e);
		break;
	case EV_HEAL:
	case EV_CONFLICT:
	case EV_RESOLVE:
	case EV_LOST:
	case EV_STALE:
	case EV_INVARIANT:
		log_heal(u, e);
		break;
	case EV_CRASH:
	case EV_RECOVER:
		ui_log_add(u, e->kind == EV_CRASH ? UR_NODE_CRASHED : UR_NORMAL, "%7.3f %c %s", t,
			   'A' + e->node, e->kind == EV_CRASH ? "crashed" : "recovered");
		break;
	case EV_ROLE:
		if (e->role == ROLE_LEADER)
			ui_log_add(u, UR_NODE_LEADER, "%7.3f %c is leader (term %" PRIu64 ")", t,
				   'A' + e->node, e->term);
		break;
	case EV_APPLY:
		report_version(v, sizeof v, u->w, e->key, &e->v);
		ui_log_add(u, UR_NORMAL, "%7.3f %c stores %s", t, 'A' + e->node, v);
		break;
	case EV_HINT:
		if (e->node < 0 || e->peer < 0 || u->hint_wid[e->node][e->peer] == e->v.wid)
			break;
		u->hint_wid[e->node][e->peer] = e->v.wid;
		report_version(v, sizeof v, u->w, e->key, &e->v);
		ui_log_add(u, UR_NORMAL, "%7.3f %c holds a hint for %c: %s", t, 'A' + e->node,
			   'A' + e->peer, v);
		break;
	case EV_EXPECT:
		ui_log_add(u, e->up ? UR_RESULT_OK : UR_RESULT_ERROR, "%7.3f %s %s", t, e->up ? "check" : "FAILED", e->text);
		break;
	case EV_LOCK:
		/* A split brain is news worth the message line too. */
		if (strncmp(e->text, "SPLIT", 5) == 0)
			ui_status(u, true, e->text);
		else if (strncmp(u->status_text, "SPLIT", 5) == 0)
			ui_status(u, false, e->text);   /* what became of the split brain */
		ui_log_add(u, strncmp(e->text, "SPLIT", 5) == 0 ? UR_BROKEN : UR_TITLE, "%7.3f %s", t, e->text);
		break;
	default:
		ui_log_add(u, UR_NORMAL, "%7.3f %s %s", t, event_kind_name(e->kind), e->text);
		break;
	}
}

/* A caption from the timeline. Several at one instant (a say and the
 * pause after it) are joined: each would otherwise replace the last before
 * anyone could read it. Each goes to the log too, so none is ever lost. */
static void caption_event(struct ui *u, const struct event *e)
{
	const char *text = e->kind == EV_PAUSE && !e->text[0] ? "Paused by the scenario: space resumes." : e->text;
	char joined[sizeof u->caption_text];

	if (u->caption_set && u->caption_us == e->t_us && u->caption_text[0]) {
		size_t a = strlen(u->caption_text), b = strlen(text);

		if (a > sizeof joined - 2)
			a = sizeof joined - 2;
		if (a + 1 + b >= sizeof joined)
			b = sizeof joined - a - 2;
		memcpy(joined, u->caption_text, a);
		joined[a] = ' ';
		memcpy(joined + a + 1, text, b);
		joined[a + 1 + b] = '\0';
		ui_caption(u, joined);
	} else {
		ui_caption(u, text);
	}
	u->caption_set = true;
	u->caption_us = e->t_us;
	ui_log_add(u, UR_CAPTION, "%7.3f %s %s", e->t_us / 1e6, e->kind == EV_PAUSE ? "pause" : "say", text);
}

void ui_event(void *ctx, const struct event *e)
{
	struct ui *u = ctx;

	ui_st_event(u, e);
	switch (e->kind) {
	case EV_SEND:
		return;         /* the canvas shows messages in flight */
	case EV_DELIVER:
	case EV_INVOKE:
		/* A delivery may change what a card says (the leader a node
		 * knows); a request shows as pending: repaint the panels. */
		u->dirty = true;
		return;
	case EV_DROP:
		log_drop(u, e);
		return;
	case EV_SAY:
	case EV_PAUSE:
		caption_event(u, e);
		return;
	case EV_COMPARE:
		/* The scenario's compare is the f key's: the same state healed
		 * three ways, side by side (once for its three events). */
		if (!u->show_fork || u->fork.at_us != e->t_us)
			ui_fork_open(u, u->w);
		log_text(u, e);
		return;
	case EV_OP:
		u->ops_scroll = 0;      /* show the outcome that just came in */
		log_op(u, e);
		return;
	case EV_COMMAND:
		ui_log_add(u, UR_TITLE, "%7.3f > %s", e->t_us / 1e6, e->text);
		return;
	default:
		log_text(u, e);
	}
}
