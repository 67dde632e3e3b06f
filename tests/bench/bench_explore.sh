#!/bin/sh
# The exploration bound of issue 6, measured: 10,000 random runs of each
# CP system must show no violation; each AP system's count is printed too.
# Prints the figures; never fails a build.
cd "$(dirname "$0")/../.." || exit 2
BIN=${CAPVIZ:-./capviz}
RUNS=${EXPLORE_RUNS:-10000}
[ -x "$BIN" ] || make -s capviz >/dev/null || exit 1
for sys in "-m cp" "-m strict" "-p zookeeper --read sync" "-p dynamodb-strong" "-p cassandra-quorum --writers 1" \
	"-m ap" "-p cassandra-one" "-p cassandra-quorum" "-p dynamodb" "-p zookeeper"; do
	start=$(date +%s.%N)
	# shellcheck disable=SC2086
	out=$("$BIN" --explore "$RUNS" $sys 2>&1)
	end=$(date +%s.%N)
	ops=$(echo "$out" | sed -n 's/^; operations  \([0-9]*\).*/\1/p')
	viol=$(echo "$out" | sed -n 's/^; violations  \([0-9]*\) of.*/\1/p')
	stale=$(echo "$out" | sed -n 's/^; stale  *\([0-9]*\).*/\1/p')
	lost=$(echo "$out" | sed -n 's/^; lost  *\([0-9]*\) .*/\1/p')
	printf 'explore %-32s %6s runs %7s ops: %5s violating runs (%s stale, %s lost) in %.2fs\n' \
		"$sys" "$RUNS" "$ops" "$viol" "$stale" "$lost" "$(awk "BEGIN { print $end - $start }")"
done
