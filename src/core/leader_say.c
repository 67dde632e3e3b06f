/* leader_say.c: what the leader-based protocol tells of its log when
 * replicas come back together: a follower that catches up from the
 * leader's log (which entries, whose writes), a deposed leader's entries
 * that were never committed and are discarded (which, whose request, what
 * became of it), and what a heal does here instead of reconciling. The log
 * itself is leader_log.c's; this file only tells. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "capviz/world.h"

/* Entries named in one line at most; the rest are counted. */
#define SAY_ENTRIES 4

/* "#3 write balance=500 (v4)", "#5 add balance -40 (v6)", "no-op of term 2",
 * "leader's copy of balance=100 (v1)" (after its no-op a new leader logs each
 * key's value, so that stores that drifted in another mode converge), "#7
 * txn add balance -100 if balance>=100 (condition failed: no effect)". */
static void say_entry(const struct world *w, const struct log_entry *e, char *buf, size_t len)
{
	char val[96], cond[64] = "";

	if (e->op == 0 && e->key < 0) {
		snprintf(buf, len, "no-op of term %" PRIu64, e->term);
		return;
	}
	if (e->op == 0) {
		world_format_value(w, e->key, e->v.value, val, sizeof val);
		snprintf(buf, len, "leader's copy of %s=%s (v%" PRIu64 ")", world_key_name(w, e->key),
			 val, e->v.wid);
		return;
	}
	if (op_is_lock(e->kind) || e->kind == OP_EXPIRE) {
		snprintf(buf, len, "#%" PRIu64 " %s %s", e->op, op_kind_name(e->kind), world_key_name(w, e->key));
		return;
	}
	/* A conditional write says its condition: applied, it may change nothing. */
	if (e->txn)
		snprintf(cond, sizeof cond, " if %s%s%" PRId64, world_key_name(w, e->key),
			 inv_op_name((enum inv_op)e->cond_op), e->cond_value);
	if (e->txn && (e->failed || (world_op(w, e->op) && world_op(w, e->op)->cond_failed))) {
		/* Its condition did not hold where it was applied: no version. */
		if (e->kind == OP_WRITE)
			world_format_value(w, e->key, e->arg, val, sizeof val);
		else
			snprintf(val, sizeof val, "%+" PRId64, e->arg);
		snprintf(buf, len, "#%" PRIu64 " txn %s %s%s%s%s (condition failed: no effect)", e->op,
			 e->kind == OP_WRITE ? "write" : "add", world_key_name(w, e->key), e->kind == OP_WRITE ? "=" : " ",
			 val, cond);
	} else if (e->kind == OP_WRITE) {
		world_format_value(w, e->key, e->arg, val, sizeof val);
		snprintf(buf, len, "#%" PRIu64 " %swrite %s=%s%s (v%" PRIu64 ")", e->op, e->txn ? "txn " : "",
			 world_key_name(w, e->key), val, cond, e->v.wid);
	} else if (e->kind == OP_SADD || e->kind == OP_SREMOVE) {
		snprintf(buf, len, "#%" PRIu64 " %s %s %s (v%" PRIu64 ")", e->op, op_kind_name(e->kind),
			 world_key_name(w, e->key), world_elem_name(w, (int)e->arg), e->v.wid);
	} else {
		snprintf(buf, len, "#%" PRIu64 " %sadd %s %+" PRId64 "%s (v%" PRIu64 ")", e->op, e->txn ? "txn " : "",
			 world_key_name(w, e->key), e->arg, cond, e->v.wid);
	}
}

/* What became of a discarded entry's request, so far. */
static const char *request_fate(const struct world *w, const struct log_entry *e)
{
	const struct op *op = e->op ? world_op(w, e->op) : NULL;

	if (!op)
		return "";
	if (op->result == RES_PENDING)
		return ", its request still open: it will not take effect";
	if (op->result == RES_UNKNOWN)
		return ", its request ended unknown to its client: it never took effect";
	if (op->result == RES_ERROR)
		return ", its request already failed";
	return "";
}

/* Appends entries[0..n) to buf from used on, by name, fate too when
 * discarded; returns the new length. */
static size_t say_entries(const struct world *w, const struct log_entry *e, uint64_t n, bool fate, char *buf,
			  size_t used, size_t len)
{
	char one[320];

	for (uint64_t i = 0; i < n && i < SAY_ENTRIES && used < len; i++) {
		say_entry(w, &e[i], one, sizeof one);
		used += (size_t)snprintf(buf + used, len - used, "%s%s%s", i ? "; " : "", one,
					 fate ? request_fate(w, &e[i]) : "");
	}
	if (n > SAY_ENTRIES && used < len)
		used += (size_t)snprintf(buf + used, len - used, "; and %" PRIu64 " more", n - SAY_ENTRIES);
	return used;
}

static void note(struct world *w, int node, const char *text)
{
	struct event e = world_event(w, EV_NOTE);

	e.node = node;
	e.text = text;
	world_emit(w, &e);
}

/* "C catches up: entries 3..5", "B discards entry 4". */
static size_t say_range(char *buf, size_t len, int node, const char *verb, uint64_t from, uint64_t to)
{
	if (from == to)
		return (size_t)snprintf(buf, len, "%c %s entry %" PRIu64, 'A' + node, verb, from);
	return (size_t)snprintf(buf, len, "%c %s entries %" PRIu64 "..%" PRIu64, 'A' + node, verb, from, to);
}

void leader_say_catchup(struct world *w, int node, int leader, uint64_t from, uint64_t to)
{
	const struct leader_node *ld = &w->nodes[node].ld;
	char text[640];
	size_t used;

	if (from == 0 || to < from || to > ld->log_len)
		return;
	used = say_range(text, sizeof text, node, "catches up:", from, to);
	if (used < sizeof text)
		used += (size_t)snprintf(text + used, sizeof text - used, " from leader %c's log, already committed: ",
					 'A' + leader);
	say_entries(w, &ld->log[from - 1], to - from + 1, false, text, used, sizeof text);
	note(w, node, text);
}

void leader_say_discard(struct world *w, int node, int leader, uint64_t from)
{
	const struct leader_node *ld = &w->nodes[node].ld;
	uint64_t to = ld->log_len, term;
	char text[640], who[48];
	int old = -1;
	size_t used;

	if (from == 0 || from > to)
		return;
	term = ld->log[from - 1].term;
	for (uint64_t i = from; i <= to && old < 0; i++)
		if (ld->log[i - 1].op != 0 && ld->log[i - 1].term == term)
			old = ld->log[i - 1].v.node;
	if (old >= 0)
		snprintf(who, sizeof who, "leader %c of term %" PRIu64, 'A' + old, term);
	else
		snprintf(who, sizeof who, "the leader of term %" PRIu64, term);
	used = say_range(text, sizeof text, node, "discards", from, to);
	if (used < sizeof text)
		used += (size_t)snprintf(text + used, sizeof text - used, ", which %s never committed; leader %c's log "
					 "replaces %s: ", who, 'A' + leader, from == to ? "it" : "them");
	say_entries(w, &ld->log[from - 1], to - from + 1, true, text, used, sizeof text);
	note(w, node, text);
}

/* The leader now, the one of the highest term among the up leaders. */
static int leader_now(const struct world *w)
{
	int best = -1;

	for (int i = 0; i < w->n; i++)
		if (!w->nodes[i].crashed && w->nodes[i].ld.role == ROLE_LEADER &&
		    (best < 0 || w->nodes[i].ld.term > w->nodes[best].ld.term))
			best = i;
	return best;
}

bool leader_reconciles(const struct world *w, char *why, size_t len)
{
	int l = leader_now(w);
	char rules[48], from[48];

	if (w->preset != PRESET_NONE)
		snprintf(rules, sizeof rules, "preset %s", preset_name(w->preset));
	else
		snprintf(rules, sizeof rules, "mode %s", mode_name(w->mode));
	if (l >= 0)
		snprintf(from, sizeof from, "leader %c's log", 'A' + l);
	else
		snprintf(from, sizeof from, "the log of the leader a majority elects");
	snprintf(why, len, "%s is leader-based, so every follower catches up from %s and entries a deposed leader "
		 "never committed are discarded", rules, from);
	return false;
}
