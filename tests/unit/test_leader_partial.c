/* test_leader_partial.c: a partial partition under the leader-based
 * protocol (issue 13): with only the link from a follower to the leader cut,
 * the follower reaches a majority yet has no leader, because the other
 * follower still hears from the leader and rejects its pre-vote (pre-vote
 * with check-quorum). The card, the error and the explanation must say so,
 * never "no quorum", and the situation must last while the leader keeps its
 * quorum. An isolated node is still "no quorum". */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "capviz/world.h"
#include "world_helpers.h"

struct notes {
	char text[8][256];
	int n;
};

static void sink(void *ctx, const struct event *e)
{
	struct notes *s = ctx;

	if (e->kind == EV_NOTE && strstr(e->text, "cannot elect a leader") && s->n < 8)
		snprintf(s->text[s->n++], sizeof s->text[0], "%s", e->text);
}

static void start(struct world *w, uint64_t seed, enum preset p, struct notes *s)
{
	char err[WORLD_ERR_MAX];

	memset(s, 0, sizeof *s);
	assert_int_equal(world_init(w, 3, seed, MODE_CP, err, sizeof err), 0);
	assert_int_equal(world_init_value(w, "balance", 100), 0);
	if (p != PRESET_NONE)
		assert_int_equal(world_set_preset(w, p, err, sizeof err), 0);
	world_set_sink(w, sink, s);
	run_for(w, 3000000);
	assert_true(leader_now(w) >= 0);
}

/* The three nodes of a partial partition: a cut off from leader b, c
 * linked to both. */
struct trio {
	int a, b, c;
};

/* Starts a cluster, cuts a follower off from its leader only, and lets two
 * seconds pass. */
static struct trio cut_from_leader(struct world *w, uint64_t seed, enum preset p, struct notes *s)
{
	struct trio t;

	start(w, seed, p, s);
	t.b = leader_now(w);
	t.a = (t.b + 1) % 3;
	t.c = (t.b + 2) % 3;
	world_cut(w, t.a, t.b);
	run_for(w, 2000000);
	return t;
}

/* The error of a request at a, refused in the partial partition. */
static void follows_error(char *buf, size_t len, struct trio t)
{
	snprintf(buf, len, "no leader: %c hears nothing from leader %c; %c still follows %c, so it rejects %c's "
		 "pre-vote", 'A' + t.a, 'A' + t.b, 'A' + t.c, 'A' + t.b, 'A' + t.a);
}

/* cut A B with B leading: A has no leader, and every text says why. */
static void test_cut_follower_from_leader(void **state)
{
	(void)state;
	for (uint64_t seed = 1; seed <= 6; seed++) {
		struct world w;
		struct notes s;
		const struct op *op;
		const char *word;
		char want[512], got[1024];
		struct trio t = cut_from_leader(&w, seed, PRESET_NONE, &s);
		int a = t.a, b = t.b, c = t.c;
		uint64_t term = w.nodes[a].ld.term;

		assert_int_equal(w.nodes[a].ld.leader, -1);
		assert_false(world_serving(&w, a, &word));
		assert_string_equal(word, "no leader: local reads only");
		assert_true(world_no_leader_why(&w, a, WHY_CARD, got, sizeof got));
		snprintf(want, sizeof want, "pre-vote rejected: %c follows %c", 'A' + c, 'A' + b);
		assert_string_equal(got, want);
		op = request_done(&w, a, OP_READ, 0, 0, 0);
		assert_int_equal(op->result, RES_ERROR);
		follows_error(want, sizeof want, t);
		assert_string_equal(op->error, want);
		/* Said once in the transcript, when A finds out. */
		assert_int_equal(s.n, 1);
		snprintf(want, sizeof want, "%c cannot elect a leader: %c still follows %c, so it rejects %c's pre-vote; "
			 "%c stays without one while %c keeps its quorum through %c", 'A' + a, 'A' + c, 'A' + b,
			 'A' + a, 'A' + a, 'A' + b, 'A' + c);
		assert_string_equal(s.text[0], want);
		assert_true(world_no_leader_why(&w, a, WHY_FULL, got, sizeof got));
		snprintf(want, sizeof want, "%c and %c are a majority, yet no election can start while %c keeps its "
			 "quorum through %c: %c stays without a leader", 'A' + (a < c ? a : c), 'A' + (a < c ? c : a),
			 'A' + b, 'A' + c, 'A' + a);
		assert_non_null(strstr(got, want));
		assert_non_null(strstr(got, "pre-vote and check-quorum"));
		/* And so it stays, as in Raft with pre-vote and check-quorum:
		 * no new term, the same leader, A still without one. */
		run_for(&w, 20000000);
		assert_int_equal(w.nodes[a].ld.leader, -1);
		assert_int_equal(w.nodes[a].ld.term, term);
		assert_int_equal(leader_now(&w), b);
		assert_int_equal(s.n, 1);
		op = request_done(&w, a, OP_WRITE, 0, 7, 0);
		assert_int_equal(op->result, RES_ERROR);
		assert_non_null(strstr(op->error, "rejects"));
		/* The link back: A follows B again and has nothing to explain. */
		world_restore(&w, a, b);
		run_for(&w, 1000000);
		assert_int_equal(w.nodes[a].ld.leader, b);
		assert_false(world_no_leader_why(&w, a, WHY_CARD, got, sizeof got));
		assert_string_equal(got, "");
		assert_true(world_serving(&w, a, &word));
		world_free(&w);
	}
}

/* Cut off from everyone, a node has no quorum, and the texts say that. */
static void test_isolated_is_no_quorum(void **state)
{
	struct world w;
	struct notes s;
	const struct op *op;
	const char *word;
	char want[256], got[1024];
	int b, c;

	(void)state;
	start(&w, 3, PRESET_NONE, &s);
	b = leader_now(&w);
	c = (b + 2) % 3;
	world_isolate(&w, c);
	run_for(&w, 2000000);
	assert_false(world_serving(&w, c, &word));
	assert_string_equal(word, "no quorum: local reads only");
	assert_true(world_no_leader_why(&w, c, WHY_CARD, got, sizeof got));
	assert_string_equal(got, "reaches 1 of 3 nodes");
	op = request_done(&w, c, OP_READ, 0, 0, 0);
	snprintf(want, sizeof want, "no quorum: %c cannot reach a leader", 'A' + c);
	assert_string_equal(op->error, want);
	assert_true(world_no_leader_why(&w, c, WHY_FULL, got, sizeof got));
	assert_non_null(strstr(got, "1 of 3 nodes, not a majority"));
	assert_int_equal(s.n, 0);
	/* The leader and its follower have nothing to explain. */
	assert_false(world_no_leader_why(&w, b, WHY_CARD, got, sizeof got));
	assert_false(world_no_leader_why(&w, (b + 1) % 3, WHY_CARD, got, sizeof got));
	world_free(&w);
}

/* The presets on the leader-based protocol: ZooKeeper stops serving and
 * says why in its connection loss; DynamoDB answers eventual reads and
 * errs a strong one with the cause. */
static void test_partial_presets(void **state)
{
	struct world w;
	struct notes s;
	const struct op *op;
	const char *word;
	char want[256], got[1024];
	struct trio t;

	(void)state;
	t = cut_from_leader(&w, 5, PRESET_ZOOKEEPER, &s);
	assert_false(world_serving(&w, t.a, &word));
	assert_string_equal(word, "not serving: no leader");
	op = request_done(&w, t.a, OP_READ, 0, 0, 0);
	snprintf(want, sizeof want, "connection loss: %c has no leader (%c follows %c; %c unreachable), and a "
		 "ZooKeeper server without one stops serving", 'A' + t.a, 'A' + t.c, 'A' + t.b, 'A' + t.b);
	assert_string_equal(op->error, want);
	assert_true(world_no_leader_why(&w, t.a, WHY_FULL, got, sizeof got));
	assert_non_null(strstr(got, "serving nothing"));
	assert_non_null(strstr(got, "A real ZooKeeper server ends the same way"));
	world_free(&w);

	t = cut_from_leader(&w, 5, PRESET_DYNAMODB, &s);
	assert_false(world_serving(&w, t.a, &word));
	assert_string_equal(word, "eventual reads only: no leader");
	op = request_done(&w, t.a, OP_READ, 0, 0, 0);
	assert_int_equal(op->result, RES_OK);
	op = request_done(&w, t.a, OP_READ, 0, 0, LEVEL_STRONG);
	assert_int_equal(op->result, RES_ERROR);
	follows_error(want, sizeof want, t);
	assert_string_equal(op->error, want);
	assert_true(world_no_leader_why(&w, t.a, WHY_FULL, got, sizeof got));
	assert_non_null(strstr(got, "answering only eventual reads"));
	world_free(&w);
}

/* Five nodes, A cut from leader B only: C, D and E all follow B. */
static void test_five_nodes(void **state)
{
	struct world w;
	struct notes s;
	char err[WORLD_ERR_MAX], got[1024];
	int b, a;

	(void)state;
	memset(&s, 0, sizeof s);
	assert_int_equal(world_init(&w, 5, 2, MODE_CP, err, sizeof err), 0);
	assert_int_equal(world_init_value(&w, "balance", 100), 0);
	run_for(&w, 3000000);
	b = leader_now(&w);
	assert_true(b >= 0);
	a = (b + 1) % 5;
	world_cut(&w, a, b);
	run_for(&w, 3000000);
	assert_true(world_no_leader_why(&w, a, WHY_CARD, got, sizeof got));
	assert_non_null(strstr(got, "pre-vote rejected: "));
	assert_non_null(strstr(got, " follow "));
	assert_int_equal(leader_now(&w), b);
	world_free(&w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cut_follower_from_leader),
		cmocka_unit_test(test_isolated_is_no_quorum),
		cmocka_unit_test(test_partial_presets),
		cmocka_unit_test(test_five_nodes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
