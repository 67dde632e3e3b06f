/* shiviz_text.c: the words of the --export-shiviz log: what each message
 * carries ("write balance=500 (v2)", "heartbeat (term 1, commit 2)")
 * and what each event at a node did, as the transcript says it. shiviz.c
 * decides which events go in and gives them their clocks. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "capviz/export.h"
#include "capviz/report.h"

/* "write cart={apple}", "add balance -100", "add cart pear", "lock
 * /locks/r": a request as a forward or a log entry carries it (a txn adds
 * its condition). */
static void sv_change(char *buf, size_t len, const struct world *w, enum op_kind kind, int key, int64_t arg,
		      bool txn, uint8_t cond_op, int64_t cond_value)
{
	const char *name = world_key_name(w, key);
	char val[96], cond[64] = "";
	int n;

	if (txn)
		snprintf(cond, sizeof cond, " if %s%s%" PRId64, name, inv_op_name((enum inv_op)cond_op), cond_value);
	if (key < 0 || kind == OP_READ || op_is_lock(kind) || kind == OP_EXPIRE) {
		n = snprintf(buf, len, "%s %s", op_kind_name(kind), name);
	} else if (kind == OP_SADD || kind == OP_SREMOVE) {
		n = snprintf(buf, len, "%s %s %s", op_kind_name(kind), name, world_elem_name(w, (int)arg));
	} else if (kind == OP_WRITE) {
		world_format_value(w, key, arg, val, sizeof val);
		n = snprintf(buf, len, "write %s=%s", name, val);
	} else {
		n = snprintf(buf, len, "add %s %+" PRId64, name, arg);
	}
	if (n >= 0 && (size_t)n < len)
		snprintf(buf + n, len - (size_t)n, "%s", cond);
}

/* "no-op, write balance=500": the entries of an append, the first three
 * by name. */
static void sv_entries(char *buf, size_t len, const struct world *w, const struct msg *m)
{
	size_t used = 0;
	int n = m->u.append.n < MSG_MAX_ENTRIES ? m->u.append.n : MSG_MAX_ENTRIES;

	buf[0] = '\0';
	for (int i = 0; i < n && i < 3 && used < len; i++) {
		const struct log_entry *en = &m->u.append.e[i];
		int64_t arg = en->kind == OP_WRITE ? en->v.value : en->arg;
		char v[160];

		if (en->key < 0)
			snprintf(v, sizeof v, "no-op");
		else
			sv_change(v, sizeof v, w, en->kind, en->key, arg, en->txn, en->cond_op, en->cond_value);
		used += (size_t)snprintf(buf + used, len - used, "%s%s", i ? ", " : "", v);
	}
	if (n > 3 && used < len)
		snprintf(buf + used, len - used, " and %d more", n - 3);
}

/* The messages of the leader-based protocol, which carry more than a
 * key's version. False for the others. */
static bool sv_leader_msg(char *buf, size_t len, const struct world *w, const struct msg *m)
{
	char v[320], round[40] = "";

	switch (m->kind) {
	case MSG_APPEND:
		if (m->u.append.n == 0)
			snprintf(v, sizeof v, "heartbeat");
		else
			sv_entries(v, sizeof v, w, m);
		if (m->u.append.read_seq)
			snprintf(round, sizeof round, ", read round %" PRIu64, m->u.append.read_seq);
		snprintf(buf, len, "%s%s (term %" PRIu64 ", commit %" PRIu64 "%s)", m->u.append.n ? "append " : "", v,
			 m->term, m->u.append.commit, round);
		return true;
	case MSG_APPEND_REPLY:
		if (m->ok)
			snprintf(buf, len, "append-reply ok, log up to %" PRIu64 " (term %" PRIu64 ")",
				 m->u.append_reply.match, m->term);
		else
			snprintf(buf, len, "append-reply refused (term %" PRIu64 ")", m->term);
		return true;
	case MSG_VOTE:
		snprintf(buf, len, "%s request (term %" PRIu64 ")", m->u.vote.pre ? "pre-vote" : "vote", m->term);
		return true;
	case MSG_VOTE_REPLY:
		snprintf(buf, len, "%s %s (term %" PRIu64 ")", m->u.vote.pre ? "pre-vote" : "vote",
			 m->ok ? "granted" : "refused", m->u.vote.cand_term);
		return true;
	case MSG_FORWARD:
		sv_change(v, sizeof v, w, m->u.fwd.op_kind, m->key, m->u.fwd.arg, m->u.fwd.txn, m->u.fwd.cond_op,
			  m->u.fwd.cond_value);
		snprintf(buf, len, "forward %s", v);
		return true;
	case MSG_FORWARD_REPLY:
		if (m->u.fwd_reply.error[0])
			snprintf(buf, len, "forward-reply error: %s", m->u.fwd_reply.error);
		else
			snprintf(buf, len, "forward-reply ok");
		return true;
	default:
		return false;
	}
}

/* "write balance=500 (v2)", "heartbeat (term 1, commit 2)", "vote
 * granted (term 2)": what a message carries, in a few words. */
void shiviz_msg_text(char *buf, size_t len, const struct world *w, const struct msg *m)
{
	const char *kind = msg_kind_name(m->kind);
	char v[160];

	if (sv_leader_msg(buf, len, w, m))
		return;
	if (m->key >= 0 && m->v.wid) {
		report_version(v, sizeof v, w, m->key, &m->v);
		snprintf(buf, len, "%s %s%s", kind, v, m->ok || m->kind != MSG_WRITE_ACK ? "" : " refused");
	} else if (m->key >= 0) {
		snprintf(buf, len, "%s %s%s", kind, world_key_name(w, m->key),
			 m->kind == MSG_READ_REPLY && !m->found ? ": not found" : "");
	} else {
		snprintf(buf, len, "%s", kind);
	}
}

/* What a replica now stores, as the transcript says it ("merged" when no
 * single write made the value a read would see). */
static void sv_apply(char *buf, size_t len, const struct world *w, const struct event *e)
{
	char v[160], val[96];
	int64_t value;

	if (world_value(w, e->node, e->key, &value) && value != e->v.value) {
		world_format_value(w, e->key, value, val, sizeof val);
		snprintf(v, sizeof v, "%s=%s (merged)", world_key_name(w, e->key), val);
	} else {
		report_version(v, sizeof v, w, e->key, &e->v);
	}
	snprintf(buf, len, "%c stores %s", 'A' + e->node, v);
}

/* The words for an event at one node; false for events that are no
 * node's (captions, commands, mode changes: the handout has those). */
bool shiviz_event_text(char *buf, size_t len, const struct world *w, const struct event *e)
{
	char op[512];

	switch (e->kind) {
	case EV_LINK:
		snprintf(buf, len, "link %c>%c %s", 'A' + e->node, 'A' + e->peer, e->up ? "restored" : "cut");
		return true;
	case EV_CRASH:
	case EV_RECOVER:
		snprintf(buf, len, "%c %s", 'A' + e->node, e->kind == EV_CRASH ? "crashed" : "recovered");
		return true;
	case EV_ROLE:
		if (e->role == ROLE_NONE)
			snprintf(buf, len, "%c has no role now (the protocol changed)", 'A' + e->node);
		else
			snprintf(buf, len, "%c is %s (term %" PRIu64 ")", 'A' + e->node, role_name(e->role), e->term);
		return true;
	case EV_INVOKE:
		report_op(op, sizeof op, w, e->op);
		op[strcspn(op, ":")] = '\0';
		snprintf(buf, len, "request %s", op);
		return true;
	case EV_OP:
		report_op(op, sizeof op, w, e->op);
		snprintf(buf, len, "answer %s", op);
		return true;
	case EV_APPLY:
		sv_apply(buf, len, w, e);
		return true;
	case EV_HINT: {
		char v[160];

		report_version(v, sizeof v, w, e->key, &e->v);
		snprintf(buf, len, "%c holds a hint for %c: %s", 'A' + e->node, 'A' + e->peer, v);
		return true;
	}
	case EV_LOST:
		snprintf(buf, len, "LOST: %s", e->text);
		return true;
	case EV_STALE:
		snprintf(buf, len, "STALE: %s", e->text);
		return true;
	case EV_INVARIANT:
		snprintf(buf, len, "%s: %s", e->up ? "invariant" : "BROKEN", e->text);
		return true;
	case EV_NOTE:
	case EV_CONFLICT:
	case EV_RESOLVE:
	case EV_LOCK:
		snprintf(buf, len, "%s: %s", event_kind_name(e->kind), e->text);
		return true;
	default:
		return false;
	}
}
