#!/bin/bash
# vrrp_sync_group: two directors, each with a VIP-side instance (eth0, br0)
# and a gateway-side instance (eth1, br1) in one group, as in NAT setups.
# - start: d1 (150) master of both, d2 (100) backup of both;
# - d1's eth1 down: d1 VI_2 FAULT, the group takes d1 VI_1 out of master
#   (priority 0), d2 takes both together;
# - eth1 up: d1 preempts VI_1, VI_2 follows (sync), d2 VI_1 hears the better
#   router and goes backup, d2 VI_2 follows;
# - a partition on one side only (d1's br1 port isolated): d2 VI_2 hears
#   nothing but d2 VI_1 still hears d1: the group keeps d2 backup (no half
#   takeover, no flapping);
# - the group's notify scripts run with "GROUP NAME STATE" as script_user.
. "$top_srcdir/tests/netns/lib-vrrp.sh"

VIP1=192.168.168.100
VIP2=10.9.0.1
v_open_dir
v_bridge
v_host d1 192.168.168.50/24
v_host d2 192.168.168.51/24
v_link d1 eth1 br1 10.9.0.50/24
v_link d2 eth1 br1 10.9.0.51/24
for d in d1 d2; do v_notify_script "$V_DIR/g-$d.sh" "$V_DIR/out/$d.txt"; done

conf() { # NAME PRIO
	cat <<CONF
global { router_id = $1  script_user = nobody }
vrrp_instance VI_1 {
    interface = eth0
    virtual_router_id = 51
    priority = $2
    advert_int = 0.1
    virtual_ipaddress = { $VIP1/24 }
}
vrrp_instance VI_2 {
    interface = eth1
    virtual_router_id = 52
    priority = $2
    advert_int = 0.1
    virtual_ipaddress = { $VIP2/24 }
}
vrrp_sync_group G {
    group = { VI_1, VI_2 }
    notify = "$V_DIR/g-$1.sh"
    notify_master = "$V_DIR/g-$1.sh"
}
CONF
}
conf d1 150 >"$V_DIR/d1.conf"
conf d2 100 >"$V_DIR/d2.conf"
v_start d1 "$V_DIR/d1.conf"
v_start d2 "$V_DIR/d2.conf"
both() { v_state_is "$1" VI_1 "$2" && v_state_is "$1" VI_2 "$2"; }
check "start: d1 master of both" wait_for 5 both d1 MASTER
check "start: d2 backup of both" wait_for 3 both d2 BACKUP
sleep 0.5
check "start: VIPs only on d1" eval "v_has_vip d1 $VIP1 && v_has_vip d1 $VIP2 && v_no_vip d2 $VIP1 && v_no_vip d2 $VIP2"
check "status shows the group state" [ "$(v_field d1 VI_2 sync_group_state)" = MASTER ]

# (1) d1 loses its gateway-side link
t_down=$(v_clock_ms)
ip -n "$(nsof d1)" link set eth1 down
check "eth1 down: d1 VI_2 FAULT" wait_for 3 v_state_is d1 VI_2 FAULT
check "eth1 down: d1 VI_1 FAULT too (group)" wait_for 3 v_state_is d1 VI_1 FAULT
check "eth1 down: d1 VI_1 fault reason is the group" \
	grep -q "VI_1: MASTER -> FAULT (sync group member in fault)" "$V_DIR/d1.log"
check "eth1 down: d2 master of both" wait_for 3 both d2 MASTER
check "eth1 down: both VIPs moved to d2" \
	wait_for 2 eval "v_has_vip d2 $VIP1 && v_has_vip d2 $VIP2 && v_no_vip d1 $VIP1 && v_no_vip d1 $VIP2"
t1=$(v_log_ms d2 'VI_1: BACKUP -> MASTER')
t2=$(v_log_ms d2 'VI_2: BACKUP -> MASTER')
echo "# d2 took VI_1 $((t1 - t_down)) ms and VI_2 $((t2 - t_down)) ms after the link went down"
check "eth1 down: d2's two instances moved together (within 20 ms: $((t2 - t1)))" \
	[ $(( t2 > t1 ? t2 - t1 : t1 - t2 )) -le 20 ]
check "eth1 down: one of them followed the group" \
	grep -q "BACKUP -> MASTER (sync group member became master)" "$V_DIR/d2.log"

# (2) the link comes back: d1 preempts, d2 follows into backup
ip -n "$(nsof d1)" link set eth1 up
check "eth1 up: d1 master of both again" wait_for 5 both d1 MASTER
check "eth1 up: d2 backup of both" wait_for 3 both d2 BACKUP
check "eth1 up: d2 followed into backup" \
	grep -q "MASTER -> BACKUP (sync group member became backup)" "$V_DIR/d2.log"
check "eth1 up: VIPs only on d1" \
	wait_for 2 eval "v_has_vip d1 $VIP1 && v_has_vip d1 $VIP2 && v_no_vip d2 $VIP1 && v_no_vip d2 $VIP2"

# (3) partition on the gateway side only: d2 VI_2 hears nothing, VI_1 still
# hears d1; d2 must not take half the group
tr1=$(v_field d2 VI_1 transitions)
tr2=$(v_field d2 VI_2 transitions)
ip -n "$V_BR" link set dev "$V_PORT_d1_eth1" type bridge_slave isolated on
ip -n "$V_BR" link set dev "$V_PORT_d2_eth1" type bridge_slave isolated on
sleep 2
check "gateway-side partition: d2 stays backup of both" both d2 BACKUP
check "gateway-side partition: d2 made no transition" \
	[ "$(v_field d2 VI_1 transitions)/$(v_field d2 VI_2 transitions)" = "$tr1/$tr2" ]
check "gateway-side partition: held by the group (logged)" \
	grep -q "VI_2: staying backup: a vrrp_sync_group member still hears a master" "$V_DIR/d2.log"
check "gateway-side partition: VIPs only on d1" \
	eval "v_has_vip d1 $VIP1 && v_has_vip d1 $VIP2 && v_no_vip d2 $VIP1 && v_no_vip d2 $VIP2"
ip -n "$V_BR" link set dev "$V_PORT_d1_eth1" type bridge_slave isolated off
ip -n "$V_BR" link set dev "$V_PORT_d2_eth1" type bridge_slave isolated off

# (4) the group's notify scripts: as nobody, "GROUP G STATE", in order
sleep 0.5
grep -o 'nobody g-d2.sh GROUP G [A-Z]*' "$V_DIR/out/d2.txt" | awk '{print $5}' | tr '\n' ' ' >"$V_DIR/seq2"
echo "# d2 group notify sequence: $(cat "$V_DIR/seq2")"
check "group notify on d2: BACKUP MASTER BACKUP" [ "$(cat "$V_DIR/seq2")" = "BACKUP MASTER BACKUP " ]
grep -o 'nobody g-d1.sh GROUP G [A-Z]*' "$V_DIR/out/d1.txt" | awk '{print $5}' | tr '\n' ' ' >"$V_DIR/seq1"
echo "# d1 group notify sequence: $(cat "$V_DIR/seq1")"
check "group notify on d1: ... MASTER FAULT ... MASTER" \
	grep -Eq '^(BACKUP )?MASTER FAULT (BACKUP )?MASTER $' "$V_DIR/seq1"
check "group notify_master ran without arguments as nobody" \
	grep -q "nobody g-d1.sh -" "$V_DIR/out/d1.txt"
v_done
