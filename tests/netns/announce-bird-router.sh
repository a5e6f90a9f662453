#!/bin/bash
# BIRD 2 (Debian's bird2) as the ECMP router in front of two directors in announce mode (issue
# 23; docs/ecmp.md, "BIRD 2 on the router"): each director runs hadirector and FRR (bgpd
# `redistribute connected` of the VIP, bfdd 100 ms x 3), as announce-frr.sh; the router runs
# BIRD with tests/lab/ecmp-bird.sh's configuration (eBGP, BFD, the kernel protocol merging the
# equal routes). The directors reach the router through a switch namespace, so cutting a
# director's port leaves the router's own link up and only BFD can tell.
# The router's kernel FIB must hold the VIP over both directors; lose the cut director (by BFD:
# BIRD's log says so) and keep the other; take it back when the port is up again; lose a
# director whose hadirector is killed (the TUN device goes, its FRR withdraws) and take it back
# when it runs again. Bounds are generous (seconds): tests/bench/withdraw.sh measures the times.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/announce-lib.sh"
. "$top_srcdir/tests/lab/ecmp-bird.sh"
an_need_frr
command -v bird >/dev/null && command -v birdc >/dev/null || {
	echo "BIRD 2 (Debian's bird2) is needed"
	exit 1
}

VIP=192.0.2.10 RS=10.99.9.1
RTR=$(t_ns rtr)
SW=$(t_ns sw)
D1=$(t_ns d1)
D2=$(t_ns d2)
LIMIT=3000 # ms from a fault to the router's FIB without the director
BIRD_SOCK=$T_DIR/bird.ctl

an_switch "$SW" br0 || exit 99
an_sw_port "$SW" br0 p-r "$RTR" eth0 10.99.0.1/24 || exit 99
dir_conf() { # NS NAME K: FRR and hadirector of director K
	an_sw_port "$SW" br0 "p-$2" "$1" eth0 "10.99.0.1$3/24" || exit 99
	an_dir_local "$1" $VIP $RS
	an_frr_director -b "$2" "10.99.0.1$3" 10.99.0.1
	{
		an_hd_global "$T_DIR/$2"
		an_hd_vs $VIP:80 $RS:80 0.2 0.5
	} >"$T_DIR/$2.conf"
	"$HD" -t -f "$T_DIR/$2.conf" || exit 99
	an_frr_start "$1" "$2"
	an_listen "$1" $RS 80
}
dir_conf "$D1" d1 1
dir_conf "$D2" d2 2

bird_router_conf "$T_DIR/bird.conf" "$T_DIR/bird.log" 10.99.0.1 65000 65001 eth0 100 3 \
	10.99.0.11 10.99.0.12
bird_start "$RTR" "$T_DIR/bird.conf" "$BIRD_SOCK" "$T_DIR/bird.pid" || {
	echo "BIRD did not start"
	exit 99
}
T_PIDS+=("$(cat "$T_DIR/bird.pid")")

paths() { ip -n "$RTR" -o route show $VIP/32 proto bird | grep -o 'via [0-9.]*' | sort | paste -sd' '; }
has() { [ "$(paths)" = "$1" ]; } # "via A via B" as paths prints them
both="via 10.99.0.11 via 10.99.0.12"
bfd_up() { [ "$(birdc -s "$BIRD_SOCK" show bfd sessions | grep -c ' Up ')" -eq 2 ]; }

check "BIRD's BGP sessions with both directors are up" wait_for 30 sh -c \
	"[ \$(birdc -s '$BIRD_SOCK' show protocols | grep -c 'BGP .* up .*Established') -eq 2 ]"
check "the router has no route to the VIP before hadirector runs" has ""
an_hd_start "$D1" d1
DPID1=$DPID
an_hd_start "$D2" d2
WPID2=$WPID DPID2=$DPID
check "announced: the router's FIB has the VIP over both directors (ECMP)" wait_for 30 has "$both"
check "BIRD's BFD sessions with both directors are up" wait_for 10 bfd_up

# d1's switch port down: its carrier is gone, the router's is not; the director's BFD packets
# stop, BIRD's BFD session goes down and takes the BGP session and its route along
t0=$(now_ms)
ip -n "$SW" link set p-d1 down
ms=$(an_ms_until $LIMIT "$t0" has "via 10.99.0.12")
echo "# d1's link cut -> d1 gone from the router's FIB: $ms ms"
check "link cut: d1 withdrawn within $LIMIT ms, d2 kept ($ms ms)" an_below "$ms" $LIMIT
check "BIRD: d1's BFD session went down and took the BGP session (its log)" \
	grep -q 'dir1: BFD session down' "$T_DIR/bird.log"
check "the router's own port kept its carrier (only BFD could tell)" \
	sh -c "ip -n '$RTR' link show eth0 | grep -q 'state UP'"
ip -n "$SW" link set p-d1 up
check "link back: the router has the VIP over both directors again" wait_for 30 has "$both"

# SIGKILL of d2's hadirector: its TUN device and the VIP address go, its FRR withdraws
t0=$(now_ms)
kill -KILL "$DPID2"
ms=$(an_ms_until $LIMIT "$t0" has "via 10.99.0.11")
echo "# SIGKILL of d2's hadirector -> d2 gone from the router's FIB: $ms ms"
check "SIGKILL: d2 withdrawn within $LIMIT ms, d1 kept ($ms ms)" an_below "$ms" $LIMIT
wait "$WPID2" 2>/dev/null
an_hd_start "$D2" d2
check "d2's hadirector again: both directors in the router's paths" wait_for 30 has "$both"
check "d1's hadirector ran throughout" kill -0 "$DPID1"
t_done
