/* lincheck.h: the check by write id, private to the core (checker.c is its
 * user). Every write has a unique id and every read names the write it saw,
 * so whether the versions can be ordered is decided online, operation by
 * operation as they finish, in O(log n) each (plus a walk along a chain of
 * read-modify-writes when a read finds an older link). It is stricter than
 * linearizability by value (two writes of 500 are one to a client): its
 * flags are the candidates the judge by value (frontier.h) looks at, and
 * its reasons are the words that explain a flag.
 *
 * The rule, after Gibbons and Korach: group each write with the operations
 * that read it (a version's members); a version is current over one stretch
 * of the linearization, so if some member of version u finished before some
 * member of version v began, and some member of v finished before some
 * member of u began, no order works. A read-modify-write (an add, a txn)
 * names the version it was built on: the two are links of one chain, which
 * is current over one stretch, in order; a version is built on at most once.
 * A write that failed (or is pending) may take effect at any time, or
 * never: it counts only once something reads it. The first operation that
 * would make the history impossible is flagged, with a witness, and left
 * out, so each later one is judged on its own. */
#ifndef CAPVIZ_LINCHECK_H
#define CAPVIZ_LINCHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capviz/history.h"

/* One version's part in the check. */
struct lin_ver {
	int64_t f, s;           /* its members' earliest return and latest invoke */
	uint64_t f_op, s_op;    /* the operations at those times (0: a first value) */
	uint64_t next, prev;    /* the versions built on it and it was built on; 0 none */
	bool has_next, has_prev;
	uint64_t root;          /* its chain (a union-find parent) */
	bool active;            /* known to have taken effect */
	bool pending;           /* active, but its write has not returned: its own
	                         * member is counted at its invoke, return unknown */
	/* It cannot have taken effect (its first reader was flagged): every
	 * reader of it is flagged for the same reason. */
	uint8_t broken;         /* enum lin_flaw; FLAW_NONE when not */
	uint64_t broken_wid, broken_op;
	/* at a chain's root: the chain's aggregate and its place in the order */
	int64_t cf, cs;
	uint64_t cf_op, cs_op;
	int32_t pos;            /* -1: not placed (no member has returned) */
};

/* Per key: every chain that has a returned member, in order of its earliest
 * return, and a max tree over their latest invokes. */
struct lin_key {
	struct lin_ver nil;     /* "never written": wid 0 of this key */
	uint64_t *order;        /* chain roots (wid; 0 the nil chain) by position */
	int64_t *order_f;       /* their earliest returns, ascending */
	size_t n, cap;
	int64_t *tree;          /* max over cs, size 2 * tcap */
	uint32_t *arg;          /* position of the max in each subtree */
	size_t tcap;
	bool placed_nil;
};

/* The check's state: every version's part (by write id) and every key's. */
struct lin_state {
	const struct history *h;        /* the history of the current call */
	struct lin_ver *vers;           /* vers[wid - 1] */
	size_t nvers, capvers;
	struct lin_key keys[STORE_MAX_KEYS];
};

/* Why an operation has no order by write id: the flaw (FLAW_NONE: it
 * has one), the version it missed, the operation that shows it. */
struct lin_verdict {
	uint8_t flaw;           /* enum lin_flaw */
	uint64_t missed_wid;
	uint64_t witness_op;
};

void lin_key_free(struct lin_key *k);
void lin_state_free(struct lin_state *L);
/* A deep copy; -1 when memory ran out. */
int lin_state_clone(struct lin_state *dst, const struct lin_state *src);

/* A write (or a read-modify-write, or a change no client made) returned
 * ok: its version is in place. A read-modify-write checks against its base
 * and is flagged like a read when it has no order; a flagged operation
 * changes nothing. Returns -1 when memory ran out. */
int lincheck_write(struct lin_state *L, const struct history *h, const struct op *op,
		   const struct write_rec *wr, struct lin_verdict *out);
/* An ok read (or a txn refused on the version wid it checked) returned. */
int lincheck_read(struct lin_state *L, const struct history *h, const struct op *op, uint64_t wid,
		  struct lin_verdict *out);
/* A first value (no operation) is in place from the start. */
int lincheck_first(struct lin_state *L, const struct history *h, const struct write_rec *wr);

#endif
