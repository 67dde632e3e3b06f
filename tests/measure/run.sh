#!/bin/sh
# Measurement tests: --pacelc classifies each preset by its stated rule and
# says where that differs from the seed's table; --staleness agrees with the
# PBS closed form for quorums picked at random. Prints "ok ..." or "FAILED
# ..." per check.
cd "$(dirname "$0")/../.." || exit 2
BIN=${CAPVIZ:-./capviz}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. tests/checks.sh

# PACELC, measured: the class each preset shows on its own replicas, with
# three seeds (the classes must not hang on one run's luck).
for seed in 1 2 3; do
	"$BIN" --pacelc --seed "$seed" > "$tmp/p$seed" 2>&1; rc=$?
	check "pacelc seed $seed: exit 0" sh -c "[ $rc -eq 0 ] || { cat $tmp/p$seed; exit 1; }"
	for row in "cassandra-one PA/EL PA/EL agrees" "cassandra-quorum PC/EC PA/EC DIFFERS" \
		"dynamodb PA/EL PA/EL agrees" "dynamodb-strong PC/EC PC/EC agrees" "zookeeper PC/EL PC/EC DIFFERS"; do
		set -- $row
		check "pacelc seed $seed: $1 measures $2" sh -c \
			"grep -E '^$1 .*\\| $2 +$3 +$4\$' $tmp/p$seed || { cat $tmp/p$seed; exit 1; }"
	done
	check "pacelc seed $seed: cassandra-all measures PC/EC, with no row in the seed" sh -c \
		"grep -E '^cassandra-all .*\\| PC/EC +no row in the seed\$' $tmp/p$seed || { cat $tmp/p$seed; exit 1; }"
	check "pacelc seed $seed: each difference is explained" sh -c \
		"[ \$(grep -c '^  [a-z-]*: measured P./E., the seed says' $tmp/p$seed) -eq 2 ]"
	# The class the status bar and --list-presets give, read off the
	# rules, is the class measured here.
	for p in cassandra-one cassandra-quorum cassandra-all dynamodb dynamodb-strong zookeeper; do
		check "pacelc seed $seed: $p measures the class --list-presets gives" sh -c \
			"cls=\$($BIN --list-presets | sed -n 's/^$p  *\\([^ ]*\\) .*/\\1/p');
			 grep -E \"^$p .*\\| \$cls \" $tmp/p$seed"
	done
done
check "pacelc: the seed's rows, quoted" sh -c \
	"grep -q -F '  Cassandra (QUORUM)                 PA/EC  (cassandra-quorum)' $tmp/p1 &&
	 grep -q -F '  DynamoDB (strong reads)            PC/EC  (dynamodb-strong)' $tmp/p1 &&
	 grep -q -F '  MySQL (single node)                -/EC   (single)' $tmp/p1 &&
	 grep -q -F 'It has no Cassandra (ALL) row' $tmp/p1"
check "pacelc: cassandra-quorum differs from the seed only on P, and says why" grep -q -F \
	"cassandra-quorum: measured PC/EC, the seed says PA/EC (Cassandra (QUORUM)). Cut off, C answered 0 of its 32 reads: it errs rather than answer what may be stale." "$tmp/p1"
check "pacelc: eventual reads are stale without a partition, strong ones never" sh -c \
	"grep -E '^dynamodb .*\\| [0-9]+/[0-9]+ms +[0-9]+/[0-9]+ms +[1-9][0-9]*/96' $tmp/p1 &&
	 grep -E '^dynamodb-strong .*\\| [0-9]+/[0-9]+ms +[0-9]+/[0-9]+ms +0/96' $tmp/p1"
check "pacelc: shares during the partition: answered of C's requests, stale of its answered reads" sh -c \
	"grep -E '^cassandra-one +[0-9]+/[0-9]+ 100% +[0-9]+/[0-9]+ [0-9]+% ' $tmp/p1 &&
	 grep -E '^cassandra-quorum +0/[0-9]+ 0% +- ' $tmp/p1"
"$BIN" --pacelc --seed 1 > "$tmp/again" 2>&1
check "pacelc: the same seed, the same report" cmp "$tmp/p1" "$tmp/again"
check "pacelc: takes no scenario" status 2 "$BIN" --pacelc balance

# Staleness: the closed form, against quorums picked at random.
for nrw in "3 1 1" "5 1 1" "5 2 2" "7 2 3" "3 2 2"; do
	# shellcheck disable=SC2086
	"$BIN" --staleness $nrw --trials 20000 > "$tmp/s" 2>&1; rc=$?
	check "staleness $nrw: exit 0" sh -c "[ $rc -eq 0 ] || { cat $tmp/s; exit 1; }"
	check "staleness $nrw: measured agrees with the closed form for k = 1, 2, 3" sh -c \
		"[ \$(grep -cE '^  [123]   [0-9.]+ +[0-9.]+ +[0-9.]+ +yes\$' $tmp/s) -eq 3 ] || { cat $tmp/s; exit 1; }"
done
"$BIN" --staleness 3 1 1 --trials 20000 > "$tmp/s311" 2>&1
check "staleness 3 1 1: the closed form is 1/3" has "$tmp/s311" "^  1   0\.3[0-9]* *0\.3333 "
check "staleness 3 1 1: a curve is drawn" has "$tmp/s311" "delay after the write completes"
"$BIN" --staleness 3 2 2 > "$tmp/s322" 2>&1
check "staleness 3 2 2: R + W > N reads fresh at once" has "$tmp/s322" "(at once: 1.0000;"
"$BIN" --staleness 5 1 1 write-req pareto 0.235ms 10 write-ack exp 1ms read-req exp 1ms read-reply exp 1ms \
	> "$tmp/par" 2>&1
check "staleness: a latency model per kind" has "$tmp/par" "latency: write pareto 0.235ms 10, ack exp 1ms"
check "staleness: R above N is refused" status 2 "$BIN" --staleness 3 4 1
check "staleness: a bad model is refused" sh -c "$BIN --staleness 3 1 1 gamma 3ms 2>&1 | grep -q \"LATENCY 'gamma 3ms': expected a duration (40ms) or a model\""
check "staleness: LATENCY as the latency command reads it: base and jitter" sh -c \
	"$BIN --staleness 3 1 1 --trials 1000 40ms 10ms | grep -q '^latency: write uniform 40ms +-10ms, ack uniform 40ms +-10ms'"
check "staleness: LATENCY quoted as one word" sh -c \
	"$BIN --staleness 3 1 1 --trials 1000 'write-req exp 4ms read-reply constant 2ms' | grep -q '^latency: write exp 4ms, ack exp 10ms, read exp 10ms, reply constant 2ms'"
check "staleness: a bad shape is named" sh -c "$BIN --staleness 3 1 1 pareto 1ms 0 2>&1 | grep -q 'expected a shape above 0'"
check "staleness: --trials alone is refused" status 2 "$BIN" --trials 1000
# Options that would shape a run or write one out are refused, not ignored.
for opt in "--nodes 5" "--preset zookeeper" "--mode ap" "--export $tmp/x.md" "--trace $tmp/t" "--speed 3" "--record-cast $tmp/c"; do
	# shellcheck disable=SC2086
	check "staleness: $opt is refused" sh -c "$BIN --staleness 3 1 1 $opt 2>&1 | grep -q 'it takes no ${opt%% *}'"
	# shellcheck disable=SC2086
	check "pacelc: $opt is refused" sh -c "$BIN --pacelc $opt 2>&1 | grep -q 'it takes no ${opt%% *}'"
done
check "staleness: no file written when refused" sh -c "[ ! -e $tmp/x.md ] && [ ! -e $tmp/t ] && [ ! -e $tmp/c ]"
