#!/bin/sh
# Inputs (issue 14): every file capviz reads is read once, whole, whatever
# it is (a regular file, a pipe on /dev/stdin, a FIFO, a process
# substitution, /dev/zero, a directory), within a size limit, and what is
# wrong with it is said with FILE:LINE and exit status 2; a bad option
# names the option. Every run here has a deadline: a freeze fails its check
# instead of hanging the suite. Prints "ok ..." or "FAILED ..." per check.
cd "$(dirname "$0")/../.." || exit 2
BIN=${CAPVIZ:-./capviz}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. tests/checks.sh
T=${INPUTS_DEADLINE:-20}

# run OUT CMD...: runs CMD with the deadline, output in OUT, status in $rc.
run() {
	out=$1; shift
	timeout "$T" "$@" > "$out" 2>&1; rc=$?
}
# feed FILE: a writer into the FIFO, in the background; fed_done ends it
# (a capviz that never opened the FIFO leaves it blocked).
feed() { cat "$1" > "$tmp/fifo" & writer=$!; }
fed_done() { kill "$writer" 2>/dev/null; wait "$writer" 2>/dev/null; }

# --- --check reads each file once and tells a theme from a scenario by its bytes
run "$tmp/zero" "$BIN" --check /dev/zero
check "--check /dev/zero ends, exit 2, not a text file" sh -c \
	"[ $rc -eq 2 ] && grep -q '^capviz: /dev/zero:1: not a text file' $tmp/zero"
run "$tmp/stdin-pipe" sh -c "cat scenarios/balance-cp.ini | $BIN --check /dev/stdin"
check "--check /dev/stdin on a pipe accepts a valid scenario" sh -c \
	"[ $rc -eq 0 ] && grep -q '^/dev/stdin: ok (21 steps)' $tmp/stdin-pipe"
run "$tmp/stdin-theme" sh -c "cat themes/light.ini | $BIN --check /dev/stdin"
check "--check /dev/stdin on a pipe accepts a valid theme" sh -c \
	"[ $rc -eq 0 ] && grep -q '^/dev/stdin: ok (theme light)' $tmp/stdin-theme"
run "$tmp/stdin-file" sh -c "$BIN --check /dev/stdin < scenarios/balance-cp.ini"
check "--check /dev/stdin < FILE accepts it" sh -c "[ $rc -eq 0 ] && grep -q ': ok (21 steps)' $tmp/stdin-file"
if command -v bash > /dev/null 2>&1; then
	run "$tmp/procsub" bash -c "$BIN --check <(cat scenarios/balance-cp.ini) <(cat themes/light.ini)"
	check "--check <(scenario) <(theme): both ok" sh -c \
		"[ $rc -eq 0 ] && grep -q '^/dev/fd/[0-9]*: ok (21 steps)' $tmp/procsub &&
		 grep -q '^/dev/fd/[0-9]*: ok (theme light)' $tmp/procsub"
	run "$tmp/procsub-H" bash -c "$BIN -H -t <(cat themes/light.ini) <(cat scenarios/balance-cp.ini)"
	check "-H -t <(theme) <(scenario): the run's expectations hold" sh -c \
		"[ $rc -eq 0 ] && grep -q 'end .* 7 expectations, 0 failed' $tmp/procsub-H"
fi
mkfifo "$tmp/fifo"
feed scenarios/balance-cp.ini
run "$tmp/fifo-check" "$BIN" --check "$tmp/fifo"
fed_done
check "--check FIFO with a writer: ok" sh -c "[ $rc -eq 0 ] && grep -q 'fifo: ok (21 steps)' $tmp/fifo-check"
feed themes/light.ini
run "$tmp/fifo-theme" "$BIN" --check "$tmp/fifo"
fed_done
check "--check FIFO of a theme: ok" sh -c "[ $rc -eq 0 ] && grep -q 'fifo: ok (theme light)' $tmp/fifo-theme"
feed scenarios/balance-cp.ini
run "$tmp/fifo-H" "$BIN" -H "$tmp/fifo"
fed_done
check "-H FIFO: the run's expectations hold" sh -c "[ $rc -eq 0 ] && grep -q '7 expectations, 0 failed' $tmp/fifo-H"
feed themes/light.ini
run "$tmp/fifo-t" "$BIN" -H -t "$tmp/fifo"
fed_done
check "-H -t FIFO: the theme loads" test "$rc" -eq 0
run "$tmp/dir" "$BIN" --check "$tmp"
check "--check DIRECTORY: cannot read it, and why" sh -c \
	"[ $rc -eq 2 ] && grep -q \"^capviz: $tmp: cannot read it: Is a directory\" $tmp/dir"

# --- themes: messages name the file and line (issue 14, point 10)
run "$tmp/tdir" "$BIN" -H -t "$tmp"
check "-t DIRECTORY says why it cannot be read" sh -c \
	"[ $rc -eq 2 ] && grep -q \"^capviz: --theme: $tmp: cannot read it: Is a directory\" $tmp/tdir"
{ printf '[theme]\nname = big\n'; i=0; while [ $i -lt 2100 ]; do
	printf '; %s\n' '0123456789012345678901234567890'; i=$((i + 1)); done; } > "$tmp/big.ini"
run "$tmp/big" "$BIN" --check "$tmp/big.ini"
check "a theme over 64 KiB: FILE:LINE, exit 2" sh -c \
	"[ $rc -eq 2 ] && grep -q \"^capviz: $tmp/big.ini:1929: too big for a theme (at most 64 KiB)\" $tmp/big"
printf '\357\273\277\357\273\277[theme]\nname = two\n' > "$tmp/bom2.ini"
run "$tmp/bom2" "$BIN" --check "$tmp/bom2.ini"
check "a theme with two byte order marks says so" sh -c \
	"[ $rc -eq 2 ] && grep -q \"bom2.ini:1: a byte order mark (U+FEFF) past the start of the file\" $tmp/bom2"
printf '\357\273\277\357\273\277[scenario]\nname = two\n' > "$tmp/bom2s.ini"
run "$tmp/bom2s" "$BIN" --check "$tmp/bom2s.ini"
check "a scenario with two byte order marks says so" sh -c \
	"[ $rc -eq 2 ] && grep -q \"bom2s.ini:1: a byte order mark (U+FEFF) past the start of the file\" $tmp/bom2s"
printf '\357\273\277[theme]\nname = one\n' > "$tmp/bom1.ini"
check "a theme with one byte order mark is fine" status 0 "$BIN" --check "$tmp/bom1.ini"

# --- options: a message names the option and what it expected (point 10)
run "$tmp/eq" "$BIN" --headless=yes
check "--headless=yes: the option takes no value, named" sh -c \
	"[ $rc -eq 2 ] && grep -q \"^capviz: option '--headless' takes no value, got '--headless=yes'\" $tmp/eq"
run "$tmp/eq2" "$BIN" --ascii=1
check "--ascii=1 (no short letter): named too" sh -c \
	"[ $rc -eq 2 ] && grep -q \"^capviz: option '--ascii' takes no value, got '--ascii=1'\" $tmp/eq2"
for opt in --list-themes --list-scenarios --list-presets --list-commands --list-options --list-keys --help --version; do
	run "$tmp/stray" "$BIN" $opt extra
	check "$opt extra: the stray argument is refused" sh -c \
		"[ $rc -eq 2 ] && grep -q \"^capviz: $opt takes no argument, got 'extra'\" $tmp/stray"
done
run "$tmp/unk" "$BIN" -Q
check "an unknown short option is named" sh -c "[ $rc -eq 2 ] && grep -q \"^capviz: unknown option '-Q'\" $tmp/unk"

# --- listings read regular files only: a FIFO among the themes or the
# scenarios would wait for a writer (--list-themes, the t key, completion)
mkdir -p "$tmp/xdg/capviz/themes" "$tmp/xdg/capviz/scenarios"
mkfifo "$tmp/xdg/capviz/themes/waits.ini" "$tmp/xdg/capviz/scenarios/waits.ini"
run "$tmp/lt" env XDG_CONFIG_HOME="$tmp/xdg" "$BIN" --list-themes
check "--list-themes skips a FIFO among the themes" sh -c "[ $rc -eq 0 ] && grep -q '^projector ' $tmp/lt && ! grep -q waits $tmp/lt"
run "$tmp/ls" env XDG_DATA_HOME="$tmp/xdg" "$BIN" --list-scenarios
check "--list-scenarios skips a FIFO among the scenarios" sh -c "[ $rc -eq 0 ] && grep -q 'balance-cp' $tmp/ls && ! grep -q waits $tmp/ls"
