/* test_theme.c: themes: the shipped ones load and differ where they must;
 * every bad file in tests/themes/bad gives the message and line its first
 * two lines say; colours degrade to 16 and 8; a theme is found in the
 * user's directory before the built-in one. */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "capviz/theme.h"
#include "pipe_helpers.h"

static void test_shipped(void **state)
{
	static const char *const names[] = { "default", "light", "projector", "colorblind", "mono" };
	struct theme t, builtin;
	char path[128], err[600];

	(void)state;
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		snprintf(path, sizeof path, "themes/%s.ini", names[i]);
		if (theme_load_file(&t, path, err, sizeof err) < 0)
			fail_msg("%s", err);
		assert_string_equal(t.name, names[i]);
		assert_true(t.description[0] != '\0');
	}
	/* The file default.ini is the built-in default, role by role. */
	assert_int_equal(theme_load_file(&t, "themes/default.ini", err, sizeof err), 0);
	assert_true(theme_builtin(&builtin, "default"));
	assert_memory_equal(t.roles, builtin.roles, sizeof t.roles);
	assert_int_equal(theme_load_file(&t, "themes/mono.ini", err, sizeof err), 0);
	assert_true(theme_builtin(&builtin, "mono"));
	assert_memory_equal(t.roles, builtin.roles, sizeof t.roles);
	for (int r = 0; r < UR_COUNT; r++)
		assert_true(t.roles[r].fg < 0 && t.roles[r].bg < 0);
	/* Projector: nothing dim; colorblind: no red. */
	assert_int_equal(theme_load_file(&t, "themes/projector.ini", err, sizeof err), 0);
	for (int r = 0; r < UR_COUNT; r++)
		assert_false(t.roles[r].attrs & TA_DIM);
	assert_int_equal(theme_load_file(&t, "themes/colorblind.ini", err, sizeof err), 0);
	for (int r = 0; r < UR_COUNT; r++)
		assert_true(t.roles[r].fg != 1 && t.roles[r].fg != 9 && t.roles[r].fg != 2 && t.roles[r].fg != 10);
	assert_true(t.roles[UR_RESULT_OK].fg != t.roles[UR_RESULT_ERROR].fg);
}

static void test_bad_files(void **state)
{
	DIR *d = opendir("tests/themes/bad");
	struct dirent *e;
	int n = 0;

	(void)state;
	assert_non_null(d);
	while ((e = readdir(d))) {
		char path[512], first[512], second[64], want[1100], err[1100];
		struct theme t;
		FILE *f;
		int line = 0;
		size_t len = strlen(e->d_name);

		if (len < 5 || strcmp(e->d_name + len - 4, ".ini") != 0)
			continue;
		snprintf(path, sizeof path, "tests/themes/bad/%s", e->d_name);
		f = fopen(path, "r");
		assert_non_null(f);
		assert_non_null(fgets(first, sizeof first, f));
		assert_non_null(fgets(second, sizeof second, f));
		fclose(f);
		first[strcspn(first, "\n")] = '\0';
		if (strncmp(first, "; expect: ", 10) != 0 || sscanf(second, "; line: %d", &line) != 1)
			fail_msg("%s: the first lines must be '; expect: ...' and '; line: N'", path);
		snprintf(want, sizeof want, "%s:%d: %s", path, line, first + 10);
		assert_int_equal(theme_load_file(&t, path, err, sizeof err), -1);
		if (strcmp(err, want) != 0)
			fail_msg("%s:\n  got  %s\n  want %s", path, err, want);
		n++;
	}
	closedir(d);
	assert_true(n >= 10);
}

static void test_degrade(void **state)
{
	(void)state;
	assert_int_equal(theme_color_degrade(208, 256), 208);
	assert_int_equal(theme_color_degrade(208, 8), 3);          /* orange: yellow */
	assert_int_equal(theme_color_degrade(9, 8), 1);            /* bright red: red (in bold) */
	assert_int_equal(theme_color_degrade(9, 16), 9);
	assert_int_equal(theme_color_degrade(196, 16), 9);         /* pure red: bright red */
	assert_int_equal(theme_color_degrade(-1, 8), -1);          /* the default stays */
	assert_int_equal(theme_color_degrade(232, 16), 0);         /* near black */
	assert_int_equal(theme_color_degrade(231, 16), 15);        /* white: bright white */
	assert_int_equal(theme_color_degrade(255, 16), 7);         /* light grey: white */
}

static void test_text_forms(void **state)
{
	struct theme t;
	char err[600];

	(void)state;
	assert_int_equal(theme_load_text(&t, "t.ini",
					 "[theme]\nname = t\nglyphs = ascii\n[roles]\nlink.cut = #ff8700 on color17 bold "
					 "underline\nstatus = none\ncaption = Bright-White ITALIC\n", err, sizeof err), 0);
	assert_int_equal(t.glyphs, TG_ASCII);
	assert_int_equal(t.roles[UR_LINK_CUT].fg, 208);
	assert_int_equal(t.roles[UR_LINK_CUT].bg, 17);
	assert_int_equal(t.roles[UR_LINK_CUT].attrs, TA_BOLD | TA_UNDERLINE);
	assert_int_equal(t.roles[UR_STATUS].fg, -1);
	assert_int_equal(t.roles[UR_STATUS].attrs, 0u);
	assert_int_equal(t.roles[UR_CAPTION].fg, 15);
	assert_int_equal(t.roles[UR_CAPTION].attrs, TA_ITALIC);
	/* A role not named keeps the default theme's. */
	assert_int_equal(t.roles[UR_LINK_UP].fg, 4);
}

/* $XDG_CONFIG_HOME/capviz/themes comes first; a name found nowhere else is
 * a built-in one; a missing name says where it looked. */
static void test_lookup(void **state)
{
	char dir[] = "/tmp/capviz-theme-XXXXXX", sub[256], path[300], err[900];
	struct theme t;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(sub, sizeof sub, "%s/capviz", dir);
	assert_int_equal(mkdir(sub, 0700), 0);
	snprintf(sub, sizeof sub, "%s/capviz/themes", dir);
	assert_int_equal(mkdir(sub, 0700), 0);
	snprintf(path, sizeof path, "%s/mono.ini", sub);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("[theme]\nname = mono\ndescription = mine\n", f);
	fclose(f);
	setenv("XDG_CONFIG_HOME", dir, 1);
	assert_int_equal(theme_find(&t, "mono", NULL, err, sizeof err), 0);
	assert_string_equal(t.description, "mine");
	assert_int_equal(theme_find(&t, "nosuch", NULL, err, sizeof err), -1);
	assert_non_null(strstr(err, "no theme 'nosuch' (looked in "));
	unlink(path);
	rmdir(sub);
	snprintf(sub, sizeof sub, "%s/capviz", dir);
	rmdir(sub);
	rmdir(dir);
	unsetenv("XDG_CONFIG_HOME");
	setenv("HOME", "/nonexistent", 1);
	assert_int_equal(theme_find(&t, "default", (const char *const[]){ "/nonexistent", NULL }, err, sizeof err), 0);
}

/* Read once, whole, whatever the file is; too big and a directory say why
 * and where; two byte order marks are named as such. */
static void test_reading(void **state)
{
	static const char text[] = "[theme]\nname = piped\n[roles]\nlink.cut = red\n";
	size_t len = THEME_MAX_BYTES + 10;
	char path[64], err[600], *buf = malloc(len);
	struct theme t;
	int fd = pipe_with(text, path, sizeof path);

	(void)state;
	assert_true(fd >= 0);
	if (theme_load_file(&t, path, err, sizeof err) != 0)
		fail_msg("%s", err);
	assert_string_equal(t.name, "piped");
	close(fd);

	assert_int_equal(theme_load_file(&t, "tests", err, sizeof err), -1);
	assert_string_equal(err, "tests: cannot read it: Is a directory");

	assert_non_null(buf);
	memcpy(buf, "[theme]\nname = big\n", 19);
	for (size_t i = 19; i < len; i++)
		buf[i] = i % 8 == 7 ? '\n' : ';';
	assert_int_equal(theme_load_buf(&t, "big.ini", buf, len, err, sizeof err), -1);
	/* 8192 newlines come before byte 65537. */
	assert_string_equal(err, "big.ini:8193: too big for a theme (at most 64 KiB)");
	free(buf);

	assert_int_equal(theme_load_text(&t, "one.ini", "\xef\xbb\xbf[theme]\nname = one\n", err, sizeof err), 0);
	assert_int_equal(theme_load_text(&t, "two.ini", "\xef\xbb\xbf\xef\xbb\xbf[theme]\nname = two\n", err, sizeof err),
			 -1);
	assert_string_equal(err, "two.ini:1: a byte order mark (U+FEFF) past the start of the file: only the "
			    "first bytes may hold one; remove it");
}

/* --check tells a theme from a scenario by the bytes it read. */
static void test_is_theme(void **state)
{
	static const char *const themes[] = { "[theme]\nname = x\n", "\xef\xbb\xbf[roles]\n", "; c\n\n  [Theme]\n",
					      "\r\n[theme]\r\n" };
	static const char *const others[] = { "[scenario]\n", "", "[timeline]\n[theme]\n", "; [theme]\n" };

	(void)state;
	for (size_t i = 0; i < sizeof themes / sizeof themes[0]; i++)
		assert_true(theme_text_is_theme(themes[i], strlen(themes[i])));
	for (size_t i = 0; i < sizeof others / sizeof others[0]; i++)
		assert_false(theme_text_is_theme(others[i], strlen(others[i])));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shipped),
		cmocka_unit_test(test_bad_files),
		cmocka_unit_test(test_degrade),
		cmocka_unit_test(test_text_forms),
		cmocka_unit_test(test_lookup),
		cmocka_unit_test(test_reading),
		cmocka_unit_test(test_is_theme),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
