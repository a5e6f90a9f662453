#!/bin/bash
# Announce mode for an IPv6 VIP against a real FRR (issue 23), an IPv4 VIP
# beside it. A router namespace runs FRR (zebra, bfdd, bgpd) with ECMP
# (maximum-paths 8 in both families) and BFD (100 ms x 3); two directors
# each run FRR and hadirector. Each director has one BGP session per
# family: an IPv6 session (global addresses of the link) carrying IPv6
# unicast, an IPv4 one carrying IPv4 unicast, as dual-stack BGP is deployed
# (an IPv4 session carrying IPv6 routes sends an IPv4-mapped next hop the
# router cannot use without a route-map rewriting it; one session for both
# needs RFC 8950 extended next hops on every router). The directors
# announce with `redistribute connected` through a prefix list per family:
# hadirector puts the VIP on its TUN device (/32, /128 nodad) while it
# announces it.
# The router's kernel FIB must have the /128 (and the /32) over both
# directors (ECMP), and lose one director from the paths within a bound
# when that director's check of the IPv6 real server fails (the IPv4 VIP
# stays on both), when its hadirector is SIGKILLed (the kernel removes the
# device and its addresses), and on drain-director; each comes back.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/announce-lib.sh"
an_need_frr

VIP4=192.0.2.10 VIP6=2001:db8:10::10
RS4=10.99.9.1 RS6=fd00:99:9::1 # each director's own real server (on lo: no dummy driver here)
RTR=$(t_ns rtr)
D1=$(t_ns d1)
D2=$(t_ns d2)
LIMIT=3000 # ms from a fault to the router's FIB without that director

an_links "$RTR" "$D1" "$D2"
# d2 is a host where IPv6 is off for new devices (the uplink has it on):
# hadirector's TUN device is one, yet it must carry the /128
ip netns exec "$D2" sysctl -qw net.ipv6.conf.default.disable_ipv6=1
for d in "$D1" "$D2"; do
	ip -n "$d" addr add $RS4/32 dev lo
	ip -n "$d" addr add $RS6/128 dev lo nodad
	# the VIPs are local for IPVS, as routes (addresses on lo would be
	# connected routes `redistribute connected` announces: docs/ecmp.md)
	ip -n "$d" route add local $VIP4/32 dev lo table local
	ip -n "$d" -6 route add local $VIP6/128 dev lo table local
done

an_frr_router rtr 2
for n in 1 2; do
	d=$(an_frr_dir d$n)
	printf 'hostname d%s\n' $n >"$d/zebra.conf"
	an_bfd_conf d$n
	cat >"$d/bgpd.conf" <<-EOF
		hostname d$n
		ip prefix-list VIPS seq 5 permit 192.0.2.0/24 ge 32
		ipv6 prefix-list VIPS6 seq 5 permit 2001:db8:10::/64 ge 128
		route-map VIPS permit 10
		 match ip address prefix-list VIPS
		exit
		route-map VIPS6 permit 10
		 match ipv6 address prefix-list VIPS6
		exit
		router bgp 65001
		 bgp router-id 10.99.$n.2
		 no bgp ebgp-requires-policy
		 no bgp default ipv4-unicast
		 neighbor 10.99.$n.1 remote-as 65000
		 neighbor 10.99.$n.1 bfd profile fast
		 neighbor 10.99.$n.1 timers connect 1
		 neighbor 10.99.$n.1 advertisement-interval 0
		 neighbor fd00:99:$n::1 remote-as 65000
		 neighbor fd00:99:$n::1 bfd profile fast
		 neighbor fd00:99:$n::1 timers connect 1
		 neighbor fd00:99:$n::1 advertisement-interval 0
		 address-family ipv4 unicast
		  neighbor 10.99.$n.1 activate
		  redistribute connected route-map VIPS
		 exit-address-family
		 address-family ipv6 unicast
		  neighbor fd00:99:$n::1 activate
		  redistribute connected route-map VIPS6
		 exit-address-family
		exit
	EOF
	an_hd_conf d$n
	"$HD" -t -f "$T_DIR/d$n.conf" || exit 99
done
an_frr_start "$RTR" rtr
an_frr_start "$D1" d1
an_frr_start "$D2" d2
an_listen "$D1" $RS4 80
an_listen "$D2" $RS4 80
an_listen "$D2" $RS6 80
an_listen "$D1" $RS6 80
L16=$LPID # d1's IPv6 real server

paths_are() { [ "$(an_paths "$RTR" "$1")" = "$2" ]; } # PREFIX "DEVS"
both() { paths_are $VIP6/128 "$1" && paths_are $VIP4/32 "$1"; }
# the VIP's entry in a director's status: "announced reason"
vip_state() { # NAME VIP
	hd_status "$T_DIR/$1.sock" | python3 -c '
import json, sys
for v in json.load(sys.stdin)["announce"]["vips"]:
    if v["vip"] == sys.argv[1]:
        print(v["announced"], v["reason"])' "$2"
}
state_is() { [ "$(vip_state "$1" "$2")" = "$3" ]; } # NAME VIP "True reason"
bfd_up() { [ "$(vtysh -N "$RTR" -c 'show bfd peers brief' | grep -c ' up ')" -eq 4 ]; }

check "the router has no route to either VIP before hadirector runs" both ""
an_hd_start "$D1" d1
W1=$WPID P1=$DPID
an_hd_start "$D2" d2
W2=$WPID P2=$DPID
check "announced: the router's FIB has the /128 over both directors (ECMP)" \
	wait_for 30 paths_are $VIP6/128 "r1 r2"
check "announced: and the /32 beside it" wait_for 10 paths_are $VIP4/32 "r1 r2"
check "the router's BFD sessions with both directors are up, in both families" wait_for 10 bfd_up
check "d1's status: the IPv6 VIP announced" state_is d1 $VIP6 "True announced"
check "d2 turned IPv6 on for its device (off for new devices there)" \
	grep -q 'IPv6 was off on hdannounce' "$T_DIR/d2.log"
check "the /128 is a nodad address of d1's TUN device (not tentative)" sh -c \
	"ip -n $D1 -6 addr show dev hdannounce | grep 'inet6 $VIP6/128' | grep -qv tentative"
check "the router's next hops for the /128 are the directors' link-local addresses" sh -c \
	"[ \$(ip -n $RTR -o -6 route show $VIP6/128 proto bgp | grep -o 'via fe80:' | wc -l) -eq 2 ]"

# d1's check of its IPv6 real server fails: d1 withdraws the /128 only
t0=$(now_ms)
kill "$L16"
ms=$(an_ms_until $LIMIT "$t0" paths_are $VIP6/128 r2)
echo "# d1's IPv6 check fails -> d1 out of the router's /128 paths: $ms ms"
check "check fails: d1 out of the router's /128 paths within $LIMIT ms ($ms ms)" an_below "$ms" $LIMIT
check "reason: no quorum" state_is d1 $VIP6 "False no quorum"
check "the /32 stays on both directors" paths_are $VIP4/32 "r1 r2"
check "d1's TUN device no longer has the /128" sh -c "! ip -n $D1 -6 addr show dev hdannounce | grep -q $VIP6"
check "the /128 stays local on d1 (its route on lo, for the flows under way)" sh -c \
	"ip -n $D1 -6 route show table local $VIP6/128 | grep -q 'dev lo'"
an_listen "$D1" $RS6 80
check "the check passes again: the /128 over both directors" wait_for 20 paths_are $VIP6/128 "r1 r2"

# SIGKILL: no code of ours runs; the kernel removes the device and both addresses
t0=$(now_ms)
kill -KILL "$P1"
ms=$(an_ms_until $LIMIT "$t0" both r2)
echo "# SIGKILL of d1's hadirector -> d1 out of both VIPs' paths: $ms ms"
check "SIGKILL: d1 out of the router's /128 and /32 paths within $LIMIT ms ($ms ms)" \
	an_below "$ms" $LIMIT
wait "$W1" 2>/dev/null
an_hd_start "$D1" d1
W1=$WPID P1=$DPID
check "restarted: both VIPs over both directors again" wait_for 30 both "r1 r2"

# drain-director on d2, then back
t0=$(now_ms)
check "drain-director answers" "$HDCTL" -s "$T_DIR/d2.sock" drain-director
ms=$(an_ms_until $LIMIT "$t0" both r1)
echo "# drain-director on d2 -> d2 out of both VIPs' paths: $ms ms"
check "drained: d2 out of the router's /128 and /32 paths within $LIMIT ms ($ms ms)" \
	an_below "$ms" $LIMIT
check "reason: drained" state_is d2 $VIP6 "False drained"
check "undrain-director answers" "$HDCTL" -s "$T_DIR/d2.sock" undrain-director
check "undrained: both VIPs over both directors again" wait_for 20 both "r1 r2"

# d2's FRR freezes (as at a power loss: its link keeps its carrier, so only
# BFD on the router, 100 ms x 3, can tell): d2 out of both VIPs' paths
frr_pids() { cat "/run/frr/$D2"/*.pid 2>/dev/null; }
t0=$(now_ms)
# shellcheck disable=SC2046
kill -STOP $(frr_pids)
ms=$(an_ms_until $LIMIT "$t0" both r1)
echo "# d2's FRR frozen -> d2 out of both VIPs' paths (BFD): $ms ms"
check "d2's FRR frozen: out of the /128 and /32 paths by BFD within $LIMIT ms ($ms ms)" \
	an_below "$ms" $LIMIT
# shellcheck disable=SC2046
kill -CONT $(frr_pids)
check "d2's FRR thawed: both VIPs over both directors again" wait_for 30 both "r1 r2"

# a clean stop withdraws too (d2 first: its stop delay keeps it 2 s more)
kill -TERM "$P2"
check "SIGTERM: d2 out of both VIPs' paths" wait_for 5 both r1
kill -TERM "$P1"
check "SIGTERM: no route left on the router" wait_for 5 both ""
wait "$W1" "$W2" 2>/dev/null
t_done
