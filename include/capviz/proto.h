/* proto.h: what a replication protocol provides to the world. Each protocol
 * is a message-passing state machine over every node; the world calls it when
 * a client request arrives, a message is delivered, a timer fires, and when
 * nodes crash, recover or links come back. Only the active protocol gets
 * client requests; every protocol hears crashes, recoveries and link changes,
 * so its state stays true when the user switches modes. */
#ifndef CAPVIZ_PROTO_H
#define CAPVIZ_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct world;
struct msg;
struct op;

enum proto_id { PROTO_LEADERLESS, PROTO_LEADER, PROTO_STRICT, PROTO_COUNT };

struct proto {
	const char *name;
	/* Became the active protocol (also at start): arm timers, etc. */
	void (*enter)(struct world *w);
	/* Another protocol takes over: end pending client requests with an error. */
	void (*leave)(struct world *w);
	/* A client request reached op->node, which is up. The protocol must
	 * finish it (world_op_finish) sooner or later, at the latest by its
	 * request timeout. */
	void (*client)(struct world *w, struct op *op);
	/* m reached m->to, which is up. m is a copy the handler may keep. */
	void (*deliver)(struct world *w, const struct msg *m);
	/* A timer set with world_timer fired on node, which is up. */
	void (*timer)(struct world *w, int node, int sub, uint64_t token);
	/* node just crashed: forget volatile state (pending requests, roles). */
	void (*crash)(struct world *w, int node);
	/* node is back: it kept its persisted state. */
	void (*recover)(struct world *w, int node);
	/* The link from>to came up again (hinted handoff, catch-up). */
	void (*link_up)(struct world *w, int from, int to);
	/* Every link was restored by a heal: start converging. */
	void (*heal)(struct world *w);
	/* Would a heal now reconcile diverged replicas by a strategy? When
	 * not, why says what the heal does instead ("mode cp is
	 * leader-based, so ..."): there is nothing to choose. */
	bool (*reconciles)(const struct world *w, char *why, size_t len);
};

extern const struct proto leaderless_proto;
extern const struct proto leader_proto;
extern const struct proto strict_proto;

/* The protocol that owns a message kind (its handler gets the message). */
enum proto_id proto_of_msg(int msg_kind);

#endif
