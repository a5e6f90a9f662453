#!/bin/bash
# Inside the VM: the ECMP lab of issue 23 (several active directors behind a router's ECMP, each
# announcing the VIP over BGP with FRR; tests/vm/ecmp.sh runs it, `make check-ecmp`).
#
#   client 10.0.1.2 --- router 10.0.1.1 | 10.0.0.1   FRR: eBGP (AS 65000) to every director,
#                                                    maximum-paths 8, BFD, L4 multipath hash
#   LAN 10.0.0.0/24 (one bridge): directors d1..d4 .11-.14 (FRR AS 65001 + hadirector, IPVS DR,
#     lb_algo mh with mh-port, sloppy_tcp), real servers rs1..rs4 .21-.24 (VIP on lo, a line
#     server from tests/lab/ecmp.py), probe .5 (reaches the VIP through one chosen director)
#   VIP 10.100.0.1:80, announced by a director while an interface there has it as an address
#
# The client holds ECMP_CONNS long-lived connections (a line a second each, the answer must name
# the same real server) and opens ECMP_RATE new ones a second. Phases (the issue's list): steady
# state, a director leaves (withdraw, then stop) and comes back, SIGKILL and SIGSTOP of
# hadirector, a director's link down (BFD) and up, a fourth director joins, a real server dies,
# drain then stop, stop alone; then contrast figures (no sloppy_tcp; wlc instead of mh: a director
# leaves, comes back, is killed, is started again).
# Each phase prints connections alive before/after, broken ones (real server, director, why),
# new-connection failures, the time from the fault to the withdrawal seen in the router's FIB and
# until every affected flow answered again.
#
# Env: ECMP_CONNS (default 1000), ECMP_RATE (new connections a second, default 10), ECMP_BFD_MS
# (BFD interval, default 100; x ECMP_BFD_MULT 3), ECMP_SCHED (mh; wlc shows the asserts fail),
# ECMP_SLOPPY (1; 0 shows them fail), ECMP_ANNOUNCE (below), ECMP_PHASES (which phases, in
# order; default all), ECMP_CONTRAST (1: the contrast figures at the end), ECMP_WATCHDOG (the
# watchdog's seconds, as systemd's WatchdogSec=; default 2).
# ECMP_VRRP (1: then the VRRP pair's failover under the same load, tests/lab/ecmp-vrrp.sh; 0: not).
# ECMP_SYNC (0; 1: connection sync among the directors, lvs_sync_daemon mode = both, syncid 23:
# every director sends its connections and learns the others', so a moved flow keeps its real
# server whatever the scheduler: the wlc contrasts then break ~0 instead of hundreds).
# The last line is a verdict against the issue's targets: "VERDICT: ECMP PASS|FAIL: ..." (./demo.sh ecmp).
# ECMP_ANNOUNCE: daemon (default: hadirector's announce mode puts the VIP on its TUN device and
# takes it away), standin (the scenario does it with ip(8) on a device of its own when the daemon
# would: the lab without the feature's code), static (the address is put there once and never
# taken away, as with a static FRR `network`: nothing withdraws; the withdrawal checks fail).
. "$(dirname "$0")/../lib.sh"
LAB=$top_srcdir/tests/lab
. "$LAB/ecmp-frr.sh"
. "$LAB/ecmp-vrrp.sh"
PY=/usr/bin/python3
N=${ECMP_CONNS:-1000}
RATE=${ECMP_RATE:-10}
SCHED=${ECMP_SCHED:-mh}
SLOPPY=${ECMP_SLOPPY:-1}
ANNOUNCE=${ECMP_ANNOUNCE:-daemon}
WATCHDOG=${ECMP_WATCHDOG:-2}
PHASES=${ECMP_PHASES:-kill link leave join sigstop rsdies drain stop}
CONTRAST=${ECMP_CONTRAST:-1}
VRRP=${ECMP_VRRP:-1}
SYNC=${ECMP_SYNC:-0}
VIP=10.100.0.1
D=$VM_DIR
now_ms() { local t=${EPOCHREALTIME/./}; echo $((t / 1000)); } # no fork: exact under load
say() { echo "ecmp $(date +%T.%N | cut -c1-12): $*"; }
gw() { echo "10.0.0.1${1#d}"; } # director name -> its address

say "$N connections, $RATE new/s, $SCHED, sloppy_tcp $SLOPPY, BFD ${ECMP_BFD_MS}ms x $ECMP_BFD_MULT, announce: $ANNOUNCE, connection sync: $SYNC"
assert "ip_vs with mh and wlc loads" vm_load_ipvs mh wlc
assert "tun loads (the announce device)" hd_vm_modprobe tun

# ---- the hosts, in few program starts (each costs up to a second under emulation)
LAN="r:1 d1:11 d2:12 d3:13 d4:14 rs1:21 rs2:22 rs3:23 rs4:24 probe:5"
[ "$VRRP" = 1 ] && LAN="$LAN v1:15 v2:16" # the VRRP pair (tests/lab/ecmp-vrrp.sh)
{
	for h in $LAN client; do echo "netns add vm-${h%%:*}"; done
	echo "link add br0 type bridge"
	echo "link set br0 up"
	for h in $LAN; do
		echo "link add p-${h%%:*} type veth peer name eth0 netns vm-${h%%:*}"
		echo "link set p-${h%%:*} master br0 up"
	done
	echo "link add eth1 netns vm-r type veth peer name eth0 netns vm-client"
} | ip -batch - || exit 99
for h in $LAN client; do VM_NS+=("vm-${h%%:*}"); done
for h in $LAN; do
	n=${h%%:*}
	{
		echo "link set lo up"
		echo "addr add 10.0.0.${h##*:}/24 dev eth0"
		echo "link set eth0 up"
		case $n in
		r)
			echo "addr add 10.0.1.1/24 dev eth1"
			echo "link set eth1 up"
			;;
		d*)
			echo "route add default via 10.0.0.1"
			# the VIP is local (IPVS takes it at LOCAL_IN) without being an address zebra sees
			echo "route add local $VIP/32 dev lo table local"
			# the stand-in's device: a veth pair (a module-free device that is up)
			[ "$ANNOUNCE" = daemon ] || printf '%s\n' "link add standin type veth peer name standin-p" \
				"link set standin-p up" "link set standin up"
			;;
		rs*)
			echo "route add default via 10.0.0.1"
			echo "addr add $VIP/32 dev lo"
			echo "addr add $VRRP_VIP/32 dev lo"
			;;
		v*) echo "route add default via 10.0.0.1" ;;
		probe) echo "route add $VIP/32 via 10.0.0.11" ;;
		esac
	} | ip -n "vm-$n" -batch - || exit 99
done
printf '%s\n' "link set lo up" "addr add 10.0.1.2/24 dev eth0" "link set eth0 up" \
	"route add default via 10.0.1.1" | ip -n vm-client -batch - || exit 99
ip netns exec vm-r sysctl -qw net.ipv4.ip_forward=1 net.ipv4.fib_multipath_hash_policy=1 \
	net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0 || exit 99
for k in 1 2 3 4; do
	# DR: a real server never answers nor announces ARP for the VIP
	ip netns exec "vm-rs$k" sysctl -qw net.ipv4.conf.all.arp_ignore=1 \
		net.ipv4.conf.all.arp_announce=2 || exit 99
	ip netns exec "vm-rs$k" "$PY" "$LAB/ecmp.py" server "rs$k" 80 &
	RSPID[k]=$!
	VM_PIDS+=($!)
done

# ---- the directors
HDPID=()
dconf() { # DIRECTOR SCHED: its hadirector.conf
	local k rs=""
	for k in 1 2 3 4; do
		rs="$rs    real_server 10.0.0.2$k:80 { tcp_check { connect_timeout = 1  fall = 2  rise = 1 } }
"
	done
	cat <<EOF
global {
    router_id = $1
    set_sysctls = true
}
EOF
	[ "$ANNOUNCE" = daemon ] && cat <<EOF
announce {
    interface = eth0
}
EOF
	# every director sends its connections and learns the others' (the VRRP pair uses syncid 51
	# on the same LAN and group: the kernel drops the other id's messages)
	[ "$SYNC" = 1 ] && cat <<EOF
lvs_sync_daemon {
    interface = eth0
    mode = both
    syncid = 23
}
EOF
	cat <<EOF
virtual_server $VIP:80 {
$([ "$ANNOUNCE" = daemon ] && echo "    mode = announce")
    lb_algo = $2
$([ "$2" = mh ] && echo "    sched_flags = { mh-port }")
    lb_kind = dr
    delay_loop = 1
$rs}
EOF
}
hd_start() { # DIRECTOR
	local d=$1
	dconf "$d" "${CSCHED:-$SCHED}" >"$D/$d.conf"
	rm -f "$D/$d.wdpid"
	# under a watchdog as systemd's (the unit has WatchdogSec=10s): a hung daemon is killed
	ip netns exec "vm-$d" "$PY" "$LAB/ecmp.py" watchdog "$WATCHDOG" "$D/$d.wdpid" \
		"$HD" -n -l -f "$D/$d.conf" -p "$D/$d.pid" -s "$D/$d.sock" >>"$D/$d-hd.log" 2>&1 &
	SUPPID[${d#d}]=$!
	VM_PIDS+=($!)
	wait_for 10 test -s "$D/$d.wdpid" || return 1
	HDPID[${d#d}]=$(cat "$D/$d.wdpid")
	VM_PIDS+=("${HDPID[${d#d}]}")
	# set_sysctls sets sloppy_tcp in announce mode; the contrast and the stand-in set it here
	wait_for 10 "$HDCTL" -s "$D/$d.sock" ping
	if [ "$SLOPPY" != 1 ] || [ "$ANNOUNCE" != daemon ]; then
		ip netns exec "vm-$d" sysctl -qw "net.ipv4.vs.sloppy_tcp=$SLOPPY"
	fi
}
# real servers with a weight in DIRECTOR's table (announce mode keeps a
# failed one at weight 0, in its place for Maglev)
live_rs() { ip netns exec "vm-$1" ipvsadm -Ln | awk '$1 == "->" && $2 ~ /^10[.]0[.]0[.]2/ && $4 > 0' | wc -l; }
live_rs_is() { [ "$(live_rs "$1")" = "$2" ]; }
table_ready() { # DIRECTOR WANT: its table has WANT real servers with a weight
	wait_for 30 live_rs_is "$1" "$2"
}
# the stand-in's address, and the static one's (put there once)
announce() { [ "$ANNOUNCE" = daemon ] || ip -n "vm-$1" addr replace "$VIP/32" dev standin; }
withdraw() {
	[ "$ANNOUNCE" = standin ] || return 0
	ip -n "vm-$1" addr del "$VIP/32" dev standin 2>/dev/null
	return 0
}
dir_up() { # DIRECTOR WANT: FRR, hadirector, and (stand-in) the address once its table is whole
	local d=$1
	[ -d "$(frr_dir "vm-$d")" ] || frr_director_conf "vm-$d" "$(gw "$d")" 65001 10.0.0.1 65000 \
		"$VIP/32" || return 1
	frr_start "vm-$d" "vm-$d" 2>>"$D/$d-frr.log" || return 1
	hd_start "$d"
	table_ready "$d" "$2" || return 1
	announce "$d"
}
hd_stop() { # DIRECTOR
	kill -TERM "${HDPID[${1#d}]}" 2>/dev/null
	wait "${SUPPID[${1#d}]}" 2>/dev/null
}
dir_down() { # DIRECTOR: hadirector (the stand-in withdraws first), then FRR
	withdraw "$1"
	hd_stop "$1"
	frr_stop "vm-$1"
}

# ---- the router, and a monitor of its FIB: every change of the VIP's route with a timestamp
frr_router_conf vm-r 10.0.0.1 65000 65001 10.0.0.11 10.0.0.12 10.0.0.13 10.0.0.14 || exit 99
ip netns exec vm-r ip -ts -o monitor route >"$D/mon.log" 2>&1 &
VM_PIDS+=($!)
assert "FRR starts in the router's namespace" frr_start vm-r vm-r 2>>"$D/r-frr.log"
ready=1
for d in d1 d2 d3; do dir_up "$d" 4 || ready=0; done
assert "3 directors: FRR and hadirector up, each table with the 4 real servers" test $ready = 1
if [ "$ANNOUNCE" = daemon ] && [ "$SLOPPY" = 1 ]; then
	for d in d1 d2 d3; do
		check "$d: set_sysctls made net.ipv4.vs.sloppy_tcp 1 (announce mode)" test \
			"$(ip netns exec "vm-$d" cat /proc/sys/net/ipv4/vs/sloppy_tcp)" = 1
	done
fi
paths() { ip -n vm-r route show "$VIP/32" | grep -c 'nexthop via'; }
has_path() { ip -n vm-r route show "$VIP/32" | grep -q "via $(gw "$1") "; }
no_path() { ! has_path "$1"; }
assert "the router has the VIP over 3 equal paths" wait_for 60 sh -c \
	"[ \$(ip -n vm-r route show $VIP/32 | grep -c 'nexthop via') = 3 ]"
ip -n vm-r route show "$VIP/32" | sed 's/^/    /'
for k in 1 2 3 4; do
	assert "rs$k answers directly" wait_for 20 ip netns exec vm-client "$PY" -c "
import socket; s = socket.create_connection(('10.0.0.2$k', 80), 2); s.sendall(b'p\n')
assert s.recv(10) == b'rs$k\n'"
done

# ---- the client
CLIENT_LOG=$D/client.log
client_start() { # VIP LOG STOPFILE: N long-lived connections and RATE new ones a second
	touch "$2"
	ip netns exec vm-client "$PY" "$LAB/ecmp.py" client "$1" 80 "$N" "$RATE" "$2" "$3" &
	CLIENT=$!
	VM_PIDS+=($!)
	check "the client holds $N connections to $1" wait_for $((30 + N / 20)) sh -c \
		"[ \$(awk '\$2 == \"stat\" { a = \$3 } END { print a + 0 }' $2) -ge $N ]"
	say "client: $(alive) connections alive"
}
alive() { awk '$2 == "stat" { a = $3 } END { print a + 0 }' "$CLIENT_LOG"; }
client_start $VIP "$CLIENT_LOG" "$D/stop"

# ---- per-phase measurement
# snapshot FILE: "DIRECTOR SPORT REALSERVER EXPIRE_S ORIGIN" per established client flow, all
# directors, from the kernel's /proc/net/ip_vs_conn_sync (hex addresses and ports; ORIGIN LOCAL, or
# SYNC for an entry learnt from another director: with connection sync every director has an entry
# of every flow, and the one that carries it is the LOCAL one or the one refreshed last)
snapshot() {
	local d
	for d in ${SNAP_DIRS:-d1 d2 d3 d4}; do
		ip netns exec "vm-$d" cat /proc/net/ip_vs_conn_sync 2>/dev/null | awk -v d="$d" '
			function h(x, i, n) { n = 0
				for (i = 1; i <= length(x); i++) n = n * 16 + index("0123456789ABCDEF", substr(x, i, 1)) - 1
				return n }
			function ip(x) { return h(substr(x, 1, 2)) "." h(substr(x, 3, 2)) "." h(substr(x, 5, 2)) "." h(substr(x, 7, 2)) }
			$1 == "TCP" && $2 == "0A000102" && $8 == "ESTABLISHED" { print d, h($3), ip($6), $10, $9 }'
	done >"$1"
}
# rsts: "HOST N" per host of the LAN, the TCP resets its stack has sent (OutRsts): who reset a
# broken connection, a director's stack (a packet IPVS did not take) or a real server's (a flow
# sent to a server that does not know it)
rsts() {
	local h
	for h in $LAN; do
		h=${h%%:*}
		echo "$h $(ip netns exec "vm-$h" awk '/^Tcp:/ { if (!n++) { for (i = 1; i <= NF; i++)
			if ($i == "OutRsts") k = i } else print $k }' /proc/net/snmp)"
	done
}
declare -A RST0
SUMMARY=$D/summary
PH="" PH_T0=0 FAULT_T=0
phase() { # NAME: begins a phase (the snapshot says which director carries which flow)
	local h n
	PH=$1
	say "== phase $PH"
	snapshot "$D/snap-$PH"
	rsts >"$D/rsts" # (no process substitution: the VM has no /dev/fd)
	while read -r h n; do RST0[$h]=$n; done <"$D/rsts"
	PH_T0=$(now_ms)
	FAULT_T=0
}
fault() { # CMD...: the fault, its time noted just before
	FAULT_T=$(now_ms)
	"$@"
}
# A link is cut by an ip(8) started beforehand and waiting for commands: starting one takes tens
# of ms under emulation, which the measured withdrawal would count (it counted them until now)
coproc IPB { ip -force -batch -; }
VM_PIDS+=("$IPB_PID")
ipb() { echo "$*" >&"${IPB[1]}"; } # ARGS: one ip command in the root namespace, no fork
settle() { sleep "${1:-4}"; } # every long-lived connection asks at least once a second
# result DIRECTOR|- MAX_BROKEN [WHAT]: the phase's figures; the withdrawal of DIRECTOR
# (time from the fault to the router's FIB without it) when given
result() {
	local d=$1 max=$2 what=${3:-}
	ALIVE0=0 ALIVE1=0 BROKEN=0 NEWOK=0 NEWFAIL=0 RECOVER_MS=0 SLOW=0 SLOW_MAX_MS=0
	BROKEN_RS="" BROKEN_DIR="" BROKEN_WHY=""
	WITHDRAW_MS="" NEWBAD=0 NEWBAD_MS=0
	eval "$(SNAP="$D/snap-$PH" "$PY" "$LAB/ecmp.py" stats "$CLIENT_LOG" "$PH_T0" "$(now_ms)" \
		${d:+$([ "$d" != - ] && echo "$D/mon.log $FAULT_T $(gw "$d")")})"
	local line="$PH: alive $ALIVE0 -> $ALIVE1, broken $BROKEN${BROKEN_RS:+ (rs $BROKEN_RS; on $BROKEN_DIR; $BROKEN_WHY)}, new ok $NEWOK fail $NEWFAIL"
	[ "$FAULT_T" != 0 ] && line="$line, $NEWBAD new failed or needed a second SYN (the last begun $NEWBAD_MS ms after the fault), last answer slower than 300 ms $RECOVER_MS ms after the fault ($SLOW such answers, the slowest $SLOW_MAX_MS ms)"
	[ -n "$WITHDRAW_MS" ] && line="$line, withdrawn on the router in $WITHDRAW_MS ms${what:+ ($what)}"
	line="$line${RESULT_EXTRA:+, $RESULT_EXTRA}"
	RESULT_EXTRA=""
	local h n r=""
	rsts >"$D/rsts"
	while read -r h n; do
		[ "$n" -gt "${RST0[$h]:-$n}" ] && r="$r $h $((n - RST0[$h]))"
	done <"$D/rsts"
	line="$line, TCP resets sent:${r:- none}"
	say "$line"
	echo "$line" >>"$SUMMARY"
	# the phase's figures, for the verdict
	PH_BROKEN[$PH]=$BROKEN
	PH_WD[$PH]=${WITHDRAW_MS:--}
	PH_NEWBAD[$PH]=$NEWBAD_MS
	PH_REC[$PH]=$RECOVER_MS
	PH_NEWFAIL[$PH]=$NEWFAIL
	[ "$max" = - ] || check "$PH: at most $max broken connections ($BROKEN)" test "$BROKEN" -le "$max"
}
declare -A PH_BROKEN PH_WD PH_NEWBAD PH_REC PH_NEWFAIL PH_SPLIT
MISSED=()
target() { # DESCRIPTION COMMAND...: a check against one of the issue's targets, named in the verdict
	local f=$FAILS
	check "target: $1" "${@:2}"
	[ "$FAILS" = "$f" ] || MISSED+=("$1")
}
withdrawn() { # DIRECTOR: the router's route lost it (within 10 s)
	check "$PH: the router withdrew $1" wait_for 10 no_path "$1"
}
joined() { # DIRECTOR: the router's route has it again (within 30 s); JOIN_MS from FAULT_T
	check "$PH: the router has $1 in its paths again" wait_for 30 has_path "$1"
	eval "$("$PY" "$LAB/ecmp.py" join "$D/mon.log" "$FAULT_T" "$(gw "$1")")"
	PH_TK[$PH]=$JOIN_MS
	say "$PH: $1 back in the router's paths $JOIN_MS ms after it started"
	echo "$PH: $1 in the router's paths $JOIN_MS ms after it started" >>"$SUMMARY"
}
hd_signal() { # SIGNAL DIRECTOR: to hadirector (the stand-in withdraws as the daemon would)
	kill -"$1" "${HDPID[${2#d}]}"
	[ "$1" = STOP ] || withdraw "$2"
}
drain() { # DIRECTOR
	case $ANNOUNCE in
	daemon) "$HDCTL" -s "$D/$1.sock" drain-director >/dev/null ;;
	standin) withdraw "$1" ;;
	esac
}
hd_back() { # DIRECTOR WANT: hadirector started again, announcing once its table is whole
	wait "${SUPPID[${1#d}]}" 2>/dev/null # the killed one's watchdog
	hd_start "$1"
	table_ready "$1" "$2" && announce "$1"
	return 0
}
sa=""
[ "$ANNOUNCE" = standin ] && sa="stand-in: the scenario takes the address away as the signal is sent"

# ---- 1. steady state: every director and every real server carries a share
PH=steady
snapshot "$D/snap-steady"
eval "$("$PY" "$LAB/ecmp.py" spread "$D/snap-steady" "$D/client.log")"
say "steady: flows per director d1 ${FLOWS_d1:-0} d2 ${FLOWS_d2:-0} d3 ${FLOWS_d3:-0}, per real server rs1 ${FLOWS_rs1:-0} rs2 ${FLOWS_rs2:-0} rs3 ${FLOWS_rs3:-0} rs4 ${FLOWS_rs4:-0}"
for d in d1 d2 d3; do
	v=FLOWS_$d
	check "steady: $d carries at least a sixth of the flows (${!v:-0} of $N)" test "${!v:-0}" -ge $((N / 6))
done
for k in 1 2 3 4; do
	v=FLOWS_rs$k
	check "steady: rs$k serves at least an eighth of the flows (${!v:-0} of $N)" test "${!v:-0}" -ge $((N / 8))
done
# The same flow (source address and port) through each director in turn: mh's tables are the
# same on every director, so each maps it to the same real server.
M=60
for d in d1 d2 d3; do
	ip -n vm-probe route replace "$VIP/32" via "$(gw "$d")"
	ip netns exec vm-probe "$PY" "$LAB/ecmp.py" probe 10.0.0.5 $VIP 80 40000 $M >"$D/probe-$d"
done
check "probe: $M flows answered through each director" \
	test "$(cat "$D"/probe-d? | awk '$2 ~ /^rs/' | wc -l)" = $((M * 3))
same=$(paste "$D/probe-d1" "$D/probe-d2" "$D/probe-d3" | awk '$2 == $4 && $4 == $6' | wc -l)
say "probe: $same of $M flows reach the same real server through d1, d2 and d3 ($(awk '{ print $2 }' "$D/probe-d1" | sort | uniq -c | tr -s ' \n' ' '))"
echo "probe: $same of $M flows map to the same real server through every director" >>"$SUMMARY"
check "probe: every flow maps to the same real server through every director ($same of $M)" \
	test "$same" = $M

run_phase() {
	case $1 in
	kill) # 2. SIGKILL hadirector on d1; it is started again
		phase kill
		fault hd_signal KILL d1
		withdrawn d1
		settle
		result d1 0 "${sa:-SIGKILL}"
		target "SIGKILL withdrawn on the router within 1 s ($WITHDRAW_MS ms)" \
			test "$WITHDRAW_MS" -ge 0 -a "$WITHDRAW_MS" -le 1000
		target "SIGKILL: new connections failed no longer than 1 s (the last $NEWBAD_MS ms after)" \
			test "$NEWBAD_MS" -le 1000
		phase kill-back
		fault hd_back d1 4
		joined d1
		settle
		result - 0
		;;
	sigstop) # hadirector hangs on d2 (SIGSTOP): the watchdog kills it; it is started again
		phase sigstop
		fault hd_signal STOP d2
		withdrawn d2
		settle
		result d2 0 "SIGSTOP: watchdog $WATCHDOG s, its SIGABRT pending, SIGKILL 1 s later"
		check "sigstop: the watchdog killed hadirector" grep -q watchdog-kill "$D/d2-hd.log"
		phase sigstop-back
		fault hd_back d2 4
		joined d2
		settle
		result - 0
		;;
	link) # 3. d1's link down: BFD on the router; 4. up again
		phase link
		fault ipb link set p-d1 down
		withdrawn d1
		settle
		# where the time went, from the router's FRR logs: BFD's detection (300 ms after
		# the last packet it heard, which came up to an interval before the fault), then
		# bgpd (its clearing and route-processing queues hold 10 + 50 ms), zebra, the FIB
		eval "$("$PY" "$LAB/ecmp.py" frrlog "$(frr_dir vm-r)" "$FAULT_T" "$(gw d1)")"
		RESULT_EXTRA="router: BFD down $BFD_MS ms after the fault, bgpd gave zebra the route at $BGPZ_MS ms, zebra the kernel at $KERNEL_MS ms"
		PH_SPLIT[link]="BFD $BFD_MS, bgpd $BGPZ_MS, zebra $KERNEL_MS, FIB seen"
		result d1 0 "BFD ${ECMP_BFD_MS} ms x $ECMP_BFD_MULT"
		local lim=$((ECMP_BFD_MS * ECMP_BFD_MULT + 50))
		target "link down withdrawn on the router within BFD's $((ECMP_BFD_MS * ECMP_BFD_MULT)) ms + 50 ms ($WITHDRAW_MS ms)" \
			test "$WITHDRAW_MS" -ge 0 -a "$WITHDRAW_MS" -le $lim
		target "link down: new connections failed no longer than $lim ms (the last $NEWBAD_MS ms after)" \
			test "$NEWBAD_MS" -le $lim
		phase link-back
		fault ipb link set p-d1 up
		joined d1
		settle
		result - 0
		;;
	leave) # a director leaves (withdraw, then stop) and comes back
		phase leave
		fault drain d1
		withdrawn d1
		settle
		dir_down d1
		settle 1
		result d1 0 "drain"
		phase back
		fault dir_up d1 4
		joined d1
		settle
		result - 0
		;;
	join) # 5. a fourth director joins live
		phase join
		fault dir_up d4 4
		joined d4
		settle
		result - 0
		;;
	rsdies) # 6. rs4 dies: only its connections break
		phase rsdies
		eval "$("$PY" "$LAB/ecmp.py" spread "$D/snap-rsdies" "$D/client.log")"
		fault kill -9 "${RSPID[4]}"
		for d in $(live_dirs); do
			check "rsdies: $d's checks took rs4 out" table_ready "$d" 3
		done
		settle
		result - -
		BROKEN_RS_rsdies=${BROKEN_RS:-none}
		check "rsdies: only rs4's connections broke (broken: ${BROKEN_RS:-none})" \
			test "${BROKEN_RS%%:*}" = rs4 -a "${BROKEN_RS#*:}" -le "${FLOWS_rs4:-0}"
		;;
	drain) # 7. drain-director on d3, then stop
		phase drain
		fault drain d3
		withdrawn d3
		settle
		dir_down d3
		settle 1
		result d3 0 "drain-director"
		;;
	stop) # hadirector stopped on d2 (SIGTERM) without a drain first
		phase stop
		fault hd_signal TERM d2
		withdrawn d2
		settle
		result d2 0 "${sa:-SIGTERM}"
		frr_stop vm-d2
		;;
	esac
}
live_dirs() { local d; for d in d1 d2 d3 d4; do [ -n "$(frr_pids "vm-$d")" ] && echo "$d"; done; }
for p in $PHASES; do run_phase "$p"; done

# ---- contrast figures (not asserts): a director leaves with sloppy_tcp off, then with wlc
undrain() { # DIRECTOR
	case $ANNOUNCE in
	daemon) "$HDCTL" -s "$D/$1.sock" undrain-director >/dev/null ;;
	standin) announce "$1" ;;
	esac
}
# contrast NAME DIRECTOR [kill]: DIRECTOR withdrawn (drained, or its hadirector killed): how many
# of the flows it carried broke; then back (undrained, or started again): how many broke then
contrast() {
	local d=$2 v=FLOWS_$2 how=left nrs
	nrs=$(live_rs "$2") # its table's live real servers, for its restart
	phase "$1"
	unset "$v"
	eval "$("$PY" "$LAB/ecmp.py" spread "$D/snap-$1" "$D/client.log")"
	if [ "${3:-}" = kill ]; then
		how="was killed"
		fault hd_signal KILL "$d"
	else
		fault drain "$d"
	fi
	withdrawn "$d"
	settle
	result "$d" -
	say "$1: $BROKEN of the ${!v:-0} flows $d carried broke when it $how"
	echo "$1: $BROKEN of the ${!v:-0} flows $d carried broke when it $how (connection sync: $SYNC)" >>"$SUMMARY"
	phase "$1-back"
	if [ "${3:-}" = kill ]; then
		fault hd_back "$d" "$nrs"
	else
		fault undrain "$d"
	fi
	wait_for 30 has_path "$d"
	settle
	result - -
	say "$1-back: $BROKEN of $ALIVE0 flows broke when $d came back"
	echo "$1-back: $BROKEN of $ALIVE0 flows broke when $d came back (connection sync: $SYNC)" >>"$SUMMARY"
}
if [ "$CONTRAST" = 1 ]; then
	# shellcheck disable=SC2046
	set -- $(live_dirs)
	if [ $# -ge 2 ]; then
		for d in "$@"; do ip netns exec "vm-$d" sysctl -qw net.ipv4.vs.sloppy_tcp=0; done
		contrast contrast-no-sloppy "$1"
		for d in "$@"; do ip netns exec "vm-$d" sysctl -qw "net.ipv4.vs.sloppy_tcp=$SLOPPY"; done
		CSCHED=wlc # a director started again in the contrasts gets wlc too
		for d in "$@"; do
			dconf "$d" wlc >"$D/$d.conf"
			kill -HUP "${HDPID[${d#d}]}"
		done
		for d in "$@"; do
			check "contrast: $d's service uses wlc" wait_for 10 sh -c \
				"ip netns exec vm-$d ipvsadm -Ln | grep -q 'TCP  $VIP:80 wlc'"
		done
		contrast contrast-wlc "$2"
		contrast contrast-wlc-kill "$1" kill
	fi
fi

# the router's BFD and FIB, before the VRRP part stops the directors
bfd_down=$(vtysh -N vm-r -c "show bfd peers counters" 2>/dev/null | awk '
	/peer / { p = $2 } /Session down events/ { printf "    router BFD: %s session down events %s\n", p, $NF }')
fib_changes=$(grep -c "$VIP" "$D/mon.log")
if [ "$VRRP" = 1 ]; then
	vrrp_part
else
	touch "$D/stop"
	wait "$CLIENT"
fi
say "---- summary ($N connections, $SCHED, sloppy_tcp $SLOPPY, BFD ${ECMP_BFD_MS} ms x $ECMP_BFD_MULT, announce: $ANNOUNCE, connection sync: $SYNC)"
sed 's/^/    /' "$SUMMARY"
echo "$bfd_down"
echo "    router FIB changes of the VIP's route: $fib_changes"

# ---- side by side: the same faults on the ECMP directors and on the VRRP pair
row() { # LABEL PHASE WHAT: a phase's figures, "-" when it did not run
	local p=$2
	if [ -z "${PH_BROKEN[$p]:-}" ]; then
		printf '    %-34s %-6s  (not run)\n' "$1" "$3"
		return
	fi
	local mv=${PH_WD[$p]}
	[ "$mv" = - ] && mv=${PH_TK[$p]:--}
	printf '    %-34s %-6s %7s %9s %11s %11s %10s\n' "$1" "$3" "${PH_BROKEN[$p]}" \
		"${PH_NEWFAIL[$p]}" "${PH_NEWBAD[$p]} ms" "${PH_REC[$p]} ms" "$mv ms"
}
if [ "$VRRP" = 1 ]; then
	echo "    side by side ($N connections, $RATE new/s; ECMP: 3 directors, BFD ${ECMP_BFD_MS} ms x $ECMP_BFD_MULT; VRRP: advert_int $VRRP_ADV s, lvs_sync_daemon)"
	printf '    %-34s %-6s %7s %9s %11s %11s %10s\n' fault design broken "new fail" "new failing" "slow until" "router"
	row "SIGKILL of hadirector" kill ECMP
	row "" vrrp-kill VRRP
	row "link down" link ECMP
	row "" vrrp-link VRRP
	row "back (restart)" kill-back ECMP
	row "" vrrp-kill-back VRRP
	row "back (link up)" link-back ECMP
	row "" vrrp-link-back VRRP
	echo "    (new failing: when the last new connection that failed or needed a second SYN began; slow until: the last"
	echo "     answer slower than 300 ms or broken; router: the withdrawal or the director back in its paths, or the"
	echo "     VRRP takeover: its neighbour entry of the VIP moved to the new master)"
fi

# ---- the verdict against the issue's targets
tot=0 ran=""
for p in kill kill-back link link-back leave back join sigstop sigstop-back drain stop; do
	[ -n "${PH_BROKEN[$p]:-}" ] || continue
	tot=$((tot + ${PH_BROKEN[$p]}))
	ran="$ran${ran:+, }$p"
done
v="$N connections: $tot broken in $ran"
[ -n "${PH_BROKEN[rsdies]:-}" ] && v="$v; rs4 died: ${PH_BROKEN[rsdies]} broken (${BROKEN_RS_rsdies:-none})"
wd=""
[ -n "${PH_WD[kill]:-}" ] && wd="SIGKILL ${PH_WD[kill]} ms (1 s)"
[ -n "${PH_WD[link]:-}" ] && wd="$wd${wd:+, }link down ${PH_WD[link]} ms ($((ECMP_BFD_MS * ECMP_BFD_MULT + 50)) ms; ${PH_SPLIT[link]:-} ${PH_WD[link]})"
[ -n "$wd" ] && v="$v; withdrawn after $wd"
[ -n "${PH_TK[vrrp-kill]:-}" ] && v="$v; VRRP pair: SIGKILL ${PH_BROKEN[vrrp-kill]} broken, ${PH_NEWFAIL[vrrp-kill]} new failed, takeover ${PH_TK[vrrp-kill]} ms; link down ${PH_BROKEN[vrrp-link]:--} broken, ${PH_NEWFAIL[vrrp-link]:--} new failed, takeover ${PH_TK[vrrp-link]:--} ms"
if [ "$FAILS" -ne 0 ] || [ "${VERBOSE:-0}" = 1 ]; then
	for f in "$D"/*-hd.log; do echo "--- $f"; tail -n 15 "$f"; done
	tail -n 20 "$D/mon.log"
fi
for d in d1 d2 d3 d4 r; do frr_stop "vm-$d"; done
echo
if [ "$FAILS" -eq 0 ]; then
	echo "VERDICT: ECMP PASS: $v"
else
	missed=""
	[ ${#MISSED[@]} = 0 ] || missed="missed: $(printf '%s; ' "${MISSED[@]}")"
	echo "VERDICT: ECMP FAIL: ${missed}$FAILS checks failed; $v"
fi
vm_done
