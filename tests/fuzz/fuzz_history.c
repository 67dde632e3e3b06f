/* fuzz_history.c: libFuzzer over --check-history's input: any bytes are
 * parsed as a history file, and what parses is checked, however many
 * operations it has, within a step limit (the search is exponential in the
 * worst case: the limit is what --check-history has too, smaller, so that
 * each input takes milliseconds and the fuzzer's -timeout catches a check
 * that would not stop). The seeds include porcupine's histories of 77 to
 * 200 operations. Nothing may crash, leak or trip the sanitizers. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "capviz/histfile.h"

#define FUZZ_STEPS 200000
#define FUZZ_CACHE_BYTES (8u << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wgl_limits lim = { FUZZ_STEPS, FUZZ_CACHE_BYTES, NULL, NULL };
	struct wgl_history h;
	struct wgl_result r;
	char err[512];

	if (histfile_parse_buf(&h, (const char *)data, size, "fuzz", err, sizeof err) == 0)
		wgl_check_limited(&h, &lim, &r);
	wgl_free(&h);
	return 0;
}
