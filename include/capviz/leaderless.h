/* leaderless.h: per-node state of the leaderless protocol (Dynamo,
 * Cassandra): the requests a node coordinates and the hints it holds for
 * replicas it could not reach. Hints are persisted; pending requests are
 * volatile and vanish when the node crashes. */
#ifndef CAPVIZ_LEADERLESS_H
#define CAPVIZ_LEADERLESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capviz/kstate.h"
#include "capviz/msg.h"
#include "capviz/store.h"

struct ll_request {
	uint64_t req;           /* unique request id (world_token) */
	uint64_t op;            /* the client operation */
	enum op_kind kind;
	int key;
	int need;               /* acknowledgements or replies required */
	uint32_t answered;      /* bit per node that acked or replied */
	uint32_t found;         /* bit per node whose reply carried a value */
	uint32_t repairing;     /* bit per node a read repair was sent to, not yet acknowledged */
	uint32_t skipped;       /* bit per node believed down: not asked (a write's got a hint) */
	struct kstate replies[WORLD_MAX_NODES]; /* each replica's state, as it replied */
	struct version v;       /* the version being written */
	bool answered_client;   /* the client has its answer; repairs go on */
	bool rmw;               /* the read of a read-modify-write: the write follows */
	int64_t deadline_us;
};

struct ll_hint {
	int to;
	int key;
	uint64_t heal;          /* the heal whose resolution this carries, 0 none */
	struct kstate ks;       /* everything the holder had for to (joined) */
};

/* A heal in progress: the coordinator gathers every replica's state,
 * resolves each key by the strategy, and hands the result to every replica. */
struct ll_heal {
	uint64_t token;         /* 0: no heal under way */
	enum strategy strategy;
	int coordinator;
	uint32_t expected;      /* nodes whose states are awaited */
	uint32_t gathered;
	uint8_t got[WORLD_MAX_NODES];      /* states received from each node */
	uint32_t unconfirmed;   /* nodes that have not yet taken the resolution */
	uint8_t acks_due[WORLD_MAX_NODES]; /* resolved keys each node must confirm */
	int64_t started_us;
	bool resolved;
	int unresolved;         /* keys whose assignments disagree (merge): left to a client */
};

/* One replica's Paxos state for one key, as Cassandra keeps it for
 * lightweight transactions: persisted, so it survives a crash. */
struct lwt_acceptor {
	uint64_t promised;      /* the highest ballot promised */
	uint64_t accepted;      /* the ballot of the proposal accepted, 0 none */
	uint64_t committed;     /* the highest ballot committed here */
	struct kstate value;    /* the proposal accepted */
};

enum lwt_phase { LWT_PREPARE, LWT_PROPOSE, LWT_COMMIT };

/* A txn its coordinator is carrying through Paxos. */
struct lwt_request {
	uint64_t req;           /* unique request id (world_token) */
	uint64_t op;
	int key;
	enum lwt_phase phase;
	uint64_t ballot;
	uint32_t yes;           /* replicas that promised, accepted or committed in this phase */
	bool applies;           /* the condition held: the proposal carries the write */
	bool answered;          /* the client has its answer; commits go on */
	uint64_t inprog_ballot; /* the highest unfinished proposal promised, 0 none */
	uint64_t max_commit;    /* the highest ballot committed at a replica that promised */
	struct kstate inprog;   /* it (joined with its replica's state) */
	struct kstate state;    /* the join of the promises without one, then the proposal */
	struct version v;       /* the write, when it applies */
	int64_t deadline_us;
};

struct leaderless_node {
	struct ll_request *reqs;
	size_t nreqs;
	size_t reqs_cap;
	struct ll_hint *hints;
	size_t nhints;
	size_t hints_cap;
	struct lwt_acceptor *paxos;     /* STORE_MAX_KEYS of them, made at first use */
	struct lwt_request *lwts;
	size_t nlwts;
	size_t lwts_cap;
	uint64_t round;                 /* the highest ballot round seen */
};

struct world;

void leaderless_node_free(struct leaderless_node *n);
/* Anti-entropy from one node to another: from sends a MSG_SYNC with its
 * state of each key; to joins it and repairs from what it knows better. The
 * strict protocol reuses it after a heal. */
void leaderless_sync(struct world *w, int from, int to);

/* Shared by leaderless.c and heal.c (the heal's resolution protocol). */
#define LEADERLESS_SUB_HEAL 2
void leaderless_sync_send(struct world *w, int from, int to, uint64_t heal);
void leaderless_hint_add(struct world *w, int holder, int to, int key, const struct kstate *ks,
			 uint64_t heal);
void leaderless_hints_send(struct world *w, int holder, int to);
/* replicate.c, for leaderless.c: a hint's ack arrived at holder (drops what
 * the replica now covers); every hint sent where it can go; a sync joined
 * (repairing the sender when this replica knew more); what node learned
 * from peer spread to the others as hints. */
void leaderless_hint_acked(struct world *w, int holder, const struct msg *m);
void leaderless_hints_flush(struct world *w);
void leaderless_on_sync(struct world *w, const struct msg *m);
void leaderless_spread(struct world *w, int node, int peer, int key);
void leaderless_heal_start(struct world *w, enum strategy s);
void leaderless_heal_gathered(struct world *w, const struct msg *m);
void leaderless_heal_confirmed(struct world *w, uint64_t token, int node);
void leaderless_heal_deadline(struct world *w, uint64_t token);

/* Starts a client's write (op->kind, op->arg) coordinated at op->node; the
 * AP lock's (aplock.c) too. */
void leaderless_write_start(struct world *w, struct op *op);

/* Lightweight transactions (lwt.c), for leaderless.c. */
#define LEADERLESS_SUB_LWT 3
#define LEADERLESS_SUB_LWT_RETRY 4
void lwt_start(struct world *w, struct op *op);
void lwt_deliver(struct world *w, const struct msg *m);
void lwt_timer(struct world *w, int node, int sub, uint64_t token);
/* Forgets node's transactions (a crash); their ops are failed already. */
void lwt_forget(struct world *w, int node);
/* Ends every transaction under way with why (the protocol stops). */
void lwt_abort_all(struct world *w, const char *why);

#endif
