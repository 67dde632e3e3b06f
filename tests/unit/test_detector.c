/* test_detector.c: each node's failure detector and what the leaderless
 * protocol does with it. Before the detector's delay a request to an
 * unreachable replica is sent and times out (a write: unknown, stored where
 * it reached); after it the coordinator believes the replica down and
 * refuses at once (Unavailable: a definite error, nothing sent, nothing
 * stored). A one-way cut convicts only on the side that hears nothing;
 * word from the peer (a restore, a recovery) clears the belief; a write to
 * a replica believed down is hinted at once and handed over when it is back;
 * a lightweight transaction needs a majority believed up. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "capviz/world.h"
#include "world_helpers.h"

#define NOTES_MAX 32

struct fixture {
	struct world w;
	int key;
	int writes;     /* MSG_WRITE messages sent */
	int prepares;   /* MSG_LWT_PREPARE messages sent */
	int hints;      /* EV_HINT events */
	int applies;    /* EV_APPLY events */
	int nnotes;
	char notes[NOTES_MAX][256];
	int64_t note_us[NOTES_MAX];
};

static void on_event(void *ctx, const struct event *e)
{
	struct fixture *f = ctx;

	if (e->kind == EV_SEND && e->msg && e->msg->kind == MSG_WRITE)
		f->writes++;
	if (e->kind == EV_SEND && e->msg && e->msg->kind == MSG_LWT_PREPARE)
		f->prepares++;
	if (e->kind == EV_HINT)
		f->hints++;
	if (e->kind == EV_APPLY)
		f->applies++;
	if (e->kind == EV_NOTE && f->nnotes < NOTES_MAX) {
		snprintf(f->notes[f->nnotes], sizeof f->notes[0], "%s", e->text);
		f->note_us[f->nnotes++] = e->t_us;
	}
}

static int setup(void **state)
{
	static struct fixture f;
	char err[WORLD_ERR_MAX];

	memset(&f, 0, sizeof f);
	if (world_init(&f.w, 3, 7, MODE_AP, err, sizeof err) != 0)
		return -1;
	if (world_init_value(&f.w, "balance", 100) != 0)
		return -1;
	world_set_sink(&f.w, on_event, &f);
	f.key = world_key(&f.w, "balance", false);
	world_set_detector(&f.w, 2000000);
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	world_free(&f->w);
	return 0;
}

static const struct op *write_at(struct fixture *f, int node, int64_t value, int level)
{
	const struct op *op = request_done(&f->w, node, OP_WRITE, f->key, value, level);

	assert_non_null(op);
	return op;
}

static bool noted(const struct fixture *f, const char *text, int64_t at_us)
{
	for (int i = 0; i < f->nnotes; i++)
		if (strcmp(f->notes[i], text) == 0 && (at_us < 0 || f->note_us[i] == at_us))
			return true;
	return false;
}

/* Isolated half a second, C still believes A and B up: its QUORUM write is
 * stored at C, sent, and times out; its client cannot know (unknown). */
static void test_before_the_delay_a_write_times_out_unknown(void **state)
{
	struct fixture *f = *state;
	const struct op *op;

	world_isolate(&f->w, 2);
	run_for(&f->w, 500000);
	assert_false(world_believes_down(&f->w, 2, 0));
	op = write_at(f, 2, 500, LEVEL_QUORUM);
	assert_int_equal(op->result, RES_UNKNOWN);
	assert_string_equal(op->error, "timeout: 1 of 2 replicas acknowledged (A and B, believed up, did not)");
	assert_int_equal(value_at(&f->w, 2, f->key), 500);
	assert_int_equal(f->writes, 2);
}

/* Isolated longer than the delay, C believes A and B down: the same write
 * fails at once, a definite error, and nothing is stored or sent. */
static void test_after_the_delay_unavailable_nothing_written(void **state)
{
	struct fixture *f = *state;
	const struct op *op;

	world_isolate(&f->w, 2);
	run_for(&f->w, 2500000);
	assert_true(world_believes_down(&f->w, 2, 0));
	assert_true(world_believes_down(&f->w, 2, 1));
	f->applies = 0;
	op = write_at(f, 2, 500, LEVEL_QUORUM);
	assert_int_equal(op->result, RES_ERROR);
	assert_string_equal(op->error, "Unavailable: C believes A and B down (no word from them for 2.5s); QUORUM "
			    "needs 2 of 3 replicas, 1 is up: nothing written");
	assert_int_equal(op->done_us, op->invoke_us);
	assert_false(op->sent);
	assert_int_equal(value_at(&f->w, 2, f->key), 100);
	assert_int_equal(f->writes, 0);
	assert_int_equal(f->applies, 0);
	assert_int_equal(f->w.nodes[2].ll.nhints, 0);
	/* A read there is refused the same way; it never wrote anything. */
	op = request_done(&f->w, 2, OP_READ, f->key, 0, LEVEL_QUORUM);
	assert_int_equal(op->result, RES_ERROR);
	assert_string_equal(op->error, "Unavailable: C believes A and B down (no word from them for 2.5s); QUORUM "
			    "needs 2 of 3 replicas, 1 is up");
	/* At ONE C is enough: it answers (stale or not). */
	op = request_done(&f->w, 2, OP_READ, f->key, 0, LEVEL_ONE);
	assert_int_equal(op->result, RES_OK);
}

/* The belief comes exactly when the silence reaches the delay, and is
 * said then, by the node that holds it. */
static void test_conviction_is_noted_in_time(void **state)
{
	struct fixture *f = *state;

	world_isolate(&f->w, 2);
	run_for(&f->w, 1999999);
	assert_false(world_believes_down(&f->w, 0, 2));
	assert_int_equal(f->nnotes, 0);
	run_for(&f->w, 1);
	assert_true(world_believes_down(&f->w, 0, 2));
	assert_true(noted(f, "A believes C down: no word from C for 2.0s (the failure detector's delay: 2s)", 2000000));
	assert_true(noted(f, "C believes B down: no word from B for 2.0s (the failure detector's delay: 2s)", 2000000));
	assert_int_equal(world_believed_down(&f->w, 2), 3u);
}

/* cut A>C: A's messages to C are lost, but A still hears C, so A never
 * believes C down and its requests to C time out; C hears nothing from A
 * and does believe A down. */
static void test_one_way_cut_does_not_convict_the_sender(void **state)
{
	struct fixture *f = *state;
	const struct op *op;

	world_link_set(&f->w, 0, 2, false);
	run_for(&f->w, 5000000);
	assert_false(world_believes_down(&f->w, 0, 2));
	assert_true(world_believes_down(&f->w, 2, 0));
	assert_false(world_believes_down(&f->w, 2, 1));
	op = write_at(f, 0, 500, LEVEL_ALL);
	assert_int_equal(op->result, RES_UNKNOWN);
	assert_string_equal(op->error, "timeout: 2 of 3 replicas acknowledged (C, believed up, did not)");
	/* C, at ALL, refuses at once: it believes A down. */
	op = write_at(f, 2, 700, LEVEL_ALL);
	assert_int_equal(op->result, RES_ERROR);
	assert_string_equal(op->error, "Unavailable: C believes A down (no word from it for 6.0s); ALL needs 3 of 3 "
			    "replicas, 2 are up: nothing written");
}

/* A restore lets the peer be heard again: the belief clears at once, and
 * the hints held for it are handed over. */
static void test_restore_clears_the_belief_and_hands_hints_over(void **state)
{
	struct fixture *f = *state;
	const struct op *op;

	world_isolate(&f->w, 2);
	run_for(&f->w, 3000000);
	f->writes = 0;
	f->hints = 0;
	/* At ONE A needs only itself: C, believed down, is not sent the
	 * write but gets a hint at once. */
	op = write_at(f, 0, 500, LEVEL_ONE);
	assert_int_equal(op->result, RES_OK);
	assert_int_equal(f->writes, 1);
	assert_int_equal(f->hints, 1);
	world_restore(&f->w, 0, 2);
	assert_false(world_believes_down(&f->w, 0, 2));
	assert_false(world_believes_down(&f->w, 2, 0));
	assert_true(world_believes_down(&f->w, 2, 1));
	assert_true(noted(f, "A believes C up again: it hears from C (gossip resumes)", f->w.now_us));
	run_for(&f->w, 300000);
	assert_int_equal(value_at(&f->w, 2, f->key), 500);
	assert_int_equal(f->w.nodes[0].ll.nhints, 0);
	op = write_at(f, 0, 600, LEVEL_ALL);
	assert_int_equal(op->result, RES_OK);
}

/* A crash silences a node as a cut does; its recovery clears the belief,
 * and the recovered node itself starts out believing down every peer it
 * cannot hear. */
static void test_crash_convicts_recovery_clears(void **state)
{
	struct fixture *f = *state;
	const struct op *op;

	world_crash(&f->w, 2);
	run_for(&f->w, 2000000);
	assert_true(world_believes_down(&f->w, 0, 2));
	op = write_at(f, 0, 500, LEVEL_ALL);
	assert_int_equal(op->result, RES_ERROR);
	world_recover(&f->w, 2);
	assert_false(world_believes_down(&f->w, 0, 2));
	assert_int_equal(world_believed_down(&f->w, 2), 0u);
	world_cut(&f->w, 0, 1);
	world_crash(&f->w, 0);
	world_recover(&f->w, 0);
	assert_true(world_believes_down(&f->w, 0, 1));
	assert_false(world_believes_down(&f->w, 0, 2));
	assert_true(noted(f, "A, back up, believes B down: it hears nothing from B (a restarted node counts a peer "
			  "down until it hears from it)", f->w.now_us));
}

/* A silence whose start moves: C cut off at 0, crashed at 1s, its links
 * restored at 1.5s. C is still silent, since its crash, and is believed
 * down 2s after it. */
static void test_silence_that_changes_cause(void **state)
{
	struct fixture *f = *state;

	world_isolate(&f->w, 2);
	run_for(&f->w, 1000000);
	world_crash(&f->w, 2);
	run_for(&f->w, 500000);
	world_restore_all(&f->w);
	assert_int_equal(world_silent_since(&f->w, 2, 0), 1000000);
	run_for(&f->w, 1499999);
	assert_false(world_believes_down(&f->w, 0, 2));
	run_for(&f->w, 1);
	assert_true(world_believes_down(&f->w, 0, 2));
	assert_true(world_believes_down(&f->w, 1, 2));
}

/* detector 0: the coordinator knows at once. */
static void test_detector_zero_knows_at_once(void **state)
{
	struct fixture *f = *state;
	const struct op *op;

	world_set_detector(&f->w, 0);
	world_isolate(&f->w, 2);
	assert_true(world_believes_down(&f->w, 0, 2));
	assert_true(world_believes_down(&f->w, 2, 0));
	op = write_at(f, 0, 500, LEVEL_ALL);
	assert_int_equal(op->result, RES_ERROR);
	assert_string_equal(op->error, "Unavailable: A believes C down (it fell silent just now); ALL needs 3 of 3 "
			    "replicas, 2 are up: nothing written");
	assert_int_equal(value_at(&f->w, 0, f->key), 100);
	assert_true(noted(f, "A believes C down at once: it hears nothing from C (the failure detector's delay: 0)",
			  0));
}

/* A shorter delay convicts a silence already that long at once; a longer
 * one clears no belief (only word from the peer does). */
static void test_changing_the_delay(void **state)
{
	struct fixture *f = *state;

	world_set_detector(&f->w, 10000000);
	world_isolate(&f->w, 2);
	run_for(&f->w, 3000000);
	assert_false(world_believes_down(&f->w, 0, 2));
	world_set_detector(&f->w, 1000000);
	assert_true(world_believes_down(&f->w, 0, 2));
	assert_true(noted(f, "A believes C down: no word from C for 3.0s (the failure detector's delay: 1s)",
			  3000000));
	world_set_detector(&f->w, 18000000);
	assert_true(world_believes_down(&f->w, 0, 2));
}

/* A lightweight transaction needs a majority believed up. */
static void test_lwt_unavailable(void **state)
{
	struct fixture *f = *state;
	const struct op *op;
	uint64_t id;

	world_isolate(&f->w, 2);
	id = world_txn(&f->w, 2, OP_ADD, f->key, -50, INV_GE, 50);
	run_for(&f->w, 1100000);
	op = world_op(&f->w, id);
	assert_int_equal(op->result, RES_ERROR);
	assert_string_equal(op->error, "timeout: 1 of 2 replicas promised (a lightweight transaction needs a majority)");
	run_for(&f->w, 1000000);
	f->prepares = 0;
	id = world_txn(&f->w, 2, OP_ADD, f->key, -50, INV_GE, 50);
	op = world_op(&f->w, id);
	assert_int_equal(op->result, RES_ERROR);
	assert_string_equal(op->error, "Unavailable: C believes A and B down (no word from them for 2.1s); SERIAL "
			    "needs 2 of 3 replicas, 1 is up: nothing proposed");
	assert_int_equal(f->prepares, 0);
	/* The majority side still decides: A believes only C down. */
	op = request_done(&f->w, 0, OP_READ, f->key, 0, LEVEL_QUORUM);
	assert_int_equal(op->result, RES_OK);
	id = world_txn(&f->w, 0, OP_ADD, f->key, -50, INV_GE, 50);
	run_for(&f->w, 500000);
	assert_int_equal(world_op(&f->w, id)->result, RES_OK);
}

/* Under the leader-based protocol the beliefs are kept but neither shown
 * nor said: ZooKeeper and Raft have their own heartbeats. */
static void test_cp_says_nothing(void **state)
{
	struct fixture *f = *state;

	world_set_mode(&f->w, MODE_CP);
	f->nnotes = 0;
	world_isolate(&f->w, 2);
	run_for(&f->w, 2500000);
	for (int i = 0; i < f->nnotes; i++)
		assert_null(strstr(f->notes[i], "believes"));
	assert_int_equal(world_believed_down(&f->w, 0), 0u);
	/* Back in ap mode, each node says what it believes. */
	world_set_mode(&f->w, MODE_AP);
	assert_true(noted(f, "A believes C down: no word from C for 2.5s (the failure detector's delay: 2s)",
			  f->w.now_us));
	assert_int_equal(world_believed_down(&f->w, 0), 4u);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_before_the_delay_a_write_times_out_unknown, setup, teardown),
		cmocka_unit_test_setup_teardown(test_after_the_delay_unavailable_nothing_written, setup, teardown),
		cmocka_unit_test_setup_teardown(test_conviction_is_noted_in_time, setup, teardown),
		cmocka_unit_test_setup_teardown(test_one_way_cut_does_not_convict_the_sender, setup, teardown),
		cmocka_unit_test_setup_teardown(test_restore_clears_the_belief_and_hands_hints_over, setup, teardown),
		cmocka_unit_test_setup_teardown(test_crash_convicts_recovery_clears, setup, teardown),
		cmocka_unit_test_setup_teardown(test_silence_that_changes_cause, setup, teardown),
		cmocka_unit_test_setup_teardown(test_detector_zero_knows_at_once, setup, teardown),
		cmocka_unit_test_setup_teardown(test_changing_the_delay, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lwt_unavailable, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cp_says_nothing, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
