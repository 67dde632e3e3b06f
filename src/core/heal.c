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

/* "v3 (300 at C, timestamp 1.000s)"; name is how the version is called
 * ("v2"). */
static void say_version(const struct world *w, int key, const struct version *v, const char *name, char *buf,
			size_t len)
{
	const struct write_rec *wr = history_write(&w->hist, v->wid);
	char val[96];

	world_format_value(w, key, v->value, val, sizeof val);
	/* A scenario's first value was written by nobody, at no time. */
	if (wr && wr->op == 0 && wr->invoke_us < 0)
		snprintf(buf, len, "%s%" PRIu64 " (%s, the first value)", name, v->wid, val);
	else
		snprintf(buf, len, "%s%" PRIu64 " (%s at %c, timestamp %.3fs)", name, v->wid, val, 'A' + v->node,
			 v->ts_us / 1e6);
}

static const struct version *find_version(const struct version *arr, int count, uint64_t wid)
{
	for (int i = 0; i < count; i++)
		if (arr[i].wid == wid)
			return &arr[i];
	return NULL;
}

/* Each write that last-write-wins discarded, and each assignment the CRDT's
 * register did not keep, is LOST by name unless a later write replaced it
 * as in any register. */
static void report_lost(struct world *w, int key, const struct kstate *before, const struct kstate_resolution *r)
{
	bool crdt = r->strategy == STRAT_CRDT;
	const struct version *keep = crdt ? &before->reg : &before->v;
	char kept[160], gone[160], why[512];

	say_version(w, key, keep, "v", kept, sizeof kept);
	for (int i = 0; i < r->nlost; i++) {
		const struct version *v = crdt ? find_version(before->asg, before->nasg, r->lost[i]) :
					  find_version(before->sib, before->nsib, r->lost[i]);

		if (!v || world_replaced_in_order(w, v->wid, keep->wid))
			continue;
		say_version(w, key, v, "v", gone, sizeof gone);
		if (crdt)
			snprintf(why, sizeof why, "%s lost: the CRDT's register kept the newest assignment by "
				 "timestamp, %s%s", gone, kept,
				 w->nodes[v->node].skew_us != 0 || w->nodes[keep->node].skew_us != 0 ?
				 " (a skewed clock stamped them)" : "");
		else
			snprintf(why, sizeof why, "%s lost: last-write-wins kept %s%s", gone, kept,
				 w->nodes[v->node].skew_us != 0 ? " (a skewed clock stamped it)" : "");
		world_mark_lost(w, r->lost[i], r->value, why);
	}
}

/* "500 -400 (at A) -400 (at C) = -300": an assignment and the adds it
 * had not seen, per node. Returns the length written. */
static size_t say_counts(const struct world *w, int key, const struct kstate_resolution *r, char *buf,
			 size_t len)
{
	char val[96];
	size_t used;

	world_format_value(w, key, r->from.value, val, sizeof val);
	used = (size_t)snprintf(buf, len, "%s", val);
	for (int i = 0; i < w->n && used < len; i++)
		if (r->since[i])
			used += (size_t)snprintf(buf + used, len - used, " %+" PRId64 " (at %c)", r->since[i], 'A' + i);
	world_format_value(w, key, r->value, val, sizeof val);
	if (used < len)
		used += (size_t)snprintf(buf + used, len - used, " = %s", val);
	return used < len ? used : len - 1;
}

static bool any_since(const struct world *w, const struct kstate_resolution *r)
{
	for (int i = 0; i < w->n; i++)
		if (r->since[i])
			return true;
	return false;
}

/* The register's part of a crdt resolution: the assignment it holds, and
 * the concurrent ones it kept it over. */
static size_t say_register(const struct world *w, int key, const struct kstate *before,
			   const struct kstate_resolution *r, char *buf, size_t len)
{
	char a[160];
	size_t used;

	say_version(w, key, &r->from, "v", a, sizeof a);
	if (!r->from.wid)
		return (size_t)snprintf(buf, len, "no assignment yet");
	if (!r->nlost)
		return (size_t)snprintf(buf, len, "the register holds %s", a);
	used = (size_t)snprintf(buf, len, "the register keeps the newest assignment by timestamp, %s, over", a);
	for (int i = 0; i < r->nlost && used < len; i++) {
		const struct version *v = find_version(before->asg, before->nasg, r->lost[i]);

		if (!v)
			continue;
		say_version(w, key, v, "v", a, sizeof a);
		used += (size_t)snprintf(buf + used, len - used, "%s %s", i ? "," : "", a);
	}
	if (used < len)
		used += (size_t)snprintf(buf + used, len - used, "; assignments never add up");
	return used < len ? used : len - 1;
}

/* "; no add since; every replica gets 300", or the adds the assignment had
 * not seen: "; <intro>500 -400 (at A) -400 (at C) = -300 on every
 * replica<tail>". */
static void say_adds(const struct world *w, int key, const struct kstate_resolution *r, const char *intro,
		     const char *tail, char *buf, size_t len)
{
	size_t used;
	char val[96];

	if (!any_since(w, r)) {
		world_format_value(w, key, r->value, val, sizeof val);
		snprintf(buf, len, "; no add since; every replica gets %s", val);
		return;
	}
	used = (size_t)snprintf(buf, len, "; %s", intro);
	if (used + 1 < len)
		used += say_counts(w, key, r, buf + used, len - used);
	if (used + 1 < len)
		snprintf(buf + used, len - used, " on every replica%s", tail);
}

/* An integer resolved by crdt: register plus counter. */
static void say_crdt(const struct world *w, int key, const struct kstate *before, const struct kstate_resolution *r,
		     char *buf, size_t len)
{
	size_t used = (size_t)snprintf(buf, len, " (register + counter): ");

	used += say_register(w, key, before, r, buf + used, len - used);
	if (used + 1 < len)
		say_adds(w, key, r, "the counter adds what it had not seen: ", "; adds sum, no add lost", buf + used,
			 len - used);
}

/* An integer resolved by the application's three-way merge. */
static void say_merge(const struct world *w, int c, int key, const struct kstate_resolution *r, char *buf,
		      size_t len)
{
	size_t used = (size_t)snprintf(buf, len, " (three-way, the application's rule): ");
	char a[160], val[96];

	if (r->unresolved) {
		used += (size_t)snprintf(buf + used, len - used, "CONFLICT between concurrent assignments");
		for (int i = 0; i < r->nchoices && used < len; i++) {
			world_format_value(w, key, r->choices[i].value, val, sizeof val);
			used += (size_t)snprintf(buf + used, len - used, "%s %s (v%" PRIu64 " at %c)", i ? "," : "",
						 val, r->choices[i].wid, 'A' + r->choices[i].node);
		}
		world_format_value(w, key, r->value, val, sizeof val);
		if (used + 1 < len)
			snprintf(buf + used, len - used, ": the rule sums adds and takes a lone assignment but never "
				 "picks between two; both stay as siblings on every replica until a client resolves "
				 "(resolve %c %s %s, or the v key)", 'A' + c, w->keys[key], val);
		return;
	}
	say_version(w, key, &r->from, "v", a, sizeof a);
	if (r->nassign > 1)
		used += (size_t)snprintf(buf + used, len - used, "%d concurrent assignments agree, %s", r->nassign, a);
	else if (r->from.wid)
		used += (size_t)snprintf(buf + used, len - used, "one latest assignment, %s", a);
	else
		used += (size_t)snprintf(buf + used, len - used, "no assignment yet");
	if (used + 1 < len)
		say_adds(w, key, r, "the adds on every side sum over it: ", "", buf + used, len - used);
}

/* How many of the versions a resolution discarded are LOST writes (now or
 * before the heal); the others were overwritten as in any register. */
static int count_lost(const struct world *w, const struct kstate_resolution *r)
{
	int n = 0;

	for (int i = 0; i < r->nlost; i++) {
		const struct write_rec *wr = history_write(&w->hist, r->lost[i]);
		const struct op *op = wr && wr->op ? history_op(&w->hist, wr->op) : NULL;

		n += op && op->lost;
	}
	return n;
}

static void report_resolution(struct world *w, int c, int key, const struct kstate *before,
			      const struct kstate_resolution *r)
{
	char text[768], val[96], a[160];
	size_t used;
	struct event e;

	world_format_value(w, key, r->value, val, sizeof val);
	used = (size_t)snprintf(text, sizeof text, "%s by %s", w->keys[key], strategy_name(r->strategy));
	if (r->strategy == STRAT_LWW) {
		int lost = count_lost(w, r);

		say_version(w, key, &before->v, "v", a, sizeof a);
		snprintf(text + used, sizeof text - used, ": %s wins; %d write%s lost; every replica gets %s",
			 a, lost, lost == 1 ? "" : "s", val);
	} else if (before->type != KT_SET) {
		if (r->strategy == STRAT_CRDT)
			say_crdt(w, key, before, r, text + used, sizeof text - used);
		else
			say_merge(w, c, key, r, text + used, sizeof text - used);
	} else {
		snprintf(text + used, sizeof text - used, ": %s; %s", val,
			 r->strategy == STRAT_CRDT ? "OR-set: an add wins over a concurrent remove" :
			 "union of the siblings: a removed element comes back");
		used = strlen(text);
		for (int i = 0; i < r->nmerged && used < sizeof text; i++)
			used += (size_t)snprintf(text + used, sizeof text - used, "%sv%" PRIu64,
						 i ? ", " : "; merged versions ", r->merged[i]);
	}
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
	/* The losses first, so that the resolution can count them. */
	if (r.strategy != STRAT_MERGE)
		report_lost(w, key, &before, &r);
	report_resolution(w, c, key, &before, &r);
	h->unresolved += r.unresolved;
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

	world_note(w, h->coordinator, "heal by %s: every replica has taken the resolved state, %.3fs after the heal began%s",
		   strategy_name(h->strategy), (w->now_us - h->started_us) / 1e6,
		   h->unresolved ? "; the conflicting assignments stay on every replica until a client resolves them" : "");
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
