/* frontier_replay.c: the judge by value's replay of a window's events over
 * a set of configurations (see frontier.h): a call adds an obligation or
 * an unconfirmed change; a return keeps the configurations in which the
 * operation has taken effect by then, searching the orders of what was
 * pending before it, and, for a candidate, those that leave it out. */
#include <stdlib.h>
#include <string.h>

#include "frontier_impl.h"

/* --- events --- */


int fr_event_cmp(const void *pa, const void *pb)
{
	const struct fr_event *a = pa, *b = pb;

	if (a->t != b->t)
		return a->t < b->t ? -1 : 1;
	if (a->is_return != b->is_return)
		return a->is_return ? 1 : -1;
	return a->op < b->op ? -1 : a->op > b->op;
}


/* How op stands in a replay: what its call adds, whether its return is an
 * obligation to meet. A flagged fr_change remains as an unconfirmed one. */
static void op_stance(const struct fr_op *op, bool tentative, struct fr_model *m, bool *obligation, bool *skip)
{
	*m = op->m;
	*skip = op->skip || (!op->resolved && (!tentative || op->m.effect == FE_NONE));
	*obligation = op->resolved && op->ret != FR_INF && !op->flagged;
	if (op->flagged) {
		/* What remains of a fr_change left out: its fr_change, at any time
		 * after its invoke, or never (its value is real: later reads may
		 * see it). A read left out is gone. */
		*skip = *skip || op->m.effect == FE_NONE;
		m->guard = FG_NONE;
		m->garg = 0;
		m->cond_op = 0;
	}
}

static int do_call(struct fr_replay *r, const struct fr_op *op, bool tentative)
{
	struct fr_model m;
	bool obligation, skip;

	op_stance(op, tentative, &m, &obligation, &skip);
	if (skip)
		return 0;
	for (size_t i = 0; i < r->s.n; i++) {
		struct fr_cfg *c = &r->s.c[i];
		struct fr_opens *was = c->open;
		size_t j = 0;

		/* Configurations that shared their unconfirmed changes share the
		 * set with this one added too (so that comparing them stays a
		 * comparison of pointers). */
		while (!obligation && was && j < i && r->s.c[j].open_was != was)
			j++;
		if (!obligation && was && j < i)
			fr_open_share(c, r->s.c[j].open);
		else if (obligation ? fr_obl_add(c, op->id, &m) < 0 : fr_open_add(c, &m) < 0)
			return -1;
		c->open_was = was;
		fr_absorb(c);
	}
	fr_cfgs_prune(&r->s);
	return 0;
}

static bool relative(const struct fr_model *m)
{
	return m->effect == FE_ADD || m->effect == FE_SETBIT || m->effect == FE_CLRBIT;
}

/* Would a state of value satisfy a guard that waits: a pending read's or
 * compare-and-set's, an unconfirmed conditional change's? */
static bool awaited(const struct fr_cfg *c, int64_t value)
{
	for (uint32_t i = 0; i < c->nobl; i++)
		if (c->obl[i].m.guard != FG_NONE && fr_guard_holds(&c->obl[i].m, true, value))
			return true;
	for (uint32_t i = 0; fr_open_slow(c) && i < fr_nopen(c); i++)
		if (c->open->e[i].m.guard != FG_NONE && fr_guard_holds(&c->open->e[i].m, true, value))
			return true;
	return false;
}

/* Does anything pending build on the state (an update), or wait on a
 * condition: then any change may matter. */
static bool anything_relative(const struct fr_cfg *c, const struct fr_model *target)
{
	if (relative(target) || fr_open_slow(c))
		return true;
	for (uint32_t i = 0; i < c->nobl; i++)
		if (relative(&c->obl[i].m))
			return true;
	return false;
}

/* Is a pending change that nothing forces now worth taking effect now?
 * When an update is pending, or may yet take effect, always: it builds on
 * whatever the state is. Otherwise only when the state it makes is awaited
 * (a pending read's or compare-and-set's value, a condition): else the next
 * write hides it, and leaving it for later (or never) is never worse. This
 * keeps the search from trying every subset of the writes that never
 * returned, and loses no order. */
static bool worth(const struct fr_cfg *c, const struct fr_model *m, bool slow)
{
	bool has = c->has;
	int64_t v = c->state;

	if (slow || relative(m))
		return true;
	fr_effect_apply(m, &has, &v);
	return awaited(c, v);
}

/* The next configuration from cur: obligation i, or unconfirmed change i
 * (i >= nobl), takes effect; pushed on stack unless seen. */
static int step(const struct fr_cfg *cur, uint32_t i, struct fr_seen *seen, struct fr_cfgs *stack)
{
	struct fr_model m = i < cur->nobl ? cur->obl[i].m : cur->open->e[i - cur->nobl].m;
	struct fr_cfg next;
	int fresh;

	if (fr_cfg_copy(&next, cur) < 0)
		return -1;
	if (i < cur->nobl)
		fr_obl_remove_at(&next, i);
	else if (fr_open_use(&next, i - cur->nobl) < 0) {
		fr_cfg_free(&next);
		return -1;
	}
	fr_change(&next, &m);
	fr_absorb(&next);
	fresh = fr_seen_add(seen, &next);
	if (fresh > 0)
		return fr_cfgs_push(stack, &next);
	fr_cfg_free(&next);
	return fresh;
}

/* Another pending change first, from cur (X, the op returning, at index
 * at): an obligation, or an unconfirmed one. A change nothing forces goes
 * first only when something would see it (a blind write unseen is done at
 * its return: hidden); with no update or condition pending, only the blind
 * writes of an awaited value are looked up, not every one. */
static int moves(const struct fr_cfg *cur, int at, struct fr_seen *seen, struct fr_cfgs *stack)
{
	bool slow = anything_relative(cur, &cur->obl[at].m);
	int rc = 0;

	for (uint32_t i = 0; rc == 0 && i < cur->nobl; i++) {
		const struct fr_model *m = &cur->obl[i].m;

		if ((int)i == at || m->effect == FE_NONE || !fr_guard_holds(m, cur->has, cur->state) ||
		    (fr_blind(m) && !worth(cur, m, slow)))
			continue;
		rc = step(cur, i, seen, stack);
	}
	if (slow) {
		for (uint32_t i = 0; rc == 0 && i < fr_nopen(cur); i++) {
			const struct fr_model *m = &cur->open->e[i].m;

			if (fr_guard_holds(m, cur->has, cur->state) && worth(cur, m, slow))
				rc = step(cur, cur->nobl + i, seen, stack);
		}
		return rc;
	}
	for (uint32_t i = 0; rc == 0 && i < cur->nobl; i++) {
		long o;

		if (cur->obl[i].m.guard != FG_EQ)
			continue;
		o = fr_open_blind(cur, cur->obl[i].m.garg);
		/* Once per value: an earlier obligation awaiting it tried it. */
		for (uint32_t j = 0; o >= 0 && j < i; j++)
			if (cur->obl[j].m.guard == FG_EQ && cur->obl[j].m.garg == cur->obl[i].m.garg)
				o = -1;
		if (o >= 0)
			rc = step(cur, cur->nobl + (uint32_t)o, seen, stack);
	}
	return rc;
}

/* Every configuration reachable from c by linearizing pending changes,
 * then op (obligation at index in c), goes to out. */
static int closure(struct fr_replay *r, const struct fr_cfg *start, uint64_t id, struct fr_cfgs *out)
{
	struct fr_cfgs stack = { 0 };
	struct fr_seen seen = { 0 };
	struct fr_cfg c;
	int rc = 0;

	if (fr_cfg_copy(&c, start) < 0 || fr_seen_add(&seen, &c) < 0 || fr_cfgs_push(&stack, &c) < 0) {
		fr_cfg_free(&c);
		rc = -1;
	}
	while (rc == 0 && stack.n > 0) {
		struct fr_cfg cur = stack.c[--stack.n];
		int at = fr_obl_find(&cur, id);

		if (++r->steps > FR_MAX_STEPS) {
			r->over = true;
			fr_cfg_free(&cur);
			break;
		}
		if (at < 0) {
			/* A read taken as soon as its value came: done. */
			rc = fr_cfgs_push(out, &cur);
			continue;
		}
		if (fr_guard_holds(&cur.obl[at].m, cur.has, cur.state)) {
			struct fr_cfg done;
			struct fr_model m = cur.obl[at].m;

			if (fr_cfg_copy(&done, &cur) < 0) {
				rc = -1;
			} else {
				fr_obl_remove_at(&done, (uint32_t)at);
				fr_change(&done, &m);
				fr_absorb(&done);
				rc = fr_cfgs_push(out, &done);
			}
		}
		if (rc == 0 && cur.obl[at].hidden) {
			struct fr_cfg done;

			/* It took effect unseen, before a later write. */
			if (fr_cfg_copy(&done, &cur) < 0) {
				rc = -1;
			} else {
				fr_obl_remove_at(&done, (uint32_t)at);
				rc = fr_cfgs_push(out, &done);
			}
		}
		if (rc == 0)
			rc = moves(&cur, at, &seen, &stack);
		fr_cfg_free(&cur);
	}
	fr_cfgs_free(&stack);
	fr_seen_free(&seen);
	return rc;
}

/* op returns: every configuration must have linearized it; a candidate
 * may instead be left out. */
static int do_return(struct fr_replay *r, const struct fr_op *op, bool tentative)
{
	struct fr_cfgs out = { 0 };
	struct fr_model m;
	bool obligation, skip;
	int rc = 0;

	op_stance(op, tentative, &m, &obligation, &skip);
	if (skip || !obligation)
		return 0;
	for (size_t i = 0; i < r->s.n && rc == 0 && !r->over; i++) {
		const struct fr_cfg *c = &r->s.c[i];
		struct fr_cfg keep;

		if (fr_obl_find(c, op->id) >= 0) {
			rc = closure(r, c, op->id, &out);
		} else if (fr_cfg_copy(&keep, c) < 0) {
			rc = -1;
		} else {
			rc = fr_cfgs_push(&out, &keep);
		}
	}
	/* Left out: a read is gone; a fr_change stays, free to take effect. An
	 * operation the check by write id passed is left out only when no
	 * configuration could take it (that check is not always the
	 * stricter: it takes an unconfirmed add for a write of its value). */
	for (size_t i = 0; (op->candidate || out.n == 0) && i < r->s.n && rc == 0 && !r->over; i++) {
		struct fr_cfg c;
		int at;

		if (fr_cfg_copy(&c, &r->s.c[i]) < 0) {
			rc = -1;
			break;
		}
		at = fr_obl_find(&c, op->id);
		if (at >= 0) {
			fr_obl_remove_at(&c, (uint32_t)at);
			if (m.effect != FE_NONE) {
				struct fr_model left = m;

				left.guard = FG_NONE;
				left.garg = 0;
				left.cond_op = 0;
				if (fr_open_add(&c, &left) < 0)
					rc = -1;
			}
		}
		if (rc == 0 && (rc = fr_excl_add(&c, op->id)) == 0)
			rc = fr_cfgs_push(&out, &c);
		else
			fr_cfg_free(&c);
	}
	fr_cfgs_free(&r->s);
	r->s = out;
	fr_cfgs_prune(&r->s);
	if (r->s.n > FR_MAX_CONFIGS)
		r->over = true;
	return rc;
}

int fr_replay_events(struct fr_replay *r, struct fr_op *ops, struct fr_event *ev, size_t nev, bool tentative)
{
	for (size_t i = 0; i < nev && !r->over; i++) {
		const struct fr_op *op = &ops[ev[i].op];
		int rc = ev[i].is_return ? do_return(r, op, tentative) : do_call(r, op, tentative);

		if (rc < 0)
			return -1;
	}
	return 0;
}
