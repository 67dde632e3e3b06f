#!/bin/sh
# Writes the golden transcripts again from the current build: run it when a
# change to a transcript is meant, then read the diff before committing.
cd "$(dirname "$0")/../.." || exit 2
BIN=${CAPVIZ:-./capviz}
for g in tests/golden/*.txt; do
	n=$(basename "$g" .txt)
	"$BIN" --headless "scenarios/$n.ini" > "$g" 2>&1
	echo "wrote $g"
done
