/* test_preset.c: presets (issue 5, first slice): each sets its mode and
 * levels on a running cluster, says its class and promise, the R + W > N
 * rule reads the levels in force, setting mode or level by hand clears the
 * preset, and single needs a world of one node. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "capviz/cmd.h"
#include "capviz/world.h"

struct seen {
	int config;
	int levels;
	char text[512];
};

static void seen_sink(void *ctx, const struct event *e)
{
	struct seen *s = ctx;

	if (e->kind == EV_CONFIG) {
		s->config++;
		snprintf(s->text, sizeof s->text, "%s", e->text);
	} else if (e->kind == EV_LEVEL) {
		s->levels++;
	}
}

static void init(struct world *w, int n, enum mode m, struct seen *s)
{
	char err[WORLD_ERR_MAX];

	assert_int_equal(world_init(w, n, 1, m, err, sizeof err), 0);
	memset(s, 0, sizeof *s);
	world_set_sink(w, seen_sink, s);
}

static const char *promise_of(enum preset p)
{
	static char buf[400];

	preset_promise(p, buf, sizeof buf);
	return buf;
}

static void test_names(void **state)
{
	(void)state;
	assert_int_equal(preset_by_name("cassandra-one"), PRESET_CASSANDRA_ONE);
	assert_int_equal(preset_by_name("Cassandra-Quorum"), PRESET_CASSANDRA_QUORUM);
	assert_int_equal(preset_by_name("cassandra-all"), PRESET_CASSANDRA_ALL);
	assert_int_equal(preset_by_name("single"), PRESET_SINGLE);
	assert_int_equal(preset_by_name("none"), -1);
	assert_int_equal(preset_by_name("ZooKeeper"), PRESET_ZOOKEEPER);
	assert_int_equal(preset_by_name("dynamodb"), PRESET_DYNAMODB);
	assert_int_equal(preset_by_name("dynamodb-strong"), PRESET_DYNAMODB_STRONG);
	assert_int_equal(preset_by_name("mongodb"), -1);
	for (int p = PRESET_NONE + 1; p < PRESET_COUNT; p++)
		assert_int_equal(preset_by_name(preset_name((enum preset)p)), p);
	assert_non_null(strstr(promise_of(PRESET_CASSANDRA_QUORUM), "the minority errs"));
	assert_non_null(strstr(promise_of(PRESET_SINGLE), "no partition is possible"));
}

/* The seed's PACELC table, quoted as the seed has it: six rows, none for
 * Cassandra at ALL (issue 13: capviz once gave cassandra-quorum PA/EL and
 * dynamodb-strong PA/EC "as the seed's"). */
static void test_seed_rows(void **state)
{
	static const struct { enum preset p; const char *row, *cls; } seed[] = {
		{ PRESET_CASSANDRA_ONE, "Cassandra (ONE)", "PA/EL" },
		{ PRESET_CASSANDRA_QUORUM, "Cassandra (QUORUM)", "PA/EC" },
		{ PRESET_DYNAMODB, "DynamoDB (eventually consistent)", "PA/EL" },
		{ PRESET_DYNAMODB_STRONG, "DynamoDB (strong reads)", "PC/EC" },
		{ PRESET_ZOOKEEPER, "Zookeeper", "PC/EC" },
		{ PRESET_SINGLE, "MySQL (single node)", "-/EC" },
	};
	char buf[160];

	(void)state;
	for (size_t i = 0; i < sizeof seed / sizeof seed[0]; i++) {
		assert_string_equal(preset_seed_row(seed[i].p), seed[i].row);
		assert_string_equal(preset_seed_class(seed[i].p), seed[i].cls);
	}
	assert_null(preset_seed_row(PRESET_CASSANDRA_ALL));
	assert_null(preset_seed_class(PRESET_CASSANDRA_ALL));
	preset_seed_text(PRESET_CASSANDRA_ALL, buf, sizeof buf);
	assert_string_equal(buf, "the seed's table has no Cassandra (ALL) row");
	preset_seed_text(PRESET_CASSANDRA_QUORUM, buf, sizeof buf);
	assert_string_equal(buf, "the seed's table: Cassandra (QUORUM) PA/EC");
}

/* The class a preset's rules show (what --pacelc measures), and beside it
 * the seed's, marked, where the two differ. */
static void test_classes(void **state)
{
	static const struct { enum preset p; const char *cls, *brief; } want[] = {
		{ PRESET_CASSANDRA_ONE, "PA/EL", "PA/EL" },
		{ PRESET_CASSANDRA_QUORUM, "PC/EC", "PC/EC (seed PA/EC)" },
		{ PRESET_CASSANDRA_ALL, "PC/EC", "PC/EC (no seed row)" },
		{ PRESET_DYNAMODB, "PA/EL", "PA/EL" },
		{ PRESET_DYNAMODB_STRONG, "PC/EC", "PC/EC" },
		{ PRESET_ZOOKEEPER, "PC/EL", "PC/EL (seed PC/EC)" },
		{ PRESET_SINGLE, "-/EC", "-/EC" },
	};
	struct world w;
	struct seen s;
	char cls[8], buf[160], err[WORLD_ERR_MAX];

	(void)state;
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		preset_class(want[i].p, cls);
		assert_string_equal(cls, want[i].cls);
		preset_class_text(want[i].p, true, buf, sizeof buf);
		assert_string_equal(buf, want[i].brief);
		init(&w, want[i].p == PRESET_SINGLE ? 1 : 3, MODE_CP, &s);
		assert_int_equal(world_set_preset(&w, want[i].p, err, sizeof err), 0);
		world_class(&w, cls);
		assert_string_equal(cls, want[i].cls);
		world_class_text(&w, true, buf, sizeof buf);
		assert_string_equal(buf, want[i].brief);
		world_free(&w);
	}
	preset_class_text(PRESET_CASSANDRA_QUORUM, false, buf, sizeof buf);
	assert_string_equal(buf, "PC/EC; the seed's table: Cassandra (QUORUM) PA/EC");
	/* ZooKeeper with synced reads waits for the leader: EC, as the seed. */
	init(&w, 3, MODE_CP, &s);
	assert_int_equal(world_set_preset(&w, PRESET_ZOOKEEPER, err, sizeof err), 0);
	world_set_level(&w, true, LEVEL_SYNC);
	world_class_text(&w, true, buf, sizeof buf);
	assert_string_equal(buf, "PC/EC");
	world_free(&w);
}

/* Each Cassandra preset switches a running cp cluster to ap and its levels. */
static void test_levels(void **state)
{
	static const int want[] = { 0, LEVEL_ONE, LEVEL_QUORUM, LEVEL_ALL };
	struct world w;
	struct seen s;
	char err[WORLD_ERR_MAX];

	(void)state;
	for (int p = PRESET_CASSANDRA_ONE; p <= PRESET_CASSANDRA_ALL; p++) {
		init(&w, 3, MODE_CP, &s);
		assert_int_equal(world_set_preset(&w, (enum preset)p, err, sizeof err), 0);
		assert_int_equal(w.preset, p);
		assert_int_equal(w.mode, MODE_AP);
		assert_int_equal(w.read_level, want[p]);
		assert_int_equal(w.write_level, want[p]);
		assert_true(s.levels <= 2);   /* ap's reset to ONE, then the pair at once */
		assert_int_equal(s.config, 1);
		assert_non_null(strstr(s.text, preset_name((enum preset)p)));
		assert_non_null(strstr(s.text, p == PRESET_CASSANDRA_ONE ? "(PA/EL; " : "(PC/EC; "));
		world_free(&w);
	}
}

static void test_rule(void **state)
{
	struct world w;
	struct seen s;
	char err[WORLD_ERR_MAX], buf[256];

	(void)state;
	init(&w, 3, MODE_AP, &s);
	assert_int_equal(world_set_preset(&w, PRESET_CASSANDRA_QUORUM, err, sizeof err), 0);
	assert_true(world_rule_text(&w, false, buf, sizeof buf));
	assert_string_equal(buf, "R=2 W=2 N=3: R+W>N, reads overlap every acknowledged write and return the highest "
			    "timestamp (the writers' clocks: under skew, not always the last write in real time)");
	assert_true(world_rule_text(&w, true, buf, sizeof buf));
	assert_string_equal(buf, "R+W>N");
	assert_int_equal(world_set_preset(&w, PRESET_CASSANDRA_ONE, err, sizeof err), 0);
	assert_true(world_rule_text(&w, false, buf, sizeof buf));
	assert_string_equal(buf, "R=1 W=1 N=3: R+W<=N, reads may be stale");
	assert_int_equal(world_set_preset(&w, PRESET_CASSANDRA_ALL, err, sizeof err), 0);
	assert_true(world_rule_text(&w, false, buf, sizeof buf));
	assert_string_equal(buf, "R=3 W=3 N=3: R+W>N, reads overlap every acknowledged write and return the highest "
			    "timestamp (the writers' clocks: under skew, not always the last write in real time)");
	/* Without last-write-wins, "latest" is the vector clocks' word. */
	world_set_strategy(&w, STRAT_MERGE);
	assert_true(world_rule_text(&w, false, buf, sizeof buf));
	assert_string_equal(buf, "R=3 W=3 N=3: R+W>N, reads overlap every acknowledged write (versions ordered by "
			    "their vector clocks, concurrent ones resolved by merge)");
	world_set_strategy(&w, STRAT_LWW);
	/* Only ap has the rule: cp and strict have no read and write levels. */
	world_set_mode(&w, MODE_CP);
	assert_false(world_rule_text(&w, false, buf, sizeof buf));
	assert_string_equal(buf, "");
	world_free(&w);
}

/* By hand, the cluster is no longer the preset's. */
static void test_hand_clears(void **state)
{
	struct world w;
	struct seen s;
	char err[WORLD_ERR_MAX];

	(void)state;
	init(&w, 3, MODE_AP, &s);
	assert_int_equal(world_set_preset(&w, PRESET_CASSANDRA_QUORUM, err, sizeof err), 0);
	world_set_level(&w, true, LEVEL_ONE);
	assert_int_equal(w.preset, PRESET_NONE);
	assert_int_equal(world_set_preset(&w, PRESET_CASSANDRA_QUORUM, err, sizeof err), 0);
	world_set_mode(&w, MODE_CP);
	assert_int_equal(w.preset, PRESET_NONE);
	assert_int_equal(world_set_preset(&w, PRESET_CASSANDRA_ONE, err, sizeof err), 0);
	world_set_mode(&w, MODE_AP);
	assert_int_equal(w.preset, PRESET_NONE);
	/* A read option of the preset's own system keeps it (DynamoDB's
	 * strong reads are the dynamodb-strong preset); mode cp by hand is plain
	 * cp again, with linearizable reads. */
	assert_int_equal(world_set_preset(&w, PRESET_DYNAMODB, err, sizeof err), 0);
	assert_int_equal(w.mode, MODE_CP);
	assert_int_equal(w.read_level, LEVEL_EVENTUAL);
	world_set_level(&w, true, LEVEL_STRONG);
	assert_int_equal(w.preset, PRESET_DYNAMODB_STRONG);
	world_set_level(&w, true, LEVEL_EVENTUAL);
	assert_int_equal(w.preset, PRESET_DYNAMODB);
	world_set_level(&w, true, LEVEL_SYNC);
	assert_int_equal(w.preset, PRESET_NONE);
	assert_int_equal(world_set_preset(&w, PRESET_ZOOKEEPER, err, sizeof err), 0);
	assert_int_equal(w.read_level, LEVEL_LOCAL);
	world_set_level(&w, true, LEVEL_SYNC);
	assert_int_equal(w.preset, PRESET_ZOOKEEPER);
	assert_int_equal(world_op_level(&w, OP_READ, LEVEL_DEFAULT), LEVEL_SYNC);
	world_set_mode(&w, MODE_CP);
	assert_int_equal(w.preset, PRESET_NONE);
	assert_int_equal(world_op_level(&w, OP_READ, LEVEL_DEFAULT), LEVEL_QUORUM);
	world_free(&w);
}

/* The promise is derived from the levels in force (issue 13): QUORUM reads
 * and writes overlap, so ap at QUORUM must not say reads may be stale; cp
 * with local reads answers them on the minority, so it must not say the
 * minority errs; the R + W > N promise carries its condition. */
static void test_promise_follows_levels(void **state)
{
	struct world w;
	struct seen s;
	char buf[400], err[WORLD_ERR_MAX];

	(void)state;
	init(&w, 3, MODE_AP, &s);
	world_promise(&w, false, buf, sizeof buf);
	assert_non_null(strstr(buf, "reads may be stale"));
	world_set_levels(&w, LEVEL_QUORUM);
	world_promise(&w, false, buf, sizeof buf);
	assert_null(strstr(buf, "stale"));
	assert_non_null(strstr(buf, "the minority errs"));
	assert_non_null(strstr(buf, "highest timestamp (the writers' clocks: under skew"));
	world_promise(&w, true, buf, sizeof buf);
	assert_string_equal(buf, "the majority answers, the minority errs");
	/* QUORUM reads with ONE writes: 2 + 1 is not above 3. */
	world_set_level(&w, false, LEVEL_ONE);
	world_promise(&w, false, buf, sizeof buf);
	assert_non_null(strstr(buf, "R+W<=N: reads may be stale"));
	world_free(&w);

	init(&w, 3, MODE_CP, &s);
	world_promise(&w, false, buf, sizeof buf);
	assert_non_null(strstr(buf, "but a local read, which answers from that replica and may be stale"));
	world_set_level(&w, true, LEVEL_LOCAL);
	world_promise(&w, false, buf, sizeof buf);
	assert_null(strstr(buf, "minority errs"));
	assert_non_null(strstr(buf, "possibly stale"));
	world_promise(&w, true, buf, sizeof buf);
	assert_null(strstr(buf, "minority errs"));
	assert_int_equal(world_set_preset(&w, PRESET_ZOOKEEPER, err, sizeof err), 0);
	world_promise(&w, false, buf, sizeof buf);
	assert_non_null(strstr(buf, "stops serving once it notices (an election timeout), and until then answers "
			       "local reads, possibly stale"));
	world_free(&w);
}

/* Which levels a request may ask for, and the message when it may not. */
static void test_check_level(void **state)
{
	struct world w;
	struct seen s;
	char err[CMD_ERR_MAX];

	(void)state;
	init(&w, 3, MODE_AP, &s);
	assert_int_equal(world_check_level(&w, OP_READ, LEVEL_QUORUM, err, sizeof err), 0);
	assert_int_equal(world_check_level(&w, OP_READ, LEVEL_SYNC, err, sizeof err), -1);
	assert_string_equal(err, "read: 'sync' is a ZooKeeper read (preset zookeeper), for the leader-based "
			    "protocol; in ap mode a read takes ONE, QUORUM or ALL");
	assert_int_equal(world_set_preset(&w, PRESET_DYNAMODB, err, sizeof err), 0);
	assert_int_equal(world_check_level(&w, OP_READ, LEVEL_STRONG, err, sizeof err), 0);
	assert_int_equal(world_check_level(&w, OP_READ, LEVEL_QUORUM, err, sizeof err), -1);
	assert_string_equal(err, "read: QUORUM is a Cassandra level; dynamodb reads are eventual or strong "
			    "(read C balance strong)");
	assert_int_equal(world_check_level(&w, OP_WRITE, LEVEL_STRONG, err, sizeof err), -1);
	assert_string_equal(err, "write: 'strong' is a read option; a write takes ONE, QUORUM or ALL");
	world_free(&w);
}

static void test_single(void **state)
{
	struct world w;
	struct seen s;
	struct command c;
	char err[CMD_ERR_MAX];

	(void)state;
	init(&w, 3, MODE_AP, &s);
	assert_int_equal(world_set_preset(&w, PRESET_SINGLE, err, sizeof err), -1);
	assert_string_equal(err, "preset single: the cluster has 3 nodes; start with --nodes 1 or -p single");
	assert_int_equal(w.preset, PRESET_NONE);
	assert_int_equal(w.mode, MODE_AP);
	/* The same through the command language. */
	assert_int_equal(cmd_parse("preset single", 3, &c, err, sizeof err), 0);
	assert_int_equal(cmd_exec(&w, &c, err, sizeof err), -1);
	assert_string_equal(err, "preset single: the cluster has 3 nodes; start with --nodes 1 or -p single");
	world_free(&w);

	init(&w, 1, MODE_AP, &s);
	assert_int_equal(cmd_parse("preset single", 1, &c, err, sizeof err), 0);
	assert_int_equal(cmd_exec(&w, &c, err, sizeof err), 0);
	assert_int_equal(w.preset, PRESET_SINGLE);
	assert_int_equal(w.mode, MODE_CP);
	assert_non_null(strstr(s.text, "single (-/EC; the seed's table: MySQL (single node) -/EC)"));
	world_free(&w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_seed_rows),
		cmocka_unit_test(test_classes),
		cmocka_unit_test(test_promise_follows_levels),
		cmocka_unit_test(test_levels),
		cmocka_unit_test(test_rule),
		cmocka_unit_test(test_hand_clears),
		cmocka_unit_test(test_check_level),
		cmocka_unit_test(test_single),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
