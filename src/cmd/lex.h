/* lex.h: private to src/cmd: the tokens of a command line and the readers of
 * its arguments (nodes, durations, keys, levels) that every command parser
 * shares. Each reader fails with a message naming the command. */
#ifndef CAPVIZ_LEX_H
#define CAPVIZ_LEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capviz/cmd.h"

/* A cursor over the line being parsed; tokens are read lazily so a line of
 * any length needs no token array. */
struct lex {
	const char *line;
	size_t pos;
	const char *name;       /* the command's canonical name, for messages */
	int nnodes;
	char *err;
	size_t errlen;
};

/* A token points into the line: it is not NUL-terminated. */
struct lex_tok {
	const char *s;
	size_t len;
};

bool lex_is_space(char ch);
/* The next token; '>' and '|' are tokens of their own. False at the end. */
bool lex_next(struct lex *c, struct lex_tok *t);
/* The next token, left unread. */
bool lex_peek(struct lex *c, struct lex_tok *t);
/* Case-insensitive (ASCII) comparison with a word. */
bool lex_is(const struct lex_tok *t, const char *word);
/* The token as a message may show it: printable, cut after 24 bytes. */
void lex_show(const struct lex_tok *t, char *buf, size_t size);
/* Fills err with "NAME: message"; returns -1. */
int lex_fail(struct lex *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The readers return 0, or -1 with err filled. */
int lex_node(struct lex *c, const struct lex_tok *t, int *node);
/* The next token as a node; usage is the message when the line ended. */
int lex_want_node(struct lex *c, int *node, const char *usage);
/* The line must end here; after says what came last ("the level"). */
int lex_want_end(struct lex *c, const char *after);
int lex_want_duration(struct lex *c, const struct lex_tok *t, bool sign, int64_t *us);
int lex_want_value(struct lex *c, const struct lex_tok *t, int64_t *v);
int lex_want_key(struct lex *c, const struct lex_tok *t, char *key);
/* A set element's name ([a-z_][a-z0-9_]*) into elem. */
int lex_want_elem(struct lex *c, const struct lex_tok *t, char *elem);
/* True when the next thing on the line is a set literal ('{'). */
bool lex_at_set(struct lex *c);
/* The set literal that starts at the cursor ({apple, pear}). */
int lex_want_set(struct lex *c, struct cmd_set *set);
/* A strategy name (lww, crdt, merge) into *strategy. */
int lex_want_strategy(struct lex *c, const struct lex_tok *t, int *strategy);
/* enum level of ONE, QUORUM, ALL, or a read option (local, sync, eventual,
 * strong); -1 for anything else. */
int lex_level(const struct lex_tok *t);
/* An optional trailing level into out->level, then the end of the line. */
int lex_opt_level(struct lex *c, struct command *out, const char *after);

#endif
