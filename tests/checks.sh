# checks.sh: the helpers of the headless test suites (sourced). Each check
# prints "ok NAME" or "FAILED NAME" with the command's output indented.
# Needs $tmp, a scratch directory.

check() {   # check NAME COMMAND...: passes when the command succeeds
	name=$1; shift
	if "$@" >"$tmp/out" 2>&1; then echo "ok $name"; else echo "FAILED $name"; sed 's/^/    /' "$tmp/out" | head -n 30; fi
}

has() { grep -q -- "$2" "$1" || { echo "missing: $2"; cat "$1"; return 1; }; }

status() {  # status WANT COMMAND...: the command exits with WANT
	want=$1; shift
	"$@"; rc=$?
	[ "$rc" -eq "$want" ] || { echo "exit status $rc, expected $want"; return 1; }
}
