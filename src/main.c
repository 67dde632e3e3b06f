/* main.c: capviz's entry point: parse the options, then hand over to the
 * headless driver (or a listing or a check). */
#include <stdio.h>
#include <stdlib.h>

#include "capviz/app.h"
#include "capviz/cmd.h"
#include "capviz/infile.h"
#include "capviz/theme.h"
#include "capviz/ui.h"

/* A theme file given to --check: checked as a theme. */
static int check_theme(const char *what, const char *buf, size_t len)
{
	struct theme t;
	char err[512];

	if (theme_load_buf(&t, what, buf, len, err, sizeof err) < 0) {
		fprintf(stderr, "capviz: %s\n", err);
		return EXIT_USAGE;
	}
	printf("%s: ok (theme %s)\n", what, t.name);
	return EXIT_OK;
}

/* A scenario given to --check, by file (buf: its bytes, read once) or by
 * name (buf NULL): checked with the theme it names. */
static int check_scenario(const struct options *o, const char *what, const char *buf, size_t len)
{
	struct scenario sc;
	char err[512], label[512];
	int r;

	if (buf) {
		snprintf(label, sizeof label, "%s", what);
		r = scenario_load_buf(&sc, what, buf, len, o->nodes, err, sizeof err);
	} else {
		r = app_load_scenario(&sc, what, o->nodes, label, sizeof label, err, sizeof err);
	}
	if (r < 0) {
		fprintf(stderr, "capviz: %s\n", err);
		return EXIT_USAGE;
	}
	if (sc.theme[0]) {
		struct theme t;
		char terr[512];

		if (app_find_theme(&t, sc.theme, label, terr, sizeof terr) < 0) {
			fprintf(stderr, "capviz: %s:%d: theme: %s\n", label, sc.theme_line, terr);
			scenario_free(&sc);
			return EXIT_USAGE;
		}
	}
	printf("%s: ok (%zu step%s)\n", label, sc.nsteps, sc.nsteps == 1 ? "" : "s");
	scenario_free(&sc);
	return EXIT_OK;
}

/* Each file is read once (a pipe or a FIFO gives its bytes once) and its
 * bytes tell a theme from a scenario; a name is a scenario's. */
static int check_one(const struct options *o, const char *what)
{
	char *buf, err[512];
	size_t len;
	int rc;

	if (!app_is_scenario_file(what))
		return check_scenario(o, what, NULL, 0);
	if (infile_read(what, SCENARIO_MAX_BYTES > THEME_MAX_BYTES ? SCENARIO_MAX_BYTES : THEME_MAX_BYTES, &buf, &len,
			err, sizeof err) < 0) {
		fprintf(stderr, "capviz: %s\n", err);
		return EXIT_USAGE;
	}
	rc = theme_text_is_theme(buf, len) ? check_theme(what, buf, len) : check_scenario(o, what, buf, len);
	free(buf);
	return rc;
}

static int check_files(const struct options *o)
{
	int rc = EXIT_OK;

	if (!o->scenario) {
		fputs("capviz: --check: no scenario given (capviz --check FILE...)\n", stderr);
		return EXIT_USAGE;
	}
	for (int i = -1; i < o->nfiles; i++) {
		const char *what = i < 0 ? o->scenario : o->files[i];

		if (what && check_one(o, what) != EXIT_OK)
			rc = EXIT_USAGE;
	}
	return rc;
}

int main(int argc, char **argv)
{
	struct options o;
	char err[256];

	if (options_parse(&o, argc, argv, err, sizeof err) < 0) {
		fprintf(stderr, "capviz: %s\n", err);
		fputs("usage: capviz [options] [SCENARIO]   (capviz --help for more)\n", stderr);
		return EXIT_USAGE;
	}
	if (o.help) {
		options_usage(stdout);
		return EXIT_OK;
	}
	if (o.version) {
		printf("capviz %s\n", CAPVIZ_VERSION);
		return EXIT_OK;
	}
	if (o.list_scenarios) {
		app_list_scenarios(stdout);
		return EXIT_OK;
	}
	if (o.list_commands) {
		for (const char *const *w = cmd_words; *w; w++)
			printf("%s\n", *w);
		return EXIT_OK;
	}
	if (o.list_keys) {
		char keys[4096];

		ui_keys_text(keys, sizeof keys);
		fputs(keys, stdout);
		return EXIT_OK;
	}
	if (o.list_themes) {
		theme_list(stdout, app_datadirs());
		return EXIT_OK;
	}
	if (o.list_presets) {
		options_list_presets(stdout);
		return EXIT_OK;
	}
	if (o.list_options) {
		options_list(stdout);
		return EXIT_OK;
	}
	if (o.check)
		return check_files(&o);
	if (o.explore)
		return app_explore(&o);
	if (o.staleness)
		return app_staleness(&o);
	if (o.pacelc)
		return app_pacelc(&o);
	if (o.check_history)
		return app_check_history(o.check_history, o.max_steps ? o.max_steps : CHECK_MAX_STEPS);
	return o.headless ? app_headless(&o) : app_live(&o);
}
