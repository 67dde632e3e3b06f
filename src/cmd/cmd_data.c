/* cmd_data.c: the parsers of the commands on data: write, add, remove and
 * read; heal and strategy; resolve; invariant; expect. Values may be numbers,
 * set elements or set literals ({apple, pear}). The table that calls them is
 * cmd.c's. */
#include <stdio.h>
#include <string.h>

#include "capviz/cmd.h"
#include "capviz/world.h"
#include "cmd_data.h"
#include "lex.h"

/* The usage of write, add, remove and read, shown when arguments are
 * missing. */
static const char *op_usage(enum cmd_kind k)
{
	switch (k) {
	case CMD_WRITE:
		return "expected a node, a key and a value (write A balance 500 [ONE|QUORUM|ALL])";
	case CMD_ADD:
		return "expected a node, a key and a number or an element "
		       "(add A balance -100 [ONE|QUORUM|ALL], add A cart apple)";
	case CMD_REMOVE:
		return "expected a node, a key and an element (remove A cart apple [ONE|QUORUM|ALL])";
	default:
		return "expected a node and a key (read C balance [ONE|QUORUM|ALL|local|sync|eventual|strong])";
	}
}

/* The argument of write (a number), add (a number or an element) and remove
 * (an element). A sign or a digit makes a number, so "12ab" is told it is a
 * bad number rather than a bad name. */
static int parse_op_arg(struct lex *c, struct command *out, const struct lex_tok *t)
{
	char ch = t->s[0], show[32];
	bool number = (ch >= '0' && ch <= '9') || ch == '-' || ch == '+';
	bool name = ch == '_' || (ch >= 'a' && ch <= 'z');

	if (out->kind == CMD_WRITE || (out->kind == CMD_ADD && number))
		return lex_want_value(c, t, &out->value);
	lex_show(t, show, sizeof show);
	if (out->kind == CMD_REMOVE && !name)
		return lex_fail(c, "expected an element name, got '%s' (remove A cart apple)", show);
	if (!name)
		return lex_fail(c, "expected a number or an element name, got '%s' "
			    "(add A balance -100, add A cart apple)", show);
	out->is_elem = true;
	return lex_want_elem(c, t, out->elem);
}

/* write, add, remove, read: node, key, (value or element,) optional level. */
int cmd_data_op(struct lex *c, struct command *out)
{
	const char *usage = op_usage(out->kind);
	struct lex_tok t;
	bool value = out->kind != CMD_READ;

	if (lex_want_node(c, &out->a, usage) < 0)
		return -1;
	if (!lex_next(c, &t))
		return lex_fail(c, "%s", usage);
	if (lex_want_key(c, &t, out->key) < 0)
		return -1;
	if (value) {
		if (!lex_next(c, &t))
			return lex_fail(c, "%s", usage);
		if (parse_op_arg(c, out, &t) < 0)
			return -1;
	}
	if (lex_opt_level(c, out, !value ? "the key" : out->is_elem ? "the element" : "the value") < 0)
		return -1;
	if (value && level_is_read_option(out->level))
		return lex_fail(c, "'%s' is a read option; a write takes ONE, QUORUM or ALL", level_name(out->level));
	return 0;
}

/* heal [lww|crdt|merge]: without a strategy, the world's own. */
int cmd_data_heal(struct lex *c, struct command *out)
{
	struct lex_tok t;

	if (!lex_next(c, &t))
		return 0;
	if (lex_want_strategy(c, &t, &out->strategy) < 0)
		return -1;
	return lex_want_end(c, "the strategy");
}

int cmd_data_strategy(struct lex *c, struct command *out)
{
	struct lex_tok t;

	if (!lex_next(c, &t))
		return lex_fail(c, "expected lww, crdt or merge (strategy crdt)");
	if (lex_want_strategy(c, &t, &out->strategy) < 0)
		return -1;
	return lex_want_end(c, "the strategy");
}

/* The value of resolve and expect: a number, or a set literal. */
static int parse_value_or_set(struct lex *c, struct command *out, const char *usage)
{
	struct lex_tok t;

	if (lex_at_set(c)) {
		out->is_set = true;
		return lex_want_set(c, &out->set);
	}
	if (!lex_next(c, &t))
		return lex_fail(c, "%s", usage);
	return lex_want_value(c, &t, &out->value);
}

/* "NODE KEY VALUE" to the end of the line, VALUE a number or a set. */
static int parse_node_key_value(struct lex *c, struct command *out, const char *usage)
{
	struct lex_tok t;

	if (lex_want_node(c, &out->a, usage) < 0)
		return -1;
	if (!lex_next(c, &t))
		return lex_fail(c, "%s", usage);
	if (lex_want_key(c, &t, out->key) < 0)
		return -1;
	if (parse_value_or_set(c, out, usage) < 0)
		return -1;
	return lex_want_end(c, "the value");
}

int cmd_data_resolve(struct lex *c, struct command *out)
{
	static const char usage[] = "expected a node, a key and a value "
				    "(resolve C balance 300, resolve C cart {apple, pear})";

	return parse_node_key_value(c, out, usage);
}

static bool is_cmp_char(char ch)
{
	return ch == '<' || ch == '>' || ch == '=' || ch == '!';
}

/* The comparison of an invariant, in enum inv_op order. */
static const char *const inv_ops[] = { ">=", ">", "<=", "<", "==", "!=" };

/* The comparison at the cursor into out->inv; key is the key before it. */
static int parse_cmp(struct lex *c, struct command *out, const char *key)
{
	const char *p = c->line + c->pos, *q;
	struct lex_tok t;
	char show[32];

	while (*p && lex_is_space(*p))
		p++;
	for (q = p; *q && is_cmp_char(*q); q++)
		;
	for (int i = 0; i < (int)(sizeof inv_ops / sizeof inv_ops[0]); i++)
		if ((size_t)(q - p) == strlen(inv_ops[i]) && memcmp(p, inv_ops[i], (size_t)(q - p)) == 0) {
			out->inv = i;
			c->pos = (size_t)(q - c->line);
			return 0;
		}
	if (!*p)
		return lex_fail(c, "expected a comparison (>=, >, <=, <, == or !=) after %s (%s %s>=0)",
			    key, out->kind == CMD_TXN ? "txn A balance -100 if" : "invariant", key);
	for (q = p; *q && !lex_is_space(*q); q++)
		;
	t = (struct lex_tok){ p, (size_t)(q - p) };
	lex_show(&t, show, sizeof show);
	return lex_fail(c, "expected a comparison (>=, >, <=, <, == or !=) after %s, got '%s'", key, show);
}

/* KEY OP N, with or without spaces around OP, into key, out->inv and *n:
 * the lexer's tokens do not fit ('>' is one of its own), so the key and the
 * comparison are read from the text. */
static int parse_condition(struct lex *c, struct command *out, char *key, int64_t *n, const char *usage)
{
	const char *p = c->line + c->pos, *q;
	struct lex_tok t;

	while (*p && lex_is_space(*p))
		p++;
	for (q = p; *q && !lex_is_space(*q) && !is_cmp_char(*q); q++)
		;
	if (q == p)
		return lex_fail(c, "%s", usage);
	t = (struct lex_tok){ p, (size_t)(q - p) };
	if (lex_want_key(c, &t, key) < 0)
		return -1;
	c->pos = (size_t)(q - c->line);
	if (parse_cmp(c, out, key) < 0)
		return -1;
	if (!lex_next(c, &t))
		return lex_fail(c, "expected a number after %s%s (%s %s%s0)", key, inv_ops[out->inv],
			    out->kind == CMD_TXN ? "txn A balance -100 if" : "invariant", key, inv_ops[out->inv]);
	return lex_want_value(c, &t, n);
}

int cmd_data_invariant(struct lex *c, struct command *out)
{
	static const char usage[] = "expected a key, a comparison and a number (invariant balance>=0)";

	if (parse_condition(c, out, out->key, &out->value, usage) < 0)
		return -1;
	return lex_want_end(c, "the number");
}

/* txn NODE KEY VALUE if KEY OP N: a signed value (-100, +50) adds to the
 * key, an unsigned one (500) sets it, in either case only when the
 * condition holds on the key's latest committed value. */
int cmd_data_txn(struct lex *c, struct command *out)
{
	static const char usage[] = "expected a node, a key, a change and a condition "
				    "(txn A balance -100 if balance>=100, or txn A balance 500 if balance==100)";
	struct lex_tok t;
	char show[32];

	if (lex_want_node(c, &out->a, usage) < 0)
		return -1;
	if (!lex_next(c, &t))
		return lex_fail(c, "%s", usage);
	if (lex_want_key(c, &t, out->key) < 0)
		return -1;
	if (!lex_next(c, &t))
		return lex_fail(c, "%s", usage);
	out->is_delta = t.s[0] == '-' || t.s[0] == '+';
	if (lex_want_value(c, &t, &out->value) < 0)
		return -1;
	if (!lex_next(c, &t))
		return lex_fail(c, "expected 'if' and a condition after the value (txn %c %s %s if %s>=100)",
			    'A' + out->a, out->key, out->is_delta ? "-100" : "500", out->key);
	if (!lex_is(&t, "if")) {
		lex_show(&t, show, sizeof show);
		return lex_fail(c, "expected 'if' after the value, got '%s' (txn %c %s -100 if %s>=100)", show,
			    'A' + out->a, out->key, out->key);
	}
	if (parse_condition(c, out, out->cond_key, &out->cond_value, usage) < 0)
		return -1;
	if (strcmp(out->cond_key, out->key) != 0)
		return lex_fail(c, "the condition must be on %s, the key the transaction writes (if %s>=100)",
			    out->key, out->key);
	return lex_want_end(c, "the condition");
}

/* lock, unlock, elect: a node (whose client acts) and a path. */
int cmd_data_lock(struct lex *c, struct command *out)
{
	struct lex_tok t;
	char usage[96], show[32];
	const char *eg = out->kind == CMD_ELECT ? "/elections/master" : "/locks/resource_A";

	snprintf(usage, sizeof usage, "expected a node and a path (%s A %s)", c->name, eg);
	if (lex_want_node(c, &out->a, usage) < 0)
		return -1;
	if (!lex_next(c, &t))
		return lex_fail(c, "%s", usage);
	if (!cmd_path_valid(t.s, t.len)) {
		lex_show(&t, show, sizeof show);
		return lex_fail(c, "bad path '%s' (a '/' then letters, digits, '_', '.', '-' and single '/', at most "
			    "%d characters, e.g. %s)", show, KEY_NAME_MAX - 1, eg);
	}
	memcpy(out->key, t.s, t.len);
	out->key[t.len] = '\0';
	return lex_want_end(c, "the path");
}

/* expect holder PATH NODE... | none: exactly these clients hold the lock
 * (several: a split brain; none: nobody). */
static int expect_holder(struct lex *c, struct command *out)
{
	static const char usage[] = "expected a path and the nodes whose clients hold it, or none "
				    "(expect holder /locks/resource_A A)";
	struct lex_tok t;
	char show[32];
	int node, listed = 0;

	if (!lex_next(c, &t))
		return lex_fail(c, "%s", usage);
	if (!cmd_path_valid(t.s, t.len)) {
		lex_show(&t, show, sizeof show);
		return lex_fail(c, "bad path '%s' (expect holder /locks/resource_A A)", show);
	}
	memcpy(out->key, t.s, t.len);
	out->key[t.len] = '\0';
	if (lex_peek(c, &t) && lex_is(&t, "none")) {
		lex_next(c, &t);
		return lex_want_end(c, "none");
	}
	while (lex_next(c, &t)) {
		if (lex_node(c, &t, &node) < 0)
			return -1;
		if (out->group[node] > 0)
			return lex_fail(c, "node %c is listed twice", 'A' + node);
		out->group[node] = 1;
		listed++;
	}
	return listed ? 0 : lex_fail(c, "%s", usage);
}

int cmd_data_expect(struct lex *c, struct command *out)
{
	static const char usage[] = "expected a node, a key and a value, last ok|error|unknown|stale|lost, stale or lost and "
				    "a count, holder and a path, or invariant and a rule (expect C balance 500, expect "
				    "last error, expect stale 0, expect holder /locks/r A, expect invariant balance>=0)";
	static const char *const outcomes[OUTCOME_COUNT] = { "ok", "error", "stale", "lost", "unknown" };
	struct lex_tok t;
	char show[32];

	if (!lex_peek(c, &t))
		return lex_fail(c, "%s", usage);
	if (lex_is(&t, "stale") || lex_is(&t, "lost")) {
		out->expect = EXPECT_COUNT;
		out->outcome = lex_is(&t, "stale") ? OUTCOME_STALE : OUTCOME_LOST;
		lex_next(c, &t);
		if (!lex_next(c, &t))
			return lex_fail(c, "expected how many (expect %s 0)", out->outcome == OUTCOME_STALE ? "stale" : "lost");
		if (lex_want_value(c, &t, &out->value) < 0)
			return -1;
		if (out->value < 0)
			return lex_fail(c, "a count is 0 or more");
		return lex_want_end(c, "the count");
	}
	if (lex_is(&t, "holder") || lex_is(&t, "holders")) {
		lex_next(c, &t);
		out->expect = EXPECT_HOLDER;
		return expect_holder(c, out);
	}
	if (lex_is(&t, "invariant")) {
		lex_next(c, &t);
		out->expect = EXPECT_INVARIANT;
		if (parse_condition(c, out, out->key, &out->value,
				    "expected a rule after invariant (expect invariant balance>=0 [broken])") < 0)
			return -1;
		if (lex_next(c, &t)) {
			if (!lex_is(&t, "broken")) {
				lex_show(&t, show, sizeof show);
				return lex_fail(c, "expected 'broken' or nothing after the rule, got '%s'", show);
			}
			out->broken = true;
		}
		return lex_want_end(c, "broken");
	}
	if (lex_is(&t, "last")) {
		lex_next(c, &t);
		out->expect = EXPECT_LAST;
		if (!lex_next(c, &t))
			return lex_fail(c, "expected ok, error, unknown, stale or lost (expect last error)");
		for (int i = 0; i < OUTCOME_COUNT; i++)
			if (lex_is(&t, outcomes[i])) {
				out->outcome = (enum expect_outcome)i;
				return lex_want_end(c, "the outcome");
			}
		lex_show(&t, show, sizeof show);
		return lex_fail(c, "expected ok, error, unknown, stale or lost, got '%s'", show);
	}
	out->expect = EXPECT_VALUE;
	return parse_node_key_value(c, out, usage);
}
