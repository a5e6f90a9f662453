# shellcheck shell=bash
# BIRD 2 (Debian's bird2) as the ECMP router in front of directors in announce mode (issue 23),
# in place of FRR's zebra, bfdd and bgpd (tests/lab/ecmp-frr.sh). Sourced by
# tests/bench/withdraw.sh and tests/netns/announce-bird-router.sh; docs/ecmp.md, "BIRD 2 on the
# router", says why each line is there.
#   bird_router_conf FILE LOG ROUTER_ID ASN PEER_ASN IFACE BFD_MS BFD_MULT PEER...
#                       a router that takes the VIPs from every PEER over eBGP (IPv4), watches
#                       each session with BFD on IFACE (BFD_MS x BFD_MULT) and installs the
#                       equal routes as one multipath route in the kernel's main table; its log
#                       (LOG) has ms stamps and says when a BFD session and a BGP session change
#                       state (`bird_log_ms` reads it)
#   bird_start NS CONF SOCK PIDFILE    bird in namespace NS, control socket SOCK; 0 once it runs
bird_router_conf() { # FILE LOG ROUTER_ID ASN PEER_ASN IFACE BFD_MS BFD_MULT PEER...
	local f=$1 log=$2 id=$3 asn=$4 pasn=$5 ifc=$6 ms=$7 mult=$8 p n=0
	shift 8
	{
		echo "log \"$log\" all;"
		echo "timeformat log \"%F %T.%3f\";" # ms stamps, as FRR's `log timestamp precision 3`
		echo "router id $id;"
		echo "protocol device { }"
		# the session's timers: the director's bfdd asks for the same (profile fast)
		echo "protocol bfd {"
		echo "	debug { events };"
		echo "	interface \"$ifc\" {"
		echo "		min rx interval $ms ms;"
		echo "		min tx interval $ms ms;"
		echo "		multiplier $mult;"
		echo "	};"
		echo "}"
		# equal BGP routes to one prefix become one route with a nexthop each (ECMP); the
		# kernel's own routes are not read back (learn off is the default)
		echo "protocol kernel {"
		echo "	merge paths on limit 8;"
		echo "	ipv4 { import none; export where source = RTS_BGP; };"
		echo "}"
		echo "template bgp directors {"
		echo "	local as $asn;"
		echo "	debug { states, events };"
		echo "	bfd on;"
		# back within about a second after a cut heals: BIRD waits 60 s after an error by
		# default (doubling up to 300 s), FRR's `timers connect 1` is the same thing
		echo "	connect delay time 1;"
		echo "	connect retry time 1;"
		echo "	error wait time 1, 2;"
		echo "	ipv4 { import all; export none; };"
		echo "}"
		for p in "$@"; do
			n=$((n + 1))
			echo "protocol bgp dir$n from directors { neighbor $p as $pasn; }"
		done
	} >"$f"
}

bird_start() { # NS CONF SOCK PIDFILE
	ip netns exec "$1" bird -p -c "$2" || return 1
	ip netns exec "$1" bird -c "$2" -s "$3" -P "$4" || return 1
	wait_for 10 test -s "$4"
}

