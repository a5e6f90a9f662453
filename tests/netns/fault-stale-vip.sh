#!/bin/bash
# Fault: a director restarted while its VIP is still on the interface.
# SIGKILL leaves the VIP behind (nobody removes it). (a) The director comes
# back as backup (here: a lower priority) while the other one is master: it
# must remove the stale VIP at startup -- the VIP ends on exactly one
# director. (b) It comes back with the higher priority: it preempts and
# adopts the address that is already there (no error, one holder).
. "$top_srcdir/tests/netns/lib-vrrp.sh"

VIP=192.168.168.100
v_bridge
v_host d1 192.168.168.50/24
v_host d2 192.168.168.51/24
v_conf "$V_DIR/d1.conf" d1 150
v_conf "$V_DIR/d1-low.conf" d1 50
v_conf "$V_DIR/d2.conf" d2 100
one_holder() { # NAME: NAME holds the VIP and the other does not
	local other=d2
	[ "$1" = d2 ] && other=d1
	v_has_vip "$1" $VIP && v_no_vip "$other" $VIP
}

v_start d1 "$V_DIR/d1.conf"
v_start d2 "$V_DIR/d2.conf"
check "d1 master" wait_for 4 v_state_is d1 VI_1 MASTER
check "d2 backup" wait_for 4 v_state_is d2 VI_1 BACKUP

# (a) kill -9 the master: its VIP stays; restart it as a backup
v_stop d1 9 3
check "d2 takes over" wait_for 4 v_state_is d2 VI_1 MASTER
check "SIGKILL left the VIP on d1 (the fault is real)" v_has_vip d1 $VIP
v_start d1 "$V_DIR/d1-low.conf"
check "restarted d1 (priority 50) is backup" wait_for 4 v_state_is d1 VI_1 BACKUP
check "restarted d1 removed the stale VIP" wait_for 3 v_no_vip d1 $VIP
check "the removal is logged" grep -q "stale virtual address $VIP" "$V_DIR/d1.log"
sleep 0.5
check "d2 still master, VIP on d2 only" eval "v_state_is d2 VI_1 MASTER && one_holder d2"
check "d1 stayed backup (one transition: INIT -> BACKUP)" [ "$(v_field d1 VI_1 transitions)" = 1 ]

# (b) kill -9 d2 (master, VIP left), restart d1 at 150 and d2 at 100:
# d1 becomes master and adopts its address, d2 drops its stale copy
v_stop d1 9 3
v_stop d2 9 3
ip -n "$(nsof d1)" addr replace $VIP/24 dev eth0 # as if d1 had been master when killed
check "both have a stale VIP now" eval "v_has_vip d1 $VIP && v_has_vip d2 $VIP"
v_start d1 "$V_DIR/d1.conf"
check "restarted d1 (150) becomes master" wait_for 4 v_state_is d1 VI_1 MASTER
check "d1 holds the VIP (adopted or re-added)" v_has_vip d1 $VIP
v_start d2 "$V_DIR/d2.conf"
check "restarted d2 (100) is backup" wait_for 4 v_state_is d2 VI_1 BACKUP
check "d2 removed its stale VIP" wait_for 3 v_no_vip d2 $VIP
sleep 0.5
check "end: exactly one master" eval "v_state_is d1 VI_1 MASTER && v_state_is d2 VI_1 BACKUP"
check "end: VIP on exactly one director" one_holder d1
check "no address errors logged" absent 'adding .*: \|removing .*: ' "$V_DIR/d1.log" "$V_DIR/d2.log"
v_done
