#!/bin/bash
# vrrp_track_process with real processes: a copy of sleep(1) named
# hdtrkPID (a comm no other process has). d1 (150) tracks it with weight
# 0 (none running = fault), d2 (100) with quorum 2, weight 60 and
# terminate_delay 3 (two running: priority 160, it preempts d1).
# - none running at start: d1 starts in FAULT, never master first
# - one started: d1 master; a second: d2 160, master
# - one killed: d2 still 160 at once (terminate_delay), 100 after it
# - killed and started again inside terminate_delay: no priority change
# - a reload with the same section keeps the verdict (no transition)
# - the last killed: d1 FAULT, d2 master
. "$top_srcdir/tests/netns/lib-vrrp.sh"

PROC="hdtrk$$"
cp "$(command -v sleep)" "$V_DIR/$PROC"
PIDS=()
cleanup_procs() { [ ${#PIDS[@]} -gt 0 ] && kill "${PIDS[@]}" 2>/dev/null; }
trap 'cleanup_procs; v_cleanup' EXIT
start_proc() { "$V_DIR/$PROC" 600 & PIDS+=($!); }
kill_proc() { # INDEX: kill it and reap it (no zombie counts anyway)
	kill "${PIDS[$1]}" 2>/dev/null
	wait "${PIDS[$1]}" 2>/dev/null
}
running() { pgrep -x "$PROC" | wc -l; }

v_bridge
v_host d1 192.168.168.50/24
v_host d2 192.168.168.51/24
track() { # FILE NAME PRIO SECTION-BODY
	local f="$1"
	v_conf "$f" "$2" "$3" "track_process = { p }"
	printf 'vrrp_track_process p {\n    process = %s\n    interval = 0.1\n%s\n}\n' "$PROC" "$4" >>"$f"
}
track "$V_DIR/d1.conf" d1 150 ""
track "$V_DIR/d2.conf" d2 100 "    quorum = 2
    weight = 60
    terminate_delay = 3"
prio() { v_field "$1" VI_1 priority; }

v_start d2 "$V_DIR/d2.conf"
v_start d1 "$V_DIR/d1.conf"
check "none running: d1 in FAULT" wait_for 4 v_state_is d1 VI_1 FAULT
check "none running: d2 master at priority 100" wait_for 4 eval '[ "$(prio d2)" = 100 ] && v_is d2 MASTER'
check "d1 was never master" eval "! grep -q -- '-> MASTER' '$V_DIR/d1.log'"

start_proc
check "one running: d1 master" wait_for 4 v_state_is d1 VI_1 MASTER
check "one running: d2 backup, priority 100 (below quorum 2)" \
	wait_for 4 eval '[ "$(prio d2)" = 100 ] && v_is d2 BACKUP'
start_proc
check "two running: d2 priority 160" wait_for 4 eval '[ "$(prio d2)" = 160 ]'
check "two running: d2 preempts d1" wait_for 4 eval 'v_is d2 MASTER && v_is d1 BACKUP'

kill_proc 1
check "one killed: d2 still 160 (terminate_delay 3 s)" [ "$(prio d2)" = 160 ]
check "one killed: d2 back to 100 after the delay" wait_for 6 eval '[ "$(prio d2)" = 100 ]'
check "d1 master again" wait_for 4 v_state_is d1 VI_1 MASTER
start_proc
check "two again: d2 160" wait_for 4 eval '[ "$(prio d2)" = 160 ]'
n=$(grep -c "priority 160 -> 100" "$V_DIR/d2.log")
kill_proc 2
start_proc
sleep 4 # past terminate_delay: a change would have come by now
check "killed and restarted inside terminate_delay: still 160, no change logged" \
	eval '[ "$(prio d2)" = 160 ] && [ "$(grep -c "priority 160 -> 100" "$V_DIR/d2.log")" = "$n" ]'

t=$(grep -c -- "->" "$V_DIR/d2.log")
kill -HUP "$(v_pid d2)"
check "reload logged" wait_for 4 grep -q "reloaded" "$V_DIR/d2.log"
sleep 0.5
check "a reload keeps the verdict: d2 still 160, no transition" \
	eval '[ "$(prio d2)" = 160 ] && [ "$(grep -c -- "->" "$V_DIR/d2.log")" = "$t" ]'

kill_proc 0
kill_proc 3
check "none running: d1 FAULT" wait_for 4 v_state_is d1 VI_1 FAULT
check "none running: d2 master at 100 after its delay" \
	wait_for 8 eval '[ "$(prio d2)" = 100 ] && v_is d2 MASTER'
check "no process left" [ "$(running)" = 0 ]
v_done
