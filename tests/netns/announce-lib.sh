# shellcheck shell=bash
# Helpers of the announce-mode tests against real BGP speakers
# (tests/netns/announce-*.sh, issue 23), sourced after lib.sh. tests/bench/withdraw.sh uses
# those that need no T_DIR (an_switch, an_sw_port, an_dir_local, an_dir_bgpd, an_hd_global,
# an_hd_vs, an_listen):
#   an_need_frr                 exit 1 unless FRR (Debian's frr) and /dev/net/tun are there
#   an_frr_dir NAME             $T_DIR/frr-NAME, made readable by user frr (FRR silently
#                               ignores a config file it cannot read): the test writes
#                               zebra.conf, bgpd.conf and (for BFD) bfdd.conf there
#   an_bfd_conf NAME            NAME's bfdd.conf: profile "fast", 100 ms x 3
#   an_frr_start NS NAME        FRR instance -N NS in namespace NS (sockets under
#                               /run/frr/NS, removed at exit): zebra, then bfdd (when
#                               NAME has a bfdd.conf) and bgpd, configs from an_frr_dir NAME
#   an_links RTR DIR...         a veth from router RTR (rN) to each director (its e0), N = 1,
#                               2, ...: 10.99.N.1|2/30, fd00:99:N::1|2/64 (nodad)
#   an_switch SW BRIDGE...      the bridges BRIDGE... (up) in switch namespace SW
#   an_sw_port SW BRIDGE PORT NS IFNAME ADDR   a veth from SW's port PORT (in BRIDGE) to IFNAME
#                               in NS (ADDR, up); 1 when the veth cannot be made
#   an_dir_local NS VIP RS      a director's local addresses: its real server RS on lo, and the
#                               VIP local for IPVS as a route, not an address zebra would
#                               announce whatever hadirector says (docs/ecmp.md)
#   an_dir_bgpd [-b] ID ROUTER...   (stdout) a director's bgpd.conf: AS 65001, router-id ID,
#                               eBGP to each ROUTER (AS 65000, BFD profile fast with -b); each
#                               /32 of 192.0.2.0/24 it has as an address (the VIPs on
#                               hadirector's TUN device) by `redistribute connected`
#   an_frr_director [-b] NAME ID ROUTER...   director NAME's FRR configs in an_frr_dir NAME:
#                               zebra.conf, bgpd.conf (an_dir_bgpd), with -b bfdd.conf too
#   an_hd_global BASE           (stdout) hadirector's global block: socket BASE.sock, pid file
#                               BASE.pid
#   an_hd_vs VS RS DELAY TIMEOUT [N]   (stdout) virtual server VS in announce mode (mh, dr,
#                               delay_loop DELAY), real server RS with a tcp_check (connect_timeout
#                               TIMEOUT; rise N and fall N when N is given)
#   an_frr_router NAME N        router NAME's FRR configs: eBGP (AS 65000) with N directors
#                               (AS 65001) at 10.99.1..N.2 (IPv4 unicast) and fd00:99:1..N::2
#                               (IPv6 unicast), one session per family, BFD profile fast,
#                               ECMP (maximum-paths 8) in both families
#   an_hd_conf NAME             $T_DIR/NAME.conf: announce mode for $VIP4:80 and [$VIP6]:80,
#                               each with one real server ($RS4, $RS6) and a tcp_check
#                               (0.2 s, fall 1, rise 1); socket $T_DIR/NAME.sock
#   an_hd_start NS NAME         hadirector -f $T_DIR/NAME.conf (whose pid_file is
#                               $T_DIR/NAME.pid) in NS under announce-wd.py, the service
#                               manager's watchdog (WatchdogSec=$WD_SEC, TimeoutAbortSec=
#                               $ABORT_SEC); log $T_DIR/NAME.log, the watchdog's
#                               NAME-wd.log; sets WPID (the watchdog) and DPID (the daemon)
#   an_listen NS ADDR PORT      a TCP server (accept, close) in NS; its pid in LPID
#   an_paths NS PREFIX          the devices of NS's BGP route to PREFIX in its kernel FIB,
#                               sorted, on one line ("" when it has none)
#   an_ms_until LIMIT_MS START_MS CMD...   ms from START_MS until CMD succeeds (polled
#                               every ~10 ms), or "timeout" after LIMIT_MS
#   an_below MS LIMIT           MS is a number <= LIMIT
: "${WD_SEC:=1}" "${ABORT_SEC:=1}"
AN_FRR_RUN=/run/frr
AN_FRR_NS=()

an_need_frr() {
	command -v /usr/lib/frr/zebra >/dev/null && command -v vtysh >/dev/null || {
		echo "FRR (Debian's frr) is needed"
		exit 1
	}
	[ -c /dev/net/tun ] || { echo "/dev/net/tun is needed"; exit 1; }
}

an_cleanup() {
	local n
	hd_cleanup
	for n in "${AN_FRR_NS[@]}"; do rm -rf "${AN_FRR_RUN:?}/$n"; done
}
# tests/bench/withdraw.sh sources this file for its config writers alone, with its own
# cleanup: the trap is the netns tests' (lib.sh's hd_cleanup)
if declare -F hd_cleanup >/dev/null; then trap an_cleanup EXIT; fi

an_frr_dir() { # NAME
	local d=$T_DIR/frr-$1
	chmod 755 "$T_DIR"
	install -d -m 755 "$d"
	echo "$d"
}

an_bfd_conf() { # NAME
	printf 'bfd\n profile fast\n  detect-multiplier 3\n  receive-interval 100\n  transmit-interval 100\n exit\nexit\n' \
		>"$(an_frr_dir "$1")/bfdd.conf"
}

an_frr_start() { # NS NAME
	local ns=$1 d
	d=$(an_frr_dir "$2")
	chmod 644 "$d"/*.conf
	AN_FRR_NS+=("$ns")
	install -d -o frr -g frr "$AN_FRR_RUN" "$AN_FRR_RUN/$ns"
	ip netns exec "$ns" /usr/lib/frr/zebra -N "$ns" -d -P 0 -f "$d/zebra.conf" \
		>"$T_DIR/zebra-$2.log" 2>&1 || exit 99
	wait_for 10 test -S "$AN_FRR_RUN/$ns/zserv.api" || { echo "zebra ($2) did not start"; exit 99; }
	if [ -f "$d/bfdd.conf" ]; then
		ip netns exec "$ns" /usr/lib/frr/bfdd -N "$ns" -d -P 0 -f "$d/bfdd.conf" \
			>"$T_DIR/bfdd-$2.log" 2>&1 || exit 99
	fi
	ip netns exec "$ns" /usr/lib/frr/bgpd -N "$ns" -d -P 0 -f "$d/bgpd.conf" \
		>"$T_DIR/bgpd-$2.log" 2>&1 || exit 99
}

an_links() { # RTR DIR...
	local rtr=$1 n=0 d
	shift
	for d in "$rtr" "$@"; do # no DAD while the links are made: sessions start at once
		ip netns exec "$d" sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
	done
	for d in "$@"; do
		n=$((n + 1))
		ip link add r$n netns "$rtr" type veth peer name e0 netns "$d" || exit 99
		ip -n "$rtr" addr add 10.99.$n.1/30 dev r$n
		ip -n "$rtr" addr add fd00:99:$n::1/64 dev r$n nodad
		ip -n "$d" addr add 10.99.$n.2/30 dev e0
		ip -n "$d" addr add fd00:99:$n::2/64 dev e0 nodad
		ip -n "$rtr" link set r$n up
		ip -n "$d" link set e0 up
		# back to the default for the devices made later (hadirector's TUN device)
		ip netns exec "$d" sysctl -qw net.ipv6.conf.all.accept_dad=1 net.ipv6.conf.default.accept_dad=1
	done
}

an_frr_router() { # NAME N
	local d n
	d=$(an_frr_dir "$1")
	printf 'hostname %s\n' "$1" >"$d/zebra.conf"
	an_bfd_conf "$1"
	{
		printf 'hostname %s\nrouter bgp 65000\n bgp router-id 10.99.1.1\n' "$1"
		printf ' no bgp ebgp-requires-policy\n no bgp default ipv4-unicast\n'
		for n in 4 6; do
			printf ' neighbor DIR%s peer-group\n neighbor DIR%s remote-as 65001\n' $n $n
			printf ' neighbor DIR%s bfd profile fast\n neighbor DIR%s timers connect 1\n' $n $n
			printf ' neighbor DIR%s advertisement-interval 0\n' $n
		done
		for n in $(seq "$2"); do
			printf ' neighbor 10.99.%s.2 peer-group DIR4\n' "$n"
			printf ' neighbor fd00:99:%s::2 peer-group DIR6\n' "$n"
		done
		printf ' address-family ipv4 unicast\n  neighbor DIR4 activate\n  maximum-paths 8\n'
		printf ' exit-address-family\n address-family ipv6 unicast\n  neighbor DIR6 activate\n'
		printf '  maximum-paths 8\n exit-address-family\nexit\n'
	} >"$d/bgpd.conf"
}

an_switch() { # SW BRIDGE...
	local sw=$1 br
	shift
	for br in "$@"; do
		ip -n "$sw" link add "$br" type bridge || return 1
		ip -n "$sw" link set "$br" up
	done
}

an_sw_port() { # SW BRIDGE PORT NS IFNAME ADDR
	ip link add "$3" netns "$1" type veth peer name "$5" netns "$4" || return 1
	ip -n "$1" link set "$3" master "$2" up
	ip -n "$4" addr add "$6" dev "$5"
	ip -n "$4" link set "$5" up
}

an_dir_local() { # NS VIP RS
	ip -n "$1" addr add "$3/32" dev lo
	ip -n "$1" route add local "$2/32" dev lo table local
}

an_dir_bgpd() { # [-b] ID ROUTER...
	local bfd=0 r
	[ "$1" = -b ] && { bfd=1; shift; }
	printf 'ip prefix-list VIPS seq 5 permit 192.0.2.0/24 ge 32\nroute-map VIPS permit 10\n'
	printf ' match ip address prefix-list VIPS\nrouter bgp 65001\n bgp router-id %s\n' "$1"
	printf ' no bgp ebgp-requires-policy\n'
	shift
	for r in "$@"; do
		printf ' neighbor %s remote-as 65000\n' "$r"
		[ $bfd = 1 ] && printf ' neighbor %s bfd profile fast\n' "$r"
		printf ' neighbor %s timers connect 1\n neighbor %s advertisement-interval 0\n' "$r" "$r"
	done
	printf ' address-family ipv4 unicast\n  redistribute connected route-map VIPS\n'
	printf ' exit-address-family\n'
}

an_frr_director() { # [-b] NAME ID ROUTER...
	local b=() d
	[ "$1" = -b ] && { b=(-b); shift; }
	d=$(an_frr_dir "$1")
	printf 'hostname %s\n' "$1" >"$d/zebra.conf"
	[ ${#b[@]} -eq 0 ] || an_bfd_conf "$1"
	shift
	an_dir_bgpd "${b[@]}" "$@" >"$d/bgpd.conf"
}

an_hd_global() { # BASE
	printf 'global {\n    control_socket = "%s"\n    pid_file = "%s"\n}\n' "$1.sock" "$1.pid"
}

an_hd_vs() { # VS RS DELAY TIMEOUT [N]
	printf 'virtual_server %s {\n    mode = announce\n    lb_algo = mh\n    lb_kind = dr\n' "$1"
	printf '    delay_loop = %s\n    real_server %s {\n        tcp_check {\n' "$3" "$2"
	printf '            connect_timeout = %s\n' "$4"
	[ -z "${5:-}" ] || printf '            rise = %s\n            fall = %s\n' "$5" "$5"
	printf '        }\n    }\n}\n'
}

an_hd_conf() { # NAME
	{
		an_hd_global "$T_DIR/$1"
		an_hd_vs "$VIP4:80" "$RS4:80" 0.2 0.5 1
		an_hd_vs "[$VIP6]:80" "[$RS6]:80" 0.2 0.5 1
	} >"$T_DIR/$1.conf"
}

an_hd_start() { # NS NAME
	rm -f "$T_DIR/$2.pid"
	ip netns exec "$1" python3 "$top_srcdir/tests/netns/announce-wd.py" "$T_DIR/$2.notify" \
		"$WD_SEC" "$ABORT_SEC" -- "$HD" -l -f "$T_DIR/$2.conf" \
		>>"$T_DIR/$2-wd.log" 2>>"$T_DIR/$2.log" &
	WPID=$!
	T_PIDS+=("$WPID")
	wait_for 10 test -s "$T_DIR/$2.pid"
	DPID=$(cat "$T_DIR/$2.pid")
	T_PIDS+=("$DPID")
}

an_listen() { # NS ADDR PORT
	ip netns exec "$1" python3 -c '
import socket, sys
a = sys.argv[1]
s = socket.socket(socket.AF_INET6 if ":" in a else socket.AF_INET)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((a, int(sys.argv[2]))); s.listen(64)
while True:
    c, _ = s.accept(); c.close()' "$2" "$3" >/dev/null 2>&1 &
	LPID=$!
	disown "$LPID" # no "Killed" line from bash when it is
	T_PIDS+=("$LPID")
}

# `ip -o` puts a multipath route's nexthops on its line: one "dev X" each
an_paths() { # NS PREFIX
	local f=-4
	case $2 in *:*) f=-6 ;; esac
	ip -n "$1" $f -o route show "$2" proto bgp 2>/dev/null | grep -o 'dev [^ ]*' | cut -d' ' -f2 |
		sort -u | paste -sd' '
}

an_ms_until() { # LIMIT_MS START_MS CMD...
	local end=$(($2 + $1)) start=$2
	shift 2
	until "$@" >/dev/null 2>&1; do
		[ "$(now_ms)" -gt "$end" ] && { echo timeout; return; }
		sleep 0.01
	done
	echo $(($(now_ms) - start))
}
an_below() { [ "$1" != timeout ] && [ "$1" -le "$2" ]; }
