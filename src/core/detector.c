/* detector.c: each node's failure detector (see detector.h for the model).
 * The world tells it of every change to links and nodes; it keeps, per
 * node, the peers that node believes down, queues the moment a silence
 * reaches the delay, and says each change of belief as a note while the
 * leaderless protocol, the one that acts on them, runs. What a belief does
 * to a request is leaderless.c's and lwt.c's business. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "capviz/world.h"

/* Beliefs are told while the leaderless protocol runs: it is the one that
 * acts on them (the leader-based one has its own heartbeats). */
static bool telling(const struct world *w)
{
	return w->mode == MODE_AP;
}

static void note(struct world *w, int node, int peer, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void note(struct world *w, int node, int peer, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	world_vtext(w, EV_NOTE, node, peer, fmt, ap);
	va_end(ap);
}

void detector_delay_text(int64_t us, char *buf, size_t len)
{
	char num[32];
	size_t n;

	if (us <= 0) {
		snprintf(buf, len, "0");
		return;
	}
	snprintf(num, sizeof num, "%.3f", us / 1e6);
	n = strlen(num);
	while (n > 0 && num[n - 1] == '0')
		num[--n] = '\0';
	if (n > 0 && num[n - 1] == '.')
		num[--n] = '\0';
	snprintf(buf, len, "%ss", num);
}

int64_t world_silent_since(const struct world *w, int peer, int node)
{
	int64_t since = -1;

	if (peer == node || peer < 0 || node < 0 || peer >= w->n || node >= w->n)
		return -1;
	/* Both conditions last until now, so their union began with the
	 * earlier one. */
	if (!w->links[peer][node].up)
		since = w->links[peer][node].down_us;
	if (w->nodes[peer].crashed && (since < 0 || w->nodes[peer].crashed_us < since))
		since = w->nodes[peer].crashed_us;
	return since;
}

bool world_believes_down(const struct world *w, int node, int peer)
{
	if (node < 0 || node >= w->n || peer < 0 || peer >= w->n)
		return false;
	return (w->nodes[node].believes_down >> peer) & 1u;
}

uint32_t world_believed_down(const struct world *w, int node)
{
	if (!telling(w) || node < 0 || node >= w->n || w->nodes[node].crashed)
		return 0;
	return w->nodes[node].believes_down;
}

/* "A believes C down: no word from C for 5.0s (the failure detector's
 * delay: 5s)". */
static void say_down(struct world *w, int node, int peer)
{
	char delay[32];
	int64_t silent_us = w->now_us - world_silent_since(w, peer, node);

	if (w->timing.detector_us == 0 && silent_us == 0) {
		note(w, node, peer, "%c believes %c down at once: it hears nothing from %c (the failure detector's "
		     "delay: 0)", 'A' + node, 'A' + peer, 'A' + peer);
		return;
	}
	detector_delay_text(w->timing.detector_us, delay, sizeof delay);
	note(w, node, peer, "%c believes %c down: no word from %c for %.1fs (the failure detector's delay: %s)",
	     'A' + node, 'A' + peer, 'A' + peer, silent_us / 1e6, delay);
}

static void convict(struct world *w, int node, int peer, bool restarted)
{
	w->nodes[node].believes_down |= 1u << peer;
	if (!telling(w))
		return;
	if (restarted) {
		note(w, node, peer, "%c, back up, believes %c down: it hears nothing from %c (a restarted node "
		     "counts a peer down until it hears from it)", 'A' + node, 'A' + peer, 'A' + peer);
		return;
	}
	say_down(w, node, peer);
}

static void acquit(struct world *w, int node, int peer)
{
	w->nodes[node].believes_down &= ~(1u << peer);
	if (telling(w))
		note(w, node, peer, "%c believes %c up again: it hears from %c (gossip resumes)", 'A' + node,
		     'A' + peer, 'A' + peer);
}

static void queue_at(struct world *w, int64_t at_us)
{
	if (at_us < w->now_us)
		at_us = w->now_us;
	if (sched_push(&w->q, at_us, ITEM_DETECT, 0, 0) < 0)
		w->oom = true;
}

/* Is node due to believe peer down by at_us (silent for the delay, not
 * believed down yet)? */
static bool pair_due(const struct world *w, int node, int peer, int64_t at_us)
{
	int64_t since = world_silent_since(w, peer, node);

	return !w->nodes[node].crashed && since >= 0 && !world_believes_down(w, node, peer) &&
	       since + w->timing.detector_us <= at_us;
}

void detector_changed(struct world *w)
{
	for (int i = 0; i < w->n; i++) {
		if (w->nodes[i].crashed)
			continue;
		for (int j = 0; j < w->n; j++) {
			int64_t since = world_silent_since(w, j, i);

			if (j == i)
				continue;
			if (since < 0 && world_believes_down(w, i, j))
				acquit(w, i, j);
			else if (pair_due(w, i, j, w->now_us))
				convict(w, i, j, false);
			else if (since >= 0 && !world_believes_down(w, i, j))
				/* Queued again at each change: a silence's start
				 * can move (a link restored while the peer is
				 * still down). A moment no longer due is skipped. */
				queue_at(w, since + w->timing.detector_us);
		}
	}
}

void detector_crashed(struct world *w, int node)
{
	w->nodes[node].believes_down = 0;
	detector_changed(w);
}

void detector_recovered(struct world *w, int node)
{
	w->nodes[node].believes_down = 0;
	for (int j = 0; j < w->n; j++)
		if (j != node && world_silent_since(w, j, node) >= 0)
			convict(w, node, j, true);
	detector_changed(w);
}

bool detector_due(const struct world *w, int64_t at_us)
{
	for (int i = 0; i < w->n; i++)
		for (int j = 0; j < w->n; j++)
			if (j != i && pair_due(w, i, j, at_us))
				return true;
	return false;
}

void detector_sweep(struct world *w)
{
	for (int i = 0; i < w->n; i++)
		for (int j = 0; j < w->n; j++)
			if (j != i && pair_due(w, i, j, w->now_us))
				convict(w, i, j, false);
}

bool world_detector_text(const struct world *w, char *buf, size_t len)
{
	char delay[32], after[72];

	detector_delay_text(w->timing.detector_us, delay, sizeof delay);
	if (w->timing.detector_us == 0)
		snprintf(after, sizeof after, "the moment it hears nothing from it");
	else
		snprintf(after, sizeof after, "after %s without word from it", delay);
	snprintf(buf, len, "failure detector %s%s: a node believes a peer down %s; a request needing more "
		 "replicas than its node believes up fails at once (Unavailable)", delay,
		 telling(w) ? "" : ", for ap mode", after);
	return telling(w);
}

void world_set_detector(struct world *w, int64_t delay_us)
{
	char text[256];
	struct event e = world_event(w, EV_CONFIG);

	if (delay_us < 0)
		delay_us = 0;
	w->timing.detector_us = delay_us;
	world_detector_text(w, text, sizeof text);
	e.text = text;
	world_emit(w, &e);
	/* Silences already that long convict now; the others when they are. */
	for (int i = 0; i < w->n; i++)
		for (int j = 0; j < w->n; j++) {
			int64_t since = world_silent_since(w, j, i);

			if (j == i || w->nodes[i].crashed || since < 0 || world_believes_down(w, i, j))
				continue;
			if (pair_due(w, i, j, w->now_us))
				convict(w, i, j, false);
			else
				queue_at(w, since + delay_us);
		}
}

void detector_tell(struct world *w)
{
	for (int i = 0; i < w->n; i++)
		for (int j = 0; j < w->n; j++)
			if (j != i && !w->nodes[i].crashed && world_believes_down(w, i, j) &&
			    world_silent_since(w, j, i) >= 0)
				say_down(w, i, j);
}

/* "A and B", "A, B and D": the nodes in mask. */
static void node_names(uint32_t mask, char *buf, size_t len)
{
	int total = 0, k = 0;
	size_t used = 0;

	for (uint32_t m = mask; m; m &= m - 1)
		total++;
	buf[0] = '\0';
	for (int i = 0; i < 32 && used < len; i++) {
		if (!(mask & (1u << i)))
			continue;
		k++;
		used += (size_t)snprintf(buf + used, len - used, "%s%c", k == 1 ? "" : k == total ? " and " : ", ",
					 'A' + i);
	}
}

bool world_unavailable(const struct world *w, int node, int need, const char *level, const char *what, char *buf,
		       size_t len)
{
	uint32_t down = w->nodes[node].believes_down;
	int up = w->n, total = 0;
	int64_t shortest = -1, longest = -1;
	char names[32], silence[64];

	for (int j = 0; j < w->n; j++) {
		int64_t since = world_silent_since(w, j, node);

		if (!(down & (1u << j)))
			continue;
		up--;
		total++;
		/* A belief lasts until word comes, so a believed-down peer is
		 * silent; a peer that is not would have been believed up. */
		if (since < 0)
			continue;
		if (shortest < 0 || w->now_us - since < shortest)
			shortest = w->now_us - since;
		if (w->now_us - since > longest)
			longest = w->now_us - since;
	}
	if (up >= need)
		return false;
	node_names(down, names, sizeof names);
	if (shortest < 0)
		silence[0] = '\0';
	else if (longest < 50000)
		snprintf(silence, sizeof silence, " (%s fell silent just now)", total > 1 ? "they" : "it");
	else if (longest - shortest < 50000)
		snprintf(silence, sizeof silence, " (no word from %s for %.1fs)", total > 1 ? "them" : "it",
			 longest / 1e6);
	else
		snprintf(silence, sizeof silence, " (no word from them for %.1fs to %.1fs)", shortest / 1e6,
			 longest / 1e6);
	snprintf(buf, len, "Unavailable: %c believes %s down%s; %s needs %d of %d replicas, %d %s up%s%s", 'A' + node,
		 names, silence, level, need, w->n, up, up == 1 ? "is" : "are", what ? ": " : "", what ? what : "");
	return true;
}
