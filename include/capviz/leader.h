/* leader.h: per-node state of the leader-based protocol (Raft-like, as
 * ZooKeeper behaves): term, vote, log and the applied index are persisted;
 * role, commit index, replication progress and pending client requests are
 * volatile. The second half lists what the protocol's own files
 * (src/core/leader*.c) share; nobody else calls those. */
#ifndef CAPVIZ_LEADER_H
#define CAPVIZ_LEADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capviz/event.h"
#include "capviz/msg.h"
#include "capviz/store.h"

/* A client request this node holds: as the node the client talks to (origin
 * is this node), as the leader serving it (serving), or both. */
struct leader_request {
	uint64_t op;
	enum op_kind kind;
	int key;
	int64_t arg;
	uint64_t wid;
	int origin;             /* node the client talks to (may be a follower) */
	bool serving;           /* this node, as leader, is carrying it out */
	int fwd_to;             /* origin: the leader it was forwarded to, -1 none */
	uint64_t fwd_term;      /* origin: this node's term when it forwarded */
	uint64_t index;         /* log index a write waits to apply; 0 for reads */
	uint64_t read_seq;      /* confirmation round a read waits for, 0: none yet */
	uint64_t read_index;    /* commit index the read must see applied */
	int level;              /* a read's option (enum level): LEVEL_SYNC syncs first */
	bool synced;            /* origin: the leader answered the sync; wait to apply sync_index */
	bool held;              /* origin: waits for the client's earlier requests (FIFO order) */
	/* origin, ZooKeeper: a write's answer waits until this server has
	 * applied it too (synced, with sync_index its entry), so the client's
	 * next read here sees it */
	bool stashed;
	bool stash_found;
	struct version stash_v;
	bool txn;               /* a conditional write: key cond_op cond_value */
	uint8_t cond_op;
	int64_t cond_value;
	bool cond_failed;       /* its condition did not hold: the answer is an error with no effect */
	bool definite;          /* its error means it never takes effect, whatever was sent */
	/* A lock operation's answer, as the log entry's apply made it. */
	uint8_t lock_outcome;
	int8_t holder;
	uint32_t token;
	uint64_t session;
	uint64_t sync_index;
	int64_t deadline_us;
	bool done;              /* finished; removed at the next compaction */
};

struct leader_node {
	/* persisted */
	uint64_t term;
	int voted_for;          /* -1: none this term */
	struct log_entry *log;  /* log[i] holds index i + 1 */
	size_t log_len;
	size_t log_cap;
	uint64_t applied;       /* the store is persisted, so this is too */
	/* volatile */
	enum role role;
	int leader;             /* the leader this node believes in, -1 unknown */
	uint64_t commit;
	uint64_t next[WORLD_MAX_NODES];
	uint64_t match[WORLD_MAX_NODES];
	uint32_t votes;         /* bit per node that granted the (pre-)vote */
	bool prevoting;         /* asking for pre-votes for term + 1 */
	uint64_t election_token;
	uint64_t heartbeat_token;
	int64_t leader_seen_us; /* when this node last heard from a leader */
	uint64_t read_seq;      /* leader: current confirmation round */
	uint64_t read_acked[WORLD_MAX_NODES];
	int64_t heard_us[WORLD_MAX_NODES]; /* leader: last reply from each peer */
	/* Without a leader: each peer's answer to this node's pre-vote round
	 * under way and to the last round that ended (enum prevote_answer),
	 * with the leader a peer named when it refused because it follows
	 * one; so the screen can say why no leader comes. */
	uint8_t pv_answer[WORLD_MAX_NODES];
	int8_t pv_follows[WORLD_MAX_NODES];
	uint8_t pv_last_answer[WORLD_MAX_NODES];
	int8_t pv_last_follows[WORLD_MAX_NODES];
	int64_t pv_sent_us;     /* when the round under way went out (INT64_MIN / 2: none) */
	uint32_t pv_rounds;     /* rounds ended since it last had a leader */
	uint8_t why_noted;      /* the cause (enum no_leader_cause) the transcript last heard */
	struct leader_request *reqs;
	size_t nreqs;
	size_t reqs_cap;
};

void leader_node_free(struct leader_node *n);

/* A peer's answer to a pre-vote; a refusal says why (msg vote.refusal). */
enum prevote_answer {
	PV_NONE,                /* no answer */
	PV_GRANTED,
	PV_FOLLOWS,             /* it heard from its leader lately (CheckQuorum's lease) */
	PV_LOG,                 /* its log is more up to date than the asker's */
	PV_TERM,                /* its term is past the one asked for */
};

/* Why a node of the leader-based protocol has no leader to serve it. */
enum no_leader_cause {
	NL_NONE,                /* it has one, or is one (or is down, or another mode runs) */
	NL_LOOKING,             /* its pre-vote has just gone out */
	NL_NO_QUORUM,           /* fewer than a majority answer it */
	NL_FOLLOWS,             /* a majority answers, but followers of a live leader refuse */
	NL_LOG,                 /* refused: their logs are ahead of its own */
	NL_CANDIDATE,           /* it stands for election, votes pending */
};

/* --- shared by src/core/leader*.c only --- */
struct world;
struct msg;
struct op;

enum leader_timer { LT_ELECTION = 1, LT_HEARTBEAT, LT_DEADLINE, LT_LEASE, LT_RELEASE };

/* leader.c: roles and elections */
/* Forgets the pre-vote answers: the node follows a leader again. */
void leader_forget_prevotes(struct leader_node *ld);
/* A new pre-vote round: the one under way, if any, has ended. */
void leader_prevote_round(struct world *w, int node);
/* Emits EV_ROLE when the role changes: node, role, term, and in peer the
 * leader the node believes in (-1 none). */
void leader_set_role(struct world *w, int node, enum role role);
/* Adopts term (when higher) and becomes a follower with no known leader. */
void leader_step_down(struct world *w, int node, uint64_t term);
void leader_arm_election(struct world *w, int node);
/* How many nodes (itself included) the leader heard from lately. */
int leader_heard_count(const struct world *w, int node);
/* A ZooKeeper server lost its leader: it closes its clients' connections,
 * and every request they had under way ends at once (unknown when it was
 * sent on, an error when not). */
void leader_connection_loss(struct world *w, int node, int leader);

/* leader_log.c: replication, commit and apply */
uint64_t leader_last_term(const struct leader_node *ld);
/* Appends e to node's log; -1 when memory runs out. */
int leader_log_append(struct world *w, int node, const struct log_entry *e);
/* Does the txn entry e apply on a copy that holds value (has: any)? As the
 * first replica to apply it decided, once one has (the same log, the same
 * decision, though another mode may have changed this copy meanwhile). */
bool leader_txn_decides(const struct world *w, const struct log_entry *e, bool has, int64_t value);
void leader_send_append(struct world *w, int node, int peer);
void leader_broadcast(struct world *w, int node);
void leader_on_append(struct world *w, const struct msg *m);
void leader_on_append_reply(struct world *w, const struct msg *m);
void leader_advance_commit(struct world *w, int node);

/* leader_why.c: why a node has no leader */
struct no_leader {
	enum no_leader_cause cause;
	uint32_t reach;         /* bit per node that answered its pre-vote lately, itself included */
	uint32_t follows;       /* the peers that refused because they follow leader */
	uint32_t log;           /* the peers that refused because their logs are ahead */
	int leader;             /* the leader the refusers follow, -1 none */
};
void leader_no_leader(const struct world *w, int node, struct no_leader *out);
/* A pre-vote round ended: tells the transcript once when the node finds
 * it cannot elect a leader although a majority answers. */
void leader_why_changed(struct world *w, int node);

/* leader_say.c: what the log does when replicas come back together */
/* node stored entries from..to from leader, committed there already. */
void leader_say_catchup(struct world *w, int node, int leader, uint64_t from, uint64_t to);
/* node is about to drop its entries from `from` on, which leader's log
 * replaces: a deposed leader's, never committed. */
void leader_say_discard(struct world *w, int node, int leader, uint64_t from);
/* A heal under this protocol reconciles nothing: why says what it does. */
bool leader_reconciles(const struct world *w, char *why, size_t len);

/* leader_client.c: client requests, forwarding, read index */
void leader_client(struct world *w, struct op *op);
void leader_on_forward(struct world *w, const struct msg *m);
void leader_on_forward_reply(struct world *w, const struct msg *m);
void leader_deadline(struct world *w, int node, uint64_t op);
/* The client's request op, held behind its earlier ones, may go now. */
void leader_release(struct world *w, int node, uint64_t op);
/* node learned a leader (or a new term): send waiting requests to it;
 * again: also those already sent to that leader (a link came back). */
void leader_retry(struct world *w, int node, bool again);
/* node became leader: serve the requests its own clients sent it. */
void leader_take_over(struct world *w, int node);
/* node stopped leading: requests it served go back to waiting, or fail
 * with why when why is not NULL. */
void leader_drop_serving(struct world *w, int node, const char *why);
/* Finishes what the applied index and the read rounds allow. */
void leader_progress(struct world *w, int node);
/* Forgets every request (crash, leave); ops still pending fail with why. */
void leader_clear_requests(struct world *w, int node, const char *why);
/* Drops served requests of other nodes' clients past their deadline. */
void leader_prune(struct world *w, int node);

#endif
