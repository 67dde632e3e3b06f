/* record.c: --record (record.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capviz/array.h"
#include "capviz/record.h"

void recorder_init(struct recorder *r)
{
	memset(r, 0, sizeof *r);
}

void recorder_free(struct recorder *r)
{
	free(r->lines);
	memset(r, 0, sizeof *r);
}

void recorder_restart(struct recorder *r, const struct scenario_start *start)
{
	r->n = 0;
	r->start = *start;
}

void recorder_add(struct recorder *r, int64_t t_us, const char *line)
{
	void *grown = array_grow(r->lines, &r->cap, r->n, sizeof *r->lines);

	if (!grown) {
		r->oom = true;
		return;
	}
	r->lines = grown;
	r->lines[r->n].t_us = t_us;
	snprintf(r->lines[r->n].text, sizeof r->lines[r->n].text, "%s", line);
	r->n++;
}

/* say "text" (or pause "text"), the quotes and backslashes of the text
 * escaped. */
static void quoted_line(const char *word, const char *text, char *buf, size_t len)
{
	size_t n = 0;

	if (len < 16)
		return;
	n = (size_t)snprintf(buf, len, "%s \"", word);
	for (; *text && n + 3 < len; text++) {
		if (*text == '"' || *text == '\\')
			buf[n++] = '\\';
		buf[n++] = *text;
	}
	buf[n++] = '"';
	buf[n] = '\0';
}

void recorder_event(void *ctx, const struct event *e)
{
	struct recorder *r = ctx;
	char line[CMD_TEXT_MAX + 16], err[CMD_ERR_MAX];
	struct command c;

	if (e->kind == EV_SAY || (e->kind == EV_PAUSE && e->text[0])) {
		quoted_line(e->kind == EV_SAY ? "say" : "pause", e->text, line, sizeof line);
		recorder_add(r, e->t_us, line);
		return;
	}
	if (e->kind == EV_PAUSE) {
		recorder_add(r, e->t_us, "pause");
		return;
	}
	if (e->kind != EV_COMMAND)
		return;
	/* A wait already moved every later time; the others belong to no
	 * playback (quit ends the recording itself). */
	if (cmd_parse(e->text, WORLD_MAX_NODES, &c, err, sizeof err) < 0 || c.kind == CMD_WAIT ||
	    c.kind == CMD_QUIT || c.kind == CMD_RESUME || c.kind == CMD_STEP || c.kind == CMD_RESTART ||
	    c.kind == CMD_NEXT)
		return;
	recorder_add(r, e->t_us, e->text);
}

int recorder_write(const struct recorder *r, const struct scenario *sc, const char *label, const char *path,
		   char *err, size_t errlen)
{
	FILE *f = fopen(path, "w");
	char name[128], description[SCENARIO_LINE_MAX], at[32];
	int skipped = 0;

	if (!f) {
		snprintf(err, errlen, "cannot write the recording to %s: %s", path, strerror(errno));
		return -1;
	}
	snprintf(name, sizeof name, "%.100s, recorded", sc->name[0] ? sc->name : label);
	snprintf(description, sizeof description, "A live session on %.100s, as it was played: every command at "
		 "its moment.", sc->name[0] ? sc->name : label);
	fprintf(f, "; Recorded by capviz --record. Play it back with capviz %s (or -H for the transcript).\n",
		path);
	scenario_write_header(f, sc, name, description, &r->start);
	fputs("\n[timeline]\n", f);
	for (size_t i = 0; i < r->n; i++) {
		scenario_format_time(r->lines[i].t_us, at, sizeof at);
		/* inih cuts longer lines: such a step could not be played back. */
		if (strlen(at) + 10 + strlen(r->lines[i].text) > SCENARIO_LINE_MAX) {
			fprintf(f, "; at %s: a command too long for a scenario line, left out\n", at);
			skipped++;
			continue;
		}
		fprintf(f, "%-10s = %s\n", at, r->lines[i].text);
	}
	if (r->oom)
		fputs("; memory ran out: the recording stops early\n", f);
	if (fclose(f) != 0) {
		snprintf(err, errlen, "cannot write the recording to %s: %s", path, strerror(errno));
		return -1;
	}
	if (skipped)
		snprintf(err, errlen, "%d command%s too long for a scenario line left out of %s", skipped,
			 skipped == 1 ? "" : "s", path);
	return skipped ? 1 : 0;
}
