#!/bin/sh
# Keeps the docs true: every long option and every command word the program
# knows must appear in man/capviz.1; every [scenario] key and every form of
# expect in man/capviz-scenario.5; every role and every shipped theme in
# man/capviz-theme.5, and every theme file in man/capviz.1; every shipped
# scenario in the README; and the three man pages must be lint-clean, for
# mandoc and for groff.
cd "$(dirname "$0")/.." || exit 2
BIN=${CAPVIZ:-./capviz}
# In the man source, '-' is written '\-'; compare on the rendered words.
man_text=$(sed 's/\\-/-/g; s/\\f[BIRP]//g' man/capviz.1)
for opt in $("$BIN" --list-options); do
	if printf '%s\n' "$man_text" | grep -q -- "$opt"; then echo "ok man page documents $opt"
	else echo "FAILED man page does not document $opt"; fi
done
for word in $("$BIN" --list-commands); do
	if printf '%s\n' "$man_text" | grep -Eq "^\.(B|BR|BI|TP).*\b$word\b"; then echo "ok man page documents the command $word"
	else echo "FAILED man page does not document the command $word"; fi
done
if [ -x "$BIN" ] && "$BIN" --list-keys >/dev/null 2>&1; then
	"$BIN" --list-keys | while IFS="$(printf '\t')" read -r key what; do
		k=$(printf '%s' "$key" | sed 's/[][\\.*^$]/\\&/g')
		if printf '%s\n' "$man_text" | grep -q -- "$k"; then echo "ok man page documents the key $key"
		else echo "FAILED man page does not document the key $key"; fi
	done
fi

# The scenario format: the keys the loader names when it meets an unknown one
# (so that a new key cannot go undocumented), and the ones it has always had.
fmt_text=$(sed 's/\\-/-/g; s/\\f[BIRP]//g' man/capviz-scenario.5)
probe=$(mktemp "${TMPDIR:-/tmp}/capviz-docs.XXXXXX") || exit 2
printf '[scenario]\nno_such_key = 1\n' > "$probe"
known=$("$BIN" --check "$probe" 2>&1 | sed -n 's/.*in \[scenario\] (expected \(.*\))$/\1/p' | tr -d ',')
rm -f "$probe"
if [ -n "$known" ]; then echo "ok the loader names its [scenario] keys"
else echo "FAILED the loader's message for an unknown key names no keys"; fi
for key in $(printf '%s\n' name description nodes mode preset seed init strategy invariant speed $known | sort -u); do
	if printf '%s\n' "$fmt_text" | grep -Eq "^\.(B|BI|BR|TP)[[:space:]]+\"?$key( |\"|$)"; then
		echo "ok capviz-scenario.5 documents the key $key"
	else echo "FAILED capviz-scenario.5 does not document the key $key"; fi
done
for word in last stale lost invariant holder; do
	if printf '%s\n' "$fmt_text" | grep -q "expect $word"; then echo "ok capviz-scenario.5 documents expect $word"
	else echo "FAILED capviz-scenario.5 does not document expect $word"; fi
done
if printf '%s\n' "$fmt_text" | grep -q "expect invariant.*broken"; then
	echo "ok capviz-scenario.5 documents expect invariant ... broken"
else echo "FAILED capviz-scenario.5 does not document expect invariant ... broken"; fi
if printf '%s\n' "$man_text" | grep -q 'capviz-scenario (5)' && printf '%s\n' "$fmt_text" | grep -q 'capviz (1)'; then
	echo "ok capviz.1 and capviz-scenario.5 point at each other"
else echo "FAILED capviz.1 and capviz-scenario.5 do not point at each other (SEE ALSO)"; fi

# The theme format: every role (themes/default.ini names them all, as the
# loader wants them) in capviz-theme.5's ROLES, as a tag of its own; every
# shipped theme in its THE SHIPPED THEMES; every theme file in capviz.1.
theme_text=$(sed 's/\\-/-/g; s/\\f[BIRP]//g' man/capviz-theme.5)
roles_text=$(printf '%s\n' "$theme_text" | sed -n '/^\.SH ROLES/,/^\.SH COLOURS/p')
shipped_text=$(printf '%s\n' "$theme_text" | sed -n '/^\.SH THE SHIPPED THEMES/,/^\.SH ERRORS/p')
roles=$(sed -n '/^\[roles\]/,/^\[/s/^\([a-z][a-z.]*\)[[:space:]]*=.*/\1/p' themes/default.ini)
if [ "$(printf '%s\n' "$roles" | grep -c .)" -ge 30 ]; then echo "ok themes/default.ini names the roles"
else echo "FAILED themes/default.ini names only $(printf '%s\n' "$roles" | grep -c .) roles"; fi
for role in $roles; do
	r=$(printf '%s' "$role" | sed 's/\./\\./g')
	if printf '%s\n' "$roles_text" | grep -Eq "^\.B[[:space:]]+$r\$"; then echo "ok capviz-theme.5 documents the role $role"
	else echo "FAILED capviz-theme.5 does not document the role $role (in ROLES)"; fi
done
for f in themes/*.ini; do
	n=$(basename "$f" .ini)
	if printf '%s\n' "$shipped_text" | grep -Eq "^\.B[[:space:]]+$n\$"; then echo "ok capviz-theme.5 documents the theme $n"
	else echo "FAILED capviz-theme.5 does not document the theme $n (in THE SHIPPED THEMES)"; fi
	if printf '%s\n' "$man_text" | grep -q -- "$f"; then echo "ok capviz.1 names $f"
	else echo "FAILED capviz.1 does not name $f (in FILES)"; fi
done
if printf '%s\n' "$man_text" | grep -q 'capviz-theme (5)' && printf '%s\n' "$theme_text" | grep -q 'capviz (1)'; then
	echo "ok capviz.1 and capviz-theme.5 point at each other"
else echo "FAILED capviz.1 and capviz-theme.5 do not point at each other (SEE ALSO)"; fi

# Every shipped scenario is in the README's list.
for f in scenarios/*.ini; do
	n=$(basename "$f" .ini)
	if grep -Eq "^    $n  " README.md; then echo "ok README lists the scenario $n"
	else echo "FAILED README does not list the scenario $n"; fi
done

# capviz(1)'s --explore example prints what the run prints: its summary,
# line by line (the numbers drift when the model changes).
"$BIN" --explore 200 -p cassandra-one 2>/dev/null | sed -n '2,9p' | while IFS= read -r line; do
	if printf '%s\n' "$man_text" | sed "s/\\\\(aq/'/g" | grep -qxF -- "$line"; then echo "ok capviz(1)'s explore example says: $line"
	else echo "FAILED capviz(1)'s explore example does not say what the run prints: $line"; fi
done

# Both formatters: no output means clean. A missing one is said, not counted.
pages="man/capviz.1 man/capviz-scenario.5 man/capviz-theme.5"
if command -v mandoc >/dev/null 2>&1; then
	for page in $pages; do
		out=$(mandoc -Tlint "$page" 2>&1 | tr '\n' ' ')
		if [ -z "$out" ]; then echo "ok $page passes mandoc -Tlint"; else echo "FAILED mandoc -Tlint $page: $out"; fi
	done
else
	echo "skipped: mandoc is not installed, the man pages are not linted with mandoc -Tlint"
fi
if command -v groff >/dev/null 2>&1; then
	for page in $pages; do
		out=$(groff -ww -z -man "$page" 2>&1 | tr '\n' ' ')
		if [ -z "$out" ]; then echo "ok $page passes groff -ww -z -man"; else echo "FAILED groff -ww -z -man $page: $out"; fi
	done
else
	echo "skipped: groff is not installed, the man pages are not checked with groff -ww"
fi
