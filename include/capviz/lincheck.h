/* lincheck.h: the consistency lens's linearizability checker for the
 * world's own histories, where every write has a unique id and every read
 * names the write it saw, so linearizability is decided exactly and online,
 * operation by operation as they finish, in O(log n) each (plus a walk along
 * a chain of read-modify-writes when a read finds an older link).
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

struct history;
struct op;
struct write_rec;

/* Why an operation has no valid linearization (struct op's flaw). */
enum lin_flaw {
	FLAW_NONE,
	FLAW_STALE,             /* a read missed a version that was in place before it began */
	FLAW_LOST_UPDATE,       /* a read-modify-write built on a version another one had built on */
	FLAW_STALE_BASE,        /* a read-modify-write built on an outdated version */
};

/* One version's part in the check (kept in its struct write_rec). */
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

void lin_key_free(struct lin_key *k);
/* A new version's part, before anything is known of it. */
void lin_ver_init(struct lin_ver *v, uint64_t wid);

/* A write (or a read-modify-write, or a first value) returned ok: its
 * version is in place. A read-modify-write checks against its base and is
 * flagged like a read when it has no valid order. Returns -1 when memory ran
 * out. */
int lincheck_write(struct history *h, struct op *op, struct write_rec *wr);
/* An ok read (or a txn refused on the version it checked) returned: flags
 * it when it has no valid order. Returns -1 when memory ran out. */
int lincheck_read(struct history *h, struct op *op, uint64_t wid);
/* A first value (no operation) is in place from the start. */
int lincheck_first(struct history *h, struct write_rec *wr);

#endif
