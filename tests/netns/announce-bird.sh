#!/bin/bash
# Announce mode with BIRD (Debian's bird2) instead of FRR on the director
# (issue 23): a router namespace runs FRR (zebra, bfdd, bgpd; as in
# announce-frr6.sh), the director runs BIRD 2 and hadirector announcing an
# IPv4 and an IPv6 VIP. BIRD takes the VIPs from hadirector's TUN device
# (`protocol direct` restricted to that device: the addresses hadirector
# puts there while it announces) and exports them to the router over one
# BGP session per family, with BFD (etc/bird-announce.conf, docs/ecmp.md).
# The router's kernel FIB must follow the director's checks: a failed
# check withdraws that VIP within a bound and a passing one brings it back;
# SIGKILL of hadirector withdraws both (the kernel removes the device and
# its addresses, BIRD hears it), drain-director and SIGTERM too.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/announce-lib.sh"
an_need_frr
command -v bird >/dev/null && command -v birdc >/dev/null || {
	echo "BIRD 2 (Debian's bird2) is needed"
	exit 1
}

VIP4=192.0.2.10 VIP6=2001:db8:10::10
RS4=10.99.9.1 RS6=fd00:99:9::1 # the director's real servers, on its lo
RTR=$(t_ns rtr)
D1=$(t_ns d1)
LIMIT=3000 # ms from a fault to the router's FIB without the VIP
BIRD_SOCK=$T_DIR/bird.ctl

an_links "$RTR" "$D1"
ip -n "$D1" addr add $RS4/32 dev lo
ip -n "$D1" addr add $RS6/128 dev lo nodad
# the VIPs stay local for IPVS while withdrawn: routes, not addresses on lo
# (`protocol direct` would announce those whatever hadirector decides)
ip -n "$D1" route add local $VIP4/32 dev lo table local
ip -n "$D1" -6 route add local $VIP6/128 dev lo table local

an_frr_router rtr 1
an_frr_start "$RTR" rtr
# the director's BIRD: the shipped example with this lab's addresses
sed -e "s#^router id .*#router id 10.99.1.2;#" \
	-e "s#ROUTER4#10.99.1.1#" -e "s#ROUTER6#fd00:99:1::1#" -e 's#"eth0"#"e0"#' \
	-e "s#^log .*#log \"$T_DIR/bird.log\" all;#" \
	"$top_srcdir/etc/bird-announce.conf" >"$T_DIR/bird.conf"
ip netns exec "$D1" bird -p -c "$T_DIR/bird.conf" || { echo "bird.conf does not parse"; exit 99; }
ip netns exec "$D1" bird -c "$T_DIR/bird.conf" -s "$BIRD_SOCK" -P "$T_DIR/bird.pid" || exit 99
wait_for 10 test -s "$T_DIR/bird.pid" && T_PIDS+=("$(cat "$T_DIR/bird.pid")")
an_hd_conf d1
"$HD" -t -f "$T_DIR/d1.conf" || exit 99
an_listen "$D1" $RS4 80
L4=$LPID
an_listen "$D1" $RS6 80
L6=$LPID

on_router() { [ "$(an_paths "$RTR" "$1")" = r1 ]; } # PREFIX
off_router() { ! on_router "$1"; }
both_on() { on_router $VIP4/32 && on_router $VIP6/128; }
both_off() { off_router $VIP4/32 && off_router $VIP6/128; }
bfd_up() { [ "$(vtysh -N "$RTR" -c 'show bfd peers brief' | grep -c ' up ')" -eq 2 ]; }
bird_has() { birdc -s "$BIRD_SOCK" show route protocol vips 2>/dev/null | grep -q "$1"; } # PREFIX

check "BIRD's sessions with the router are up (IPv4 and IPv6)" wait_for 20 sh -c \
	"[ \$(birdc -s '$BIRD_SOCK' show protocols | grep -c 'BGP .* up .*Established') -eq 2 ]"
check "the router has no route to either VIP before hadirector runs" both_off
an_hd_start "$D1" d1
check "announced: the router's FIB has the /32 and the /128 from BIRD" wait_for 30 both_on
check "BIRD's direct protocol has both VIPs from the TUN device" \
	sh -c "birdc -s '$BIRD_SOCK' show route protocol vips | grep -q '$VIP4/32' &&
		birdc -s '$BIRD_SOCK' show route protocol vips | grep -q '$VIP6/128'"
check "the router's BFD sessions with BIRD are up, in both families" wait_for 10 bfd_up

# one_fails NAME LISTENER RS VIP OTHER: NAME's check fails (its listener
# killed), VIP leaves the router within $LIMIT ms, OTHER stays; it listens
# again and VIP comes back.
one_fails() {
	local t0 ms
	t0=$(now_ms)
	kill "$2"
	ms=$(an_ms_until $LIMIT "$t0" off_router "$4")
	echo "# $1 check fails -> the /${4#*/} gone from the router: $ms ms"
	check "$1 check fails: the /${4#*/} withdrawn within $LIMIT ms ($ms ms)" an_below "$ms" $LIMIT
	check "the /${5#*/} stays" on_router "$5"
	an_listen "$D1" "$3" 80
	check "the $1 check passes again: the /${4#*/} back" wait_for 20 on_router "$4"
}
one_fails IPv6 "$L6" $RS6 $VIP6/128 $VIP4/32
one_fails IPv4 "$L4" $RS4 $VIP4/32 $VIP6/128

# SIGKILL: the kernel removes the device; BIRD hears it and withdraws both
t0=$(now_ms)
kill -KILL "$DPID"
ms=$(an_ms_until $LIMIT "$t0" both_off)
echo "# SIGKILL of hadirector -> both VIPs gone from the router: $ms ms"
check "SIGKILL: both VIPs withdrawn within $LIMIT ms ($ms ms)" an_below "$ms" $LIMIT
check "BIRD no longer has them" sh -c "! birdc -s '$BIRD_SOCK' show route protocol vips | grep -q 192.0.2"
wait "$WPID" 2>/dev/null
an_hd_start "$D1" d1
check "restarted: both VIPs back on the router" wait_for 30 both_on

# BIRD freezes (as at a power loss: the link keeps its carrier, so only BFD
# on the router, 100 ms x 3, can tell): both VIPs withdrawn
t0=$(now_ms)
kill -STOP "$(cat "$T_DIR/bird.pid")"
ms=$(an_ms_until $LIMIT "$t0" both_off)
echo "# BIRD frozen -> both VIPs gone from the router (BFD): $ms ms"
check "BIRD frozen: both VIPs withdrawn by BFD within $LIMIT ms ($ms ms)" an_below "$ms" $LIMIT
kill -CONT "$(cat "$T_DIR/bird.pid")"
check "BIRD thawed: both VIPs back" wait_for 30 both_on

check "drain-director answers" "$HDCTL" -s "$T_DIR/d1.sock" drain-director
check "drained: both VIPs withdrawn" wait_for 5 both_off
check "undrain-director answers" "$HDCTL" -s "$T_DIR/d1.sock" undrain-director
check "undrained: both back" wait_for 20 both_on
kill -TERM "$DPID"
check "SIGTERM: both VIPs withdrawn" wait_for 5 both_off
wait "$WPID" 2>/dev/null
t_done
