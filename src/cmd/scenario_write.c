/* scenario_write.c: a scenario's [scenario] section written back, for the
 * files capviz writes itself (a live session's recording). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "capviz/scenario.h"
#include "capviz/world.h"

/* key = value, the value cut to what a scenario line holds. */
static void put(FILE *f, const char *key, const char *value)
{
	int room = SCENARIO_LINE_MAX - 14;

	fprintf(f, "%-11s = %.*s\n", key, room, value);
}

static void init_item(const struct scenario_init *in, char *buf, size_t len)
{
	size_t used;

	if (!in->is_set) {
		snprintf(buf, len, "%s=%" PRId64, in->key, in->value);
		return;
	}
	used = (size_t)snprintf(buf, len, "%s={", in->key);
	for (int i = 0; i < in->set.n && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s", i ? ", " : "", in->set.names[i]);
	if (used < len)
		snprintf(buf + used, len - used, "}");
}

void scenario_write_header(FILE *f, const struct scenario *sc, const char *name, const char *description,
			   const struct scenario_start *start)
{
	char buf[SCENARIO_LINE_MAX + 1], item[SCENARIO_LINE_MAX + 1];

	fputs("[scenario]\n", f);
	put(f, "name", name);
	if (description && *description)
		put(f, "description", description);
	fprintf(f, "%-11s = %d\n", "nodes", start->nodes);
	if (start->preset != PRESET_NONE)
		put(f, "preset", preset_name((enum preset)start->preset));
	else
		put(f, "mode", mode_name((enum mode)start->mode));
	fprintf(f, "%-11s = %" PRIu64 "\n", "seed", start->seed);
	/* One init line per key: a set can be long, and init lines add up. */
	for (int i = 0; i < sc->ninit; i++) {
		init_item(&sc->init[i], item, sizeof item);
		put(f, "init", item);
	}
	if (sc->strategy >= 0)
		put(f, "strategy", strategy_name((enum strategy)sc->strategy));
	for (int i = 0; i < sc->ninvariants; i++) {
		const struct scenario_invariant *v = &sc->invariants[i];

		snprintf(buf, sizeof buf, "%s%s%" PRId64, v->key, inv_op_name((enum inv_op)v->op), v->value);
		put(f, "invariant", buf);
	}
	if (sc->speed > 0)
		fprintf(f, "%-11s = %g\n", "speed", sc->speed);
	if (sc->theme[0])
		put(f, "theme", sc->theme);
}
