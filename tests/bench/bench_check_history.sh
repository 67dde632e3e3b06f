#!/bin/sh
# --check-history on porcupine's histories: each must take under a second.
# Prints the slowest files and the total; never fails a build.
cd "$(dirname "$0")/../.." || exit 2
BIN=${CAPVIZ:-./capviz}
[ -x "$BIN" ] || make -s capviz >/dev/null || exit 1
out=$(for f in tests/data/porcupine/histories/*.hist tests/data/porcupine/histories/*.kv; do
	start=$(date +%s.%N)
	"$BIN" --check-history "$f" > /dev/null 2>&1
	end=$(date +%s.%N)
	awk -v s="$start" -v e="$end" -v f="$(basename "$f")" 'BEGIN { printf "%.3f %s\n", e - s, f }'
done | sort -rn)
echo "check-history: the five slowest of $(echo "$out" | wc -l) porcupine histories (seconds):"
echo "$out" | head -n 5 | sed 's/^/  /'
echo "$out" | awk '{ t += $1 } END { printf "check-history: %.2fs in all\n", t }'
