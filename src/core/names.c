/* names.c: the words the world uses for its kinds (messages, events, roles,
 * modes, levels), shared by the transcript, the trace and the screen. */
#include <string.h>
#include <strings.h>

#include "capviz/event.h"
#include "capviz/msg.h"
#include "capviz/proto.h"
#include "capviz/world.h"

static const char *const msg_names[MSG_KIND_COUNT] = {
	[MSG_WRITE] = "write",
	[MSG_WRITE_ACK] = "write-ack",
	[MSG_READ] = "read",
	[MSG_READ_REPLY] = "read-reply",
	[MSG_HINT] = "hint",
	[MSG_HINT_ACK] = "hint-ack",
	[MSG_REPAIR] = "repair",
	[MSG_SYNC] = "sync",
	[MSG_VOTE] = "vote",
	[MSG_VOTE_REPLY] = "vote-reply",
	[MSG_APPEND] = "append",
	[MSG_APPEND_REPLY] = "append-reply",
	[MSG_FORWARD] = "forward",
	[MSG_FORWARD_REPLY] = "forward-reply",
	[MSG_PREPARE] = "prepare",
	[MSG_PREPARE_ACK] = "prepare-ack",
	[MSG_COMMIT] = "commit",
	[MSG_ABORT] = "abort",
	[MSG_LWT_PREPARE] = "lwt-prepare",
	[MSG_LWT_PROMISE] = "lwt-promise",
	[MSG_LWT_PROPOSE] = "lwt-propose",
	[MSG_LWT_ACCEPT] = "lwt-accept",
	[MSG_LWT_COMMIT] = "lwt-commit",
	[MSG_LWT_COMMIT_ACK] = "lwt-commit-ack",
	[MSG_REPAIR_ACK] = "repair-ack",
};

const char *msg_kind_name(enum msg_kind k)
{
	if ((unsigned)k >= MSG_KIND_COUNT)
		return "?";
	return msg_names[k];
}

enum msg_class msg_class(const struct msg *m)
{
	switch (m->kind) {
	case MSG_WRITE:
	case MSG_PREPARE:
	case MSG_COMMIT:
	case MSG_ABORT:
	case MSG_LWT_PREPARE:
	case MSG_LWT_PROPOSE:
	case MSG_LWT_COMMIT:
		return MC_WRITE;
	case MSG_WRITE_ACK:
	case MSG_HINT_ACK:
	case MSG_PREPARE_ACK:
	case MSG_LWT_PROMISE:
	case MSG_LWT_ACCEPT:
	case MSG_LWT_COMMIT_ACK:
	case MSG_REPAIR_ACK:
		return MC_ACK;
	case MSG_READ:
		return MC_READ;
	case MSG_READ_REPLY:
		return MC_REPLY;
	case MSG_HINT:
	case MSG_REPAIR:
	case MSG_SYNC:
		return MC_REPAIR;
	case MSG_VOTE:
	case MSG_VOTE_REPLY:
		return MC_VOTE;
	case MSG_APPEND:
		return m->u.append.n > 0 ? MC_WRITE : MC_HEARTBEAT;
	case MSG_APPEND_REPLY:
		return m->u.append_reply.match > 0 && m->ok ? MC_ACK : MC_HEARTBEAT;
	case MSG_FORWARD:
		return m->u.fwd.op_kind == OP_READ ? MC_READ : MC_WRITE;
	case MSG_FORWARD_REPLY:
		return MC_REPLY;
	default:
		return MC_HEARTBEAT;
	}
}

enum proto_id proto_of_msg(int kind)
{
	switch (kind) {
	case MSG_VOTE:
	case MSG_VOTE_REPLY:
	case MSG_APPEND:
	case MSG_APPEND_REPLY:
	case MSG_FORWARD:
	case MSG_FORWARD_REPLY:
		return PROTO_LEADER;
	case MSG_PREPARE:
	case MSG_PREPARE_ACK:
	case MSG_COMMIT:
	case MSG_ABORT:
		return PROTO_STRICT;
	default:
		return PROTO_LEADERLESS;
	}
}

static const char *const event_names[EV_KIND_COUNT] = {
	[EV_SEND] = "send",
	[EV_DELIVER] = "deliver",
	[EV_DROP] = "drop",
	[EV_LINK] = "link",
	[EV_CRASH] = "crash",
	[EV_RECOVER] = "recover",
	[EV_ROLE] = "role",
	[EV_MODE] = "mode",
	[EV_LEVEL] = "level",
	[EV_CONFIG] = "config",
	[EV_INVOKE] = "invoke",
	[EV_OP] = "op",
	[EV_APPLY] = "apply",
	[EV_HINT] = "hint",
	[EV_HEAL] = "heal",
	[EV_NOTE] = "note",
	[EV_SAY] = "say",
	[EV_EXPECT] = "expect",
	[EV_PAUSE] = "pause",
	[EV_COMMAND] = "command",
	[EV_CONFLICT] = "conflict",
	[EV_RESOLVE] = "resolve",
	[EV_LOST] = "lost",
	[EV_INVARIANT] = "invariant",
	[EV_COMPARE] = "compare",
	[EV_LOCK] = "lock",
	[EV_STALE] = "stale",
};

const char *event_kind_name(enum event_kind k)
{
	if ((unsigned)k >= EV_KIND_COUNT)
		return "?";
	return event_names[k];
}

const char *role_name(enum role r)
{
	switch (r) {
	case ROLE_FOLLOWER:
		return "follower";
	case ROLE_CANDIDATE:
		return "candidate";
	case ROLE_LEADER:
		return "leader";
	default:
		return "none";
	}
}

const char *mode_name(enum mode m)
{
	switch (m) {
	case MODE_CP:
		return "cp";
	case MODE_AP:
		return "ap";
	case MODE_STRICT:
		return "strict";
	default:
		return "?";
	}
}

static const char *const level_names[LEVEL_COUNT] = {
	[LEVEL_DEFAULT] = "default",
	[LEVEL_ONE] = "ONE",
	[LEVEL_QUORUM] = "QUORUM",
	[LEVEL_ALL] = "ALL",
	[LEVEL_LOCAL] = "local",
	[LEVEL_SYNC] = "sync",
	[LEVEL_EVENTUAL] = "eventual",
	[LEVEL_STRONG] = "strong",
	[LEVEL_SERIAL] = "SERIAL",
	[LEVEL_LEADER] = "leader",
};

const char *level_name(int level)
{
	return level > LEVEL_DEFAULT && level < LEVEL_COUNT ? level_names[level] : "default";
}

int level_by_name(const char *name, size_t len)
{
	for (int l = LEVEL_ONE; l < LEVEL_SERIAL; l++)
		if (strlen(level_names[l]) == len && strncasecmp(name, level_names[l], len) == 0)
			return l;
	return -1;
}

bool level_is_read_option(int level)
{
	return level >= LEVEL_LOCAL && level <= LEVEL_STRONG;
}

const char *op_result_name(enum op_result r)
{
	switch (r) {
	case RES_OK:
		return "ok";
	case RES_ERROR:
		return "error";
	case RES_UNKNOWN:
		return "unknown";
	default:
		return "pending";
	}
}

const char *op_kind_name(enum op_kind k)
{
	switch (k) {
	case OP_READ:
		return "read";
	case OP_ADD:
	case OP_SADD:
		return "add";
	case OP_SREMOVE:
		return "remove";
	case OP_LOCK:
		return "lock";
	case OP_ELECT:
		return "elect";
	case OP_UNLOCK:
		return "unlock";
	case OP_EXPIRE:
		return "expire";
	default:
		return "write";
	}
}
