/* msg.h: the messages replicas send one another. A message is a real value:
 * the sender fills it, the network carries a copy, the receiver's protocol
 * handler reads it. Views read kind and times to draw it in flight. */
#ifndef CAPVIZ_MSG_H
#define CAPVIZ_MSG_H

#include <stdbool.h>
#include <stdint.h>

#include "capviz/store.h"

#define MSG_MAX_ENTRIES 8
#define MSG_ERROR_MAX 128

enum msg_kind {
	MSG_WRITE,          /* leaderless: coordinator asks a replica to store v */
	MSG_WRITE_ACK,
	MSG_READ,           /* leaderless: coordinator asks a replica for key */
	MSG_READ_REPLY,
	MSG_HINT,           /* hinted handoff: a write held for a replica, delivered late */
	MSG_HINT_ACK,
	MSG_REPAIR,         /* read repair or anti-entropy: a newer version pushed */
	MSG_SYNC,           /* anti-entropy: the sender's versions of every key */
	MSG_VOTE,           /* leader-based: a candidate asks for a vote */
	MSG_VOTE_REPLY,
	MSG_APPEND,         /* leader-based: log entries, or a heartbeat when empty */
	MSG_APPEND_REPLY,
	MSG_FORWARD,        /* a follower passes a client request to the leader */
	MSG_FORWARD_REPLY,
	MSG_PREPARE,        /* strict: phase one of an all-replica write */
	MSG_PREPARE_ACK,
	MSG_COMMIT,
	MSG_ABORT,
	MSG_LWT_PREPARE,    /* a lightweight transaction's Paxos: prepare a ballot */
	MSG_LWT_PROMISE,
	MSG_LWT_PROPOSE,
	MSG_LWT_ACCEPT,
	MSG_LWT_COMMIT,
	MSG_LWT_COMMIT_ACK,
	MSG_REPAIR_ACK,     /* a read repair was taken: the replica's state now */
	MSG_KIND_COUNT
};

/* What a view needs to know to pick a glyph and a colour. */
enum msg_class {
	MC_WRITE,
	MC_ACK,
	MC_READ,
	MC_REPLY,
	MC_VOTE,
	MC_HEARTBEAT,
	MC_REPAIR,
	MC_CLASS_COUNT
};


/* One entry of the leader-based protocol's log. op is the client operation
 * that wrote it, 0 for the no-op a new leader appends. An OP_ADD's value is
 * known only when the entry is applied (current value + arg); each replica
 * then records it in v.value. */
struct log_entry {
	uint64_t term;
	uint64_t op;
	int key;
	struct version v;
	enum op_kind kind;      /* OP_WRITE or OP_ADD (the no-op: OP_WRITE, key -1) */
	int64_t arg;            /* OP_ADD: the delta */
	bool txn;               /* conditional: applies only when key cond_op cond_value */
	bool failed;            /* a txn whose condition did not hold when applied here; an
	                         * unlock of a lock not held */
	bool had;               /* failed txn: the key had a value; lock: the outcome below */
	uint8_t cond_op;        /* enum inv_op */
	int64_t cond_value;
	int64_t found;          /* failed txn: the value the condition was checked on */
	/* Lock entries (key: the path): the client whose node sent it, its
	 * session (OP_EXPIRE: the one that ends), and what applying it did. */
	int8_t client;
	int8_t holder;          /* who holds the path afterwards, -1 nobody */
	uint8_t outcome;        /* enum lock_outcome */
	uint32_t token;         /* the client's sequence number there */
	uint64_t session;
};

struct msg {
	uint64_t id;            /* unique per message; 0 marks a free pool slot */
	enum msg_kind kind;
	int from;
	int to;
	int64_t sent_us;
	int64_t arrive_us;
	bool lost;              /* the network will drop it on arrival */
	uint64_t req;           /* the coordinator's request this belongs to */
	uint64_t term;          /* leader-based: the term; lwt: the ballot */
	uint64_t promised;      /* lwt: the ballot a replica that refuses has promised */
	uint64_t accepted;      /* lwt: a promise's unfinished proposal was accepted at this ballot */
	uint64_t committed;     /* lwt: the highest ballot the promising replica has committed */
	int key;
	bool ok;                /* ack, vote granted, append accepted */
	bool found;             /* a read reply that carries a value; an lwt promise that
	                         * carries a proposal not yet committed (with its replica's state) */
	struct version v;
	union {
		struct {
			uint64_t last_index;
			uint64_t last_term;
			bool pre;               /* a pre-vote: the term is only proposed */
			uint64_t cand_term;     /* reply: the term the vote was for */
			uint8_t refusal;        /* reply refused: why (enum prevote_answer) */
			int8_t follows;         /* ... PV_FOLLOWS: the leader it follows */
		} vote;
		struct {
			uint64_t prev_index;
			uint64_t prev_term;
			uint64_t commit;
			uint64_t read_seq;      /* leader's read-confirmation round */
			int64_t lease_us;       /* the leader vouches for the client's session from then */
			uint64_t lease_sid;     /* the session it says is live (0: none) */
			int n;
			struct log_entry e[MSG_MAX_ENTRIES];
		} append;
		struct {
			uint64_t match;
			uint64_t read_seq;
			int64_t echo_us;        /* when the append it answers was sent */
		} append_reply;
		struct {
			enum op_kind op_kind;
			int64_t arg;
			uint64_t op;
			int level;              /* a read's option: LEVEL_SYNC asks for a sync */
			bool txn;               /* a conditional write: key cond_op cond_value */
			uint8_t cond_op;
			int64_t cond_value;
		} fwd;
		struct {
			char error[MSG_ERROR_MAX];
			uint64_t index;         /* a sync's answer: the commit index to catch up to */
			bool cond_failed;       /* a txn refused: its condition did not hold */
			bool definite;          /* the error means it never takes effect */
			uint8_t lock_outcome;   /* a lock operation's (enum lock_outcome) */
			int8_t holder;          /* ... who holds the path now, -1 nobody */
			uint32_t token;
			uint64_t session;
		} fwd_reply;
		struct kstate ks;       /* leaderless: a key's whole state */
	} u;
};

enum msg_class msg_class(const struct msg *m);
const char *msg_kind_name(enum msg_kind k);

#endif
