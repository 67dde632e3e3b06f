/* transcript.c: the headless run as people read it, one line per event worth
 * reading: captions, commands, client operations and their outcomes, leaders,
 * crashes, hints, what each replica stores. Messages themselves are left to
 * the trace. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "capviz/report.h"

void transcript_preset(char *buf, size_t len, const struct world *w)
{
	char cls[8];

	if (w->preset == PRESET_NONE) {
		snprintf(buf, len, "%s", "");
		return;
	}
	world_class(w, cls);
	snprintf(buf, len, ", preset %s %s", preset_name(w->preset), cls);
}

void transcript_rules(char *buf, size_t len, const struct world *w)
{
	char cls[160], promise[400], rule[256], detector[256];
	int n = 0;

	if (len > 0)
		buf[0] = '\0';
	if (w->preset != PRESET_NONE) {
		world_class_text(w, false, cls, sizeof cls);
		world_promise(w, false, promise, sizeof promise);
		n = snprintf(buf, len, "%9s  %-7s %s (%s): %s\n", "", "preset", preset_name(w->preset), cls, promise);
	}
	if (world_rule_text(w, false, rule, sizeof rule) && n >= 0 && (size_t)n < len)
		n += snprintf(buf + n, len - (size_t)n, "%9s  %-7s %s\n", "", "rule", rule);
	/* Only the leaderless protocol acts on what its nodes believe. */
	if (world_detector_text(w, detector, sizeof detector) && n >= 0 && (size_t)n < len)
		snprintf(buf + n, len - (size_t)n, "%9s  %-7s %s\n", "", "config", detector);
}

void report_version(char *buf, size_t len, const struct world *w, int key, const struct version *v)
{
	char val[96];

	world_format_value(w, key, v->value, val, sizeof val);
	snprintf(buf, len, "%s=%s (v%" PRIu64 ")", world_key_name(w, key), val, v->wid);
}

static void op_head(char *buf, size_t len, const struct world *w, const struct op *op)
{
	const char *key = world_key_name(w, op->key);

	if (op_is_lock(op->kind)) {
		snprintf(buf, len, "#%" PRIu64 " %s %s at %c [%s]", op->id, op_kind_name(op->kind), key, 'A' + op->node,
			 level_name(op->level));
		return;
	}
	if (op->txn) {
		snprintf(buf, len, "#%" PRIu64 " txn %s %s%" PRId64 " if %s%s%" PRId64 " at %c [%s]", op->id, key,
			 op->kind == OP_ADD && op->arg >= 0 ? "+" : "", op->arg, key,
			 inv_op_name((enum inv_op)op->cond_op), op->cond_value, 'A' + op->node, level_name(op->level));
		return;
	}
	switch (op->kind) {
	case OP_READ:
		snprintf(buf, len, "#%" PRIu64 " read %s at %c [%s]", op->id, key, 'A' + op->node,
			 level_name(op->level));
		break;
	case OP_ADD:
		snprintf(buf, len, "#%" PRIu64 " add %s %+" PRId64 " at %c [%s]", op->id, key, op->arg,
			 'A' + op->node, level_name(op->level));
		break;
	case OP_SADD:
	case OP_SREMOVE:
		snprintf(buf, len, "#%" PRIu64 " %s %s %s at %c [%s]", op->id, op->kind == OP_SADD ? "add" : "remove",
			 key, world_elem_name(w, (int)op->arg), 'A' + op->node, level_name(op->level));
		break;
	default: {
		char arg[96];

		world_format_value(w, op->key, op->arg, arg, sizeof arg);
		snprintf(buf, len, "#%" PRIu64 " write %s=%s at %c [%s]", op->id, key, arg, 'A' + op->node,
			 level_name(op->level));
		break;
	}
	}
}

/* The end of an operation's line: why it has no valid linearization, or
 * that a read met concurrent versions. */
static void read_notes(char *buf, size_t len, const struct world *w, const struct op *op)
{
	char why[320];

	if (op->stale) {
		world_explain(w, op, true, why, sizeof why);
		snprintf(buf, len, " %s: %s", op->flaw == FLAW_LOST_UPDATE ? "LOST UPDATE" :
			 op->flaw == FLAW_STALE_BASE && op->kind != OP_READ ? "STALE BASE" : "STALE", why);
	} else if (op->unresolved) {
		snprintf(buf, len, " (CONFLICT: concurrent assignments the application's merge leaves to a client; "
			 "the newest by timestamp is read until one resolves them)");
	} else if (op->conflict) {
		snprintf(buf, len, w->strategy == STRAT_LWW ? " (concurrent versions: the latest timestamp is read)" :
			 " (concurrent versions, merged by %s)", strategy_name(w->strategy));
	}
}

/* "B, C": the nodes in a bit mask. */
static void node_list(char *buf, size_t len, uint32_t nodes)
{
	size_t used = 0;

	buf[0] = '\0';
	for (int i = 0; i < WORLD_MAX_NODES && used < len; i++)
		if (nodes & (1u << i))
			used += (size_t)snprintf(buf + used, len - used, "%s%c", used ? ", " : "", 'A' + i);
}

void report_rmw(char *buf, size_t len, const struct world *w, const struct op *op)
{
	char base[96], made[96], from[32];
	const char *level = level_name(op->level);

	buf[0] = '\0';
	if (!op->rmw)
		return;
	if (!op->rmw_read) {
		if (world_level_need(w, op->level) > 1)
			snprintf(buf, len, "reads %s at %s, then writes the result at %s", world_key_name(w, op->key),
				 level, level);
		else
			snprintf(buf, len, "reads %c's own replica alone (%s), then writes the result at %s",
				 'A' + op->node, level, level);
		return;
	}
	world_format_value(w, op->key, op->rmw_base, base, sizeof base);
	world_format_value(w, op->key, op->result == RES_OK ? op->value :
			   op_value(op->rmw_base, op->kind, op->arg), made, sizeof made);
	node_list(from, sizeof from, op->rmw_from);
	if (op->rmw_found)
		snprintf(base + strlen(base), sizeof base - strlen(base), " (v%" PRIu64 ")", op->rmw_base_wid);
	else
		snprintf(base, sizeof base, "no value");
	if (op->result == RES_OK)
		snprintf(buf, len, "read %s at %s from %s; wrote %s", base, level, from, made);
	else if (op->result == RES_ERROR && !op->sent)
		snprintf(buf, len, "read %s at %s from %s; wrote nothing", base, level, from);
	else
		snprintf(buf, len, "read %s at %s from %s; %s %s (v%" PRIu64 ")", base, level, from,
			 op->result == RES_PENDING ? "writing" : "sent", made, op->wid);
}

/* "(146ms)", or with a DynamoDB read's cost "(0ms, 0.5 RCU)". */
static void op_took(char *buf, size_t len, const struct op *op)
{
	double ms = op->done_us >= 0 ? (op->done_us - op->invoke_us) / 1000.0 : 0;

	if (op->rcu_half)
		snprintf(buf, len, "(%.0fms, %g RCU)", ms, op->rcu_half / 2.0);
	else
		snprintf(buf, len, "(%.0fms)", ms);
}

void report_op(char *buf, size_t len, const struct world *w, const struct op *op)
{
	char head[192], val[96], took[48], rmw[256] = "";
	int n;

	op_head(head, sizeof head, w, op);
	op_took(took, sizeof took, op);
	if (op->rmw_read)
		report_rmw(rmw, sizeof rmw, w, op);
	world_format_value(w, op->key, op->value, val, sizeof val);
	if (op->result == RES_PENDING) {
		snprintf(buf, len, "%s: pending", head);
	} else if (op->result == RES_ERROR) {
		snprintf(buf, len, "%s: error: %s %s%s%s", head, op->error, took, rmw[0] ? ": " : "", rmw);
	} else if (op->result == RES_UNKNOWN) {
		snprintf(buf, len, "%s: unknown, it may have been applied: %s %s%s%s", head, op->error, took,
			 rmw[0] ? ": " : "", rmw);
	} else if (op_is_lock(op->kind)) {
		char res[96];

		world_lock_result(w, op, res, sizeof res);
		snprintf(buf, len, "%s: ok, %s %s%s", head, res, took, op->lost ? " LOST in a heal" : "");
	} else if (op->kind != OP_READ) {
		snprintf(buf, len, "%s: ok, %s=%s as v%" PRIu64 " %s%s%s%s", head,
			 world_key_name(w, op->key), val, op->wid, took, rmw[0] ? ": " : "", rmw,
			 op->lost ? " LOST in a heal" : "");
	} else if (!op->found) {
		snprintf(buf, len, "%s: ok, not found %s", head, took);
	} else {
		snprintf(buf, len, "%s: ok, %s (v%" PRIu64 ") %s", head, val, op->wid, took);
	}
	n = (int)strlen(buf);
	if ((size_t)n + 1 < len && (op->stale || (op->kind == OP_READ && op->conflict)))
		read_notes(buf + n, len - (size_t)n, w, op);
	n = (int)strlen(buf);
	if ((size_t)n + 1 < len && (op->ryw || op->mono)) {
		char why[640];

		world_explain_session(w, op, why, sizeof why);
		snprintf(buf + n, len - (size_t)n, " %s: %s", op->ryw && op->mono ? "RYW, MONOTONIC" : op->ryw ? "RYW" :
			 "MONOTONIC", why);
	}
	n = (int)strlen(buf);
	if ((size_t)n + 1 < len && op->undecided)
		snprintf(buf + n, len - (size_t)n, " (not decided by value within the search's budget: judged by write "
			 "id)");
}

static void line(struct transcript *t, int64_t t_us, const char *tag, const char *text)
{
	fprintf(t->out, "%9.3f  %-7s %s\n", t_us / 1e6, tag, text);
}

static void link_line(struct transcript *t, const struct event *e, bool both)
{
	char buf[64];

	snprintf(buf, sizeof buf, "%c%s%c %s", 'A' + e->node, both ? "-" : ">", 'A' + e->peer,
		 e->up ? "restored" : "cut");
	line(t, e->t_us, "link", buf);
}

/* A cut or restore of both directions arrives as two events at the same
 * instant; they read better as one line. Returns true when e was taken. */
static bool link_pair(struct transcript *t, const struct event *e)
{
	/* Messages are not in the transcript; a drop between the two halves of
	 * a cut must not split them. */
	if (e->kind == EV_SEND || e->kind == EV_DELIVER || e->kind == EV_DROP)
		return false;
	if (t->link_held) {
		const struct event *h = &t->link;

		t->link_held = false;
		if (e->kind == EV_LINK && e->t_us == h->t_us && e->up == h->up &&
		    e->node == h->peer && e->peer == h->node) {
			link_line(t, h->node < h->peer ? h : e, true);
			return true;
		}
		link_line(t, h, false);
	}
	if (e->kind != EV_LINK)
		return false;
	t->link = *e;
	t->link_held = true;
	return true;
}

/* An AP lock whose replicas all name a client that does not know it holds
 * it (its request failed, but its write landed): " (every replica names
 * ...)". Returns the bytes written. */
static size_t ap_phantom(const struct world *w, int key, char *buf, size_t len)
{
	const struct kstate *first = &w->nodes[0].store.keys[key];
	int holder = first->present ? aplock_holder(first->v.value) : -1;
	int n;

	if (w->mode != MODE_AP || holder < 0)
		return 0;
	for (int i = 1; i < w->n; i++)
		if (!w->nodes[i].store.keys[key].present ||
		    aplock_holder(w->nodes[i].store.keys[key].v.value) != holder)
			return 0;
	n = snprintf(buf, len, " (every replica names the client at %c, token %" PRIu32 ", which was told its "
		     "request failed)", 'A' + holder, aplock_token(first->v.value));
	return n > 0 && (size_t)n < len ? (size_t)n : 0;
}

/* Who holds each lock path, as the clients see it: "/locks/r: the client
 * at B (token 3)", "nobody", or every holder of a split brain. */
static void transcript_locks(struct transcript *t, const char *label)
{
	const struct world *w = t->w;
	char buf[1024];
	size_t used = 0;

	buf[0] = '\0';
	for (int k = 0; k < w->nkeys && used < sizeof buf; k++) {
		int holders[WORLD_MAX_NODES], n;

		if (!key_type_is_lock(w->key_type[k]))
			continue;
		n = world_lock_holders(w, k, holders);
		used += (size_t)snprintf(buf + used, sizeof buf - used, "%s%s:%s", used ? " | " : "",
					 world_key_name(w, k), n == 0 ? " nobody" : n > 1 ? " SPLIT BRAIN," : "");
		if (n == 0 && used < sizeof buf)
			used += ap_phantom(w, k, buf + used, sizeof buf - used);
		for (int i = 0; i < n && used < sizeof buf; i++) {
			uint32_t token = 0;

			world_lock_held(w, holders[i], k, &token);
			used += (size_t)snprintf(buf + used, sizeof buf - used, "%s the client at %c (token %" PRIu32 ")",
						 i ? " and" : "", 'A' + holders[i], token);
		}
	}
	if (used)
		fprintf(t->out, "%9s  %-7s %s\n", "", label, buf);
}

void transcript_state(struct transcript *t, const char *label)
{
	const struct world *w = t->w;
	char buf[1024];
	size_t used = 0;

	if (t->link_held) {
		t->link_held = false;
		link_line(t, &t->link, false);
	}

	buf[0] = '\0';
	for (int i = 0; i < w->n && used < sizeof buf; i++) {
		int n = snprintf(buf + used, sizeof buf - used, "%s%c%s", i ? " | " : "", 'A' + i,
				 w->nodes[i].crashed ? " (down)" : "");

		used += n > 0 ? (size_t)n : 0;
		for (int k = 0; k < w->nkeys && used < sizeof buf; k++) {
			char val[96] = "-";
			int64_t v;

			if (key_type_is_lock(w->key_type[k]))
				continue;

			if (world_value(w, i, k, &v))
				world_format_value(w, k, v, val, sizeof val);
			if (world_unresolved(w, i, k)) {
				struct version c[WORLD_MAX_NODES];

				world_format_conflict(w, k, c, world_choices(w, i, k, c), val, sizeof val);
			}
			n = snprintf(buf + used, sizeof buf - used, " %s=%s", w->keys[k], val);
			used += n > 0 ? (size_t)n : 0;
		}
	}
	if (world_first_data_key(w) < 0 && used < sizeof buf)
		snprintf(buf + used, sizeof buf - used, " (no data keys)");
	fprintf(t->out, "%9s  %-7s %s\n", "", label, buf);
	transcript_locks(t, label);
}

static void op_line(struct transcript *t, const struct event *e)
{
	char buf[512];

	report_op(buf, sizeof buf, t->w, e->op);
	line(t, e->t_us, e->op->result == RES_OK && e->op->stale ? "stale" : op_result_name(e->op->result), buf);
}

void transcript_event(void *ctx, const struct event *e)
{
	struct transcript *t = ctx;
	char buf[512];

	if (link_pair(t, e))
		return;
	switch (e->kind) {
	case EV_SAY:
		line(t, e->t_us, "say", e->text);
		break;
	case EV_COMMAND:
		line(t, e->t_us, "command", e->text);
		break;
	case EV_CRASH:
	case EV_RECOVER:
		snprintf(buf, sizeof buf, "%c %s", 'A' + e->node, e->kind == EV_CRASH ? "crashed" : "recovered");
		line(t, e->t_us, event_kind_name(e->kind), buf);
		break;
	case EV_ROLE:
		if (e->role == ROLE_LEADER) {
			snprintf(buf, sizeof buf, "%c is leader (term %" PRIu64 ")", 'A' + e->node, e->term);
			line(t, e->t_us, "leader", buf);
		}
		break;
	case EV_LEVEL:
		line(t, e->t_us, event_kind_name(e->kind), e->text);
		if (world_rule_text(t->w, false, buf, sizeof buf))
			line(t, e->t_us, "rule", buf);
		break;
	case EV_CONFIG:
		line(t, e->t_us, event_kind_name(e->kind), e->text);
		/* What R + W > N promises hangs on the strategy (R + W <= N
		 * promises nothing). */
		if (strncmp(e->text, "strategy ", 9) == 0 && world_rule_text(t->w, true, buf, sizeof buf) &&
		    strcmp(buf, "R+W>N") == 0 && world_rule_text(t->w, false, buf, sizeof buf))
			line(t, e->t_us, "rule", buf);
		break;
	case EV_MODE:
	case EV_NOTE:
		line(t, e->t_us, event_kind_name(e->kind), e->text);
		break;
	case EV_INVOKE: {
		char plan[256];

		report_op(buf, sizeof buf, t->w, e->op);
		buf[strcspn(buf, ":")] = '\0';
		/* A read-modify-write says it reads first, and where. */
		report_rmw(plan, sizeof plan, t->w, e->op);
		if (plan[0])
			snprintf(buf + strlen(buf), sizeof buf - strlen(buf), ": %s", plan);
		line(t, e->t_us, "request", buf);
		break;
	}
	case EV_OP:
		op_line(t, e);
		break;
	case EV_APPLY: {
		char v[128];
		int64_t value;
		struct version shown = e->v;

		/* What a read there would now see, under the world's strategy;
		 * a value no single write produced is "merged", not a write's. */
		if (world_value(t->w, e->node, e->key, &value) && value != shown.value) {
			char val[96];

			world_format_value(t->w, e->key, value, val, sizeof val);
			snprintf(v, sizeof v, "%s=%s (merged)", world_key_name(t->w, e->key), val);
		} else {
			report_version(v, sizeof v, t->w, e->key, &shown);
		}
		snprintf(buf, sizeof buf, "%c stores %s", 'A' + e->node, v);
		line(t, e->t_us, "apply", buf);
		break;
	}
	case EV_HINT: {
		char v[128];

		report_version(v, sizeof v, t->w, e->key, &e->v);
		snprintf(buf, sizeof buf, "%c holds a hint for %c: %s", 'A' + e->node, 'A' + e->peer, v);
		line(t, e->t_us, "hint", buf);
		break;
	}
	case EV_HEAL:
		if (e->up)
			snprintf(buf, sizeof buf, "every link restored; replicas converge (strategy %s)", e->text);
		else
			snprintf(buf, sizeof buf, "every link restored; %s", e->text);
		line(t, e->t_us, "heal", buf);
		break;
	case EV_CONFLICT:
		line(t, e->t_us, "conflict", e->text);
		break;
	case EV_COMPARE:
		line(t, e->t_us, "compare", e->text);
		break;
	case EV_LOCK:
		line(t, e->t_us, strncmp(e->text, "SPLIT", 5) == 0 ? "SPLIT" : "lock", e->text);
		break;
	case EV_RESOLVE:
		line(t, e->t_us, "resolve", e->text);
		break;
	case EV_LOST:
		line(t, e->t_us, "LOST", e->text);
		break;
	case EV_STALE:
		line(t, e->t_us, "STALE", e->text);
		break;
	case EV_INVARIANT:
		line(t, e->t_us, e->up ? "invariant" : "BROKEN", e->text);
		break;
	case EV_EXPECT:
		line(t, e->t_us, e->up ? "check" : "FAILED", e->text);
		break;
	case EV_PAUSE:
		line(t, e->t_us, "pause", e->text[0] ? e->text : "(the presenter would press space)");
		break;
	default:
		break;          /* sends, deliveries and drops: see --trace */
	}
}
