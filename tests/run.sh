#!/bin/sh
# Runs every test of capviz and ends with one line "N passed, N failed".
# Unit tests (cmocka) count one per test case, plain and under ASan+UBSan;
# scenario, screen, fuzz and contract checks count one per check.
cd "$(dirname "$0")/.." || exit 2
MAKE=${MAKE:-make}
passed=0
failed=0
log=build/test-log
mkdir -p build
: > "$log"

pass() { passed=$((passed + 1)); echo "ok      $1"; }
fail() { failed=$((failed + 1)); echo "FAILED  $1"; }

# A cmocka binary: count its cases from its own summary lines.
run_cmocka() {
	name=$1; shift
	out=$("$@" 2>&1); rc=$?
	echo "$out" >> "$log"
	p=$(echo "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' | tail -n 1)
	f=$(echo "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' | tail -n 1)
	p=${p:-0}; f=${f:-0}
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1   # crashed or a sanitizer stopped it
	fi
	passed=$((passed + p)); failed=$((failed + f))
	if [ "$f" -eq 0 ]; then
		echo "ok      $name ($p cases)"
	else
		echo "FAILED  $name ($f of $((p + f)) cases; see $log)"
		echo "$out" | grep -E '^\[  (FAILED|ERROR)|ERROR|error:|runtime error|Sanitizer' | head -n 10
	fi
}

echo "== unit tests"
if $MAKE -s unit >>"$log" 2>&1; then
	for t in build/unit/test_*; do
		[ -x "$t" ] && run_cmocka "unit/$(basename "$t")" "$t"
	done
else
	fail "building the unit tests (see $log)"
fi

echo "== unit tests under AddressSanitizer and UndefinedBehaviorSanitizer"
if $MAKE -s asan >>"$log" 2>&1; then
	for t in build/asan/unit/test_*; do
		# The property tests run fewer cases under the sanitizers.
		[ -x "$t" ] && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 CAPVIZ_EXACT_RUNS=600 \
			run_cmocka "asan/$(basename "$t")" "$t"
	done
else
	fail "building under the sanitizers (see $log)"
fi

# Each suite prints "ok ..." / "FAILED ..." lines; count them. The scenario
# suite runs twice: on the build, and on the binary built with the sanitizers.
for suite in tests/scenarios/run.sh asan:tests/scenarios/run.sh tests/scenarios/truth.sh tests/explore/run.sh asan:tests/explore/run.sh tests/checker/run.sh asan:tests/checker/run.sh tests/inputs/run.sh asan:tests/inputs/run.sh tests/install.sh tests/measure/run.sh tests/export/run.sh asan:tests/export/run.sh tests/cast/run.sh asan:tests/cast/run.sh tests/docs.sh tests/tui/run.sh; do
	bin=./capviz
	case $suite in asan:*) suite=${suite#asan:}; bin=build/asan/capviz;; esac
	[ -f "$suite" ] || continue
	[ -x "$bin" ] || { fail "$bin was not built"; continue; }
	echo "== $suite ($bin)"
	out=$(CAPVIZ=$bin sh "$suite" 2>&1)
	echo "$out" >> "$log"
	echo "$out" | grep -E '^(ok|FAILED) '
	p=$(echo "$out" | grep -c '^ok ')
	f=$(echo "$out" | grep -c '^FAILED ')
	passed=$((passed + p)); failed=$((failed + f))
done

echo "== fuzzing (briefly)"
if command -v clang >/dev/null 2>&1; then
	if $MAKE -s fuzz-build >>"$log" 2>&1; then
		for f in build/fuzz/fuzz_*; do
			[ -x "$f" ] || continue
			n=$(basename "$f")
			mkdir -p "build/corpus/$n"
			# -timeout: one input that takes longer is a failure (a check that never stops).
			if "$f" -max_total_time="${FUZZ_SECONDS:-10}" -timeout="${FUZZ_TIMEOUT:-10}" \
				"build/corpus/$n" tests/fuzz/seeds >>"$log" 2>&1; then
				pass "fuzz/$n"
			else
				fail "fuzz/$n (see $log)"
			fi
		done
	else
		fail "building the fuzzers (see $log)"
	fi
else
	echo "(clang not found: fuzzers skipped)"
fi

if [ -x ../shared/checks/contract ]; then
	echo "== contract (../shared/checks/contract)"
	if out=$(../shared/checks/contract 2>&1); then
		pass "contract: $(echo "$out" | tail -n 1)"
	else
		echo "$out"
		fail "contract"
	fi
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
