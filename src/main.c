/* main.c: capviz's entry point: parse the options, then hand over to the
 * headless driver (or a listing or a check). */
#include <stdio.h>

#include "capviz/app.h"
#include "capviz/cmd.h"
#include "capviz/theme.h"
#include "capviz/ui.h"

static int check_files(const struct options *o)
{
	int rc = EXIT_OK;

	if (!o->scenario) {
		fputs("capviz: --check: no scenario given (capviz --check FILE...)\n", stderr);
		return EXIT_USAGE;
	}
	for (int i = -1; i < o->nfiles; i++) {
		const char *what = i < 0 ? o->scenario : o->files[i];
		struct scenario sc;
		char err[512], label[512];

		if (!what)
			continue;
		if (theme_file_is_theme(what)) {
			struct theme t;

			if (theme_load_file(&t, what, err, sizeof err) < 0) {
				fprintf(stderr, "capviz: %s\n", err);
				rc = EXIT_USAGE;
			} else {
				printf("%s: ok (theme %s)\n", what, t.name);
			}
			continue;
		}
		if (app_load_scenario(&sc, what, o->nodes, label, sizeof label, err, sizeof err) < 0) {
			fprintf(stderr, "capviz: %s\n", err);
			rc = EXIT_USAGE;
			continue;
		}
		if (sc.theme[0]) {
			struct theme t;
			char terr[512];

			if (app_find_theme(&t, sc.theme, label, terr, sizeof terr) < 0) {
				fprintf(stderr, "capviz: %s:%d: theme: %s\n", label, sc.theme_line, terr);
				rc = EXIT_USAGE;
				scenario_free(&sc);
				continue;
			}
		}
		printf("%s: ok (%zu step%s)\n", label, sc.nsteps, sc.nsteps == 1 ? "" : "s");
		scenario_free(&sc);
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
		return app_check_history(o.check_history);
	return o.headless ? app_headless(&o) : app_live(&o);
}
