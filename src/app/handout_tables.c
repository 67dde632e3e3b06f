/* handout_tables.c: the parts of the --export handout that are tables of
 * figures (the scoreboard with its PACELC figures, the replicas at the
 * end), and the Markdown escaping every part of it uses. handout.c reads
 * the run and writes the rest. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "capviz/export.h"
#include "capviz/score.h"
#include "capviz/session.h"


static bool isalnum_ascii(int c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Text as Markdown shows it as written: what could open emphasis, code or
 * HTML is escaped, and so is the pipe, which would end a table cell.
 * Brackets stay ("[QUORUM]" makes no link without a URL after it), and so
 * does an underscore inside a word, which opens nothing: the raw file
 * reads well too. Control characters (a line break would end a table row)
 * become spaces. */
void md_text(FILE *f, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		bool inword = p > (const unsigned char *)s && (p[-1] >= 0x80 || isalnum_ascii(p[-1])) &&
			      (p[1] >= 0x80 || isalnum_ascii(p[1]));

		if (*p < 0x20 || *p == 0x7f)
			fputc(' ', f);
		else if (strchr("\\`*|", *p) || (*p == '_' && !inword) ||
			 (*p == '<' && (isalnum_ascii(p[1]) || p[1] == '/' || p[1] == '!' || p[1] == '?')))
			fprintf(f, "\\%c", *p);
		else
			fputc(*p, f);
	}
}

/* The longest run of backticks in s: a code fence must be longer. */
int md_ticks(const char *s, size_t len)
{
	int best = 0, run = 0;

	for (size_t i = 0; i < len; i++) {
		run = s[i] == '`' ? run + 1 : 0;
		if (run > best)
			best = run;
	}
	return best;
}

void md_fence(FILE *f, int ticks, const char *info)
{
	for (int i = 0; i < (ticks < 3 ? 3 : ticks); i++)
		fputc('`', f);
	fprintf(f, "%s\n", info);
}


/* "80%", or "-" when there is nothing to count. */
static void ho_percent(FILE *f, int p)
{
	if (p < 0)
		fputc('-', f);
	else
		fprintf(f, "%d%%", p);
}

/* "p50 12ms", or "-" when no such request finished. */
static void ho_ms(FILE *f, int64_t us)
{
	if (us < 0)
		fputc('-', f);
	else
		fprintf(f, "p50 %.0fms", us / 1000.0);
}

static void ho_row(FILE *f, const char *label, const struct score_row *r)
{
	int a = score_availability(r), c = score_consistency(r);

	fputs("| ", f);
	md_text(f, label);
	fprintf(f, " | %d | %d | %d | %d | ", r->ok, r->error, r->stale, r->lost);
	ho_percent(f, a);
	fputs(" | ", f);
	ho_percent(f, c);
	fputs(" |\n", f);
}

/* "A B (majority)", "C", "D (crashed)". */
static void ho_side(char *buf, size_t len, const struct world *w, const struct score_side *sd)
{
	size_t used = 0;

	buf[0] = '\0';
	for (int i = 0; i < w->n && used + 3 < len; i++)
		if (sd->nodes & (1u << i))
			used += (size_t)snprintf(buf + used, len - used, "%s%c", used ? " " : "", 'A' + i);
	if (sd->crashed)
		snprintf(buf + used, len - used, " (crashed)");
	else if (sd->majority)
		snprintf(buf + used, len - used, " (majority)");
}

static void ho_pacelc(FILE *f, const struct world *w)
{
	struct pacelc_figures pf;
	char cls[8], seed[96];

	/* Under the rules in force at the end: a run that switched presets
	 * would otherwise mix systems into one class. */
	score_pacelc(w, w->rules_us, &pf);
	pacelc_classify(&pf, cls);
	if (w->rules_us > 0)
		fprintf(f, "PACELC, measured since the rules last changed (%.3fs): **%s** (", w->rules_us / 1e6, cls);
	else
		fprintf(f, "PACELC, measured on this run: **%s** (", cls);
	world_seed_text(w, seed, sizeof seed);
	fputs(seed, f);
	fputs(strchr(cls, '?') ? "; a ? is a half the run gives nothing to judge).\n\n" : ").\n\n", f);
	if (pf.minority_reads + pf.minority_writes)
		fprintf(f, "- P, on a side without a majority: reads answered %d of %d (%d stale), writes %d of %d\n",
			pf.minority_answered, pf.minority_reads, pf.minority_stale, pf.minority_writes_answered,
			pf.minority_writes);
	else
		fputs("- P: no request was made on a side without a majority\n", f);
	fputs("- E, no partition: read ", f);
	ho_ms(f, pf.read_p50);
	fputs(", write ", f);
	ho_ms(f, pf.write_p50);
	fprintf(f, ", %d of %d reads stale\n", pf.calm_stale, pf.calm_reads);
	fprintf(f, "- the rule: PA when the cut-off side answered half its reads or more; EL when reads took "
		"less than half a round trip (%.0fms)\n\n", pf.rtt_us / 2000.0);
}

void handout_scoreboard(FILE *f, const struct session *s)
{
	const struct world *w = &s->w;
	struct score sc;
	char label[96];
	bool any = false;

	fprintf(f, "## Scoreboard\n\nAt the end of the run (%.3fs). *Available*: answered. *Failed*: an error, or "
		"an unknown outcome (it may have been applied). *Consistent*: answers neither stale nor lost.\n\n", w->now_us / 1e6);
	if (score_compute(w, &sc) < 0)
		fputs("(Memory ran out: the latency figures are missing.)\n\n", f);
	fputs("| Requests | ok | failed | stale | lost | available | consistent |\n", f);
	fputs("|---|--:|--:|--:|--:|--:|--:|\n", f);
	ho_row(f, "whole run", &sc.run);
	for (int i = 0; sc.nsides > 1 && i < sc.nsides; i++) {
		char side[64];

		ho_side(side, sizeof side, w, &sc.sides[i]);
		snprintf(label, sizeof label, "%s, since %.3fs", side, sc.since_us / 1e6);
		ho_row(f, label, &sc.sides[i].row);
	}
	fprintf(f, "\n%s\n\n", sc.nsides > 1 ? "The cluster ended partitioned: each side counts the requests "
		"made since it last changed shape." : "The cluster ended in one piece.");
	for (int k = 0; k < SK_COUNT; k++) {
		if (!sc.count[k] || sc.p50[k] < 0)
			continue;
		if (!any)
			fputs("| Latency | p50 | p99 | finished |\n|---|--:|--:|--:|\n", f);
		fprintf(f, "| %s | %.0fms | %.0fms | %d |\n", score_kind_name((enum score_kind)k), sc.p50[k] / 1000.0,
			sc.p99[k] / 1000.0, sc.count[k]);
		any = true;
	}
	if (!any)
		fputs(w->hist.nops ? "No read or write finished (a lock request is not timed): no latency "
		      "to show.\n\n" : "No request was made: no latency to show.\n\n", f);
	else
		fputc('\n', f);
	ho_pacelc(f, w);
}

void handout_replicas(FILE *f, const struct session *s)
{
	const struct world *w = &s->w;
	bool any = false;

	for (int k = 0; k < w->nkeys; k++)
		any |= !key_type_is_lock(w->key_type[k]);
	if (!any)
		return;
	fputs("## Replicas at the end\n\n| Node |", f);
	for (int k = 0; k < w->nkeys; k++)
		if (!key_type_is_lock(w->key_type[k])) {
			fputc(' ', f);
			md_text(f, world_key_name(w, k));
			fputs(" |", f);
		}
	fputs("\n|:-:|", f);
	for (int k = 0; k < w->nkeys; k++)
		if (!key_type_is_lock(w->key_type[k]))
			fputs("--:|", f);
	fputc('\n', f);
	for (int i = 0; i < w->n; i++) {
		fprintf(f, "| %c%s |", 'A' + i, w->nodes[i].crashed ? " (down)" : "");
		for (int k = 0; k < w->nkeys; k++) {
			char val[96] = "-";
			int64_t v;

			if (key_type_is_lock(w->key_type[k]))
				continue;
			if (world_value(w, i, k, &v))
				world_format_value(w, k, v, val, sizeof val);
			fputc(' ', f);
			md_text(f, val);
			fputs(" |", f);
		}
		fputc('\n', f);
	}
	fputc('\n', f);
}
