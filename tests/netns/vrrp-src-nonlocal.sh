#!/bin/bash
# unicast_src_ip (what keepalived's mcast_src_ip converts to) that is not an
# address of this host: a file copied from the first director to the second
# without changing it. The second director must not go master beside the
# first (it would drop the first's adverts as its own and its own adverts
# cannot leave from a foreign address: both masters). It is a fault, logged,
# until the address appears on the host, and again when it goes.
. "$top_srcdir/tests/netns/lib-vrrp.sh"

VIP=192.168.168.100
v_bridge
v_host d1 192.168.168.50/24
v_host d2 192.168.168.51/24
v_conf "$V_DIR/d1.conf" d1 150 "unicast_src_ip = 192.168.168.50"
v_conf "$V_DIR/d2.conf" d2 100 "unicast_src_ip = 192.168.168.50"
v_start d1 "$V_DIR/d1.conf"
v_start d2 "$V_DIR/d2.conf"
check "d1 master" wait_for 4 v_state_is d1 VI_1 MASTER
check "d2 in fault, not master beside d1" wait_for 4 v_state_is d2 VI_1 FAULT
sleep 1
check "d2 still in fault a second later" v_state_is d2 VI_1 FAULT
check "d2 does not hold the VIP" v_no_vip d2 $VIP
check "d2 says why" grep -q 'unicast_src_ip 192.168.168.50 is not an address of this host' "$V_DIR/d2.log"

# the fixed file: d2's own address, which it does not have yet
v_stop d2
v_conf "$V_DIR/d2.conf" d2 100 "unicast_src_ip = 192.168.168.52"
v_start d2 "$V_DIR/d2.conf"
check "d2 in fault while 192.168.168.52 is absent" wait_for 4 v_state_is d2 VI_1 FAULT
ip -n "$(nsof d2)" addr add 192.168.168.52/24 dev eth0
check "d2 backup once the address is there" wait_for 4 v_state_is d2 VI_1 BACKUP
check "d2 hears d1" wait_for 2 eval "[ \"\$(v_field d2 VI_1 master)\" = 192.168.168.50 ]"
check "d2 logs the address's arrival" grep -q 'unicast_src_ip 192.168.168.52 is now an address of this host' "$V_DIR/d2.log"
ip -n "$(nsof d2)" addr del 192.168.168.52/24 dev eth0
check "d2 in fault again when it goes" wait_for 4 v_state_is d2 VI_1 FAULT
check "d1 still master" v_state_is d1 VI_1 MASTER
v_done
