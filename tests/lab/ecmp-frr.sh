# shellcheck shell=bash
# FRR for the ECMP lab (sourced by tests/vm/scenarios/ecmp.sh; issue 23). One FRR instance
# (zebra, bfdd, bgpd of Debian's frr 8.4) per network namespace, each named with -N so their
# sockets and pid files stay apart under /run/frr/NAME/.
#   frr_router_conf NAME ROUTER_ID ASN PEER_ASN PEER...   a router that takes the VIP from every
#                       PEER over eBGP, keeps up to 8 equal paths (ECMP) and watches each
#                       session with BFD (profile "fast": ECMP_BFD_MS x ECMP_BFD_MULT)
#   frr_director_conf NAME ROUTER_ID ASN ROUTER ROUTER_ASN PREFIX
#                       a director that announces each address inside PREFIX (a /32) while one
#                       of its interfaces has it (bgpd `redistribute connected` through a
#                       prefix list: the director's own LAN is not announced)
#                       The router's logs have ms stamps and say when its BFD sessions go
#                       down, when bgpd hands a route to zebra and when zebra sends it to
#                       the kernel (ecmp.py frrlog splits a
#                       withdrawal's time with them); its zebra runs with `zebra work-queue
#                       $ECMP_ZEBRA_WQ` (default 0: zebra's 10 ms batching hold was a fifth of
#                       what a link-down withdrawal took after BFD's detection, host runs)
#   frr_start NAME NS   zebra, then bfdd and bgpd, in namespace NS (as user frr)
#   frr_stop NAME       SIGTERM to the instance's daemons, and wait for them
# The VIP is switched on a director by adding or deleting it as an address: hadirector's announce
# mode puts it on the TUN device it holds open (the device, and the address with it, die with the
# process; zebra sees the address go). Why not a route in a table zebra imports (`ip import-table`,
# `redistribute table`): the kernel flushes a dead device's IPv4 routes without telling anyone
# (no RTM_DELROUTE) and zebra 8.4 keeps announcing them ("directly connected, unknown"); an
# address's removal is told (RTM_DELADDR). The VIP stays local while withdrawn (packets of flows
# still on their way are served) with `ip route add local VIP/32 dev lo table local`, a route, not
# an address on lo (which `redistribute connected` would announce whatever hadirector says).
: "${ECMP_BFD_MS:=100}" "${ECMP_BFD_MULT:=3}" "${ECMP_ZEBRA_WQ:=0}"
FRR_BIN=/usr/lib/frr
FRR_RUN=/run/frr

frr_dir() { echo "$VM_DIR/frr/$1"; }

frr_common() { # NAME: the directory, zebra.conf's head and bfdd.conf
	local d
	d=$(frr_dir "$1")
	# frr reads its files as user frr and silently ignores one it cannot read
	chmod 711 "$VM_DIR" && install -d -m 755 "$VM_DIR/frr" && install -d -m 755 -o frr -g frr "$d" || return 1
	install -d -o frr -g frr "$FRR_RUN" || return 1
	cat >"$d/bfdd.conf" <<EOF
hostname $1
log file $d/bfdd.log
log timestamp precision 3
debug bfd peer
bfd
 profile fast
  detect-multiplier $ECMP_BFD_MULT
  receive-interval $ECMP_BFD_MS
  transmit-interval $ECMP_BFD_MS
 exit
exit
EOF
	printf 'hostname %s\nlog file %s/zebra.log\nlog timestamp precision 3\n' "$1" "$d" >"$d/zebra.conf"
}

frr_router_conf() { # NAME ROUTER_ID ASN PEER_ASN PEER...
	local n=$1 id=$2 asn=$3 pasn=$4 d p
	shift 4
	frr_common "$n" || return 1
	d=$(frr_dir "$n")
	printf 'debug zebra kernel\nzebra work-queue %s\n' "$ECMP_ZEBRA_WQ" >>"$d/zebra.conf"
	{
		echo "hostname $n"
		echo "log file $d/bgpd.log"
		echo "log timestamp precision 3"
		echo "debug bgp zebra"
		echo "router bgp $asn"
		echo " bgp router-id $id"
		echo " no bgp ebgp-requires-policy"
		echo " neighbor DIRECTORS peer-group"
		echo " neighbor DIRECTORS remote-as $pasn"
		echo " neighbor DIRECTORS bfd profile fast"
		echo " neighbor DIRECTORS timers connect 1"
		echo " neighbor DIRECTORS advertisement-interval 0"
		for p in "$@"; do echo " neighbor $p peer-group DIRECTORS"; done
		echo " address-family ipv4 unicast"
		echo "  maximum-paths 8"
		echo " exit-address-family"
		echo "exit"
	} >"$d/bgpd.conf"
	chmod 644 "$d"/*.conf
}

frr_director_conf() { # NAME ROUTER_ID ASN ROUTER ROUTER_ASN PREFIX
	local n=$1 id=$2 asn=$3 rt=$4 rasn=$5 prefix=$6 d
	frr_common "$n" || return 1
	d=$(frr_dir "$n")
	cat >"$d/bgpd.conf" <<EOF
hostname $n
log file $d/bgpd.log
ip prefix-list VIP seq 5 permit $prefix ge 32
route-map VIP permit 10
 match ip address prefix-list VIP
exit
router bgp $asn
 bgp router-id $id
 no bgp ebgp-requires-policy
 neighbor $rt remote-as $rasn
 neighbor $rt bfd profile fast
 neighbor $rt timers connect 1
 neighbor $rt advertisement-interval 0
 address-family ipv4 unicast
  redistribute connected route-map VIP
 exit-address-family
exit
EOF
	chmod 644 "$d"/*.conf
}

frr_start() { # NAME NS
	local n=$1 ns=$2 d
	d=$(frr_dir "$n")
	rm -rf "${FRR_RUN:?}/$n"
	ip netns exec "$ns" "$FRR_BIN/zebra" -N "$n" -d -P 0 -f "$d/zebra.conf" || return 1
	wait_for 20 test -S "$FRR_RUN/$n/zserv.api" || return 1
	ip netns exec "$ns" "$FRR_BIN/bfdd" -N "$n" -d -P 0 -f "$d/bfdd.conf" || return 1
	ip netns exec "$ns" "$FRR_BIN/bgpd" -N "$n" -d -P 0 -f "$d/bgpd.conf" || return 1
}

frr_pids() { # NAME: the instance's daemons that run
	local f p
	for f in "$FRR_RUN/$1"/*.pid; do
		[ -f "$f" ] || continue
		p=$(cat "$f") && kill -0 "$p" 2>/dev/null && echo "$p"
	done
}

frr_stop() { # NAME [SIGNAL]
	local p pids
	pids=$(frr_pids "$1")
	[ -n "$pids" ] || return 0
	# shellcheck disable=SC2086
	kill -"${2:-TERM}" $pids 2>/dev/null
	for p in $pids; do wait_for 10 sh -c "! kill -0 $p" || kill -9 "$p" 2>/dev/null; done
}

frr_vtysh() { # NAME CMD: one show command of an instance
	vtysh -N "$1" -c "$2"
}
