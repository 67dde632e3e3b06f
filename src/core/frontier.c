/* frontier.c: the judge by value's key (see frontier.h for the method): its
 * frontier and window, a judgement (a replay of the window, the
 * configuration to believe, the flags it commits), and the frontier moving
 * on. The configurations are frontier_cfg.c's, the replay frontier_replay.c's. */
#include <stdlib.h>
#include <string.h>

#include "capviz/array.h"
#include "frontier_impl.h"

/* --- the key --- */

void fr_key_init(struct fr_key *k)
{
	memset(k, 0, sizeof *k);
	k->t_us = INT64_MIN;
}

void fr_key_free(struct fr_key *k)
{
	for (size_t i = 0; i < k->ncfg; i++)
		fr_cfg_free(&k->cfg[i]);
	free(k->cfg);
	free(k->ops);
	free(k->flagged);
	memset(k, 0, sizeof *k);
}

int fr_key_clone(struct fr_key *dst, const struct fr_key *src)
{
	*dst = *src;
	dst->cfg = NULL;
	dst->ops = NULL;
	dst->flagged = NULL;
	dst->ncfg = dst->capcfg = dst->capops = dst->capflagged = 0;
	dst->nops = dst->nflagged = 0;
	if ((src->ncfg && !(dst->cfg = calloc(src->ncfg, sizeof *dst->cfg))) ||
	    (src->nops && !(dst->ops = malloc(src->nops * sizeof *dst->ops))) ||
	    (src->nflagged && !(dst->flagged = malloc(src->nflagged * sizeof *dst->flagged))))
		goto fail;
	dst->capcfg = src->ncfg;
	for (size_t i = 0; i < src->ncfg; i++) {
		if (fr_cfg_copy(&dst->cfg[i], &src->cfg[i]) < 0)
			goto fail;
		dst->ncfg++;
	}
	if (src->nops)
		memcpy(dst->ops, src->ops, src->nops * sizeof *dst->ops);
	dst->nops = dst->capops = src->nops;
	if (src->nflagged)
		memcpy(dst->flagged, src->flagged, src->nflagged * sizeof *dst->flagged);
	dst->nflagged = dst->capflagged = src->nflagged;
	return 0;
fail:
	fr_key_free(dst);
	fr_key_init(dst);
	return -1;
}

static int start(struct fr_key *k, bool has, int64_t value)
{
	struct fr_cfg c;

	if (k->started)
		return 0;
	memset(&c, 0, sizeof c);
	c.has = has;
	c.state = value;
	k->cfg = malloc(sizeof *k->cfg);
	if (!k->cfg)
		return -1;
	k->cfg[0] = c;
	k->ncfg = k->capcfg = 1;
	k->started = true;
	return 0;
}

int fr_first(struct fr_key *k, bool has, int64_t value)
{
	if (!k->started)
		return start(k, has, value);
	if (k->nops == 0 && k->t_us == INT64_MIN && k->ncfg == 1 && k->cfg[0].nobl == 0 && fr_nopen(&k->cfg[0]) == 0) {
		k->cfg[0].has = has;
		k->cfg[0].state = value;
		return 0;
	}
	return 1;
}

int fr_add(struct fr_key *k, const struct fr_op *op)
{
	if (start(k, false, 0) < 0)
		return -1;
	if (k->nops == k->capops) {
		struct fr_op *grown = array_grow(k->ops, &k->capops, k->nops, sizeof *grown);

		if (!grown)
			return -1;
		k->ops = grown;
	}
	k->ops[k->nops] = *op;
	k->ops[k->nops].called = false;
	k->nops++;
	return 0;
}

static struct fr_op *find_op(struct fr_key *k, uint64_t id)
{
	for (size_t i = k->nops; i-- > 0;)
		if (k->ops[i].id == id)
			return &k->ops[i];
	return NULL;
}

void fr_resolve(struct fr_key *k, uint64_t id, int64_t ret, const struct fr_model *m, bool skip, bool candidate)
{
	struct fr_op *op = find_op(k, id);

	if (!op)
		return;
	op->ret = ret;
	op->m = *m;
	op->skip = skip;
	op->candidate = candidate;
	op->resolved = true;
}

/* The events of the window up to limit (at or before it when inclusive),
 * sorted; the probe (index nops) is a read at limit when asked. */
static struct fr_event *window_events(const struct fr_key *k, int64_t limit, bool inclusive, bool probe,
				       size_t *nev)
{
	struct fr_event *ev = malloc((2 * k->nops + 2) * sizeof *ev);
	size_t n = 0;

	if (!ev)
		return NULL;
	for (size_t i = 0; i < k->nops; i++) {
		const struct fr_op *op = &k->ops[i];

		if (!op->called && (inclusive ? op->inv <= limit : op->inv < limit))
			ev[n++] = (struct fr_event){ op->inv, false, i };
		if (op->resolved && op->ret != FR_INF && (inclusive ? op->ret <= limit : op->ret < limit))
			ev[n++] = (struct fr_event){ op->ret, true, i };
	}
	if (probe) {
		ev[n++] = (struct fr_event){ limit, false, k->nops };
		ev[n++] = (struct fr_event){ limit, true, k->nops };
	}
	qsort(ev, n, sizeof *ev, fr_event_cmp);
	*nev = n;
	return ev;
}

static int replay_start(struct fr_replay *r, const struct fr_key *k)
{
	memset(r, 0, sizeof *r);
	r->s.c = calloc(k->ncfg ? k->ncfg : 1, sizeof *r->s.c);
	if (!r->s.c)
		return -1;
	r->s.cap = k->ncfg ? k->ncfg : 1;
	for (size_t i = 0; i < k->ncfg; i++) {
		if (fr_cfg_copy(&r->s.c[i], &k->cfg[i]) < 0) {
			fr_cfgs_free(&r->s);
			return -1;
		}
		r->s.n++;
	}
	return 0;
}

static bool is_flagged(const struct fr_key *k, uint64_t id)
{
	const struct fr_op *op = NULL;

	for (size_t j = 0; j < k->nflagged; j++)
		if (k->flagged[j] == id)
			return true;
	for (size_t j = 0; j < k->nops && !op; j++)
		if (k->ops[j].id == id)
			op = &k->ops[j];
	return op && op->flagged;
}

/* The operations c leaves out that are not flagged yet, in order. */
static size_t extra_excl(const struct fr_key *k, const struct fr_cfg *c, uint64_t *out, size_t cap)
{
	size_t n = 0;

	for (uint32_t i = 0; i < c->nexcl; i++)
		if (!is_flagged(k, c->excl[i])) {
			if (out && n < cap)
				out[n] = c->excl[i];
			n++;
		}
	return n;
}

/* Is a's extra left-out set better than b's: fewer, or as many and the
 * first that differs later (so that verdicts already given stand, and the
 * operation that made the history impossible is the one flagged)? */
static bool better(const struct fr_key *k, const struct fr_cfg *a, const struct fr_cfg *b)
{
	size_t na = extra_excl(k, a, NULL, 0), nb = extra_excl(k, b, NULL, 0);
	uint64_t xa[16], xb[16];

	if (na != nb)
		return na < nb;
	extra_excl(k, a, xa, 16);
	extra_excl(k, b, xb, 16);
	for (size_t i = 0; i < na && i < 16; i++)
		if (xa[i] != xb[i])
			return xa[i] > xb[i];
	return false;
}

/* The configuration to believe; -1 when none is alive. */
static long best_config(const struct fr_key *k, const struct fr_cfgs *s)
{
	long best = -1;

	for (size_t i = 0; i < s->n; i++)
		if (best < 0 || better(k, &s->c[i], &s->c[best]))
			best = (long)i;
	return best;
}

static int note_flagged(struct fr_key *k, uint64_t id)
{
	uint64_t *grown = array_grow(k->flagged, &k->capflagged, k->nflagged, sizeof *grown);

	if (!grown)
		return -1;
	k->flagged = grown;
	k->flagged[k->nflagged++] = id;
	return 0;
}

/* Marks the operations the chosen configuration leaves out and that are
 * not flagged yet; returns how many were written to flags. */
static int commit_flags(struct fr_key *k, const struct fr_cfg *best, uint64_t *flags, size_t cap)
{
	size_t n = 0, folded = k->nflagged;

	for (uint32_t i = 0; i < best->nexcl; i++) {
		struct fr_op *op = find_op(k, best->excl[i]);
		bool known = op ? op->flagged : false;

		for (size_t j = 0; j < k->nflagged && !known; j++)
			known = k->flagged[j] == best->excl[i];
		if (known)
			continue;
		if (op)
			op->flagged = true;
		else if (note_flagged(k, best->excl[i]) < 0)
			return -1;
		k->nflags++;
		if (n < cap)
			flags[n] = best->excl[i];
		n++;
	}
	/* The frontier keeps only what agrees with the flags just given to
	 * operations already folded in (whose both branches it holds). */
	for (size_t i = 0; i < k->ncfg;) {
		bool keeps = true;

		for (size_t j = folded; j < k->nflagged && keeps; j++)
			keeps = fr_excl_has(&k->cfg[i], k->flagged[j]);
		if (keeps) {
			i++;
			continue;
		}
		fr_cfg_free(&k->cfg[i]);
		k->cfg[i] = k->cfg[--k->ncfg];
	}
	return (int)(n < cap ? n : cap);
}

/* Folds every event before t into the frontier, and drops what it no
 * longer needs from the window. */
static int advance(struct fr_key *k, int64_t t)
{
	struct fr_replay r;
	struct fr_event *ev;
	size_t nev, j = 0;

	if (t <= k->t_us)
		return 0;
	ev = window_events(k, t, false, false, &nev);
	if (!ev || replay_start(&r, k) < 0) {
		free(ev);
		return -1;
	}
	if (fr_replay_events(&r, k->ops, ev, nev, false) < 0) {
		free(ev);
		fr_cfgs_free(&r.s);
		return -1;
	}
	k->steps += r.steps;
	free(ev);
	if (r.over || r.s.n == 0) {
		fr_cfgs_free(&r.s);
		return -2;
	}
	for (size_t i = 0; i < k->ncfg; i++)
		fr_cfg_free(&k->cfg[i]);
	free(k->cfg);
	k->cfg = r.s.c;
	k->ncfg = r.s.n;
	k->capcfg = r.s.cap;
	k->t_us = t;
	for (size_t i = 0; i < k->nops; i++) {
		struct fr_op *op = &k->ops[i];
		bool gone;

		if (op->inv < t)
			op->called = true;
		gone = op->called && (op->ret == FR_INF || op->ret < t);
		if (!gone)
			k->ops[j++] = *op;
	}
	k->nops = j;
	return 0;
}

/* The frontier may move to the earliest invoke of an operation still
 * pending (its outcome could still fr_change what came after), or to now. */
static int64_t frontier_time(const struct fr_key *k, int64_t now_us)
{
	int64_t t = now_us;

	for (size_t i = 0; i < k->nops; i++)
		if (!k->ops[i].resolved && k->ops[i].inv < t)
			t = k->ops[i].inv;
	return t;
}

int fr_judge(struct fr_key *k, int64_t now_us, uint64_t *flags, size_t cap)
{
	struct fr_replay r;
	struct fr_event *ev;
	size_t nev;
	long best;
	int n = 0, rc;

	if (k->gave_up)
		return -2;
	if (start(k, false, 0) < 0)
		return -1;
	ev = window_events(k, now_us, true, false, &nev);
	if (!ev || replay_start(&r, k) < 0) {
		free(ev);
		return -1;
	}
	rc = fr_replay_events(&r, k->ops, ev, nev, true);
	free(ev);
	k->steps += r.steps;
	if (rc == 0 && !r.over && (best = best_config(k, &r.s)) >= 0)
		n = commit_flags(k, &r.s.c[best], flags, cap);
	else if (rc == 0)
		rc = -2;
	fr_cfgs_free(&r.s);
	if (rc == 0 && n >= 0)
		rc = advance(k, frontier_time(k, now_us));
	if (rc == -2)
		k->gave_up = true;
	return rc < 0 ? rc : n;
}

bool fr_possible(struct fr_key *k, int64_t now_us, bool has, int64_t value)
{
	struct fr_replay r;
	struct fr_event *ev;
	struct fr_op *probe;
	size_t nev;
	bool ok = false;

	/* A history with a flaw of its own explains nothing. */
	if (k->gave_up || k->nflags > 0 || start(k, false, 0) < 0)
		return false;
	if (k->nops == k->capops) {
		probe = realloc(k->ops, (k->nops + 1) * sizeof *k->ops);
		if (!probe)
			return false;
		k->ops = probe;
		k->capops = k->nops + 1;
	}
	k->ops[k->nops] = (struct fr_op){ .id = UINT64_MAX, .inv = now_us, .ret = now_us, .resolved = true,
					  .m = { .guard = (uint8_t)(has ? FG_EQ : FG_NIL), .garg = value } };
	ev = window_events(k, now_us, true, true, &nev);
	if (ev && replay_start(&r, k) == 0) {
		if (fr_replay_events(&r, k->ops, ev, nev, true) == 0 && !r.over)
				for (size_t i = 0; i < r.s.n && !ok; i++)
				ok = extra_excl(k, &r.s.c[i], NULL, 0) == 0;
		fr_cfgs_free(&r.s);
	}
	free(ev);
	return ok;
}
