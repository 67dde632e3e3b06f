/* explain.c: why an operation has no valid linearization, in the words the
 * transcript, the screen and the trace share: what the operation saw, and
 * the version (with the operation that shows it) it cannot have missed. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "capviz/world.h"

/* "v2 (balance=500)", "v1 (balance=100, the first value)", "no value
 * (never written)". */
static void say_version(const struct world *w, int key, uint64_t wid, char *buf, size_t len)
{
	const struct write_rec *wr = history_write(&w->hist, wid);
	char val[96];

	if (!wid || !wr) {
		snprintf(buf, len, "no value (never written)");
		return;
	}
	world_format_value(w, key, wr->value, val, sizeof val);
	if (wr->op == 0 && wr->invoke_us < 0)
		snprintf(buf, len, "v%" PRIu64 " (%s=%s, the first value)", wid, world_key_name(w, key), val);
	else
		snprintf(buf, len, "v%" PRIu64 " (%s=%s)", wid, world_key_name(w, key), val);
}

/* The witness: an operation that finished before this one began and shows
 * the newer version, or that version's own write. */
static void say_witness(const struct world *w, const struct op *op, char *buf, size_t len)
{
	const struct op *x = world_op(w, op->witness_op);
	const struct write_rec *m = history_write(&w->hist, op->missed_wid);
	char v[160];

	say_version(w, op->key, op->missed_wid, v, sizeof v);
	if (!x && m && m->op == 0 && m->invoke_us < 0)
		snprintf(buf, len, "%s was in place from the start", v);
	else if (!x && m)
		snprintf(buf, len, "%s was in place at %.3fs", v, m->done_us / 1e6);
	else if (x && x->kind == OP_READ)
		snprintf(buf, len, "read #%" PRIu64 " at %c had already returned %s at %.3fs", x->id, 'A' + x->node, v,
			 x->done_us / 1e6);
	else if (x && x->wid == op->missed_wid)
		snprintf(buf, len, "the write of %s completed at %.3fs", v, x->done_us / 1e6);
	else if (x)
		snprintf(buf, len, "#%" PRIu64 " at %c, built on %s, completed at %.3fs", x->id, 'A' + x->node, v,
			 x->done_us / 1e6);
	else
		snprintf(buf, len, "%s was in place", v);
}

/* A read of a version that cannot have taken effect: an update built on a
 * version another update had already built on (one of the two is lost), or
 * on a version already replaced when the update began. */
static void explain_impossible_read(const struct world *w, const struct op *op, const char *what, bool brief,
				   char *buf, size_t len)
{
	uint64_t seen_wid = op->kind == OP_READ ? (op->found ? op->wid : 0) : op->read_wid;
	const struct write_rec *seen = history_write(&w->hist, seen_wid);
	const struct write_rec *other = history_write(&w->hist, op->missed_wid);
	char head[200] = "", v[160], base[160], o[160];

	say_version(w, op->key, seen_wid, v, sizeof v);
	say_version(w, op->key, seen ? seen->base_wid : 0, base, sizeof base);
	say_version(w, op->key, op->missed_wid, o, sizeof o);
	if (!brief)
		snprintf(head, sizeof head, "%s %s at %c ", what, world_key_name(w, op->key), 'A' + op->node);
	if (op->flaw == FLAW_LOST_UPDATE)
		snprintf(buf, len, "%sreturned %s, an update built on %s; but %s was built on it too%s: "
			 "the two cannot both have taken effect, one update is lost", head, v, base, o,
			 other && other->result == RES_OK ? " and acknowledged" : "");
	else
		snprintf(buf, len, "%sreturned %s, an update built on %s; but %s was in place before that update "
			 "began at %.3fs", head, v, base, o, seen ? seen->invoke_us / 1e6 : 0.0);
}

/* Flagged by value alone: every version it could be has been placed, and
 * no order of the key's operations lets it (an unconfirmed add, say,
 * counts as the add its client asked for, not as the value it made). */
static void explain_no_order(const struct world *w, const struct op *op, const char *what, bool brief,
			     char *buf, size_t len)
{
	char seen[160], newest[160], head[200] = "";
	uint64_t wid = op->kind == OP_READ ? (op->found ? op->wid : 0) : op->kind != OP_READ && !op->cond_failed ?
		       op->wid : op->read_wid;
	const struct write_rec *m = history_write(&w->hist, op->missed_wid);

	say_version(w, op->key, wid, seen, sizeof seen);
	say_version(w, op->key, op->missed_wid, newest, sizeof newest);
	if (!brief)
		snprintf(head, sizeof head, "%s %s at %c %s %s, but ", what, world_key_name(w, op->key), 'A' + op->node,
			 op->kind == OP_READ || op->cond_failed ? "returned" : "made", seen);
	if (m)
		snprintf(buf, len, "%sno order of the operations on %s lets it by value (--check-history rejects the history too): "
			 "the write of %s was acknowledged at %.3fs, before this %s began, and nothing that may have come after "
			 "makes it", head, world_key_name(w, op->key), newest, m->done_us / 1e6, what);
	else
		snprintf(buf, len, "%sno order of the operations on %s lets it by value (--check-history rejects the history too)",
			 head, world_key_name(w, op->key));
}

void world_explain(const struct world *w, const struct op *op, bool brief, char *buf, size_t len)
{
	const char *what = op->kind == OP_READ ? "read" : op->txn ? "txn" : op_kind_name(op->kind);
	char seen[160], witness[256];
	uint64_t base;
	const struct write_rec *own = op->kind != OP_READ ? history_write(&w->hist, op->wid) : NULL;

	buf[0] = '\0';
	if (!op->stale)
		return;
	if (op->flaw == FLAW_NO_ORDER) {
		explain_no_order(w, op, what, brief, buf, len);
		return;
	}
	say_witness(w, op, witness, sizeof witness);
	if ((op->kind == OP_READ || op->cond_failed) && op->flaw != FLAW_STALE) {
		explain_impossible_read(w, op, what, brief, buf, len);
		return;
	}
	if (op->kind == OP_READ || op->cond_failed) {
		say_version(w, op->key, op->kind == OP_READ ? (op->found ? op->wid : 0) : op->read_wid, seen,
			    sizeof seen);
		if (brief)
			snprintf(buf, len, "%s, before this %s began at %.3fs", witness, what, op->invoke_us / 1e6);
		else
			snprintf(buf, len, "%s %s at %c returned %s, but %s, before this %s began at %.3fs", what,
				 world_key_name(w, op->key), 'A' + op->node, seen, witness, what, op->invoke_us / 1e6);
		return;
	}
	base = own ? own->base_wid : 0;
	say_version(w, op->key, base, seen, sizeof seen);
	if (op->flaw == FLAW_LOST_UPDATE) {
		char other[160];

		say_version(w, op->key, op->missed_wid, other, sizeof other);
		if (op->witness_op)
			snprintf(buf, len, "%s %s at %c built on %s, as request #%" PRIu64 " had already done with %s: "
				 "one of the two updates is lost", what, world_key_name(w, op->key), 'A' + op->node, seen,
				 op->witness_op, other);
		else
			snprintf(buf, len, "%s %s at %c built on %s, as %s already had: one of the two updates is lost",
				 what, world_key_name(w, op->key), 'A' + op->node, seen, other);
	}
	else
		snprintf(buf, len, "%s %s at %c built on %s, but %s, before this %s began at %.3fs", what,
			 world_key_name(w, op->key), 'A' + op->node, seen, witness, what, op->invoke_us / 1e6);
}

void world_explain_session(const struct world *w, const struct op *op, char *buf, size_t len)
{
	char seen[160], before[160];
	const struct write_rec *own = history_write(&w->hist, op->session_wid);
	size_t used = 0;

	buf[0] = '\0';
	if (!op->ryw && !op->mono)
		return;
	say_version(w, op->key, op->found ? op->wid : 0, seen, sizeof seen);
	if (op->ryw) {
		say_version(w, op->key, op->session_wid, before, sizeof before);
		used = (size_t)snprintf(buf, len, "read-your-writes broken: the client at %c wrote %s (ok at %.3fs), "
					"then read %s, older", 'A' + op->node, before, own ? own->done_us / 1e6 : 0.0, seen);
	}
	if (op->mono && used < len) {
		say_version(w, op->key, op->mono_wid, before, sizeof before);
		snprintf(buf + used, len - used, "%smonotonic reads broken: the client at %c had read %s (read #%" PRIu64
			 "), then read %s, older", used ? "; " : "", 'A' + op->node, before, op->session_op, seen);
	}
}
