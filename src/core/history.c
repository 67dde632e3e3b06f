/* history.c: the record of client operations and writes. It records;
 * the checker (checker.c) judges. */
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
	op->done_at = -1;
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
	wr->done_at = -1;
	return wr;
}

bool history_give_back(struct history *h, uint64_t wid)
{
	if (wid == 0 || wid != h->nwrites || h->writes[wid - 1].applied)
		return false;
	h->nwrites--;
	return true;
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

int64_t history_stamp(struct history *h, int64_t now_us)
{
	if (now_us != h->stamp_us || h->nops + h->nwrites == 0) {
		h->stamp_us = now_us;
		h->stamp_rank = 0;
	} else if (h->stamp_rank < HISTORY_STAMP_RANKS - 1) {
		h->stamp_rank++;
	}
	return now_us * HISTORY_STAMP_RANKS + h->stamp_rank;
}

void history_write_base(struct history *h, uint64_t wid, uint64_t base)
{
	struct write_rec *wr = history_write(h, wid);

	const struct write_rec *b = history_write(h, base);
	const struct op *op;

	if (!wr || wr->rmw)
		return;
	wr->rmw = true;
	wr->valued = true;
	wr->base_wid = base;
	/* Its value is known now, even if its client never hears it (an add
	 * that timed out yet reached a replica): readers of it must match. */
	op = history_op(h, wr->op);
	if (op && op->kind != OP_WRITE)
		wr->value = op_value(b ? b->value : 0, op->kind, op->arg);
}
