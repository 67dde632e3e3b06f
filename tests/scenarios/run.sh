#!/bin/sh
# Scenario tests: the real binary, headless. Every shipped scenario runs twice
# with byte-identical output and its expectations hold; the balance scenario
# gives the outcomes the seed's partition table promises in each mode; bad
# input is refused with FILE:LINE and exit status 2. Prints "ok ..." or
# "FAILED ..." per check.
cd "$(dirname "$0")/../.." || exit 2
BIN=${CAPVIZ:-./capviz}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

. tests/checks.sh

for f in scenarios/*.ini; do
	n=$(basename "$f" .ini)
	check "scenario $n runs and its expectations hold" "$BIN" --headless "$f"
	"$BIN" --headless "$f" > "$tmp/a" 2>&1
	"$BIN" --headless "$f" > "$tmp/b" 2>&1
	check "scenario $n gives the same transcript twice" cmp "$tmp/a" "$tmp/b"
done

# Golden transcripts: a few scenarios give exactly the transcript kept in
# tests/golden (tests/golden/update.sh writes them again when a change is meant).
for g in tests/golden/*.txt; do
	n=$(basename "$g" .txt)
	"$BIN" --headless "scenarios/$n.ini" > "$tmp/golden" 2>&1
	check "scenario $n gives its golden transcript" sh -c "diff -u $g $tmp/golden | head -n 20; cmp -s $g $tmp/golden"
done

# Scenarios made for the tests: every expectation in them holds.
for f in tests/scenarios/good/*.ini; do
	check "test scenario $(basename "$f" .ini) runs and its expectations hold" "$BIN" --headless "$f"
done
# A write refused before it left its node is no version: the next write
# takes the number, so a reader never looks for a version that never was.
printf '[scenario]\nnodes = 3\nmode = ap\ninit = balance=100\n[timeline]\n1s = crash A\n+0.5s = write A balance 5\n+0.5s = write B balance 7\n' > "$tmp/giveback.ini"
"$BIN" --headless --trace "$tmp/giveback.json" "$tmp/giveback.ini" > "$tmp/giveback" 2>&1
check "a refused write takes no version: the next one is v2" has "$tmp/giveback" "#2 write balance=7 at B \[ONE\]: ok, balance=7 as v2 "
check "a refused write's trace line has no wid" sh -c "grep '\"id\":1,' $tmp/giveback.json | grep '\"ev\":\"op\"' | grep -q '\"result\":\"error\"' && ! grep '\"id\":1,' $tmp/giveback.json | grep -q wid"
"$BIN" --headless tests/scenarios/good/txn_follows_the_log.ini > "$tmp/txn" 2>&1
check "a txn the leader refused is never applied at a replica catching up" sh -c \
	"grep -q 'C catches up: .*#1 txn .*(condition failed: no effect)' $tmp/txn && ! grep -q 'apply   C stores balance=150' $tmp/txn"
check "the leader's copy replacing another mode's write marks it LOST" has "$tmp/txn" \
	"LOST    v3 (balance=200 at C) lost: the leader's log replaced it at C"
printf '[scenario]\nnodes = 3\nmode = ap\ninit = balance=100\n[timeline]\n1s = partition A B | C\n+0.5s = add A balance -80\n+0s = add C balance -80\n+0.5s = heal crdt\n+1s = expect invariant balance>=0\n' > "$tmp/inv.ini"
"$BIN" --headless "$tmp/inv.ini" > "$tmp/inv.out" 2>&1; rc=$?
check "expect invariant names the replicas that break it" sh -c \
	"[ $rc -eq 1 ] && grep -q 'inv.ini:10: expect invariant balance>=0: got balance>=0 is broken at A (balance=-60), B (balance=-60), C (balance=-60)' $tmp/inv.out"

# The seed's partition table on the default scenario.
"$BIN" --headless --mode cp > "$tmp/cp" 2>&1
check "cp: the write at A succeeds" has "$tmp/cp" "^ *[0-9.]* *ok *#1 write balance=500 at A.*: ok"
check "cp: the read at C is refused (no quorum)" has "$tmp/cp" "#2 read balance at C.*: error: no quorum"
check "cp: after the heal C reads 500" has "$tmp/cp" "#3 read balance at C.*: ok, 500 "
check "cp: isolating C reads as two cut lines" sh -c "[ \$(grep -c ' link .*-C cut' $tmp/cp) -eq 2 ]"
check "cp: no stale read" sh -c "! grep -q STALE $tmp/cp"

"$BIN" --headless --mode ap > "$tmp/ap" 2>&1
check "ap: the write at A succeeds" has "$tmp/ap" "#1 write balance=500 at A.*: ok"
check "ap: the read at C answers the stale 100" has "$tmp/ap" "#2 read balance at C.*: ok, 100 (v1).*STALE"
check "ap: after the heal C reads 500" has "$tmp/ap" "#3 read balance at C.*: ok, 500 "
check "ap: A holds a hint for C" has "$tmp/ap" "A holds a hint for C: balance=500"

"$BIN" --headless --mode strict > "$tmp/strict" 2>&1
check "strict: the write at A is refused" has "$tmp/strict" "#1 write balance=500 at A.*: error: refused"
check "strict: C still reads 100 during the partition" has "$tmp/strict" "#2 read balance at C.*: ok, 100 "

# Presets (issue 5): the balance scenario as each real system runs it.
"$BIN" --headless -p cassandra-one > "$tmp/c1" 2>&1
check "cassandra-one: the header names the preset" has "$tmp/c1" "^capviz .*(3 nodes, mode ap, preset cassandra-one PA/EL, seed 1)"
check "cassandra-one: the read at C answers the stale 100" has "$tmp/c1" "#2 read balance at C \[ONE\]: ok, 100 (v1).*STALE"
"$BIN" --headless --preset cassandra-quorum > "$tmp/cq" 2>&1
check "cassandra-quorum: the write at A succeeds" has "$tmp/cq" "#1 write balance=500 at A \[QUORUM\]: ok"
check "cassandra-quorum: the read at C errs" has "$tmp/cq" "#2 read balance at C \[QUORUM\]: error"
check "cassandra-quorum: no stale read" sh -c "! grep -q STALE $tmp/cq"
"$BIN" --headless -p cassandra-all > "$tmp/ca" 2>&1
check "cassandra-all: the write at A times out, unknown (stored at A and B)" has "$tmp/ca" "#1 write balance=500 at A \[ALL\]: unknown, it may have been applied: timeout"
printf '[scenario]\nnodes = 3\npreset = cassandra-one\n[timeline]\n1s = level QUORUM\n+1s = preset cassandra-all\n' > "$tmp/rule.ini"
"$BIN" --headless "$tmp/rule.ini" > "$tmp/rule" 2>&1
check "rule: QUORUM levels overlap, by the writers' timestamps" has "$tmp/rule" "rule    R=2 W=2 N=3: R+W>N, reads overlap every acknowledged write and return the highest timestamp (the writers' clocks: under skew, not always the last write in real time)"
check "rule: a preset names itself, class and the seed's word" has "$tmp/rule" "config  preset cassandra-all (PC/EC; the seed's table has no Cassandra (ALL) row): "
check "--list-presets lists the seven presets" sh -c "[ \$($BIN --list-presets | grep -c -E '^(cassandra-(one|quorum|all)|dynamodb|dynamodb-strong|zookeeper|single) ') -eq 7 ]"
# The seed's PACELC table, quoted exactly wherever capviz says "the seed"
# (issue 13): six rows, and none for Cassandra at ALL.
"$BIN" --list-presets > "$tmp/lp" 2>&1
for row in "Cassandra (ONE) PA/EL" "Cassandra (QUORUM) PA/EC" "DynamoDB (eventually consistent) PA/EL" \
	"DynamoDB (strong reads) PC/EC" "Zookeeper PC/EC" "MySQL (single node) -/EC"; do
	check "--list-presets quotes the seed's row $row" grep -q -F "the seed's table: $row" "$tmp/lp"
done
check "--list-presets: no Cassandra (ALL) row in the seed" grep -q -F "the seed's table has no Cassandra (ALL) row" "$tmp/lp"
check "--list-presets: the class cassandra-quorum's rules show" grep -q "^cassandra-quorum  PC/EC " "$tmp/lp"
check "--list-presets: dynamodb-strong is PC/EC, not PA/EC" grep -q "^dynamodb-strong   PC/EC " "$tmp/lp"
check "--list-presets: no PA/EL for cassandra-quorum, no PA/EC for dynamodb-strong" sh -c \
	"! grep -A1 -E '^(cassandra-quorum|dynamodb-strong) ' $tmp/lp | grep -E 'PA/EL|seed.*PA/EC.*strong|files DynamoDB as PA'"
check "transcript: cassandra-quorum's header and preset line" sh -c \
	"grep -q '^capviz .*preset cassandra-quorum PC/EC, seed 1)' $tmp/cq &&
	 grep -q -F \"preset  cassandra-quorum (PC/EC; the seed's table: Cassandra (QUORUM) PA/EC): \" $tmp/cq"
# R + W > N promises the latest write by timestamp: B's clock 5s behind,
# its later write loses to A's earlier one, as in Cassandra, and every line
# that states the rule says so.
printf '[scenario]\nnodes = 3\npreset = cassandra-quorum\ninit = balance=100\n[timeline]\n0s = skew B -5s\n1s = write A balance 500\n+1s = write B balance 300\n+1s = read C balance\n+0s = expect last ok\n' > "$tmp/skew.ini"
"$BIN" --headless "$tmp/skew.ini" > "$tmp/skew" 2>&1
check "rule: under skew a QUORUM read returns the higher timestamp, 500" has "$tmp/skew" "#3 read balance at C \[QUORUM\]: ok, 500 "
check "rule: the preset's promise carries the condition" has "$tmp/skew" "preset  cassandra-quorum .*R+W>N: reads return the write with the highest timestamp (the writers' clocks: under skew, not always the last write in real time)"
check "rule: no promise of the latest write without its condition" sh -c "! grep -E 'reads see the latest write|overlap the latest write' $tmp/skew"
"$BIN" --headless -p dynamodb > "$tmp/dd" 2>&1
check "dynamodb: the write at A succeeds" has "$tmp/dd" "#1 write balance=500 at A \[leader\]: ok"
check "dynamodb: the eventual read at C answers the stale 100, for 0.5 RCU" has "$tmp/dd" "#2 read balance at C \[eventual\]: ok, 100 (v1) (0ms, 0.5 RCU) STALE"
check "dynamodb: the run counts its read units" has "$tmp/dd" "RCU     1 read units consumed"
"$BIN" --headless -p dynamodb-strong > "$tmp/ds" 2>&1
check "dynamodb-strong: the strong read at C errs" has "$tmp/ds" "#2 read balance at C \[strong\]: error: no quorum: C cannot reach a leader"
check "dynamodb-strong: no stale read" sh -c "! grep -q STALE $tmp/ds"
check "transcript: dynamodb-strong agrees with the seed's row" grep -q -F \
	"preset  dynamodb-strong (PC/EC; the seed's table: DynamoDB (strong reads) PC/EC): " "$tmp/ds"
"$BIN" --headless -p zookeeper > "$tmp/zk" 2>&1
check "zookeeper: C notices it lost the leader" has "$tmp/zk" "note    C lost its leader .: it stops serving until it follows a leader again"
check "zookeeper: the read at C errs once C has lost its leader" has "$tmp/zk" "#2 read balance at C \[local\]: error: connection loss: C has no leader"
check "zookeeper: the header states the class, the seed's and the promise" has "$tmp/zk" "preset  zookeeper (PC/EL; the seed's table: Zookeeper PC/EC): the majority side serves"
"$BIN" --headless scenarios/dynamodb-reads.ini > "$tmp/dr" 2>&1
check "dynamodb: an eventual read is stale with no partition" has "$tmp/dr" "#2 read balance at C \[eventual\]: ok, 100 (v1) (0ms, 0.5 RCU) STALE"
check "dynamodb: a strong read goes through the leader, for 1 RCU" has "$tmp/dr" "#3 read balance at C \[strong\]: ok, 500 (v2) ([0-9]*ms, 1 RCU)"
"$BIN" --headless scenarios/dynamodb-transaction.ini > "$tmp/dt" 2>&1
check "txn: the minority side errs rather than overdraw" has "$tmp/dt" "#2 txn balance -100 if balance>=100 at C \[leader\]: error"
check "txn: a second withdrawal finds 0" has "$tmp/dt" "error: condition failed: balance is 0, needs balance>=100"
check "txn: plain withdrawals in cassandra-one overdraw" has "$tmp/dt" "BROKEN  invariant balance>=0 broken at A: balance=-100"
check "txn: a lightweight transaction needs a majority" has "$tmp/dt" "txn balance -100 if balance>=100 at C \[SERIAL\]: error: timeout: 1 of 2 replicas promised"
"$BIN" --headless scenarios/zookeeper-lock.ini > "$tmp/zl" 2>&1
check "lock: C's session expires and A holds with token 2" has "$tmp/zl" "lock    the client at A now holds /locks/resource_A (token 2): the session of the client at C expired"
check "lock: an AP store grants both sides" has "$tmp/zl" "SPLIT   SPLIT BRAIN: 2 clients hold /locks/resource_B: A (token 1) and C (token 1)"
"$BIN" --headless --trace - scenarios/zookeeper-lock.ini > "$tmp/zlt" 2>&1
check "trace: a lock op has its outcome, token and session" has "$tmp/zlt" '"ev":"op".*"op":"lock","path":"/locks/resource_A".*"outcome":"granted","token":1,"holder":"C","session":'
"$BIN" --headless scenarios/zookeeper-ensemble.ini > "$tmp/ze" 2>&1
check "zookeeper: five servers that lose three all refuse" sh -c "[ \$(grep -c 'error: connection loss: . has no leader' $tmp/ze) -eq 5 ]"
"$BIN" --headless -p single > "$tmp/single" 2>&1; rc=$?
check "single: the built-in scenario is refused (exit 2), no partition possible" sh -c "[ $rc -eq 2 ] && grep -q 'no partition is possible' $tmp/single"
check "single: -p single with --nodes 3 exits 2" status 2 "$BIN" --headless -p single -n 3
"$BIN" --headless scenarios/single-node.ini > "$tmp/sn" 2>&1
check "single: the scenario runs on one node" has "$tmp/sn" "^capviz .*(1 node, mode cp, preset single -/EC, seed 7)"
check "single: a crashed node answers A is down" has "$tmp/sn" "#3 read balance at A \[QUORUM\]: error: A is down"
printf '[scenario]\npreset = single\n[timeline]\n1s = isolate A\n' > "$tmp/scut.ini"
"$BIN" --headless "$tmp/scut.ini" > "$tmp/scut" 2>&1; rc=$?
check "single: isolate on one node exits 2 and says why" sh -c "[ $rc -eq 2 ] && grep -q \"scut.ini:4: isolate: a single node has no links: no partition is possible, so there is no choice to make\" $tmp/scut"
"$BIN" --headless -p cassandra-one -s single-node > "$tmp/sn1" 2>&1; rc=$?
check "-p overrides a scenario's preset" sh -c "[ $rc -eq 0 ] && grep -q 'preset cassandra-one' $tmp/sn1"

# An add is a read-modify-write at its level (issue 13, point 5): at QUORUM
# it reads a quorum before it writes; at ONE, the coordinator's own replica
# alone; a read part that cannot gather its replicas writes nothing.
printf '[scenario]\nnodes = 3\ninit = balance=100\n[timeline]\n1s = cut A>B\n+0.5s = write A balance 200\n+1s = add B balance 20\n+2s = read C balance\n' > "$tmp/rmw.ini"
"$BIN" --headless -p cassandra-quorum "$tmp/rmw.ini" > "$tmp/rmwq" 2>&1
check "add at QUORUM: the request says it reads at QUORUM first" has "$tmp/rmwq" "request #2 add balance +20 at B \[QUORUM\]: reads balance at QUORUM, then writes the result at QUORUM$"
check "add at QUORUM: it read 200 from a quorum and wrote 220" has "$tmp/rmwq" "ok      #2 add balance +20 at B \[QUORUM\]: ok, balance=220 as v3 ([0-9]*ms): read 200 (v2) at QUORUM from B, C; wrote 220$"
check "add at QUORUM: no stale base, nothing lost" sh -c "! grep -q -e STALE -e LOST $tmp/rmwq"
check "add at QUORUM: every replica ends at 220" has "$tmp/rmwq" "final   A balance=220 | B balance=220 | C balance=220"
"$BIN" --headless -p cassandra-one "$tmp/rmw.ini" > "$tmp/rmw1" 2>&1
check "add at ONE: the request says it reads B's own replica alone" has "$tmp/rmw1" "request #2 add balance +20 at B \[ONE\]: reads B's own replica alone (ONE), then writes the result at ONE$"
check "add at ONE: it builds on B's stale 100, flagged STALE BASE" has "$tmp/rmw1" "stale   #2 add balance +20 at B \[ONE\]: ok, balance=120 as v3 (0ms): read 100 (v1) at ONE from B; wrote 120 STALE BASE: "
"$BIN" --headless -p cassandra-one --trace - "$tmp/rmw.ini" > "$tmp/rmw1t" 2>&1
check "add at ONE: B sends no read" sh -c "grep -q '\"ev\":\"send\".*\"kind\":\"write\",\"from\":\"B\"' $tmp/rmw1t && ! grep -q '\"ev\":\"send\".*\"kind\":\"read\",\"from\":\"B\"' $tmp/rmw1t"
check "trace: an add says what it read" has "$tmp/rmw1t" '"ev":"op","id":2,.*"base":{"level":"ONE","from":\["B"\],"value":100,"wid":1},"result":"ok"'
printf '[scenario]\nnodes = 3\npreset = cassandra-quorum\ninit = balance=100\n[timeline]\n1s = isolate B\n+0.5s = add B balance 20\n+0s = expect last error\n+0s = expect B balance 100\n' > "$tmp/rmwerr.ini"
"$BIN" --headless "$tmp/rmwerr.ini" > "$tmp/rmwerr" 2>&1; rc=$?
check "add at QUORUM without a quorum: the read times out, nothing written" sh -c "[ $rc -eq 0 ] && grep -q 'error   #1 add balance +20 at B \[QUORUM\]: error: timeout: 1 of 2 replicas answered the read (A and C, believed up, did not); nothing written (1000ms)$' $tmp/rmwerr"

# The failure detector (issue 13, point 7): before it convicts, a request
# to an unreachable replica times out (a write: unknown, stored where it
# reached); after, the coordinator refuses at once (Unavailable).
"$BIN" --headless tests/scenarios/good/detector_unavailable.ini > "$tmp/det" 2>&1
check "detector: before the delay the write times out, unknown" has "$tmp/det" "unknown #1 write balance=300 at C \[QUORUM\]: unknown, it may have been applied: timeout: 1 of 2 replicas acknowledged (A and B, believed up, did not) (1000ms)$"
check "detector: the conviction is said when it happens" has "$tmp/det" "^    3.000  note    C believes A down: no word from A for 2.0s (the failure detector's delay: 2s)$"
check "detector: after the delay Unavailable at once, nothing written" has "$tmp/det" "error   #2 write balance=400 at C \[QUORUM\]: error: Unavailable: C believes A and B down (no word from them for 2.5s); QUORUM needs 2 of 3 replicas, 1 is up: nothing written (0ms)$"
check "detector: a restore clears the belief" has "$tmp/det" "note    C believes A up again: it hears from A (gossip resumes)$"
sed -n '/command cut A>C/,/command restore all/p' "$tmp/det" > "$tmp/det-oneway"
check "detector: a one-way cut A>C leaves A believing C up" sh -c "! grep -q 'A believes C down' $tmp/det-oneway && grep -q 'C believes A down: no word from A for 2.0s' $tmp/det-oneway"
check "detector 0: the coordinator knows at once" has "$tmp/det" "error   #5 read balance at A \[ALL\]: error: Unavailable: A believes B down (it fell silent just now); ALL needs 3 of 3 replicas, 2 are up (0ms)$"
check "detector: the setting is in the transcript's head" has "$tmp/det" "^           config  failure detector 5s: a node believes a peer down after 5s without word from it; "
check "detector: cp says nothing of it" sh -c "! $BIN --headless --mode cp | grep -q -e 'failure detector' -e believes"
printf '[scenario]\nnodes = 3\npreset = cassandra-all\ninit = balance=100\n[timeline]\n0s = detector 0.4s\n1s = isolate C\n+0.5s = write A balance 500\n+0s = expect last error\n+0s = expect A balance 100\n' > "$tmp/det-all.ini"
check "detector 0.4s: the balance scene's write at ALL is refused, nothing written" "$BIN" --headless "$tmp/det-all.ini"

# Healing a partition: what each strategy keeps, loses and breaks.
"$BIN" --headless scenarios/heal-strategies.ini > "$tmp/heal" 2>&1
printf '[scenario]\nnodes = 3\nmode = cp\ninit = balance=100\n[timeline]\n1s = isolate C\n+0.5s = write A balance 500\n+1s = compare\n' > "$tmp/cmpcp.ini"
"$BIN" --headless "$tmp/cmpcp.ini" > "$tmp/cmpcp" 2>&1
check "compare in cp: one line, nothing to reconcile, no strategy named" sh -c "[ \$(grep -c 'compare ' $tmp/cmpcp) -eq 1 ] && grep -q 'compare a heal would give (nothing to reconcile: mode cp is leader-based' $tmp/cmpcp && ! grep -q 'heal by lww' $tmp/cmpcp"
check "heal: lww would lose one withdrawal" has "$tmp/heal" "compare heal by lww would give: balance=100 on A, B, C; LOST: request #1"
check "heal: crdt and merge would give -300" sh -c "[ \$(grep -c 'would give: balance=-300 on A, B, C; invariant balance>=0 broken' $tmp/heal) -eq 2 ]"
check "heal: the crdt heal breaks balance>=0" has "$tmp/heal" "BROKEN  invariant balance>=0 broken at A: balance=-300"
check "heal: the crdt heal explains its sum" has "$tmp/heal" "resolve balance by crdt (register + counter): the register holds v1 (500, the first value); the counter adds what it had not seen: 500 -400 (at A) -400 (at C) = -300"
# Assignments are a register, never a counter delta (issue 13): no heal sums them.
check "heal: crdt would keep the newest assignment" has "$tmp/heal" "compare heal by crdt would give: balance=300 on A, B, C (0"
check "heal: merge would leave the assignments in conflict" has "$tmp/heal" "compare heal by merge would give: balance=500|300 (conflict) on A, B, C"
check "heal: the crdt heal names the register's choice" has "$tmp/heal" "resolve balance by crdt (register + counter): the register keeps the newest assignment by timestamp, v6 (300 at C, timestamp 5.000s), over v5 (500 at A, timestamp 4.500s); assignments never add up"
check "heal: the merge heal leaves a conflict and says so" has "$tmp/heal" "resolve balance by merge (three-way, the application's rule): CONFLICT between concurrent assignments 500 (v7 at A), 300 (v8 at C): .* both stay as siblings on every replica until a client resolves"
check "heal: a read meets the unresolved conflict" has "$tmp/heal" "read balance at B \[ONE\]: ok, 300 .*(CONFLICT: concurrent assignments the application's merge leaves to a client"
check "heal: no heal makes 800 of 500 and 300" sh -c "! grep -q '800 on\|= 800\|balance=800' $tmp/heal"
printf '[scenario]\nnodes = 3\nmode = ap\ninit = balance=100\n[timeline]\n0s = isolate C\n+0.5s = write A balance 500\n+0.5s = write C balance 300\n+0.5s = compare\n+0s = heal %s\n' crdt > "$tmp/asg.crdt.ini"
printf '[scenario]\nnodes = 3\nmode = ap\nstrategy = merge\ninit = balance=100\n[timeline]\n0s = isolate C\n+0.5s = write A balance 500\n+0.5s = write C balance 300\n+0.5s = heal merge\n' > "$tmp/asg.merge.ini"
"$BIN" --headless "$tmp/asg.crdt.ini" > "$tmp/asg.crdt" 2>&1
"$BIN" --headless "$tmp/asg.merge.ini" > "$tmp/asg.merge" 2>&1
check "assignments: nobody wrote 700, no heal or fork gives it" sh -c "! grep -q '700' $tmp/asg.crdt"
check "assignments: crdt ends at the newest assignment" has "$tmp/asg.crdt" "final   A balance=300 | B balance=300 | C balance=300"
check "assignments: merge ends in a conflict on every replica" has "$tmp/asg.merge" "final   A balance=500|300 (conflict) | B balance=500|300 (conflict) | C balance=500|300 (conflict)"
"$BIN" --headless scenarios/clock-skew.ini > "$tmp/skew" 2>&1
check "skew: C's later write is LOST to its slow clock" has "$tmp/skew" "LOST    v3 (balance=300 at C, timestamp -3.000s) lost at .: last-write-wins keeps v2 (500, timestamp 1.000s); a skewed clock"
"$BIN" --headless scenarios/cart.ini > "$tmp/cart" 2>&1
check "cart: merge brings the removed pear back" has "$tmp/cart" "resolve cart by merge: {apple, pear, milk}; union"
"$BIN" --headless --mode ap --trace - scenarios/cart.ini > "$tmp/carttrace" 2>&1
check "trace: a set is an array of names" has "$tmp/carttrace" '"ev":"op".*"op":"remove","key":"cart","arg":"pear".*"value":\["apple"\]'

# A run that ends on a heal shows the replicas after it, not halfway.
printf '[scenario]\nnodes = 3\ninit = balance=100\n[timeline]\n1s = isolate C\n+0.5s = write A balance 500\n+1.5s = heal\n' > "$tmp/endheal.ini"
for m in cp ap strict; do
	"$BIN" --headless --mode $m "$tmp/endheal.ini" > "$tmp/endheal.$m" 2>&1
done
check "a run ending on heal settles (cp)" has "$tmp/endheal.cp" "final   A balance=500 | B balance=500 | C balance=500"
check "a run ending on heal settles (ap)" has "$tmp/endheal.ap" "final   A balance=500 | B balance=500 | C balance=500"
check "a refused strict write leaves every replica at 100" has "$tmp/endheal.strict" "final   A balance=100 | B balance=100 | C balance=100"
printf '[scenario]\nnodes = 3\nmode = ap\ninit = balance=1\n[timeline]\n1s = resolve C balance 999\n' > "$tmp/refused.ini"
"$BIN" --headless "$tmp/refused.ini" > "$tmp/refused.out" 2>&1; rc=$?
check "a refused timeline command fails the run with FILE:LINE" sh -c "[ $rc -eq 2 ] && grep -q 'refused.ini:6: resolve: 999 is not one of' $tmp/refused.out"

# The trace: every client operation is an op record with a result.
"$BIN" --headless --mode ap --trace - > "$tmp/trace" 2>&1
check "trace: three op records with results" sh -c "[ \$(grep -c '\"ev\":\"op\".*\"result\":\"' $tmp/trace) -eq 3 ]"
check "trace: the stale read is marked" has "$tmp/trace" '"ev":"op".*"node":"C".*"value":100.*"stale":true'
"$BIN" --headless --seed 9 --trace - > "$tmp/s9a" 2>&1
"$BIN" --headless --seed 9 --trace - > "$tmp/s9b" 2>&1
"$BIN" --headless --seed 10 --trace - > "$tmp/s10" 2>&1
check "trace: the same seed gives the same bytes" cmp "$tmp/s9a" "$tmp/s9b"
check "trace: another seed gives other jitter" sh -c "! cmp -s $tmp/s9a $tmp/s10"

# A partial partition (issue 13): with B leading, cut A B alone. A reaches
# C, a majority, yet has no leader, for as long as B keeps its quorum
# through C; the transcript and the error say why, never "no quorum".
printf '[scenario]\nnodes = 3\nmode = cp\ninit = balance=100\n[timeline]\n1s = cut A B\n+0.5s = read A balance\n+0s = expect last error\n+10s = write A balance 7\n+0s = expect last error\n+1s = restore A B\n+1s = read A balance\n+0s = expect last ok\n' > "$tmp/partial.ini"
check "partial partition: its expectations hold" "$BIN" --headless "$tmp/partial.ini"
"$BIN" --headless "$tmp/partial.ini" > "$tmp/partial" 2>&1
check "partial partition: the transcript says once why A has no leader" sh -c "[ \$(grep -c 'note    A cannot elect a leader: C still follows B, so it rejects A.s pre-vote; A stays without one while B keeps its quorum through C' $tmp/partial) -eq 1 ]"
check "partial partition: the read's error names the cause" has "$tmp/partial" "#1 read balance at A \[QUORUM\]: error: no leader: A hears nothing from leader B; C still follows B, so it rejects A's pre-vote"
check "partial partition: ten seconds on, the same cause" has "$tmp/partial" "#2 write balance=7 at A \[QUORUM\]: error: no leader: A hears nothing from leader B"
check "partial partition: never no quorum" sh -c "! grep -q 'no quorum' $tmp/partial"
check "partial partition: B stays the only leader" sh -c "[ \$(grep -c ' leader  ' $tmp/partial) -eq 1 ]"
"$BIN" --headless -p zookeeper "$tmp/partial.ini" > "$tmp/partial-zk" 2>&1
check "partial partition, zookeeper: the connection loss says why" has "$tmp/partial-zk" "error: connection loss: A has no leader (C follows B; B unreachable), and a ZooKeeper"
check "partial partition, zookeeper: no pre-vote (ZooKeeper's election has none)" sh -c "! grep -q 'pre-vote' $tmp/partial-zk"

# A heal under the leader-based protocol (issue 13) reconciles nothing: no
# strategy in the transcript or the trace; the follower that missed a write
# catches up from the leader's log, by name; a deposed leader's entries
# that were never committed are discarded, by name.
check "cp heal: no strategy, and why" has "$tmp/cp" "heal    every link restored; nothing to reconcile: mode cp is leader-based, so every follower catches up from leader .'s log"
check "cp heal: never (strategy ...)" sh -c "! grep -q '(strategy' $tmp/cp"
check "cp heal: C catches up from the leader's log, by name" has "$tmp/cp" "note    C catches up: entr.* from leader .'s log, already committed: .*#1 write balance=500 (v2)"
for p in zookeeper dynamodb dynamodb-strong; do
	"$BIN" --headless -p "$p" --trace "$tmp/heal-$p.jsonl" > "$tmp/heal-$p" 2>&1
	check "$p heal: no strategy, and why" has "$tmp/heal-$p" "heal    every link restored; nothing to reconcile: preset $p is leader-based"
	check "$p heal: the trace says the heal reconciles nothing" has "$tmp/heal-$p.jsonl" '"ev":"heal","reconciles":false,"text":"nothing to reconcile: preset '
done
check "ap heal: still by its strategy" has "$tmp/ap" "heal    every link restored; replicas converge (strategy lww)"
printf '[scenario]\nnodes = 3\nmode = cp\ninit = balance=100\n[timeline]\n1s = isolate B\n+0.05s = write B balance 700\n+3s = write A balance 300\n+1s = heal lww\n+2s = expect B balance 300\n' > "$tmp/deposed.ini"
check "deposed leader: its expectations hold" "$BIN" --headless "$tmp/deposed.ini"
"$BIN" --headless "$tmp/deposed.ini" > "$tmp/deposed" 2>&1
check "deposed leader: a strategy asked for is said unused" has "$tmp/deposed" "heal    every link restored; nothing to reconcile (lww, asked for, is not used): mode cp is leader-based"
check "deposed leader: B discards its uncommitted write, by name" has "$tmp/deposed" "note    B discards entry 3, which leader B of term 1 never committed; leader A's log replaces it: #1 write balance=700 (v2), its request ended unknown to its client: it never took effect"
printf '[scenario]\nnodes = 3\nmode = strict\ninit = balance=100\n[timeline]\n0s = isolate C\n+0.5s = write A balance 500\n+1s = heal\n' > "$tmp/strict-heal.ini"
"$BIN" --headless "$tmp/strict-heal.ini" > "$tmp/strict-heal" 2>&1
check "strict heal: nothing diverged, nothing reconciled" has "$tmp/strict-heal" "heal    every link restored; nothing to reconcile: mode strict commits a write on every replica or on none"
check "strict heal: no resolution pretends to choose" sh -c "! grep -q 'resolve\|(strategy' $tmp/strict-heal"

# Found by --explore: under strict, a coordinator whose clock runs behind
# the last writer's stamped its commit older, and every replica kept the
# write before it (an acknowledged deposit vanished). Three deposits, all
# kept, none flagged.
printf '[scenario]\nnodes = 3\nmode = strict\nseed = 28\ninit = balance=100\n[timeline]\n0s = skew A -250ms\n0s = skew B 430ms\n1305ms = add B balance 100\n1915ms = add A balance 60\n2155ms = add C balance 30\n+2s = expect stale 0\n+0s = expect A balance 290\n+0s = expect C balance 290\n' > "$tmp/strict-skew.ini"
check "strict: a coordinator's slow clock loses no committed write" "$BIN" --headless "$tmp/strict-skew.ini"

# Found by a QA pass (issue 13): each says what the run did.
"$BIN" --headless zookeeper-ensemble > "$tmp/zke" 2>&1
check "zookeeper-ensemble: no stall blamed on a leader that stepped down" sh -c "! grep -q 'keeps its quorum' $tmp/zke"
printf '[scenario]\npreset = cassandra-quorum\nseed = 4\ninit = balance=100\n[timeline]\n1s = txn A balance -60 if balance>=60\n+0s = txn C balance -60 if balance>=60\n+0.01s = txn B balance -10 if balance>=10\n' > "$tmp/lwtc.ini"
"$BIN" --headless "$tmp/lwtc.ini" > "$tmp/lwtc" 2>&1
check "lwt overtaken before its proposal: an error that took no effect" has "$tmp/lwtc" "error   #1 txn .*: error: contention: another transaction on the key took over before this one was proposed: it did not take effect"
check "lwt overtaken after its proposal: unknown" has "$tmp/lwtc" "unknown #2 txn .*: unknown, it may have been applied: contention: .* may or may not take effect"
check "no 'error' says 'may or may not take effect'" sh -c "! grep -q '^ *[0-9.]*  error .*may or may not' $tmp/lwtc"
printf '[scenario]\nmode = ap\ninit = balance=100\n[timeline]\n0s = isolate C\n+0.5s = write A balance 500\n+0.5s = write C balance 300\n+0.5s = heal merge\n+1s = read A balance\n' > "$tmp/hm.ini"
"$BIN" --headless "$tmp/hm.ini" > "$tmp/hm" 2>&1
check "heal merge under lww: the cluster then reconciles by merge" has "$tmp/hm" "config  strategy merge:"
check "heal merge under lww: the conflict stays, and a read meets it" sh -c "grep -q 'CONFLICT: concurrent assignments' $tmp/hm && grep -q 'final   A balance=500|300 (conflict)' $tmp/hm"
"$BIN" --headless heal-strategies > "$tmp/hs" 2>&1
check "heal-strategies: a resolve drops versions knowingly, none LOST" sh -c "! grep -q 'LOST .*resolve at' $tmp/hs"
printf '[scenario]\npreset = zookeeper\nseed = 1\ninit = balance=100\n[timeline]\n1s = isolate C\n+0.05s = write C balance 7\n' > "$tmp/zkcl.ini"
"$BIN" --headless "$tmp/zkcl.ini" > "$tmp/zkcl" 2>&1
check "zookeeper: losing its leader ends a server's pending write at once, unknown" has "$tmp/zkcl" "unknown #1 write balance=7 at C \[leader\]: unknown, it may have been applied: connection loss: C lost its leader ., and a ZooKeeper server without one closes its clients' connections"
"$BIN" --headless dynamodb-transaction > "$tmp/ddt" 2>&1
check "a catch-up names a txn whose condition failed as having no effect" has "$tmp/ddt" "txn add balance -100 if balance>=100 (condition failed: no effect)"

# Bad input: a clear message naming the file and line, exit status 2.
check "--help exits 0" status 0 "$BIN" --help
check "--version exits 0" status 0 "$BIN" --version
check "an unknown option exits 2" status 2 "$BIN" --frobnicate
check "--nodes 9 exits 2" status 2 "$BIN" --headless --nodes 9
check "--check accepts the default scenario" status 0 "$BIN" --check scenarios/balance.ini
check "--check without a file says so and exits 2" sh -c "$BIN --check 2>&1 | grep -q 'no scenario given'; [ \$($BIN --check >/dev/null 2>&1; echo \$?) -eq 2 ]"
check "a missing scenario exits 2" status 2 "$BIN" --headless no-such-scenario
printf '[scenario]\nname = bad\nnodes = 3\n\n[timeline]\n0s = isolate C\n1s = frobnicate A\n' > "$tmp/bad.ini"
"$BIN" --headless "$tmp/bad.ini" > "$tmp/bad.out" 2>&1; rc=$?
check "an unknown command exits 2" test "$rc" -eq 2
check "an unknown command names FILE:LINE" has "$tmp/bad.out" "bad.ini:7: frobnicate: unknown command"
printf '[scenario]\nnodes = 3\n[timeline]\n0s = cut A Q\n' > "$tmp/badnode.ini"
"$BIN" --check "$tmp/badnode.ini" > "$tmp/badnode.out" 2>&1; rc=$?
check "an unknown node exits 2 and lists the nodes" sh -c "[ $rc -eq 2 ] && grep -q \"badnode.ini:4: cut: unknown node 'Q' (nodes are A, B, C)\" $tmp/badnode.out"
for f in tests/scenarios/bad/*.ini; do
	[ -f "$f" ] || continue
	"$BIN" --headless "$f" > "$tmp/o" 2>&1; rc=$?
	check "bad scenario $(basename "$f") exits 2 with FILE:LINE" sh -c "[ $rc -eq 2 ] && grep -q '^capviz: $f:[0-9]*: ' $tmp/o"
done
