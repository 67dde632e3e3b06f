/* paths.c: where scenarios are found. A path is taken as it is; a name is
 * looked up in ./scenarios, $XDG_DATA_HOME/capviz/scenarios (default
 * ~/.local/share/capviz/scenarios), then the installed share/capviz. The
 * default scenario is built in, so capviz runs from anywhere. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "capviz/app.h"
#include "capviz/export.h"
#include "capviz/infile.h"
#include "capviz/theme.h"

#ifndef CAPVIZ_DATADIR
#define CAPVIZ_DATADIR "/usr/local/share/capviz"
#endif

#define PATH_MAX_LEN 1024

/* Where an installed capviz keeps its data: the directory it was built for,
 * and the one beside the binary (BIN/../share/capviz), so that a copy
 * installed elsewhere (DESTDIR, a moved prefix) finds its own. */
const char *const *app_datadirs(void)
{
	static char beside[PATH_MAX_LEN];
	static const char *dirs[3];
	char exe[PATH_MAX_LEN];
	ssize_t n;

	if (dirs[0])
		return dirs;
	dirs[0] = CAPVIZ_DATADIR;
	n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n > 0) {
		char *slash;

		exe[n] = '\0';
		slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			if (snprintf(beside, sizeof beside, "%s/../share/capviz", exe) < (int)sizeof beside &&
			    strcmp(beside, CAPVIZ_DATADIR) != 0)
				dirs[1] = beside;
		}
	}
	return dirs;
}

/* The directories searched for NAME.ini, in order; returns how many. */
static int scenario_dirs(char dirs[][PATH_MAX_LEN], int max)
{
	const char *xdg = getenv("XDG_DATA_HOME"), *home = getenv("HOME");
	const char *const *data = app_datadirs();
	int n = 0;

	if (n < max)
		snprintf(dirs[n++], PATH_MAX_LEN, "scenarios");
	if (xdg && *xdg && n < max)
		snprintf(dirs[n++], PATH_MAX_LEN, "%s/capviz/scenarios", xdg);
	else if (home && *home && n < max)
		snprintf(dirs[n++], PATH_MAX_LEN, "%s/.local/share/capviz/scenarios", home);
	for (int i = 0; data[i] && n < max; i++)
		snprintf(dirs[n++], PATH_MAX_LEN, "%s/scenarios", data[i]);
	return n;
}

static bool is_path(const char *what)
{
	size_t len = strlen(what);

	return strchr(what, '/') || (len > 4 && strcmp(what + len - 4, ".ini") == 0);
}

bool app_file_gives_once(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode);
}

bool app_is_scenario_file(const char *what)
{
	return is_path(what) || access(what, R_OK) == 0;
}

int app_load_scenario(struct scenario *sc, const char *what, int nodes, char *label,
		      size_t labellen, char *err, size_t errlen)
{
	char dirs[4][PATH_MAX_LEN], path[PATH_MAX_LEN + 64];
	int ndirs;

	if (!what) {
		/* The built-in scene cuts off C: it is checked for three nodes; the
		 * headless driver refuses fewer, the screen drops its timeline. */
		snprintf(label, labellen, "balance");
		return scenario_load_text(sc, "balance", scenario_default_text, nodes >= 3 ? nodes : 0, err,
					  errlen);
	}
	if (app_is_scenario_file(what)) {
		snprintf(label, labellen, "%s", what);
		return scenario_load_file(sc, what, nodes, err, errlen);
	}
	ndirs = scenario_dirs(dirs, 4);
	for (int i = 0; i < ndirs; i++) {
		int n = snprintf(path, sizeof path, "%s/%s.ini", dirs[i], what);

		if (n > 0 && (size_t)n < sizeof path && access(path, R_OK) == 0) {
			snprintf(label, labellen, "%s", path);
			return scenario_load_file(sc, path, nodes, err, errlen);
		}
	}
	if (strcmp(what, "balance") == 0) {
		snprintf(label, labellen, "balance");
		return scenario_load_text(sc, "balance", scenario_default_text, nodes, err, errlen);
	}
	{
		/* Every directory searched, in order. */
		char list[4 * PATH_MAX_LEN + 16] = "";
		size_t used = 0;

		for (int i = 0; i < ndirs && used < sizeof list; i++)
			used += (size_t)snprintf(list + used, sizeof list - used, "%s%s%s",
						 i == 0 ? "" : i == ndirs - 1 ? " and " : ", ",
						 dirs[i][0] == '/' ? "" : "./", dirs[i]);
		snprintf(err, errlen, "no scenario '%.100s' (looked in %.900s; --list-scenarios lists them)", what, list);
	}
	return -1;
}

int app_reload_scenario(struct scenario *sc, const char *what, int nodes, const struct scenario *loaded,
			const char *loaded_label, char *label, size_t labellen, char *err, size_t errlen, bool *copied)
{
	/* Read again, a pipe or a FIFO would wait for a writer that has gone,
	 * and the screen would freeze. */
	*copied = what && app_file_gives_once(loaded_label);
	if (!*copied)
		return app_load_scenario(sc, what, nodes, label, labellen, err, errlen);
	snprintf(label, labellen, "%s", loaded_label);
	if (scenario_copy(sc, loaded) < 0) {
		snprintf(err, errlen, "%s: out of memory", loaded_label);
		return -1;
	}
	return 0;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void list_dir(FILE *f, const char *dir)
{
	DIR *d = opendir(dir);
	char *names[256];
	size_t n = 0;
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d)) && n < 256) {
		size_t len = strlen(de->d_name);

		if (len > 4 && strcmp(de->d_name + len - 4, ".ini") == 0 && infile_listable(d, de->d_name))
			names[n++] = strdup(de->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof *names, name_cmp);
	for (size_t i = 0; i < n; i++) {
		char path[PATH_MAX_LEN + 300], err[600];
		struct scenario sc;

		if (!names[i])
			continue;
		int len = snprintf(path, sizeof path, "%s/%s", dir, names[i]);

		if (len < 0 || (size_t)len >= sizeof path) {
			free(names[i]);
			continue;
		}
		names[i][strlen(names[i]) - 4] = '\0';
		if (scenario_load_file(&sc, path, 0, err, sizeof err) == 0) {
			fprintf(f, "  %-22s %s\n", names[i], sc.description);
			scenario_free(&sc);
		} else {
			fprintf(f, "  %-22s (does not load: %s)\n", names[i], err);
		}
		free(names[i]);
	}
}

void app_list_scenarios(FILE *f)
{
	char dirs[4][PATH_MAX_LEN];
	int ndirs = scenario_dirs(dirs, 4);

	for (int i = 0; i < ndirs; i++) {
		if (access(dirs[i], R_OK) != 0)
			continue;
		fprintf(f, "%s:\n", dirs[i]);
		list_dir(f, dirs[i]);
	}
	fprintf(f, "built in:\n  %-22s %s\n", "balance",
		"C is cut off; a client writes balance=500 at A, another reads at C");
}

int app_find_theme(struct theme *t, const char *what, const char *beside, char *err, size_t errlen)
{
	char path[PATH_MAX_LEN + 300];
	const char *slash = beside ? strrchr(beside, '/') : NULL;
	size_t len = strlen(what);
	bool is_file = strchr(what, '/') || (len > 4 && strcmp(what + len - 4, ".ini") == 0);

	/* A scenario's theme file is where the scenario is, as its author
	 * wrote it beside it. */
	if (is_file && what[0] != '/' && slash &&
	    snprintf(path, sizeof path, "%.*s/%s", (int)(slash - beside), beside, what) < (int)sizeof path &&
	    access(path, R_OK) == 0)
		return theme_load_file(t, path, err, errlen);
	return theme_find(t, what, app_datadirs(), err, errlen);
}

int export_path_check(const char *path, const char *what, const char *hint, char *err, size_t errlen)
{
	size_t n = strlen(path);

	if (strcmp(path, "-") == 0) {
		snprintf(err, errlen, "%s is written when the run ends, not to standard output; give a file name (%s)",
			 what, hint);
		return -1;
	}
	if (n >= 4 && strcmp(path + n - 4, ".ini") == 0) {
		snprintf(err, errlen, "%s looks like a scenario or theme file, which %s would overwrite; give %s", path,
			 what, hint);
		return -1;
	}
	return 0;
}
