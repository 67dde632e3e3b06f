#!/bin/sh
# Builds and runs every benchmark; they print figures and never fail a build.
cd "$(dirname "$0")/../.." || exit 2
make -s build/bench/bench_engine build/bench/bench_lincheck >/dev/null || exit 1
./build/bench/bench_engine "$@"
./build/bench/bench_lincheck
for b in tests/bench/*.sh; do
	[ "$(basename "$b")" = run.sh ] && continue
	sh "$b"
done
