/* test_world.c: the network and the clock: messages arrive after their
 * latency, a cut drops what is on the link, loss and crashed receivers drop
 * on arrival, every drop is an event, and one seed gives one run. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "capviz/world.h"

struct counts {
	int sent, delivered, dropped, links;
	uint64_t hash;
};

static void count_sink(void *ctx, const struct event *e)
{
	struct counts *c = ctx;

	c->hash = c->hash * 1099511628211ULL ^ (uint64_t)e->t_us ^ ((uint64_t)e->kind << 56) ^
		  ((uint64_t)(e->node + 1) << 48);
	if (e->kind == EV_SEND)
		c->sent++;
	else if (e->kind == EV_DELIVER)
		c->delivered++;
	else if (e->kind == EV_DROP)
		c->dropped++;
	else if (e->kind == EV_LINK)
		c->links++;
}

/* A message no protocol acts on: an ack for a request nobody made. */
static struct msg probe(void)
{
	struct msg m;

	memset(&m, 0, sizeof m);
	m.kind = MSG_HINT_ACK;
	m.req = 999999;
	return m;
}

static void setup_world(struct world *w, struct counts *c, enum mode mode)
{
	char err[WORLD_ERR_MAX];

	memset(c, 0, sizeof *c);
	assert_int_equal(world_init(w, 3, 1, mode, err, sizeof err), 0);
	world_set_sink(w, count_sink, c);
}

static void test_delivery_after_latency(void **state)
{
	struct world w;
	struct counts c;
	struct msg m = probe();
	const struct msg *inflight = NULL;

	(void)state;
	setup_world(&w, &c, MODE_AP);
	world_set_latency(&w, 0, 1, 50000, 0);
	net_send(&w, 0, 1, &m);
	assert_int_equal(c.sent, 1);
	assert_int_equal(w.inflight, 1);
	for (size_t i = 0; i < w.msgs_cap && !inflight; i++)
		inflight = net_slot(&w, i);
	assert_non_null(inflight);
	assert_int_equal(inflight->arrive_us - inflight->sent_us, 50000);
	world_run_until(&w, 49999);
	assert_int_equal(c.delivered, 0);
	world_run_until(&w, 50000);
	assert_int_equal(c.delivered, 1);
	assert_int_equal(w.inflight, 0);
	world_free(&w);
}

static void test_cut_drops_in_flight(void **state)
{
	struct world w;
	struct counts c;
	struct msg m = probe();

	(void)state;
	setup_world(&w, &c, MODE_AP);
	net_send(&w, 0, 2, &m);
	net_send(&w, 2, 0, &m);
	world_link_set(&w, 0, 2, false);         /* one way: A>C only */
	assert_int_equal(c.dropped, 1);
	assert_int_equal(c.links, 1);
	world_run_until(&w, 1000000);
	assert_int_equal(c.delivered, 1);        /* C>A still works */
	net_send(&w, 0, 2, &m);                  /* sent on a cut link: dropped at once */
	assert_int_equal(c.dropped, 2);
	world_link_set(&w, 0, 2, false);         /* no change, no event */
	assert_int_equal(c.links, 1);
	world_free(&w);
}

static void test_loss_and_crash(void **state)
{
	struct world w;
	struct counts c;
	struct msg m = probe();

	(void)state;
	setup_world(&w, &c, MODE_AP);
	world_set_loss(&w, 0, 1, 100);
	for (int i = 0; i < 10; i++)
		net_send(&w, 0, 1, &m);
	world_run_until(&w, 1000000);
	assert_int_equal(c.delivered, 0);
	assert_int_equal(c.dropped, 10);
	net_send(&w, 0, 2, &m);
	world_crash(&w, 2);
	world_run_until(&w, 2000000);
	assert_int_equal(c.dropped, 11);         /* the receiver was down */
	net_send(&w, 2, 0, &m);                  /* a crashed node sends nothing */
	assert_int_equal(c.sent, 11);
	world_free(&w);
}

static uint64_t run_hash(uint64_t seed)
{
	struct world w;
	struct counts c;
	char err[WORLD_ERR_MAX];

	memset(&c, 0, sizeof c);
	assert_int_equal(world_init(&w, 3, seed, MODE_CP, err, sizeof err), 0);
	world_set_sink(&w, count_sink, &c);
	world_init_value(&w, "balance", 100);
	world_run_until(&w, 1000000);
	world_isolate(&w, 2);
	world_request(&w, 0, OP_WRITE, 0, 500, LEVEL_DEFAULT);
	world_request(&w, 2, OP_READ, 0, 0, LEVEL_DEFAULT);
	world_run_until(&w, 3000000);
	world_heal(&w);
	world_run_until(&w, 5000000);
	world_free(&w);
	return c.hash;
}

static void test_same_seed_same_run(void **state)
{
	(void)state;
	assert_true(run_hash(5) == run_hash(5));
	assert_true(run_hash(5) != run_hash(6));
}

static void test_bad_init(void **state)
{
	struct world w;
	char err[WORLD_ERR_MAX];

	(void)state;
	assert_int_equal(world_init(&w, 0, 1, MODE_CP, err, sizeof err), -1);
	assert_string_equal(err, "nodes must be 1 to 7, not 0");
	assert_int_equal(world_init(&w, 8, 1, MODE_CP, err, sizeof err), -1);
}

static void test_keys(void **state)
{
	struct world w;
	struct counts c;
	char name[16];

	(void)state;
	setup_world(&w, &c, MODE_AP);
	assert_int_equal(world_key(&w, "balance", false), -1);
	assert_int_equal(world_key(&w, "balance", true), 0);
	assert_int_equal(world_key(&w, "balance", true), 0);
	for (int i = 1; i < STORE_MAX_KEYS; i++) {
		snprintf(name, sizeof name, "k%d", i);
		assert_int_equal(world_key(&w, name, true), i);
	}
	assert_int_equal(world_key(&w, "one_too_many", true), -1);
	assert_string_equal(world_key_name(&w, 0), "balance");
	world_free(&w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_delivery_after_latency),
		cmocka_unit_test(test_cut_drops_in_flight),
		cmocka_unit_test(test_loss_and_crash),
		cmocka_unit_test(test_same_seed_same_run),
		cmocka_unit_test(test_bad_init),
		cmocka_unit_test(test_keys),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
