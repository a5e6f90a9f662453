#!/bin/bash
# Fault: a director whose process is not scheduled for a while (SIGSTOP,
# as a loaded machine or a paused VM does to it).
# (1) the backup stalled 10 times for 1 s (> Master_Down_Interval, 361 ms)
#     while the master advertises: when it runs again its master-down timer
#     has expired but the master's adverts are queued on its socket; it
#     must read them first and stay backup (no transition, no VIP);
# (2) the master stalled 5 times for 1 s: the backup takes over (it hears
#     nothing), and when the master runs again they settle on one master.
. "$top_srcdir/tests/netns/lib-vrrp.sh"

VIP=192.168.168.100
v_pair
sleep 0.5

# (1) the backup stalls
tr2=$(v_field d2 VI_1 transitions)
check "ip monitor records d2's addresses" v_monitor d2 "$V_DIR/mon.txt"
for i in $(seq 10); do
	kill -STOP "$(v_pid d2)"
	sleep 1
	kill -CONT "$(v_pid d2)"
	sleep 0.3
done
check "ip monitor recorded to the end" v_monitor_end d2 "$V_DIR/mon.txt"
n=$(( $(v_field d2 VI_1 transitions) - tr2 ))
echo "# backup stalled 10 x 1 s: $n transitions"
check "stalled backup: no transition ($n)" [ "$n" = 0 ]
check "stalled backup: the VIP never appeared on it" absent "$VIP/" "$V_DIR/mon.txt"
check "stalled backup: one master" v_one_master $VIP

# (2) the master stalls
tr1=$(v_field d1 VI_1 transitions)
ok=0
for i in $(seq 5); do
	kill -STOP "$(v_pid d1)"
	wait_for 3 v_state_is d2 VI_1 MASTER && ok=$((ok + 1))
	kill -CONT "$(v_pid d1)"
	wait_for 4 v_one_master $VIP || echo "# master stall $i: not settled"
done
check "stalled master: the backup took over each time ($ok/5)" [ "$ok" = 5 ]
check "stalled master: settled on one master (d1, VIP on d1 only)" wait_for 4 v_one_master $VIP
v_done
