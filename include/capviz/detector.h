/* detector.h: each node's failure detector, as Cassandra's gossip keeps
 * one: which peers a node believes down. It is a model, and capviz(1) says
 * how it differs from Cassandra's phi-accrual detector: node X believes
 * peer Y down once X has heard nothing from Y for the detector's delay (the
 * link Y>X cut, or Y crashed, all that time), and believes it up again as
 * soon as Y reaches it. The leaderless protocol acts on these beliefs: a
 * coordinator that believes too few replicas up refuses a request at once
 * (Unavailable), and hints a write for a replica it believes down instead
 * of sending it. */
#ifndef CAPVIZ_DETECTOR_H
#define CAPVIZ_DETECTOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct world;

/* The default delay, 5s: see capviz(1), "The failure detector", for why
 * (a real Cassandra cluster convicts after about 18s). */
#define DETECTOR_DEFAULT_US 5000000

/* Sets the delay (0: a node believes a peer down the moment it falls
 * silent) and says so (EV_CONFIG). A peer silent that long already is
 * believed down now; a longer delay clears no belief: only word from the
 * peer does. */
void world_set_detector(struct world *w, int64_t delay_us);
/* The setting in words, for the transcript's head and the config event
 * ("failure detector 5s: a node believes a peer down after 5s without word
 * from it; ..."). True when the protocol in force acts on it (the
 * leaderless one; the others have their own timeouts). */
bool world_detector_text(const struct world *w, char *buf, size_t len);
/* The peers node believes down, while the protocol in force acts on it
 * (the leaderless one); 0 otherwise. For the screen. */
uint32_t world_believed_down(const struct world *w, int node);
/* Does node believe peer down? */
bool world_believes_down(const struct world *w, int node, int peer);
/* Since when node has heard nothing from peer (the link peer>node down, or
 * peer crashed, ever since); -1 while node hears it. */
int64_t world_silent_since(const struct world *w, int peer, int node);
/* Does node believe fewer than need replicas up, itself included? Then buf
 * says so, as Cassandra's coordinator does before it sends anything
 * ("Unavailable: C believes A and B down (no word from them for 2.0s);
 * QUORUM needs 2 of 3 replicas, 1 is up", then ": " and what, when what is
 * not NULL). */
bool world_unavailable(const struct world *w, int node, int need, const char *level, const char *what, char *buf,
		       size_t len);
/* "5s", "0.25s", "0": a delay as people write it. */
void detector_delay_text(int64_t us, char *buf, size_t len);

/* --- for the world and the leaderless protocol --- */
/* A link or a node changed: every node believes up each peer it hears
 * again, and starts counting for each peer that fell silent. */
void detector_changed(struct world *w);
/* node crashed: its beliefs are forgotten; its peers start counting. */
void detector_crashed(struct world *w, int node);
/* node is back: it believes down at once every peer it cannot hear (a
 * restarted Cassandra node marks its peers down until it hears from them),
 * and every peer that hears it believes it up. */
void detector_recovered(struct world *w, int node);
/* Is some node due to believe a peer down at or before at_us? */
bool detector_due(const struct world *w, int64_t at_us);
/* The queue's ITEM_DETECT: every node whose peer has been silent for the
 * delay now believes it down. */
void detector_sweep(struct world *w);
/* Says (as notes) what each node believes down now: the leaderless
 * protocol, just started, acts on it from now on. */
void detector_tell(struct world *w);

#endif
