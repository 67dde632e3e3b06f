/* fuzz_cmd.c: libFuzzer over the command parser, and over cmd_exec and
 * cmd_expect on a small world for what parses: any line must give a command
 * or a message, never a crash. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "capviz/cmd.h"
#include "capviz/world.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *line, err[CMD_ERR_MAX];
	struct command c;
	struct world w;
	/* The first byte picks the world's size, so every node count is tried. */
	int nodes = size > 0 ? 1 + data[0] % WORLD_MAX_NODES : 3;

	if (size > 0) {
		data++;
		size--;
	}
	line = malloc(size + 1);
	if (!line)
		return 0;
	memcpy(line, data, size);
	line[size] = '\0';
	if (cmd_parse(line, nodes, &c, err, sizeof err) == 0 &&
	    world_init(&w, nodes, 1, MODE_CP, err, sizeof err) == 0) {
		world_init_value(&w, "balance", 100);
		if (c.kind == CMD_EXPECT)
			cmd_expect(&w, &c, err, sizeof err);
		else if (cmd_is_world(&c))
			cmd_exec(&w, &c, err, sizeof err);
		world_run_until(&w, 2000000);
		world_free(&w);
	}
	free(line);
	return 0;
}
