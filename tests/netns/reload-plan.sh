#!/bin/bash
# reload --plan (issue 22): what a reload would do, said before, done by
# nothing. d1 (VI_1 priority 150, master) and d2 (priority 100, backup),
# d1 checks two real servers in r1 (tcp_check). The new file B: VI_1 at
# priority 90 (below d2: a transition can follow, the peer sees 90), VI_2
# added, the first real server's check with another delay_loop (restarted),
# the second's unchanged (kept). Checked:
# (1) hadirectorctl reload --plan --file B, text: each of those, with why;
# (2) --json and hadirector -t --plan --json -f B: the same as data;
# (3) nothing changed in the running daemons: d1 master, d2 backup, no
#     transition on either, no priority 0, the checks not restarted (their
#     run counters only grew), no reload logged, VI_2 nowhere;
# (4) a file with an error: the plan fails with FILE:LINE, nothing changes;
# (5) then the reload of B does what the plan said: VI_2 added, d2 takes
#     over (priority 90 < 100), the first check restarted (its run count
#     started again), the second kept (its count went on).
. "$top_srcdir/tests/netns/lib-vrrp.sh"

VIP=192.168.168.100
v_bridge
v_host d1 192.168.168.50/24
v_host d2 192.168.168.51/24
v_host r1 192.168.168.60/24
ip -n "$(nsof r1)" addr add 192.168.168.61/24 dev eth0
for p in 8080 8081; do
	ip netns exec "$(nsof r1)" python3 -c "
import socket
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('0.0.0.0', $p)); s.listen(64)
while True:
    c, _ = s.accept(); c.close()
" </dev/null >/dev/null 2>&1 &
	HD_PIDS+=($!)
	disown $! 2>/dev/null
done

conf() { # PRIO DELAY_LOOP_RS1 WITH_VI_2 [BROKEN]
	echo "global { router_id = d1 }"
	echo "vrrp_instance VI_1 { interface = eth0  virtual_router_id = 51  priority = $1"
	echo "  advert_int = 0.1  version = 3  virtual_ipaddress = { $VIP/24 } }"
	if [ "$3" = 1 ]; then
		echo "vrrp_instance VI_2 { interface = eth0  virtual_router_id = 52  priority = 100"
		echo "  advert_int = 0.1  version = 3  virtual_ipaddress = { 192.168.168.101/24 } }"
	fi
	echo "virtual_server $VIP:80 {"
	echo "  lb_kind = nat"
	echo "  real_server 192.168.168.60:8080 { tcp_check { connect_timeout = 0.5  delay_loop = $2 } }"
	echo "  real_server 192.168.168.61:8081 { tcp_check { connect_timeout = 0.5  delay_loop = 0.2 } }"
	[ -n "${4:-}" ] && echo "  bogus_option = 1"
	echo "}"
}
conf 150 0.2 0 >"$V_DIR/d1.conf"
conf 90 0.3 1 >"$V_DIR/B.conf"
conf 90 0.3 1 broken >"$V_DIR/bad.conf"
V_VIP=$VIP/24 v_conf "$V_DIR/d2.conf" d2 100
v_start d2 "$V_DIR/d2.conf"
v_start d1 "$V_DIR/d1.conf"
check "d1 master" wait_for 5 v_state_is d1 VI_1 MASTER
check "d2 backup" wait_for 5 v_state_is d2 VI_1 BACKUP
S1="$V_DIR/d1.sock"
rs_field() { # SOCK RS FIELD: of the only virtual server
	"$HDCTL" -s "$1" status --json |
		jq -r --arg rs "$2" ".healthcheck[0].real_servers[] | select(.rs == \$rs) | $3"
}
check "both real servers up" wait_for 5 eval \
	"[ \"\$(rs_field $S1 192.168.168.60:8080 .state)\" = up ] && [ \"\$(rs_field $S1 192.168.168.61:8081 .state)\" = up ]"
sleep 0.5

tr1=$(v_field d1 VI_1 transitions); tr2=$(v_field d2 VI_1 transitions)
p0=$(v_field d2 VI_1 prio0_received)
runs1=$(rs_field "$S1" 192.168.168.60:8080 '.checkers[0].runs')
runs2=$(rs_field "$S1" 192.168.168.61:8081 '.checkers[0].runs')
reloads=$("$HDCTL" -s "$S1" status --json | jq .reloads_ok)
before=$(v_status d1 | jq -c '[.vrrp[] | {name, state, priority}], [.healthcheck[].real_servers[] | {rs, state, weight}]')

# (1) the plan, as text
PLAN="$V_DIR/plan.txt"
check "reload --plan --file B answers" eval "'$HDCTL' -s '$S1' reload --plan --file '$V_DIR/B.conf' >'$PLAN'"
cat "$PLAN" | sed 's/^/# /'
check "text: VI_1 changed, master, priority 150 -> 90" \
	grep -q "^  changed VI_1 (master): priority (priority 150 -> 90)" "$PLAN"
check "text: VI_1 can cause a transition, the peer sees priority 90" \
	grep -q "transition: possible; the peer sees: a change (priority 90)" "$PLAN"
check "text: why (a preempting backup above it takes over)" grep -q "a backup above it with preempt takes over" "$PLAN"
check "text: VI_2 added" grep -q "^  added VI_2$" "$PLAN"
check "text: vrrp summary" grep -q "^vrrp: 1 added, 0 removed, 1 changed, 0 replaced, 0 unchanged" "$PLAN"
check "text: the first check restarted, its delay_loop named" grep -q \
	"^  restarted check 1 (tcp) of real server 192.168.168.60:8080 of TCP $VIP:80: dl=200000->300000" "$PLAN"
check "text: checks summary (one kept, one restarted)" \
	grep -q "^checks: 1 kept, 1 restarted, 0 started, 0 stopped (probes: 1 kept, 1 started, 1 stopped)" "$PLAN"
check "text: the kept check is not listed" absent "192.168.168.61:8081" "$PLAN"
check "text: no IPVS in this kernel, said so" grep -q "^ipvs: kernel IPVS not available: no writes" "$PLAN"

# (2) JSON, through hadirectorctl and hadirector -t --plan
J="$V_DIR/plan.json"
check "reload --plan --json answers" eval "'$HDCTL' -s '$S1' reload --plan --json --file '$V_DIR/B.conf' >'$J'"
jqc() { [ "$(jq "$1" "$J")" = true ]; } # jq -e says yes to an empty file
check "json: VI_1 changed priority 150 -> 90, transition, peer sees 90" jqc \
	'.vrrp.instances[] | select(.name == "VI_1") | .action == "changed" and .fields == ["priority"] and .priority.old == 150 and .priority.new == 90 and .transition and .peer_sees and .priority_seen == 90 and .role == "master"'
check "json: VI_2 added" jqc '.vrrp.instances[] | select(.name == "VI_2") | .action == "added" and .transition'
check "json: counts" jqc '.vrrp.added == 1 and .vrrp.changed == 1 and .checks.kept == 1 and .checks.restarted == 1 and .checks.probes.kept == 1 and .checks.probes.started == 1 and .checks.probes.stopped == 1'
check "json: the restarted check" jqc \
	'.checks.changes == [{"action":"restarted","virtual_server":"TCP 192.168.168.100:80","real_server":"192.168.168.60:8080","check":1,"type":"tcp","shared":false,"changed":"dl=200000->300000"}]'
check "json: ipvs unavailable, no writes" jqc '.ipvs.available == false and .ipvs.writes == []'
J2="$V_DIR/plan-t.json"
check "hadirector -t --plan --json -f B answers" eval \
	"'$HD' -t --plan --json -f '$V_DIR/B.conf' -s '$S1' >'$J2'"
check "hadirector -t --plan: the same plan" eval "[ -s '$J' ] && cmp -s '$J' '$J2'"
check "--plan without -t is refused" eval "! '$HD' --plan -f '$V_DIR/B.conf' -s '$S1' 2>/dev/null"
check "a relative --file is refused" eval "! '$HDCTL' -s '$S1' reload --plan --file B.conf 2>/dev/null"

# (4) an invalid file: the plan fails with the file's errors
check "a broken file: the plan fails" eval "! '$HDCTL' -s '$S1' reload --plan --file '$V_DIR/bad.conf' 2>'$V_DIR/bad.err'"
check "a broken file: FILE:LINE said" grep -q "bad.conf:[0-9]" "$V_DIR/bad.err"

# (3) nothing changed
sleep 0.5
check "after the plans: d1 still master" v_state_is d1 VI_1 MASTER
check "after the plans: d2 still backup" v_state_is d2 VI_1 BACKUP
check "after the plans: no transition on d1" same_num "$(v_field d1 VI_1 transitions)" "$tr1"
check "after the plans: no transition on d2" same_num "$(v_field d2 VI_1 transitions)" "$tr2"
check "after the plans: no priority 0 at d2" same_num "$(v_field d2 VI_1 prio0_received)" "$p0"
after=$(v_status d1 | jq -c '[.vrrp[] | {name, state, priority}], [.healthcheck[].real_servers[] | {rs, state, weight}]')
check "after the plans: d1's instances and real servers as before" [ "$before" = "$after" ]
check "after the plans: no reload counted" [ "$("$HDCTL" -s "$S1" status --json | jq .reloads_ok)" = "$reloads" ]
check "after the plans: nothing reloaded in the log" absent "reload complete" "$V_DIR/d1.log"
check "after the plans: check 1 not restarted (runs $runs1 -> more)" \
	[ "$(rs_field "$S1" 192.168.168.60:8080 '.checkers[0].runs')" -gt "$runs1" ]
check "after the plans: check 2 not restarted (runs $runs2 -> more)" \
	[ "$(rs_field "$S1" 192.168.168.61:8081 '.checkers[0].runs')" -gt "$runs2" ]
check "after the plans: d1's check 1 still every 0.2 s" \
	[ "$(rs_field "$S1" 192.168.168.60:8080 '.checkers[0].delay_loop_sec')" = 0.2 ]

# (5) the reload does what the plan said
runs1=$(rs_field "$S1" 192.168.168.60:8080 '.checkers[0].runs')
runs2=$(rs_field "$S1" 192.168.168.61:8081 '.checkers[0].runs')
cp "$V_DIR/B.conf" "$V_DIR/d1.conf"
check "reload of B" "$HDCTL" -s "$S1" reload
check "reload: d2 takes over (the transition the plan allowed)" wait_for 5 v_state_is d2 VI_1 MASTER
check "reload: d1's VI_1 at priority 90" [ "$(v_field d1 VI_1 priority)" = 90 ]
check "reload: VI_2 added" wait_for 3 eval "v_field d1 VI_2 state >/dev/null"
r1=$(rs_field "$S1" 192.168.168.60:8080 '.checkers[0].runs')
r2=$(rs_field "$S1" 192.168.168.61:8081 '.checkers[0].runs')
check "reload: check 1 restarted (runs $runs1 -> $r1)" [ "$r1" -lt "$runs1" ]
check "reload: check 2 kept (runs $runs2 -> $r2)" [ "$r2" -ge "$runs2" ]
check "reload: check 1 now every 0.3 s" \
	[ "$(rs_field "$S1" 192.168.168.60:8080 '.checkers[0].delay_loop_sec')" = 0.3 ]
v_done
