#!/bin/bash
# Kernel monitoring and trackers: a VIP deleted by hand on the master comes
# back (with a gratuitous ARP on the wire); the master's interface down ->
# FAULT (VIP removed, backup takes over), up again -> back; a partition
# (bridge ports isolated) gives two masters, healed to exactly one when it is
# removed; track_interface (weight 0 -> fault) and track_script (weight -60
# -> lower priority, the backup preempts).
. "$top_srcdir/tests/netns/lib-vrrp.sh"

VIP=192.168.168.100
FLAG="$V_DIR/script-fails"
v_bridge
v_host d1 192.168.168.50/24
v_host d2 192.168.168.51/24
ip -n "$(nsof d1)" link add tr0 type veth peer name tr1
ip -n "$(nsof d1)" link set tr0 up
ip -n "$(nsof d1)" link set tr1 up
cat >"$V_DIR/d1.conf" <<CONF
global { router_id = d1 }
vrrp_script chk { script = "/usr/bin/test ! -e $FLAG"  interval = 0.1  rise = 1  fall = 1  weight = -60 }
vrrp_instance VI_1 {
    interface = eth0
    virtual_router_id = 51
    priority = 150
    advert_int = 0.1
    virtual_ipaddress = { $VIP/24 }
    track_interface = { tr0 }
    track_script = { chk }
    garp_master_delay = 0.5
    garp_master_repeat = 2
}
CONF
v_conf "$V_DIR/d2.conf" d2 100
v_start d1 "$V_DIR/d1.conf"
v_start d2 "$V_DIR/d2.conf"
check "d1 master" wait_for 4 v_state_is d1 VI_1 MASTER
sleep 0.5

# (1) VIP removed by someone else -> put back, announced
ip netns exec "$V_BR" timeout 3 tcpdump -l -n -i br0 arp >"$V_DIR/arp.txt" 2>/dev/null &
sleep 1
ip -n "$(nsof d1)" addr del $VIP/24 dev eth0
check "deleted VIP is put back" wait_for 4 v_has_vip d1 $VIP
check "vips_restored counted" [ "$(v_field d1 VI_1 vips_restored)" -ge 1 ]
sleep 2.2
check "gratuitous ARP for the VIP seen on the bridge" \
	grep -Eq "ARP, Request who-has $VIP tell $VIP|Announcement $VIP" "$V_DIR/arp.txt"

# (2) interface down -> FAULT, VIP removed, d2 takes over; up -> d1 back
ip -n "$(nsof d1)" link set eth0 down
check "eth0 down: d1 in FAULT" wait_for 4 v_state_is d1 VI_1 FAULT
check "eth0 down: d1 removed the VIP" v_no_vip d1 $VIP
check "eth0 down: d2 master" wait_for 4 v_state_is d2 VI_1 MASTER
check "fault reason logged" grep -q "MASTER -> FAULT (interface down)" "$V_DIR/d1.log"
ip -n "$(nsof d1)" link set eth0 up
check "eth0 up: d1 master again (preempt)" wait_for 4 v_state_is d1 VI_1 MASTER
check "eth0 up: one VIP holder" wait_for 4 eval "v_has_vip d1 $VIP && v_no_vip d2 $VIP"

# (3) partition -> split brain; healed -> exactly one master + GARP
for p in "$V_PORT_d1" "$V_PORT_d2"; do ip -n "$V_BR" link set dev "$p" type bridge_slave isolated on; done
check "partition: d2 also becomes master" wait_for 4 v_state_is d2 VI_1 MASTER
check "partition: both hold the VIP (split brain)" eval "v_has_vip d1 $VIP && v_has_vip d2 $VIP"
ip netns exec "$V_BR" timeout 2 tcpdump -l -n -i br0 arp >"$V_DIR/arp2.txt" 2>/dev/null &
sleep 0.5
for p in "$V_PORT_d1" "$V_PORT_d2"; do ip -n "$V_BR" link set dev "$p" type bridge_slave isolated off; done
check "healed: d2 back to backup" wait_for 4 v_state_is d2 VI_1 BACKUP
check "healed: exactly one VIP holder" wait_for 4 eval "v_has_vip d1 $VIP && v_no_vip d2 $VIP"
sleep 1.6
check "healed: GARP from the master on the wire" grep -q "$VIP" "$V_DIR/arp2.txt"

# (4) track_interface weight 0: tracked link down -> fault
ip -n "$(nsof d1)" link set tr1 down
check "tracked interface down: d1 FAULT" wait_for 4 v_state_is d1 VI_1 FAULT
check "tracked interface down: d2 master" wait_for 4 v_state_is d2 VI_1 MASTER
ip -n "$(nsof d1)" link set tr1 up
check "tracked interface up: d1 master again" wait_for 4 v_state_is d1 VI_1 MASTER

# (5) track_script weight -60: 150 -> 90 < 100, d2 preempts; back -> d1
touch "$FLAG"
check "script fails: priority 90" wait_for 4 eval "[ \"\$(v_field d1 VI_1 priority)\" = 90 ]"
check "script fails: d2 preempts" wait_for 4 v_state_is d2 VI_1 MASTER
check "script fails: d1 backup" wait_for 4 v_state_is d1 VI_1 BACKUP
rm -f "$FLAG"
check "script ok: priority 150" wait_for 4 eval "[ \"\$(v_field d1 VI_1 priority)\" = 150 ]"
check "script ok: d1 preempts back" wait_for 4 v_state_is d1 VI_1 MASTER
check "final: one VIP holder" wait_for 4 eval "v_has_vip d1 $VIP && v_no_vip d2 $VIP"
v_done
