/* world.h: the simulated world: virtual clock and event queue, nodes and the
 * directed links between them, messages in flight, the active protocol, the
 * history of client operations. Everything here is deterministic: one seed,
 * one run. The world never prints; it tells its sink about every event. */
#ifndef CAPVIZ_WORLD_H
#define CAPVIZ_WORLD_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capviz/checker.h"
#include "capviz/detector.h"
#include "capviz/event.h"
#include "capviz/history.h"
#include "capviz/kstate.h"
#include "capviz/leader.h"
#include "capviz/latency.h"
#include "capviz/leaderless.h"
#include "capviz/lock.h"
#include "capviz/msg.h"
#include "capviz/proto.h"
#include "capviz/rng.h"
#include "capviz/sched.h"
#include "capviz/store.h"
#include "capviz/strict.h"

enum mode { MODE_CP, MODE_AP, MODE_STRICT, MODE_COUNT };
/* How many replicas a request needs (the leaderless protocol's ONE, QUORUM,
 * ALL), or, for reads under the leader-based protocol, where a read is
 * answered: LOCAL by the server the client reached (ZooKeeper), SYNC the
 * same after catching up with the leader (ZooKeeper's sync), EVENTUAL by
 * whichever replica the client reached (DynamoDB), STRONG by the leader
 * after confirming it still leads (DynamoDB's ConsistentRead). A leader-based
 * read at QUORUM is linearizable too: the leader's read index. */
enum level {
	LEVEL_DEFAULT,
	LEVEL_ONE,
	LEVEL_QUORUM,
	LEVEL_ALL,
	LEVEL_LOCAL,
	LEVEL_SYNC,
	LEVEL_EVENTUAL,
	LEVEL_STRONG,
	LEVEL_SERIAL,           /* a lightweight transaction's Paxos round (shown, never asked for) */
	LEVEL_LEADER,           /* a write through the leader, to a majority (ZooKeeper, DynamoDB) */
	LEVEL_COUNT
};
/* A real system's settings (src/core/preset.c): a mode and its levels. The
 * order is the one the preset key cycles through. */
enum preset {
	PRESET_NONE,
	PRESET_CASSANDRA_ONE,
	PRESET_CASSANDRA_QUORUM,
	PRESET_CASSANDRA_ALL,
	PRESET_DYNAMODB,
	PRESET_DYNAMODB_STRONG,
	PRESET_ZOOKEEPER,
	PRESET_SINGLE,
	PRESET_COUNT
};

/* What the world's queue holds (struct sched_item.kind): a message's
 * delivery, a protocol's timer, the moment a failure detector may convict. */
enum world_item { ITEM_DELIVER = 1, ITEM_TIMER, ITEM_DETECT };

struct link {
	bool up;
	int64_t down_us;        /* when it went down (while it is down) */
	struct lat_model lat[LK_COUNT]; /* by the kind of message (latency.h) */
	int loss_pct;
};

struct node {
	int id;
	bool crashed;
	int64_t crashed_us;     /* when it crashed (while it is down) */
	/* Its failure detector (detector.c): a bit per peer it believes down.
	 * Volatile: a crash forgets it. */
	uint32_t believes_down;
	int64_t skew_us;        /* the node's clock runs this far from core time */
	struct store store;     /* persisted */
	struct leaderless_node ll;
	struct leader_node ld;
	struct strict_node st;
	struct lock_node lk;
};

struct world_timing {
	int64_t latency_us;     /* default link latency for new worlds */
	int64_t jitter_us;
	int64_t request_timeout_us;
	int64_t election_min_us;
	int64_t election_max_us;
	int64_t heartbeat_us;
	int64_t session_timeout_us;     /* a lock client's session, as ZooKeeper's */
	int64_t detector_us;    /* silence after which a node believes a peer down */
};

enum inv_op { INV_GE, INV_GT, INV_LE, INV_LT, INV_EQ, INV_NE };
#define WORLD_MAX_INVARIANTS 8

/* A rule every replica's value of key must keep (e.g. balance >= 0). */
struct invariant {
	int key;
	enum inv_op op;
	int64_t value;
};

struct world_stats {
	uint64_t sent;
	uint64_t delivered;
	uint64_t dropped;
	uint64_t events;
};

typedef void world_sink_fn(void *ctx, const struct event *e);

struct world {
	int n;
	int64_t now_us;
	uint64_t seed;
	struct rng rng;
	struct sched q;
	struct node nodes[WORLD_MAX_NODES];
	struct link links[WORLD_MAX_NODES][WORLD_MAX_NODES];

	/* messages in flight: a pool of slots, id 0 marks a free one */
	struct msg *msgs;
	size_t msgs_cap;
	uint32_t *free_slots;
	size_t nfree;
	size_t inflight;
	uint64_t next_msg_id;

	char keys[STORE_MAX_KEYS][KEY_NAME_MAX];
	uint8_t key_type[STORE_MAX_KEYS];       /* enum key_type */
	int nkeys;
	char elems[SET_MAX_ELEMS][KEY_NAME_MAX]; /* set elements, by id */
	int nelems;
	enum strategy strategy;         /* how replicas reconcile (leaderless) */
	enum strategy heal_strategy;    /* the strategy of the heal just asked for */
	bool heal_pending;              /* a heal was asked for and has not begun */
	struct ll_heal heal;            /* the leaderless protocol's heal under way */
	struct invariant invariants[WORLD_MAX_INVARIANTS];
	int ninvariants;
	/* per node and invariant: broken there now (flagged once per breach) */
	bool broken[WORLD_MAX_NODES][WORLD_MAX_INVARIANTS];

	struct history hist;
	struct checker chk;     /* the consistency lens: it reads hist, judges its ops */
	enum mode mode;
	int read_level;         /* enum level, never LEVEL_DEFAULT */
	int write_level;
	enum preset preset;     /* PRESET_NONE once mode or level is set by hand */
	struct world_timing timing;
	uint64_t next_token;
	size_t pending_ops;
	/* When the cluster last changed shape (a link, a crash, a recovery),
	 * and its rules (mode, levels, preset): the scoreboard counts each side
	 * of the partition from the first, the status bar from the second. */
	int64_t topology_us;
	int64_t rules_us;
	size_t rules_op;        /* hist.nops then: the first operation under the rules */
	uint64_t rcu_half;      /* DynamoDB read units consumed, in halves */

	world_sink_fn *sink;
	void *sink_ctx;
	struct world_stats stats;
	bool oom;               /* memory ran out; the run is no longer trustworthy */
};

#define WORLD_ERR_MAX 160

/* Sets up n nodes (1..WORLD_MAX_NODES) in mode, all links up with the default
 * timing, and starts the mode's protocol. Returns 0, or -1 with err filled. */
int world_init(struct world *w, int n, uint64_t seed, enum mode mode, char *err, size_t errlen);
void world_free(struct world *w);
void world_set_sink(struct world *w, world_sink_fn *fn, void *ctx);

/* --- driving time --- */
/* Due time of the next queued event, or -1 when nothing is queued. */
int64_t world_next_at(struct world *w);
/* Runs the earliest event, moving the clock to its time. False when none. */
bool world_step(struct world *w);
/* Runs every event due at or before t_us, then sets the clock to t_us. */
void world_run_until(struct world *w, int64_t t_us);
/* Moves the clock to t_us without running anything (nothing may be due
 * before t_us). */
void world_advance(struct world *w, int64_t t_us);
/* Client operations that have not finished yet. */
size_t world_pending_ops(const struct world *w);

/* --- the user's commands (nodes are 0-based; callers check ranges) --- */
int world_key(struct world *w, const char *name, bool create);
const char *world_key_name(const struct world *w, int key);
/* The first key holding data (a number or a set, not a lock path); -1 none. */
int world_first_data_key(const struct world *w);
/* Like world_key, with a type for a key created now. Returns the id, -1
 * when no more keys fit, -2 when the key exists with the other type. */
int world_key_typed(struct world *w, const char *name, enum key_type type);
/* A set element's id (0..SET_MAX_ELEMS-1), created when asked; -1 when no
 * more fit or the name is too long. */
int world_elem(struct world *w, const char *name, bool create);
const char *world_elem_name(const struct world *w, int elem);
/* Formats a value of key as people read it: 500, or {apple, pear}. */
void world_format_value(const struct world *w, int key, int64_t value, char *buf, size_t len);
/* "500|300 (conflict)": the n versions a client must choose among. */
void world_format_conflict(const struct world *w, int key, const struct version *c, int n, char *buf, size_t len);
/* The value a read at node would see now under the world's strategy;
 * false when node has no value for key. */
bool world_value(const struct world *w, int node, int key, int64_t *out);
/* The versions a client at node chooses among to settle key (the `v` key,
 * resolve), under the world's strategy: see kstate_choices. Returns how
 * many; more than one is a conflict. */
int world_choices(const struct world *w, int node, int key, struct version out[WORLD_MAX_NODES]);
/* Under merge, do node's concurrent assignments of key disagree (a conflict
 * the application's rule leaves to a client)? */
bool world_unresolved(const struct world *w, int node, int key);
/* Gives key the same first value on every replica (a scenario's init). */
int world_init_value(struct world *w, const char *key, int64_t value);
/* The same for a set key: members is a mask of element ids. */
int world_init_set(struct world *w, const char *key, uint32_t members);
/* How replicas reconcile: read views and the default heal. */
void world_set_strategy(struct world *w, enum strategy s);
/* The strategy reconciling right now: a heal's own while it runs. */
enum strategy world_strategy_now(const struct world *w);
/* Declares a rule every replica must keep; checked whenever a value
 * changes. Returns -1 when no more fit. */
int world_add_invariant(struct world *w, int key, enum inv_op op, int64_t value);
const char *inv_op_name(enum inv_op op);
/* Does v op bound hold (v >= bound, ...)? */
bool inv_compare(enum inv_op op, int64_t v, int64_t bound);
void world_link_set(struct world *w, int from, int to, bool up);
void world_cut(struct world *w, int a, int b);
void world_restore(struct world *w, int a, int b);
void world_restore_all(struct world *w);
void world_isolate(struct world *w, int node);
/* group[i] names node i's side; links between sides go down, within up. */
void world_partition(struct world *w, const int *group);
void world_crash(struct world *w, int node);
void world_recover(struct world *w, int node);
/* from or to may be -1 for every node. Both directions. */
void world_set_latency(struct world *w, int a, int b, int64_t base_us, int64_t jitter_us);
/* One model for the links between a and b (-1: every link), for one kind
 * of message (kind -1: every kind). */
void world_set_latency_model(struct world *w, int a, int b, int kind, const struct lat_model *m);
void world_set_loss(struct world *w, int a, int b, int pct);
void world_set_skew(struct world *w, int node, int64_t skew_us);
void world_set_mode(struct world *w, enum mode m);
void world_set_level(struct world *w, bool read, int level);
/* Sets the read and the write level at once (one EV_LEVEL). */
void world_set_levels(struct world *w, int level);
void world_set_timeout(struct world *w, int64_t timeout_us);
/* Switches the running cluster to preset p: its mode and levels. Returns 0,
 * or -1 with err filled (single needs a world of one node). */
int world_set_preset(struct world *w, enum preset p, char *err, size_t errlen);
/* The preset's name ("cassandra-quorum"; "none"). */
const char *preset_name(enum preset p);
/* The seed's PACELC row for the preset's system, quoted: the system
 * ("Cassandra (QUORUM)") and its class ("PA/EC"); both NULL when the seed's
 * table has no row for it (cassandra-all, none). */
const char *preset_seed_row(enum preset p);
const char *preset_seed_class(enum preset p);
/* The mode and the read and write levels a preset sets. */
void preset_rules(enum preset p, enum mode *m, int *read, int *write);
/* The PACELC class capviz's replicas show under a preset's own rules, or
 * the world's rules in force (--pacelc's rule, read off the rules: "PC/EC";
 * "-/EC" for one node). */
void preset_class(enum preset p, char cls[8]);
void world_class(const struct world *w, char cls[8]);
/* That class beside the seed's row: brief, "PC/EC (seed PA/EC)", "PC/EC (no
 * seed row)", or the class alone when the seed agrees; in full, "PC/EC; "
 * and world_seed_text's words. */
void preset_class_text(enum preset p, bool brief, char *buf, size_t len);
void world_class_text(const struct world *w, bool brief, char *buf, size_t len);
/* The seed's word on the world's preset: "the seed's table: Cassandra
 * (QUORUM) PA/EC", "the seed's table has no Cassandra (ALL) row", "mode ap
 * has no row in the seed's table". */
void world_seed_text(const struct world *w, char *buf, size_t len);
void preset_seed_text(enum preset p, char *buf, size_t len);
/* What a preset's own rules promise during a partition. */
void preset_promise(enum preset p, char *buf, size_t len);
/* What the cluster promises during a partition, derived from its mode,
 * levels and preset (brief: in a few words); for a crashed single node,
 * why that is no choice of C over A. */
void world_promise(const struct world *w, bool brief, char *buf, size_t len);
/* The preset called name (any case); -1 for anything else. */
int preset_by_name(const char *name);
/* "cassandra-one, cassandra-quorum, cassandra-all, single". */
const char *preset_names(void);
/* R + W > N for the current levels, with its condition ("R=2 W=2 N=3:
 * R+W>N: a read meets every acknowledged write and returns the one with the
 * latest timestamp (the writers' clocks: ...)"); false (buf empty) outside
 * ap mode. brief gives "R+W>N" or "R+W<=N" alone. */
bool world_rule_text(const struct world *w, bool brief, char *buf, size_t len);
/* Restores every link and lets the replicas converge, reconciling by the
 * world's strategy (world_heal) or by s (world_heal_with). */
void world_heal(struct world *w);
void world_heal_with(struct world *w, enum strategy s);
/* Would a heal now reconcile diverged replicas by a strategy (the
 * leaderless protocol; strict when another mode left them diverged)? When
 * not (the leader-based protocol: followers catch up from the leader's
 * log), why says so: there is nothing to choose. */
bool world_heal_reconciles(const struct world *w, char *why, size_t len);
/* A client resolves the conflict on key at node by hand: value must be one
 * of the node's siblings. Returns the operation id, or 0 with err set. */
uint64_t world_resolve(struct world *w, int node, int key, int64_t value, char *err, size_t errlen);
/* A client sends a request to node. level 0 means the world's default.
 * Returns the operation id (> 0), or 0 when memory ran out. */
uint64_t world_request(struct world *w, int node, enum op_kind kind, int key, int64_t arg, int level);
/* A conditional write (DynamoDB's ConditionExpression, Cassandra's
 * lightweight transaction): kind OP_ADD adds arg, OP_WRITE sets it, only
 * when key cond cond_value holds on the latest committed value. The leader
 * decides it in log order; the leaderless protocol runs Paxos among a
 * majority. Returns the operation id, or 0 when memory ran out. */
uint64_t world_txn(struct world *w, int node, enum op_kind kind, int key, int64_t arg, enum inv_op cond,
		   int64_t cond_value);
/* Can the current mode run a txn? 0, or -1 with err saying why not. */
int world_txn_check(const struct world *w, char *err, size_t errlen);
/* Finishes a txn whose condition did not hold (an error with no effect);
 * why names the value found ("condition failed: balance is 0, not >= 100"). */
void world_op_cond_failed(struct world *w, uint64_t op, const char *why);
/* Fills why for a txn refused because key holds value (has false: none). */
void world_cond_why(const struct world *w, const struct op *op, bool has, int64_t value, char *why, size_t len);
void world_say(struct world *w, const char *text, int line);

/* --- for protocols --- */
/* Queues a copy of m from>to on the link; fills id, from, to and times.
 * A cut link drops it at once, a lossy one on arrival; both are events. */
void net_send(struct world *w, int from, int to, const struct msg *m);
/* Drops everything in flight on from>to (a cut). */
void net_drop_link(struct world *w, int from, int to, const char *why);
/* For the world: takes the message in slot out of flight when its delivery
 * comes due. False when it was dropped (a cut, loss, a crashed receiver). */
bool net_arrive(struct world *w, uint32_t slot, uint64_t id, struct msg *out);
/* The message in pool slot i if it is in flight, else NULL. */
const struct msg *net_slot(const struct world *w, size_t i);

/* The protocol that serves client requests in the current mode. */
const struct proto *world_proto(const struct world *w);
uint64_t world_token(struct world *w);
void world_timer(struct world *w, int node, enum proto_id p, int sub, int64_t delay_us, uint64_t token);
int64_t world_clock(const struct world *w, int node);
int world_quorum(const struct world *w);
/* How many replicas a level needs (LEVEL_DEFAULT resolves to ONE). */
int world_level_need(const struct world *w, int level);
const char *level_name(int level);
/* "read", "write", "add" (a number's or a set's), "remove", "lock"... */
const char *op_kind_name(enum op_kind k);
/* "pending", "ok", "error" or "unknown", as the trace and transcript say. */
const char *op_result_name(enum op_result r);
/* The level called name (any case: one, quorum, all, local, sync, eventual,
 * strong); -1 for anything else. */
int level_by_name(const char *name, size_t len);
/* LOCAL, SYNC, EVENTUAL, STRONG: where a leader-based read is answered. */
bool level_is_read_option(int level);
/* Can a request of kind run at level (LEVEL_DEFAULT: always) in the world's
 * mode? Returns 0, or -1 with err saying which levels fit ("read: 'sync' is
 * a ZooKeeper read..."). */
int world_check_level(const struct world *w, enum op_kind kind, int level, char *err, size_t errlen);
/* Is a read option one the preset's system has (ZooKeeper's local and
 * sync, DynamoDB's eventual and strong; any for other presets and plain
 * cp)? */
bool world_read_option_fits(const struct world *w, int level);
/* The level a request of kind asking for level runs at in the current mode
 * and preset (what the transcript shows in brackets). */
int world_op_level(const struct world *w, enum op_kind kind, int level);
/* Is node answering clients now, under the leader-based protocol and the
 * preset's rules? why says what it does otherwise ("refusing: no leader"). */
bool world_serving(const struct world *w, int node, const char **why);
/* How much of a reason to give: a node card's few words, a refused
 * request's error (under OP_ERROR_MAX), or the explanation in full. */
enum why_form { WHY_CARD, WHY_ERROR, WHY_FULL };
/* Why node, under the leader-based protocol, has no leader to serve its
 * clients ("pre-vote rejected: C follows B"); false, with buf empty, when
 * it has one, is one, is down, or another mode runs. */
bool world_no_leader_why(const struct world *w, int node, enum why_form form, char *buf, size_t len);
/* What a read costs in DynamoDB read units, in halves (1 eventual, 2 strong);
 * 0 outside the DynamoDB presets and for anything but an ok read. */
int world_read_cost(const struct world *w, const struct op *op);
const char *mode_name(enum mode m);
/* Applies v to node's replica of key (last-write-wins); emits EV_APPLY when
 * the value changed. Returns true then. */
bool world_apply(struct world *w, int node, int key, const struct version *v);
/* Stores v unconditionally (a committed log entry). Emits EV_APPLY. */
void world_put(struct world *w, int node, int key, const struct version *v);
/* Joins ks into node's state of key (the leaderless protocol's replication);
 * emits EV_APPLY (and EV_CONFLICT) when it changed. Returns true then. */
bool world_merge(struct world *w, int node, int key, const struct kstate *ks);
/* Is a request of kind on key an update of one version, a read-modify-write
 * (an add, or a set's add or remove, under last-write-wins)? Merged by CRDT
 * or by the application, an update builds on no single version. */
bool world_update_builds_on_base(const struct world *w, int key, enum op_kind kind);
/* A write coordinated at node changes node's own state (kstate_write). */
void world_write_local(struct world *w, int node, int key, enum op_kind kind, int64_t arg,
		       struct version *stamp);
/* A write the system makes (a merged value) at node: recorded in the
 * history as done now, so reads of it are judged like any other. */
uint64_t world_system_write(struct world *w, int key, int64_t value);
/* After a protocol changed node's state of key in place: the events
 * (EV_APPLY, EV_CONFLICT, invariants); before is its sibling count then. */
void world_state_changed(struct world *w, int node, int key, int siblings_before);
/* Why op has no valid linearization, in words ("" when it has one): "read
 * balance at C returned v1 (balance=100, the first value), but the write of
 * v2 (balance=500) completed at 1.200s, before this read began at 2.000s";
 * brief, a read's only from the "but" on. */
void world_explain(const struct world *w, const struct op *op, bool brief, char *buf, size_t len);
/* Which session guarantee of its client a read broke, and how ("" when
 * none): read-your-writes, or monotonic reads. */
void world_explain_session(const struct world *w, const struct op *op, char *buf, size_t len);
/* Marks LOST every acknowledged write that node's state of key holds but
 * last-write-wins will never show again (ap mode, lww strategy), or every
 * assignment the CRDT's register will never show again (crdt strategy). */
void world_lww_check(struct world *w, int node, int key);
/* Marks the acknowledged write wid as discarded (its op LOST), kept the value
 * that won, unless by value it was merely overwritten. */
void world_mark_lost(struct world *w, uint64_t wid, int64_t kept, const char *why);
/* new_wid replacing old_wid is no loss: a plain write not acknowledged
 * before old began (as any register would overwrite), or an update built
 * on old. Otherwise old's acknowledged write is LOST. */
bool world_replaced_in_order(const struct world *w, uint64_t old_wid, uint64_t new_wid);
/* Finishes a client operation. error is NULL on success. For reads, found
 * tells whether v holds a value; for writes, v is what was written. A
 * failure (error set) is definite (RES_ERROR) unless the operation was
 * sent (world_op_sent) and changes something: then it is unknown, it may
 * have been applied (RES_UNKNOWN). */
void world_op_finish(struct world *w, uint64_t op, const char *error, bool found, const struct version *v);
/* Ends op with a definite error whatever was sent: the protocol made sure
 * nothing applies (a two-phase commit's abort, a refused prepare). */
void world_op_refuse(struct world *w, uint64_t op, const char *why);
/* The protocol sent op's change on (or made it at its node): from now on a
 * failure may have been applied. */
void world_op_sent(struct world *w, uint64_t op);
struct op *world_op(const struct world *w, uint64_t op);
/* Ends every pending request sent to node (-1: every node) with error why. */
void world_fail_pending(struct world *w, int node, const char *why);
void world_emit(struct world *w, struct event *e);
void world_note(struct world *w, int node, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* An EV_LOCK about the client at node and the lock path key (-1 none). */
void world_lock_note(struct world *w, int node, int key, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Emits an event of kind whose text is formatted from fmt. */
void world_vtext(struct world *w, enum event_kind kind, int node, int peer, const char *fmt, va_list ap)
	__attribute__((format(printf, 5, 0)));
struct event world_event(const struct world *w, enum event_kind kind);

#endif
