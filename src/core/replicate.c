/* replicate.c: how leaderless replicas converge besides the requests
 * themselves: hints (a coordinator holds what a replica missed and hands it
 * over when the replica is back) and anti-entropy (replicas exchange their
 * whole key states and join them). Used by leaderless.c and the heal. */
#include <stddef.h>
#include <string.h>

#include "capviz/array.h"
#include "capviz/world.h"

/* --- hints --- */

/* Holds ks for replica to, joined with what is already held for it. */
void leaderless_hint_add(struct world *w, int holder, int to, int key, const struct kstate *ks,
			 uint64_t heal)
{
	void *grown;
	struct leaderless_node *ln = &w->nodes[holder].ll;
	struct ll_hint *h = NULL;
	struct event e;

	for (size_t i = 0; i < ln->nhints && !h; i++)
		if (ln->hints[i].to == to && ln->hints[i].key == key)
			h = &ln->hints[i];
	if (h && !kstate_merge(&h->ks, ks, w->n) && h->heal == heal)
		return;
	if (!h) {
		grown = array_grow(ln->hints, &ln->hints_cap, ln->nhints, sizeof *ln->hints);
		if (!grown) {
			w->oom = true;
			return;
		}
		ln->hints = grown;
		h = &ln->hints[ln->nhints++];
		h->to = to;
		h->key = key;
		h->ks = *ks;
	}
	h->heal = heal;
	if (heal)
		return;         /* a heal's result travels as a hint: not news */
	e = world_event(w, EV_HINT);
	e.node = holder;
	e.peer = to;
	e.key = key;
	e.v = h->ks.v;
	world_emit(w, &e);
}

/* Is this very hint already on its way? Then a second copy is only noise. */
static bool ll_hint_in_flight(const struct world *w, int holder, const struct ll_hint *h)
{
	for (size_t i = 0; i < w->msgs_cap; i++) {
		const struct msg *m = net_slot(w, i);

		if (m && m->kind == MSG_HINT && m->from == holder && m->to == h->to &&
		    m->key == h->key && kstate_equal(&m->u.ks, &h->ks))
			return true;
	}
	return false;
}

/* Sends holder's hints for to, when both are up, the link is, and holder
 * believes to up (Cassandra hands hints over when its failure detector
 * says the replica is back). */
void leaderless_hints_send(struct world *w, int holder, int to)
{
	const struct leaderless_node *ln = &w->nodes[holder].ll;
	struct msg m;

	if (holder == to || w->nodes[holder].crashed || w->nodes[to].crashed ||
	    !w->links[holder][to].up || world_believes_down(w, holder, to))
		return;
	for (size_t i = 0; i < ln->nhints; i++) {
		if (ln->hints[i].to != to || ll_hint_in_flight(w, holder, &ln->hints[i]))
			continue;
		memset(&m, 0, sizeof m);
		m.kind = MSG_HINT;
		m.key = ln->hints[i].key;
		m.req = ln->hints[i].heal;
		m.v = ln->hints[i].ks.v;
		m.u.ks = ln->hints[i].ks;
		net_send(w, holder, to, &m);
	}
}

void leaderless_hint_acked(struct world *w, int holder, const struct msg *m)
{
	struct leaderless_node *ln = &w->nodes[holder].ll;
	size_t j = 0;

	for (size_t i = 0; i < ln->nhints; i++) {
		const struct ll_hint *h = &ln->hints[i];

		if (h->to == m->from && h->key == m->key && kstate_covers(&m->u.ks, &h->ks, w->n))
			continue;
		ln->hints[j++] = *h;
	}
	ln->nhints = j;
}

void leaderless_hints_flush(struct world *w)
{
	for (int i = 0; i < w->n; i++)
		for (int j = 0; j < w->n; j++)
			leaderless_hints_send(w, i, j);
}

/* --- anti-entropy --- */

/* One MSG_SYNC per key from holds, each saying how many the batch has
 * (in term: messages may arrive in any order). An empty store still sends
 * one message (key -1), so a heal knows it has heard. */
void leaderless_sync_send(struct world *w, int from, int to, uint64_t heal)
{
	struct msg m;
	uint64_t count = 0;

	if (from == to || w->nodes[from].crashed || w->nodes[to].crashed)
		return;
	for (int k = 0; k < w->nkeys; k++)
		count += w->nodes[from].store.keys[k].present;
	memset(&m, 0, sizeof m);
	m.kind = MSG_SYNC;
	m.req = heal;
	m.key = -1;
	m.term = count ? count : 1;
	if (!count) {
		net_send(w, from, to, &m);
		return;
	}
	for (int k = 0; k < w->nkeys; k++) {
		const struct kstate *ks = &w->nodes[from].store.keys[k];

		if (!ks->present)
			continue;
		m.key = k;
		m.v = ks->v;
		m.u.ks = *ks;
		net_send(w, from, to, &m);
	}
}

void leaderless_sync(struct world *w, int from, int to)
{
	leaderless_sync_send(w, from, to, 0);
}

/* Joins the sender's state; sends back a repair when this replica knew
 * something the sender did not. */
void leaderless_on_sync(struct world *w, const struct msg *m)
{
	const struct kstate *mine;
	struct msg r;

	if (m->key < 0 || m->key >= STORE_MAX_KEYS)
		return;
	world_merge(w, m->to, m->key, &m->u.ks);
	mine = store_state(&w->nodes[m->to].store, m->key);
	if (kstate_equal(mine, &m->u.ks))
		return;
	memset(&r, 0, sizeof r);
	r.kind = MSG_REPAIR;
	r.key = m->key;
	r.v = mine->v;
	r.u.ks = *mine;
	net_send(w, m->to, m->from, &r);
}

/* node learned something about key from peer: every other replica gets it
 * as a hint (delivered now where the link is up, later where it is not). */
void leaderless_spread(struct world *w, int node, int peer, int key)
{
	const struct kstate *ks = store_state(&w->nodes[node].store, key);

	for (int j = 0; j < w->n; j++) {
		if (j == node || j == peer)
			continue;
		leaderless_hint_add(w, node, j, key, ks, 0);
		leaderless_hints_send(w, node, j);
	}
}
