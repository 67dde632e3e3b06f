/* history.h: every client operation, from invoke to completion, and every
 * write by its unique id. The history is what the trace reports and what the
 * checker (checker.h) reads; the world fills it. The history records; it
 * never judges: the verdict fields of struct op are the checker's. */
#ifndef CAPVIZ_HISTORY_H
#define CAPVIZ_HISTORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capviz/msg.h"

/* Room for the longest reason: an Unavailable on seven nodes names what
 * its coordinator believed ("A believes B, C, D, E, F and G down ..."). */
#define OP_ERROR_MAX 192

/* Why an operation has no valid linearization (struct op's flaw). */
enum lin_flaw {
	FLAW_NONE,
	FLAW_STALE,             /* a read missed a version that was in place before it began */
	FLAW_LOST_UPDATE,       /* a read-modify-write built on a version another one had built on */
	FLAW_STALE_BASE,        /* a read-modify-write built on an outdated version */
	FLAW_NO_ORDER,          /* by value, no order of the key's operations lets it (missed_wid: the
	                         * newest version acknowledged before it began) */
};

/* How a request ended: ok; error, definitely not applied (refused before
 * anything was sent, or aborted so that nothing can apply); unknown, it may
 * have been applied (a write that timed out after it was sent: Jepsen's
 * :info). A read that fails changed nothing: it is always an error. */
enum op_result { RES_PENDING, RES_OK, RES_ERROR, RES_UNKNOWN };

struct op {
	uint64_t id;            /* 1, 2, ... in invoke order */
	int node;               /* the node the client sent it to */
	enum op_kind kind;
	int key;
	int64_t arg;            /* the value written, or the delta added */
	int level;              /* enum level the request ran at */
	int64_t invoke_us;
	int64_t done_us;        /* -1 while pending */
	/* The same as the order of events (history_stamp): what the checker
	 * compares, so that a request answered before another was sent, in
	 * the same microsecond, still came first. */
	int64_t invoke_at, done_at;
	enum op_result result;
	bool sent;              /* it left its node, or took effect there: a failure
	                         * after that may have been applied (unknown) */
	bool found;             /* a read that returned a value */
	int64_t value;          /* the value read, or the value written */
	uint64_t wid;           /* a write's own id; for a read, the id it saw */
	bool stale;             /* it has no valid linearization (flaw says why) */
	bool undecided;         /* the search by value ran out of steps: the verdict is by write id */
	uint8_t flaw;           /* enum lin_flaw */
	uint64_t missed_wid;    /* the version that makes it impossible */
	uint64_t witness_op;    /* the operation that shows it (0: that version's own write) */
	uint64_t read_wid;      /* a refused txn: the version its condition was checked on */
	bool has_read_wid;      /* ... when one version was (under last-write-wins) */
	/* A leaderless add or set change under last-write-wins is a
	 * read-modify-write: it reads at its level, then writes at it. */
	bool rmw;               /* it reads first */
	bool rmw_read;          /* its read finished and its write began: */
	bool rmw_found;         /* ... the read found a version (else none) */
	uint64_t rmw_base_wid;  /* ... the version it built on */
	int64_t rmw_base;       /* ... and its value */
	uint32_t rmw_from;      /* ... the replicas whose answers it joined */
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
	int64_t invoke_at, done_at; /* as struct op's; -1 for a first value */
	enum op_result result;
	bool rmw;               /* a read-modify-write: built on base_wid (0: never written) */
	uint64_t base_wid;
	bool applied;           /* some replica stored it (an error never is) */
	bool valued;            /* value is the version's own, fixed when first made (an add's) */
	uint8_t decided;        /* a txn in a leader's log: enum txn_decision, at the first replica
	                         * to apply it; every later one follows (the same log, the same
	                         * decision, though another mode may have changed its copy) */
};

enum txn_decision { TXN_UNDECIDED, TXN_HELD, TXN_REFUSED };

struct history {
	struct op *ops;         /* ops[i].id == i + 1 */
	size_t nops;
	size_t ops_cap;
	struct write_rec *writes; /* writes[i].wid == i + 1 */
	size_t nwrites;
	size_t writes_cap;
	int64_t stamp_us;       /* the microsecond of the last stamp, and how many it had */
	int stamp_rank;
};

/* Events of the history in order: core time in nanoseconds, the last three
 * digits ordering the events of one microsecond (the simulation runs them
 * one after another), capped at 999 of them. */
#define HISTORY_STAMP_RANKS 1000

void history_init(struct history *h);
void history_free(struct history *h);
/* Both return NULL when memory runs out. */
struct op *history_add_op(struct history *h);
struct write_rec *history_add_write(struct history *h);
/* A version never stored anywhere, and the newest one, is given back: the
 * next write takes its number, so that refused requests leave no gap in
 * the versions a reader sees (v3, v4, v5). False when it cannot be. */
bool history_give_back(struct history *h, uint64_t wid);
struct op *history_op(const struct history *h, uint64_t id);
struct write_rec *history_write(const struct history *h, uint64_t wid);
/* The order of an event happening now (now_us never goes back). */
int64_t history_stamp(struct history *h, int64_t now_us);
/* The write wid was applied on top of base (a read-modify-write: an add, a
 * set change, a txn); the first apply decides. */
void history_write_base(struct history *h, uint64_t wid, uint64_t base);
#endif
