#!/bin/bash
# Preemption: a returning higher-priority director takes the VIP back with
# preempt = true, leaves it with preempt = false, and only after
# preempt_delay when one is set.
. "$top_srcdir/tests/netns/lib-vrrp.sh"

VIP=192.168.168.100
v_bridge
v_host d1 192.168.168.50/24
v_host d2 192.168.168.51/24
v_conf "$V_DIR/d2.conf" d2 100
v_conf "$V_DIR/d1-pre.conf" d1 150 "preempt = true"
v_conf "$V_DIR/d1-nopre.conf" d1 150 "preempt = false"
v_conf "$V_DIR/d1-delay.conf" d1 150 "preempt_delay = 1.5"

v_start d2 "$V_DIR/d2.conf"
check "d2 alone becomes master" wait_for 3 v_state_is d2 VI_1 MASTER

# preempt = false: the better router stays backup
v_start d1 "$V_DIR/d1-nopre.conf"
sleep 1.5
check "nopreempt: d1 (150) stays backup" v_state_is d1 VI_1 BACKUP
check "nopreempt: d2 keeps the VIP" eval "v_has_vip d2 $VIP && v_no_vip d1 $VIP"
v_stop d1 TERM 2

# preempt = true: takes over after Master_Down_Interval
v_start d1 "$V_DIR/d1-pre.conf"
check "preempt: d1 becomes master" wait_for 2 v_state_is d1 VI_1 MASTER
check "preempt: d2 hands over the VIP" wait_for 2 eval "v_has_vip d1 $VIP && v_no_vip d2 $VIP"
check "preempt: d2 is backup" v_state_is d2 VI_1 BACKUP
kill -TERM "$(v_pid d1)"
check "d2 master again after d1 stops" wait_for 2 v_state_is d2 VI_1 MASTER
wait_for 2 gone "$(v_pid d1)"

# preempt_delay = 1.5: tolerated for 1.5 s, then take over
v_start d1 "$V_DIR/d1-delay.conf"
sleep 0.9
check "preempt_delay: still backup after 0.9 s" v_state_is d1 VI_1 BACKUP
check "preempt_delay: master after the delay" wait_for 3 v_state_is d1 VI_1 MASTER
check "preempt_delay: reason logged" grep -q "BACKUP -> MASTER (preempt delay expired)" "$V_DIR/d1.log"
check "preempt_delay: one VIP holder" wait_for 2 eval "v_has_vip d1 $VIP && v_no_vip d2 $VIP"
v_done
