/* checker.h: the consistency lens. It reads the history as operations are
 * invoked and finish, keeps its own state, and writes its verdicts into the
 * operations (struct op's stale, flaw, missed_wid, witness_op, ryw, mono).
 * The history records; the checker judges; nothing else calls it but the
 * world, as each operation starts and ends.
 *
 * A verdict is exact: an operation is flagged exactly when the operations
 * of its key so far have no linearization by value (as --check-history
 * finds on the same history) without leaving it out. The check by write id
 * (lincheck.h) names the candidates and the reasons; the judge by value
 * (frontier.h) decides. Usually the verdict comes as the operation
 * finishes; when a later operation shows that an earlier one, possible by
 * value until then, cannot have been, that earlier one is flagged late. */
#ifndef CAPVIZ_CHECKER_H
#define CAPVIZ_CHECKER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capviz/history.h"
#include "capviz/store.h"

struct lin_state;
struct world;
struct fr_key;
struct lin_verdict;

/* What one client (the one at a node) has done to each key: its last few
 * ok writes and reads, with when they finished, for its session
 * guarantees. A read is held only to those that finished before it began;
 * a client may have several requests in flight at once, and one still
 * running says nothing about the read. */
#define CHECKER_SESSION_RING 4

struct checker_seen {
	uint64_t wid;           /* the version written or read (0: none, never written) */
	uint64_t op;            /* the operation; 0 for an empty slot */
	int64_t done_at;        /* history_stamp */
};

struct checker_client {
	struct checker_seen wrote[STORE_MAX_KEYS][CHECKER_SESSION_RING];
	struct checker_seen read[STORE_MAX_KEYS][CHECKER_SESSION_RING];
	uint8_t next_wrote[STORE_MAX_KEYS];
	uint8_t next_read[STORE_MAX_KEYS];
};

struct checker {
	struct lin_state *byid;                 /* the check by write id */
	struct fr_key *keys[STORE_MAX_KEYS];    /* the judge by value, per key (NULL: not yet) */
	struct lin_verdict *why;                /* why[op id - 1]: the check by write id's verdict */
	size_t nwhy, capwhy;
	struct checker_client clients[WORLD_MAX_NODES];
	/* Judge by write id alone: a read of one write of 500 is not taken for
	 * another write of 500. Off by default (linearizability is about
	 * values); the tests that hold the check to a search over write ids
	 * turn it on. */
	bool by_version;
};

/* 0, or -1 when memory ran out. */
int checker_init(struct checker *c);
void checker_free(struct checker *c);
/* A deep copy (a fork of the world); -1 when memory ran out. */
int checker_clone(struct checker *dst, const struct checker *src);
/* The first value of a key (write wid, no operation) is in place. */
int checker_first(struct checker *c, const struct history *h, uint64_t wid);
/* A change no client made (a heal's merged value) is in place now. */
int checker_system_write(struct checker *c, const struct history *h, uint64_t wid);
/* A client operation was invoked. Lock operations are not for it. */
int checker_invoked(struct checker *c, const struct history *h, const struct op *op);
/* When a key's judge by value gives up, its history (in w, whose history h
 * is) is searched whole after each operation that finishes, while the run
 * has at most CHECKER_SEARCH_OPS operations, each search at most
 * CHECKER_SEARCH_STEPS steps; past either the verdict is by write id
 * (op->undecided). */
#define CHECKER_SEARCH_OPS 5000
#define CHECKER_SEARCH_STEPS 200000
#define CHECKER_SEARCH_CACHE (16u << 20)  /* bytes of the search's cache of states */
#define CHECKER_SEARCH_ROUNDS 8     /* searches after one operation, each flagging one */

/* op finished, with any outcome: judges it, and any earlier operation
 * that op shows to have no linearization after all (their ids in late,
 * room for cap). Returns how many were flagged late, -1 when memory ran
 * out. */
int checker_finished(struct checker *c, const struct world *w, struct history *h, struct op *op, uint64_t *late,
		     size_t cap);
/* Could a read of value at key, at now_us, take effect after everything
 * so far (so that a write it does not show was merely overwritten)? */
bool checker_value_possible(struct checker *c, struct history *h, int key, int64_t value, int64_t now_us);

#endif
