#!/bin/sh
# bench_screen.sh: the live screen's cost. Runs ./capviz in a private tmux
# pane (100x30) for ten seconds paused and ten seconds animating, and prints
# wake-ups per second (voluntary context switches, /proc), CPU time, and the
# bytes written to the terminal per second beside those of redrawing the
# whole screen at 30 frames a second. Targets: 0 wake-ups paused; under 3%
# of a core and under a fifth of the full-redraw bytes animating. It prints
# figures; it never fails.
cd "$(dirname "$0")/../.." || exit 0
SECS=${BENCH_SECONDS:-10}
ROWS=30
COLS=100
BIN=${CAPVIZ:-./capviz}
if ! command -v tmux >/dev/null 2>&1 || [ ! -x "$BIN" ] || [ ! -d /proc/self ]; then
	echo "bench_screen: needs tmux, /proc and $BIN (skipped)"
	exit 0
fi
T="tmux -L capviz-bench-$$ -f /dev/null"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/capviz-bench.XXXXXX")
SOCK="${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/capviz-bench-$$"
trap '$T kill-server >/dev/null 2>&1; rm -f "$SOCK"; rm -rf "$TMP"' EXIT
trap 'exit 0' INT TERM HUP
HZ=$(getconf CLK_TCK 2>/dev/null || echo 100)

$T new-session -d -x $COLS -y $ROWS -s b \
	"LANG=C.UTF-8 LC_ALL=C.UTF-8 sh -c 'echo \$\$ > $TMP/pid; exec $BIN'; sleep 60"
n=0
while [ ! -s "$TMP/pid" ] && [ $n -lt 50 ]; do sleep 0.1; n=$((n + 1)); done
PID=$(cat "$TMP/pid" 2>/dev/null)
if [ -z "$PID" ] || [ ! -r "/proc/$PID/status" ]; then
	echo "bench_screen: capviz did not start (skipped)"
	exit 0
fi
: > "$TMP/out"
$T pipe-pane -t b -o "cat >> $TMP/out"

wakeups() { sed -n 's/^voluntary_ctxt_switches:[[:space:]]*//p' "/proc/$PID/status"; }
# utime + stime, in clock ticks (fields 14 and 15; the name in field 2 has no spaces)
ticks() { awk '{ print $14 + $15 }' "/proc/$PID/stat"; }
bytes() { wc -c < "$TMP/out" | tr -d ' '; }

# measure LABEL: samples the process for SECS seconds and prints one line.
measure() {
	w0=$(wakeups); c0=$(ticks); b0=$(bytes)
	sleep "$SECS"
	w1=$(wakeups); c1=$(ticks); b1=$(bytes)
	awk -v l="$1" -v w=$((w1 - w0)) -v c=$((c1 - c0)) -v b=$((b1 - b0)) -v s="$SECS" \
	    -v hz="$HZ" -v full=$((ROWS * COLS * 30)) 'BEGIN {
		printf "%-10s %10.1f %9.2f%% %12.0f %13d %8.1f%%\n", l, w / s, 100 * c / hz / s, b / s, full,
		       100 * b / s / full }'
}

sleep 1
echo "capviz live screen, ${COLS}x${ROWS}, ${SECS}s per phase"
printf '%-10s %10s %10s %12s %13s %9s\n' phase "wakeups/s" "cpu" "bytes/s" "full-redraw/s" "of full"
$T send-keys -t b Space
sleep 1
measure paused
$T send-keys -t b Space
sleep 0.5
measure animating
echo "targets: 0 wake-ups/s paused; animating < 3% cpu and < 20% of the full-redraw bytes"
$T send-keys -t b q
exit 0
