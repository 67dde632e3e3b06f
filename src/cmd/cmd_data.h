/* cmd_data.h: private to src/cmd: the parsers of the commands on data
 * (cmd_data.c), for the command table in cmd.c. Each reads the arguments
 * after the command word and returns 0, or -1 with c's err filled. */
#ifndef CAPVIZ_CMD_DATA_H
#define CAPVIZ_CMD_DATA_H

#include "capviz/cmd.h"
#include "lex.h"

/* write, add, remove, read (out->kind says which). */
int cmd_data_op(struct lex *c, struct command *out);
int cmd_data_heal(struct lex *c, struct command *out);
int cmd_data_strategy(struct lex *c, struct command *out);
int cmd_data_resolve(struct lex *c, struct command *out);
int cmd_data_invariant(struct lex *c, struct command *out);
int cmd_data_txn(struct lex *c, struct command *out);
/* lock, unlock, elect (out->kind says which). */
int cmd_data_lock(struct lex *c, struct command *out);
int cmd_data_expect(struct lex *c, struct command *out);

#endif
