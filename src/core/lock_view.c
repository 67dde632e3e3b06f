/* lock_view.c: who holds what, as the clients see it: the readers of the
 * lock service that the screen, the transcript, expectations and tests
 * share. A client holds a lock when its own server's state says so and,
 * under the leader-based protocol, while its session's lease is sure to
 * outlive the leader's expiry; under the leaderless protocol, while its
 * server's register still names it after its grant. */
#include <inttypes.h>
#include <stdio.h>

#include "capviz/world.h"

static bool lease_valid(const struct world *w, int node, uint64_t sid)
{
	const struct lock_node *lk = &w->nodes[node].lk;

	return sid && lk->lease_sid == sid && w->now_us < lk->lease_base_us + w->timing.session_timeout_us;
}

const struct lock_queue *world_lock_queue(const struct world *w, int node, int key)
{
	if (node < 0 || node >= w->n || key < 0 || key >= w->nkeys || !key_type_is_lock(w->key_type[key]))
		return NULL;
	return &w->nodes[node].lk.rep.locks[key];
}

bool world_lock_held(const struct world *w, int node, int key, uint32_t *token)
{
	const struct lock_queue *q = world_lock_queue(w, node, key);
	const struct node *nd;

	if (!q || w->nodes[node].crashed)
		return false;
	nd = &w->nodes[node];
	if (w->mode == MODE_AP) {
		const struct kstate *ks = &nd->store.keys[key];

		if (!(nd->lk.ap_held & (1u << key)) || !ks->present || aplock_holder(ks->v.value) != node)
			return false;
		if (token)
			*token = aplock_token(ks->v.value);
		return true;
	}
	if (w->mode != MODE_CP || q->n == 0 || q->q[0].client != node || q->q[0].op <= nd->lk.let_go[key] ||
	    q->q[0].session != nd->lk.rep.session[node] || !lease_valid(w, node, q->q[0].session))
		return false;
	if (token)
		*token = q->q[0].seq;
	return true;
}

int world_lock_holders(const struct world *w, int key, int *nodes)
{
	int n = 0;

	for (int i = 0; i < w->n; i++)
		if (world_lock_held(w, i, key, NULL))
			nodes[n++] = i;
	return n;
}

void world_session_text(const struct world *w, int node, char *buf, size_t len)
{
	const struct node *nd = &w->nodes[node];
	uint64_t sid = nd->lk.rep.session[node];
	const char *why;
	int64_t left;

	if (w->mode != MODE_CP) {
		snprintf(buf, len, "%s", w->mode == MODE_AP ? "no session: an AP lock has none" : "no lock service");
		return;
	}
	if (nd->crashed) {
		snprintf(buf, len, "server down");
		return;
	}
	if (!sid && nd->lk.expired_sid) {
		snprintf(buf, len, "session 0x%" PRIx64 " expired", nd->lk.expired_sid);
		return;
	}
	if (!sid && !nd->lk.lease_sid) {
		snprintf(buf, len, "no session");
		return;
	}
	if (!sid)
		sid = nd->lk.lease_sid;
	if (!lease_valid(w, node, sid)) {
		snprintf(buf, len, "session 0x%" PRIx64 " %s", sid, nd->lk.lease_sid == sid ? "expired" : "unconfirmed");
		return;
	}
	left = nd->lk.lease_base_us + w->timing.session_timeout_us - w->now_us;
	/* Renewed at each heartbeat, a lease has nearly all its time left;
	 * one that runs down means the leader no longer hears this server. */
	if (world_serving(w, node, &why) && left > w->timing.session_timeout_us - 3 * w->timing.heartbeat_us) {
		snprintf(buf, len, "session 0x%" PRIx64 " connected", sid);
		return;
	}
	snprintf(buf, len, "session 0x%" PRIx64 " %s, %.1fs left", sid,
		 world_serving(w, node, &why) ? "unheard by the leader" : "disconnected", left / 1e6);
}

void lock_client_asks(struct world *w, int node, enum op_kind kind, int key, uint64_t op)
{
	if (kind == OP_UNLOCK && key >= 0 && key < STORE_MAX_KEYS)
		w->nodes[node].lk.let_go[key] = op;
}


void world_lock_result(const struct world *w, const struct op *op, char *buf, size_t len)
{
	bool elect = op->kind == OP_ELECT;
	char session[40] = "";

	(void)w;
	if (op->session)
		snprintf(session, sizeof session, " (session 0x%" PRIx64 ")", op->session);
	switch (op->lock_outcome) {
	case LOCK_GRANTED:
		snprintf(buf, len, "%s, token %" PRIu32 "%s", elect ? "elected" : "granted", op->token, session);
		break;
	case LOCK_QUEUED:
		snprintf(buf, len, "%s behind the client at %c, token %" PRIu32 "%s",
			 elect ? "candidate" : "waiting", 'A' + (op->holder >= 0 ? op->holder : 0), op->token, session);
		break;
	case LOCK_RELEASED:
		snprintf(buf, len, "released (token %" PRIu32 ")", op->token);
		break;
	default:
		snprintf(buf, len, "done");
		break;
	}
}
