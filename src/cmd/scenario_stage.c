/* scenario_stage.c: a scenario's stage: checks, once loaded, that it and
 * the timeline fit a world (keys of one type, not too many keys or set
 * elements), and puts it on a fresh world: the strategy, the first values (a
 * set's members by name) and the invariants. Reading the file is
 * scenario.c's. */
#include <stdio.h>
#include <string.h>

#include "capviz/scenario.h"
#include "capviz/world.h"
#include "scenario_stage.h"

/* The names a world would know by now, as world_key_typed and world_elem
 * would give them ids. */
struct stage_model {
	char keys[STORE_MAX_KEYS][KEY_NAME_MAX];
	int type[STORE_MAX_KEYS];
	int nkeys;
	char elems[SET_MAX_ELEMS][KEY_NAME_MAX];
	int nelems;
};

/* Like world_key_typed: the key's index, -1 when no more fit, -2 when it
 * has the other type. type -1 takes either, a new key being a number. */
static int model_key(struct stage_model *m, const char *name, int type)
{
	for (int i = 0; i < m->nkeys; i++)
		if (strcmp(m->keys[i], name) == 0)
			return type < 0 || m->type[i] == type ? i : -2;
	if (m->nkeys == STORE_MAX_KEYS)
		return -1;
	snprintf(m->keys[m->nkeys], KEY_NAME_MAX, "%s", name);
	m->type[m->nkeys] = type < 0 ? KT_INT : type;
	return m->nkeys++;
}

static int model_elem(struct stage_model *m, const char *name)
{
	for (int i = 0; i < m->nelems; i++)
		if (strcmp(m->elems[i], name) == 0)
			return i;
	if (m->nelems == SET_MAX_ELEMS)
		return -1;
	snprintf(m->elems[m->nelems], KEY_NAME_MAX, "%s", name);
	return m->nelems++;
}

static int model_init(struct stage_model *m, const struct scenario *s, int *line, char *msg, size_t msglen)
{
	for (int i = 0; i < s->ninit; i++) {
		const struct scenario_init *in = &s->init[i];

		*line = in->line;
		for (int j = 0; j < in->set.n; j++)
			if (model_elem(m, in->set.names[j]) < 0) {
				snprintf(msg, msglen, "init: too many set elements (at most %d in a world)",
					 SET_MAX_ELEMS);
				return -1;
			}
		/* Loading gave each key once and at most STORE_MAX_KEYS. */
		model_key(m, in->key, in->is_set ? KT_SET : KT_INT);
	}
	for (int i = 0; i < s->ninvariants; i++) {
		int k = model_key(m, s->invariants[i].key, KT_INT);

		*line = s->invariants[i].line;
		if (k == -2)
			snprintf(msg, msglen, "invariant: %s is a set (an invariant compares a number)",
				 s->invariants[i].key);
		else if (k == -1)
			snprintf(msg, msglen, "invariant: too many keys (at most %d)", STORE_MAX_KEYS);
		if (k < 0)
			return -1;
	}
	return 0;
}

/* A step as cmd_exec will meet it: the same checks, the same words. */
static int model_step(struct stage_model *m, const struct command *c, char *msg, size_t msglen)
{
	static const char *const names[CMD_KIND_COUNT] = {
		[CMD_WRITE] = "write", [CMD_ADD] = "add", [CMD_REMOVE] = "remove", [CMD_READ] = "read",
		[CMD_INVARIANT] = "invariant", [CMD_TXN] = "txn", [CMD_LOCK] = "lock", [CMD_ELECT] = "elect",
	};
	int k;

	if (!names[c->kind])
		return 0;
	k = model_key(m, c->key, cmd_key_type(c));
	if (k == -2)
		return cmd_type_error(c, msg, msglen);
	if (k == -1) {
		snprintf(msg, msglen, "%s: too many keys (at most %d)", names[c->kind], STORE_MAX_KEYS);
		return -1;
	}
	if (c->is_elem && model_elem(m, c->elem) < 0) {
		snprintf(msg, msglen, "%s: too many set elements (at most %d in a world)", names[c->kind],
			 SET_MAX_ELEMS);
		return -1;
	}
	return 0;
}

int scenario_stage_check(const struct scenario *s, int *line, char *msg, size_t msglen)
{
	struct stage_model m;

	memset(&m, 0, sizeof m);
	if (model_init(&m, s, line, msg, msglen) < 0)
		return -1;
	for (size_t i = 0; i < s->nsteps; i++) {
		*line = s->steps[i].line;
		if (model_step(&m, &s->steps[i].cmd, msg, msglen) < 0)
			return -1;
	}
	return 0;
}

/* The first values: a set's members get the world's element ids now. */
static int stage_init(const struct scenario *s, const struct scenario_init *in, struct world *w,
		      char *err, size_t errlen)
{
	uint32_t mask = 0;
	int r;

	for (int j = 0; in->is_set && j < in->set.n; j++) {
		int e = world_elem(w, in->set.names[j], true);

		if (e < 0) {
			snprintf(err, errlen, "%s:%d: init: too many set elements (at most %d in a world)",
				 s->path, in->line, SET_MAX_ELEMS);
			return -1;
		}
		mask |= 1u << e;
	}
	r = in->is_set ? world_init_set(w, in->key, mask) : world_init_value(w, in->key, in->value);
	if (r < 0)
		snprintf(err, errlen, "%s:%d: init: %s cannot take its first value (too many keys, or out of memory)",
			 s->path, in->line, in->key);
	return r;
}

int scenario_apply_stage(const struct scenario *s, struct world *w, char *err, size_t errlen)
{
	if (s->strategy >= 0 && s->strategy < STRAT_COUNT)
		world_set_strategy(w, (enum strategy)s->strategy);
	for (int i = 0; i < s->ninit; i++)
		if (stage_init(s, &s->init[i], w, err, errlen) < 0)
			return -1;
	for (int i = 0; i < s->ninvariants; i++) {
		const struct scenario_invariant *inv = &s->invariants[i];
		int key = world_key_typed(w, inv->key, KT_INT);

		if (key == -2) {
			snprintf(err, errlen, "%s:%d: invariant: %s is a set (an invariant compares a number)",
				 s->path, inv->line, inv->key);
			return -1;
		}
		if (key < 0 || world_add_invariant(w, key, (enum inv_op)inv->op, inv->value) < 0) {
			snprintf(err, errlen, "%s:%d: invariant: too many %s", s->path, inv->line,
				 key < 0 ? "keys" : "invariants");
			return -1;
		}
	}
	return 0;
}
