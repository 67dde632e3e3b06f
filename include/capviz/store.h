/* store.h: a replica's keys and the version metadata that travels with each
 * value: the writer's clock (with its node id to break ties, as Cassandra's
 * last-write-wins does), a vector clock to tell concurrent writes apart, and
 * the unique id of the write that produced the value. Each key's full state
 * (struct kstate) also keeps what the other reconciliation strategies need:
 * a PN-counter or an OR-set, and the concurrent versions (siblings). */
#ifndef CAPVIZ_STORE_H
#define CAPVIZ_STORE_H

#include <stdbool.h>
#include <stdint.h>

#define WORLD_MAX_NODES 7
#define STORE_MAX_KEYS 16
#define KEY_NAME_MAX 24
#define SET_MAX_ELEMS 16        /* distinct set elements in one world */

/* A client's operations; the last four act on lock paths (lock.h). OP_EXPIRE
 * is no client's: the leader-based protocol's log entry that ends a
 * session. */
enum op_kind { OP_READ, OP_WRITE, OP_ADD, OP_SADD, OP_SREMOVE, OP_LOCK, OP_ELECT, OP_UNLOCK, OP_EXPIRE };
/* A key holds a number, a set, or is a lock path (a lock or an election). */
enum key_type { KT_INT, KT_SET, KT_LOCK, KT_ELECTION };

static inline bool op_is_lock(enum op_kind k)
{
	return k == OP_LOCK || k == OP_ELECT || k == OP_UNLOCK;
}

static inline bool key_type_is_lock(int t)
{
	return t == KT_LOCK || t == KT_ELECTION;
}
/* How replicas reconcile versions that diverged. */
enum strategy { STRAT_LWW, STRAT_CRDT, STRAT_MERGE, STRAT_COUNT };

struct version {
	int64_t value;          /* an integer, or a set's elements as a bit mask */
	uint64_t wid;       /* unique id of the write; 0: never written */
	int64_t ts_us;      /* the writing node's clock when it wrote */
	int node;           /* the node that stamped it (tie-breaker) */
	uint32_t vc[WORLD_MAX_NODES];
};

/* Column of the OR-set's dot tables that holds the base members (those set
 * before the epoch began), beside one column per node. */
#define KSTATE_BASE_DOT WORLD_MAX_NODES

/* Everything a replica knows of one key. Every part merges by a join
 * (kstate_merge is commutative, associative and idempotent), so replicas
 * that exchange states converge whatever the order; a strategy only decides
 * which value is read and how a heal resolves the divergence. Even a
 * resolution is made of join-compatible steps (a compensating count, element
 * adds and removes, a version that follows the siblings), so a write that
 * raced with it is never silently overwritten.
 *
 * An integer is a register plus a counter, because a client either assigns
 * it (write A balance 500) or adds to it (add A balance -100), and only adds
 * commute. The register holds assignments; each records the counts its
 * writer had seen when it assigned (a snapshot), so that the adds it had
 * not seen can be applied on top of it. The counter is a PN-counter of every
 * add. The crdt strategy reads the register by last-writer-wins (reg) plus
 * the adds it had not seen; the merge strategy reads the concurrent
 * assignments (asg, a multi-value register) the same way, and when they
 * disagree the application must choose. */
struct kstate {
	bool present;
	uint8_t type;           /* enum key_type */
	uint8_t nsib;
	uint8_t nasg;
	struct version v;       /* last-write-wins register: the highest timestamp */
	/* Integers: the newest assignment by last-writer-wins (timestamp, then
	 * node id) and the net adds (p - n) per node its writer had seen. */
	struct version reg;
	int64_t reg_seen[WORLD_MAX_NODES];
	/* Integers: the assignments no other assignment causally follows, with
	 * their snapshots: more than one means concurrent assignments. */
	struct version asg[WORLD_MAX_NODES];
	int64_t asg_seen[WORLD_MAX_NODES][WORLD_MAX_NODES];
	int64_t p[WORLD_MAX_NODES]; /* increments (adds) made at each node */
	int64_t n[WORLD_MAX_NODES]; /* decrements made at each node */
	/* OR-set: per element, the adds seen from each node and the adds each
	 * remove had observed; an element is in when an add was not removed. */
	uint16_t sadd[SET_MAX_ELEMS][WORLD_MAX_NODES + 1];
	uint16_t srm[SET_MAX_ELEMS][WORLD_MAX_NODES + 1];
	/* The versions no other version here causally follows: more than one
	 * means concurrent writes (of any kind). */
	struct version sib[WORLD_MAX_NODES];
};

struct store {
	struct kstate keys[STORE_MAX_KEYS]; /* indexed by the world's key id */
};

/* Last-write-wins order: 1 if a is newer than b, -1 if older, 0 if the same
 * write. Timestamps first, then node id, then write id. */
int version_cmp(const struct version *a, const struct version *b);

enum vc_order { VC_EQUAL, VC_BEFORE, VC_AFTER, VC_CONCURRENT };
/* How a's vector clock relates to b's. */
enum vc_order vc_compare(const uint32_t *a, const uint32_t *b, int n);
void vc_merge(uint32_t *into, const uint32_t *from, int n);

void store_init(struct store *s);
/* The last-write-wins version of key, or NULL when the replica has none. */
const struct version *store_get(const struct store *s, int key);
/* The whole state of key (never NULL for a key id in range). */
struct kstate *store_state(struct store *s, int key);
/* Makes v the key's state when it is newer by last-write-wins (the strict
 * protocol's commits). Returns true when the stored value changed. */
bool store_apply(struct store *s, int key, const struct version *v, int nnodes);
/* Sets key to v unconditionally (a committed log entry, an init value). */
void store_put(struct store *s, int key, const struct version *v);
/* Sums and differences of values wrap around at 64 bits instead of
 * overflowing: any value a user types must not be able to crash the run. */
static inline int64_t i64_add(int64_t a, int64_t b)
{
	return (int64_t)((uint64_t)a + (uint64_t)b);
}

static inline int64_t i64_sub(int64_t a, int64_t b)
{
	return (int64_t)((uint64_t)a - (uint64_t)b);
}

/* The value an operation leaves when applied to cur (a write sets it, an add
 * adds, a set add or remove sets or clears the element's bit). */
int64_t op_value(int64_t cur, enum op_kind kind, int64_t arg);

#endif
