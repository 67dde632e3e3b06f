# lib.sh: helpers for the screen tests: a private tmux server, a pane at a
# fixed size, polling the pane for text with a bounded wait.
SOCK=capviz-test-$$
TMUX_CMD="tmux -L $SOCK -f /dev/null"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/capviz-tui.XXXXXX")
FAILS=build/tui-failures
mkdir -p "$FAILS"

SESS=
NSESS=0

cleanup() {
	$TMUX_CMD kill-server >/dev/null 2>&1
	rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$SOCK"
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

# start COMMAND: a fresh pane of 100x30 running COMMAND in a UTF-8 locale.
# The new session starts before the old one goes, so that the server never
# exits under us.
start() {
	old=$SESS
	NSESS=$((NSESS + 1))
	SESS=t$NSESS
	$TMUX_CMD new-session -d -x 100 -y 30 -s "$SESS" "LANG=C.UTF-8 LC_ALL=C.UTF-8 $1"
	[ -n "$old" ] && $TMUX_CMD kill-session -t "$old" >/dev/null 2>&1
	return 0
}

keys() { $TMUX_CMD send-keys -t "$SESS" "$@"; }
screen() { $TMUX_CMD capture-pane -p -t "$SESS" 2>/dev/null; }

# until_true TENTHS COMMAND...: retries COMMAND until it holds.
until_true() {
	n=0
	limit=$1
	shift
	while [ "$n" -lt "$limit" ]; do
		"$@" && return 0
		sleep 0.1
		n=$((n + 1))
	done
	return 1
}

# wait_for TEXT [TENTHS]: true as soon as the pane shows TEXT (fixed string),
# false after TENTHS tenths of a second (default 80).
wait_for() {
	n=0
	while [ "$n" -lt "${2:-80}" ]; do
		screen | grep -F -q -- "$1" && return 0
		sleep 0.1
		n=$((n + 1))
	done
	return 1
}

# wait_gone TEXT [TENTHS]: true as soon as TEXT is no longer on the pane.
wait_gone() {
	n=0
	while [ "$n" -lt "${2:-80}" ]; do
		screen | grep -F -q -- "$1" || return 0
		sleep 0.1
		n=$((n + 1))
	done
	return 1
}

# wait_file FILE [TENTHS]
wait_file() {
	n=0
	while [ "$n" -lt "${2:-80}" ]; do
		[ -s "$1" ] && return 0
		sleep 0.1
		n=$((n + 1))
	done
	return 1
}

# check NAME COMMAND...: one "ok NAME" or "FAILED NAME" line; on failure
# the pane is kept in build/tui-failures/NAME.txt.
# check NAME FUNCTION ARGS...: one check; ONLY=NAME (a grep pattern) runs
# only the checks whose name matches it.
check() {
	name=$1
	shift
	if [ -n "${ONLY:-}" ] && ! echo "$name" | grep -q -- "$ONLY"; then
		return 0
	fi
	if "$@"; then
		echo "ok tui/$name"
	else
		echo "FAILED tui/$name (screen in $FAILS/$name.txt)"
		screen > "$FAILS/$name.txt"
	fi
}

# The terminal modes a shell needs after capviz: echo and canonical input.
tty_sane() {
	grep -E -q '(^| )echo( |$)' "$1" && ! grep -E -q '(^| )-echo( |$)' "$1" &&
		grep -E -q '(^| )icanon( |$)' "$1" && ! grep -E -q '(^| )-icanon( |$)' "$1"
}

cursor_visible() {
	[ "$($TMUX_CMD display -p -t "$SESS" '#{cursor_flag}')" = 1 ]
}

# sgr_at TEXT: the SGR state where TEXT (an extended regex) starts on the
# pane, replayed from the start of its line: the attributes and colours in
# force, each followed by ';' (38;5;208 stays whole).
sgr_at() {
	esc=$(printf '\033')
	$TMUX_CMD capture-pane -p -e -t "$SESS" | grep -E "$1" | head -n 1 | sed -E "s/$1.*//" |
		awk -v esc="$esc" -f tests/tui/sgr.awk -f tests/tui/sgr_at.awk
}

# has_sgr LIST TOKEN...: every TOKEN (1, 31, 38;5;208) is among LIST's codes.
has_sgr() {
	list=";$1"
	shift
	for tok; do
		case "$list" in
		*";$tok;"*) ;;
		*) echo "missing SGR $tok in '$list'"; return 1 ;;
		esac
	done
}

# no_colour: no code on the pane sets a colour (39 and 49, the defaults, may).
no_colour() {
	esc=$(printf '\033')
	! $TMUX_CMD capture-pane -p -e -t "$SESS" | grep -oE "$esc\[[0-9;]*m" | sed 's/^.\[//; s/m$//' |
		tr ';' '\n' | grep -qE '^(3[0-8]|4[0-8]|9[0-7]|10[0-7])$'
}
