#!/bin/bash
# SNMP shows the states of slow start, agent_check, the fail-open guard and
# check_forwarding_path (issue 21), read by snmptable and snmpget with
# HADIRECTOR-MIB loaded from a real snmpd with hadirector's subagent, on the
# host (no IPVS: the verdicts and weights are the daemon's):
#   1 10.96.0.101:80 slow_start 60 s: r1 fails and comes back, ramps:
#     hdRsSlowStart true, hdRsWeight 20 on its way to hdRsTargetWeight 100
#   2 10.96.0.102:80 agent_check: r2's agent says "up 75%", "50", "drain",
#     then garbage: hdCheckerAgentState/Weight/WeightUnit, hdRsAgentDrained,
#     hdCheckerAgentGarbage
#   3 10.96.0.103:81 max_ejection 50, 4 10.96.0.104:82 the same with
#     max_ejection_timeout 2 s, r3..r5: the director's check path is cut
#     (policy rules): the guards engage (hdVsGuardEngaged,
#     hdVsRealServersHeld, hdRsHeld with hdRsCheckState down and hdRsState
#     up), snmptrapd receives hdGuardEngaged; 4 lets go at its bound
#     (hdGuardExpired); when the path to port 81 is back 3 releases
#     (hdGuardRecovered) while no verdict changes anywhere (4's checks, on
#     port 82, still fail)
#   5 10.96.0.100:80 DR, check_forwarding_path: r6 has no VIP on lo
#     (hdRsOutcome vipNotAccepted), r7 answers ARP for the VIP
#     (vipArpAnswered), r8 is set up right (ok); the fwd counters count.
. "$top_srcdir/tests/netns/lib.sh"
. "$top_srcdir/tests/netns/lib-snmp.sh" snmptable snmpget # STUBS, snmpd_start...

VIP=10.96.0.100
t_bridge
D=$(t_ns d)
t_link "$D" eth0 10.96.0.1/24
ip -n "$D" addr add $VIP/32 dev eth0
bg() { "$@" </dev/null >/dev/null 2>>"$T_DIR/srv.log" & T_PIDS+=($!); LAST=$!; }
listen() { # N PORT: a TCP listener of r N
	bg ip netns exec "${R[$1]}" python3 -c "
import socket
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('0.0.0.0', $2)); s.listen(64)
while True: s.accept()[0].close()"
	L[$1]=$LAST
}
for i in 1 2 3 4 5 6 7 8; do
	R[$i]=$(t_ns r$i)
	t_link "${R[$i]}" eth0 10.96.0.1$i/24
done
listen 1 80
for i in 3 4 5; do listen $i 81; listen $i 82; done
for i in 6 7 8; do listen $i 80; done
echo "line up 75%" >"$T_DIR/mode"
bg ip netns exec "${R[2]}" python3 "$top_srcdir/tests/netns/hc-agent-srv.py" 9999 "$T_DIR/mode" "$T_DIR/agent.log"
ip -n "${R[7]}" addr add $VIP/32 dev lo # arp_ignore unset: answers ARP for it
ip -n "${R[8]}" addr add $VIP/32 dev lo
ip netns exec "${R[8]}" sysctl -qw net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2 \
	net.ipv4.conf.eth0.arp_ignore=1 net.ipv4.conf.eth0.arp_announce=2

guard_vs() { # VS PORT OPTIONS...
	echo "virtual_server $1:$2 {"
	echo "    lb_kind = nat"
	local port=$2
	shift 2
	for o in "$@"; do echo "    $o"; done
	for i in 3 4 5; do
		echo "    real_server 10.96.0.1$i:$port { tcp_check { delay_loop = 0.5  connect_timeout = 0.3 } }"
	done
	echo "}"
}
{
	cat <<CONF
global {
    snmp = true
    snmp_socket = $T_DIR/agentx.sock
}
virtual_server 10.96.0.101:80 {
    lb_kind = nat
    slow_start = 60
    slow_start_steps = 4
    real_server 10.96.0.11:80 { weight = 100  tcp_check { delay_loop = 0.2  connect_timeout = 0.3 } }
}
virtual_server 10.96.0.102:80 {
    lb_kind = nat
    real_server 10.96.0.12:80 {
        weight = 100
        agent_check { connect_port = 9999  delay_loop = 0.2  connect_timeout = 1 }
    }
}
CONF
	guard_vs 10.96.0.103 81 "max_ejection = 50"
	guard_vs 10.96.0.104 82 "max_ejection = 50" "max_ejection_timeout = 2"
	cat <<CONF
virtual_server $VIP:80 {
    lb_kind = dr
    check_forwarding_path = yes
    real_server 10.96.0.16:80 { tcp_check { delay_loop = 0.3  connect_timeout = 0.5 } }
    real_server 10.96.0.17:80 { ping_check { delay_loop = 0.3  connect_timeout = 0.5 } }
    real_server 10.96.0.18:80 { tcp_check { delay_loop = 0.3  connect_timeout = 0.5 } }
}
CONF
} >"$T_DIR/hd.conf"

check "snmpd listens" snmpd_start "$D"
check "snmptrapd listens" snmptrapd_start "$D"
listening() { ip netns exec "${R[$1]}" ss -ltn | grep -q ":$2 "; }
for i in 1 6 7 8; do check "r$i listens" wait_for 5 listening $i 80; done
for i in 3 4 5; do for p in 81 82; do check "r$i listens on $p" wait_for 5 listening $i $p; done; done
check "r2's agent listens" wait_for 5 listening 2 9999

SOCK="$T_DIR/hd.sock"
ip netns exec "$D" "$HD" -n -l -f "$T_DIR/hd.conf" -p "$T_DIR/hd.pid" -s "$SOCK" 2>>"$T_DIR/hd.log" &
HDPID=$!
T_PIDS+=($HDPID)
check "daemon answers" wait_for 5 "$HDCTL" -s "$SOCK" ping

snmp() { # TOOL "OPTIONS" OID...: a net-snmp tool against the director's snmpd, HADIRECTOR-MIB loaded
	local tool=$1 opts=$2
	shift 2
	# shellcheck disable=SC2086 # OPTIONS are words
	ip netns exec "$D" "$tool" -v2c -c public -M "+$top_srcdir/etc:$STUBS" -m HADIRECTOR-MIB \
		-t 1 -r 1 $opts 127.0.0.1:1161 "$@" 2>&1
}
# A table as snmptable prints it, one row a line, '|' between cells.
table() { snmp snmptable "-Ci -Cf |" "HADIRECTOR-MIB::$1"; }
# tcell TABLE INDEX COLUMN: the cell of row INDEX under the header COLUMN.
tcell() {
	table "$1" | awk -F'|' -v idx="$2" -v col="$3" '
		$1 == "index" { for (i = 1; i <= NF; i++) h[$i] = i; next }
		h[col] && $1 == idx { print $(h[col]) }'
}
is() { [ "$(tcell "$1" "$2" "$3")" = "$4" ]; }  # TABLE INDEX COLUMN VALUE
at_least() { local v; v=$(tcell "$1" "$2" "$3"); [ -n "$v" ] && [ "$v" -ge "$4" ]; }
get() { snmp snmpget -Oqv "HADIRECTOR-MIB::$1"; }
# are "V1 V2..." OBJ1 OBJ2...: one snmpget of the objects gives the values
are() {
	local want=$1 got
	shift
	got=$(snmp snmpget -Oqv "${@/#/HADIRECTOR-MIB::}" | tr '\n' ' ')
	[ "$got" = "$want " ]
}
check "the subagent serves HADIRECTOR-MIB" wait_for 10 sh -c "ip netns exec '$D' snmpget -v2c -c public -Oqv 127.0.0.1:1161 .1.3.6.1.3.9487.1.1.1.2.1 | grep -q 10.96.0.101"

# ---- 5: the forwarding path (no VIP on lo; ARP answered; right) ----
RS=hdRealServerTable CK=hdCheckerTable VS=hdVirtualServerTable
check "r6 (no VIP on lo): hdRsOutcome vipNotAccepted" wait_for 10 is $RS 5.1 hdRsOutcome vipNotAccepted
check "r6: hdRsState down" is $RS 5.1 hdRsState down
check "r6's checker: hdCheckerOutcome vipNotAccepted" is $CK 5.1.1 hdCheckerOutcome vipNotAccepted
check "r6's checker: hdCheckerFwdVipNotAccepted counts" at_least $CK 5.1.1 hdCheckerFwdVipNotAccepted 1
check "r6's checker: hdCheckerFwdProbes counts" at_least $CK 5.1.1 hdCheckerFwdProbes 1
check "r7 (arp_ignore unset): hdRsOutcome vipArpAnswered" wait_for 10 is $RS 5.2 hdRsOutcome vipArpAnswered
check "r7's checker: hdCheckerFwdArpAnswered counts" at_least $CK 5.2.1 hdCheckerFwdArpAnswered 1
check "r8 (set up right): hdRsOutcome ok, up" wait_for 10 are "ok up" hdRsOutcome.5.3 hdRsState.5.3
check "hdRsLastOutcome keeps the text" are "VIP not accepted through the forwarding path" hdRsLastOutcome.5.1
check "snmpget by name: hdCheckerOutcome.5.2.1 vipArpAnswered" test "$(get hdCheckerOutcome.5.2.1)" = vipArpAnswered

# ---- 2: agent_check ----
check "r2's agent said 'up 75%': hdRsWeight 75" wait_for 10 is $RS 2.1 hdRsWeight 75
check "hdCheckerAgentState up" is $CK 2.1.1 hdCheckerAgentState up
check "hdCheckerAgentWeight 75" is $CK 2.1.1 hdCheckerAgentWeight 75
check "hdCheckerAgentWeightUnit percent" is $CK 2.1.1 hdCheckerAgentWeightUnit percent
check "hdCheckerAgentLines counts" at_least $CK 2.1.1 hdCheckerAgentLines 1
echo "line 50" >"$T_DIR/mode"
check "'50': hdCheckerAgentWeightUnit absolute" wait_for 5 is $CK 2.1.1 hdCheckerAgentWeightUnit absolute
check "'50': hdRsWeight 50" is $RS 2.1 hdRsWeight 50
echo "line drain" >"$T_DIR/mode"
check "'drain': hdRsAgentDrained true" wait_for 5 is $RS 2.1 hdRsAgentDrained true
check "'drain': hdCheckerAgentState drain" is $CK 2.1.1 hdCheckerAgentState drain
check "'drain': hdRsWeight 0, hdRsState up" are "0 up" hdRsWeight.2.1 hdRsState.2.1
check "no garbage yet" is $CK 2.1.1 hdCheckerAgentGarbage 0
echo "line xyzzy" >"$T_DIR/mode"
check "a garbage line: hdCheckerAgentGarbage counts" wait_for 5 at_least $CK 2.1.1 hdCheckerAgentGarbage 1
check "and changes nothing (drain)" is $RS 2.1 hdRsAgentDrained true

# ---- 1: slow start ----
check "r1 up at 100, no ramp at startup" wait_for 5 is $RS 1.1 hdRsWeight 100
check "hdRsSlowStart false" is $RS 1.1 hdRsSlowStart false
check "hdRsSlowStartWeights 0" is $RS 1.1 hdRsSlowStartWeights 0
kill "${L[1]}"
check "r1 down" wait_for 5 is $RS 1.1 hdRsState down
listen 1 80
check "r1 back: hdRsSlowStart true" wait_for 5 is $RS 1.1 hdRsSlowStart true
# first of 4 levels over 60 s: 100 x 1/5; the next is 15 s away
check "ramping: hdRsWeight 20" is $RS 1.1 hdRsWeight 20
check "to hdRsTargetWeight 100" is $RS 1.1 hdRsTargetWeight 100
check "hdRsSlowStartWeights counts the ramp's write" is $RS 1.1 hdRsSlowStartWeights 1
check "hdRsState up, hdRsOutcome ok" are "up ok" hdRsState.1.1 hdRsOutcome.1.1

# ---- 3 and 4: the fail-open guard ----
for v in 3 4; do
	check "vs $v: hdVsMaxEjection 50" is $VS $v hdVsMaxEjection "50 percent"
	check "vs $v: guard not engaged, three up" wait_for 5 are "false 3" hdVsGuardEngaged.$v hdVsRealServersUp.$v
done
check "vs 1 (no guard): hdVsMaxEjection 100" is $VS 1 hdVsMaxEjection "100 percent"
check "no guard notification yet" absent "9487\.0\.[234]" "$T_DIR/traps.log"
sleep 1 # a few rounds of successful checks
for port in 81 82; do ip -n "$D" rule add to 10.96.0.0/24 ipproto tcp dport $port prohibit; done
check "vs 3: hdVsGuardEngaged true" wait_for 5 is $VS 3 hdVsGuardEngaged true
check "vs 3: every check fails, all three held" wait_for 5 is $VS 3 hdVsRealServersHeld 3
table $VS >"$T_DIR/vs.txt"
table $RS >"$T_DIR/rs.txt"
cat "$T_DIR/vs.txt" "$T_DIR/rs.txt"
check "vs 3: hdVsRealServersUp 3" is $VS 3 hdVsRealServersUp 3
check "vs 3: hdVsGuardEngagements 1" is $VS 3 hdVsGuardEngagements 1
for r in 1 2 3; do
	check "vs 3 rs $r: hdRsHeld true" is $RS 3.$r hdRsHeld true
	check "vs 3 rs $r: hdRsState up, hdRsCheckState down" are "up down" hdRsState.3.$r hdRsCheckState.3.$r
done
G=.1.3.6.1.3.9487
check "snmptrapd: hdGuardEngaged" wait_for 5 grep -q "$G.0.2" "$T_DIR/traps.log"
check "hdGuardEngaged names vs 3 (hdVsName.3)" grep -q "$G.1.1.1.2.3 = STRING: \"10.96.0.103:81\"" "$T_DIR/traps.log"
check "with hdVsGuardEngaged true(1)" grep -q "$G.1.1.1.14.3 = INTEGER: 1" "$T_DIR/traps.log"
check "and hdVsRealServersHeld 2 or 3" grep -q "$G.1.1.1.15.3 = Gauge32: [23]" "$T_DIR/traps.log"
check "and vs 4's too" wait_for 5 grep -q "$G.1.1.1.2.4 = STRING: \"10.96.0.104:82\"" "$T_DIR/traps.log"
# 4 lets go at its bound (2 s): hdGuardExpired, the failures applied
check "vs 4: released at its bound" wait_for 8 is $VS 4 hdVsGuardEngaged false
check "vs 4: hdVsGuardExpiries 1" is $VS 4 hdVsGuardExpiries 1
check "vs 4: hdVsRealServersUp 0" is $VS 4 hdVsRealServersUp 0
check "snmptrapd: hdGuardExpired" wait_for 5 grep -q "$G.0.4" "$T_DIR/traps.log"
check "vs 3: still engaged" is $VS 3 hdVsGuardEngaged true
check "no hdGuardRecovered while the path is cut" absent "$G.0.3" "$T_DIR/traps.log"
# only 3's checks recover: no real server changes verdict (3's were held,
# 4's still fail), the guard's release alone must wake the notifier
ip -n "$D" rule del to 10.96.0.0/24 ipproto tcp dport 81 prohibit
check "vs 3: released, the checks recovered" wait_for 5 is $VS 3 hdVsGuardEngaged false
check "vs 3: hdVsRealServersHeld 0" is $VS 3 hdVsRealServersHeld 0
check "vs 3: hdVsGuardExpiries 0" is $VS 3 hdVsGuardExpiries 0
check "snmptrapd: hdGuardRecovered" wait_for 5 grep -q "$G.0.3" "$T_DIR/traps.log"
check "vs 4: still down (port 82 cut)" is $VS 4 hdVsRealServersUp 0
ip -n "$D" rule del to 10.96.0.0/24 ipproto tcp dport 82 prohibit
check "vs 4: back up" wait_for 5 is $VS 4 hdVsRealServersUp 3
check "one hdGuardEngaged per guard, one expiry, one recovery" test \
	"$(grep -c "$G.0.2" "$T_DIR/traps.log") $(grep -c "$G.0.4" "$T_DIR/traps.log") $(grep -c "$G.0.3" "$T_DIR/traps.log")" = "2 1 1"

check "daemon alive" kill -0 "$HDPID"
kill -TERM "$HDPID"
wait "$HDPID"
check "SIGTERM: clean exit" test $? -eq 0
check "no sanitizer report" absent -E 'runtime error|ERROR: (Address|Leak)Sanitizer' "$T_DIR/hd.log"
[ "$T_FAILS" -ne 0 ] && tail -n 30 "$T_DIR/hd.log" "$T_DIR/traps.log"
t_done
