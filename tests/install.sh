#!/bin/sh
# The install test: make install into a scratch DESTDIR puts every file where
# it belongs; the installed binary runs a scenario by name and finds its
# themes from another directory; make uninstall removes exactly what install
# put there. Prints "ok ..." or "FAILED ..." per check.
cd "$(dirname "$0")/.." || exit 2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. tests/checks.sh
MAKE=${MAKE:-make}
dest=$tmp/root
prefix=/usr/local

$MAKE -s install DESTDIR="$dest" PREFIX=$prefix > "$tmp/install.log" 2>&1; rc=$?
check "install: make install DESTDIR=... succeeds" sh -c "[ $rc -eq 0 ] || { cat $tmp/install.log; exit 1; }"
for f in bin/capviz share/man/man1/capviz.1 share/man/man5/capviz-scenario.5 share/man/man5/capviz-theme.5 \
	share/bash-completion/completions/capviz; do
	check "install: $prefix/$f" test -f "$dest$prefix/$f"
done
for f in scenarios/*.ini themes/*.ini; do
	check "install: $prefix/share/capviz/$f" test -f "$dest$prefix/share/capviz/$f"
done
bin=$dest$prefix/bin/capviz
check "install: the binary is executable" test -x "$bin"
# From another directory, with no ./scenarios or ./themes to fall back on.
mkdir -p "$tmp/elsewhere"
(cd "$tmp/elsewhere" && HOME=$tmp XDG_DATA_HOME= XDG_CONFIG_HOME= "$bin" -H balance-cp) > "$tmp/run.out" 2>&1; rc=$?
check "install: the installed binary runs a scenario by name from elsewhere" \
	sh -c "[ $rc -eq 0 ] && grep -q 'end     7 expectations, 0 failed' $tmp/run.out || { cat $tmp/run.out; exit 1; }"
(cd "$tmp/elsewhere" && HOME=$tmp XDG_CONFIG_HOME= "$bin" --list-themes) > "$tmp/themes.out" 2>&1
check "install: the installed binary finds its themes" sh -c \
	"grep -q '^projector .*share/capviz/themes/projector.ini' $tmp/themes.out || { cat $tmp/themes.out; exit 1; }"
check "install: the man pages render" sh -c "man -l $dest$prefix/share/man/man5/capviz-theme.5 >/dev/null 2>&1 || mandoc $dest$prefix/share/man/man5/capviz-theme.5 >/dev/null"
check "install: the completion file is valid bash" bash -n "$dest$prefix/share/bash-completion/completions/capviz"
# The completion asks the binary: options, presets, themes, scenarios.
check "install: completion offers options, presets, themes and scenarios" bash -c "
	. '$dest$prefix/share/bash-completion/completions/capviz'
	COMP_WORDS=('$bin' --the); COMP_CWORD=1; _capviz; [ \"\${COMPREPLY[*]}\" = '--theme' ] || exit 1
	COMP_WORDS=('$bin' -p cassandra-q); COMP_CWORD=2; _capviz; [ \"\${COMPREPLY[*]}\" = 'cassandra-quorum' ] || exit 1
	COMP_WORDS=('$bin' --theme proj); COMP_CWORD=2; cd '$tmp/elsewhere'; _capviz; [ \"\${COMPREPLY[*]}\" = 'projector' ] || exit 1
	COMP_WORDS=('$bin' balance-c); COMP_CWORD=1; _capviz; [ \"\${COMPREPLY[*]}\" = 'balance-cp' ] || exit 1
	COMP_WORDS=('$bin' balance); COMP_CWORD=1; _capviz; [ \"\$(printf '%s\\n' \"\${COMPREPLY[@]}\" | grep -c '^balance\$')\" = 1 ] || exit 1
	mkdir -p sub; COMP_WORDS=('$bin' su); COMP_CWORD=1; _capviz; [ \"\${COMPREPLY[*]}\" = 'sub' ] || exit 1
	: > out.md; COMP_WORDS=('$bin' --export ou); COMP_CWORD=2; _capviz; [ \"\${COMPREPLY[*]}\" = 'out.md' ] || exit 1
	COMP_WORDS=('$bin' --staleness 3 ''); COMP_CWORD=3; _capviz; [ -z \"\${COMPREPLY[*]}\" ]"

$MAKE -s uninstall DESTDIR="$dest" PREFIX=$prefix > "$tmp/uninstall.log" 2>&1
check "uninstall: removes every file install put there" sh -c \
	"[ -z \"\$(find $dest -type f)\" ] || { find $dest -type f; exit 1; }"
check "uninstall: leaves no capviz directory behind" sh -c "[ ! -d $dest$prefix/share/capviz ]"
