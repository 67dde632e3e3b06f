#!/bin/sh
# Truth tests (issue 13): what capviz says is what the run does. A caption
# never tells of something before the transcript shows it; the docs say
# what the code does (a blocking read repair; a lock that two clients can
# both act on when one is paused, which the fencing token covers); notes
# and promises follow the read level in force. Prints "ok ..." or
# "FAILED ..." per check.
cd "$(dirname "$0")/../.." || exit 2
BIN=${CAPVIZ:-./capviz}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. tests/checks.sh

# before FILE A B: the transcript's first line matching A comes before its
# first line matching B (both must be there).
before() {
	a=$(grep -n -m 1 -- "$2" "$1" | cut -d: -f1)
	b=$(grep -n -m 1 -- "$3" "$1" | cut -d: -f1)
	[ -n "$a" ] && [ -n "$b" ] && [ "$a" -lt "$b" ] && return 0
	echo "'$2' (line ${a:-none}) should come before '$3' (line ${b:-none})"
	cat "$1"
	return 1
}

for n in balance-ap balance-cp zookeeper-ensemble zookeeper-lock; do
	"$BIN" --headless "scenarios/$n.ini" > "$tmp/$n" 2>&1
done
# Captions that once ran ahead of the run.
check "balance-ap: A holds its hint before a caption says so" \
	before "$tmp/balance-ap" "hint    A holds a hint for C" "say .*hint for C"
check "balance-ap: the hint reaches C before a caption says so" \
	before "$tmp/balance-ap" "[0-9]  apply   C stores balance=500" "say .*hint.* reach"
check "balance-cp: C has caught up before a caption says so" \
	before "$tmp/balance-cp" "[0-9]  apply   C stores balance=500" "say .*caught up"
check "zookeeper-ensemble: a new leader is elected before a caption says they serve again" \
	before "$tmp/zookeeper-ensemble" "leader  . is leader (term [2-9]" "say .*serve again"
# Every shipped caption that tells of a hint comes after the run's first hint.
for f in scenarios/*.ini; do
	n=$(basename "$f" .ini)
	"$BIN" --headless "$f" > "$tmp/all" 2>&1
	if grep -q "say .*hint" "$tmp/all"; then
		check "$n: no caption tells of a hint before the run holds one" before "$tmp/all" "  hint    " "say .*hint"
	fi
done

# Read repair blocks the read (leaderless.c), as Cassandra's does.
man_text=$(sed 's/\\-/-/g; s/\\f[BIRP]//g' man/capviz.1 | tr '\n' ' ')
check "capviz(1): read repair is not said to run in the background" sh -c \
	"! printf '%s' \"\$1\" | grep -q 'repairs, in the background'" sh "$man_text"
check "capviz(1): read repair blocks the read" sh -c \
	"printf '%s' \"\$1\" | grep -q 'The repair blocks the read'" sh "$man_text"

# Locks: ZooKeeper's recipe does not keep two holders apart against a paused
# client; capviz says what its model assumes and what the tokens buy.
check "no text promises never two holders" sh -c \
	"! grep -rn -i 'never two holders\|there are never two' README.md man scenarios src"
check "capviz(1): the lock model's assumption and the paused client" sh -c \
	"printf '%s' \"\$1\" | grep -q \"capviz's clients never pause\" &&
	 printf '%s' \"\$1\" | grep -q 'rejects a request that carries an older one'" sh "$man_text"
check "README: the lock model's assumption and the tokens" sh -c \
	"grep -q \"capviz's clients never pause\" README.md &&
	 grep -q 'rejects a request with a token' README.md"
check "zookeeper-lock: the captions say what the token buys" has "$tmp/zookeeper-lock" \
	"say     That is what the token is for: storage that has seen token 2 rejects a request with token 1."

# Plain cp answers a local read on a node without a leader: its note and
# the promise must not say it refuses (issue 13).
printf '[scenario]\nnodes = 3\nmode = cp\nseed = 7\ninit = balance=100\n[timeline]\n0s = level read local\n1s = isolate C\n+0.1s = write A balance 500\n+0.7s = read C balance\n+0s = expect last stale\n' > "$tmp/local.ini"
"$BIN" --headless "$tmp/local.ini" > "$tmp/local" 2>&1
check "cp, local reads: C answers while cut off, and no line says it refuses" sh -c \
	"grep -q 'read balance at C \[local\]: ok, 100' $tmp/local && ! grep -q 'refusing requests' $tmp/local &&
	 grep -q 'C lost its leader A: until it follows a leader again, only local reads are answered there' $tmp/local"
