/* checker.c: the consistency lens (see checker.h): the check by write id
 * names candidates and reasons, the judge by value decides, and each
 * client's session guarantees are held to what it wrote and read. The
 * history is only read here; verdicts go into its operations. */
#include <stdlib.h>
#include <string.h>

#include "capviz/checker.h"
#include "capviz/histwgl.h"
#include "capviz/world.h"
#include "frontier.h"
#include "lincheck.h"

/* The judge's name for a change no client made: apart from every op id. */
#define SYSTEM_ID(wid) ((UINT64_C(1) << 62) | (wid))

int checker_init(struct checker *c)
{
	memset(c, 0, sizeof *c);
	c->byid = calloc(1, sizeof *c->byid);
	return c->byid ? 0 : -1;
}

void checker_free(struct checker *c)
{
	if (c->byid) {
		lin_state_free(c->byid);
		free(c->byid);
	}
	for (int k = 0; k < STORE_MAX_KEYS; k++)
		if (c->keys[k]) {
			fr_key_free(c->keys[k]);
			free(c->keys[k]);
		}
	free(c->why);
	memset(c, 0, sizeof *c);
}

int checker_clone(struct checker *d, const struct checker *s)
{
	*d = *s;
	d->byid = NULL;
	d->why = NULL;
	memset(d->keys, 0, sizeof d->keys);
	d->capwhy = s->nwhy;
	if (!(d->byid = malloc(sizeof *d->byid)) || lin_state_clone(d->byid, s->byid) < 0) {
		free(d->byid);
		d->byid = NULL;
		goto fail;
	}
	if (s->nwhy && !(d->why = malloc(s->nwhy * sizeof *d->why)))
		goto fail;
	if (s->nwhy)
		memcpy(d->why, s->why, s->nwhy * sizeof *d->why);
	for (int k = 0; k < STORE_MAX_KEYS; k++) {
		if (!s->keys[k])
			continue;
		if (!(d->keys[k] = malloc(sizeof *d->keys[k])) || fr_key_clone(d->keys[k], s->keys[k]) < 0) {
			free(d->keys[k]);
			d->keys[k] = NULL;
			goto fail;
		}
	}
	return 0;
fail:
	checker_free(d);
	return -1;
}

static struct fr_key *key_of(struct checker *c, int key)
{
	if (key < 0 || key >= STORE_MAX_KEYS || c->by_version)
		return NULL;
	if (!c->keys[key]) {
		c->keys[key] = malloc(sizeof *c->keys[key]);
		if (c->keys[key])
			fr_key_init(c->keys[key]);
	}
	return c->keys[key];
}

/* --- what an operation does, as the judge by value sees it --- */

/* A change that may still take effect, or may never: what a pending or an
 * unknown operation can do, as its client knows it. */
static void open_model(const struct op *op, struct fr_model *m)
{
	memset(m, 0, sizeof *m);
	if (op->txn) {
		m->guard = FG_COND;
		m->cond_op = op->cond_op;
		m->garg = op->cond_value;
	}
	switch (op->kind) {
	case OP_ADD:
		m->effect = FE_ADD;
		m->earg = op->arg;
		break;
	case OP_SADD:
	case OP_SREMOVE:
		m->effect = op->kind == OP_SADD ? FE_SETBIT : FE_CLRBIT;
		m->earg = op->arg & 63;
		break;
	case OP_READ:
		break;
	default:
		m->effect = FE_SET;
		m->earg = op->arg;
		break;
	}
}

static void read_model(struct fr_model *m, const struct history *h, uint64_t wid)
{
	const struct write_rec *seen = history_write(h, wid);

	memset(m, 0, sizeof *m);
	m->guard = seen ? FG_EQ : FG_NIL;
	m->garg = seen ? seen->value : 0;
}

/* What op did, now that it finished; false when there is nothing to
 * judge (a failed read, a definite error, a value merged from several
 * versions, which no register holds). */
static bool final_model(const struct history *h, const struct op *op, struct fr_model *m, int64_t *ret)
{
	const struct write_rec *wr = op->kind != OP_READ ? history_write(h, op->wid) : NULL;

	*ret = op->done_at;
	if (op->cond_failed) {
		if (!op->has_read_wid)
			return false;
		read_model(m, h, op->read_wid);
		return true;
	}
	if (op->result == RES_ERROR)
		return false;
	if (op->kind == OP_READ) {
		const struct write_rec *seen = op->found ? history_write(h, op->wid) : NULL;

		if (seen && seen->value != op->value)
			return false;
		read_model(m, h, seen ? seen->wid : 0);
		return true;
	}
	if (op->result != RES_OK || !wr) {
		*ret = FR_INF;
		open_model(op, m);
		return true;
	}
	if (!wr->rmw && op->kind != OP_WRITE) {
		/* An update built on no single version (a counter under crdt or
		 * merge): what its client asked for, relative, done by now. */
		open_model(op, m);
		return true;
	}
	memset(m, 0, sizeof *m);
	m->effect = FE_SET;
	m->earg = wr->value;
	if (wr->rmw) {
		const struct write_rec *base = history_write(h, wr->base_wid);

		m->guard = base ? FG_EQ : FG_NIL;
		m->garg = base ? base->value : 0;
	}
	return true;
}

/* --- session guarantees --- */

/* Version a came before version b in real time: a's write completed
 * before b's began (never written and a first value come before all). */
static bool precedes(const struct history *h, uint64_t a, uint64_t b)
{
	const struct write_rec *wa = history_write(h, a), *wb = history_write(h, b);

	if (a == b || !wb)
		return false;
	if (!wa)
		return true;
	if (wa->op == 0 && wa->invoke_at < 0)
		return !(wb->op == 0 && wb->invoke_at < 0);
	return wa->result == RES_OK && wa->done_at < wb->invoke_at;
}

/* The newest entry of ring that finished before t and that version v
 * came before in real time: what a read of v at t cannot be older than. */
static const struct checker_seen *newer_than(const struct history *h, const struct checker_seen ring[],
					     uint64_t v, int64_t t)
{
	const struct checker_seen *found = NULL;

	for (int i = 0; i < CHECKER_SESSION_RING; i++) {
		const struct checker_seen *e = &ring[i];

		if (e->op && e->done_at < t && precedes(h, v, e->wid) && (!found || e->done_at > found->done_at))
			found = e;
	}
	return found;
}

static void remember(struct checker_seen ring[], uint8_t *next, const struct op *op, uint64_t wid)
{
	ring[*next] = (struct checker_seen){ wid, op->id, op->done_at };
	*next = (uint8_t)((*next + 1) % CHECKER_SESSION_RING);
}

/* The client's session guarantees for a read of version v: nothing older
 * than its own writes or its reads that finished before this read began. */
static void session_read(struct checker *c, const struct history *h, struct op *op, uint64_t v)
{
	struct checker_client *cl = &c->clients[op->node];
	const struct checker_seen *w, *r;
	int k = op->key;

	w = newer_than(h, cl->wrote[k], v, op->invoke_at);
	r = newer_than(h, cl->read[k], v, op->invoke_at);
	if (w) {
		op->ryw = true;
		op->session_wid = w->wid;
	}
	if (r) {
		op->mono = true;
		op->mono_wid = r->wid;
		op->session_op = r->op;
	}
	remember(cl->read[k], &cl->next_read[k], op, v);
}

/* --- the check by write id --- */

static int keep_why(struct checker *c, uint64_t id, const struct lin_verdict *v)
{
	if (id > c->capwhy) {
		size_t cap = c->capwhy ? c->capwhy : 64;
		struct lin_verdict *grown;

		while (cap < id)
			cap *= 2;
		grown = realloc(c->why, cap * sizeof *grown);
		if (!grown)
			return -1;
		c->why = grown;
		c->capwhy = cap;
	}
	for (; c->nwhy < id; c->nwhy++)
		memset(&c->why[c->nwhy], 0, sizeof c->why[c->nwhy]);
	c->why[id - 1] = *v;
	return 0;
}

/* The check by write id of an operation that finished: its verdict
 * (FLAW_NONE for none); -1 when memory ran out. */
static int by_id(struct checker *c, const struct history *h, struct op *op, struct lin_verdict *v)
{
	const struct write_rec *wr;

	memset(v, 0, sizeof *v);
	if (op->key < 0 || op->key >= STORE_MAX_KEYS)
		return 0;
	if (op->kind == OP_READ && op->result == RES_OK) {
		const struct write_rec *seen = op->found ? history_write(h, op->wid) : NULL;

		/* A value merged from several versions (CRDT, application merge)
		 * is no register's: not judged. */
		if (seen && seen->value != op->value)
			return 0;
		if (op->node >= 0 && op->node < WORLD_MAX_NODES)
			session_read(c, h, op, op->found ? op->wid : 0);
		return lincheck_read(c->byid, h, op, op->found ? op->wid : 0, v);
	}
	if (op->cond_failed && op->has_read_wid)
		return lincheck_read(c->byid, h, op, op->read_wid, v);
	wr = op->kind != OP_READ && op->result == RES_OK ? history_write(h, op->wid) : NULL;
	if (wr && op->node >= 0 && op->node < WORLD_MAX_NODES)
		remember(c->clients[op->node].wrote[op->key], &c->clients[op->node].next_wrote[op->key], op, wr->wid);
	return wr ? lincheck_write(c->byid, h, op, wr, v) : 0;
}

/* The newest version of op's key acknowledged before op began: what a
 * flag by value names (a rare path, so a scan will do). */
static uint64_t newest_before(const struct history *h, const struct op *op)
{
	for (size_t i = h->nwrites; i-- > 0;) {
		const struct write_rec *wr = &h->writes[i];

		if (wr->key == op->key && wr->wid != op->wid && (wr->op == 0 || wr->result == RES_OK) &&
		    wr->done_at < op->invoke_at)
			return wr->wid;
	}
	return 0;
}

static void flag(const struct history *h, struct op *op, const struct lin_verdict *v)
{
	op->stale = true;
	op->flaw = v->flaw;
	op->missed_wid = v->missed_wid;
	op->witness_op = v->witness_op;
	if (v->flaw == FLAW_NONE) {
		op->flaw = FLAW_NO_ORDER;
		op->missed_wid = newest_before(h, op);
		op->witness_op = 0;
	}
}

/* --- the entries --- */

int checker_first(struct checker *c, const struct history *h, uint64_t wid)
{
	const struct write_rec *wr = history_write(h, wid);
	struct fr_key *k;
	int rc;

	if (!wr)
		return 0;
	if (lincheck_first(c->byid, h, wr) < 0)
		return -1;
	if (!(k = key_of(c, wr->key)))
		return c->by_version ? 0 : -1;
	rc = fr_first(k, true, wr->value);
	return rc == 1 ? checker_system_write(c, h, wid) : rc;
}

int checker_system_write(struct checker *c, const struct history *h, uint64_t wid)
{
	const struct write_rec *wr = history_write(h, wid);
	struct lin_verdict v;
	struct op none;
	struct fr_key *k;
	struct fr_op op;
	uint64_t late[8];

	if (!wr)
		return 0;
	memset(&none, 0, sizeof none);
	none.key = wr->key;
	none.invoke_at = wr->invoke_at;
	none.done_at = wr->done_at;
	if (lincheck_write(c->byid, h, &none, wr, &v) < 0)
		return -1;
	if (!(k = key_of(c, wr->key)))
		return c->by_version ? 0 : -1;
	memset(&op, 0, sizeof op);
	op.id = SYSTEM_ID(wid);
	op.inv = wr->invoke_at;
	op.ret = wr->done_at;
	op.m.effect = FE_SET;
	op.m.earg = wr->value;
	op.resolved = true;
	if (fr_add(k, &op) < 0)
		return -1;
	return fr_judge(k, wr->done_at, late, 8) == -1 ? -1 : 0;
}

int checker_invoked(struct checker *c, const struct history *h, const struct op *op)
{
	struct fr_key *k;
	struct fr_op fo;

	(void)h;
	if (c->by_version || op->key < 0 || op->key >= STORE_MAX_KEYS || op_is_lock(op->kind))
		return 0;
	if (!(k = key_of(c, op->key)))
		return -1;
	memset(&fo, 0, sizeof fo);
	fo.id = op->id;
	fo.inv = op->invoke_at;
	fo.ret = FR_INF;
	open_model(op, &fo.m);
	return fr_add(k, &fo);
}

/* Does w's history of op's key so far have an order by value, flagged
 * operations left out? 1 yes, 0 no (*stuck: the operation no order got
 * past, 0 a change no client made), 2 the search ran out of steps, -1 out
 * of memory. */
static int search_key(const struct world *w, const struct op *op, uint64_t *stuck)
{
	struct histwgl_opts o = { false, true, op->key, NULL, NULL };
	struct wgl_limits lim = { CHECKER_SEARCH_STEPS, CHECKER_SEARCH_CACHE, NULL, NULL };
	struct wgl_history wh;
	struct wgl_result r;
	int rc = -1;

	if (wgl_init(&wh) < 0)
		return -1;
	if (histwgl_build(&wh, w, &o) == 0 && wgl_check_limited(&wh, &lim, &r) == 0) {
		rc = r.undecided ? 2 : r.linearizable;
		*stuck = rc == 0 ? wh.ops[r.stuck].tag : 0;
	}
	wgl_free(&wh);
	return rc;
}

/* Past the judge's budget (its frontier of states grew too wide, mostly
 * with many changes of unknown outcome at once), the key's history so far
 * is searched whole, as --check-history searches it, flagged operations
 * left out. When op's end leaves no order, the operation the search could
 * not get past is flagged (late, when it is an earlier one: a change whose
 * outcome op's end settled explained it until now), and the search runs
 * again. The search is bounded (CHECKER_SEARCH_*): past that, the check by
 * write id stands and the verdict says it was not decided by value. */
static int by_search(struct checker *c, const struct world *w, struct history *h, struct op *op,
		     const struct lin_verdict *v, uint64_t *late, size_t cap)
{
	int nlate = 0;

	for (int round = 0; w && h->nops <= CHECKER_SEARCH_OPS && round < CHECKER_SEARCH_ROUNDS; round++) {
		uint64_t stuck = 0;
		struct op *o;
		int rc = search_key(w, op, &stuck);

		if (rc < 0)
			return -1;
		if (rc == 1)
			return nlate;
		if (rc == 2)
			break;
		o = stuck == op->id ? op : history_op(h, stuck);
		if (!o || o->stale || o == op) {
			flag(h, op, v);
			return nlate;
		}
		flag(h, o, o->id <= c->nwhy ? &c->why[o->id - 1] : v);
		if ((size_t)nlate < cap)
			late[nlate++] = o->id;
	}
	op->undecided = true;
	if (v->flaw != FLAW_NONE && !op->stale)
		flag(h, op, v);
	return nlate;
}

/* The judge by value, after op (judged by write id as v) finished: marks
 * op and flags earlier operations late. Returns how many were late. */
static int by_value(struct checker *c, const struct world *w, struct history *h, struct op *op,
		    const struct lin_verdict *v, uint64_t *late, size_t cap)
{
	struct fr_key *k = key_of(c, op->key);
	uint64_t flags[32];
	struct fr_model m;
	int64_t ret;
	bool judged = final_model(h, op, &m, &ret);
	int n, nlate = 0;

	if (!k)
		return -1;
	fr_resolve(k, op->id, judged ? ret : FR_INF, &m, !judged, v->flaw != FLAW_NONE);
	n = fr_judge(k, op->done_at, flags, 32);
	if (n == -1)
		return -1;
	if (n == -2)
		return by_search(c, w, h, op, v, late, cap);
	for (int i = 0; i < n; i++) {
		struct op *o = flags[i] == op->id ? op : history_op(h, flags[i]);

		if (!o || o->stale)
			continue;
		flag(h, o, o->id <= c->nwhy ? &c->why[o->id - 1] : v);
		if (o != op && (size_t)nlate < cap)
			late[nlate++] = o->id;
	}
	return nlate;
}

int checker_finished(struct checker *c, const struct world *w, struct history *h, struct op *op, uint64_t *late,
		     size_t cap)
{
	struct lin_verdict v;

	op->stale = false;
	op->flaw = FLAW_NONE;
	op->missed_wid = 0;
	op->witness_op = 0;
	if (op->key < 0 || op->key >= STORE_MAX_KEYS || op_is_lock(op->kind))
		return 0;
	memset(&v, 0, sizeof v);
	if ((op->result == RES_OK || op->cond_failed) && by_id(c, h, op, &v) < 0)
		return -1;
	if (keep_why(c, op->id, &v) < 0)
		return -1;
	if (c->by_version) {
		if (v.flaw != FLAW_NONE)
			flag(h, op, &v);
		return 0;
	}
	return by_value(c, w, h, op, &v, late, cap);
}

bool checker_value_possible(struct checker *c, struct history *h, int key, int64_t value, int64_t now_us)
{
	struct fr_key *k = key_of(c, key);

	return k && fr_possible(k, history_stamp(h, now_us), true, value);
}
