/* compare.c: a deep copy of the world, and the same diverged state healed by
 * each strategy on such copies, so the outcomes can be shown side by side
 * without touching the world the user is looking at. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capviz/compare.h"

/* Copies n elements of size bytes into a fresh allocation; 0 on failure. */
static int dup_array(void **out, const void *src, size_t n, size_t size)
{
	*out = NULL;
	if (!src || n == 0)
		return 0;
	*out = malloc(n * size);
	if (!*out)
		return -1;
	memcpy(*out, src, n * size);
	return 0;
}

static int clone_nodes(struct world *c, const struct world *w)
{
	int rc = 0;

	for (int i = 0; i < w->n; i++) {
		const struct node *s = &w->nodes[i];
		struct node *d = &c->nodes[i];

		rc |= dup_array((void **)&d->ld.log, s->ld.log, s->ld.log_cap, sizeof *s->ld.log);
		rc |= dup_array((void **)&d->ld.reqs, s->ld.reqs, s->ld.reqs_cap, sizeof *s->ld.reqs);
		rc |= dup_array((void **)&d->ll.reqs, s->ll.reqs, s->ll.reqs_cap, sizeof *s->ll.reqs);
		rc |= dup_array((void **)&d->ll.hints, s->ll.hints, s->ll.hints_cap, sizeof *s->ll.hints);
		rc |= dup_array((void **)&d->ll.paxos, s->ll.paxos, s->ll.paxos ? STORE_MAX_KEYS : 0,
				sizeof *s->ll.paxos);
		rc |= dup_array((void **)&d->ll.lwts, s->ll.lwts, s->ll.lwts_cap, sizeof *s->ll.lwts);
		rc |= dup_array((void **)&d->st.reqs, s->st.reqs, s->st.reqs_cap, sizeof *s->st.reqs);
		rc |= dup_array((void **)&d->st.staged, s->st.staged, s->st.staged_cap, sizeof *s->st.staged);
	}
	return rc;
}

int world_clone(struct world *c, const struct world *w)
{
	int rc = 0;

	*c = *w;
	c->sink = NULL;
	c->sink_ctx = NULL;
	/* Every pointer below is replaced before anything can free it. */
	for (int i = 0; i < w->n; i++) {
		c->nodes[i].ld.log = NULL;
		c->nodes[i].ld.reqs = NULL;
		c->nodes[i].ll.reqs = NULL;
		c->nodes[i].ll.hints = NULL;
		c->nodes[i].ll.paxos = NULL;
		c->nodes[i].ll.lwts = NULL;
		c->nodes[i].st.reqs = NULL;
		c->nodes[i].st.staged = NULL;
	}
	c->msgs = NULL;
	c->free_slots = NULL;
	c->q.heap = NULL;
	c->hist.ops = NULL;
	c->hist.writes = NULL;
	memset(&c->chk, 0, sizeof c->chk);
	rc |= dup_array((void **)&c->msgs, w->msgs, w->msgs_cap, sizeof *w->msgs);
	rc |= dup_array((void **)&c->free_slots, w->free_slots, w->msgs_cap, sizeof *w->free_slots);
	rc |= dup_array((void **)&c->q.heap, w->q.heap, w->q.cap, sizeof *w->q.heap);
	rc |= dup_array((void **)&c->hist.ops, w->hist.ops, w->hist.ops_cap, sizeof *w->hist.ops);
	rc |= dup_array((void **)&c->hist.writes, w->hist.writes, w->hist.writes_cap, sizeof *w->hist.writes);
	rc |= checker_clone(&c->chk, &w->chk) < 0;
	rc |= clone_nodes(c, w);
	if (rc) {
		world_free(c);
		return -1;
	}
	return 0;
}

static void add_lost(struct heal_outcome *o, uint64_t op)
{
	for (int i = 0; i < o->nlost; i++)
		if (o->lost_ops[i] == op)
			return;
	if (o->nlost < COMPARE_MAX_LOST)
		o->lost_ops[o->nlost++] = op;
}

/* The writes a heal by s discards that are flagged LOST already (the
 * versions met before the heal): the copy's heal does not report them
 * again. Last-write-wins discards every version not the newest by
 * timestamp; the CRDT's register, every assignment but the newest. */
static void known_victims(const struct world *w, enum strategy s, struct heal_outcome *o)
{
	for (int k = 0; k < w->nkeys; k++) {
		struct kstate joined;
		const struct version *v;
		uint64_t keep;
		int nv;

		kstate_clear(&joined);
		for (int i = 0; i < w->n; i++)
			kstate_merge(&joined, &w->nodes[i].store.keys[k], w->n);
		v = s == STRAT_CRDT ? joined.asg : joined.sib;
		nv = s == STRAT_CRDT ? joined.nasg : joined.nsib;
		keep = s == STRAT_CRDT ? joined.reg.wid : joined.v.wid;
		for (int i = 0; i < nv && s != STRAT_MERGE; i++) {
			const struct write_rec *wr = history_write(&w->hist, v[i].wid);
			const struct op *op = wr && wr->op ? history_op(&w->hist, wr->op) : NULL;

			if (v[i].wid != keep && op && op->lost)
				add_lost(o, op->id);
		}
	}
}

struct collect {
	struct heal_outcome *o;
	int nkeys;
};

static void collect_event(void *ctx, const struct event *e)
{
	struct collect *c = ctx;
	struct heal_outcome *o = c->o;

	switch (e->kind) {
	case EV_RESOLVE:
		if (e->key >= 0 && e->key < STORE_MAX_KEYS)
			snprintf(o->resolve[e->key], COMPARE_TEXT_MAX, "%s", e->text);
		break;
	case EV_LOST:
		if (e->op)
			add_lost(o, e->op->id);
		break;
	case EV_INVARIANT:
		if (!e->up) {
			if (!o->nbroken++)
				snprintf(o->broken, COMPARE_TEXT_MAX, "%s", e->text);
		}
		break;
	default:
		break;
	}
}

/* What is broken after the heal, whether the heal broke it or found it
 * broken already: the copy's own flags say, event or not. */
static void final_breaches(const struct world *c, struct heal_outcome *o)
{
	int n = 0;

	for (int i = 0; i < c->n; i++)
		for (int v = 0; v < c->ninvariants; v++) {
			const struct invariant *inv = &c->invariants[v];
			int64_t value = 0;

			if (!c->broken[i][v])
				continue;
			if (n++ == 0 && !o->broken[0]) {
				world_value(c, i, inv->key, &value);
				snprintf(o->broken, COMPARE_TEXT_MAX, "invariant %s%s%lld broken at %c: %s=%lld",
					 world_key_name(c, inv->key), inv_op_name(inv->op), (long long)inv->value,
					 'A' + i, world_key_name(c, inv->key), (long long)value);
			}
		}
	if (n > o->nbroken)
		o->nbroken = n;
}

/* Does every replica that is up read the same of every key? */
static bool replicas_agree(const struct world *c)
{
	for (int k = 0; k < c->nkeys; k++) {
		int64_t first = 0, v;
		bool seen = false, has;

		for (int i = 0; i < c->n; i++) {
			if (c->nodes[i].crashed)
				continue;
			has = world_value(c, i, k, &v);
			if (!seen) {
				first = has ? v : INT64_MIN;
				seen = true;
			} else if ((has ? v : INT64_MIN) != first) {
				return false;
			}
		}
	}
	return true;
}

/* The heal is over when its coordinator has heard back from everyone (ap),
 * or when the replicas agree once they have caught up (the other modes:
 * the time that took), or after ten seconds of virtual time (a node may
 * be down). */
static void heal_copy(struct world *c, enum strategy s, struct heal_outcome *o)
{
	int64_t start = c->now_us, limit = c->now_us + 10000000;
	bool ap = c->mode == MODE_AP;

	world_heal_with(c, s);
	while (c->now_us < limit) {
		if (ap ? c->heal.token && c->heal.resolved && c->heal.unconfirmed == 0 :
			 c->now_us > start && replicas_agree(c))
			break;
		if (!world_step(c))
			break;
	}
	o->done = ap ? c->heal.resolved && c->heal.unconfirmed == 0 : replicas_agree(c);
	o->took_us = c->now_us - start;
}

int world_compare_heals(const struct world *w, struct heal_outcome out[STRAT_COUNT])
{
	for (int s = 0; s < STRAT_COUNT; s++) {
		struct heal_outcome *o = &out[s];
		struct collect col = { o, w->nkeys };
		struct world c;

		memset(o, 0, sizeof *o);
		o->strategy = (enum strategy)s;
		if (world_clone(&c, w) < 0)
			return -1;
		known_victims(w, (enum strategy)s, o);
		/* Breaches already flagged before the heal are not its doing. */
		world_set_sink(&c, collect_event, &col);
		heal_copy(&c, (enum strategy)s, o);
		c.strategy = (enum strategy)s;
		for (int k = 0; k < c.nkeys; k++)
			for (int i = 0; i < c.n; i++) {
				o->present[k][i] = world_value(&c, i, k, &o->value[k][i]);
				if (world_unresolved(&c, i, k))
					o->nchoices[k][i] = (uint8_t)world_choices(&c, i, k, o->choices[k]);
			}
		final_breaches(&c, o);
		world_free(&c);
	}
	return 0;
}

/* "balance=100 on A, B, C" or "balance=100 on A, B; 50 on C". */
void compare_value_text(const struct world *w, const struct heal_outcome *o, int k, int i, char *buf, size_t len)
{
	if (!o->present[k][i])
		snprintf(buf, len, "-");
	else if (o->nchoices[k][i] > 1)
		world_format_conflict(w, k, o->choices[k], o->nchoices[k][i], buf, len);
	else
		world_format_value(w, k, o->value[k][i], buf, len);
}

static size_t say_values(const struct world *w, const struct heal_outcome *o, int k, char *buf, size_t len)
{
	size_t used = (size_t)snprintf(buf, len, "%s", w->keys[k]);
	char val[128], last[128] = "";
	bool have = false;

	for (int i = 0; i < w->n && used < len; i++) {
		if (!o->present[k][i])
			continue;
		compare_value_text(w, o, k, i, val, sizeof val);
		if (!have || strcmp(val, last) != 0)
			used += (size_t)snprintf(buf + used, len - used, "%s%s on %c", have ? "; " : "=", val, 'A' + i);
		else
			used += (size_t)snprintf(buf + used, len - used, ", %c", 'A' + i);
		snprintf(last, sizeof last, "%s", val);
		have = true;
	}
	return used;
}

int world_compare_report(struct world *w)
{
	struct heal_outcome out[STRAT_COUNT];
	char why[400];
	bool each = world_heal_reconciles(w, why, sizeof why);

	if (world_compare_heals(w, out) < 0)
		return -1;
	/* Where a heal reconciles nothing, every strategy gives the same:
	 * one line says so, and why. */
	for (int s = 0; s < (each ? STRAT_COUNT : 1); s++) {
		const struct heal_outcome *o = &out[s];
		char text[1024];
		size_t used = each ? (size_t)snprintf(text, sizeof text, "heal by %s would give: ",
						      strategy_name(o->strategy)) :
			      (size_t)snprintf(text, sizeof text, "a heal would give (%s): ", why);
		struct event e;

		for (int k = 0; k < w->nkeys && used < sizeof text; k++) {
			if (k)
				used += (size_t)snprintf(text + used, sizeof text - used, "; ");
			if (used < sizeof text)
				used += say_values(w, o, k, text + used, sizeof text - used);
		}
		for (int i = 0; i < o->nlost && used < sizeof text; i++)
			used += (size_t)snprintf(text + used, sizeof text - used, "%s#%" PRIu64,
						 i ? ", " : "; LOST: request ", o->lost_ops[i]);
		if (o->nbroken && used < sizeof text)
			used += (size_t)snprintf(text + used, sizeof text - used, "; %s", o->broken);
		if (used < sizeof text)
			snprintf(text + used, sizeof text - used, " (%.3fs)", o->took_us / 1e6);
		e = world_event(w, EV_COMPARE);
		e.text = text;
		world_emit(w, &e);
	}
	return 0;
}
