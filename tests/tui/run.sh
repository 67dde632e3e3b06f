#!/bin/sh
# Screen tests: the real ./capviz in a private tmux server at 100x30, driven
# with send-keys and read with capture-pane. Prints one "ok NAME" or
# "FAILED NAME" line per check (tests/run.sh counts them).
cd "$(dirname "$0")/../.." || exit 2
if ! command -v tmux >/dev/null 2>&1; then
	echo "FAILED tui (tmux is not installed: make deps)"
	exit 0
fi
BIN=${CAPVIZ:-./capviz}
[ -x "$BIN" ] || { echo "FAILED tui ($BIN is not built)"; exit 0; }
. tests/tui/lib.sh

opening_once() {
	s=$(screen) &&
		[ "$(echo "$s" | grep -c -F 'balance=100 #1')" -eq 3 ] &&
		echo "$s" | grep -q -F '│ A  100' && echo "$s" | grep -q -F 'B' &&
		echo "$s" | grep -q -F 'C  100' &&
		echo "$s" | grep -q -F '──' &&
		echo "$s" | grep -q -F 'CP (leader-based)' && echo "$s" | grep -q -F 'speed 10x' &&
		echo "$s" | grep -q -F '?:help'
}

opening() {
	until_true 80 opening_once
}

isolate_write_read() {
	keys 3 i && wait_for "link C>B cut" && keys 1 w && wait_for "write at A: balance = 500" &&
		keys Enter && wait_for "ok, wrote 500" && keys 3 r && wait_for "ERROR: no quorum" 150
}

ap_stale() {
	keys m && wait_for "AP (leaderless)" && keys r && wait_for "STALE 100"
}

heal() {
	keys h && wait_for "link C>A restored" && wait_for "C  500" 100
}

prompt_open() {
	screen | grep -q '^ :'
}

prompt_cut() {
	keys Escape : && until_true 50 prompt_open && keys "cut A B" Enter && wait_for "> cut A B" && wait_for "link A>B cut"
}

bad_command() {
	keys Escape : "cut A Q" Enter && wait_for "unknown node 'Q'" && ! screen | grep -q -F "> cut A Q"
}

help_overlay() {
	keys "?" && wait_for "capviz keys" && screen | grep -q -F "one direction" &&
		keys x && wait_gone "capviz keys"
}

too_small() {
	$TMUX_CMD resize-window -t "$SESS" -x 70 -y 20 && wait_for "at least 80x24" &&
		$TMUX_CMD resize-window -t "$SESS" -x 100 -y 30 && wait_gone "at least 80x24" &&
		wait_for "Nodes" && wait_for "?:help"
}

# restored HOW: capviz ends (by q, or a signal); the shell after it finds
# echo and canonical mode on, and the cursor visible.
restored() {
	rm -f "$TMP/pid" "$TMP/stty"
	start "sh -c 'echo \$\$ > $TMP/pid; exec $BIN --speed 10'; stty -a > $TMP/stty; sleep 30"
	wait_for "balance=100 #1" || return 1
	case $1 in
	q) keys q ;;
	int) keys C-c ;;
	*) kill "-$1" "$(cat "$TMP/pid")" ;;
	esac
	wait_file "$TMP/stty" && tty_sane "$TMP/stty" && cursor_visible
}

start "$BIN --speed 10"
check opening-screen opening
check cp-write-ok-read-error isolate_write_read
check ap-read-is-stale ap_stale
check heal-converges heal
check prompt-cut prompt_cut
check bad-command-changes-nothing bad_command
check help-overlay help_overlay
check too-small-and-back too_small

check quit-restores-terminal restored q
check sigterm-restores-terminal restored TERM
check sigint-restores-terminal restored int
check sighup-restores-terminal restored HUP

notty() {
	out=$($BIN < /dev/null 2>&1)
	[ $? -eq 2 ] && echo "$out" | grep -q -F "the screen needs a terminal (try --headless)"
}
check needs-a-terminal notty
