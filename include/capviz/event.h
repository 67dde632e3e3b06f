/* event.h: what the world tells its readers (the screen, the transcript, the
 * trace). Events are emitted as things happen and are valid only for the
 * duration of the call that receives them. */
#ifndef CAPVIZ_EVENT_H
#define CAPVIZ_EVENT_H

#include <stdbool.h>
#include <stdint.h>

#include "capviz/history.h"
#include "capviz/msg.h"
#include "capviz/store.h"

enum event_kind {
	EV_SEND,        /* msg left node for peer */
	EV_DELIVER,     /* msg reached peer */
	EV_DROP,        /* msg lost: text says why */
	EV_LINK,        /* link node>peer went up or down (up) */
	EV_CRASH,
	EV_RECOVER,
	EV_ROLE,        /* node became role in term (leader-based) */
	EV_MODE,        /* the protocol changed: text names it */
	EV_LEVEL,       /* read/write levels changed: text says them */
	EV_CONFIG,      /* latency, loss or another setting changed: text */
	EV_INVOKE,      /* a client operation reached node */
	EV_OP,          /* a client operation finished */
	EV_APPLY,       /* node stored key = v */
	EV_HINT,        /* node holds a hint for peer */
	EV_HEAL,        /* every link restored; convergence starts: up when a strategy
	                 * reconciles (text names it), else text says why nothing does */
	EV_NOTE,        /* a protocol remark worth showing: text */
	EV_SAY,         /* a caption from a scenario or the prompt */
	EV_EXPECT,      /* an expectation checked: ok, text */
	EV_PAUSE,       /* a scenario's pause marker: text */
	EV_COMMAND,     /* a command was carried out: text is the command, line its scenario line */
	EV_CONFLICT,    /* node now holds concurrent versions of key (text says which) */
	EV_RESOLVE,     /* a heal resolved key: text is the summary, op NULL */
	EV_LOST,        /* op's acknowledged write was discarded: text says why */
	EV_INVARIANT,   /* node's key broke (up false) or keeps again (up true) an invariant: text */
	EV_COMPARE,     /* what healing now by one strategy would give: text (the world is unchanged) */
	EV_LOCK,        /* a lock or election changed hands, a session ended, a split brain: text;
	                 * node the client's, key the path */
	EV_STALE,       /* op, which finished earlier, is flagged now: a later operation showed
	                 * it has no linearization after all (text says why) */
	EV_KIND_COUNT
};

enum role { ROLE_NONE, ROLE_FOLLOWER, ROLE_CANDIDATE, ROLE_LEADER };

struct event {
	int64_t t_us;
	enum event_kind kind;
	int node;               /* -1 when none */
	int peer;               /* -1 when none */
	const struct msg *msg;
	const struct op *op;
	int key;                /* -1 when none */
	struct version v;
	enum role role;
	uint64_t term;
	bool up;                /* EV_LINK: link is up; EV_EXPECT: it held */
	int line;               /* EV_EXPECT, EV_SAY: scenario line, 0 when none */
	const char *text;       /* never NULL: "" when there is nothing to say */
};

const char *event_kind_name(enum event_kind k);
const char *role_name(enum role r);

#endif
