/* store.c: a replica's keys and the version order rules: last-write-wins by
 * (timestamp, node, write id) and vector clocks for concurrency. */
#include <string.h>

#include "capviz/kstate.h"
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

struct kstate *store_state(struct store *s, int key)
{
	if (key < 0 || key >= STORE_MAX_KEYS)
		return &s->keys[0];
	return &s->keys[key];
}

bool store_apply(struct store *s, int key, const struct version *v, int nnodes)
{
	struct kstate *k;

	if (key < 0 || key >= STORE_MAX_KEYS)
		return false;
	k = &s->keys[key];
	if (k->present && version_cmp(v, &k->v) <= 0)
		return false;
	kstate_set(k, k->present ? k->type : KT_INT, v, nnodes);
	return true;
}

void store_put(struct store *s, int key, const struct version *v)
{
	struct kstate *k;

	if (key < 0 || key >= STORE_MAX_KEYS)
		return;
	k = &s->keys[key];
	kstate_set(k, k->present ? k->type : KT_INT, v, WORLD_MAX_NODES);
}

int64_t op_value(int64_t cur, enum op_kind kind, int64_t arg)
{
	switch (kind) {
	case OP_ADD:
		return i64_add(cur, arg);
	case OP_SADD:
		return cur | (int64_t)(1ull << (arg & (SET_MAX_ELEMS - 1)));
	case OP_SREMOVE:
		return cur & ~(int64_t)(1ull << (arg & (SET_MAX_ELEMS - 1)));
	default:
		return arg;
	}
}
