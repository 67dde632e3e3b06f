/* session.h: a world and the scenario that drives it. The session runs the
 * timeline's steps at their times among the world's own events, checks
 * expectations, and fans every event out to its readers (transcript, trace,
 * screen). The headless and the live driver both run a session; they differ
 * only in how they let time pass. */
#ifndef CAPVIZ_SESSION_H
#define CAPVIZ_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capviz/cmd.h"
#include "capviz/scenario.h"
#include "capviz/world.h"

#define SESSION_MAX_READERS 6
#define SESSION_TEXT_MAX 640

struct session_reader {
	world_sink_fn *fn;
	void *ctx;
};

struct session_failure {
	int line;
	char text[SESSION_TEXT_MAX];
};

struct session {
	struct world w;
	struct scenario sc;     /* owned */
	char label[512];        /* the scenario's file or name, for messages */
	size_t next;            /* the next timeline step */
	int64_t shift_us;       /* how far held expectations and waits moved the timeline */
	bool held;              /* an `expect last` waits for the last operation */
	bool quit;              /* a `quit` step ran */
	int64_t last_event_us;  /* when the last world event (not a step) ran; -1 none */
	bool pause_request;     /* a `pause` step ran (the live driver pauses) */
	double speed_request;   /* a `speed` step ran: the factor, else 0 */
	int expects;
	int failed;
	int cmd_errors;         /* timeline commands the world refused */
	struct session_failure *failures;
	size_t nfailures;
	struct session_reader readers[SESSION_MAX_READERS];
	int nreaders;
};

struct session_options {
	int nodes;              /* 0: the scenario's */
	int mode;               /* -1: the scenario's, else cp */
	bool has_seed;
	uint64_t seed;
	int preset;             /* enum preset; PRESET_NONE: the scenario's (none with a mode) */
};

/* Takes ownership of sc (also on failure). Returns 0 or -1 with err. */
int session_init(struct session *s, struct scenario *sc, const char *label,
		 const struct session_options *o, char *err, size_t errlen);
void session_free(struct session *s);
void session_add_reader(struct session *s, world_sink_fn *fn, void *ctx);
/* Puts the scenario's init values on the replicas (after the readers are added). */
void session_start(struct session *s);
/* When the next thing (a step or a world event) is due; -1 when nothing is. */
int64_t session_next_at(struct session *s);
/* Runs every step and event due at or before t_us. */
void session_run_until(struct session *s, int64_t t_us);
/* Runs the next due step or event, whatever its time. False when none. */
bool session_step(struct session *s);
/* Carries out one command from the prompt or a key at the current time.
 * Returns 0 or -1 with err. */
int session_command(struct session *s, const char *line, char *err, size_t errlen);
/* The timeline is over and no client operation is pending. */
bool session_done(const struct session *s);

#endif
