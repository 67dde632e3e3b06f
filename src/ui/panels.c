/* panels.c: the text panels beside the node cards (cards.c): the client
 * panel (each operation, newest first) and the event log (newest last).
 * Each says everything in words or glyphs; colour only repeats it. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "capviz/report.h"
#include "capviz/ui_impl.h"

/* The outcome of op as words (and its role): ok, ERROR, UNKNOWN, STALE,
 * LOST, CONFLICT, pending. A read-modify-write also says what it read, at
 * which level and from where. */
enum ui_role ui_op_outcome(char *buf, size_t len, const struct world *w, const struct op *op)
{
	char val[96], missed[96], rmw[256];

	world_format_value(w, op->key, op->value, val, sizeof val);
	report_rmw(rmw, sizeof rmw, w, op);
	if (op->result == RES_PENDING) {
		snprintf(buf, len, "pending%s%s", rmw[0] ? ": " : "", rmw);
		return UR_RESULT_PENDING;
	}
	if (op->result == RES_ERROR) {
		snprintf(buf, len, "ERROR: %s%s%s", op->error, op->rmw_read ? "; " : "", op->rmw_read ? rmw : "");
		return UR_RESULT_ERROR;
	}
	if (op->result == RES_UNKNOWN) {
		snprintf(buf, len, "UNKNOWN, may have been applied: %s%s%s", op->error, op->rmw_read ? "; " : "",
			 op->rmw_read ? rmw : "");
		return UR_RESULT_UNKNOWN;
	}
	if (op_is_lock(op->kind)) {
		world_lock_result(w, op, missed, sizeof missed);
		snprintf(buf, len, "%s: %s%s", op->lost ? "LOST" : "ok", missed,
			 op->lost ? ", a heal kept the other side's grant" : "");
		return op->lost ? UR_RESULT_LOST : UR_RESULT_OK;
	}
	if (op->kind != OP_READ && op->lost) {
		snprintf(buf, len, "LOST: wrote %s (v%" PRIu64 "), a later version replaced it", val, op->wid);
		return UR_RESULT_LOST;
	}
	if (op->stale && op->kind != OP_READ) {
		snprintf(buf, len, "%s: wrote %s, built on a version another had replaced (v%" PRIu64 ")%s%s",
			 op->flaw == FLAW_LOST_UPDATE ? "LOST UPDATE" : "STALE BASE", val, op->missed_wid,
			 rmw[0] ? "; " : "", rmw);
		return UR_RESULT_STALE;
	}
	if (op->kind != OP_READ) {
		if (rmw[0])
			snprintf(buf, len, "ok, %s", rmw);
		else
			snprintf(buf, len, "ok, wrote %s", val);
		return UR_RESULT_OK;
	}
	if (!op->found) {
		snprintf(buf, len, "ok, not found");
		return UR_RESULT_OK;
	}
	if (op->stale || op->ryw || op->mono) {
		const struct write_rec *m = history_write(&w->hist, op->missed_wid);
		/* The client's own session, named: the sharpest form of stale. */
		const char *session = op->ryw ? ", not its own write" : op->mono ? ", older than it read before" : "";

		world_format_value(w, op->key, m ? m->value : 0, missed, sizeof missed);
		/* "v2": a version, never to be read as a request's "#2". */
		snprintf(buf, len, "STALE %s (%s v%" PRIu64 ": %s%s)%s%s", val,
			 op->flaw == FLAW_LOST_UPDATE ? "lost the update of" : op->flaw == FLAW_STALE_BASE ? "built over" :
			 "missed", op->missed_wid, missed, session, op->conflict ? ", met a CONFLICT" : "",
			 op->rcu_half ? (op->rcu_half == 1 ? " 0.5 RCU" : " 1 RCU") : "");
		return UR_RESULT_STALE;
	}
	if (op->conflict) {
		snprintf(buf, len, "CONFLICT: read %s among concurrent versions", val);
		return UR_CONFLICT;
	}
	if (op->rcu_half)
		snprintf(buf, len, "ok %s (%g RCU)", val, op->rcu_half / 2.0);
	else
		snprintf(buf, len, "ok %s", val);
	return UR_RESULT_OK;
}

/* What an operation asked: "read", "add -40", "add cart apple", "write 500". */
void ui_op_what(char *buf, size_t len, const struct world *w, const struct op *op)
{
	const char *key = w->nkeys > 1 ? world_key_name(w, op->key) : "";
	char val[48];

	if (op_is_lock(op->kind)) {
		snprintf(buf, len, "%s %s", op_kind_name(op->kind), world_key_name(w, op->key));
		return;
	}
	if (op->txn) {
		snprintf(buf, len, "txn %s%s%s%" PRId64 " if %s%" PRId64, key, *key ? " " : "",
			 op->kind == OP_ADD && op->arg >= 0 ? "+" : op->kind == OP_WRITE ? "set " : "", op->arg,
			 inv_op_name((enum inv_op)op->cond_op), op->cond_value);
		return;
	}
	switch (op->kind) {
	case OP_READ:
		snprintf(buf, len, "read %s", key);
		break;
	case OP_ADD:
		snprintf(buf, len, "add %s%s%+" PRId64, key, *key ? " " : "", op->arg);
		break;
	case OP_SADD:
	case OP_SREMOVE:
		snprintf(buf, len, "%s %s%s%s", op->kind == OP_SADD ? "add" : "remove", key, *key ? " " : "",
			 world_elem_name(w, (int)op->arg));
		break;
	default:
		world_format_value(w, op->key, op->arg, val, sizeof val);
		snprintf(buf, len, "write %s%s%s", key, *key ? "=" : "", val);
		break;
	}
}

/* One operation: what, where, level, time, then its outcome, which wraps
 * onto the next lines when it is long (the reason of an error matters).
 * Returns the lines used. */
static int op_line(struct ui *u, const struct world *w, const struct op *op, int y, int rows, int wd)
{
	char what[64], dur[16], out[400];
	enum ui_role r = ui_op_outcome(out, sizeof out, w, op);
	const char *rest = out;
	int x = 1, used = 0;

	ui_op_what(what, sizeof what, w, op);
	if (op->done_us >= 0)
		snprintf(dur, sizeof dur, "%.0fms", (op->done_us - op->invoke_us) / 1000.0);
	else
		snprintf(dur, sizeof dur, "%s", "...");
	x += ui_printf(u->clients, y, x, wd, A_NORMAL, "#%-3" PRIu64 "%c  %-10s %-6s %6s  ", op->id,
		       'A' + op->node, what, level_name(op->level), dur);
	while (*rest && used < rows) {
		size_t room = (size_t)(wd - x + 1), cut = strlen(rest);

		/* Break after the last space that fits, if there is one. */
		if (cut > room) {
			cut = room;
			while (cut > room / 4 && rest[cut] != ' ')
				cut--;
			if (rest[cut] != ' ')
				cut = room;
		}
		ui_put(u->clients, y + used, x, (int)cut, ui_attr(u, r), rest);
		used++;
		rest += cut;
		while (*rest == ' ')
			rest++;
		x = 8;
	}
	return used > 0 ? used : 1;
}

void ui_clients_draw(struct ui *u, const struct world *w)
{
	int rows, cols, n = (int)w->hist.nops;
	char title[64];

	getmaxyx(u->clients, rows, cols);
	if (u->ops_scroll > n - 1)
		u->ops_scroll = n > 0 ? n - 1 : 0;
	if (u->ops_scroll < 0)
		u->ops_scroll = 0;
	werase(u->clients);
	if (u->ops_scroll > 0)
		snprintf(title, sizeof title, "Clients, newest first (%d newer above)", u->ops_scroll);
	else
		snprintf(title, sizeof title, "Clients, newest first");
	ui_frame_box(u, u->clients, title);
	if (n == 0)
		ui_put(u->clients, 1, 2, cols - 3, ui_attr(u, UR_HINT), "no requests yet: w writes, r reads");
	for (int i = 0, y = 1; y < rows - 1 && n - 1 - u->ops_scroll - i >= 0; i++)
		y += op_line(u, w, &w->hist.ops[n - 1 - u->ops_scroll - i], y, rows - 1 - y, cols - 2);
	wnoutrefresh(u->clients);
}

void ui_log_draw(struct ui *u)
{
	int rows, cols, y, avail = (int)(u->nlogs < UI_LOG_MAX ? u->nlogs : UI_LOG_MAX);
	char title[64];

	getmaxyx(u->log, rows, cols);
	if (u->log_scroll > avail - 1)
		u->log_scroll = avail - 1;
	if (u->log_scroll < 0)
		u->log_scroll = 0;
	werase(u->log);
	if (u->log_scroll > 0)
		snprintf(title, sizeof title, "Events (%d newer below)", u->log_scroll);
	else
		snprintf(title, sizeof title, "Events");
	ui_frame_box(u, u->log, title);
	/* Newest at the bottom: fill upwards until the panel is full. */
	y = rows - 1;
	for (int i = u->log_scroll; i < avail; i++) {
		const struct ui_log_line *l = &u->logs[(u->nlogs - 1 - (size_t)i) % UI_LOG_MAX];
		/* Long lines wrap at spaces, continuations indented past the time. */
		int need = ui_wrap(u, NULL, 0, 0, cols - 2, rows, A_NORMAL, l->text, 8);

		if (y - need < 1) {
			/* The oldest one that shows: its first rows, cut with an
			 * ellipsis, rather than rows left blank. */
			if (y > 1)
				ui_wrap(u, u->log, 1, 1, cols - 2, y - 1, ui_attr(u, l->role), l->text, 8);
			break;
		}
		y -= need;
		ui_wrap(u, u->log, y, 1, cols - 2, need, ui_attr(u, l->role), l->text, 8);
	}
	wnoutrefresh(u->log);
}
