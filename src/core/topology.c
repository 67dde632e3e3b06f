/* topology.c: the user's hands on the world: cutting and restoring links,
 * partitions, crashes, link latency and loss, clock skew, the mode and the
 * consistency levels, and the heal. Each change is an event, emitted only
 * when something really changed. */
#include <stdio.h>
#include <string.h>

#include "capviz/world.h"

static bool valid_node(const struct world *w, int node)
{
	return node >= 0 && node < w->n;
}

/* Sets one direction and says so; the caller tells the failure detector
 * and the protocol. Returns whether anything changed. */
static bool link_change(struct world *w, int from, int to, bool up)
{
	struct event e;

	if (!valid_node(w, from) || !valid_node(w, to) || from == to)
		return false;
	if (w->links[from][to].up == up)
		return false;
	w->links[from][to].up = up;
	w->links[from][to].down_us = up ? 0 : w->now_us;
	w->topology_us = w->now_us;
	if (!up)
		net_drop_link(w, from, to, "link was cut");
	e = world_event(w, EV_LINK);
	e.node = from;
	e.peer = to;
	e.up = up;
	world_emit(w, &e);
	return true;
}

/* Both directions of a pair change at once: the failure detectors hear of
 * it after both (a node that hears its peer again believes it up before
 * the protocol hands over what it held for it). */
static void pair_set(struct world *w, int a, int b, bool up)
{
	bool ab = link_change(w, a, b, up), ba = link_change(w, b, a, up);

	if (!ab && !ba)
		return;
	detector_changed(w);
	if (up && ab)
		world_proto(w)->link_up(w, a, b);
	if (up && ba)
		world_proto(w)->link_up(w, b, a);
}

void world_link_set(struct world *w, int from, int to, bool up)
{
	if (!link_change(w, from, to, up))
		return;
	detector_changed(w);
	if (up)
		world_proto(w)->link_up(w, from, to);
}

void world_cut(struct world *w, int a, int b)
{
	pair_set(w, a, b, false);
}

void world_restore(struct world *w, int a, int b)
{
	pair_set(w, a, b, true);
}

void world_restore_all(struct world *w)
{
	for (int i = 0; i < w->n; i++)
		for (int j = i + 1; j < w->n; j++)
			world_restore(w, i, j);
}

void world_isolate(struct world *w, int node)
{
	for (int i = 0; i < w->n; i++)
		if (i != node)
			world_cut(w, node, i);
}

void world_partition(struct world *w, const int *group)
{
	/* Cut first, then restore, so no message slips across a new cut. */
	for (int i = 0; i < w->n; i++)
		for (int j = i + 1; j < w->n; j++)
			if (group[i] != group[j])
				world_cut(w, i, j);
	for (int i = 0; i < w->n; i++)
		for (int j = i + 1; j < w->n; j++)
			if (group[i] == group[j])
				world_restore(w, i, j);
}

void world_crash(struct world *w, int node)
{
	struct event e;
	char why[48];

	if (!valid_node(w, node) || w->nodes[node].crashed)
		return;
	w->nodes[node].crashed = true;
	w->nodes[node].crashed_us = w->now_us;
	w->topology_us = w->now_us;
	e = world_event(w, EV_CRASH);
	e.node = node;
	world_emit(w, &e);
	snprintf(why, sizeof why, "%c crashed", 'A' + node);
	world_fail_pending(w, node, why);
	detector_crashed(w, node);
	leaderless_proto.crash(w, node);
	leader_proto.crash(w, node);
	strict_proto.crash(w, node);
}

void world_recover(struct world *w, int node)
{
	struct event e;

	if (!valid_node(w, node) || !w->nodes[node].crashed)
		return;
	w->nodes[node].crashed = false;
	w->topology_us = w->now_us;
	e = world_event(w, EV_RECOVER);
	e.node = node;
	world_emit(w, &e);
	detector_recovered(w, node);
	leaderless_proto.recover(w, node);
	leader_proto.recover(w, node);
	strict_proto.recover(w, node);
}

static void config_event(struct world *w, int node, int peer, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void config_event(struct world *w, int node, int peer, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	world_vtext(w, EV_CONFIG, node, peer, fmt, ap);
	va_end(ap);
}

/* Calls fn on every directed link between a and b (-1: any node). */
static void each_link(struct world *w, int a, int b, void (*fn)(struct link *, const void *), const void *arg)
{
	for (int i = 0; i < w->n; i++)
		for (int j = 0; j < w->n; j++) {
			if (i == j)
				continue;
			if ((a < 0 || i == a || i == b) && (b < 0 || j == a || j == b) &&
			    (a < 0 || b < 0 || (i == a) != (j == a)))
				fn(&w->links[i][j], arg);
		}
}

struct lat_set {
	int kind;               /* -1: every kind */
	struct lat_model m;
};

static void set_latency(struct link *l, const void *arg)
{
	const struct lat_set *set = arg;

	for (int k = 0; k < LK_COUNT; k++)
		if (set->kind < 0 || set->kind == k)
			l->lat[k] = set->m;
}

static void set_loss(struct link *l, const void *arg)
{
	l->loss_pct = *(const int *)arg;
}

static void link_names(const struct world *w, int a, int b, char *buf, size_t len)
{
	(void)w;
	if (a < 0 || b < 0)
		snprintf(buf, len, "every link");
	else
		snprintf(buf, len, "%c<->%c", 'A' + a, 'A' + b);
}

void world_set_latency(struct world *w, int a, int b, int64_t base_us, int64_t jitter_us)
{
	struct lat_model m = { LD_UNIFORM, base_us < 0 ? 0 : base_us, jitter_us < 0 ? 0 : jitter_us, 0 };
	char names[32];

	each_link(w, a, b, set_latency, &(struct lat_set){ -1, m });
	link_names(w, a, b, names, sizeof names);
	config_event(w, a, b, "latency %s %.1fms +-%.1fms", names, m.a_us / 1000.0, m.b_us / 1000.0);
}

void world_set_latency_model(struct world *w, int a, int b, int kind, const struct lat_model *m)
{
	char names[32], model[64];

	if (kind >= LK_COUNT)
		return;
	each_link(w, a, b, set_latency, &(struct lat_set){ kind, *m });
	link_names(w, a, b, names, sizeof names);
	lat_describe(m, model, sizeof model);
	config_event(w, a, b, "latency %s%s%s %s", names, kind >= 0 ? " " : "", kind >= 0 ? lat_kind_name(kind) : "",
		     model);
}

void world_set_loss(struct world *w, int a, int b, int pct)
{
	char names[32];

	if (pct < 0)
		pct = 0;
	if (pct > 100)
		pct = 100;
	each_link(w, a, b, set_loss, &pct);
	link_names(w, a, b, names, sizeof names);
	config_event(w, a, b, "loss %s %d%%", names, pct);
}

void world_set_skew(struct world *w, int node, int64_t skew_us)
{
	if (!valid_node(w, node))
		return;
	w->nodes[node].skew_us = skew_us;
	config_event(w, node, -1, "%c's clock runs %.3fs %s", 'A' + node,
		     (skew_us < 0 ? -skew_us : skew_us) / 1e6, skew_us < 0 ? "behind" : "ahead");
}

void world_set_timeout(struct world *w, int64_t timeout_us)
{
	if (timeout_us < 1000)
		timeout_us = 1000;
	w->timing.request_timeout_us = timeout_us;
	config_event(w, -1, -1, "request timeout %.3fs", timeout_us / 1e6);
}

/* The levels in force, as the mode uses them: the leaderless protocol's read
 * and write levels; the leader-based protocol's read option (writes always
 * go through the leader to a majority). */
/* The rules changed: the status bar's figures start again. */
static void new_rules(struct world *w)
{
	w->rules_us = w->now_us;
	w->rules_op = w->hist.nops;
}

static void level_event(struct world *w)
{
	struct event e = world_event(w, EV_LEVEL);
	char buf[64];

	new_rules(w);
	if (w->mode == MODE_CP)
		snprintf(buf, sizeof buf, "read %s, write through the leader (majority)",
			 level_name(world_op_level(w, OP_READ, LEVEL_DEFAULT)));
	else
		snprintf(buf, sizeof buf, "read %s, write %s", level_name(w->read_level), level_name(w->write_level));
	e.text = buf;
	world_emit(w, &e);
}

/* Back to ONE and ONE: what ap mode starts with, and plain cp's
 * linearizable reads (no read option). */
static void reset_levels(struct world *w)
{
	if (w->read_level == LEVEL_ONE && w->write_level == LEVEL_ONE)
		return;
	w->read_level = LEVEL_ONE;
	w->write_level = LEVEL_ONE;
	level_event(w);
}

void world_set_mode(struct world *w, enum mode m)
{
	struct event e;
	char why[64];

	if ((unsigned)m >= MODE_COUNT)
		return;
	/* Set by hand, the cluster is no longer the preset's. */
	w->preset = PRESET_NONE;
	if (m == w->mode) {
		if (level_is_read_option(w->read_level))
			reset_levels(w);
		return;
	}
	snprintf(why, sizeof why, "aborted: switched to %s", mode_name(m));
	world_fail_pending(w, -1, why);
	lock_handover(w, m);
	world_proto(w)->leave(w);
	w->mode = m;
	new_rules(w);
	e = world_event(w, EV_MODE);
	e.text = mode_name(m);
	world_emit(w, &e);
	if (m == MODE_AP || level_is_read_option(w->read_level))
		reset_levels(w);
	world_proto(w)->enter(w);
}

/* "preset zookeeper (PC/EL; the seed's table: Zookeeper PC/EC): the
 * majority side serves; ...": the preset, the class its rules show beside
 * the seed's row, and what it promises. */
static void preset_event(struct world *w)
{
	char cls[160], promise[400];

	world_class_text(w, false, cls, sizeof cls);
	world_promise(w, false, promise, sizeof promise);
	config_event(w, -1, -1, "preset %s (%s): %s", preset_name(w->preset), cls, promise);
}

/* A read option set by hand keeps a preset it belongs to: DynamoDB's reads
 * are eventual or strong (choosing one is choosing dynamodb or
 * dynamodb-strong), ZooKeeper's local or sync. Anything else leaves the
 * preset. */
static enum preset preset_after_level(const struct world *w, bool read, int level)
{
	bool dynamo = w->preset == PRESET_DYNAMODB || w->preset == PRESET_DYNAMODB_STRONG;

	if (read && dynamo && level == LEVEL_EVENTUAL)
		return PRESET_DYNAMODB;
	if (read && dynamo && level == LEVEL_STRONG)
		return PRESET_DYNAMODB_STRONG;
	if (read && w->preset == PRESET_ZOOKEEPER && (level == LEVEL_LOCAL || level == LEVEL_SYNC))
		return PRESET_ZOOKEEPER;
	/* One node reads its own replica whatever the option. */
	if (read && w->preset == PRESET_SINGLE && level_is_read_option(level))
		return PRESET_SINGLE;
	return PRESET_NONE;
}

void world_set_level(struct world *w, bool read, int level)
{
	if (level < LEVEL_ONE || level >= LEVEL_COUNT || (level_is_read_option(level) && !read))
		return;
	enum preset before = w->preset;

	w->preset = preset_after_level(w, read, level);
	if (read)
		w->read_level = level;
	else
		w->write_level = level;
	level_event(w);
	/* dynamodb and dynamodb-strong differ only by their reads. */
	if (w->preset != before && w->preset != PRESET_NONE)
		preset_event(w);
}

/* Both levels with one event, so readers never see a half set pair
 * (QUORUM reads with ONE writes) nobody asked for. */
static void both_levels(struct world *w, int read, int write)
{
	if (w->read_level == read && w->write_level == write)
		return;
	w->read_level = read;
	w->write_level = write;
	level_event(w);
}

void world_set_levels(struct world *w, int level)
{
	if (level < LEVEL_ONE || level > LEVEL_ALL)
		return;
	w->preset = PRESET_NONE;
	w->read_level = level;
	w->write_level = level;
	level_event(w);
}

int world_set_preset(struct world *w, enum preset p, char *err, size_t errlen)
{
	enum mode mode;
	int read, write;

	if (p <= PRESET_NONE || p >= PRESET_COUNT) {
		snprintf(err, errlen, "preset: unknown preset (presets are %s)", preset_names());
		return -1;
	}
	if (p == PRESET_SINGLE && w->n != 1) {
		snprintf(err, errlen, "preset single: the cluster has %d nodes; start with --nodes 1 or -p single",
			 w->n);
		return -1;
	}
	preset_rules(p, &mode, &read, &write);
	if (mode != w->mode)
		world_set_mode(w, mode);
	/* The preset's own rules (a ZooKeeper server without a leader stops
	 * serving, DynamoDB counts read units) hold from the first event on. */
	w->preset = p;
	new_rules(w);
	both_levels(w, read, write);
	preset_event(w);
	return 0;
}

/* "nothing to reconcile: mode cp is leader-based, ...", with the strategy
 * asked for, if any, said to be unused up front. */
static bool reconciles(const struct world *w, const char *asked, char *why, size_t len)
{
	char reason[320];
	bool yes = world_proto(w)->reconciles(w, reason, sizeof reason);

	if (yes && len > 0)
		why[0] = '\0';
	else if (!yes && asked)
		snprintf(why, len, "nothing to reconcile (%s, asked for, is not used): %s", asked, reason);
	else if (!yes)
		snprintf(why, len, "nothing to reconcile: %s", reason);
	return yes;
}

bool world_heal_reconciles(const struct world *w, char *why, size_t len)
{
	return reconciles(w, NULL, why, len);
}

/* The heal event says the strategy when one reconciles the replicas, else
 * why there is nothing to choose (and that the one asked for is not used).
 * A strategy named for a heal that reconciles becomes the cluster's: the
 * reads after it follow the rule that merged (a conflict a merge leaves for
 * a client stays one, rather than being read away by last-write-wins). */
static void heal(struct world *w, enum strategy s, bool named)
{
	struct event e;
	char why[400];

	if ((unsigned)s >= STRAT_COUNT)
		s = w->strategy;
	if (named && s != w->strategy && world_heal_reconciles(w, why, sizeof why))
		world_set_strategy(w, s);
	e = world_event(w, EV_HEAL);
	w->heal_strategy = s;
	w->heal_pending = true;
	e.up = reconciles(w, named ? strategy_name(s) : NULL, why, sizeof why);
	e.text = e.up ? strategy_name(s) : why;
	world_emit(w, &e);
	world_restore_all(w);
	world_proto(w)->heal(w);
	w->heal_pending = false;
}

void world_heal_with(struct world *w, enum strategy s)
{
	heal(w, s, true);
}

void world_heal(struct world *w)
{
	heal(w, w->strategy, false);
}
