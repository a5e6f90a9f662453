#!/bin/bash
# Inside the VM: keepalived's reload figure, 2,277 virtual servers and 37,205 real servers with a
# tcp_check each (tests/bench/reload-scale-gen.awk; the real servers are one accept-and-close server
# in namespace "rs", so every check passes), on a VRRP master at advert_int 0.1. Two reloads: the
# file's last 10 virtual servers replaced and 100 weights changed (variant 1), then back. Checks:
#  (1) the backup sees no gap between the master's adverts over 1.5 advert intervals, from 0.5 s
#      before the SIGHUP to 1 s after the kernel's table is the new one, and never advertises;
#  (2) the health checks' build ran in steps (status daemon.last_reload_usec.build_steps > 1) and
#      the table is the expected one after each reload;
#  (3) each IPVS pass after the SIGHUP whose table build and diff took 20 ms or more (25-77 ms
#      under TCG at this size) spread them over loop iterations: its longest iteration was
#      shorter than they were together (the log line "the pass took ...").
# Written against the apply in one loop iteration: every module's prepare and commit of 37,205
# probes and real servers held the loop ~0.2 s under TCG, and the advert due meanwhile left late;
# then against the IPVS pass's first iteration, which built and diffed the whole table (60-77 ms
# under load: one advert late, gap 155-182 ms, in 2 of 5 reloads).
. "$(dirname "$0")/../lib.sh"

NVS=${RELOAD_VS:-2277}
NRS=${RELOAD_RS:-37205}
ADV=0.1
SOCK=/tmp/hd-radvc.sock
GEN=$top_srcdir/tests/bench/reload-scale-gen.awk
POLL=$top_builddir/tests/bench/ipvs-poll
PY=$(command -v python3)

assert "ip_vs and wrr load" vm_load_ipvs wrr
assert "ipvs-poll is built (make tests/bench/ipvs-poll)" test -x "$POLL"
assert "tcpdump, jq and python3 are there" sh -c "command -v tcpdump && command -v jq && [ -n '$PY' ]"
vm_vrrp_pair # LB, PEER
RS=$(vm_ns rs)
vm_veth "$LB" "$RS" eth0 172.31.1.1 172.31.1.2
ip -n "$RS" route add local 10.0.0.0/16 dev lo
ip -n "$LB" route add 10.0.0.0/16 via 172.31.1.2
assert "the real servers' server runs" vm_bench_srv 20

for v in 0 1; do
	awk -f "$GEN" -v nvs="$NVS" -v nrs="$NRS" -v adv=$ADV -v variant=$v -v out="$VM_DIR"
	read -r H[$v] S[$v] D[$v] <<<"$("$POLL" -e "$VM_DIR/exp-$v.txt")"
done
awk -f "$GEN" -v variant=peer -v prio=100 -v adv=$ADV -v out="$VM_DIR"
echo "table: ${S[0]} services, ${D[0]} real servers, a tcp_check each"

# The master first: alone, it takes the VIP at once; a peer started first would be preempted
# only once the master's 37,205 checks have settled (up to a minute of VM time).
cp "$VM_DIR/hd-0.conf" "$VM_DIR/cur.conf"
ip netns exec "$LB" "$HD" -n -l -v -f "$VM_DIR/cur.conf" -p /tmp/hd-radvc.pid -s "$SOCK" \
	>"$VM_DIR/hd.log" 2>&1 &
HDPID=$!
VM_PIDS+=("$HDPID")
assert "the master holds the VIP" wait_for 60 sh -c "ip -n $LB addr show vr0 | grep -q 192.168.50.100"
ip netns exec "$PEER" "$HD" -n -l -f "$VM_DIR/hd-peer.conf" -p /tmp/hd-radvc-peer.pid \
	-s /tmp/hd-radvc-peer.sock >"$VM_DIR/peer.log" 2>&1 &
VM_PIDS+=("$!")
table_is() { ip netns exec "$LB" "$POLL" -w "$1" -i 200 -t "$2" >/dev/null; }
assert "the table is loaded" table_is "${H[0]}" 400
sleep 3 # the start's passes are over; the backup has settled as backup
check "the peer is the backup" sh -c "! ip -n $PEER addr show vr0 | grep -q 192.168.50.100"

ip netns exec "$PEER" tcpdump -i vr0 -n -U -w "$VM_DIR/vrrp.pcap" 'ip proto 112' 2>/dev/null &
VM_PIDS+=("$!")
sleep 1.5

# reload VARIANT: SIGHUP with hd-VARIANT.conf, the adverts around it, the build's steps
reload() {
	local v=$1 out t0 t1 ms n_adv max_gap late peer_adv steps l0 split n_big n_whole longest
	cp "$VM_DIR/hd-$v.conf" "$VM_DIR/cur.conf"
	l0=$(wc -l <"$VM_DIR/hd.log")
	out=$(ip netns exec "$LB" "$POLL" -w "${H[$v]}" -k "$HDPID" -i 200 -t 300)
	check "reload to variant $v: the table is the new one ($out)" [ -n "$out" ]
	read -r t0 t1 ms _ <<<"$out"
	sleep 2.5 # the pass's re-read, tcpdump's buffer
	vm_advert_gaps "$VM_DIR/vrrp.pcap" "$((t0 - 500000000))" "$((${t1:-0} + 1000000000))" $ADV \
		>"$VM_DIR/adverts-$v.txt"
	read -r n_adv max_gap late peer_adv <"$VM_DIR/adverts-$v.txt"
	"$HDCTL" -s "$SOCK" status --json >"$VM_DIR/st-$v.json"
	steps=$(jq '.daemon.last_reload_usec.build_steps // 0' "$VM_DIR/st-$v.json")
	echo "# variant $v: adverts $n_adv, longest gap $max_gap ms, late $late, backup's $peer_adv;" \
		"table after $ms ms; $(jq -c .daemon.last_reload_usec "$VM_DIR/st-$v.json");" \
		"IPVS pass: $(jq -c '.ipvs.last_write_pass' "$VM_DIR/st-$v.json")"
	check "variant $v: adverts went on during the reload ($n_adv)" [ "$n_adv" -ge 10 ]
	check "variant $v: no advert late: longest gap $max_gap ms < 1.5 x advert_int" [ "$late" -eq 0 ]
	check "variant $v: the backup never advertised ($peer_adv)" [ "$peer_adv" -eq 0 ]
	check "variant $v: the health checks' build took several loop iterations ($steps)" [ "$steps" -gt 1 ]
	# "the pass took N loop iterations in X ms, the longest Y us (build B us, diff D us; ...)"
	split=$(tail -n +"$((l0 + 1))" "$VM_DIR/hd.log" | grep -o "pass took .*" | awk '
		{ y = $11; b = $14; d = $17 }
		b + d >= 20000 { n++; if (y >= b + d) bad++; if (y > max) max = y }
		END { printf "%d %d %d\n", n, bad, max }')
	read -r n_big n_whole longest <<<"$split"
	echo "# variant $v: IPVS passes building and diffing >= 20 ms: $n_big, the longest iteration" \
		"of theirs $longest us"
	check "variant $v: the reload's IPVS pass built and diffed for 20 ms or more ($n_big passes)" \
		[ "$n_big" -ge 1 ]
	check "variant $v: no IPVS pass built and diffed in one loop iteration ($n_whole did)" \
		[ "$n_whole" -eq 0 ]
}
reload 1
reload 0
grep -E "reloading|reload complete|pass took|change\(s\) applied" "$VM_DIR/hd.log" | sed 's/^/# /'
check "the daemon is alive" kill -0 "$HDPID"
check "no reload failed" jq -e '.daemon.reloads_failed == 0 and .daemon.reloads_ok == 2' "$VM_DIR/st-0.json"
[ "$VM_FAILS" -eq 0 ] || tail -n 30 "$VM_DIR/hd.log"
vm_done
