#!/bin/sh
# The history checker (--check-history) against porcupine's verdicts: every
# history in tests/data/porcupine/histories gets the verdict VERDICTS.tsv
# gives it (etcd_095 is empty and has none). Then capviz's own runs written
# with --history: a CP run is linearizable, an AP run with a stale read is
# not; and bad history files are refused with FILE:LINE and exit 2. Prints
# "ok ..." or "FAILED ..." per check.
cd "$(dirname "$0")/../.." || exit 2
BIN=${CAPVIZ:-./capviz}
DATA=tests/data/porcupine
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. tests/checks.sh

# jepsen/etcd_NNN.log -> histories/etcd_NNN.hist, kv/cNN-x.txt -> histories/cNN-x.kv;
# the kv files are listed twice (with and without partitioning), once is enough.
verdicts=0
grep -v '^#' "$DATA/VERDICTS.tsv" | while IFS="$(printf '\t')" read -r file bytes expected rest; do
	case $expected in true) want=0 ;; false) want=1 ;; *) continue ;; esac
	base=$(basename "$file")
	case $file in
	jepsen/*) h=$DATA/histories/${base%.log}.hist ;;
	kv/*) h=$DATA/histories/${base%.txt}.kv ;;
	*) continue ;;
	esac
	[ -f "$tmp/seen-$base" ] && continue
	: > "$tmp/seen-$base"
	check "check-history $base: linearizable=$expected" status "$want" "$BIN" --check-history "$h"
done
check "check-history: every verdict of VERDICTS.tsv was checked" sh -c \
	"[ \$(grep -v '^#' $DATA/VERDICTS.tsv | grep -c '	true	\|	false	') -ge 100 ]"

# A not-linearizable verdict names the operation and its line.
"$BIN" --check-history "$DATA/histories/etcd_000.hist" > "$tmp/v" 2>&1
check "check-history: the stuck operation is named with FILE:LINE" has "$tmp/v" \
	"etcd_000.hist:[0-9]*: not linearizable: key x: every search got stuck at \`r x "

# Hand-made histories: the five textbook cases.
printf 'w x 1 0 10\nr x 1 20 30\n' > "$tmp/ok.hist"
check "check-history: a read after a write sees it" status 0 "$BIN" --check-history "$tmp/ok.hist"
printf 'w x 1 0 10\nw x 2 20 30\nr x 1 40 50\n' > "$tmp/stale.hist"
check "check-history: a stale read is not linearizable" status 1 "$BIN" --check-history "$tmp/stale.hist"
printf 'w x 1 0 10\nw x 2 20 50\nr x 2 30 40\nr x 1 45 60\n' > "$tmp/overlap.hist"
check "check-history: a read after a newer read of an overlapping write is not" status 1 "$BIN" --check-history "$tmp/overlap.hist"
printf 'w x 1 0 10\nw x 2 20 inf\nr x 2 30 40\n' > "$tmp/took.hist"
check "check-history: a write that never returned may have taken effect" status 0 "$BIN" --check-history "$tmp/took.hist"
printf 'w x 1 0 10\nw x 2 20 inf\nr x 1 30 40\nr x 1 50 60\n' > "$tmp/didnot.hist"
check "check-history: ... or not" status 0 "$BIN" --check-history "$tmp/didnot.hist"
printf 'w x 1 0 10\nc x 1:2:ok 20 30\nc x 1:3:ok 40 50\n' > "$tmp/cas.hist"
check "check-history: two compare-and-sets from one value cannot both succeed" status 1 "$BIN" --check-history "$tmp/cas.hist"
printf "a k 'x' 0 10\na k 'y z' 20 30\nr k 'xy z' 40 50\n" > "$tmp/append.kv"
check "check-history: appends with quoted values" status 0 "$BIN" --check-history "$tmp/append.kv"

# capviz's own runs, written with --history and checked by the search.
"$BIN" -H --mode cp --history "$tmp/cp.hist" > /dev/null 2>&1
check "history: a CP run's history is linearizable" status 0 "$BIN" --check-history "$tmp/cp.hist"
"$BIN" -H --mode ap --history "$tmp/ap.hist" > /dev/null 2>&1
check "history: an AP run's history has the stale read" has "$tmp/ap.hist" "^r balance 100 "
check "history: an AP run's history is not linearizable" status 1 "$BIN" --check-history "$tmp/ap.hist"
"$BIN" -H --mode ap --history - > "$tmp/stdout.hist" 2>&1
check "history: '-' writes it to stdout, alone" cmp "$tmp/stdout.hist" "$tmp/ap.hist"
"$BIN" -H -s dynamodb-transaction --history "$tmp/txn.hist" > /dev/null 2>&1
check "history: conditional writes become compare-and-sets" has "$tmp/txn.hist" "^c balance [0-9]*:[0-9]*:ok "

# Bad input: FILE:LINE and exit 2.
printf 'w x 1 0 10\nq x 1 0 10\n' > "$tmp/bad1.hist"
"$BIN" --check-history "$tmp/bad1.hist" > "$tmp/o" 2>&1; rc=$?
check "check-history: an unknown operation is refused with FILE:LINE" sh -c \
	"[ $rc -eq 2 ] && grep -q 'bad1.hist:2: expected an operation r, w, c, a or i' $tmp/o"
printf 'w x 1 10\n' > "$tmp/bad2.hist"
"$BIN" --check-history "$tmp/bad2.hist" > "$tmp/o" 2>&1; rc=$?
check "check-history: a missing field is refused" sh -c "[ $rc -eq 2 ] && grep -q 'bad2.hist:1: expected 5 fields' $tmp/o"
printf 'w x 1 10 5\n' > "$tmp/bad3.hist"
check "check-history: a return before the invoke is refused" status 2 "$BIN" --check-history "$tmp/bad3.hist"
printf "c x 1-2 0 5\n" > "$tmp/bad4.hist"
check "check-history: a malformed compare-and-set is refused" status 2 "$BIN" --check-history "$tmp/bad4.hist"
printf "a k 'open 0 5\n" > "$tmp/bad5.kv"
check "check-history: an unclosed quote is refused" status 2 "$BIN" --check-history "$tmp/bad5.kv"
check "check-history: a missing file is refused" status 2 "$BIN" --check-history "$tmp/no-such-file"
