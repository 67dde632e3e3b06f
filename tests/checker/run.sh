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

# verdict NAME STATUS PATTERN FILE [OPTION...]: --check-history FILE ends
# within a minute, exits STATUS and says PATTERN (grep's).
verdict() {
	name=$1 want=$2 pat=$3 file=$4
	shift 4
	timeout 60 "$BIN" --check-history "$file" "$@" > "$tmp/o" 2>&1
	check "$name" sh -c '[ "$1" -eq "$2" ] && grep -q -- "$3" "$4" || { echo "exit status $1"; cat "$4"; exit 1; }' \
		sh "$?" "$want" "$pat" "$tmp/o"
}

# Issue 14: lines end at LF, CRLF or a lone CR; a NUL and a long line are
# said as such; a byte order mark may start the file; keys and values reach
# the terminal escaped.
printf 'w x 1 0 1\rr x 2 2 3\r' > "$tmp/cr.hist"
verdict "check-history: CR-only line ends are line ends (the read on line 2 is seen)" 1 \
	'cr.hist:2: not linearizable: key x: every search got stuck at .r x 2 2 3.' "$tmp/cr.hist"
printf 'w x 1 0 1\r\nr x 2 2 3\r\n' > "$tmp/crlf.hist"
verdict "check-history: CRLF line ends too" 1 'crlf.hist:2: not linearizable' "$tmp/crlf.hist"
printf 'w x 1 0 1\nr \033]0;PWNED\007\033[2J 5 2 3\n' > "$tmp/esc.hist"
verdict "check-history: a key's control characters are escaped" 1 \
	'key \\x1b]0;PWNED\\x07\\x1b\[2J: every search got stuck at' "$tmp/esc.hist"
check "check-history: ... and none reaches the terminal" sh -c \
	"! grep -q \"\$(printf '\\033')\" $tmp/o && ! grep -q \"\$(printf '\\007')\" $tmp/o"
printf 'w x 1 0 1\nr x 1\000 2 3\n' > "$tmp/nul.hist"
verdict "check-history: a NUL is said as one, at its line" 2 \
	'nul.hist:2: a NUL byte: a history is text, one operation a line' "$tmp/nul.hist"
verdict "check-history: /dev/zero is no text (a NUL), said before its size" 2 \
	'/dev/zero:1: a NUL byte: a history is text' /dev/zero
awk 'BEGIN { s = ""; for (i = 0; i < 4087; i++) s = s "7"; printf "w x %s 0 1\n", s }' > "$tmp/l4095.hist"
verdict "check-history: a line of exactly 4095 bytes is read" 0 'linearizable' "$tmp/l4095.hist"
awk 'BEGIN { s = ""; for (i = 0; i < 4088; i++) s = s "7"; printf "w x %s 0 1\n", s }' > "$tmp/l4096.hist"
verdict "check-history: a line of 4096 bytes is not" 2 'l4096.hist:1: the line is longer than 4095 bytes' \
	"$tmp/l4096.hist"
printf '\357\273\277w x 1 0 1\nr x 1 2 3\n' > "$tmp/bom.hist"
verdict "check-history: a byte order mark at the start is skipped" 0 'bom.hist: linearizable (2 operations' \
	"$tmp/bom.hist"
printf 'w x 1 0 1\rr x 2 2 3\r' | "$BIN" --check-history /dev/stdin > "$tmp/o" 2>&1; rc=$?
check "check-history: /dev/stdin on a pipe is read once" sh -c "[ $rc -eq 1 ] && grep -q '^/dev/stdin:2: not linearizable' $tmp/o"

# Issue 14: the search has a limit, says when it stopped it (exit 3), shows
# its progress on a terminal, and takes memory in proportion to the file.
# 40 concurrent writes, each read by reads concurrent with them all:
# linearizable, and exponential for the search.
awk 'BEGIN { for (i = 1; i <= 40; i++) printf "w x %d 0 1000\n", i; for (i = 1; i <= 40; i++) printf "r x %d 1 999\n", i }' \
	> "$tmp/w40.hist"
verdict "check-history: --max-steps stops the search, exit 3, and says so" 3 \
	'w40.hist: not decided within 1000000 search steps: 0 of 1 key linearizable, none found not to be; key x (80 operations) was still being searched; --max-steps N allows more' \
	"$tmp/w40.hist" --max-steps 1000000
verdict "check-history: 40 overlapping writes end within the default limit (exit 3)" 3 \
	'not decided within 100000000 search steps' "$tmp/w40.hist"
# 3,000 operations that overlap at random, linearizable by construction.
awk 'BEGIN { srand(3); v = 0; for (i = 0; i < 3000; i++) { p = i * 10; a = p - int(rand() * 200); if (a < 0) a = 0;
	b = p + int(rand() * 200) + 1; if (rand() < 0.5) { v = int(rand() * 5) + 1; printf "w x %d %d %d\n", v, a, b }
	else printf "r x %s %d %d\n", (v ? v : "nil"), a, b } }' > "$tmp/r3000.hist"
timeout 60 "$BIN" --check-history "$tmp/r3000.hist" > "$tmp/o" 2>&1; rc=$?
check "check-history: 3000 random overlapping operations end within the default limit" sh -c \
	"[ $rc -eq 3 ] && grep -q 'not decided within 100000000' $tmp/o || [ $rc -eq 0 ]"
check "check-history: --max-steps goes with --check-history" status 2 "$BIN" --max-steps 5 -H
check "check-history: --max-steps 0 is refused" status 2 "$BIN" --check-history "$tmp/ok.hist" --max-steps 0
if command -v script > /dev/null 2>&1; then
	# A search of some twenty seconds, stopped after four: the progress
	# line comes after the first second.
	timeout 4 script -qc "$BIN --check-history $tmp/w40.hist --max-steps 1000000000" /dev/null > "$tmp/o" 2>&1
	check "check-history: a long search shows its progress on a terminal" grep -q 'capviz: searching: [0-9]* of 1000000000 steps, 0 of 1 key linearizable' "$tmp/o"
fi
"$BIN" --check-history "$tmp/w40.hist" --max-steps 60000000 > /dev/null 2> "$tmp/e"
check "check-history: no progress when standard error is no terminal" sh -c "! grep -q searching $tmp/e"
# 100,000 keys of one operation each (a 2 MB file): memory in proportion.
# The limit is left out under AddressSanitizer, which reserves far more.
awk 'BEGIN { for (i = 0; i < 100000; i++) printf "w k%d 1 %d %d\n", i, i, i + 1 }' > "$tmp/keys.hist"
case $BIN in
*asan*) check "check-history: 100000 one-operation keys" status 0 timeout 60 "$BIN" --check-history "$tmp/keys.hist" ;;
*) check "check-history: 100000 one-operation keys within 400 MB" status 0 sh -c \
	"ulimit -v 400000; timeout 60 $BIN --check-history $tmp/keys.hist" ;;
esac
