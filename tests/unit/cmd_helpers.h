/* cmd_helpers.h: what the command tests share: a line that must parse, and
 * a line that must be refused with exactly the given message. Include after
 * cmocka.h. */
#ifndef CAPVIZ_TEST_CMD_HELPERS_H
#define CAPVIZ_TEST_CMD_HELPERS_H

#include "capviz/cmd.h"

static inline struct command ok(const char *line, int n)
{
	struct command c;
	char err[CMD_ERR_MAX] = "";

	if (cmd_parse(line, n, &c, err, sizeof err) != 0)
		fail_msg("'%s' did not parse: %s", line, err);
	return c;
}

static inline void bad(const char *line, int n, const char *want)
{
	struct command c;
	char err[CMD_ERR_MAX] = "";

	if (cmd_parse(line, n, &c, err, sizeof err) != -1)
		fail_msg("'%s' parsed, expected error: %s", line, want);
	assert_string_equal(err, want);
}

#endif
