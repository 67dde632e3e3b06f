/* history.c: the record of client operations and writes. It also flags the
 * plainest consistency violation as it happens: a read that returns a write
 * which, in real time, was already overwritten by a completed write before
 * the read began. */
#include <stdlib.h>
#include <string.h>

#include "capviz/history.h"

void history_init(struct history *h)
{
	memset(h, 0, sizeof *h);
}

void history_free(struct history *h)
{
	free(h->ops);
	free(h->writes);
	memset(h, 0, sizeof *h);
}

static void *grow(void *p, size_t *cap, size_t len, size_t size)
{
	size_t ncap;
	void *np;

	if (len < *cap)
		return p;
	ncap = *cap ? *cap * 2 : 64;
	np = realloc(p, ncap * size);
	if (np)
		*cap = ncap;
	return np;
}

struct op *history_add_op(struct history *h)
{
	struct op *ops = grow(h->ops, &h->ops_cap, h->nops, sizeof *ops);
	struct op *op;

	if (!ops)
		return NULL;
	h->ops = ops;
	op = &ops[h->nops++];
	memset(op, 0, sizeof *op);
	op->id = h->nops;
	op->done_us = -1;
	return op;
}

struct write_rec *history_add_write(struct history *h)
{
	struct write_rec *ws = grow(h->writes, &h->writes_cap, h->nwrites, sizeof *ws);
	struct write_rec *wr;

	if (!ws)
		return NULL;
	h->writes = ws;
	wr = &ws[h->nwrites++];
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

/* Did write a complete before write b was invoked? An init value precedes
 * every write; a write that failed or is pending may take effect at any time
 * after its invoke, so it precedes nothing. */
static bool precedes(const struct write_rec *a, const struct write_rec *b)
{
	if (!a)
		return true;            /* "never written" precedes every write */
	if (a->op == 0)
		return true;
	return a->result == RES_OK && a->done_us < b->invoke_us;
}

bool history_check_read(struct history *h, struct op *op)
{
	const struct write_rec *seen, *missed = NULL;

	op->stale = false;
	op->missed_wid = 0;
	if (op->kind != OP_READ || op->result != RES_OK)
		return false;
	seen = op->found ? history_write(h, op->wid) : NULL;
	for (size_t i = 0; i < h->nwrites; i++) {
		const struct write_rec *wr = &h->writes[i];

		if (wr->key != op->key || wr == seen || wr->result != RES_OK)
			continue;
		if (wr->done_us >= op->invoke_us)
			continue;
		if (precedes(seen, wr) && (!missed || wr->done_us > missed->done_us))
			missed = wr;
	}
	if (missed) {
		op->stale = true;
		op->missed_wid = missed->wid;
	}
	return op->stale;
}
