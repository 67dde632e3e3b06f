/* heal.c: how the leaderless protocol heals a partition. The heal's
 * coordinator (the first node that is up) gathers every replica's state of
 * every key, resolves what diverged by the chosen strategy, and hands the
 * result to every replica as a hint (so a replica that is down gets it when
 * it returns). Each step is messages on the links, so the heal animates and
 * its duration is measured; the resolution says what was kept and lost. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "capviz/world.h"

static void say_version(const struct world *w, int key, const struct version *v, char *buf, size_t len)
{
	const struct write_rec *wr = history_write(&w->hist, v->wid);
	char val[96];

	world_format_value(w, key, v->value, val, sizeof val);
	/* A scenario's first value was written by nobody, at no time. */
	if (wr && wr->op == 0 && wr->invoke_us < 0)
		snprintf(buf, len, "write #%" PRIu64 " (%s, the first value)", v->wid, val);
	else
		snprintf(buf, len, "write #%" PRIu64 " (%s at %c, timestamp %.3fs)", v->wid, val, 'A' + v->node,
			 v->ts_us / 1e6);
}

static const struct version *find_sib(const struct kstate *k, uint64_t wid)
{
	for (int i = 0; i < k->nsib; i++)
		if (k->sib[i].wid == wid)
			return &k->sib[i];
	return NULL;
}

/* Each write that last-write-wins discarded is LOST, by name. */
static void report_lost(struct world *w, int key, const struct kstate *before, const struct kstate_resolution *r)
{
	char kept[160], gone[160], why[400];

	say_version(w, key, &before->v, kept, sizeof kept);
	for (int i = 0; i < r->nlost; i++) {
		const struct version *v = find_sib(before, r->lost[i]);

		if (!v || world_replaced_in_order(w, v->wid, before->v.wid))
			continue;
		say_version(w, key, v, gone, sizeof gone);
		snprintf(why, sizeof why, "%s lost: last-write-wins kept %s%s", gone, kept,
			 w->nodes[v->node].skew_us != 0 ? " (a skewed clock stamped it)" : "");
		world_mark_lost(w, r->lost[i], before->v.value, why);
	}
}

/* "500 +0 (A) -400 (A) -400 (C) = -300": where a counter's value comes from. */
static size_t say_counts(const struct world *w, const struct kstate *k, char *buf, size_t len)
{
	size_t used = (size_t)snprintf(buf, len, "%" PRId64, k->base);

	for (int i = 0; i < w->n && used < len; i++) {
		if (k->p[i])
			used += (size_t)snprintf(buf + used, len - used, " +%" PRId64 " (at %c)", k->p[i], 'A' + i);
		if (k->n[i] && used < len)
			used += (size_t)snprintf(buf + used, len - used, " -%" PRId64 " (at %c)", k->n[i], 'A' + i);
	}
	return used;
}

static void report_resolution(struct world *w, int c, int key, const struct kstate *before,
			      const struct kstate_resolution *r)
{
	char text[512], val[96], a[160];
	size_t used;
	struct event e;

	world_format_value(w, key, r->value, val, sizeof val);
	used = (size_t)snprintf(text, sizeof text, "%s by %s: ", w->keys[key], strategy_name(r->strategy));
	if (r->strategy == STRAT_LWW) {
		say_version(w, key, &before->v, a, sizeof a);
		snprintf(text + used, sizeof text - used, "%s wins; %d write%s lost; every replica gets %s",
			 a, r->nlost, r->nlost == 1 ? "" : "s", val);
	} else if (before->type != KT_SET) {
		used += say_counts(w, before, text + used, sizeof text - used);
		if (used < sizeof text)
			snprintf(text + used, sizeof text - used, " = %s; %s", val,
				 r->strategy == STRAT_CRDT ? "every change counts, nothing lost" :
				 "three-way merge of the siblings from their common base");
	} else {
		snprintf(text + used, sizeof text - used, "%s; %s", val,
			 r->strategy == STRAT_CRDT ? "OR-set: an add wins over a concurrent remove" :
			 "union of the siblings: a removed element comes back");
	}
	used = strlen(text);
	for (int i = 0; i < r->nmerged && used < sizeof text; i++)
		used += (size_t)snprintf(text + used, sizeof text - used, "%s#%" PRIu64,
					 i ? ", " : "; merged writes ", r->merged[i]);
	e = world_event(w, EV_RESOLVE);
	e.node = c;
	e.key = key;
	e.text = text;
	world_emit(w, &e);
}

static void resolve_key(struct world *w, int c, int key)
{
	struct ll_heal *h = &w->heal;
	struct kstate *k = store_state(&w->nodes[c].store, key);
	struct kstate before = *k;
	struct kstate_resolution r;
	uint64_t wid = 0;

	if (kstate_needs_merge_write(k, h->strategy, w->n))
		wid = world_system_write(w, key, kstate_value(k, h->strategy, w->n));
	kstate_resolve(k, h->strategy, c, world_clock(w, c), wid, w->n, &r);
	report_resolution(w, c, key, &before, &r);
	if (h->strategy == STRAT_LWW)
		report_lost(w, key, &before, &r);
	world_state_changed(w, c, key, before.nsib);
	for (int j = 0; j < w->n; j++) {
		if (j == c)
			continue;
		leaderless_hint_add(w, c, j, key, k, h->token);
		h->acks_due[j]++;
		h->unconfirmed |= 1u << j;
	}
}

static void converged(struct world *w)
{
	struct ll_heal *h = &w->heal;

	world_note(w, h->coordinator, "heal by %s: every replica has taken the resolved state, %.3fs after the heal began",
		   strategy_name(h->strategy), (w->now_us - h->started_us) / 1e6);
}

static void resolve(struct world *w)
{
	struct ll_heal *h = &w->heal;
	int c = h->coordinator;

	if (h->resolved)
		return;
	h->resolved = true;
	if (h->gathered != h->expected)
		world_note(w, c, "heal: %c resolves without the states it did not receive", 'A' + c);
	for (int k = 0; k < w->nkeys; k++)
		if (w->nodes[c].store.keys[k].present)
			resolve_key(w, c, k);
	for (int j = 0; j < w->n; j++)
		leaderless_hints_send(w, c, j);
	if (h->unconfirmed == 0)
		converged(w);
}

void leaderless_heal_start(struct world *w, enum strategy s)
{
	struct ll_heal *h = &w->heal;
	int c = -1;

	for (int i = 0; i < w->n && c < 0; i++)
		if (!w->nodes[i].crashed)
			c = i;
	if (c < 0)
		return;
	memset(h, 0, sizeof *h);
	h->token = world_token(w);
	h->strategy = s;
	h->coordinator = c;
	h->started_us = w->now_us;
	for (int j = 0; j < w->n; j++)
		if (j != c && !w->nodes[j].crashed)
			h->expected |= 1u << j;
	world_note(w, c, "heal by %s: %c gathers every replica's state, resolves, and sends the result back",
		   strategy_name(s), 'A' + c);
	for (int j = 0; j < w->n; j++)
		if (h->expected & (1u << j))
			leaderless_sync_send(w, j, c, h->token);
	world_timer(w, c, PROTO_LEADERLESS, LEADERLESS_SUB_HEAL, w->timing.request_timeout_us, h->token);
	if (!h->expected)
		resolve(w);
}

void leaderless_heal_gathered(struct world *w, const struct msg *m)
{
	struct ll_heal *h = &w->heal;

	if (m->req != h->token || m->to != h->coordinator)
		return;
	if (m->key >= 0 && m->key < STORE_MAX_KEYS && world_merge(w, m->to, m->key, &m->u.ks) &&
	    h->resolved) {
		/* Too late for the resolution, not for the replicas: pass it on. */
		for (int j = 0; j < w->n; j++)
			if (j != m->to) {
				leaderless_hint_add(w, m->to, j, m->key, store_state(&w->nodes[m->to].store, m->key), 0);
				leaderless_hints_send(w, m->to, j);
			}
		return;
	}
	if (h->resolved)
		return;
	if (++h->got[m->from] >= m->term)
		h->gathered |= 1u << m->from;
	if (h->gathered == h->expected)
		resolve(w);
}

void leaderless_heal_deadline(struct world *w, uint64_t token)
{
	if (token == w->heal.token)
		resolve(w);
}

void leaderless_heal_confirmed(struct world *w, uint64_t token, int node)
{
	struct ll_heal *h = &w->heal;

	if (token != h->token || !h->resolved || !(h->unconfirmed & (1u << node)))
		return;
	if (h->acks_due[node] > 0)
		h->acks_due[node]--;
	if (h->acks_due[node] > 0)
		return;
	h->unconfirmed &= ~(1u << node);
	if (h->unconfirmed == 0)
		converged(w);
}
