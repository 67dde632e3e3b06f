/* history.h: every client operation, from invoke to completion, and every
 * write by its unique id. The history is what the trace reports and what the
 * checker reads; the world fills it, nobody else changes it. */
#ifndef CAPVIZ_HISTORY_H
#define CAPVIZ_HISTORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capviz/lincheck.h"
#include "capviz/msg.h"

#define OP_ERROR_MAX 128

enum op_result { RES_PENDING, RES_OK, RES_ERROR };

struct op {
	uint64_t id;            /* 1, 2, ... in invoke order */
	int node;               /* the node the client sent it to */
	enum op_kind kind;
	int key;
	int64_t arg;            /* the value written, or the delta added */
	int level;              /* enum level the request ran at */
	int64_t invoke_us;
	int64_t done_us;        /* -1 while pending */
	enum op_result result;
	bool found;             /* a read that returned a value */
	int64_t value;          /* the value read, or the value written */
	uint64_t wid;           /* a write's own id; for a read, the id it saw */
	bool stale;             /* it has no valid linearization (flaw says why) */
	uint8_t flaw;           /* enum lin_flaw */
	uint64_t missed_wid;    /* the version that makes it impossible */
	uint64_t witness_op;    /* the operation that shows it (0: that version's own write) */
	uint64_t read_wid;      /* a refused txn: the version its condition was checked on */
	bool has_read_wid;      /* ... when one version was (under last-write-wins) */
	/* The client's session guarantees (a client per node): a read older
	 * than the client's own last write, or than what it read before. */
	bool ryw;               /* read-your-writes broken: session_wid is its write */
	bool mono;              /* monotonic reads broken: session_op had read mono_wid */
	uint64_t session_wid;
	uint64_t session_op;
	uint64_t mono_wid;
	bool lost;              /* an acknowledged write that a heal discarded */
	bool conflict;          /* a read that found concurrent versions */
	bool unresolved;        /* ... assignments the application's merge left to a client */
	uint8_t rcu_half;       /* DynamoDB: what the read cost, in half read units */
	/* The cluster when it was invoked: partitioned (a link down or a node
	 * crashed), and the node on a side without a majority. */
	bool partitioned;
	bool minority;
	bool txn;               /* a conditional write (txn): applies only when the condition holds */
	uint8_t cond_op;        /* its condition: key cond_op cond_value (enum inv_op) */
	int64_t cond_value;
	bool cond_failed;       /* a txn refused because its condition did not hold: no effect */
	/* A lock operation's answer: granted, queued, released...; who holds
	 * the path now (-1 nobody), the client's fencing token, its session. */
	uint8_t lock_outcome;   /* enum lock_outcome, 0 none */
	int8_t holder;
	uint32_t token;
	uint64_t session;
	char error[OP_ERROR_MAX];
};

/* One write, whether from a client or a scenario's init line. */
struct write_rec {
	uint64_t wid;
	uint64_t op;            /* 0 for an init value */
	int key;
	int64_t value;
	int64_t invoke_us;
	int64_t done_us;        /* -1 while pending */
	enum op_result result;
	bool rmw;               /* a read-modify-write: built on base_wid (0: never written) */
	uint64_t base_wid;
	struct lin_ver lin;     /* its part in the linearizability check */
};

struct history_key {
	struct lin_key lin;
};

/* What one client (the one at a node) has done to each key: its last few
 * ok writes and reads, with when they finished. A read is held only to
 * those that finished before it began; a client may have several requests
 * in flight at once, and one still running says nothing about the read. */
#define HISTORY_SESSION_RING 4

struct history_seen {
	uint64_t wid;           /* the version written or read (0: none, never written) */
	uint64_t op;            /* the operation; 0 for an empty slot */
	int64_t done_us;
};

struct history_client {
	struct history_seen wrote[STORE_MAX_KEYS][HISTORY_SESSION_RING];
	struct history_seen read[STORE_MAX_KEYS][HISTORY_SESSION_RING];
	uint8_t next_wrote[STORE_MAX_KEYS];
	uint8_t next_read[STORE_MAX_KEYS];
};

struct history {
	struct op *ops;         /* ops[i].id == i + 1 */
	size_t nops;
	size_t ops_cap;
	struct write_rec *writes; /* writes[i].wid == i + 1 */
	size_t nwrites;
	size_t writes_cap;
	struct history_key keys[STORE_MAX_KEYS];
	struct history_client clients[WORLD_MAX_NODES];
	/* Reads judged by the version they got, never by its value: a read of
	 * one write of 500 is not taken for another write of 500. Off by
	 * default (linearizability is about values); the tests that hold the
	 * checker to a search over write ids turn it on. */
	bool by_version;
};

void history_init(struct history *h);
void history_free(struct history *h);
/* Both return NULL when memory runs out. */
struct op *history_add_op(struct history *h);
struct write_rec *history_add_write(struct history *h);
struct op *history_op(const struct history *h, uint64_t id);
struct write_rec *history_write(const struct history *h, uint64_t wid);
/* The write wid was applied on top of base (a read-modify-write: an add, a
 * set change, a txn); the first apply decides. */
void history_write_base(struct history *h, uint64_t wid, uint64_t base);
/* Judges op as it finishes ok: a read (or a refused txn) by the version it
 * saw, a write by its place among the others; flags it when it has no valid
 * linearization. Returns -1 when memory ran out. */
int history_check(struct history *h, struct op *op);
/* A write no client made (a first value when first, a heal's merge) is in
 * place now. Returns -1 when memory ran out. */
int history_system_write(struct history *h, uint64_t wid, bool first);
/* An acknowledged write of key is about to be called LOST, kept (a value)
 * having won over it at now_us. Is there an order of the key's operations
 * so far, ending in a read of kept, in which every read returns the latest
 * value? Then it was overwritten, as a register may be, not lost (two writes
 * of 50 are one to a client). False when it cannot be judged so. */
bool history_loss_explained(const struct history *h, int key, int64_t kept, int64_t now_us);
#endif
