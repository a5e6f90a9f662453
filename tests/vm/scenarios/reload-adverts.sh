#!/bin/bash
# Inside the VM: a VRRP master at advert_int 0.1 whose reload rewrites every real server's weight
# (RELOAD_RS of them, one IPVS write each: tests/bench/reload-scale-gen.awk variant 3, no checks,
# so the reload's apply is small and the IPVS pass is the long part). Checks:
#  (1) the backup sees no gap between the master's adverts over 1.5 advert intervals, from 0.5 s
#      before the SIGHUP to 1 s after the kernel's table is the new one, and never advertises;
#  (2) the reload writes exactly its plan (`hadirectorctl reload --plan --json`: one edit-dest per
#      real server) and the table is the expected one;
#  (3) the pass was cut into slices (status ipvs.pass.last.slices > 1);
#  (4) on the reload back, status sampled while the pass runs is consistent: "programmed" is the
#      table as read before the pass (every weight still the old one), pending_ops is the ops not
#      yet taken, and after the pass "programmed" is the new table.
# Written against one IPVS pass in one loop iteration: under TCG thousands of netlink writes hold
# the loop for far longer than 0.15 s, and the advert due meanwhile leaves late.
. "$(dirname "$0")/../lib.sh"

NVS=${RELOAD_VS:-400}
NRS=${RELOAD_RS:-8000}
ADV=0.1
SOCK=/tmp/hd-radv.sock
GEN=$top_srcdir/tests/bench/reload-scale-gen.awk
POLL=$top_builddir/tests/bench/ipvs-poll

assert "ip_vs and wrr load" vm_load_ipvs wrr
assert "ipvs-poll is built (make tests/bench/ipvs-poll)" test -x "$POLL"
assert "tcpdump and jq are there" sh -c "command -v tcpdump && command -v jq"
vm_vrrp_pair # LB, PEER

for v in 0 3; do
	awk -f "$GEN" -v nvs="$NVS" -v nrs="$NRS" -v checks=0 -v adv=$ADV -v variant=$v -v out="$VM_DIR"
	read -r H[$v] S[$v] D[$v] <<<"$("$POLL" -e "$VM_DIR/exp-$v.txt")"
done
awk -f "$GEN" -v variant=peer -v prio=100 -v adv=$ADV -v out="$VM_DIR"
echo "table: ${S[0]} services, ${D[0]} real servers"

ip netns exec "$PEER" "$HD" -n -l -f "$VM_DIR/hd-peer.conf" -p /tmp/hd-radv-peer.pid \
	-s /tmp/hd-radv-peer.sock >"$VM_DIR/peer.log" 2>&1 &
VM_PIDS+=("$!")
cp "$VM_DIR/hd-0.conf" "$VM_DIR/cur.conf"
ip netns exec "$LB" "$HD" -n -l -v -f "$VM_DIR/cur.conf" -p /tmp/hd-radv.pid -s "$SOCK" \
	>"$VM_DIR/hd.log" 2>&1 &
HDPID=$!
VM_PIDS+=("$HDPID")
writes() { "$HDCTL" -s "$SOCK" metrics | awk '$1 == "hadirector_ipvs_netlink_writes_total" { print $2 }'; }
table_is() { ip netns exec "$LB" "$POLL" -w "$1" -i 200 -t "$2" >/dev/null; }
assert "the table is loaded" table_is "${H[0]}" 300
assert "the master holds the VIP" wait_for 20 sh -c "ip -n $LB addr show vr0 | grep -q 192.168.50.100"
sleep 3 # the start's passes are over; the backup has settled as backup

ip netns exec "$PEER" tcpdump -i vr0 -n -U -w "$VM_DIR/vrrp.pcap" 'ip proto 112' 2>/dev/null &
TCPD=$!
VM_PIDS+=("$TCPD")
sleep 1.5
"$HDCTL" -s "$SOCK" reload --plan --json --file "$VM_DIR/hd-3.conf" >"$VM_DIR/plan.json"
n_plan=$(jq '.ipvs.writes | length' "$VM_DIR/plan.json")
n_edit=$(jq '[.ipvs.writes[] | select(.op == "edit-dest")] | length' "$VM_DIR/plan.json")
check "the plan: one edit-dest per real server ($n_edit of $n_plan writes, $NRS servers)" \
	[ "$n_plan" -eq "$NRS" -a "$n_edit" -eq "$NRS" ]
w0=$(writes)
sleep 1 # the plan and the metrics request are not part of what is measured
cp "$VM_DIR/hd-3.conf" "$VM_DIR/cur.conf"
out=$(ip netns exec "$LB" "$POLL" -w "${H[3]}" -k "$HDPID" -i 200 -t 300)
check "the table is the new one after the reload ($out)" [ -n "$out" ]
read -r t0 t1 ms _ <<<"$out"
sleep 2.5 # the pass's re-read, anything a wrong pass would do after, tcpdump's buffer
w1=$(writes)
check "the reload made its plan's $n_plan writes ($w0 -> $w1)" [ $((w1 - w0)) -eq "$n_plan" ]

# (1) the master's adverts as the backup saw them (kernel timestamps)
vm_advert_gaps "$VM_DIR/vrrp.pcap" "$((t0 - 500000000))" "$((${t1:-0} + 1000000000))" $ADV \
	>"$VM_DIR/adverts.txt"
read -r n_adv max_gap late peer_adv <"$VM_DIR/adverts.txt"
echo "# adverts seen: $n_adv, longest gap $max_gap ms, late $late, backup's $peer_adv; table after $ms ms"
grep -E "reload complete|change\(s\) applied|pass took" "$VM_DIR/hd.log" | sed 's/^/# /'
check "adverts went on during the reload ($n_adv)" [ "$n_adv" -ge 10 ]
check "no advert late: longest gap $max_gap ms < 1.5 x advert_int" [ "$late" -eq 0 ]
check "the backup never advertised ($peer_adv)" [ "$peer_adv" -eq 0 ]

# (3) the pass gave the loop back between slices
"$HDCTL" -s "$SOCK" status --json >"$VM_DIR/st.json"
jq -c '.ipvs.last_write_pass' "$VM_DIR/st.json" | sed 's/^/# last pass that wrote: /'
check "the pass took several slices" [ "$(jq '.ipvs.last_write_pass.slices // 0' "$VM_DIR/st.json")" -gt 1 ]

# (4) status while a pass runs: the reload back to weight 1. A status request is answered from
# the state at the moment the daemon takes it (between two slices). The pass starts in the loop
# iteration after the reload's log line, builds and diffs its table in slices, then writes 8,000
# round trips (about 0.8 s in TCG): requests sent every 50 ms from the log line on, until one
# sees it write, see it write however long each answer takes (six in 0.18 s could all land in the build and diff,
# which come first since the pass builds in slices).
n0=$(grep -c "reload complete" "$VM_DIR/hd.log")
cp "$VM_DIR/hd-0.conf" "$VM_DIR/cur.conf"
kill -HUP "$HDPID"
wait_for 60 sh -c "[ \$(grep -c 'reload complete' '$VM_DIR/hd.log') -gt $n0 ]"
# Sampled in rounds of 10 until one answer shows the pass writing (at most 400 requests, 20 s):
# a fixed 2 s window missed a pass that started later on a slow machine (ASan under TCG).
i=0 seen=0
while [ "$i" -lt 400 ] && [ "$seen" = 0 ]; do
	spids=()
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		i=$((i + 1))
		"$HDCTL" -s "$SOCK" status --json >"$VM_DIR/mid-$i.json" 2>/dev/null &
		spids+=("$!")
		sleep 0.05
	done
	wait "${spids[@]}"
	cat "$VM_DIR"/mid-*.json | grep -Eq '"pass":\{"phase":"(write|reread)"' && seen=1
done
mid=0 bad=0 building=0
for f in "$VM_DIR"/mid-*.json; do
	grep -Eq '"pass":\{"phase":"(build|diff)"' "$f" && building=$((building + 1))
	grep -Eq '"pass":\{"phase":"(write|reread)"' "$f" || continue
	mid=$((mid + 1))
	# programmed = the table before the pass (weight 3 everywhere), desired = its target;
	# while writing, pending = the ops not taken yet
	jq -e '(.ipvs.pass.phase == "reread" or .ipvs.pending_ops == .ipvs.pass.ops - .ipvs.pass.taken) and
		([.ipvs.programmed[].dests[].weight] | all(. == 3)) and
		([.ipvs.desired[].dests[].weight] | all(. == 1))' "$f" >/dev/null || bad=$((bad + 1))
done
echo "# status samples while it built or diffed: $building"
echo "# status samples during the pass: $mid (inconsistent: $bad)"
check "status answered while the pass wrote ($mid samples)" [ "$mid" -ge 1 ]
check "status during the pass: programmed = as last read, pending = ops not taken ($bad bad)" \
	[ "$bad" -eq 0 ]
check "the table is the old one again" table_is "${H[0]}" 120
sleep 1
"$HDCTL" -s "$SOCK" status --json >"$VM_DIR/st2.json"
check "after the pass: programmed has the new weights, nothing pending" jq -e \
	'.ipvs.pass.phase == "idle" and .ipvs.pending_ops == 0 and
	 ([.ipvs.programmed[].dests[].weight] | all(. == 1))' "$VM_DIR/st2.json"
check "the daemon is alive" kill -0 "$HDPID"
[ "$VM_FAILS" -eq 0 ] || tail -n 30 "$VM_DIR/hd.log"
vm_done
