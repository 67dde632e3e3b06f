/* score.c: the scoreboard, counted from the history (score.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capviz/score.h"

const char *score_kind_name(enum score_kind k)
{
	static const char *const names[SK_COUNT] = { "read", "write", "add", "txn" };

	return (unsigned)k < SK_COUNT ? names[k] : "?";
}

int score_availability(const struct score_row *r)
{
	int all = r->ok + r->error;

	return all ? (int)((100LL * r->ok + all / 2) / all) : -1;
}

int score_consistency(const struct score_row *r)
{
	int p;

	if (!r->ok)
		return -1;
	/* Rounded, but one stale read in a thousand is not 100% consistent. */
	p = (int)((100LL * (r->ok - r->bad) + r->ok / 2) / r->ok);
	return p == 100 && r->bad ? 99 : p;
}

static void count(struct score_row *r, const struct op *op)
{
	bool answered = op->result == RES_OK || op->cond_failed;
	bool stale = op->stale || op->ryw || op->mono;

	if (op->result == RES_PENDING)
		return;
	if (!answered) {
		r->error++;
		return;
	}
	r->ok++;
	r->stale += stale;
	r->lost += op->lost;
	r->bad += stale || op->lost;
}

void score_recent(const struct world *w, struct score_row *out)
{
	size_t n = w->hist.nops, from = w->rules_op;

	memset(out, 0, sizeof *out);
	if (n > from + SCORE_RECENT)
		from = n - SCORE_RECENT;
	for (size_t i = from; i < n; i++)
		count(out, &w->hist.ops[i]);
}

/* The sides of the partition now: nodes joined by links up both ways; a
 * crashed node is a side of its own. */
static void sides(const struct world *w, struct score *s)
{
	int side[WORLD_MAX_NODES];

	for (int i = 0; i < w->n; i++)
		side[i] = -1;
	s->nsides = 0;
	for (int i = 0; i < w->n; i++) {
		int stack[WORLD_MAX_NODES], top = 0, k;

		if (side[i] >= 0)
			continue;
		k = s->nsides++;
		memset(&s->sides[k], 0, sizeof s->sides[k]);
		s->sides[k].crashed = w->nodes[i].crashed;
		side[i] = k;
		stack[top++] = i;
		while (top) {
			int a = stack[--top];

			s->sides[k].nodes |= 1u << a;
			if (w->nodes[a].crashed)
				continue;
			for (int b = 0; b < w->n; b++)
				if (side[b] < 0 && !w->nodes[b].crashed && w->links[a][b].up && w->links[b][a].up) {
					side[b] = k;
					stack[top++] = b;
				}
		}
		s->sides[k].majority = !s->sides[k].crashed && 2 * __builtin_popcount(s->sides[k].nodes) > w->n;
	}
}

static enum score_kind kind_of(const struct op *op)
{
	if (op->txn)
		return SK_TXN;
	switch (op->kind) {
	case OP_READ:
		return SK_READ;
	case OP_WRITE:
		return SK_WRITE;
	default:
		return SK_ADD;
	}
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

int score_compute(const struct world *w, struct score *s)
{
	size_t n = w->hist.nops;
	int64_t *lat = malloc((n ? n : 1) * SK_COUNT * sizeof *lat);
	int side_of[WORLD_MAX_NODES] = { 0 };
	bool ok;

	memset(s, 0, sizeof *s);
	s->since_us = w->topology_us;
	sides(w, s);
	for (int k = 0; k < s->nsides; k++)
		for (int i = 0; i < w->n; i++)
			if (s->sides[k].nodes & (1u << i))
				side_of[i] = k;
	score_recent(w, &s->recent);
	for (size_t i = 0; i < n; i++) {
		const struct op *op = &w->hist.ops[i];

		count(&s->run, op);
		if (op->invoke_us >= s->since_us && op->node >= 0 && op->node < w->n)
			count(&s->sides[side_of[op->node]].row, op);
		if (lat && op->result != RES_PENDING && !op_is_lock(op->kind)) {
			enum score_kind k = kind_of(op);

			lat[(size_t)k * (n ? n : 1) + (size_t)s->count[k]++] = op->done_us - op->invoke_us;
		}
	}
	for (int k = 0; k < SK_COUNT; k++) {
		int64_t *a = lat ? lat + (size_t)k * (n ? n : 1) : NULL;
		int c = s->count[k];

		s->p50[k] = s->p99[k] = -1;
		if (!a || !c)
			continue;
		qsort(a, (size_t)c, sizeof *a, cmp_i64);
		s->p50[k] = a[(c - 1) * 50 / 100];
		s->p99[k] = a[(c - 1) * 99 / 100];
	}
	ok = lat != NULL;
	free(lat);
	return ok ? 0 : -1;
}

void score_where(const struct world *w, int node, bool *partitioned, bool *minority)
{
	struct score s;

	*partitioned = false;
	for (int i = 0; i < w->n && !*partitioned; i++) {
		*partitioned = w->nodes[i].crashed;
		for (int j = 0; j < w->n && !*partitioned; j++)
			*partitioned = i != j && !w->links[i][j].up;
	}
	*minority = false;
	if (!*partitioned || node < 0 || node >= w->n)
		return;
	sides(w, &s);
	for (int k = 0; k < s.nsides; k++)
		if (s.sides[k].nodes & (1u << node))
			*minority = !s.sides[k].majority;
}

void pacelc_classify(const struct pacelc_figures *f, char cls[8])
{
	char p = '?', e = '?';

	if (f->minority_reads > 0)
		p = 2 * f->minority_answered >= f->minority_reads ? 'A' : 'C';
	if (f->read_p50 >= 0)
		e = 2 * f->read_p50 < f->rtt_us ? 'L' : 'C';
	snprintf(cls, 8, "P%c/E%c", p, e);
}

void score_pacelc(const struct world *w, int64_t since_us, struct pacelc_figures *f)
{
	size_t n = w->hist.nops, nr = 0, nw = 0;
	int64_t *reads = malloc((n ? n : 1) * sizeof *reads), *writes = malloc((n ? n : 1) * sizeof *writes);
	const struct link *l = w->n > 1 ? &w->links[0][1] : NULL;

	memset(f, 0, sizeof *f);
	f->read_p50 = f->read_p99 = f->write_p50 = f->write_p99 = -1;
	/* A round trip: a read request there and its reply back. */
	f->rtt_us = l ? (int64_t)(lat_mean_us(&l->lat[LK_READ_REQ]) + lat_mean_us(&l->lat[LK_READ_REPLY])) : 0;
	for (size_t i = 0; i < n; i++) {
		const struct op *op = &w->hist.ops[i];
		bool answered = op->result == RES_OK || op->cond_failed, stale = op->stale || op->ryw || op->mono;

		if (op->result == RES_PENDING || op_is_lock(op->kind) || op->invoke_us < since_us)
			continue;
		if (op->partitioned && op->minority && op->kind == OP_READ) {
			f->minority_reads++;
			f->minority_answered += answered;
			f->minority_stale += answered && stale;
		} else if (op->partitioned && op->minority) {
			f->minority_writes++;
			f->minority_writes_answered += answered;
		} else if (!op->partitioned && answered && op->kind == OP_READ) {
			f->calm_reads++;
			f->calm_stale += stale;
			if (reads)
				reads[nr++] = op->done_us - op->invoke_us;
		} else if (!op->partitioned && answered && writes) {
			writes[nw++] = op->done_us - op->invoke_us;
		}
	}
	if (reads && nr) {
		qsort(reads, nr, sizeof *reads, cmp_i64);
		f->read_p50 = reads[(nr - 1) * 50 / 100];
		f->read_p99 = reads[(nr - 1) * 99 / 100];
	}
	if (writes && nw) {
		qsort(writes, nw, sizeof *writes, cmp_i64);
		f->write_p50 = writes[(nw - 1) * 50 / 100];
		f->write_p99 = writes[(nw - 1) * 99 / 100];
	}
	free(reads);
	free(writes);
}
