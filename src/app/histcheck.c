/* histcheck.c: --check-history FILE: a history file read (histfile.c),
 * checked (wgl.c) within a step limit, its verdict printed. Keys and values
 * come from the file and may hold anything: each is shown through
 * text_show, so that no byte of the file reaches the terminal as a
 * control. A long search shows its progress on standard error when that is
 * a terminal. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "capviz/app.h"
#include "capviz/histfile.h"
#include "capviz/text.h"

/* The caches of the search hold at most this much, every key together. */
#define CHECK_CACHE_BYTES ((size_t)256 << 20)

/* Writes s (len bytes from the file) as text_show shows it. */
static void put_shown(FILE *f, const char *s, size_t len)
{
	size_t n = text_show(NULL, 0, s, len);
	char *buf = malloc(n + 1);

	if (!buf)
		return;
	text_show(buf, n + 1, s, len);
	fputs(buf, f);
	free(buf);
}

static void put_op(FILE *f, const struct wgl_history *h, const struct wgl_op *op)
{
	char *line = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&line, &len);

	if (!mem)
		return;
	histfile_format_op(h, op, mem);
	if (fclose(mem) == 0)
		put_shown(f, line, len);
	free(line);
}

/* The progress line, on standard error when it is a terminal: after the
 * first second, then four times a second. */
struct progress {
	uint64_t max_steps;
	double start, last;
	bool shown;
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void progress(void *arg, uint64_t steps, size_t keys_done, size_t nkeys)
{
	struct progress *p = arg;
	double t = now_s();

	if (t - p->start < 1 || t - p->last < 0.25)
		return;
	p->last = t;
	p->shown = true;
	/* Short enough for one line of 80 columns, so that \r rewrites it. */
	fprintf(stderr, "\rcapviz: searching: %" PRIu64 " of %" PRIu64 " steps, %zu of %zu key%s linearizable\033[K",
		steps, p->max_steps, keys_done, nkeys, nkeys == 1 ? "" : "s");
	fflush(stderr);
}

static int verdict(const char *label, const struct wgl_history *h, const struct wgl_result *r,
		   uint64_t max_steps)
{
	const struct wgl_strings *k = &h->keys;

	if (r->linearizable) {
		printf("%s: linearizable (%zu operation%s on %zu key%s, %" PRIu64 " search steps)\n", label, h->n,
		       h->n == 1 ? "" : "s", k->n, k->n == 1 ? "" : "s", r->steps);
		return EXIT_OK;
	}
	if (r->undecided) {
		printf("%s: not decided within %" PRIu64 " search steps: %zu of %zu key%s linearizable, none found "
		       "not to be; key ", label, max_steps, r->keys_done, k->n, k->n == 1 ? "" : "s");
		put_shown(stdout, k->s[r->key], k->len[r->key]);
		printf(" (%zu operations) was still being searched; --max-steps N allows more\n", r->key_ops);
		return EXIT_UNDECIDED;
	}
	printf("%s:%d: not linearizable: key ", label, h->ops[r->stuck].line);
	put_shown(stdout, k->s[r->key], k->len[r->key]);
	fputs(": every search got stuck at `", stdout);
	put_op(stdout, h, &h->ops[r->stuck]);
	printf("`: it must take effect before it returns, and no order of the operations before it lets it; "
	       "the longest valid order held %zu of the key's %zu operations\n", r->longest, r->key_ops);
	return EXIT_EXPECT;
}

int app_check_history(const char *path, uint64_t max_steps)
{
	const char *name = strcmp(path, "-") == 0 ? "stdin" : path;
	size_t n = text_show(NULL, 0, name, strlen(name));
	char err[512], *label = malloc(n + 1);
	struct progress p = { max_steps, now_s(), 0, false };
	struct wgl_limits lim = { max_steps, CHECK_CACHE_BYTES, NULL, &p };
	struct wgl_history h;
	struct wgl_result r;
	int rc;

	if (!label)
		return EXIT_USAGE;
	text_show(label, n + 1, name, strlen(name));
	if (isatty(STDERR_FILENO))
		lim.progress = progress;
	if (histfile_read(&h, path, err, sizeof err) < 0) {
		fputs("capviz: ", stderr);
		put_shown(stderr, err, strlen(err));
		fputc('\n', stderr);
		rc = EXIT_USAGE;
	} else if (wgl_check_limited(&h, &lim, &r) < 0) {
		fprintf(stderr, "%scapviz: %s: out of memory while checking\n", p.shown ? "\r\033[K" : "", label);
		rc = EXIT_USAGE;
	} else {
		if (p.shown)
			fputs("\r\033[K", stderr);
		rc = verdict(label, &h, &r, max_steps);
	}
	wgl_free(&h);
	free(label);
	return rc;
}
