#!/bin/sh
# Export tests (issue 9): --export writes a Markdown handout whose
# transcript is what `capviz -H` prints, with one outcome row per request;
# --export-shiviz writes a log that ShiViz parses, with vector clocks that
# keep ShiViz's rules. Prints "ok ..." or "FAILED ..." per check.
cd "$(dirname "$0")/../.." || exit 2
BIN=${CAPVIZ:-./capviz}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. tests/checks.sh

# The transcript block of a handout: the fenced block after "## Transcript".
transcript() {
	awk '/^## Transcript/ { t = 1; next }
	     t && !f && /^```+text$/ { f = 1; fence = substr($0, 1, length($0) - 4); next }
	     f && $0 == fence { exit }
	     f { print }' "$1"
}

# The rows of the outcome table: "| 1 | ...".
outcome_rows() {
	sed -n '/^## Outcomes/,/^## /p' "$1" | grep -c '^| [0-9][0-9]* |'
}

# ShiViz, checked the way it reads a log (js/model/parser.js and
# js/model/modelGraph.js of DistributedClocks/shiviz): the default parser
# applied globally over the text must match every event, back to back,
# after the two header lines; each host's own clock entry counts 1, 2, 3...
# in the order of its events; a clock names only hosts that log events, with
# values no higher than their event count; and each clock is exactly its
# host's previous clock, merged with the sender's clock for a receive, plus
# one (so a receive's clock is never below its send's).
cat > "$tmp/shiviz.pl" <<'EOF'
use strict;
use warnings;
local $/;
my $t = <STDIN>;
my $re = '(?<event>.*)\n(?<host>\S*) (?<clock>{.*})';
my ($l1, $l2) = split /\n/, $t, 3;
die "line 1 is not the parser regex\n" unless defined $l1 && $l1 eq $re;
die "line 2 is not empty\n" unless defined $l2 && $l2 eq '';
my $pos = length($l1) + 2;
my @ev;
while ($t =~ /$re/g) {
	die "the match at byte $-[0] does not follow the last (byte $pos): a line is not an event\n"
		if $-[0] != $pos;
	push @ev, [ $+{event}, $+{host}, $+{clock} ];
	$pos = $+[0] + 1;
}
die "text after the last event (byte $pos of " . length($t) . ")\n" if $pos != length($t);
die "no event\n" unless @ev;
my (%count, %last, %sent);
$count{ $_->[1] }++ for @ev;
my %seen;
for my $e (@ev) {
	my ($text, $host, $clock) = @$e;
	my %c;
	my $body = $clock;
	$body =~ s/^\{(.*)\}$/$1/ or die "clock $clock\n";
	for my $kv (split /,/, $body) {
		$kv =~ /^"(\w+)":([0-9]+)$/ or die "clock entry $kv in $clock\n";
		die "$host: zero entry in $clock\n" if $2 == 0;
		die "$host: $1 in $clock logs no event\n" unless $count{$1};
		die "$host: $1=$2 in $clock, but $1 has $count{$1} events\n" if $2 > $count{$1};
		$c{$1} = $2;
	}
	my $own = ++$seen{$host};
	die "$host: own entry " . ($c{$host} // 'missing') . ", expected $own: $text\n"
		unless defined $c{$host} && $c{$host} == $own;
	my %want = %{ $last{$host} // {} };
	if ($text =~ /^\S+ receive .* \(msg (\d+)\)$/) {
		my $s = $sent{$1} or die "$host: receive of msg $1 that was never sent\n";
		for (keys %$s) {
			$want{$_} = $s->{$_} if !defined $want{$_} || $want{$_} < $s->{$_};
		}
		for (keys %$s) {
			die "$host: receive of msg $1 is below its send ($_)\n" if ($c{$_} // 0) < $s->{$_};
		}
	}
	$want{$host} = $own;
	my $a = join ',', map {"$_=$c{$_}"} sort keys %c;
	my $b = join ',', map {"$_=$want{$_}"} sort keys %want;
	die "$host: clock $a, expected $b: $text\n" if $a ne $b;
	$sent{$1} = {%c} if $text =~ /^\S+ send .* \(msg (\d+)\)$/;
	$last{$host} = {%c};
}
print scalar(@ev), " events\n";
EOF

shiviz_ok() {   # shiviz_ok FILE: the rules above, and JSON clocks for jq
	perl "$tmp/shiviz.pl" < "$1" || return 1
	sed -n '4~2s/^[^ ]* //p' "$1" | jq -e -s 'length > 0 and all(.[]; type == "object" and length > 0 and
		all(.[]; type == "number" and . >= 1 and . == floor))' > /dev/null ||
		{ echo "a clock is not a JSON object of counts"; return 1; }
}

quiet_and_ok() {        # quiet_and_ok ERR LOG: nothing said on stderr, and the log keeps the rules
	[ ! -s "$1" ] || { cat "$1"; return 1; }
	shiviz_ok "$2"
}

# --- the handout ---

for sc in balance scenarios/balance-ap.ini scenarios/zookeeper-ensemble.ini scenarios/cassandra-levels.ini \
	scenarios/heal-strategies.ini scenarios/zookeeper-lock.ini; do
	sn=$(basename "$sc" .ini)
	"$BIN" -H --export "$tmp/$sn.md" "$sc" > "$tmp/$sn.out" 2> "$tmp/$sn.err"; rc=$?
	check "handout $sn: the run ends as without --export" sh -c "[ $rc -le 1 ] && [ ! -s $tmp/$sn.err ] ||
		{ echo exit $rc; cat $tmp/$sn.err; exit 1; }"
	for section in '^# ' '^## Settings$' '^## Timeline$' '^## Captions$' '^## Outcomes$' '^## Scoreboard$' \
		'^## Expectations$' '^## Transcript$' '^- \*\*Seed:\*\* ' '^- \*\*Nodes:\*\* '; do
		check "handout $sn: has $section" has "$tmp/$sn.md" "$section"
	done
	transcript "$tmp/$sn.md" > "$tmp/$sn.tx"
	check "handout $sn: the transcript block is what capviz -H printed" cmp "$tmp/$sn.tx" "$tmp/$sn.out"
	ops=$(grep -c '^ *[0-9.]*  request ' "$tmp/$sn.out")
	rows=$(outcome_rows "$tmp/$sn.md")
	check "handout $sn: one outcome row per request ($ops)" sh -c "[ $ops -eq $rows ] || { echo $rows rows; exit 1; }"
	check "handout $sn: no HTML outside code blocks" sh -c \
		"! awk '/^\`\`\`/ { c = !c; next } !c' $tmp/$sn.md | grep -n '<[A-Za-z/!?]'"
done
check "handout: the preset and its PACELC class are in the settings" \
	has "$tmp/zookeeper-ensemble.md" '^- \*\*Preset:\*\* zookeeper, PACELC class PC/EL; the seed.s table: Zookeeper PC/EC (mode cp)'
check "handout: the R+W>N rule is in the settings" has "$tmp/cassandra-levels.md" '^- \*\*R + W > N?\*\* R=1 W=1 N=3'
check "handout: the failure detector is in the settings" has "$tmp/cassandra-levels.md" '^- \*\*Failure detector:\*\* failure detector 5s: a node believes a peer down after 5s without word from it'
check "handout: the first values are in the settings" has "$tmp/balance-ap.md" '^- \*\*First values:\*\* balance=100$'
check "handout: a timeline step as written" has "$tmp/balance-ap.md" '^  13  1s        isolate C$'
check "handout: a caption with its time" has "$tmp/balance-ap.md" '^- \*\*1.000s\*\*: C is cut off'
check "handout: a pause caption" has "$tmp/balance-ap.md" '^- \*\*2.600s\*\* (pause): Paused'
check "handout: a stale read with the checker's explanation" has "$tmp/balance-ap.md" \
	'^| 2 | 2.000s | C | read balance \[ONE\] | ok, 100 (v1) | 0ms | \*\*STALE\*\*: read balance at C returned v1'
"$BIN" -H --export "$tmp/skew.md" scenarios/clock-skew.ini > /dev/null 2>&1
check "handout: a lost write with why" has "$tmp/skew.md" \
	'| \*\*LOST\*\*: v3 (balance=300 at C, timestamp -3.000s) lost at C: last-write-wins keeps v2'
check "handout: the scoreboard" has "$tmp/balance-ap.md" '^| whole run | 3 | 0 | 1 | 0 | 100% | 67% |$'
check "handout: latency per operation" has "$tmp/balance.md" '^| read | [0-9]*ms | [0-9]*ms | 2 |$'
check "handout: the expectations" has "$tmp/balance-ap.md" '^6 expectations checked: 6 held, 0 failed\.$'
check "handout: each expectation" has "$tmp/balance-ap.md" '^- held at 4.500s (line 26): expect C balance 500: ok$'
"$BIN" -H --export "$tmp/again.md" scenarios/balance-ap.ini > /dev/null 2>&1
check "handout: the same seed, the same bytes" cmp "$tmp/balance-ap.md" "$tmp/again.md"
"$BIN" -H --seed 3 -p cassandra-quorum --export "$tmp/over.md" balance > "$tmp/over.out" 2>&1
transcript "$tmp/over.md" > "$tmp/over.tx"
check "handout: options on the command line, the same transcript" cmp "$tmp/over.tx" "$tmp/over.out"
check "handout: the replay line names them" has "$tmp/over.md" \
	'`capviz -H --seed 3 -n 3 -p cassandra-quorum scenarios/balance.ini` plays it again'
"$BIN" -H --trace - --export "$tmp/quiet.md" balance > /dev/null 2>&1
transcript "$tmp/quiet.md" > "$tmp/quiet.tx"
check "handout: written in full when the trace takes stdout" cmp "$tmp/quiet.tx" "$tmp/balance.out"

# Markdown: what would be read as markup in a caption is escaped, a pipe
# too (it would end a table cell), and a caption with backticks gets a
# longer code fence.
cat > "$tmp/marks.ini" <<'EOF'
[scenario]
name = a | b *not bold* <b>
nodes = 3
init = balance=100
[timeline]
0s = say "cut A | B, *now* <em>really</em> and ```x``` _under_ snake_case"
+0s = write A balance 7
+0s = expect last ok
EOF
"$BIN" -H --export "$tmp/marks.md" "$tmp/marks.ini" > "$tmp/marks.out" 2>&1
check "handout: a title is escaped" has "$tmp/marks.md" '^# a \\| b \\\*not bold\\\* \\<b>$'
check "handout: a caption is escaped, an inner underscore kept" has "$tmp/marks.md" \
	'^- \*\*0.000s\*\*: cut A \\| B, \\\*now\\\* \\<em>really\\</em> and \\`\\`\\`x\\`\\`\\` \\_under\\_ snake_case$'
check "handout: a longer fence around backticks" has "$tmp/marks.md" '^````text$'
transcript "$tmp/marks.md" > "$tmp/marks.tx"
check "handout: the transcript survives backticks" cmp "$tmp/marks.tx" "$tmp/marks.out"

# Files: made before the run, so a bad path costs nothing; '-' refused.
"$BIN" -H --export "$tmp/no/such/dir/h.md" balance > "$tmp/bad.out" 2> "$tmp/bad.err"; rc=$?
check "handout: an unwritable path exits 2" sh -c "[ $rc -eq 2 ]"
check "handout: ... naming the file" has "$tmp/bad.err" "capviz: --export: cannot write $tmp/no/such/dir/h.md: No such file or directory"
check "handout: ... before anything ran" sh -c "! grep -q 'start\\|apply' $tmp/bad.out"
"$BIN" -H --export "$tmp" balance > "$tmp/dir.out" 2> "$tmp/dir.err"; rc=$?
check "handout: a directory is refused" sh -c "[ $rc -eq 2 ] && grep -q 'cannot write $tmp: Is a directory' $tmp/dir.err"
"$BIN" -H --export - balance > "$tmp/dash.out" 2> "$tmp/dash.err"; rc=$?
check "handout: '-' is refused" sh -c "[ $rc -eq 2 ] && ! grep -q start $tmp/dash.out && grep -q 'give a file name' $tmp/dash.err"
"$BIN" -H --export "$tmp/left.md" --export-shiviz "$tmp/no/such/s.log" balance > /dev/null 2> "$tmp/both.err"; rc=$?
check "handout: not left behind when the other export cannot start" sh -c "[ $rc -eq 2 ] && [ ! -e $tmp/left.md ]"

cp scenarios/balance.ini "$tmp/mine.ini"
"$BIN" -H --export "$tmp/mine.ini" "$tmp/mine.ini" > /dev/null 2> "$tmp/ini.err"; rc=$?
check "handout: an .ini name is refused, the scenario kept" sh -c \
	"[ $rc -eq 2 ] && cmp -s scenarios/balance.ini $tmp/mine.ini && grep -q 'looks like a scenario' $tmp/ini.err"
"$BIN" -H --export-shiviz "$tmp/mine.ini" "$tmp/mine.ini" > /dev/null 2> "$tmp/ini.err"; rc=$?
check "shiviz: an .ini name is refused, the scenario kept" sh -c \
	"[ $rc -eq 2 ] && cmp -s scenarios/balance.ini $tmp/mine.ini && grep -q 'looks like a scenario' $tmp/ini.err"

# --- the ShiViz log ---

for sc in balance scenarios/balance-ap.ini scenarios/balance-cp.ini scenarios/zookeeper-ensemble.ini \
	scenarios/zookeeper-lock.ini scenarios/dynamodb-reads.ini scenarios/dynamodb-transaction.ini \
	scenarios/cassandra-levels.ini scenarios/heal-strategies.ini scenarios/cart.ini scenarios/mixed.ini \
	scenarios/clock-skew.ini scenarios/single-node.ini; do
	sn=$(basename "$sc" .ini)
	"$BIN" -H --export-shiviz "$tmp/$sn.log" "$sc" > "$tmp/$sn.sout" 2> "$tmp/$sn.serr"; rc=$?
	check "shiviz $sn: the run ends as without it" sh -c "[ $rc -le 1 ] && [ ! -s $tmp/$sn.serr ] ||
		{ echo exit $rc; cat $tmp/$sn.serr; exit 1; }"
	check "shiviz $sn: parses, and the clocks keep ShiViz's rules" shiviz_ok "$tmp/$sn.log"
done
# Lossy links, a crash, an isolated node, five nodes: messages lost in
# transit and to a crashed receiver, under each protocol.
cat > "$tmp/lossy.ini" <<'EOF'
[scenario]
nodes = 5
init = balance=100
[timeline]
0s = loss A B 30%
+0s = loss C D 30%
0.5s = write A balance 1
+0.2s = read B balance
+0.2s = add C balance 5
+0.3s = crash B
+0.2s = write D balance 7
+0.5s = recover B
+0.2s = isolate E
+0.2s = write E balance 9
+0.2s = read A balance
+0.5s = heal
+0.5s = read E balance
+0.2s = read B balance
EOF
for seed in 2 3; do
	for sys in "-p zookeeper" "-p cassandra-quorum" "-p dynamodb-strong" "-m ap" "-m strict"; do
		# shellcheck disable=SC2086
		"$BIN" -H --seed $seed $sys --export-shiviz "$tmp/s.log" "$tmp/lossy.ini" > /dev/null 2> "$tmp/s.err"
		check "shiviz lossy $sys --seed $seed: the clocks keep ShiViz's rules" quiet_and_ok "$tmp/s.err" "$tmp/s.log"
	done
done
"$BIN" -H --seed 3 -m cp --export-shiviz "$tmp/s.log" "$tmp/lossy.ini" > /dev/null 2>&1
check "shiviz: a message lost in transit is shown" has "$tmp/s.log" ' lost: lost in transit (msg [0-9]*)$'
check "shiviz: a message lost to a crashed receiver is shown" has "$tmp/s.log" ' lost: receiver is down (msg [0-9]*)$'
check "shiviz: a send names its message, kind and value" has "$tmp/balance-ap.log" \
	'^1.500s send write balance=500 (v2) to B (msg [0-9]*)$'
check "shiviz: a drop is on the sender, with why" has "$tmp/balance-ap.log" \
	'^1.500s write balance=500 (v2) to C lost: link is cut (msg [0-9]*)$'
check "shiviz: a client request and its answer are events of its node" sh -c \
	"grep -A1 '^2.000s answer #2 read balance at C \[ONE\]: ok, 100 (v1) (0ms) STALE: ' $tmp/balance-ap.log | grep -q '^C {'"
check "shiviz: heartbeats that say nothing new are left out" sh -c \
	"[ \$(grep -c ' heartbeat ' $tmp/balance.log) -lt 30 ]"
"$BIN" -H --export-shiviz "$tmp/again.log" scenarios/zookeeper-ensemble.ini > /dev/null 2>&1
check "shiviz: the same seed, the same bytes" cmp "$tmp/zookeeper-ensemble.log" "$tmp/again.log"
"$BIN" -H --export-shiviz - balance > "$tmp/sdash.out" 2> "$tmp/sdash.err"; rc=$?
check "shiviz: '-' is refused" sh -c "[ $rc -eq 2 ] && ! grep -q start $tmp/sdash.out && grep -q 'give a file name' $tmp/sdash.err"
"$BIN" -H --export-shiviz "$tmp/no/such/s.log" balance > "$tmp/sbad.out" 2> "$tmp/sbad.err"; rc=$?
check "shiviz: an unwritable path exits 2, naming the file, before the run" sh -c \
	"[ $rc -eq 2 ] && ! grep -q start $tmp/sbad.out && grep -q 'capviz: --export-shiviz: cannot write $tmp/no/such/s.log' $tmp/sbad.err"

# A run that switched presets is not judged as one system: PACELC counts
# the requests under the rules in force at the end.
check "handout: PACELC is measured since the rules last changed" has "$tmp/cassandra-levels.md" \
	'^PACELC, measured since the rules last changed (7.672s): '
