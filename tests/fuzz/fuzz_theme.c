/* fuzz_theme.c: libFuzzer over theme files: any bytes are read as a theme;
 * nothing may crash, leak or trip the sanitizers, and a file that loads
 * has a name and only colours a terminal can be given. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "capviz/theme.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct theme t;
	char err[600];

	if (theme_load_buf(&t, "fuzz.ini", (const char *)data, size, err, sizeof err) == 0) {
		if (!t.name[0])
			abort();
		for (int r = 0; r < UR_COUNT; r++)
			if (t.roles[r].fg < -1 || t.roles[r].fg > 255 || t.roles[r].bg < -1 || t.roles[r].bg > 255)
				abort();
	}
	return 0;
}
