#!/bin/bash
# Inside the VM: the seed scenario with real traffic. A client, one director running hadirector
# (VIP 192.168.168.100 on its interface) and two real servers running a real HTTP server
# (busybox httpd) with the VIP on lo and arp_ignore=1 / arp_announce=2. For DR, NAT and TUN
# (switched by reloading the config), 100 requests from the client to the VIP are all answered
# and split as the scheduler says: rr 50/50, wrr 3:1 75/25 (within 5).
. "$(dirname "$0")/../lib.sh"

assert "ip_vs, rr, wrr load" vm_load_ipvs rr wrr
assert "ipip loads (TUN)" hd_vm_modprobe ipip
VIP=192.168.168.100
SOCK=/tmp/hd-traffic.sock
CONF=$VM_DIR/hd.conf

CL=$(vm_ns client)
vm_link "$CL" eth0 192.168.168.60/24
LB=$(vm_ns lb)
vm_link "$LB" eth0 192.168.168.50/24
ip -n "$LB" addr add "$VIP/24" dev eth0
RS=()
for i in 1 2; do
	ns=$(vm_ns "rs$i")
	RS+=("$ns")
	vm_link "$ns" eth0 "192.168.168.${i}0/24"
	ip -n "$ns" addr add "$VIP/32" dev lo
	ip netns exec "$ns" sh -c '
		for k in all eth0; do
			echo 1 >/proc/sys/net/ipv4/conf/$k/arp_ignore
			echo 2 >/proc/sys/net/ipv4/conf/$k/arp_announce
		done
		for k in all default eth0 tunl0; do
			echo 0 >/proc/sys/net/ipv4/conf/$k/rp_filter
			echo 0 >/proc/sys/net/ipv4/conf/$k/accept_redirects
		done
		ip link set tunl0 up' || fail "rs$i: sysctls and tunl0"
	mkdir -p "$VM_DIR/www$i"
	echo "rs$i" >"$VM_DIR/www$i/index.html"
	ip netns exec "$ns" busybox httpd -f -p 80 -h "$VM_DIR/www$i" &
	VM_PIDS+=($!)
done
check "rs1 answers directly" wait_for 5 ip netns exec "$CL" curl -sf -m 2 http://192.168.168.10/
check "rs2 answers directly" wait_for 5 ip netns exec "$CL" curl -sf -m 2 http://192.168.168.20/

write_conf() { # KIND ALGO W1
	cat >"$CONF" <<CONF
global {
    router_id = vm-traffic
}
virtual_server $VIP:80 {
    lb_algo = $2
    lb_kind = $1
    real_server 192.168.168.10:80 { weight = $3 }
    real_server 192.168.168.20:80 { weight = 1 }
}
CONF
}

# 100 requests, each on its own connection; prints "N1 N2" (answers from rs1, rs2).
requests() {
	local urls
	urls=$(for _ in $(seq 100); do printf 'http://%s/ ' "$VIP"; done)
	# shellcheck disable=SC2086
	ip netns exec "$CL" curl -s -m 30 -H 'Connection: close' -w 'code %{http_code} %{time_total}s %{errormsg}\n' \
		$urls >"$VM_DIR/answers"
	grep '^code' "$VM_DIR/answers" | grep -v '^code 200' | sed 's/^/    failed: /' >&2
	echo "$(grep -c '^rs1$' "$VM_DIR/answers") $(grep -c '^rs2$' "$VM_DIR/answers")"
}

HDPID=""
NPHASE=0
phase() { # KIND ALGO W1 WANT1 (rs1 share of 100; rs2 gets the rest)
	local n1 n2 got
	write_conf "$1" "$2" "$3"
	if [ -z "$HDPID" ]; then
		ip netns exec "$LB" "$HD" -n -l -f "$CONF" -p /tmp/hd-traffic.pid -s "$SOCK" \
			>"$VM_DIR/hd.log" 2>&1 &
		HDPID=$!
		VM_PIDS+=("$HDPID")
		wait_for 10 "$HDCTL" -s "$SOCK" ping || fail "the daemon answers"
	else
		kill -HUP "$HDPID"
	fi
	local fwd
	case $1 in dr) fwd=-g ;; nat) fwd=-m ;; tun) fwd=-i ;; esac
	wait_for 10 sh -c "ip netns exec $LB ipvsadm --save -n | grep -q -- '-r 192.168.168.10:80 $fwd -w $3'" ||
		fail "$1 $2: the table was programmed"
	# Fresh client ports per phase: a port reused from a connection IPVS still remembers
	# (TIME_WAIT, up to 2 min) would follow that connection's old forwarding method.
	NPHASE=$((NPHASE + 1))
	echo "$((20000 + NPHASE * 1000)) $((20999 + NPHASE * 1000))" |
		ip netns exec "$CL" tee /proc/sys/net/ipv4/ip_local_port_range >/dev/null
	got=$(requests)
	read -r n1 n2 <<<"$got"
	echo "    $1 $2: rs1 $n1, rs2 $n2"
	check "$1 $2: all 100 requests answered" test $((n1 + n2)) -eq 100
	check "$1 $2: rs1 got $n1, want $4 (within 5)" test "$n1" -ge $(($4 - 5)) -a "$n1" -le $(($4 + 5))
}

phase dr rr 1 50
phase dr wrr 3 75
# NAT: the real servers' replies must go back through the director.
for ns in "${RS[@]}"; do ip -n "$ns" route add 192.168.168.60/32 via 192.168.168.50; done
phase nat rr 1 50
check "NAT: the director forwards (set_sysctls made ip_forward 1)" \
	test "$(ip netns exec "$LB" cat /proc/sys/net/ipv4/ip_forward)" = 1
phase nat wrr 3 75
for ns in "${RS[@]}"; do ip -n "$ns" route del 192.168.168.60/32 via 192.168.168.50; done
phase tun rr 1 50
phase tun wrr 3 75
"$HDCTL" -s "$SOCK" status --json | grep -o '"activeconns":[0-9]*,"inactconns":[0-9]*' |
	head -n 2 | sed 's/^/    counters: /'
check "status shows the connections IPVS counted" \
	sh -c "\"$HDCTL\" -s $SOCK status --json | grep -q '\"conns\":[1-9]'"

kill -TERM "$HDPID"
wait "$HDPID"
check "SIGTERM: status 0" test $? -eq 0
[ "$VM_FAILS" -eq 0 ] || cat "$VM_DIR/hd.log"
vm_done
