/* histwgl.c: a run's history as a history of values (histwgl.h). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "capviz/histwgl.h"
#include "capviz/world.h"

static struct wgl_op *add_op(struct wgl_history *h, enum wgl_kind kind, int key)
{
	struct wgl_op *op = wgl_add(h);

	if (op) {
		op->kind = (uint8_t)kind;
		op->key = key;
	}
	return op;
}

/* The value a version stands for: its value, or by_version its write id;
 * the empty string (a key never written) for none. */
static int version_value(struct wgl_history *h, const struct world *w, int key, uint64_t wid, bool by_version)
{
	const struct write_rec *wr = history_write(&w->hist, wid);
	char buf[96];

	if (!wid || !wr)
		return 0;
	if (by_version)
		snprintf(buf, sizeof buf, "%" PRIu64, wid);
	else
		world_format_value(w, key, wr->value, buf, sizeof buf);
	return wgl_intern(&h->values, buf, strlen(buf));
}

/* Times move one microsecond on, so that the first values (written at 0)
 * come before every operation, even one invoked at 0. */
static void set_times(struct wgl_op *op, int64_t inv, int64_t ret, bool never)
{
	op->inv = inv + 1;
	op->ret = never ? WGL_NEVER : ret + 1;
}

/* What an operation may do as its client knows it: a write of its value,
 * or an add of its delta, under its condition for a txn; one whose outcome
 * is unknown (or that is still pending) never returns. */
static int add_open(struct wgl_history *h, const struct world *w, const struct op *op, int key, bool returned,
		    bool cond)
{
	struct wgl_op *o = add_op(h, op->kind == OP_ADD ? WGL_ADD : WGL_WRITE, key);

	if (!o)
		return -1;
	if (op->kind == OP_ADD) {
		o->delta = op->arg;
	} else {
		char v[96];

		world_format_value(w, op->key, op->arg, v, sizeof v);
		if ((o->value = wgl_intern(&h->values, v, strlen(v))) < 0)
			return -1;
	}
	set_times(o, op->invoke_at, op->done_at, !returned);
	if (op->txn && cond) {
		o->has_cond = true;
		o->cond_op = op->cond_op;
		o->cond_value = op->cond_value;
	}
	return 0;
}

/* A compare-and-set from base to wid, by its outcome. */
static int add_cas(struct wgl_history *h, const struct world *w, const struct op *op, int key,
		   const struct write_rec *wr, bool by_version, enum wgl_cas cas)
{
	struct wgl_op *o = add_op(h, WGL_CAS, key);

	if (!o)
		return -1;
	o->cas = (uint8_t)cas;
	o->from = version_value(h, w, op->key, wr->base_wid, by_version);
	o->value = version_value(h, w, op->key, wr->wid, by_version);
	set_times(o, op->invoke_at, op->done_at, cas == WGL_CAS_UNKNOWN);
	return o->from < 0 || o->value < 0 ? -1 : 0;
}

static int add_write(struct wgl_history *h, const struct world *w, int key, int64_t inv, int64_t ret, bool never,
		     int store_key, uint64_t wid, bool by_version)
{
	struct wgl_op *o = add_op(h, WGL_WRITE, key);

	if (!o)
		return -1;
	set_times(o, inv, ret, never);
	o->value = version_value(h, w, store_key, wid, by_version);
	return o->value < 0 ? -1 : 0;
}

static int add_client_version(struct wgl_history *h, const struct world *w, const struct op *op, int key,
			      const struct histwgl_opts *o)
{
	const struct write_rec *wr = op->kind != OP_READ ? history_write(&w->hist, op->wid) : NULL;
	bool ok = op->result == RES_OK, judged = o->judged, by_version = o->by_version;

	/* A write still under way, or whose outcome is unknown, may have
	 * taken effect: it never returns. One that failed definitely never
	 * took effect: it is no part of the history. */
	if ((op->result == RES_PENDING && op->kind == OP_READ) || (op->result == RES_ERROR && !op->cond_failed))
		return 0;
	if (op->kind == OP_READ || op->cond_failed) {
		uint64_t seen = op->kind == OP_READ ? (op->found ? op->wid : 0) : op->read_wid;
		const struct write_rec *sw = history_write(&w->hist, seen);
		struct wgl_op *r;

		if (op->cond_failed ? !op->has_read_wid : !ok)
			return 0;       /* a failed read tells nothing; a refused txn read its condition */
		if (op->kind == OP_READ && op->found && sw && sw->value != op->value) {
			/* As the check by write id: a merge is no register's value. */
			if (o->left)
				o->left(o->ctx, w, op, HISTWGL_MERGED);
			return 0;
		}
		if (judged && op->stale) {
			if (o->left)
				o->left(o->ctx, w, op, HISTWGL_FLAGGED);
			return 0;
		}
		if (!(r = add_op(h, WGL_READ, key)))
			return -1;
		set_times(r, op->invoke_at, op->done_at, false);
		r->value = version_value(h, w, op->key, seen, by_version);
		return r->value < 0 ? -1 : 0;
	}
	if (!wr)
		return 0;
	if (!by_version && (!ok || (!wr->rmw && op->kind != OP_WRITE))) {
		/* Unknown, or an update built on no single version (a counter
		 * under crdt or merge): what its client asked for; flagged, its
		 * change at any time, with no condition. */
		return add_open(h, w, op, key, ok && !(judged && op->stale), !(judged && op->stale));
	}
	if (!ok) {
		/* By write id, as the check by write id sees it: the version
		 * that may have taken effect, built on its base when known. */
		if (wr->rmw)
			return add_cas(h, w, op, key, wr, true, WGL_CAS_UNKNOWN);
		if (op->kind == OP_WRITE)
			return add_write(h, w, key, op->invoke_at, op->done_at, true, op->key, wr->wid, true);
		return 0;
	}
	if (!wr->rmw || (judged && op->stale)) {
		/* A write, an update applied on no single version (a counter
		 * under crdt or merge: judged as a write of the value it made),
		 * or a flagged one left out: its value, at any time after. */
		return add_write(h, w, key, op->invoke_at, op->done_at, judged && op->stale, op->key, wr->wid,
				 by_version);
	}
	/* An add or a txn: a compare-and-set from the version it built on. */
	return add_cas(h, w, op, key, wr, by_version, WGL_CAS_OK);
}

/* The operation, named by its id. */
static int add_client_op(struct wgl_history *h, const struct world *w, const struct op *op, int key,
			 const struct histwgl_opts *o)
{
	size_t before = h->n;
	int rc = add_client_version(h, w, op, key, o);

	if (h->n > before)
		h->ops[before].tag = op->id;
	return rc;
}

/* A first value, or a value a heal merged: a write no client made. */
static int add_system_write(struct wgl_history *h, const struct world *w, const struct write_rec *wr, int key,
			    bool by_version)
{
	if (wr->invoke_at < 0)
		return add_write(h, w, key, -1, -1, false, wr->key, wr->wid, by_version);
	return add_write(h, w, key, wr->invoke_at, wr->done_at, false, wr->key, wr->wid, by_version);
}

static bool exported(const struct world *w, const struct histwgl_opts *o, int key)
{
	return key >= 0 && key < w->nkeys && w->key_type[key] == KT_INT && (o->key < 0 || key == o->key);
}

/* The key's index in h, interned by name. */
static int key_index(struct wgl_history *h, const struct world *w, int key)
{
	const char *name = world_key_name(w, key);

	return wgl_intern(&h->keys, name, strlen(name));
}

int histwgl_build(struct wgl_history *h, const struct world *w, const struct histwgl_opts *o)
{
	size_t next = 0;
	int k;

	/* In time order: each system write before the operations invoked after it. */
	for (size_t i = 0; i <= w->hist.nops; i++) {
		const struct op *op = i < w->hist.nops ? &w->hist.ops[i] : NULL;

		for (; next < w->hist.nwrites && (!op || w->hist.writes[next].invoke_at <= op->invoke_at); next++) {
			const struct write_rec *wr = &w->hist.writes[next];

			if (wr->op || !exported(w, o, wr->key) || wr->result != RES_OK)
				continue;
			if ((k = key_index(h, w, wr->key)) < 0 || add_system_write(h, w, wr, k, o->by_version) < 0)
				return -1;
		}
		if (!op || !exported(w, o, op->key))
			continue;
		if ((k = key_index(h, w, op->key)) < 0 || add_client_op(h, w, op, k, o) < 0)
			return -1;
	}
	return 0;
}
