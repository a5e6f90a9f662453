#!/bin/bash
# vrrp_track_process matching a command line, with real processes: copies
# of sleep(1) started under another argv[0] (exec -a hdsvcPID; their comm
# stays "sleep") with given parameters, and reversed weights.
# d1 (150, hadirector.conf): p1 = argv[0] hdsvcPID and exactly the
#   parameter "600" (full_command, parameters), weight 0: FAULT unless one
#   runs.
# d2 (100, converted from a keepalived.conf by --from-keepalived):
#   up60 = `process hdsvcPID 60` + `param_match initial` + `weight 40
#   reverse`: priority 60 while one whose first parameter begins with 60
#   runs (more parameters may follow); only700 = `process hdsvcPID 700` + `weight 0 reverse`: FAULT
#   while "hdsvcPID 700" runs.
# - none: d1 FAULT, d2 master at 100
# - "sleep 600" (argv[0] sleep), "hdsvc 600 1" (one parameter too many),
#   then "hdsvc 6000": d2 60 (initial, reverse); at that scan d1 is still
#   in FAULT (neither argv[0] sleep nor "600 1" counts, nor "6000")
# - "hdsvc 600": d1 master, d2 backup
# - "hdsvc 6000" killed, "hdsvc 700" started: d2 FAULT (weight 0 reverse),
#   and d2 stayed at 60 ("600" begins with 60 too)
# - "hdsvc 700" killed: d2 backup; the last "hdsvc 600" killed: d1 FAULT,
#   d2 master at 100
. "$top_srcdir/tests/netns/lib-vrrp.sh"

NAME="hdsvc$$"
SLEEP=$(command -v sleep)
declare -A PIDS=()
cleanup_procs() { [ ${#PIDS[@]} -gt 0 ] && kill "${PIDS[@]}" 2>/dev/null; }
trap 'cleanup_procs; v_cleanup' EXIT
# start KEY ARGV0 ARGS...: sleep(1) run as ARGV0 ARGS...; returns once the
# process has its command line (the exec done)
start() {
	local key="$1" a0="$2" want
	shift 2
	(exec -a "$a0" "$SLEEP" "$@") &
	PIDS[$key]=$!
	want="$a0 $* "
	wait_for 4 eval '[ "$(tr "\0" " " <"/proc/${PIDS[$key]}/cmdline" 2>/dev/null)" = "$want" ]' ||
		fail "$key did not start as '$want'"
}
stop() { # KEY: kill it and reap it
	kill "${PIDS[$1]}" 2>/dev/null
	wait "${PIDS[$1]}" 2>/dev/null
	unset "PIDS[$1]"
}
prio() { v_field "$1" VI_1 priority; }

v_bridge
v_host d1 192.168.168.50/24
v_host d2 192.168.168.51/24
v_conf "$V_DIR/d1.conf" d1 150 "track_process = { p1 }"
cat >>"$V_DIR/d1.conf" <<EOC
vrrp_track_process p1 {
    process = $NAME
    full_command = yes
    parameters = { "600" }
    interval = 0.1
}
EOC
cat >"$V_DIR/d2.ka.conf" <<EOC
global_defs {
    router_id d2
    vrrp_version 3
}
vrrp_track_process up60 {
    process $NAME 60
    param_match initial
    weight 40 reverse
}
vrrp_track_process only700 {
    process $NAME 700
    weight 0 reverse
}
vrrp_instance VI_1 {
    interface eth0
    virtual_router_id 51
    priority 100
    advert_int 0.1
    virtual_ipaddress {
        192.168.168.100/24
    }
    track_process {
        up60
        only700
    }
}
EOC
assert "the keepalived.conf converts" "$HD" --from-keepalived "$V_DIR/d2.ka.conf" -o "$V_DIR/d2.conf"
check "converted: parameters, param_match, full_command, reverse" eval \
	"grep -q 'parameters = { 60 }' '$V_DIR/d2.conf' && grep -q 'param_match = initial' '$V_DIR/d2.conf' &&
	 grep -q 'full_command = true' '$V_DIR/d2.conf' && [ \$(grep -c 'reverse = true' '$V_DIR/d2.conf') = 2 ]"

v_start d2 "$V_DIR/d2.conf"
v_start d1 "$V_DIR/d1.conf"
check "none running: d1 in FAULT" wait_for 4 v_state_is d1 VI_1 FAULT
check "none running: d2 master at priority 100" wait_for 4 eval '[ "$(prio d2)" = 100 ] && v_is d2 MASTER'

start plain sleep 600
start extra "$NAME" 600 1
start s6000 "$NAME" 6000
check "'$NAME 6000' running: d2 at 60 (initial match, weight 40 reverse)" \
	wait_for 6 eval '[ "$(prio d2)" = 60 ]'
check "at that scan d1 still in FAULT: argv[0] sleep, '600 1' and '6000' do not count" \
	v_state_is d1 VI_1 FAULT

start s600 "$NAME" 600
check "'$NAME 600' running: d1 master" wait_for 4 v_state_is d1 VI_1 MASTER
check "d2 backup" wait_for 4 v_is d2 BACKUP

stop s6000
start s700 "$NAME" 700
check "'$NAME 700' running: d2 in FAULT (weight 0 reverse)" wait_for 6 v_state_is d2 VI_1 FAULT
check "d2 stayed at 60 without '6000' ('600' begins with 60 too)" \
	eval "[ \"\$(prio d2)\" = 60 ] && ! grep -q 'priority 60 -> 100' '$V_DIR/d2.log'"
check "d1 still master" v_state_is d1 VI_1 MASTER

stop s700
check "'$NAME 700' gone: d2 backup again" wait_for 6 v_is d2 BACKUP
stop extra # "600 1" begins with 60 too
stop s600
check "'$NAME 600' gone: d1 in FAULT" wait_for 4 v_state_is d1 VI_1 FAULT
check "d2 master at 100" wait_for 6 eval '[ "$(prio d2)" = 100 ] && v_is d2 MASTER'
stop plain
v_done
