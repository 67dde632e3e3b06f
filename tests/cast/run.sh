#!/bin/sh
# --record-cast: the live screen recorded as an asciicast v2 file. capviz
# runs in a private tmux server at 100x30 (tests/tui/lib.sh); the file must
# be valid JSON line by line, and its text, printed into a fresh pane of the
# same size, must show what the live pane showed, characters and looks.
# Prints one "ok NAME" or "FAILED NAME" line per check (tests/run.sh counts).
cd "$(dirname "$0")/../.." || exit 2
BIN=${CAPVIZ:-./capviz}
for tool in tmux jq; do
	if ! command -v $tool >/dev/null 2>&1; then
		echo "FAILED cast ($tool is not installed: make deps)"
		exit 0
	fi
done
[ -x "$BIN" ] || { echo "FAILED cast ($BIN is not built)"; exit 0; }
. tests/tui/lib.sh
FAILS=build/cast-failures
mkdir -p "$FAILS"

# check NAME COMMAND...: as lib.sh's, named cast/NAME; a failure keeps the
# pane and the recording in build/cast-failures/.
check() {
	name=$1
	shift
	if "$@"; then
		echo "ok cast/$name"
	else
		echo "FAILED cast/$name (see $FAILS/$name.*)"
		screen > "$FAILS/$name.txt"
		[ -f "$TMP/cur.cast" ] && cp "$TMP/cur.cast" "$FAILS/$name.cast"
	fi
}

# looks FILE: a capture-pane -e made comparable: each line's characters
# with the SGR state in force written as <codes> where it changes, blank
# default cells at the end left out (tmux writes its resets where its
# grid happens to end a line, which says nothing about what is shown).
looks() {
	awk -v esc="$(printf '\033')" -f tests/tui/sgr.awk -f tests/cast/looks.awk "$1"
}

# take NAME: the live pane now, as text and with its looks.
take() {
	screen > "$TMP/$1.txt"
	$TMUX_CMD capture-pane -p -e -t "$SESS" > "$TMP/$1.e"
}

# The pane's command: capviz with its stderr and exit status kept, then a
# shell's stty, so that the terminal's state after it can be checked.
run_capviz() {
	rm -f "$TMP/rc" "$TMP/err" "$TMP/stty" "$TMP/pid" "$TMP/cur.cast"
	start "sh -c 'echo \$\$ > $TMP/pid; $2 exec $BIN $1 2> $TMP/err'; echo \$? > $TMP/rc; stty -a > $TMP/stty; sleep 60"
}

# ended: capviz has exited and the shell after it has run; its stderr is
# kept for the sanitizer check at the end.
ended() {
	wait_file "$TMP/rc" 100 && wait_file "$TMP/stty" 30 && { cat "$TMP/err" >> "$TMP/all-err"; true; }
}

events() {
	echo $(($(wc -l < "$TMP/cur.cast") - 1))
}

json_valid() {
	jq -c . < "$TMP/cur.cast" > /dev/null 2>&1
}

header() {
	head -n 1 "$TMP/cur.cast" | jq -e '.version == 2 and .width == 100 and .height == 30 and
		(.timestamp | type) == "number" and .title == "capviz" and (.env.TERM | type) == "string"' >/dev/null
}

# Every event is [time, "o" or "r", text], the times rising strictly.
shape() {
	tail -n +2 "$TMP/cur.cast" | jq -s -e 'length > 0 and
		all(.[]; type == "array" and length == 3 and (.[0] | type) == "number" and
		    (.[1] == "o" or .[1] == "r") and (.[2] | type) == "string") and
		([.[][0]] as $t | all(range(1; $t | length); $t[.] > $t[. - 1]))' >/dev/null
}

# The first frame clears the screen and hides the cursor.
first_whole() {
	sed -n 2p "$TMP/cur.cast" | jq -e '.[1] == "o" and (.[2] | contains("\u001b[2J")) and
		(.[2] | contains("\u001b[?25l"))' >/dev/null
}

# replay FROM: the "o" texts of events FROM on (1 = the first) printed in a
# fresh 100x30 pane; it must show what the live pane showed (live.txt,
# live.e), characters and looks.
replay() {
	tail -n "+$(($1 + 1))" "$TMP/cur.cast" | jq -j 'select(.[1] == "o") | .[2]' > "$TMP/replay"
	start "sh -c 'cat $TMP/replay; sleep 60'"
	sleep 0.5
	take replayed
	if ! cmp -s "$TMP/live.txt" "$TMP/replayed.txt"; then
		diff "$TMP/live.txt" "$TMP/replayed.txt" | head -n 20
		return 1
	fi
	looks "$TMP/live.e" > "$TMP/live.looks"
	looks "$TMP/replayed.e" > "$TMP/replayed.looks"
	if ! cmp -s "$TMP/live.looks" "$TMP/replayed.looks"; then
		diff "$TMP/live.looks" "$TMP/replayed.looks" | head -n 20
		return 1
	fi
}

# Paused, the screen does not change, and no event is written (each
# event is flushed as it is written, so the file can be counted live).
paused_quiet() {
	keys Space && wait_for "PAUSED" && sleep 0.5 && n1=$(events) && sleep 2 && n2=$(events) &&
		[ "$n1" -gt 0 ] && [ "$n1" -eq "$n2" ]
}

session_ok() {
	[ "$(cat "$TMP/rc")" = 0 ] && [ ! -s "$TMP/err" ] && tty_sane "$TMP/stty" && cursor_visible
}

# The main run: isolate B, the help opened and closed, a pause, q.
F=$TMP/cur.cast
run_capviz "--record-cast $F"
if wait_for "?:help" && keys 2 i && wait_for "> isolate B" && keys "?" && wait_for "capviz keys" &&
	sleep 0.3 && keys Escape && wait_gone "capviz keys"; then
	echo "ok cast/drive"
else
	echo "FAILED cast/drive"
	screen > "$FAILS/drive.txt"
fi
check paused_quiet paused_quiet
take live
keys q
check quit ended
check session session_ok
check json json_valid
check header header
check shape shape
check first_whole first_whole
check replay replay 1

# A scenario with wide characters (two cells each) and a combining accent.
printf '[scenario]\nname = wide\nnodes = 3\nmode = ap\ninit = balance=100\n[timeline]\n0s = say "日本語のキャプション: wide, e\314\201 combining, 한국어 ok"\n3000s = say "The end."\n' > "$TMP/wide.ini"
run_capviz "-s $TMP/wide.ini --record-cast $F"
wait_for "한국어" && keys Space && wait_for "PAUSED" && sleep 0.3
take live
keys q
check wide_shown grep -q -F "$(printf "日本語のキャプション: wide, e\314\201 combining, 한국어 ok")" "$TMP/live.txt"
check wide_quit ended
check wide_json json_valid
check wide_replay replay 1

# Resizes, one to a window too small for the screen: an "r" event with
# each new size, and the next frame is whole, so the events after the last
# resize alone show the screen.
resized() {
	tail -n +2 "$F" | jq -s -e '[.[] | select(.[1] == "r") | .[2]] == ["90x25", "70x20", "100x30"]' >/dev/null &&
		tail -n +2 "$F" | jq -s -e '[range(0; length - 1) as $i | select(.[$i][1] == "r") | .[$i + 1]] |
			length == 3 and all(.[]; .[1] == "o" and (.[2] | contains("\u001b[2J")))' >/dev/null
}
after_last_resize() {
	replay "$(tail -n +2 "$F" | jq -s '[range(0; length) as $i | select(.[$i][1] == "r") | $i + 2] | last')"
}
run_capviz "--speed 10 --record-cast $F"
wait_for "?:help" && $TMUX_CMD resize-window -t "$SESS" -x 90 -y 25 && sleep 0.5 &&
	$TMUX_CMD resize-window -t "$SESS" -x 70 -y 20 && wait_for "at least 80x24" &&
	$TMUX_CMD resize-window -t "$SESS" -x 100 -y 30 && wait_gone "at least 80x24" && wait_for "?:help" &&
	keys Space && wait_for "PAUSED" && sleep 0.3
take live
keys q
check resize_quit ended
check resize_events resized
check resize_replay after_last_resize

# Ended by SIGTERM: the terminal comes back and the file is whole.
run_capviz "--speed 10 --record-cast $F"
# A new theme gives the colour pairs new colours: the cells must follow.
wait_for "?:help" && keys 1 x && wait_for "> crash A" && keys t && wait_for "theme " && keys Space &&
	wait_for "PAUSED" && sleep 0.3
take live
kill -TERM "$(cat "$TMP/pid")"
check term_quit ended
check term_restored eval 'tty_sane "$TMP/stty" && cursor_visible'
check term_json json_valid
check term_replay replay 1

# asciinema itself, where it is installed, plays the file to the same screen.
played() {
	rm -f "$TMP/played"
	start "sh -c 'asciinema play -i 0.05 -s 4 $F; echo \$? > $TMP/played; sleep 60'"
	wait_file "$TMP/played" 300 && [ "$(cat "$TMP/played")" = 0 ] && take replayed &&
		cmp -s "$TMP/live.txt" "$TMP/replayed.txt" &&
		looks "$TMP/live.e" > "$TMP/live.looks" && looks "$TMP/replayed.e" > "$TMP/replayed.looks" &&
		cmp -s "$TMP/live.looks" "$TMP/replayed.looks"
}
if command -v asciinema >/dev/null 2>&1; then
	check asciinema_play played
fi

# A path that cannot be written: exit 2, the file named, the terminal fine.
bad=$TMP/no/such/dir/x.cast
run_capviz "--record-cast $bad"
unwritable() {
	ended && [ "$(cat "$TMP/rc")" = 2 ] && grep -q -F -- "--record-cast: cannot write $bad: " "$TMP/err" &&
		tty_sane "$TMP/stty" && cursor_visible
}
check unwritable unwritable

# A file that takes nothing (a full disk): refused at once, the same way.
run_capviz "--record-cast /dev/full"
full_at_open() {
	ended && [ "$(cat "$TMP/rc")" = 2 ] && grep -q -F "cannot write /dev/full: " "$TMP/err" &&
		tty_sane "$TMP/stty" && cursor_visible
}
check full_at_open full_at_open

# A write that fails later (the file size limit, half a kilobyte: the
# header fits, the first frame does not): the screen goes on, and quitting
# says so on stderr and exits 2 (the recording is incomplete).
run_capviz "--record-cast $F" 'trap "" XFSZ; ulimit -f 1;'
late_failure() {
	wait_for "?:help" && keys q && ended && [ "$(cat "$TMP/rc")" = 2 ] &&
		grep -q -F -- "capviz: --record-cast: cannot write $F: " "$TMP/err" &&
		tty_sane "$TMP/stty" && cursor_visible
}
check late_failure late_failure

# --record-cast needs the screen: --headless refuses it.
headless() {
	out=$("$BIN" --headless --record-cast "$TMP/h.cast" 2>&1 </dev/null)
	[ $? -eq 2 ] && echo "$out" | grep -q -F -- "--record-cast" && [ ! -e "$TMP/h.cast" ]
}
check headless headless

# Under the sanitizers (CAPVIZ=build/asan/capviz), no run reported a thing.
sanitizers_quiet() {
	! grep -E -q 'Sanitizer|runtime error|leak' "$TMP/all-err"
}
touch "$TMP/all-err"
check sanitizers_quiet sanitizers_quiet
