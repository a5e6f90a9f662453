#!/bin/bash
# Inside the VM: check_forwarding_path (issue 21). Every real server below
# answers its own check on its own address; only the probe through the
# forwarding path (DR: a frame to its MAC with the VIP as destination; TUN:
# IPIP to it) tells the ones that would blackhole client traffic:
#   DR  dra  VIP on lo, arp_ignore=1, arp_announce=2       -> up
#   DR  drb  no VIP on lo                                   -> vip_not_accepted
#   DR  drc  VIP on lo, arp_ignore unset                    -> vip_arp_answered
#   DR  drh  no VIP, answers every probe with a flood of forged SYN-ACKs and
#            garbage from the VIP                          -> vip_not_accepted, stray counted
#   TUN tuna tunl0 up with the VIP, rp_filter off            -> up
#   TUN tune tunl0 down, no VIP                             -> vip_not_accepted
#   NAT nat1 nothing to check                               -> up
# plus a UDP service (ICMP echo to the VIP through the path) with a
# misc_check, and a TUN TCP service with forwarding_path_probe = echo (tuna
# up, tune vip_not_accepted, by echo inside IPIP). The director holds both VIPs itself (the master): the replies,
# from its own address, are martians its IP stack drops. Then drb, drc and
# tune are fixed and come back into the IPVS table. HD_FWD_OFF=1: the same
# without check_forwarding_path (the test must fail then).
. "$(dirname "$0")/../lib.sh"

assert "ip_vs, rr and ipip load" vm_load_ipvs rr
assert "ipip loads" hd_vm_modprobe ipip
VIP=192.168.168.100 VIP2=192.168.168.101 VIP3=192.168.168.102
LB=$(vm_ns lb); vm_link "$LB" eth0 192.168.168.50/24
ip -n "$LB" addr add $VIP/32 dev eth0
ip -n "$LB" addr add $VIP2/32 dev eth0
ip -n "$LB" addr add $VIP3/32 dev eth0
FWD=yes
[ "${HD_FWD_OFF:-0}" = 1 ] && FWD=no

rs() { # NAME ADDR: a namespace with a web server on its own address
	local ns="vm-$1"
	vm_ns "$1" >/dev/null
	vm_link "$ns" eth0 "$2/24"
	mkdir -p "$VM_DIR/$1"; echo "this is $1" > "$VM_DIR/$1/index.html"
	ip netns exec "$ns" busybox httpd -f -p 80 -h "$VM_DIR/$1" &
	VM_PIDS+=($!)
}
dr_ok() { # NS VIP: the VIP on lo, never answering ARP for it
	ip -n "$1" addr add "$2/32" dev lo
	ip netns exec "$1" sysctl -qw net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2 \
		net.ipv4.conf.eth0.arp_ignore=1 net.ipv4.conf.eth0.arp_announce=2
}
tun_ok() { # NS VIP
	ip -n "$1" link set tunl0 up
	ip -n "$1" addr add "$2/32" dev tunl0
	ip netns exec "$1" sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.tunl0.rp_filter=0 \
		net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2
}
rs dra 192.168.168.10; dr_ok vm-dra $VIP
rs drb 192.168.168.11
rs drc 192.168.168.12; ip -n vm-drc addr add $VIP/32 dev lo
rs drh 192.168.168.13
rs tuna 192.168.168.20; tun_ok vm-tuna $VIP2
rs tune 192.168.168.21
rs nat1 192.168.168.30
listening() { ip netns exec "vm-$1" ss -ltn | grep -q ':80 '; }
for n in dra drb drc drh tuna tune nat1; do check "$n listens before the daemon starts" wait_for 5 listening $n; done
check "tunl0 exists (ipip) and is down in tune" sh -c "ip -n vm-tune link show tunl0 | grep -vq ',UP'"

# The hostile real server (tests/netns/hc-fwd-hostile.py): every SYN to the
# VIP it sees gets 200 forged SYN-ACKs and 50 garbage packets from the VIP.
ip netns exec vm-drh python3 "$top_srcdir/tests/netns/hc-fwd-hostile.py" $VIP &
VM_PIDS+=($!)

cat > "$VM_DIR/hd.conf" <<CONF
global { router_id = vm-fwd }
virtual_server $VIP:80 {
    lb_algo = rr
    lb_kind = dr
    delay_loop = 0.5
    check_forwarding_path = $FWD
    real_server 192.168.168.10:80 { http_check { path = /index.html  connect_timeout = 1 } }
    real_server 192.168.168.11:80 { tcp_check { connect_timeout = 1 } }
    real_server 192.168.168.12:80 { ping_check { connect_timeout = 1 } }
    real_server 192.168.168.13:80 { tcp_check { connect_timeout = 1 } }
}
virtual_server $VIP:53/udp {
    lb_algo = rr
    lb_kind = dr
    delay_loop = 0.5
    check_forwarding_path = $FWD
    real_server 192.168.168.10:53 { misc_check { script = /bin/true  timeout = 1 } }
    real_server 192.168.168.11:53 { misc_check { script = /bin/true  timeout = 1 } }
}
virtual_server $VIP2:80 {
    lb_algo = rr
    lb_kind = tun
    delay_loop = 0.5
    check_forwarding_path = $FWD
    real_server 192.168.168.20:80 { tcp_check { connect_timeout = 1 } }
    real_server 192.168.168.21:80 { http_check { path = /index.html  connect_timeout = 1 } }
}
virtual_server $VIP2:81 {
    lb_algo = rr
    lb_kind = tun
    delay_loop = 0.5
    check_forwarding_path = $FWD
    forwarding_path_probe = echo
    real_server 192.168.168.20:81 { misc_check { script = /bin/true  timeout = 1 } }
    real_server 192.168.168.21:81 { misc_check { script = /bin/true  timeout = 1 } }
}
virtual_server $VIP3:80 {
    lb_algo = rr
    lb_kind = nat
    delay_loop = 0.5
    check_forwarding_path = $FWD
    real_server 192.168.168.30:80 { tcp_check { connect_timeout = 1 } }
}
CONF
SOCK=$VM_DIR/hd.sock
ip netns exec "$LB" "$HD" -n -l -f "$VM_DIR/hd.conf" -p "$VM_DIR/hd.pid" -s "$SOCK" >"$VM_DIR/hd.log" 2>&1 &
VM_PIDS+=($!)

table() { ip netns exec "$LB" ipvsadm -Ln; }
has() { table | grep -q -- "-> $1 "; }
hasnt() { ! has "$1"; }
st() { "$HDCTL" -s "$SOCK" status --json; }
# The outcome that keeps real server RS of virtual server VS in its state.
outcome() { # VS RS
	st | jq -r --arg vs "$1" --arg rs "$2" \
		'.healthcheck[] | select(.vs == $vs) | .real_servers[] | select(.rs == $rs) | "\(.state) \(.outcome)"'
}
is() { test "$(outcome "$1" "$2")" = "$3"; }

assert "the daemon answers" wait_for 10 "$HDCTL" -s "$SOCK" ping
V=$VIP:80 U=udp/$VIP:53 T=$VIP2:80 N=$VIP3:80
check "DR correct (dra, http_check) is up" wait_for 10 is $V 192.168.168.10:80 "up ok"
check "DR without the VIP on lo (drb) is down: vip_not_accepted" \
	wait_for 10 is $V 192.168.168.11:80 "down vip_not_accepted"
check "DR with arp_ignore unset (drc, ping_check) is down: vip_arp_answered" \
	wait_for 10 is $V 192.168.168.12:80 "down vip_arp_answered"
check "DR hostile flood (drh) is still down: vip_not_accepted" \
	wait_for 10 is $V 192.168.168.13:80 "down vip_not_accepted"
check "UDP service, echo through the path (dra, misc_check) is up" \
	wait_for 10 is $U 192.168.168.10:53 "up ok"
check "UDP service, no VIP (drb, misc_check) is down: vip_not_accepted" \
	wait_for 10 is $U 192.168.168.11:53 "down vip_not_accepted"
check "TUN correct (tuna) is up" wait_for 10 is $T 192.168.168.20:80 "up ok"
check "TUN without the tunnel up (tune, http_check) is down: vip_not_accepted" \
	wait_for 10 is $T 192.168.168.21:80 "down vip_not_accepted"
check "NAT unaffected (nat1) is up" wait_for 10 is $N 192.168.168.30:80 "up ok"
check "TUN, forwarding_path_probe = echo: tuna up" wait_for 10 is $VIP2:81 192.168.168.20:81 "up ok"
check "TUN, echo: tune down: vip_not_accepted" wait_for 10 is $VIP2:81 192.168.168.21:81 "down vip_not_accepted"
check "IPVS: dra and tuna in, drb drc drh tune out" wait_for 10 sh -c \
	"t=\$(ip netns exec $LB ipvsadm -Ln); echo \"\$t\" | grep -q -- '-> 192.168.168.10:80 ' && echo \"\$t\" | grep -q -- '-> 192.168.168.20:80 ' && ! echo \"\$t\" | grep -Eq -- '-> 192.168.168.(11|12|13|21):80 '"
"$HDCTL" -s "$SOCK" metrics > "$VM_DIR/metrics"
check "metrics: vip_not_accepted counted" \
	grep -Eq '^hadirector_check_forwarding_path_vip_not_accepted_total\{.*\} [1-9]' "$VM_DIR/metrics"
check "metrics: arp answered counted" \
	grep -Eq '^hadirector_check_forwarding_path_arp_answered_total\{.*\} [1-9]' "$VM_DIR/metrics"
check "no probe failed to start (cannot probe)" absent "cannot probe" "$VM_DIR/hd.log"
stray=$(st | jq '[.healthcheck[].real_servers[] | select(.rs == "192.168.168.13:80") | .checkers[].fwd_stray] | add')
check "the hostile flood is counted as stray ($stray)" test "${stray:-0}" -gt 0
check "log: drb down with the reason" grep -q "192.168.168.11:80 .*up -> down (VIP not accepted through the forwarding path)" "$VM_DIR/hd.log"
check "log: drc down with the ARP reason" grep -q "192.168.168.12:80 .*up -> down (real server answers ARP for the VIP)" "$VM_DIR/hd.log"
check "log: the forged packets warned about" grep -q "forged or garbage" "$VM_DIR/hd.log"
check "no half-open connection left on dra (RST after SYN-ACK)" sh -c \
	"! ip netns exec vm-dra ss -Htn state syn-recv | grep -q $VIP"

# Fix them: each comes back into the table
dr_ok vm-drb $VIP
ip netns exec vm-drc sysctl -qw net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.eth0.arp_ignore=1
tun_ok vm-tune $VIP2
check "drb with the VIP on lo: up, back in IPVS" wait_for 10 sh -c \
	"ip netns exec $LB ipvsadm -Ln | grep -q -- '-> 192.168.168.11:80 '"
check "drb: status ok" is $V 192.168.168.11:80 "up ok"
check "drb's UDP service: up" wait_for 10 is $U 192.168.168.11:53 "up ok"
check "drc with arp_ignore=1: up, back in IPVS" wait_for 10 sh -c \
	"ip netns exec $LB ipvsadm -Ln | grep -q -- '-> 192.168.168.12:80 '"
check "tune with tunl0 up and the VIP: up, back in IPVS" wait_for 10 sh -c \
	"ip netns exec $LB ipvsadm -Ln | grep -q -- '-> 192.168.168.21:80 '"
check "tune's echo-probed service: up" wait_for 10 is $VIP2:81 192.168.168.21:81 "up ok"
check "the daemon still answers" "$HDCTL" -s "$SOCK" ping
check "no crash or sanitizer report" absent -E "AddressSanitizer|runtime error|Segmentation" "$VM_DIR/hd.log"
[ "$VM_FAILS" -eq 0 ] || { table; st | jq -c '.healthcheck[].real_servers[] | {rs, state, outcome}'; tail -40 "$VM_DIR/hd.log"; }
vm_done
