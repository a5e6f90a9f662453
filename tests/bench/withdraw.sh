#!/bin/bash
# A dead link's withdrawal on the router (issue 23's "BFD's detection time + 50 ms"), FRR 8.4 vs
# BIRD 2 as the router, side by side in one run on the host. Not a test: no pass/fail, not in
# make check; prints per router the min / median / max of each step and the ratio of the cut-to-FIB
# time to BFD's detection time.
#
# Two directors d1, d2, each with hadirector in announce mode (the VIP 192.0.2.10 on its TUN
# device while its real server, on its lo, passes a tcp_check) and FRR (zebra, bfdd, bgpd with
# `redistribute connected` of the VIP, BFD profile 100 ms x 3), as the project ships them. Each
# director has two uplinks, one to each router, through a switch namespace:
#   rf  FRR 8.4 router (tests/lab/ecmp-frr.sh as the VM lab runs it: eBGP, maximum-paths 8,
#       BFD 100 ms x 3, `zebra work-queue 0`, ms-stamped logs), LAN 10.99.1.0/24 (bridge brf)
#   rb  BIRD 2 router (tests/lab/ecmp-bird.sh: eBGP, BFD 100 ms x 3, the kernel protocol with
#       `merge paths`), LAN 10.99.2.0/24 (bridge brb)
# Both routers hold the VIP over two equal paths. hadirector watches no link here (no `announce
# { interface }`): a cut of one uplink must not withdraw the VIP from the other router.
#
# A cut: d1's port on the switch (f-d1 or b-d1) set down by an ip(8) started beforehand and
# waiting on its standard input, the time noted just before the write (as the VM lab does); the
# router's own port stays up, so only BFD can tell. The cuts alternate between the two routers
# (same machine load for both), each at a random phase of the BFD packets. Per cut, on one clock
# (the wall clock): the director's last BFD packet that reached that router (tcpdump on the
# switch; one sent while ip(8) applies the cut, a few ms after the noted time, still does), the router's "BFD down" (its log), for FRR also bgpd's route to zebra and zebra's
# netlink batch (its logs, as tests/lab/ecmp.py frrlog reads them), and the VIP's route without
# d1 in the router's FIB (`ip -ts -o monitor route` in the router's namespace).
#
# usage: tests/bench/withdraw.sh [-n CUTS] [-o DIR] [-p PREFIX]
#   -n  cuts per router (default 10); -o keep logs and captures in DIR; -p namespace prefix
#   (default wd). As root from a build directory (or top_builddir=... / HD=...); needs frr,
#   bird2, tcpdump, ipvsadm's module (ip_vs) and /dev/net/tun.
set -u
CUTS=10 OUT="" P=wd
while getopts n:o:p: o; do
	case $o in
	n) CUTS=$OPTARG ;;
	o) OUT=$OPTARG ;;
	p) P=$OPTARG ;;
	*) exit 2 ;;
	esac
done
: "${top_builddir:=$PWD}" "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
HD=${HD:-$top_builddir/hadirector}
[ -x "$HD" ] || { echo "no hadirector in $top_builddir (run from a build dir)" >&2; exit 2; }
for c in /usr/lib/frr/zebra bird birdc tcpdump; do
	command -v "$c" >/dev/null || { echo "$c is needed" >&2; exit 2; }
done
B=$(mktemp -d /tmp/hd-withdraw.XXXXXX)
. "$(dirname "$0")/lib.sh" # ns, log, cleanup at exit
# the switch, the directors' addresses and configs, as tests/netns/announce-bird-router.sh has them
. "$top_srcdir/tests/netns/announce-lib.sh"
VM_DIR=$B                  # ecmp-frr.sh keeps its files under $VM_DIR/frr
wait_for() {               # SECONDS CMD...
	local end=$((SECONDS + $1))
	shift
	until "$@" >/dev/null 2>&1; do
		[ $SECONDS -ge $end ] && return 1
		sleep 0.05
	done
}
. "$top_srcdir/tests/lab/ecmp-frr.sh"
. "$top_srcdir/tests/lab/ecmp-bird.sh"
VIP=192.0.2.10 RS=10.99.9.1 BFD_MS=100 BFD_MULT=3
SW=$P-sw RF=$P-rf RB=$P-rb
bye() {
	[ -n "$OUT" ] && mkdir -p "$OUT" && cp -r "$B"/. "$OUT"/
	for n in "$RF" "$P-d1" "$P-d2"; do rm -rf "${FRR_RUN:?}/$n"; done
	cleanup
}
trap bye EXIT

# ---- the switch, the routers, the directors
for n in "$SW" "$RF" "$RB" "$P-d1" "$P-d2"; do ns "$n"; done
an_switch "$SW" brf brb || exit 1
an_sw_port "$SW" brf f-r "$RF" eth0 10.99.1.1/24 || exit 1
an_sw_port "$SW" brb b-r "$RB" eth0 10.99.2.1/24 || exit 1
for k in 1 2; do
	d=$P-d$k
	an_sw_port "$SW" brf "f-d$k" "$d" f0 "10.99.1.1$k/24" || exit 1
	an_sw_port "$SW" brb "b-d$k" "$d" b0 "10.99.2.1$k/24" || exit 1
	an_dir_local "$d" $VIP $RS
done
for r in "$RF" "$RB"; do
	ip netns exec "$r" sysctl -qw net.ipv4.ip_forward=1 net.ipv4.fib_multipath_hash_policy=1
	ip netns exec "$r" ip -ts -o monitor route >"$B/mon-$r.log" 2>&1 &
	disown $! # killed with its namespace, quietly
done
# the directors' BFD packets on the switch (kernel receive stamps, the wall clock)
ip netns exec "$SW" tcpdump -i any -n -tt -l 'udp dst port 3784' >"$B/bfd.pcap.txt" 2>/dev/null &
disown $!

director_conf() { # K: FRR (two routers) and hadirector for director K
	local k=$1 d
	frr_common "$P-d$k" || exit 1
	d=$(frr_dir "$P-d$k")
	{
		echo "hostname $P-d$k"
		an_dir_bgpd -b "10.99.1.1$k" 10.99.1.1 10.99.2.1
	} >"$d/bgpd.conf"
	chmod 644 "$d"/*.conf
	{
		an_hd_global "$B/d$k"
		an_hd_vs $VIP:80 $RS:80 1 1
	} >"$B/d$k.conf"
}

ECMP_BFD_MS=$BFD_MS ECMP_BFD_MULT=$BFD_MULT frr_router_conf "$RF" 10.99.1.1 65000 65001 10.99.1.11 10.99.1.12 || exit 1
frr_start "$RF" "$RF" || { echo "FRR router did not start" >&2; exit 1; }
bird_router_conf "$B/bird-rb.conf" "$B/bird-rb.log" 10.99.2.1 65000 65001 eth0 $BFD_MS $BFD_MULT \
	10.99.2.11 10.99.2.12
bird_start "$RB" "$B/bird-rb.conf" "$B/bird-rb.ctl" "$B/bird-rb.pid" || { echo "BIRD router did not start" >&2; exit 1; }
for k in 1 2; do
	director_conf $k
	frr_start "$P-d$k" "$P-d$k" || { echo "FRR on d$k did not start" >&2; exit 1; }
	an_listen "$P-d$k" $RS 80
	ip netns exec "$P-d$k" "$HD" -n -l -f "$B/d$k.conf" 2>>"$B/d$k.log" &
	disown $!
done

# the VIP's route in router NS goes through both directors (GW1 and GW2 on its LAN)
paths() { ip -n "$1" -o route show $VIP/32 | grep -o 'via [0-9.]*' | sort | paste -sd' '; }
two_paths() { [ "$(paths "$1")" = "via $2.11 via $2.12" ]; }
without_d1() { ! paths "$1" | grep -q "via $2.11\$\|via $2.11 "; }
log "waiting for both routers to have the VIP over both directors"
wait_for 90 two_paths "$RF" 10.99.1 || { echo "FRR router: no ECMP route ($(paths "$RF"))" >&2; exit 1; }
wait_for 90 two_paths "$RB" 10.99.2 || { echo "BIRD router: no ECMP route ($(paths "$RB"))" >&2; exit 1; }
log "FRR router: $(ip -n "$RF" -o route show $VIP/32)"
log "BIRD router: $(ip -n "$RB" -o route show $VIP/32)"
sleep 3 # the BFD sessions past their start (slow timers, then the poll to 100 ms)

exec {IPB}> >(exec ip netns exec "$SW" ip -force -batch -)
now_us() { echo "${EPOCHREALTIME/./}"; } # no fork
: >"$B/cuts"
for i in $(seq "$CUTS"); do
	for r in f b; do
		rtr=$RF net=10.99.1
		[ $r = b ] && rtr=$RB net=10.99.2
		# both paths back and a BFD packet phase that is the director's own, not the loop's
		wait_for 90 two_paths "$rtr" $net || { echo "$rtr: d1 did not come back" >&2; exit 1; }
		sleep "$(awk -v s="$RANDOM" 'BEGIN { printf "%.3f", 2 + s / 32768 }')"
		t=$(now_us)
		echo "link set $r-d1 down" >&"$IPB"
		wait_for 10 without_d1 "$rtr" $net || log "$rtr: d1 not withdrawn within 10 s"
		sleep 1 # the logs written
		echo "$r $t $net.11" >>"$B/cuts"
		echo "link set $r-d1 up" >&"$IPB"
		log "cut $i $rtr done"
	done
done
sleep 1
python3 "$(dirname "$0")/withdraw.py" "$B" "$(frr_dir "$RF")" "$RF" "$RB" $VIP $((BFD_MS * BFD_MULT))
