#!/bin/bash
# Inside the VM (real IPVS): the 5 s re-read that repairs a table changed
# behind the daemon's back reads every service each period but the
# destinations of only a slice of them (ipvs/ipvs_bgdump.c: at most 128 a
# period, taking turns). 30 virtual servers x 10 real servers (300
# destinations, no checks):
# (1) ipvsadm -C is repaired within one period (+ the VM's slack);
# (2) destinations deleted by hand in the first, middle and last service
#     are all repaired within ceil(300 / 128) = 3 periods (+ slack);
# (3) a re-read sends at most 20 netlink requests (family, the service
#     dump, 12 services' destinations; a full re-read sent 32), counted
#     with strace over about 5 periods, and nothing is written meanwhile
#     (the services not read keep the destinations they had).
. "$(dirname "$0")/../lib.sh"

assert "ip_vs and rr load" vm_load_ipvs rr
LB=$(vm_ns lb)
NV=30 NR=10
D=$((NV * NR))
{
	echo "global { router_id = reread }"
	for v in $(seq 1 $NV); do
		echo "virtual_server 10.9.0.$v:80 {"
		echo "    lb_algo = rr  lb_kind = nat"
		for r in $(seq 1 $NR); do echo "    real_server 10.8.$v.$r:80 { }"; done
		echo "}"
	done
} >"$VM_DIR/hd.conf"
ip netns exec "$LB" "$HD" -n -l -f "$VM_DIR/hd.conf" -p "$VM_DIR/hd.pid" -s "$VM_DIR/hd.sock" \
	>>"$VM_DIR/hd.log" 2>&1 &
PID=$!
VM_PIDS+=($PID)
dests() { ip netns exec "$LB" ipvsadm -Ln | grep -c -- '-> 10\.8\.'; }
full() { [ "$(dests)" = "$D" ]; }
jnum() { "$HDCTL" -s "$VM_DIR/hd.sock" status --json 2>/dev/null | jq ".ipvs.$1"; }
assert "the table is full ($D destinations)" wait_for 30 full
# past the start-up passes: the next re-reads come from the 5 s timer
sleep 6

# (1) the whole table flushed
t0=$(now_ms)
check "ipvsadm -C succeeds" ip netns exec "$LB" ipvsadm -C
check "flushed table repaired within one period (5 s + 4 s slack)" wait_for 9 full
echo "# flush repaired after $(($(now_ms) - t0)) ms"

# (2) one destination deleted in three services: each is read in its turn
sleep 1
t0=$(now_ms)
for v in 1 15 30; do
	check "delete 10.8.$v.5 from 10.9.0.$v:80" ip netns exec "$LB" ipvsadm -d -t 10.9.0.$v:80 -r 10.8.$v.5:80
done
check "three deleted destinations repaired within 3 periods (15 s + 5 s slack)" wait_for 20 full
echo "# deletions repaired after $(($(now_ms) - t0)) ms"

# (3) what a re-read costs: netlink requests per re-read, no write
sleep 1
d0=$(jnum dumps) w0=$(jnum netlink_writes)
timeout -s INT 26 strace -f -qq -e trace=sendmsg -o "$VM_DIR/strace" -p "$PID" 2>/dev/null
d1=$(jnum dumps) w1=$(jnum netlink_writes)
sends=$(grep -c sendmsg "$VM_DIR/strace")
echo "# $sends netlink requests in $((d1 - d0)) re-reads"
check "re-reads happened while counting ($d0 -> $d1)" [ $((d1 - d0)) -ge 3 ]
check "at most 20 netlink requests per re-read ($sends in $((d1 - d0)))" \
	[ "$sends" -le $((20 * (d1 - d0))) ]
check "no IPVS write while nothing changed ($w0 -> $w1)" [ "$w1" = "$w0" ]
check "the table is still full" full
[ "$VM_FAILS" -eq 0 ] || tail -n 30 "$VM_DIR/hd.log"
vm_done
