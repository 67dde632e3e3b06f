#!/bin/sh
# Exploration tests: capviz --explore on the real binary. The CP systems
# show no violation over a few hundred random runs (10,000 in the
# benchmark); the AP ones do, and the scenario printed for the first one
# replays it: its expectations (expect stale N, expect lost N) hold. Prints
# "ok ..." or "FAILED ..." per check.
cd "$(dirname "$0")/../.." || exit 2
BIN=${CAPVIZ:-./capviz}
RUNS=${EXPLORE_RUNS:-300}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

. tests/checks.sh

# CP: every run linearizable, every session kept, the invariant kept.
for sys in "-m cp" "-m strict" "-p zookeeper --read sync" "-p dynamodb-strong" \
	"-p cassandra-quorum --writers 1" "-m cp -n 5"; do
	f=$tmp/cp.out
	# shellcheck disable=SC2086
	"$BIN" --explore "$RUNS" $sys > "$f" 2>&1; rc=$?
	check "explore $sys: $RUNS runs, exit 0" sh -c "[ $rc -eq 0 ] || { cat $f; exit 1; }"
	check "explore $sys: no violation" has "$f" "^; violations  0 of $RUNS runs"
	check "explore $sys: no stale read" has "$f" "^; stale       0 "
done

# AP (and ZooKeeper's plain reads, DynamoDB's eventual ones): violations
# found, and the reproducer replays them.
for sys in "-m ap" "-p cassandra-one" "-p cassandra-quorum" "-p dynamodb" "-p zookeeper"; do
	f=$tmp/ap.ini
	# shellcheck disable=SC2086
	"$BIN" --explore "$RUNS" $sys > "$f" 2>&1; rc=$?
	check "explore $sys: a violation found, exit 1" sh -c "[ $rc -eq 1 ] || { cat $f; exit 1; }"
	check "explore $sys: the reproducer is a valid scenario" "$BIN" --check "$f"
	check "explore $sys: the reproducer is shrunk" sh -c \
		"grep '^; shrunk from' $f | awk '{ if (\$7 + 0 >= \$4 + 0 || \$7 + 0 > 8) exit 1 }'"
	"$BIN" -H "$f" > "$tmp/replay" 2>&1; rc=$?
	check "explore $sys: the reproducer replays, its expectations hold" \
		sh -c "[ $rc -eq 0 ] || { cat $tmp/replay; exit 1; }"
	check "explore $sys: the replay shows the violation" has "$tmp/replay" " \(STALE\|LOST\|RYW\|MONOTONIC\|LOST UPDATE\)"
done

# The same seed gives the same exploration, byte for byte; another seed another.
"$BIN" --explore 50 -m ap --seed 9 > "$tmp/a" 2>&1
"$BIN" --explore 50 -m ap --seed 9 > "$tmp/b" 2>&1
"$BIN" --explore 50 -m ap --seed 10 > "$tmp/c" 2>&1
check "explore: the same seed, the same output" cmp "$tmp/a" "$tmp/b"
check "explore: another seed, other runs" sh -c "! cmp -s $tmp/a $tmp/c"
# Run i of --seed S is run 1 of --seed S+i-1.
seed=$(sed -n 's/^; The first violating run, seed \([0-9]*\).*/\1/p' "$tmp/a")
"$BIN" --explore 1 -m ap --seed "$seed" > "$tmp/one" 2>&1
check "explore: --explore 1 --seed S replays the run it names" sh -c \
	"sed -n '/^\\[scenario\\]/,\$p' $tmp/a > $tmp/a.ini; sed -n '/^\\[scenario\\]/,\$p' $tmp/one > $tmp/one.ini; cmp $tmp/a.ini $tmp/one.ini"

# Bad input: a clear message and exit status 2.
check "explore: --explore 0 is refused" sh -c "$BIN --explore 0 2>&1 | grep -q 'explore: expected a number of runs'; [ \$($BIN --explore 0 >/dev/null 2>&1; echo \$?) -eq 2 ]"
check "explore: --explore x is refused" status 2 "$BIN" --explore x
check "explore: --read nonsense is refused" sh -c "$BIN --explore 5 --read fast 2>&1 | grep -q 'read: expected a level'"
check "explore: a read the preset lacks is refused" sh -c "$BIN --explore 5 -p dynamodb --read sync 2>&1 | grep -q 'dynamodb reads are eventual or strong'"
check "explore: a read that leaves the preset is refused" status 2 "$BIN" --explore 5 -p zookeeper --read QUORUM
check "explore: --writers beyond the nodes is refused" sh -c "$BIN --explore 5 --writers 4 2>&1 | grep -q 'only 3 nodes'"
check "explore: --read without --explore is refused" status 2 "$BIN" -H --read sync
check "explore: --explore with a scenario is refused" status 2 "$BIN" --explore 5 balance
