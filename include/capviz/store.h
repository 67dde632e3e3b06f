/* store.h: a replica's keys and the version metadata that travels with each
 * value: the writer's clock (with its node id to break ties, as Cassandra's
 * last-write-wins does), a vector clock to tell concurrent writes apart, and
 * the unique id of the write that produced the value. */
#ifndef CAPVIZ_STORE_H
#define CAPVIZ_STORE_H

#include <stdbool.h>
#include <stdint.h>

#define WORLD_MAX_NODES 7
#define STORE_MAX_KEYS 16
#define KEY_NAME_MAX 24

struct version {
	int64_t value;
	uint64_t wid;       /* unique id of the write; 0: never written */
	int64_t ts_us;      /* the writing node's clock when it wrote */
	int node;           /* the node that stamped it (tie-breaker) */
	uint32_t vc[WORLD_MAX_NODES];
};

struct store_entry {
	bool present;
	struct version v;
};

struct store {
	struct store_entry keys[STORE_MAX_KEYS]; /* indexed by the world's key id */
};

/* Last-write-wins order: 1 if a is newer than b, -1 if older, 0 if the same
 * write. Timestamps first, then node id, then write id. */
int version_cmp(const struct version *a, const struct version *b);

enum vc_order { VC_EQUAL, VC_BEFORE, VC_AFTER, VC_CONCURRENT };
/* How a's vector clock relates to b's. */
enum vc_order vc_compare(const uint32_t *a, const uint32_t *b, int n);
void vc_merge(uint32_t *into, const uint32_t *from, int n);

void store_init(struct store *s);
const struct version *store_get(const struct store *s, int key);
/* Applies v to key by last-write-wins; the kept version's vector clock
 * absorbs the other's. Returns true when the stored value changed. */
bool store_apply(struct store *s, int key, const struct version *v, int nnodes);
/* Sets key to v unconditionally (a committed log entry, an init value). */
void store_put(struct store *s, int key, const struct version *v);

#endif
