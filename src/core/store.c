/* store.c: a replica's keys and the version order rules: last-write-wins by
 * (timestamp, node, write id) and vector clocks for concurrency. */
#include <string.h>

#include "capviz/store.h"

int version_cmp(const struct version *a, const struct version *b)
{
	if (a->ts_us != b->ts_us)
		return a->ts_us > b->ts_us ? 1 : -1;
	if (a->node != b->node)
		return a->node > b->node ? 1 : -1;
	if (a->wid != b->wid)
		return a->wid > b->wid ? 1 : -1;
	return 0;
}

enum vc_order vc_compare(const uint32_t *a, const uint32_t *b, int n)
{
	bool less = false, more = false;

	for (int i = 0; i < n; i++) {
		if (a[i] < b[i])
			less = true;
		else if (a[i] > b[i])
			more = true;
	}
	if (less && more)
		return VC_CONCURRENT;
	if (less)
		return VC_BEFORE;
	if (more)
		return VC_AFTER;
	return VC_EQUAL;
}

void vc_merge(uint32_t *into, const uint32_t *from, int n)
{
	for (int i = 0; i < n; i++)
		if (from[i] > into[i])
			into[i] = from[i];
}

void store_init(struct store *s)
{
	memset(s, 0, sizeof *s);
}

const struct version *store_get(const struct store *s, int key)
{
	if (key < 0 || key >= STORE_MAX_KEYS || !s->keys[key].present)
		return NULL;
	return &s->keys[key].v;
}

bool store_apply(struct store *s, int key, const struct version *v, int nnodes)
{
	struct store_entry *e;

	if (key < 0 || key >= STORE_MAX_KEYS)
		return false;
	e = &s->keys[key];
	if (!e->present) {
		e->present = true;
		e->v = *v;
		return true;
	}
	if (version_cmp(v, &e->v) > 0) {
		uint32_t vc[WORLD_MAX_NODES];

		/* The winner has now seen the loser too. */
		memcpy(vc, e->v.vc, sizeof vc);
		e->v = *v;
		vc_merge(e->v.vc, vc, nnodes);
		return true;
	}
	vc_merge(e->v.vc, v->vc, nnodes);
	return false;
}

void store_put(struct store *s, int key, const struct version *v)
{
	if (key < 0 || key >= STORE_MAX_KEYS)
		return;
	s->keys[key].present = true;
	s->keys[key].v = *v;
}
