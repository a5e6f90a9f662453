#!/bin/bash
# Inside the VM: health verdicts drive the real IPVS table (the reference
# DR scenario). Kill one real server's HTTP process -> its destination
# leaves `ipvsadm -Ln` within delay_loop x fall + connect_timeout; restart
# -> back within delay_loop x rise; stop both -> the sorry server appears;
# client traffic meanwhile only ever reaches live servers.
. "$(dirname "$0")/../lib.sh"

assert "ip_vs and rr load" vm_load_ipvs rr
VIP=192.168.168.100
vm_dr_director # LB, CL

# DR real servers: the VIP on lo, never answering ARP for it.
declare -A PID
rs_ns() { # NAME ADDR
	vm_dr_rs "$1" "$2"
	mkdir -p "$VM_DIR/$1"; echo "this is $1" > "$VM_DIR/$1/index.html"
}
web() { # NAME: (re)start its busybox httpd
	ip netns exec "vm-$1" busybox httpd -f -p 80 -h "$VM_DIR/$1" &
	PID[$1]=$!; VM_PIDS+=($!)
}
rs_ns nginx1 192.168.168.10; rs_ns nginx2 192.168.168.20; rs_ns sorry 192.168.168.30
web nginx1; web nginx2; web sorry

cat > "$VM_DIR/hd.conf" <<CONF
global { router_id = vm-hc }
virtual_server $VIP:80 {
    lb_algo = rr
    lb_kind = dr
    delay_loop = 1
    sorry_server = 192.168.168.30:80
    real_server 192.168.168.10:80 { http_check { path = /index.html  connect_timeout = 1  rise = 2  fall = 2 } }
    real_server 192.168.168.20:80 { http_check { path = /index.html  connect_timeout = 1  rise = 2  fall = 2 } }
}
CONF
SOCK=$VM_DIR/hd.sock
ip netns exec "$LB" "$HD" -n -l -f "$VM_DIR/hd.conf" -p "$VM_DIR/hd.pid" -s "$SOCK" >"$VM_DIR/hd.log" 2>&1 &
VM_PIDS+=($!)

table() { ip netns exec "$LB" ipvsadm -Ln; }
has() { table | grep -q -- "-> $1:80 .*Route"; }
hasnt() { ! has "$1"; }
both() { has 192.168.168.10 && has 192.168.168.20; }
none_live() { hasnt 192.168.168.10 && hasnt 192.168.168.20; }
back() { hasnt 192.168.168.30 && both; }
# When the daemon changed the verdict (its wall-clock last_change), in ms.
change_ms() {
	"$HDCTL" -s "$SOCK" status --json | jq -r --arg rs "$1:80" \
		'.healthcheck[].real_servers[] | select(.rs == $rs) | .last_change * 1000 | floor'
}
# Ten client requests; prints the distinct answers.
answers() {
	for i in 1 2 3 4 5 6 7 8 9 10; do
		ip netns exec "$CL" curl -s --max-time 2 "http://$VIP/" || echo "no answer"
	done | sort -u | tr '\n' ' '
}

assert "the daemon answers" wait_for 10 "$HDCTL" -s "$SOCK" ping
check "both real servers in the table" wait_for 10 both
check "client gets both servers" test "$(answers)" = "this is nginx1 this is nginx2 "

check "set_sysctls (default): net.ipv4.vs.expire_nodest_conn = 1" \
	test "$(ip netns exec "$LB" cat /proc/sys/net/ipv4/vs/expire_nodest_conn)" = 1
check "set_sysctls (default): net.ipv4.vs.expire_quiescent_template = 1" \
	test "$(ip netns exec "$LB" cat /proc/sys/net/ipv4/vs/expire_quiescent_template)" = 1
# A client source port whose last connection went to nginx1: busybox httpd
# closes first, so the client keeps no TIME_WAIT and may reuse the port at
# once, while IPVS (DR sees only the client's half) keeps the entry in
# FIN_WAIT for 2 minutes.
PORT1=
for p in $(seq 40001 40010); do
	a=$(ip netns exec "$CL" curl -s --max-time 2 --local-port "$p" "http://$VIP/")
	[ "$a" = "this is nginx1" ] && { PORT1=$p; break; }
done
check "a client port ($PORT1) whose connection went to nginx1" test -n "$PORT1"

kill "${PID[nginx1]}"; t0=$(now_ms)
check "dead nginx1 leaves ipvsadm -Ln" wait_for 10 hasnt 192.168.168.10
t1=$(now_ms); tc=$(change_ms 192.168.168.10)
# Emulated (TCG) VM: judge the daemon's own detection time strictly, and
# the polling of ipvsadm only loosely.
check "verdict within delay_loop*fall + connect_timeout ($((tc - t0)) ms <= 3000 + 500)" test $((tc - t0)) -le 3500
check "out of the table soon after ($((t1 - t0)) ms <= 8000)" test $((t1 - t0)) -le 8000
check "nginx2 stays" has 192.168.168.20
# With expire_nodest_conn = 0 the kernel keeps the entry and drops this SYN
# (it points at a destination that is gone): the client hangs. With 1 the
# kernel expires the entries of a removed destination (and any it still
# meets), so the SYN is scheduled anew.
a=$(ip netns exec "$CL" curl -s --max-time 3 --local-port "$PORT1" "http://$VIP/")
check "a new connection from port $PORT1 is rescheduled to nginx2 ($a)" test "$a" = "this is nginx2"
a=$(answers)
check "client traffic reaches only nginx2 ($a)" test "$a" = "this is nginx2 "
check "status: nginx1 down, connect refused" sh -c "'$HDCTL' -s '$SOCK' status --json | grep -q '\"rs\":\"192.168.168.10:80\",\"state\":\"down\"'"

web nginx1; t0=$(now_ms)
check "restarted nginx1 is back in the table" wait_for 10 has 192.168.168.10
t1=$(now_ms); tc=$(change_ms 192.168.168.10)
check "verdict within delay_loop*rise ($((tc - t0)) ms <= 2000 + 1000)" test $((tc - t0)) -le 3000
check "back in the table soon after ($((t1 - t0)) ms <= 8000)" test $((t1 - t0)) -le 8000
check "client gets both again" test "$(answers)" = "this is nginx1 this is nginx2 "

kill "${PID[nginx1]}" "${PID[nginx2]}"
check "both dead: the sorry server is installed" wait_for 8 has 192.168.168.30
check "and the dead ones are gone" none_live
check "client gets the sorry page" test "$(answers)" = "this is sorry "
web nginx1; web nginx2
check "servers back: sorry server removed" wait_for 8 back
check "client gets both again after sorry" test "$(answers)" = "this is nginx1 this is nginx2 "
[ "$VM_FAILS" -eq 0 ] || { table; cat "$VM_DIR/hd.log"; }
# Runtime drain / weight through the control socket, without a reload.
VS=$VIP:80
weight_of() { table | awk -v rs="$1:80" '$2 == rs { print $4 }'; }
weight_is() { test "$(weight_of "$1")" = "$2"; }
check "hadirectorctl drain answers OK" "$HDCTL" -s "$SOCK" drain "$VS" 192.168.168.10:80
check "drained nginx1 has weight 0 in IPVS" wait_for 5 weight_is 192.168.168.10 0
check "clients only reach nginx2 while nginx1 is drained" test "$(answers)" = "this is nginx2 "
check "status shows the drain" sh -c "'$HDCTL' -s '$SOCK' status --json | jq -e '.healthcheck[].real_servers[] | select(.rs == \"192.168.168.10:80\") | .drained' >/dev/null"
check "hadirectorctl undrain answers OK" "$HDCTL" -s "$SOCK" undrain "$VS" 192.168.168.10:80
check "undrained nginx1 gets its weight back" wait_for 5 weight_is 192.168.168.10 1
check "hadirectorctl weight sets a runtime weight" "$HDCTL" -s "$SOCK" weight "$VS" 192.168.168.20:80 5
check "IPVS has the runtime weight" wait_for 5 weight_is 192.168.168.20 5
check "drain of an unknown real server fails" sh -c "! '$HDCTL' -s '$SOCK' drain '$VS' 192.168.168.99:80 2>/dev/null"
check "weight out of range fails" sh -c "! '$HDCTL' -s '$SOCK' weight '$VS' 192.168.168.20:80 70000 2>/dev/null"

vm_done
