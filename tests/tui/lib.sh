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
		awk -v esc="$esc" '{
			n = split($0, parts, esc "\\[")
			for (i = 2; i <= n; i++) {
				m = index(parts[i], "m")
				if (!m)
					continue
				codes = substr(parts[i], 1, m - 1)
				if (codes == "")
					codes = "0"
				k = split(codes, c, ";")
				for (j = 1; j <= k; j++) {
					v = c[j] + 0
					if (v == 0) { split("", st); fg = ""; bg = "" }
					else if (v == 38 || v == 48) { col = v ";" c[j + 1] ";" c[j + 2]; j += 2
						if (v == 38) fg = col; else bg = col }
					else if ((v >= 30 && v <= 37) || (v >= 90 && v <= 97)) fg = v
					else if (v == 39) fg = ""
					else if ((v >= 40 && v <= 47) || (v >= 100 && v <= 107)) bg = v
					else if (v == 49) bg = ""
					else if (v == 22) { delete st[1]; delete st[2] }
					else if (v == 24) delete st[4]
					else if (v == 27) delete st[7]
					else st[v] = 1
				}
			}
			out = ""
			for (a in st)
				out = out a ";"
			if (fg != "")
				out = out fg ";"
			if (bg != "")
				out = out bg ";"
			print out
		}'
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
