/* lock.h: locks and leader elections for clients, as ZooKeeper's recipes
 * build them, and the same lock on an AP store. Under the leader-based
 * protocol a lock path is a queue of ephemeral sequential nodes: each
 * client's entry carries its session and a sequence number; the lowest one
 * holds the lock, and its number is the fencing token, so tokens only grow.
 * Sessions live while the leader hears from the client's server; a session
 * the leader has not heard from for the session timeout expires, and its
 * entries go. A client believes it holds a lock only while its session's
 * lease is sure to outlive the leader's expiry, so two clients never
 * believe it at once. Under the leaderless protocol a lock is a register
 * each side grants on its own: a partition makes two holders. */
#ifndef CAPVIZ_LOCK_H
#define CAPVIZ_LOCK_H

#include <stdbool.h>
#include <stdint.h>

#include "capviz/store.h"

struct world;
struct msg;
struct log_entry;
struct op;

struct lock_waiter {
	int8_t client;          /* the node whose client it is */
	uint32_t seq;           /* the sequence number: the fencing token */
	uint64_t session;
	uint64_t op;            /* the client's request that made it */
};

/* One path's queue; q[0] holds the lock (or leads the election). */
struct lock_queue {
	uint32_t cseq;          /* the path's sequence counter */
	uint8_t n;
	struct lock_waiter q[WORLD_MAX_NODES];
};

/* The lock service's replicated state at one replica (persisted, like the
 * store): each client's live session, each path's queue. */
struct lock_replica {
	uint64_t session[WORLD_MAX_NODES];      /* 0: none */
	/* each client's latest lock request applied: one sent before it
	 * that arrives late never takes effect (ZooKeeper's FIFO client
	 * order) */
	uint64_t last_op[WORLD_MAX_NODES];
	struct lock_queue locks[STORE_MAX_KEYS];
};

/* Volatile. A leader's session tracker: when it last heard from each
 * server, the latest send time of each server's replies it got, and of
 * its own messages each server acknowledged. A server's lease: the session
 * its leader says is live, and from when the leader vouches for it. */
struct lock_node {
	struct lock_replica rep;
	int64_t touch_us[WORLD_MAX_NODES];
	int64_t heard_sent_us[WORLD_MAX_NODES];
	int64_t acked_sent_us[WORLD_MAX_NODES];
	uint64_t lease_sid;
	int64_t lease_base_us;
	uint64_t lease_timer;   /* token of the timer at the lease's end, 0 none */
	bool lease_warned;      /* the end of this lease was told */
	uint32_t ap_held;       /* AP lock: bit per path the client was granted and has not let go */
	uint64_t expired_sid;   /* the client's last session its server saw expire, 0 none */
	/* per path: the client's latest unlock request; a place made by a
	 * request before it is one the client has let go */
	uint64_t let_go[STORE_MAX_KEYS];
};

/* How a lock operation ended (struct op's lock fields). */
enum lock_outcome { LOCK_GRANTED = 1, LOCK_QUEUED, LOCK_RELEASED, LOCK_NOT_HELD, LOCK_BUSY, LOCK_OVERTAKEN };

/* --- the leader-based lock service (lock.c) --- */
/* Can the world's mode and preset run locks? 0, or -1 with err. */
int lock_check(const struct world *w, enum op_kind kind, char *err, size_t errlen);
/* Applies a committed lock, elect, unlock or expire entry at node (index is
 * its log index); records the outcome in the entry. */
void lock_apply(struct world *w, int node, struct log_entry *e, uint64_t index);
/* The leader's side of each message: what it heard, what it vouches for. */
void lock_heard(struct world *w, int leader, const struct msg *reply);
void lock_vouch(struct world *w, int leader, int peer, struct msg *append);
/* A server took its leader's append: renew its client's lease. */
void lock_renew(struct world *w, int node, const struct msg *append);
/* The leader's heartbeat: expire sessions it has not heard from. */
void lock_tick(struct world *w, int leader);
/* node became leader: every session gets a fresh timeout. */
void lock_lead(struct world *w, int node);
/* node crashed or the protocol changed: its volatile lock state goes. */
void lock_forget(struct world *w, int node);
/* The lease timer fired at node. */
void lock_lease_timer(struct world *w, int node, uint64_t token);
/* The cluster is about to run in mode to: when its lock service changes
 * (ZooKeeper's under cp, the register under ap, none under strict), every
 * lock ends, told, and tokens go on from the highest granted. */
void lock_handover(struct world *w, int to);
/* The entry an operation becomes (leader_client.c fills the rest). */
void lock_entry(struct log_entry *e, int client);

/* --- the lock on an AP store (aplock.c) --- */
void aplock_client(struct world *w, struct op *op);
/* An AP lock operation's write was acknowledged (v its register): fill the
 * op's lock fields before its outcome is told. */
void aplock_finished(struct world *w, struct op *op, const struct version *v);
/* node's replica of key changed: its client may have lost the lock. */
void aplock_changed(struct world *w, int node, int key);
/* Says SPLIT BRAIN when more than one client holds key now. */
void aplock_check_split(struct world *w, int key);
/* A register's value: holder node + 1 in the low bits (0 free), token above. */
int aplock_holder(int64_t value);
uint32_t aplock_token(int64_t value);

/* A client sends node a lock operation (op): from an unlock on, it no
 * longer counts on any place it asked for before, whatever the answers. */
void lock_client_asks(struct world *w, int node, enum op_kind kind, int key, uint64_t op);

/* --- for every reader --- */
/* Does the client at node believe it holds key (leads the election) now?
 * token gets its fencing token. */
bool world_lock_held(const struct world *w, int node, int key, uint32_t *token);
/* The clients that believe they hold key now, in node order; returns how
 * many (more than one is a split brain). */
int world_lock_holders(const struct world *w, int key, int *nodes);
/* The client at node's session as people say it: "session 0x3 connected",
 * "disconnected (expires in 1.2s)", "expired", "no session". */
void world_session_text(const struct world *w, int node, char *buf, size_t len);
/* An ok lock operation's answer in words: "granted, token 5 (session 0x3)",
 * "waiting behind the client at A, token 6", "released". */
void world_lock_result(const struct world *w, const struct op *op, char *buf, size_t len);
/* node's view of key's queue (the leader-based service), or NULL. */
const struct lock_queue *world_lock_queue(const struct world *w, int node, int key);

#endif
