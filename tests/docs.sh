#!/bin/sh
# Keeps the docs true: every long option and every command word the program
# knows must appear in man/capviz.1, and the man page must be lint-clean.
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
if command -v mandoc >/dev/null 2>&1; then
	out=$(mandoc -Tlint man/capviz.1 2>&1)
	if [ -z "$out" ]; then echo "ok man page passes mandoc -Tlint"; else echo "FAILED mandoc -Tlint: $out"; fi
fi
