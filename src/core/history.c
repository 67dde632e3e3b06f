/* history.c: the record of client operations and writes. It also flags the
 * plainest consistency violation as it happens: a read that returns a write
 * which, in real time, was already overwritten by a completed write before
 * the read began. */
#include <stdlib.h>
#include <string.h>

#include "capviz/array.h"
#include "capviz/history.h"

void history_init(struct history *h)
{
	memset(h, 0, sizeof *h);
}

void history_free(struct history *h)
{
	free(h->ops);
	free(h->writes);
	for (int k = 0; k < STORE_MAX_KEYS; k++)
		free(h->keys[k].done);
	memset(h, 0, sizeof *h);
}

struct op *history_add_op(struct history *h)
{
	void *grown;
	struct op *op;

	grown = array_grow(h->ops, &h->ops_cap, h->nops, sizeof *h->ops);
	if (!grown)
		return NULL;
	h->ops = grown;
	op = &h->ops[h->nops++];
	memset(op, 0, sizeof *op);
	op->id = h->nops;
	op->done_us = -1;
	return op;
}

struct write_rec *history_add_write(struct history *h)
{
	void *grown;
	struct write_rec *wr;

	grown = array_grow(h->writes, &h->writes_cap, h->nwrites, sizeof *h->writes);
	if (!grown)
		return NULL;
	h->writes = grown;
	wr = &h->writes[h->nwrites++];
	memset(wr, 0, sizeof *wr);
	wr->wid = h->nwrites;
	wr->done_us = -1;
	return wr;
}

struct op *history_op(const struct history *h, uint64_t id)
{
	if (id == 0 || id > h->nops)
		return NULL;
	return &h->ops[id - 1];
}

struct write_rec *history_write(const struct history *h, uint64_t wid)
{
	if (wid == 0 || wid > h->nwrites)
		return NULL;
	return &h->writes[wid - 1];
}

int history_write_done(struct history *h, uint64_t wid)
{
	void *grown;
	const struct write_rec *wr = history_write(h, wid);
	struct history_key *k;
	struct history_done *d;

	if (!wr || wr->key < 0 || wr->key >= STORE_MAX_KEYS)
		return 0;
	k = &h->keys[wr->key];
	grown = array_grow(k->done, &k->cap, k->len, sizeof *k->done);
	if (!grown)
		return -1;
	k->done = grown;
	d = &k->done[k->len];
	d->done_us = wr->done_us;
	d->max_invoke_us = wr->invoke_us;
	d->max_wid = wr->wid;
	if (k->len > 0 && d[-1].max_invoke_us >= wr->invoke_us) {
		d->max_invoke_us = d[-1].max_invoke_us;
		d->max_wid = d[-1].max_wid;
	}
	k->len++;
	return 0;
}

/* How many of key's completed writes finished strictly before t_us. */
static size_t done_before(const struct history_key *k, int64_t t_us)
{
	size_t lo = 0, hi = k->len;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (k->done[mid].done_us < t_us)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* A read is stale when some write w completed before the read began and the
 * write the read saw had completed before w began: w then overwrote it in
 * real time. "Never written" precedes every write; an init value precedes
 * every client write; a write that failed or is pending may take effect at
 * any time after its invoke, so it precedes nothing. */
bool history_check_read(struct history *h, struct op *op)
{
	const struct write_rec *seen;
	const struct history_key *k;
	const struct history_done *last;
	int64_t seen_done;
	size_t n;

	op->stale = false;
	op->missed_wid = 0;
	if (op->kind != OP_READ || op->result != RES_OK || op->key < 0 || op->key >= STORE_MAX_KEYS)
		return false;
	k = &h->keys[op->key];
	n = done_before(k, op->invoke_us);
	if (n == 0)
		return false;
	last = &k->done[n - 1];
	seen = op->found ? history_write(h, op->wid) : NULL;
	if (!seen)
		seen_done = INT64_MIN;          /* never written: precedes all */
	else if (seen->result != RES_OK)
		return false;                   /* indeterminate: precedes nothing */
	else
		seen_done = seen->done_us;
	if (last->max_invoke_us > seen_done) {
		op->stale = true;
		op->missed_wid = last->max_wid;
	}
	return op->stale;
}
