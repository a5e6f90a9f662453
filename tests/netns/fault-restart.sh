#!/bin/bash
# Fault: the master is SIGKILLed and restarted 50 times in a row (advert_int
# 0.1). Every round: the backup takes over, the restarted master (priority
# 150, preempt) takes the VIP back (adopting the copy SIGKILL left on its
# interface). End: exactly one master, the VIP on exactly one director, the
# backup's transition count exactly what 50 rounds explain.
. "$top_srcdir/tests/netns/lib-vrrp.sh"

VIP=192.168.168.100
ROUNDS=${HD_FAULT_ROUNDS:-50}
v_pair d2
tr0=$(v_field d2 VI_1 transitions)

bad=0 max_take=0 max_back=0 t_start=$(now_ms)
for r in $(seq "$ROUNDS"); do
	pid=$(v_pid d1)
	t_kill=$(v_clock_ms)
	kill -9 "$pid"
	if ! wait_for 5 v_is d2 MASTER; then
		echo "# round $r: d2 did not take over"; bad=$((bad + 1))
	fi
	take=$(( $(v_log_ms d2 'BACKUP -> MASTER') - t_kill ))
	[ "$take" -gt "$max_take" ] && max_take=$take
	wait_for 3 gone "$pid"
	rm -f "$V_DIR/d1.sock"
	t_start1=$(v_clock_ms)
	v_start d1 "$V_DIR/d1.conf" || { bad=$((bad + 1)); continue; }
	if ! wait_for 5 eval "v_is d1 MASTER && v_is d2 BACKUP"; then
		echo "# round $r: d1 did not preempt back"; bad=$((bad + 1))
	fi
	back=$(( $(v_log_ms d2 'MASTER -> BACKUP') - t_start1 ))
	[ "$back" -gt "$max_back" ] && max_back=$back
done
elapsed=$(( $(now_ms) - t_start ))
echo "# $ROUNDS rounds in $elapsed ms; slowest takeover after SIGKILL (logged): $max_take ms; slowest preemption after restart: $max_back ms"
check "every round: takeover and preemption ($bad bad rounds)" [ "$bad" = 0 ]
check "takeovers all within 1 s of the kill (Master_Down_Interval 361 ms; slowest $max_take)" [ "$max_take" -le 1000 ]
sleep 0.5
check "end: d1 master, d2 backup" eval "v_state_is d1 VI_1 MASTER && v_state_is d2 VI_1 BACKUP"
check "end: VIP on d1 only" eval "v_has_vip d1 $VIP && v_no_vip d2 $VIP"
tr=$(v_field d2 VI_1 transitions)
check "d2 made exactly 2 transitions per round ($((tr - tr0)) for $ROUNDS rounds)" [ $((tr - tr0)) = $((2 * ROUNDS)) ]
check "d1 never logged an address error" absent 'adding .*: \|removing .*: ' "$V_DIR/d1.log"
check "no split brain left: d2 received adverts from d1 at the end" \
	eval "a=\$(v_field d2 VI_1 adverts_received); sleep 0.3; [ \$(v_field d2 VI_1 adverts_received) -gt \$a ]"
v_done
