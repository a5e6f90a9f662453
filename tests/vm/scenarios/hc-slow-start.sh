#!/bin/bash
# Inside the VM: slow start and agent_check weights in the kernel's IPVS
# table. A wlc service; R1 (weight 100, slow_start 4 s in 4 steps) is
# killed and comes back: ipvsadm, sampled every 100 ms, shows its weight
# rise 20, 40, 60, 80, 100 (never down, never more than 5 values, the
# first at most 20), reaching 100 about 4 s after it returned; the daemon's
# IPVS writes for R1 from its return on (its debug log) are at most 5. R3
# runs an agent that says 50%: ipvsadm shows weight 50.
. "$(dirname "$0")/../lib.sh"

assert "ip_vs and wlc load" vm_load_ipvs wlc
VIP=192.168.169.100
LB=$(vm_ns lb); vm_link "$LB" eth0 192.168.169.50/24
declare -A PID
for n in 1 2 3; do
	vm_ns r$n >/dev/null
	vm_link vm-r$n eth0 192.168.169.1$n/24
	mkdir -p "$VM_DIR/r$n"
done
web() { ip netns exec "vm-r$1" busybox httpd -f -p 80 -h "$VM_DIR/r$1" & PID[$1]=$!; VM_PIDS+=($!); }
web 1; web 2; web 3
echo "line up 50%" >"$VM_DIR/mode3"
ip netns exec vm-r3 python3 "$top_srcdir/tests/netns/hc-agent-srv.py" 9999 "$VM_DIR/mode3" \
	"$VM_DIR/agent3.log" </dev/null >/dev/null 2>&1 &
VM_PIDS+=($!)

cat >"$VM_DIR/hd.conf" <<CONF
global { router_id = vm-ss }
virtual_server $VIP:80 {
    lb_algo = wlc
    lb_kind = nat
    slow_start = 4
    slow_start_steps = 4
    real_server 192.168.169.11:80 { weight = 100  tcp_check { delay_loop = 0.3  connect_timeout = 0.5 } }
    real_server 192.168.169.12:80 { weight = 100  tcp_check { delay_loop = 0.3  connect_timeout = 0.5 } }
    real_server 192.168.169.13:80 { weight = 100
        agent_check { connect_port = 9999  delay_loop = 0.3  connect_timeout = 1 } }
}
CONF
SOCK=$VM_DIR/hd.sock
ip netns exec "$LB" "$HD" -n -l -v -v -f "$VM_DIR/hd.conf" -p "$VM_DIR/hd.pid" -s "$SOCK" \
	>"$VM_DIR/hd.log" 2>&1 &
VM_PIDS+=($!)

weight() { # ADDR: its weight in the kernel, nothing when absent
	ip netns exec "$LB" ipvsadm -Ln -t $VIP:80 | awk -v a="$1:80" '$2 == a { print $4 }'
}
w_is() { [ "$(weight "$1")" = "$2" ]; }
check "R1 in the kernel at 100 (no ramp at startup)" wait_for 10 w_is 192.168.169.11 100
check "R2 at 100" w_is 192.168.169.12 100
check "R3 at 50, as its agent says" wait_for 10 w_is 192.168.169.13 50

kill "${PID[1]}"
check "R1 leaves the table" wait_for 10 sh -c "[ -z \"\$(ip netns exec $LB ipvsadm -Ln -t $VIP:80 | grep 192.168.169.11:80)\" ]"
from=$(wc -l <"$VM_DIR/hd.log")
web 1
t0=$(now_ms)
: >"$VM_DIR/w.txt"
while [ $(($(now_ms) - t0)) -lt 7000 ]; do
	echo "$(($(now_ms) - t0)) $(weight 192.168.169.11)" >>"$VM_DIR/w.txt"
	sleep 0.1
done
seen=$(awk 'NF == 2 && $2 != prev { printf "%s ", $2; prev = $2 }' "$VM_DIR/w.txt")
echo "# R1's weights over time: $seen"
first=$(awk 'NF == 2 { print $2; exit }' "$VM_DIR/w.txt")
full=$(awk 'NF == 2 && $2 == 100 { print $1; exit }' "$VM_DIR/w.txt")
back=$(awk 'NF == 2 { print $1; exit }' "$VM_DIR/w.txt")
check "R1 came back with a low weight (first seen: $first)" test "${first:-999}" -le 20
check "R1's weights only rise" awk 'NF == 2 { if ($2 < p) exit 1; p = $2 }' "$VM_DIR/w.txt"
check "at most 5 weights on the way ($seen)" test "$(echo $seen | wc -w)" -le 5
check "at least 3 of them (a ramp, not a jump)" test "$(echo $seen | wc -w)" -ge 3
check "R1 at 100 at the end" w_is 192.168.169.11 100
# A ramp cannot end before its steps' time (no upper bound: a loaded VM is
# late, and "R1 at 100 at the end" already says it ends).
check "100 reached no sooner than the ramp allows (${back} ms -> ${full} ms)" \
	test "$((full - back))" -ge 2500
writes=$(tail -n +"$((from + 1))" "$VM_DIR/hd.log" | grep -cE 'ipvs: (add|edit)-dest .*192.168.169.11:80')
echo "# IPVS writes for R1 since its return: $writes"
check "at most steps + 1 = 5 IPVS writes for the ramp ($writes)" test "$writes" -le 5 -a "$writes" -ge 3
check "status: R1 ramp counted" sh -c "'$HDCTL' -s '$SOCK' status --json | jq -e '.healthcheck[0].real_servers[0].slow_start_writes >= 3' >/dev/null"
check "R2 untouched at 100" w_is 192.168.169.12 100
[ "${VERBOSE:-}" ] && grep -E 'ipvs: (add|edit)-dest' "$VM_DIR/hd.log" | tail -20
vm_done
