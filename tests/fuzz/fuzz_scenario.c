/* fuzz_scenario.c: libFuzzer over the scenario loader: any bytes must give a
 * scenario or a "FILE:LINE: message", never a crash or a leak. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "capviz/scenario.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct scenario s;
	char err[CMD_ERR_MAX + 600];
	/* The first byte may override the node count, as --nodes does. */
	int nodes = size > 0 ? data[0] % (WORLD_MAX_NODES + 2) : 0;

	if (size > 0) {
		data++;
		size--;
	}
	if (scenario_load_buf(&s, "fuzz.ini", (const char *)data, size, nodes, err, sizeof err) == 0)
		scenario_free(&s);
	else if (strncmp(err, "fuzz.ini", 8) != 0)
		__builtin_trap();
	return 0;
}
