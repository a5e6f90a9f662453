#!/bin/bash
# hadirectorctl monitor (issue 22): 10 subscribers on d1 during a failover
# storm, one of them stopped (SIGSTOP). d2 (priority 200) is master of N
# instances that d1 (100) backs up; d2 is stopped and continued over and
# over, so d1 takes each of them over and hands it back: 2 N events a
# round, more than a subscriber's buffer holds (HD_EVENTS_RING plus the
# socket's) by construction. The 9 that read see the same events, every
# number, in order; the stopped one is dropped and counted (reason slow);
# d1's stable instance VS (150, against d3 at 100, never stopped) keeps
# sending its adverts: d3 never takes it over, which a loop blocked on a
# client (or slowed by one) would let happen. Then a reload that works, one
# that fails (with its error), a real server coming up (with the check's
# outcome), a drain by uid 0, and too many subscribers (refused, counted).
. "$top_srcdir/tests/netns/lib-vrrp.sh"

N=30      # instances that flap
ROUNDS=12 # 12 x 2 x 30 = 720 events of >= 100 bytes: > 32 KiB ring + socket
v_bridge
v_host d1 192.168.168.50/24
v_host d2 192.168.168.51/24
v_host d3 192.168.168.52/24

conf() { # NAME: d1 (VS at 150, VI_* at 100, a virtual server), d2, d3
	echo "global { router_id = $1 }"
	if [ "$1" != d2 ]; then
		echo "vrrp_instance VS { interface = eth0  virtual_router_id = 99" \
			"priority = $([ "$1" = d1 ] && echo 150 || echo 100)  advert_int = 0.1" \
			"virtual_ipaddress = { 192.168.168.99/24 } }"
	fi
	if [ "$1" != d3 ]; then
		for i in $(seq "$N"); do
			echo "vrrp_instance VI_$i { interface = eth0  virtual_router_id = $i" \
				"priority = $([ "$1" = d1 ] && echo 100 || echo 200)  advert_int = 0.1" \
				"virtual_ipaddress = { 10.77.$i.1/32 } }"
		done
	fi
	if [ "$1" = d1 ]; then
		echo "virtual_server 10.99.0.1:80 { lb_kind = nat  delay_loop = 0.2"
		echo "    real_server 10.99.0.2:80 { misc_check { script = \"/usr/bin/test -e $V_DIR/rs-up\" } } }"
	fi
}
v_open_dir # the check's script (as nobody) looks for $V_DIR/rs-up
for h in d1 d2 d3; do conf $h >"$V_DIR/$h.conf"; done
SOCK="$V_DIR/d1.sock"
ctl() { "$HDCTL" -s "$SOCK" "$@"; }
ev() { ctl status --json | jq -r ".events.$1"; }

v_start d2 "$V_DIR/d2.conf"
v_start d3 "$V_DIR/d3.conf"
v_start d1 "$V_DIR/d1.conf"
HD_PIDS+=("$(v_pid d1)" "$(v_pid d2)" "$(v_pid d3)")
assert "d1 master of VS" wait_for 5 v_state_is d1 VS MASTER
assert "d2 master of VI_$N" wait_for 5 v_state_is d2 "VI_$N" MASTER
assert "d1 backup of VI_1" wait_for 5 v_state_is d1 VI_1 BACKUP

# 10 subscribers: 5 text, 5 JSON; the last one is stopped from the start.
MON=()
for i in $(seq 10); do
	opt=$([ "$i" -gt 5 ] && echo --json)
	# shellcheck disable=SC2086 # (hadirectorctl itself: the pid to stop)
	"$HDCTL" -s "$SOCK" monitor $opt >"$V_DIR/mon$i.out" 2>"$V_DIR/mon$i.err" &
	MON+=($!)
	HD_PIDS+=($!)
done
assert "10 subscribers" wait_for 5 eval '[ "$(ev subscribers)" = 10 ]'
kill -STOP "${MON[9]}"
seq0=$(ev seq)
d3_lines=$(wc -l <"$V_DIR/d3.log")

# The storm: d2 stopped (d1 takes the N instances), continued (d2 takes
# them back: its priority is higher, preemption is on).
for r in $(seq "$ROUNDS"); do
	kill -STOP "$(v_pid d2)"
	check "round $r: d1 takes over" wait_for 5 v_state_is d1 "VI_$N" MASTER
	wait_for 5 eval '[ "$(ctl status --json | jq "[.vrrp[] | select(.state == \"MASTER\")] | length")" = $((N + 1)) ]'
	kill -CONT "$(v_pid d2)"
	check "round $r: d2 takes back" wait_for 5 eval '[ "$(ctl status --json | jq "[.vrrp[] | select(.state == \"BACKUP\")] | length")" = '"$N"' ]'
done
seq1=$(ev seq)
check "the storm made > 2 N x ROUNDS / 2 events ($((seq1 - seq0)))" \
	test $((seq1 - seq0)) -ge $((N * ROUNDS))
check "the stopped subscriber was dropped as slow" eval '[ "$(ev dropped.slow)" = 1 ]'
check "9 subscribers left" eval '[ "$(ev subscribers)" = 9 ]'
check "d3 never took VS over" eval '! tail -n +$((d3_lines + 1)) "$V_DIR/d3.log" | grep "VS: .*-> MASTER"'
check "d3 still backup of VS" v_state_is d3 VS BACKUP
check "metrics: dropped{reason=slow} 1" \
	eval 'ctl metrics | grep -qx "hadirector_events_subscribers_dropped_total{reason=\"slow\"} 1"'

# A reload that works, one that fails, a drain: all seen by the 9.
ctl reload >/dev/null
check "reload event: ok" wait_for 5 grep -q " reload result=ok" "$V_DIR/mon1.out"
echo "vrrp_instance {" >>"$V_DIR/d1.conf"
ctl reload >/dev/null 2>&1
check "reload event: failed with its error" \
	wait_for 5 grep -q ' reload result=failed errors=[1-9][0-9]* error=".*d1.conf' "$V_DIR/mon1.out"
conf d1 >"$V_DIR/d1.conf"
ctl drain 10.99.0.1:80 10.99.0.2:80 >/dev/null
check "drain event with the peer's uid" wait_for 5 grep -q \
	'"event":"runtime","action":"drain","virtual_server":"10.99.0.1:80","real_server":"10.99.0.2:80","uid":0,"pid":[0-9]*,"result":"ok"' \
	"$V_DIR/mon6.out"
touch "$V_DIR/rs-up"
check "real server up event with its check" wait_for 5 \
	grep -q ' real_server virtual_server=10.99.0.1:80 real_server=10.99.0.2:80 state=up check=' "$V_DIR/mon1.out"
last=$(ev seq)
for i in $(seq 9); do
	check "subscriber $i got everything up to $last" wait_for 5 eval \
		'[ "$(tail -n 1 "$V_DIR/mon$i.out" | grep -o "seq\"\\?[=:][0-9]*" | grep -o "[0-9]*$")" = "$last" ]'
done

# The 9 saw the same numbers, consecutive, from their first to the last,
# and the text and JSON forms say the same.
for i in $(seq 9); do
	grep -o 'seq"\?[=:][0-9]*' "$V_DIR/mon$i.out" | grep -o '[0-9]*$' >"$V_DIR/seq$i"
	check "subscriber $i: no gap, in order" awk 'NR > 1 && $1 != p + 1 { exit 1 } { p = $1 }' "$V_DIR/seq$i"
	check "subscriber $i: starts before the storm" eval "[ \$(head -n 1 $V_DIR/seq$i) -le $((seq0 + 1)) ]"
done
for i in $(seq 2 5); do
	check "subscribers 1 and $i: the same lines" cmp -s "$V_DIR/mon1.out" "$V_DIR/mon$i.out"
done
for i in $(seq 7 9); do
	check "subscribers 6 and $i: the same lines" cmp -s "$V_DIR/mon6.out" "$V_DIR/mon$i.out"
done
check "JSON lines parse" eval "jq -c . '$V_DIR/mon6.out' >/dev/null"
check "text and JSON: the same VRRP transitions" eval "[ \"\$(grep -c ' vrrp instance=' '$V_DIR/mon1.out')\" = \"\$(jq -r 'select(.event == \"vrrp\") | .seq' '$V_DIR/mon6.out' | wc -l)\" ]"
kill -CONT "${MON[9]}"
check "the stopped one, continued, reads to EOF" \
	wait_for 5 grep -q "closed the event stream" "$V_DIR/mon10.err"

# The limit: 32 at once; one more is refused and counted.
for i in $(seq 23); do
	ctl monitor >/dev/null 2>&1 &
	HD_PIDS+=($!)
done
check "32 subscribers" wait_for 5 eval '[ "$(ev subscribers)" = 32 ]'
check "the 33rd is refused" eval 'ctl monitor 2>&1 | grep -q "too many monitor clients"'
check "and counted (reason limit)" eval '[ "$(ev dropped.limit)" = 1 ]'
v_done
