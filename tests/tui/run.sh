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
		[ "$(echo "$s" | grep -c -F 'balance=100 v1')" -eq 3 ] &&
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
	keys 3 i && wait_for "link B-C cut" && keys 1 w && wait_for "write at A: balance = 500" &&
		keys Enter && wait_for "ok, wrote 500" && keys 3 r && wait_for "ERROR: no quorum" 150
}

ap_stale() {
	keys m && wait_for "AP (leaderless)" && keys r && wait_for "STALE 100"
}

# Diverge again and heal by last-write-wins: one withdrawal is LOST, and
# the client panel says so beside the request.
heal_lww_lost() {
	keys : "partition A B | C" Enter && wait_for "> partition A B | C" &&
		keys : "add A balance -40" Enter && wait_for "#6  A  add -40" &&
		keys : "add C balance -40" Enter && wait_for "#7  C  add -40" &&
		keys h && wait_for "1 lww" && keys 1 && wait_for "LOST: wrote 380" 100 &&
		wait_for "C  380" && until_true 50 links_up
}

# v at a node in conflict lists its versions; a digit resolves by hand.
resolve_by_hand() {
	keys 1 v && wait_for "A holds no concurrent versions" &&
		keys : "partition A B | C" Enter && wait_for "> partition A B | C" &&
		keys : "add A balance -30" Enter && wait_for "A  add -30" &&
		keys : "add C balance -20" Enter && wait_for "C  add -20" &&
		keys : "restore all" Enter && wait_for "≠conflict" 100 &&
		keys 3 v && wait_for "keep which version?" && wait_for "balance=360: v" &&
		keys 1 && wait_gone "keep which version?" && wait_for "> resolve C balance 3" &&
		wait_gone "≠conflict" 100
}

# No cut link left on the canvas (the legend's own glyph aside).
links_up() {
	! screen | grep -v -F '╳cut' | grep -q -F '╳'
}

# h opens the chooser; 1 picks last-write-wins, and the heal runs.
heal() {
	keys h && wait_for "heal: restore every link" && wait_for "2 crdt  CRDT: a number is a register plus" &&
		keys 1 && wait_gone "heal: restore every link" && wait_for "heal by lww" &&
		wait_for "C  500" 100 && until_true 50 links_up
}

strategy_key() {
	keys y && wait_for "heal: crdt" && keys y && wait_for "heal: merge" && keys y && wait_for "heal: lww"
}

# A divergence typed at the prompt: both sides withdraw 40 from 500; once
# the links are back the replicas hold both versions, a conflict.
diverge() {
	keys : "partition A B | C" Enter && wait_for "> partition A B | C" &&
		keys : "add A balance -40" Enter && wait_for "#4  A  add -40" &&
		keys : "add C balance -40" Enter && wait_for "#5  C  add -40" &&
		keys : "invariant balance>=0" Enter && wait_for "> invariant balance>=0" &&
		keys : "restore all" Enter && wait_for "conflict: 460 v" 100 && wait_for "≠conflict"
}

fork_fits() {
	s=$(screen) && echo "$s" | grep -q -F "1 LWW" && echo "$s" | grep -q -F "2 CRDT" &&
		echo "$s" | grep -q -F "3 MERGE" && echo "$s" | grep -q -F "LOST 1 write" &&
		echo "$s" | grep -q -F "balance=420 on every"
}

# f heals copies each way: lww loses a withdrawal, crdt and merge keep both.
fork() {
	keys f && wait_for "fork at t=" && until_true 30 fork_fits &&
		$TMUX_CMD resize-window -t "$SESS" -x 80 -y 24 && wait_for "on copies" && until_true 30 fork_fits &&
		$TMUX_CMD resize-window -t "$SESS" -x 100 -y 30 && keys x && wait_gone "fork at t=" &&
		screen | grep -q -F "conflict: 460 v"
}

three_at_420() {
	[ "$(screen | grep -c -F 'balance=420 v')" -eq 3 ]
}

heal_merge() {
	keys h && wait_for "3 merge" && keys 3 && wait_for "C  420" 100 && wait_for "B  420" &&
		wait_gone "≠conflict" 100 && until_true 50 three_at_420
}

prompt_open() {
	screen | grep -q '^ :'
}

prompt_cut() {
	keys Escape : && until_true 50 prompt_open && keys "cut A B" Enter && wait_for "> cut A B" && wait_for "link A-B cut"
}

bad_command() {
	keys Escape : "cut A Q" Enter && wait_for "unknown node 'Q'" && ! screen | grep -q -F "> cut A Q"
}

help_overlay() {
	keys "?" && wait_for "capviz keys" && screen | grep -q -F "cut or restore one way" &&
		screen | grep -q -F "space-time diagram" && keys x && wait_gone "capviz keys"
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
	wait_for "balance=100 v1" || return 1
	case $1 in
	q) keys q ;;
	int) keys C-c ;;
	*) kill "-$1" "$(cat "$TMP/pid")" ;;
	esac
	wait_file "$TMP/stty" && tty_sane "$TMP/stty" && cursor_visible
}

# click COL ROW (1-based): a left click as an xterm reports it (X10 mouse
# protocol), which ncurses turns into a mouse event.
click() {
	press=$(printf '\033[M%b%b%b' "\\0$(printf %o 32)" "\\0$(printf %o $(($1 + 32)))" "\\0$(printf %o $(($2 + 32)))")
	release=$(printf '\033[M%b%b%b' "\\0$(printf %o 35)" "\\0$(printf %o $(($1 + 32)))" "\\0$(printf %o $(($2 + 32)))")
	keys -l "$press$release"
}

# Where TEXT starts on the pane: "COL ROW", 1-based, counting characters
# (the box drawing is multibyte UTF-8).
where() {
	row=$(screen | grep -n -F -- "$1" | head -n 1 | cut -d: -f1)
	[ -n "$row" ] || return 1
	prefix=$(screen | sed -n "${row}p" | awk -v t="$1" '{ print substr($0, 1, index($0, t) - 1) }')
	col=$(printf '%s' "$prefix" | LC_ALL=C.UTF-8 wc -m)
	echo $((col + 1)) "$row"
}

# C knows its leader (its box has no refusing mark), so the box reads "│ C ".
c_serving() {
	screen | grep -q -F "│ C " && ! screen | grep -q -F "C⊘"
}

mouse() {
	start "$BIN --speed 10"
	wait_for "balance=100 v1" && until_true 50 c_serving || return 1
	set -- $(where "│ C ")
	[ -n "$2" ] || return 1
	click $(($1 + 2)) "$2" && wait_for "│▸ C " || return 1
	# Between C's box and B's box runs the C-B link, on the same row.
	row=$2
	set -- $(where "─│ B")
	[ -n "$1" ] || return 1
	click $(($1 - 8)) "$row" && wait_for "> cut B C" && wait_for "C⊘"
}

# At 80x24 the help still lists every key, quitting included.
help_small() {
	$TMUX_CMD resize-window -t "$SESS" -x 80 -y 24 && keys "?" && wait_for "capviz keys" &&
		screen | grep -q -F "quit" && screen | grep -q -F "click" && keys x && wait_gone "capviz keys" &&
		$TMUX_CMD resize-window -t "$SESS" -x 100 -y 30
}

# p cycles the presets; the status bar names the preset and its class.
presets() {
	start "$BIN --speed 10"
	wait_for "balance=100 v1" || return 1
	keys p && wait_for "cassandra-one PA/EL" && keys p && wait_for "cassandra-quorum PC/EC (seed PA/EC)" &&
		wait_for "R+W>N"
}

# The status bar never sets a class beside a behaviour that contradicts it
# (issue 13): cassandra-quorum's minority errs, so its rules show PC/EC, and
# the seed's PA/EC stands beside it, marked; the scoreboard quotes the
# seed's row.
status_class() {
	start "$BIN -p cassandra-quorum --speed 10"
	wait_for "cassandra-quorum PC/EC (seed PA/EC)" && wait_for "the minority errs" || return 1
	keys 3 i && wait_for "link B-C cut" && keys 3 r && wait_for "ERROR: timeout" 150 &&
		! screen | grep -q -F "PA/EL" && screen | grep -q -F "cassandra-quorum PC/EC (seed PA/EC)" &&
		keys s && wait_for "the seed's table: Cassandra (QUORUM) PA/EC)" &&
		keys x && wait_gone "scoreboard at t=" &&
		keys : "preset cassandra-all" Enter && wait_for "cassandra-all PC/EC (no seed row)"
}

# Promises follow the levels in force (issue 13): cp with local reads
# answers them on the cut-off side, so the top line must not say the
# minority errs; ap at QUORUM must not say reads may be stale.
promise_levels() {
	start "$BIN --speed 10"
	wait_for "the minority errs, but for local reads" || wait_for "but a local read" || return 1
	keys : "level read local" Enter && wait_for "local reads answer" && wait_for "CP, PA/EL" &&
		keys 3 i && wait_for "link B-C cut" && keys : "write A balance 500" Enter && wait_for "ok, wrote 500" 100 &&
		keys : "read C balance local" Enter &&
		wait_for "STALE 100" 100 && ! screen | grep -q -F "minority errs" &&
		wait_for "no quorum: local reads only" 100 && ! screen | grep -q -F "refusing" &&
		keys : "mode ap" Enter && wait_for "AP (leaderless)" && wait_for "may be stale" &&
		keys : "level QUORUM" Enter && wait_for "the minority errs" && ! screen | sed -n 3p | grep -q -F "stale" &&
		wait_for "AP, PC/EC"
}

# ZooKeeper on screen: the preset and its promise; a lock's holder, token and
# session on the cards; the holder cut off, its session expires and the
# waiting client holds, with a higher token.
zookeeper_lock() {
	start "$BIN -p zookeeper --speed 10"
	wait_for "zookeeper PC/EL (seed PC/EC)" && wait_for "the majority serves" || return 1
	wait_for "leader t1" || return 1
	keys : "lock C /locks/resource_A" Enter && wait_for "holds /locks/resource_A," &&
		wait_for "session 0x" && wait_for "connected" &&
		keys : "lock A /locks/resource_A" Enter && wait_for "waits for /locks/resource_A" &&
		keys 3 i && wait_for "not serving: no leader" 100 &&
		wait_for "the client at A now holds" 150 && wait_for "token 2" &&
		wait_for "expired"
}

# The same lock on an AP store: both sides grant it; the screen says so.
ap_split_brain() {
	start "$BIN -p cassandra-one --speed 10"
	wait_for "cassandra-one" && wait_for "every side answers" || return 1
	keys 3 i && wait_for "link B-C cut" &&
		keys : "lock A /locks/resource_A" Enter && wait_for "granted, token 1" &&
		keys : "lock C /locks/resource_A" Enter && wait_for "SPLIT BRAIN: 2 clients hold" &&
		[ "$(screen | grep -c -F 'SPLIT BRAIN: holds')" -eq 2 ]
}

# The failure detector on screen (issue 13, point 7): the cards say whom
# each node believes down; a write at the cut-off node is refused at once,
# Unavailable, and a restore clears the beliefs.
no_card_beliefs() {
	! screen | grep -q -E '│ +believes [A-G, ]+ down +│'
}

detector_cards() {
	start "$BIN -p cassandra-quorum --speed 10"
	wait_for "cassandra-quorum" || return 1
	keys : "detector 1s" Enter && wait_for "failure detector 1s" &&
		keys 3 i && wait_for "link B-C cut" && wait_for "believes A, B down" 100 &&
		[ "$(screen | grep -c -E '│ +believes C down +│')" -eq 2 ] &&
		keys : "write C balance 300" Enter && wait_for "ERROR: Unavailable: C" 100 &&
		wait_for "nothing written" && keys : "restore all" Enter && until_true 100 no_card_beliefs
}

# DynamoDB: a read's cost, and the running total on the status bar.
dynamodb_units() {
	start "$BIN -p dynamodb --speed 10"
	wait_for "dynamodb PA/EL" && wait_for "RCU 0" || return 1
	keys 3 r && wait_for "RCU 0.5" && keys : "read C balance strong" Enter && wait_for "RCU 1.5" 80 &&
		keys l && wait_for "dynamodb-strong PC/EC" && wait_for "read strong" &&
		keys l && wait_for "dynamodb PA/EL" && wait_for "read eventual"
}

# One node: a crash is no choice of C over A, and the screen says why.
single_down() {
	start "$BIN -p single -n 1 -s single-node --speed 10"
	wait_for "single -/EC" || return 1
	keys : "crash A" Enter && wait_for "a crash, not C chosen over A"
}

# The consistency lens: the status bar's two figures (since the mode last
# changed), the scoreboard (s) and the explanation of each flaw (e).
lens() {
	start "$BIN -s balance-ap --speed 10"
	wait_for "STALE 100 (missed v2" 150 && wait_for "avail 100% cons 50%" 100 &&
		wait_for "Space heals the partition." && keys Space && wait_for "avail 100% cons 67%" 100 || return 1
	keys s && wait_for "scoreboard at t=" &&
		screen | grep -q "whole run  *3  *0  *1  *0  *100%  *67%" &&
		wait_for "avail: answered. failed: an error" &&
		wait_for "PACELC since t=0.000s: PA/EL (mode ap has no row in the seed's table)" &&
		wait_for "P, on a side without a majority: reads answered 1/1 (1 stale)" &&
		keys x && wait_gone "scoreboard at t=" &&
		keys e && wait_for "consistency: 1 stale, 0 lost, 0 session" &&
		wait_for "#2 read balance at C, 2.000s: STALE" && wait_for "completed at 1.500s, before this" &&
		keys x && wait_gone "consistency: 1 stale" &&
		keys m && wait_for "CP (leader-based)" && wait_for "avail - cons -" &&
		keys r && wait_for "avail 100% cons 100%"
}

# The scoreboard counts each side of the partition: the majority answers,
# the cut-off node refuses.
score_sides() {
	start "$BIN --speed 10"
	wait_for "balance=100 v1" || return 1
	keys 3 i && wait_for "link B-C cut" && keys 1 r && wait_for "ok 100" &&
		keys 3 r && wait_for "ERROR: no quorum" 150 && keys s && wait_for "scoreboard at t=" &&
		screen | grep -q "A B (majority)  *1  *0  *0  *0  *100%  *100%" &&
		screen | grep -q " C  *0  *1  *0  *0  *0%  *-" && keys x && wait_gone "scoreboard at t="
}

# The space-time diagram of the balance scenario: lanes, the cut, the
# write that the majority took, the read that C refused, the heal; it
# scrolls back to the start and follows the present again; d closes it.
diagram() {
	start "$BIN -s balance --speed 10"
	wait_for "#3  C  read" 150 || return 1
	keys d && wait_for "what happened" && wait_for "1 row = 20ms, following" &&
		keys Home - - - && wait_for "1 row = 200ms, 0.000s-" &&
		wait_for "cut A-C; cut B-C" && wait_for "A #1 write 500: ok, wrote 500" &&
		wait_for "C #2 read: ERROR: no quorum" && wait_for "restored A-C; restored B-C" &&
		screen | grep -q "^ *0\.000 " && screen | grep -q "┆" && screen | grep -q "×" &&
		screen | grep -q "[→←]" && screen | grep -q "┃" &&
		keys End && wait_for "1 row = 200ms, following" || return 1
	# A click lands on the hidden canvas's links: it must cut nothing.
	for x in 20 30 40 50 60; do click "$x" 14; click "$x" 10; done
	sleep 0.5
	! screen | grep -q "cut [A-C]" && keys d && wait_gone "what happened" && wait_for "balance=500" &&
		! screen | grep -q "> cut"
}

# AP: a stale read, marked where it happened, while the diagram follows.
# (Paused before the read: at 10x the window, about half a second of core
# time, scrolls by in some 50ms, and the read's row could leave it before
# the pane is read.)
diagram_stale() {
	start "$BIN -m ap --speed 10"
	wait_for "balance=100 v1" || return 1
	keys d && wait_for "what happened" && keys 3 i && wait_for "cut A-C; cut B-C" &&
		keys 1 w && wait_for "write at A: balance = 500" && keys Enter &&
		wait_for "A #1 write 500: ok" && keys Space && wait_for "PAUSED" && keys 3 r &&
		wait_for "C #2 read: STALE 100" &&
		screen | grep "C #2 read: STALE" | grep -q "┃\|┆" || return 1
	keys Up && wait_for ", End follows" && keys b && wait_for "b hides heartbeats"
}

# A partial partition (issue 13): cut A B with B leading. A reaches C, a
# majority, yet has no leader: its card, the read's error and e say why
# (C still follows B), never "no quorum".
# OPTIONS STATE ERROR: the preset, A's state on its card, the read's error.
partial_partition() {
	start "$BIN ${1:-} --speed 10"
	wait_for "B  leader t1" 100 || return 1
	keys : "cut A B" Enter && wait_for "link A-B cut" && wait_for "${4:-pre-vote rejected: C follows}" 100 &&
		wait_for "${2:-no leader: local reads only}" && keys 1 r && wait_for "${3:-ERROR: no leader: A}" 150 &&
		! screen | grep -q "no quorum" &&
		keys e && wait_for "election can start while B keeps its quorum through C" &&
		keys x && wait_gone "election can start while B"
}

partial_zookeeper() {
	partial_partition "-p zookeeper" "not serving: no leader" "A has no leader (C follows B; B unreachable)," \
		"C follows B; B unreachable"
}

# A leader-based heal (issue 13): h offers no strategy and says why; Enter
# heals, and the log tells of C catching up from the leader's log. y sets a
# strategy for later and says it is not used now.
heal_leader_based() {
	start "$BIN --speed 10"
	wait_for "B  leader t1" 100 || return 1
	keys 3 i && wait_for "link B-C cut" && keys 1 w && wait_for "write at A: balance = 500" && keys Enter &&
		wait_for "ok, wrote 500" && keys h && wait_for "heal: restore every link (nothing to reconcile)" &&
		wait_for "1 heal  nothing to reconcile: mode cp is leader-based, so every follower catches up" &&
		wait_for "No strategy to choose here." && ! screen | grep -q "2 crdt" && keys Enter &&
		wait_gone "(nothing to reconcile)" && wait_for "heal: every link restored;" &&
		wait_for "C catches up: entry 3 from" 100 && wait_for "C  500" 100 && until_true 50 links_up &&
		keys y && wait_for "strategy crdt: not used now" && ! screen | grep -q "heal: crdt"
}

# f in cp: one heal on a copy, no strategies to compare, its real time.
fork_cp() {
	start "$BIN --speed 10"
	wait_for "B  leader t1" 100 || return 1
	keys 3 i && wait_for "link B-C cut" && keys 1 w && wait_for "write at A: balance = 500" && keys Enter &&
		wait_for "ok, wrote 500" && keys f && wait_for "this state healed, on a copy" &&
		wait_for "nothing to reconcile: mode cp is leader-based" && wait_for "balance=500 on every replica" &&
		! screen | grep -q -F "2 CRDT" && ! screen | grep -q "healed in 2\.0" && keys x &&
		wait_gone "this state healed"
}

# With nothing flawed, e says so.
explain_none() {
	keys e && wait_for "Nothing so far" && keys x && wait_gone "Nothing so far"
}

# --history on the screen: written when capviz quits.
live_history() {
	rm -f "$TMP/live.hist"
	start "$BIN -m ap --speed 10 --history $TMP/live.hist"
	wait_for "balance=100 v1" || return 1
	keys r && wait_for "ok 100" && keys q && wait_file "$TMP/live.hist" &&
		grep -q "^r balance 100 " "$TMP/live.hist" && "$BIN" --check-history "$TMP/live.hist" >/dev/null
}

# --export and --export-shiviz on the screen: written when capviz quits,
# holding what was done by hand; after R only the run since.
live_exports() {
	rm -f "$TMP/live.md" "$TMP/live.log"
	start "$BIN --speed 10 --export $TMP/live.md --export-shiviz $TMP/live.log"
	wait_for "balance=100 v1" || return 1
	keys 1 r && wait_for "ok 100" && keys R && wait_for "restarted from the start" &&
		wait_for "no requests yet" && wait_for "balance=100 v1" &&
		keys 3 i && wait_for "link B-C cut" && keys 3 r && wait_for "ERROR: no quorum" 150 &&
		keys q && wait_file "$TMP/live.md" && wait_file "$TMP/live.log" &&
		grep -q "^| 1 | .* | C | read balance \[QUORUM\] | error: no quorum" "$TMP/live.md" &&
		! grep -q "^| 2 |" "$TMP/live.md" && grep -q "^## Transcript" "$TMP/live.md" &&
		head -n 1 "$TMP/live.log" | grep -q -F '(?<event>.*)' && grep -q "cut" "$TMP/live.log" &&
		grep -q '^C {"C":' "$TMP/live.log"
}

# --trace on the screen: every event as JSON Lines, the run since R.
live_trace() {
	rm -f "$TMP/live.jsonl"
	start "$BIN --speed 10 --trace $TMP/live.jsonl"
	wait_for "balance=100 v1" || return 1
	keys 1 r && wait_for "ok 100" && keys R && wait_for "restarted from the start" &&
		wait_for "no requests yet" && keys 3 r && wait_for "ok 100" && keys q &&
		wait_file "$TMP/live.jsonl" && sleep 0.3 && jq -c . < "$TMP/live.jsonl" > /dev/null &&
		grep -q '"ev":"op","id":1,"node":"C","op":"read"' "$TMP/live.jsonl" &&
		! grep -q '"node":"A","op":"read"' "$TMP/live.jsonl" &&
		head -n 1 "$TMP/live.jsonl" | grep -q '"t":0[,.]'
}

# Captions of one instant are shown together and kept in the log: the
# pause's words must not wipe out the say's before anyone reads them.
captions_joined() {
	printf '[scenario]\nname = caps\n[timeline]\n1s = say "First words."\n+0s = say "Second words."\n+0s = pause "Paused here."\n+5s = say "Later alone."\n' > "$TMP/caps.ini"
	start "$BIN -s $TMP/caps.ini --speed 10"
	wait_for "First words. Second words. Paused here." && wait_for "1.000 say First words." &&
		wait_for "1.000 pause Paused here." && keys Space && wait_for "Later alone." &&
		! screen | sed -n 2p | grep -q "Paused here."
}

# A scenario's compare opens the side-by-side fork, as the f key does: for
# the withdrawals (lww loses one), then for the two assignments (merge
# leaves a conflict).
compare_opens_fork() {
	start "$BIN -s heal-strategies --speed 2"
	wait_for "this state healed each way, on copies" 150 && wait_for "LOST 1 write:" &&
		wait_for "500|300 (conflict)" 150 && keys x && wait_gone "this state healed each way" &&
		wait_for "Adds sum; assignments do not" 150
}

# Two assignments on both sides of a partition (issue 13): the fork shows
# crdt keeping the newest, 300 (never 700), and merge leaving a conflict;
# healed by merge, the cards show it until v at C resolves it by hand.
assignments_fork_fits() {
	s=$(screen) && echo "$s" | grep -q -F "2 CRDT: register + counter" &&
		echo "$s" | grep -q -F "500|300 (conflict)" && echo "$s" | grep -q -F "keeps the newest assignment" &&
		[ "$(echo "$s" | grep -o -F 'balance=300 on every replica' | wc -l)" -eq 2 ]
}

assignments() {
	printf '[scenario]\nname = asg\nnodes = 3\nmode = ap\nstrategy = merge\ninit = balance=100\n[timeline]\n0s = isolate C\n+0.5s = write A balance 500\n+0.5s = write C balance 300\n+0.5s = compare\n' > "$TMP/asg.ini"
	start "$BIN -s $TMP/asg.ini --speed 10"
	wait_for "this state healed each way, on copies" 150 && until_true 30 assignments_fork_fits &&
		keys x && wait_gone "this state healed each way" && keys h &&
		wait_for "two assignments that differ stay as siblings" && keys 3 &&
		wait_for "conflict: 500 v2 (A) | 300" 100 && keys 3 v && wait_for "keep which version?" &&
		wait_for "balance=500: v2 at A" && keys 1 && wait_for "> resolve C balance 500" &&
		wait_gone "conflict: 500 v2" 100 && wait_for "C  500"
}

# A failed expectation on the screen: quitting with q exits 1 and names
# the line on stderr, as headless does.
live_expect_fails() {
	rm -f "$TMP/fx.rc" "$TMP/fx.err"
	printf '[scenario]\nname = fx\ninit = balance=100\n[timeline]\n1s = expect A balance 7\n+1s = say "After it."\n' > "$TMP/fx.ini"
	start "sh -c '$BIN -s $TMP/fx.ini --speed 10 2> $TMP/fx.err; echo \$? > $TMP/fx.rc'"
	wait_for "After it." 100 && keys q && wait_file "$TMP/fx.rc" &&
		[ "$(cat "$TMP/fx.rc")" = 1 ] && grep -q "fx.ini:5: expect A balance 7: got A balance is 100" "$TMP/fx.err"
}

# ] at the fastest does nothing, and says so (nothing recorded either).
speed_limit() {
	rm -f "$TMP/sl.ini"
	start "$BIN --speed 10 --record $TMP/sl.ini"
	wait_for "balance=100 v1" && keys "]" && wait_for "speed: 10x is the fastest" && keys q &&
		wait_file "$TMP/sl.ini" && ! grep -q "speed 10" "$TMP/sl.ini"
}

# A presenter's scenario: its progress beside the caption, a pause that
# waits for space, a request made during the pause, then on to the end.
presenter() {
	start "$BIN -s balance-ap --speed 10"
	wait_for "Space heals the partition." 150 && wait_for "PAUSED" || return 1
	screen | grep -q "step [0-9]* of [0-9]*" &&
		keys 2 r && wait_for "#3  B  read" && keys Space && wait_for "done: " 150 &&
		wait_for "#4  C  read" 100
}

# n runs on at once to the next pause, then to the end; R starts again.
next_and_restart() {
	printf '[scenario]\nname = two-pauses\nnodes = 3\nmode = ap\ninit = balance=100\n[timeline]\n0s = say "First."\n1s = pause "Pause one."\n+5s = write A balance 200\n+1s = pause "Pause two."\n+5s = read B balance\n+0s = say "The end."\n' > "$TMP/two.ini"
	start "$BIN -s $TMP/two.ini --speed 0.1"
	wait_for "First." || return 1
	keys n && wait_for "Pause one." && wait_for "step 2 of 6" && wait_for "PAUSED" &&
		keys n && wait_for "Pause two." && wait_for "ok, wrote 200" && keys n &&
		wait_for "The end." && wait_for "no pause left" && wait_for "#2  B  read" &&
		keys R && wait_for "restarted from the start" && wait_for "no requests yet" && wait_for "First."
}

# A scenario from a FIFO (or a pipe, or <(...)) gives its text once: R
# starts again from the text first read, where reading the FIFO again
# would wait for a writer that has gone, and the screen would freeze.
fifo_restart() {
	printf '[scenario]\nname = piped\nnodes = 3\nmode = ap\ninit = balance=100\n[timeline]\n0s = say "First."\n+1s = write A balance 200\n+1s = say "Second."\n' > "$TMP/piped.ini"
	rm -f "$TMP/fifo"
	mkfifo "$TMP/fifo" || return 1
	cat "$TMP/piped.ini" > "$TMP/fifo" & writer=$!
	start "$BIN -s $TMP/fifo --speed 10"
	wait_for "Second." 100 || { kill "$writer" 2>/dev/null; return 1; }
	keys R && wait_for "restarted from the start (as first read: a pipe or a FIFO gives its text once)" &&
		wait_for "First." && wait_for "Second." 100
}

# --record: what was done, replayed headless, gives the same outcomes.
record() {
	rm -f "$TMP/rec.ini"
	start "$BIN --speed 10 --record $TMP/rec.ini"
	wait_for "balance=100 v1" || return 1
	keys 3 i && wait_for "link B-C cut" && keys 1 w && wait_for "write at A: balance = 500" &&
		keys Enter && wait_for "ok, wrote 500" && keys 3 r && wait_for "ERROR: no quorum" 150 &&
		keys q && wait_file "$TMP/rec.ini" && grep -q "= isolate C$" "$TMP/rec.ini" &&
		grep -q "= write A balance 500$" "$TMP/rec.ini" &&
		"$BIN" -H "$TMP/rec.ini" > "$TMP/rec.out" 2>&1 &&
		grep -q "ok .*#1 write balance=500 at A" "$TMP/rec.out" &&
		grep -q "error .*#2 read balance at C.*no quorum" "$TMP/rec.out"
}

# A theme on the screen: a cut link (the log's line) and an error (the
# client panel) carry the theme's colours and attributes, on an 8-colour
# and on a 256-colour terminal. THEME TERM ERROR-CODES / CUT-CODES.
themed() {
	th=$1 term=$2 err=$3 cut=$4
	start "env TERM=$term $BIN --speed 10 -t $th"
	wait_for "balance=100 v1" || return 1
	keys 3 i && wait_for "link B-C cut" && keys 3 r && wait_for "ERROR: no quorum" 150 || return 1
	# shellcheck disable=SC2086
	has_sgr "$(sgr_at 'ERROR: no quorum')" $err && has_sgr "$(sgr_at '[0-9.]+ link B-C cut')" $cut
}

theme_key() {
	start "$BIN --speed 10"
	wait_for "balance=100 v1" || return 1
	keys t && wait_for "theme light:" && keys t && wait_for "theme mono:" && keys t &&
		wait_for "theme projector:" && keys t && wait_for "theme colorblind:" && keys t && wait_for "theme default:"
}

# NO_COLOR and --no-color: attributes only, not one colour code.
no_color_env() {
	start "env NO_COLOR=1 TERM=screen-256color $BIN --speed 10 -t projector"
	wait_for "balance=100 v1" && keys 3 i && wait_for "link B-C cut" && keys 3 r &&
		wait_for "ERROR: no quorum" 150 && no_colour && has_sgr "$(sgr_at 'ERROR: no quorum')" 1
}

no_color_flag() {
	start "env TERM=screen-256color $BIN --speed 10 --no-color"
	wait_for "balance=100 v1" && keys 3 i && wait_for "link B-C cut" && no_colour
}

# A bad theme: FILE:LINE, exit 2, before any screen.
bad_theme() {
	printf '[theme]\nname = bad\n[roles]\nlink.cut = crimson bold\n' > "$TMP/bad.ini"
	out=$($BIN -t "$TMP/bad.ini" 2>&1); rc=$?
	[ "$rc" -eq 2 ] && echo "$out" | grep -q "bad.ini:4: link.cut: unknown word 'crimson'"
}

start "$BIN --speed 10"
check opening-screen opening
check cp-write-ok-read-error isolate_write_read
check ap-read-is-stale ap_stale
check heal-chooser-lww-converges heal
check strategy-key-cycles strategy_key
check divergence-shows-conflict diverge
check fork-side-by-side fork
check heal-merge-three-way heal_merge
check heal-lww-marks-lost heal_lww_lost
check resolve-chooser resolve_by_hand
check prompt-cut prompt_cut
check bad-command-changes-nothing bad_command
check help-overlay help_overlay
check too-small-and-back too_small
check mouse-selects-and-cuts mouse
check preset-key-cycles presets
check status-bar-class-and-seed status_class
check promise-follows-levels promise_levels
check help-fits-80x24 help_small
check zookeeper-lock-session-expiry zookeeper_lock
check ap-lock-split-brain ap_split_brain
check detector-cards-and-unavailable detector_cards
check dynamodb-read-units dynamodb_units
check single-crash-is-no-choice single_down
check lens-status-score-explain lens
check scoreboard-sides score_sides
check explain-nothing-yet explain_none
check heal-leader-based-chooses-nothing heal_leader_based
check fork-in-cp-is-one-heal fork_cp
check partial-partition-says-why partial_partition
check partial-partition-zookeeper partial_zookeeper
check diagram-balance diagram
check diagram-stale-read diagram_stale
check history-written-on-quit live_history
check exports-written-on-quit live_exports
check trace-written-live live_trace
check presenter-pause-progress presenter
check speed-key-at-the-limit speed_limit
check live-failed-expect-exits-1 live_expect_fails
check captions-of-one-instant-joined captions_joined
check scenario-compare-opens-fork compare_opens_fork
check assignments-fork-and-conflict assignments
check next-pause-and-restart next_and_restart
check fifo-scenario-restarts-from-its-copy fifo_restart
check record-plays-back record
check theme-default-8 themed default screen "1 31" "1 31"
check theme-default-256 themed default screen-256color "1 31" "1 31"
check theme-light-256 themed light screen-256color "1 31" "1 31"
check theme-projector-8 themed projector screen "1 37 41" "1 31"
check theme-projector-256 themed projector screen-256color "1 97 41" "1 91"
check theme-colorblind-8 themed colorblind screen "1 4 33" "1 33"
check theme-colorblind-256 themed colorblind screen-256color "1 4 38;5;208" "1 38;5;208"
check theme-mono themed mono screen-256color "1" "2"
check theme-key-cycles theme_key
check no-color-env-gives-mono no_color_env
check no-color-flag-gives-mono no_color_flag
check bad-theme-exits-2 bad_theme

check quit-restores-terminal restored q
check sigterm-restores-terminal restored TERM
check sigint-restores-terminal restored int
check sighup-restores-terminal restored HUP

# A terminal that cannot move the cursor is refused, not garbled.
dumb_term() {
	rm -f "$TMP/dumb.rc"
	start "sh -c 'TERM=dumb $BIN 2> $TMP/dumb.err; echo \$? > $TMP/dumb.rc; stty -a > $TMP/dumb.stty'"
	wait_file "$TMP/dumb.rc" && [ "$(cat "$TMP/dumb.rc")" = 2 ] &&
		grep -q "cannot drive this terminal (TERM=dumb): it cannot move the cursor" "$TMP/dumb.err" &&
		wait_file "$TMP/dumb.stty" && tty_sane "$TMP/dumb.stty"
}
check dumb-terminal-refused dumb_term

notty() {
	out=$($BIN < /dev/null 2>&1)
	[ $? -eq 2 ] && echo "$out" | grep -q -F "the screen needs a terminal (try --headless)"
}
check needs-a-terminal notty
