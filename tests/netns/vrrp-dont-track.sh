#!/bin/bash
# dont_track_primary: d1 (150) has it, d2 (100) has not. The carrier of
# each one's eth0 is taken away in turn (its bridge port down): d2 goes to
# FAULT (the control: the same link-down faults an instance without the
# option), d1 does not, and keeps its VIP; the same for eth0 set down on d1
# itself. With the links back, d1 is master and d2 backup again. Last, a
# deleted interface still faults d1 (the option covers a down link only).
. "$top_srcdir/tests/netns/lib-vrrp.sh"

VIP=192.168.168.100
v_bridge
v_host d1 192.168.168.50/24
v_host d2 192.168.168.51/24
v_conf "$V_DIR/d1.conf" d1 150 "dont_track_primary = true"
v_conf "$V_DIR/d2.conf" d2 100
v_start d1 "$V_DIR/d1.conf"
v_start d2 "$V_DIR/d2.conf"
check "d1 master" wait_for 4 v_state_is d1 VI_1 MASTER
check "d2 backup" wait_for 4 v_state_is d2 VI_1 BACKUP

port() { eval "echo \$V_PORT_$1"; }
carrier() { ! ip -n "$(nsof "$1")" link show eth0 | grep -q NO-CARRIER; }

# control: d2's carrier gone -> FAULT
ip -n "$V_BR" link set "$(port d2)" down
check "d2's eth0 has lost its carrier" wait_for 2 eval "! carrier d2"
check "without the option: d2 goes to FAULT" wait_for 2 v_state_is d2 VI_1 FAULT
ip -n "$V_BR" link set "$(port d2)" up
check "d2 back to backup" wait_for 4 v_state_is d2 VI_1 BACKUP

# d1's carrier gone: no fault, the VIP stays
ip -n "$V_BR" link set "$(port d1)" down
check "d1's eth0 has lost its carrier" wait_for 2 eval "! carrier d1"
check "d2 takes over (it hears no adverts)" wait_for 4 v_state_is d2 VI_1 MASTER
check "with the option: d1 stays master" v_state_is d1 VI_1 MASTER
check "d1 keeps its VIP" v_has_vip d1 $VIP
check "d1 never went to FAULT" eval "! grep -q -- '-> FAULT' '$V_DIR/d1.log'"
ip -n "$V_BR" link set "$(port d1)" up
check "links back: d2 backup again" wait_for 4 v_state_is d2 VI_1 BACKUP
check "links back: d1 master" v_state_is d1 VI_1 MASTER

# eth0 set down on d1 itself (not UP at all): still no fault
ip -n "$(nsof d1)" link set eth0 down
check "d2 takes over while d1's eth0 is down" wait_for 4 v_state_is d2 VI_1 MASTER
check "eth0 down on d1: still no FAULT" v_state_not d1 VI_1 FAULT
ip -n "$(nsof d1)" addr flush dev eth0 2>/dev/null
ip -n "$(nsof d1)" link set eth0 up
ip -n "$(nsof d1)" addr add 192.168.168.50/24 dev eth0
check "eth0 up again: d1 master" wait_for 4 v_state_is d1 VI_1 MASTER
check "eth0 up again: d2 backup" wait_for 4 v_state_is d2 VI_1 BACKUP

# a deleted interface is still a fault
ip -n "$(nsof d1)" link del eth0
check "eth0 deleted: d1 goes to FAULT" wait_for 2 v_state_is d1 VI_1 FAULT
v_done
