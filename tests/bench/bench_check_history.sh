#!/bin/sh
# --check-history on porcupine's histories: each must take under a second;
# then the worst cases of issue 14.
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

# The worst cases of issue 14: each ends within the default --max-steps
# (exit 3, "not decided") or decides; their time and peak memory.
tmp=$(mktemp -d)
awk 'BEGIN { for (i = 1; i <= 40; i++) printf "w x %d 0 1000\n", i; for (i = 1; i <= 40; i++) printf "r x %d 1 999\n", i }' \
	> "$tmp/overlapping-40.hist"
awk 'BEGIN { srand(3); v = 0; for (i = 0; i < 3000; i++) { p = i * 10; a = p - int(rand() * 200); if (a < 0) a = 0;
	b = p + int(rand() * 200) + 1; if (rand() < 0.5) { v = int(rand() * 5) + 1; printf "w x %d %d %d\n", v, a, b }
	else printf "r x %s %d %d\n", (v ? v : "nil"), a, b } }' > "$tmp/random-3000.hist"
awk 'BEGIN { for (i = 0; i < 100000; i++) printf "w k%d 1 %d %d\n", i, i, i + 1 }' > "$tmp/keys-100000.hist"
for f in "$tmp"/*.hist; do
	if [ -x /usr/bin/time ]; then
		/usr/bin/time -f "  %es %MKB exit %x $(basename "$f")" "$BIN" --check-history "$f" > /dev/null 2> "$tmp/t"
		tail -n 1 "$tmp/t"
	else
		"$BIN" --check-history "$f" > /dev/null 2>&1
		echo "  exit $? $(basename "$f")"
	fi
done
rm -rf "$tmp"
