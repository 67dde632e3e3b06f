/* history.c: the record of client operations and writes, and the entry to
 * the linearizability check (lincheck.c) as each operation finishes. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capviz/array.h"
#include "capviz/history.h"
#include "capviz/wgl.h"

void history_init(struct history *h)
{
	memset(h, 0, sizeof *h);
}

void history_free(struct history *h)
{
	free(h->ops);
	free(h->writes);
	for (int k = 0; k < STORE_MAX_KEYS; k++)
		lin_key_free(&h->keys[k].lin);
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
	lin_ver_init(&wr->lin, wr->wid);
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

void history_write_base(struct history *h, uint64_t wid, uint64_t base)
{
	struct write_rec *wr = history_write(h, wid);

	const struct write_rec *b = history_write(h, base);
	const struct op *op;

	if (!wr || wr->rmw)
		return;
	wr->rmw = true;
	wr->base_wid = base;
	/* Its value is known now, even if its client never hears it (an add
	 * that timed out yet reached a replica): readers of it must match. */
	op = history_op(h, wr->op);
	if (op && op->kind != OP_WRITE)
		wr->value = op_value(b ? b->value : 0, op->kind, op->arg);
}

/* Version a came before version b in real time: a's write completed
 * before b's began (never written and a first value come before all). */
static bool precedes(const struct history *h, uint64_t a, uint64_t b)
{
	const struct write_rec *wa = history_write(h, a), *wb = history_write(h, b);

	if (a == b || !wb)
		return false;
	if (!wa)
		return true;
	if (wa->op == 0 && wa->invoke_us < 0)
		return !(wb->op == 0 && wb->invoke_us < 0);
	return wa->result == RES_OK && wa->done_us < wb->invoke_us;
}

/* The newest entry of ring that finished before t and that version v
 * came before in real time: what a read of v at t cannot be older than. */
static const struct history_seen *newer_than(const struct history *h, const struct history_seen ring[],
					     uint64_t v, int64_t t)
{
	const struct history_seen *found = NULL;

	for (int i = 0; i < HISTORY_SESSION_RING; i++) {
		const struct history_seen *e = &ring[i];

		if (e->op && e->done_us < t && precedes(h, v, e->wid) && (!found || e->done_us > found->done_us))
			found = e;
	}
	return found;
}

static void remember(struct history_seen ring[], uint8_t *next, const struct op *op, uint64_t wid)
{
	ring[*next] = (struct history_seen){ wid, op->id, op->done_us };
	*next = (uint8_t)((*next + 1) % HISTORY_SESSION_RING);
}

/* The client's session guarantees for a read of version v: nothing older
 * than its own writes or its reads that finished before this read began. */
static void session_read(struct history *h, struct op *op, uint64_t v)
{
	struct history_client *c = &h->clients[op->node];
	const struct history_seen *w, *r;
	int k = op->key;

	w = newer_than(h, c->wrote[k], v, op->invoke_us);
	r = newer_than(h, c->read[k], v, op->invoke_us);
	if (w) {
		op->ryw = true;
		op->session_wid = w->wid;
	}
	if (r) {
		op->mono = true;
		op->mono_wid = r->wid;
		op->session_op = r->op;
	}
	remember(c->read[k], &c->next_read[k], op, v);
}

/* --- a second look by value --- */

/* Keys with more operations than this keep the verdict by write id: the
 * search below is exponential at worst. */
#define VALUE_CHECK_MAX_OPS 2000

static int intern_value(struct wgl_history *g, int64_t v)
{
	char buf[32];

	return wgl_intern(&g->values, buf, (size_t)snprintf(buf, sizeof buf, "%" PRId64, v));
}

/* One operation of key as the history file has it (histfile.c): a read of
 * a value, a write, or a compare-and-set from the value an update was built
 * on; one that may or may not have taken effect never returns. False when
 * the key holds something no register search can judge. */
static bool value_op(const struct history *h, struct wgl_history *g, const struct op *op, bool *skip)
{
	const struct write_rec *wr = op->kind != OP_READ ? history_write(h, op->wid) : NULL;
	const struct write_rec *seen;
	struct wgl_op *o;
	bool ok = op->result == RES_OK;

	*skip = true;
	if (op->kind == OP_SADD || op->kind == OP_SREMOVE || op_is_lock(op->kind) || op->kind == OP_EXPIRE)
		return false;
	if (op->kind == OP_READ || op->cond_failed) {
		uint64_t wid = op->kind == OP_READ ? (op->found ? op->wid : 0) : op->read_wid;

		if (op->cond_failed ? !op->has_read_wid : !ok)
			return true;
		seen = wid ? history_write(h, wid) : NULL;
		if (op->kind == OP_READ && seen && seen->value != op->value)
			return true;    /* merged from several versions: no register's */
		if (!(o = wgl_add(g)))
			return false;
		*o = (struct wgl_op){ .kind = WGL_READ, .key = 0, .inv = op->invoke_us, .ret = op->done_us };
		o->value = seen ? intern_value(g, seen->value) : 0;
		*skip = false;
		return o->value >= 0;
	}
	if (!wr || (!wr->rmw && op->kind != OP_WRITE && !ok))
		return true;
	if (!(o = wgl_add(g)))
		return false;
	*o = (struct wgl_op){ .kind = wr->rmw ? WGL_CAS : WGL_WRITE, .cas = ok ? WGL_CAS_OK : WGL_CAS_UNKNOWN,
			      .key = 0, .inv = op->invoke_us, .ret = ok ? op->done_us : WGL_NEVER };
	o->value = intern_value(g, wr->value);
	if (wr->rmw) {
		const struct write_rec *base = history_write(h, wr->base_wid);

		o->from = base ? intern_value(g, base->value) : 0;
	}
	*skip = false;
	return o->value >= 0 && o->from >= 0;
}

/* The key's operations so far as a register history: the first values
 * and the values heals made (writes no client made), then every operation
 * but those already flagged (left out, as the online check leaves them),
 * except flagged, which is judged. -1 when the key holds something no
 * register search can judge, or has too many operations, or memory ran out.
 * all: the flagged operations too. */
static int key_history(const struct history *h, int key, const struct op *flagged, bool all, struct wgl_history *g)
{
	size_t n = 0;
	bool skip;

	if (h->by_version || wgl_init(g) < 0)
		return -1;
	if (wgl_intern(&g->keys, "k", 1) < 0)
		goto fail;
	for (size_t i = 0; i < h->nwrites; i++) {
		const struct write_rec *wr = &h->writes[i];
		struct wgl_op *o;

		if (wr->op || wr->key != key || wr->result != RES_OK)
			continue;
		if (!(o = wgl_add(g)))
			goto fail;
		*o = (struct wgl_op){ .kind = WGL_WRITE, .key = 0, .inv = wr->invoke_us < 0 ? -2 : wr->invoke_us,
				      .ret = wr->invoke_us < 0 ? -1 : wr->done_us };
		if ((o->value = intern_value(g, wr->value)) < 0)
			goto fail;
	}
	for (size_t i = 0; i < h->nops; i++) {
		const struct op *op = &h->ops[i];

		if (op->key != key || (op->result == RES_PENDING && op->kind == OP_READ) ||
		    (!all && op != flagged && op->stale))
			continue;
		if (!value_op(h, g, op, &skip) || ++n > VALUE_CHECK_MAX_OPS)
			goto fail;
	}
	return 0;
fail:
	wgl_free(g);
	return -1;
}

/* Linearizability is about values; the online check is by write id. When
 * it flags op, is there all the same an order of the key's operations so
 * far in which every read returns the latest value (two writes of 50 are
 * one to a client)? Wing and Gong's search, as --check-history runs it. */
static bool value_explains(const struct history *h, const struct op *flagged)
{
	struct wgl_history g;
	struct wgl_result r;
	bool ok;

	if (key_history(h, flagged->key, flagged, false, &g) < 0)
		return false;
	ok = wgl_check(&g, &r) == 0 && r.linearizable;
	wgl_free(&g);
	return ok;
}

bool history_loss_explained(const struct history *h, int key, int64_t kept, int64_t now_us)
{
	struct wgl_history g;
	struct wgl_result r;
	struct wgl_op *o;
	bool ok;

	/* Every operation, the flagged too: a history with a flaw of its own
	 * explains no loss (the verdict by write id stands). */
	if (key < 0 || key >= STORE_MAX_KEYS || key_history(h, key, NULL, true, &g) < 0)
		return false;
	ok = (o = wgl_add(&g)) != NULL;
	if (ok) {
		*o = (struct wgl_op){ .kind = WGL_READ, .key = 0, .inv = now_us, .ret = now_us };
		ok = (o->value = intern_value(&g, kept)) >= 0;
	}
	ok = ok && wgl_check(&g, &r) == 0 && r.linearizable;
	wgl_free(&g);
	return ok;
}

/* The check by write id, then, for a flagged operation, the second look
 * by value. */
static int check_op(struct history *h, struct op *op);

int history_check(struct history *h, struct op *op)
{
	int rc = check_op(h, op);

	if (rc == 0 && op->stale && value_explains(h, op)) {
		op->stale = false;
		op->flaw = FLAW_NONE;
		op->missed_wid = 0;
		op->witness_op = 0;
	}
	return rc;
}

static int check_op(struct history *h, struct op *op)
{
	struct write_rec *wr;

	op->stale = false;
	op->flaw = FLAW_NONE;
	op->missed_wid = 0;
	op->witness_op = 0;
	if (op->key < 0 || op->key >= STORE_MAX_KEYS)
		return 0;
	if (op->kind == OP_READ && op->result == RES_OK) {
		const struct write_rec *seen = op->found ? history_write(h, op->wid) : NULL;

		/* A value merged from several versions (CRDT, application merge)
		 * is no register's: not judged here. */
		if (seen && seen->value != op->value)
			return 0;
		if (op->node >= 0 && op->node < WORLD_MAX_NODES)
			session_read(h, op, op->found ? op->wid : 0);
		return lincheck_read(h, op, op->found ? op->wid : 0);
	}
	if (op->cond_failed && op->has_read_wid)
		return lincheck_read(h, op, op->read_wid);
	wr = op->kind != OP_READ && op->result == RES_OK ? history_write(h, op->wid) : NULL;
	if (wr && op->node >= 0 && op->node < WORLD_MAX_NODES)
		remember(h->clients[op->node].wrote[op->key], &h->clients[op->node].next_wrote[op->key], op, wr->wid);
	return wr ? lincheck_write(h, op, wr) : 0;
}

int history_system_write(struct history *h, uint64_t wid, bool first)
{
	struct write_rec *wr = history_write(h, wid);
	struct op none;

	if (!wr)
		return 0;
	if (first)
		return lincheck_first(h, wr);
	memset(&none, 0, sizeof none);
	none.key = wr->key;
	none.invoke_us = wr->invoke_us;
	none.done_us = wr->done_us;
	return lincheck_write(h, &none, wr);
}
