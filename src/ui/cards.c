/* cards.c: a card per node: its role and state, then what a read there sees
 * of every key with its version, the concurrent versions of a key in
 * conflict, the invariants the node breaks and the hints it holds. A card
 * says everything in words and glyphs; colour only repeats it. The cards
 * share the panel's rows: each gets its text laid out roomily when all fit,
 * packed when not, and cut last. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "capviz/ui_impl.h"

#define CARD_SEGS 24
#define CARD_INDENT 5

/* One piece of a card's text; brk starts a new line when there is room. */
struct seg {
	char text[160];
	enum ui_role role;
	bool brk;
};

struct card {
	int n;
	struct seg s[CARD_SEGS];
};

enum ui_role ui_node_state(const struct world *w, int node, const char **word)
{
	if (w->nodes[node].crashed) {
		*word = "crashed";
		return UR_NODE_CRASHED;
	}
	return world_serving(w, node, word) ? UR_NODE : UR_NODE_REFUSING;
}

bool ui_value(const struct world *w, int node, int key, char *buf, size_t len)
{
	int64_t v;

	if (!world_value(w, node, key, &v)) {
		snprintf(buf, len, "-");
		return false;
	}
	world_format_value(w, key, v, buf, len);
	return true;
}

int ui_node_conflicts(const struct world *w, int node)
{
	int n = 0;

	struct version c[WORLD_MAX_NODES];

	for (int k = 0; k < w->nkeys; k++)
		n += world_choices(w, node, k, c) > 1;
	return n;
}

int ui_node_broken(const struct world *w, int node)
{
	int n = 0;

	for (int i = 0; i < w->ninvariants; i++)
		n += w->broken[node][i];
	return n;
}

static struct seg *add(struct card *c, enum ui_role r, bool brk)
{
	struct seg *s = &c->s[c->n < CARD_SEGS - 1 ? c->n++ : c->n];

	s->role = r;
	s->brk = brk;
	s->text[0] = '\0';
	return s;
}

/* "balance=60 #2": the value a read sees, and the write that made it (a
 * value the strategy computed from several writes says so instead). */
static void key_seg(struct card *c, const struct world *w, int node, int k)
{
	const struct kstate *ks = &w->nodes[node].store.keys[k];
	struct seg *s = add(c, UR_NORMAL, k == 0);
	char val[96];
	int64_t v;

	if (!world_value(w, node, k, &v)) {
		snprintf(s->text, sizeof s->text, "%s=-", world_key_name(w, k));
		return;
	}
	world_format_value(w, k, v, val, sizeof val);
	if (v == ks->v.value)
		snprintf(s->text, sizeof s->text, "%s=%s v%" PRIu64, world_key_name(w, k), val, ks->v.wid);
	else
		snprintf(s->text, sizeof s->text, "%s=%s (%s)", world_key_name(w, k), val,
			 w->strategy == STRAT_CRDT ? "crdt" : "merged");
}

/* "≠ conflict: 60 #2 (A) | 60 #3 (C)": the concurrent versions of a key. */
static void conflict_seg(const struct ui *u, struct card *c, const struct world *w, int node, int k)
{
	struct version ks[WORLD_MAX_NODES];
	int n = world_choices(w, node, k, ks);
	struct seg *s;
	char a[96];
	size_t used;

	if (n <= 1)
		return;
	s = add(c, UR_CONFLICT, false);
	used = (size_t)snprintf(s->text, sizeof s->text, "%s%s%s conflict:", u->g->conflict,
				w->nkeys > 1 ? " " : "", w->nkeys > 1 ? world_key_name(w, k) : "");
	for (int i = 0; i < n && used < sizeof s->text; i++) {
		world_format_value(w, k, ks[i].value, a, sizeof a);
		used += (size_t)snprintf(s->text + used, sizeof s->text - used, "%s %s v%" PRIu64 " (%c)",
					 i ? " |" : "", a, ks[i].wid, 'A' + ks[i].node);
	}
}

static void role_text(char *buf, size_t len, const struct world *w, int i)
{
	const struct leader_node *ld = &w->nodes[i].ld;

	if (w->mode != MODE_CP)
		snprintf(buf, len, "replica");
	else if (w->nodes[i].crashed)
		snprintf(buf, len, "down t%" PRIu64, ld->term);     /* no role; its term is on disk */
	else if (ld->role == ROLE_NONE)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%s t%" PRIu64, role_name(ld->role), ld->term);
}

/* What the client at node has of each lock path: holds it (with its
 * fencing token), waits for it, or thinks it holds it but cannot be sure;
 * and its session, under the leader-based service. */
static void lock_segs(struct card *c, const struct world *w, int node)
{
	bool any = false;

	for (int k = 0; k < w->nkeys; k++) {
		const struct lock_queue *q = world_lock_queue(w, node, k);
		const char *path = world_key_name(w, k), *verb = w->key_type[k] == KT_ELECTION ? "leads" : "holds";
		int holders[WORLD_MAX_NODES], n;
		uint32_t token;
		struct seg *s;

		if (!q)
			continue;
		any = true;
		if (world_lock_held(w, node, k, &token)) {
			n = world_lock_holders(w, k, holders);
			s = add(c, n > 1 ? UR_BROKEN : UR_RESULT_OK, true);
			snprintf(s->text, sizeof s->text, "%s%s %s, token %" PRIu32, n > 1 ? "SPLIT BRAIN: " : "", verb,
				 path, token);
			continue;
		}
		if (w->mode == MODE_AP) {
			const struct kstate *ks = &w->nodes[node].store.keys[k];
			int h = ks->present ? aplock_holder(ks->v.value) : -1;

			s = add(c, UR_HINT, true);
			if (h >= 0)
				snprintf(s->text, sizeof s->text, "%s: %c %s it (token %" PRIu32 ")", path, 'A' + h,
					 verb, aplock_token(ks->v.value));
			else
				snprintf(s->text, sizeof s->text, "%s: free", path);
			continue;
		}
		if (w->mode != MODE_CP)
			continue;
		for (int j = 0; j < q->n; j++) {
			if (q->q[j].client != node)
				continue;
			s = add(c, j == 0 ? UR_RESULT_STALE : UR_RESULT_PENDING, true);
			if (j == 0)
				snprintf(s->text, sizeof s->text, "%s %s? its session lapsed", verb, path);
			else
				snprintf(s->text, sizeof s->text, "%s %s (#%d, token %" PRIu32 ")",
					 w->key_type[k] == KT_ELECTION ? "runs for" : "waits for", path, j + 1, q->q[j].seq);
		}
	}
	if (any && w->mode == MODE_CP) {
		struct seg *s = add(c, UR_HINT, true);

		world_session_text(w, node, s->text, sizeof s->text);
	}
}

/* "believes C down": the peers its failure detector has convicted, which
 * it sends nothing to and counts out of every level. */
static void believes_seg(struct card *c, const struct world *w, int node)
{
	uint32_t down = world_believed_down(w, node);
	struct seg *s;
	size_t used;

	if (!down)
		return;
	s = add(c, UR_NODE_REFUSING, true);
	used = (size_t)snprintf(s->text, sizeof s->text, "believes");
	for (int j = 0; j < w->n && used < sizeof s->text; j++)
		if (down & (1u << j))
			used += (size_t)snprintf(s->text + used, sizeof s->text - used, "%s%c",
						 used == strlen("believes") ? " " : ", ", 'A' + j);
	if (used < sizeof s->text)
		snprintf(s->text + used, sizeof s->text - used, " down");
}

/* Everything a card says after its name and role, in reading order. */
static void card_build(const struct ui *u, struct card *c, const struct world *w, int i)
{
	const char *word;
	struct seg *s = add(c, ui_node_state(w, i, &word), true);
	bool first = true;
	char why[sizeof s->text];

	snprintf(s->text, sizeof s->text, "%s", word);
	/* Every value first, so a card cut short still shows them all. */
	for (int k = 0; k < w->nkeys; k++)
		if (!key_type_is_lock(w->key_type[k]))
			key_seg(c, w, i, k);
	/* Why it has no leader, when it has none: after the values, which a
	 * short card keeps first. */
	if (world_no_leader_why(w, i, WHY_CARD, why, sizeof why)) {
		s = add(c, UR_NODE_REFUSING, true);
		snprintf(s->text, sizeof s->text, "%s", why);
	}
	believes_seg(c, w, i);
	lock_segs(c, w, i);
	for (int k = 0; k < w->nkeys; k++)
		conflict_seg(u, c, w, i, k);
	for (int v = 0; v < w->ninvariants; v++) {
		const struct invariant *inv = &w->invariants[v];

		if (!w->broken[i][v])
			continue;
		s = add(c, UR_BROKEN, first);
		first = false;
		snprintf(s->text, sizeof s->text, "%s %s%s%" PRId64 " BROKEN", u->g->broken,
			 world_key_name(w, inv->key), inv_op_name(inv->op), inv->value);
	}
	if (w->nodes[i].ll.nhints > 0) {
		s = add(c, UR_HINT, first);
		snprintf(s->text, sizeof s->text, "holds %zu hint%s", w->nodes[i].ll.nhints,
			 w->nodes[i].ll.nhints == 1 ? "" : "s");
	}
}

/* Where the text flows: lines left, the cursor, the right edge. */
struct flow {
	struct ui *u;
	bool draw;
	int y, x, line, maxlines, right;
	bool fresh;             /* nothing on this line yet */
	bool cut;               /* ran out of lines */
};

static bool flow_newline(struct flow *f)
{
	if (f->line + 1 >= f->maxlines) {
		if (f->draw)
			ui_put(f->u->cards, f->y + f->line, f->right - 1, 1, ui_attr(f->u, UR_HINT), f->u->g->ellipsis);
		f->cut = true;
		return false;
	}
	f->line++;
	f->x = CARD_INDENT;
	f->fresh = true;
	return true;
}

/* How many cells of p to put in room: all, or up to the last space that
 * fits (p's first cells when there is none); *skip gets the bytes. */
static int fit(const char *p, int room, size_t *skip)
{
	int cells = 0, sp_cells = -1;
	size_t i = 0, sp = 0;

	while (p[i]) {
		size_t len = 1;

		while (((unsigned char)p[i + len] & 0xC0) == 0x80)
			len++;
		if (cells == room)
			break;
		if (p[i] == ' ' && cells > room / 2) {
			sp_cells = cells;
			sp = i;
		}
		cells++;
		i += len;
	}
	if (p[i] && sp_cells > 0) {
		*skip = sp;
		return sp_cells;
	}
	*skip = i;
	return cells;
}

/* Puts one segment after two spaces, on a new line when it does not fit,
 * wrapping it at spaces when it is wider than a line. */
static void flow_seg(struct flow *f, const struct seg *s, bool roomy)
{
	const char *p = s->text;

	if ((roomy && s->brk) || (!f->fresh && f->x + 2 + (int)ui_cells(p) > f->right))
		if (!flow_newline(f))
			return;
	if (!f->fresh)
		f->x += 2;
	while (*p) {
		size_t skip;
		int n = fit(p, f->right - f->x, &skip);

		if (f->draw)
			ui_put(f->u->cards, f->y + f->line, f->x, n, ui_attr(f->u, s->role), p);
		f->x += n;
		f->fresh = false;
		for (p += skip; *p == ' '; p++)
			;
		if (*p && !flow_newline(f))
			return;
	}
}

/* Lays out (or measures, when f->draw is false) card c from the header's
 * end x0 on; returns the lines it takes. */
static int card_flow(struct flow *f, const struct card *c, int x0, bool roomy)
{
	f->x = x0;
	f->line = 0;
	f->fresh = false;
	f->cut = false;
	for (int i = 0; i < c->n && !f->cut; i++)
		flow_seg(f, &c->s[i], roomy);
	return f->line + 1;
}

/* The name and role: "▸ A  leader t2"; returns where it ends. */
static int card_head(struct ui *u, const struct world *w, int i, int y, int wd, bool draw)
{
	char role[48];
	const char *word;
	enum ui_role r = ui_node_state(w, i, &word);
	int x = 1;

	if (r == UR_NODE && w->mode == MODE_CP && w->nodes[i].ld.role == ROLE_LEADER)
		r = UR_NODE_LEADER;
	role_text(role, sizeof role, w, i);
	if (!draw)
		return 6 + (int)strlen(role);
	x += ui_put(u->cards, y, x, 1, ui_attr(u, UR_SELECTED), i == u->sel ? u->g->sel : " ");
	x += ui_printf(u->cards, y, x, wd, ui_attr(u, i == u->sel ? UR_SELECTED : UR_NODE), " %c ", 'A' + i);
	x += ui_printf(u->cards, y, x, wd - x, ui_attr(u, r), " %s", role);
	return x;
}

/* Lines each card gets: what it needs roomily when every card fits so,
 * packed when that fits, else packed and the longest cards cut first.
 * Returns true for the roomy layout. */
static bool card_budget(struct ui *u, const struct world *w, const struct card *c, int avail, int right,
			int *lines)
{
	struct flow f = { u, false, 0, 0, 0, 1000, right, false, false };
	int sum = 0;

	for (int i = 0; i < w->n; i++)
		sum += lines[i] = card_flow(&f, &c[i], card_head(u, w, i, 0, 0, false), true);
	if (sum <= avail)
		return true;
	sum = 0;
	for (int i = 0; i < w->n; i++)
		sum += lines[i] = card_flow(&f, &c[i], card_head(u, w, i, 0, 0, false), false);
	while (sum > avail) {
		int big = 0;

		for (int i = 1; i < w->n; i++)
			if (lines[i] > lines[big])
				big = i;
		if (lines[big] <= 1)
			break;
		lines[big]--;
		sum--;
	}
	return false;
}

void ui_cards_draw(struct ui *u, const struct world *w)
{
	struct card c[WORLD_MAX_NODES];
	int rows, cols, lines[WORLD_MAX_NODES], y = 1;
	bool roomy;

	getmaxyx(u->cards, rows, cols);
	werase(u->cards);
	ui_frame_box(u, u->cards, "Nodes");
	for (int i = 0; i < w->n; i++) {
		c[i].n = 0;
		card_build(u, &c[i], w, i);
	}
	roomy = card_budget(u, w, c, rows - 2, cols - 1, lines);
	for (int i = 0; i < w->n && y + lines[i] <= rows - 1; i++) {
		struct flow f = { u, true, y, 0, 0, lines[i], cols - 1, false, false };

		card_flow(&f, &c[i], card_head(u, w, i, y, cols - 2, true), roomy);
		y += lines[i];
	}
	wnoutrefresh(u->cards);
}
