/* fuzz_run.c: libFuzzer over whole runs: any scenario that loads is played
 * headless (on virtual time, for at most a minute of it), so arbitrary
 * sequences of cuts, crashes, mode switches, writes, heals and compares reach
 * the protocols. Nothing may crash, leak or trip the sanitizers. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "capviz/session.h"

#define RUN_LIMIT_US (60LL * 1000000)
#define STEP_LIMIT 200000

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct session_options o = { 0, -1, false, 0, PRESET_NONE };
	struct scenario sc;
	struct session s;
	char err[CMD_ERR_MAX + 600];
	long steps = 0;

	if (size > 0) {
		o.mode = data[0] % 4 == 3 ? -1 : data[0] % 4;
		data++;
		size--;
	}
	if (scenario_load_buf(&sc, "fuzz.ini", (const char *)data, size, 0, err, sizeof err) < 0)
		return 0;
	if (session_init(&s, &sc, "fuzz.ini", &o, err, sizeof err) < 0)
		return 0;
	session_start(&s);
	while (!session_done(&s) && steps++ < STEP_LIMIT) {
		int64_t next = session_next_at(&s);

		if (next < 0 || next > RUN_LIMIT_US)
			break;
		session_step(&s);
	}
	session_free(&s);
	return 0;
}
