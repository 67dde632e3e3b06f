/* fuzz_history.c: libFuzzer over --check-history's input: any bytes are
 * parsed as a history file; what parses (up to a dozen operations, the
 * search being exponential in the worst case) is checked. Nothing may
 * crash, leak or trip the sanitizers. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "capviz/histfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wgl_history h;
	struct wgl_result r;
	char err[512];
	FILE *f;

	if (size == 0)
		return 0;
	f = fmemopen((void *)data, size, "r");
	if (!f)
		return 0;
	if (histfile_parse(&h, f, "fuzz", err, sizeof err) == 0 && h.n <= 12)
		wgl_check(&h, &r);
	wgl_free(&h);
	fclose(f);
	return 0;
}
