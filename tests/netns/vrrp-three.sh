#!/bin/bash
# Three directors (priorities 150/100/50, advert_int 1): the 150 is master;
# kill it -> the 100 wins (its Master_Down_Interval is shorter: 3.609 s vs
# 3.805 s), the 50 stays backup; kill that -> the 50 wins. The master
# repeats its gratuitous ARP every garp_master_refresh (1 s).
. "$top_srcdir/tests/netns/lib-vrrp.sh"

VIP=192.168.168.100
v_bridge
v_host d1 192.168.168.50/24
v_host d2 192.168.168.51/24
v_host d3 192.168.168.52/24
V_ADV=1 v_conf "$V_DIR/d1.conf" d1 150 "garp_master_delay = 0" "garp_master_refresh = 1"
V_ADV=1 v_conf "$V_DIR/d2.conf" d2 100 "garp_master_refresh = 1"
V_ADV=1 v_conf "$V_DIR/d3.conf" d3 50
v_start d1 "$V_DIR/d1.conf"
check "d1 master" wait_for 6 v_state_is d1 VI_1 MASTER
v_start d2 "$V_DIR/d2.conf"
v_start d3 "$V_DIR/d3.conf"
sleep 2.5
check "d2, d3 backup" eval "v_state_is d2 VI_1 BACKUP && v_state_is d3 VI_1 BACKUP"
check "only d1 holds the VIP" eval "v_has_vip d1 $VIP && v_no_vip d2 $VIP && v_no_vip d3 $VIP"

# garp_master_refresh = 1: periodic announcements while master
mac1=$(ip -n "$(nsof d1)" link show eth0 | awk '/ether/ {print $2}')
ip netns exec "$V_BR" timeout 3.5 tcpdump -l -e -n -i br0 arp >"$V_DIR/arp.txt" 2>/dev/null
n=$(grep -ci "^.*$mac1 .*\(who-has $VIP tell $VIP\|Announcement $VIP\)" "$V_DIR/arp.txt")
echo "# gratuitous ARPs from the master in 3.5 s with garp_master_refresh = 1: $n"
check "garp_master_refresh: >= 3 announcements in 3.5 s ($n)" [ "$n" -ge 3 ]
check "garp_master_refresh: only from the master" \
	eval "grep -i 'Announcement $VIP\|who-has $VIP tell $VIP' '$V_DIR/arp.txt' >'$V_DIR/garp.txt'; absent -vi '$mac1' '$V_DIR/garp.txt'"

t_kill=$(v_clock_ms)
kill -9 "$(v_pid d1)"
check "d1 killed: d2 (100) wins" wait_for 6 v_state_is d2 VI_1 MASTER
tl=$(( $(v_log_ms d2 'BACKUP -> MASTER') - t_kill ))
echo "# d1 killed: d2 master after $tl ms (floor 3609 ms after the last advert)"
check "d1 killed: d2 within its Master_Down_Interval (+25 ms) of the kill ($tl)" [ "$tl" -le 3634 ]
sleep 1
check "d1 killed: d3 (50) stayed backup all along" \
	eval "v_state_is d3 VI_1 BACKUP && absent 'BACKUP -> MASTER' '$V_DIR/d3.log'"
check "d1 killed: d3 follows d2" [ "$(v_field d3 VI_1 master)" = 192.168.168.51 ]
ip -n "$(nsof d1)" addr del $VIP/24 dev eth0 2>/dev/null
check "d1 killed: only d2 holds the VIP" eval "v_has_vip d2 $VIP && v_no_vip d3 $VIP"

kill -9 "$(v_pid d2)"
check "d2 killed: d3 (50) wins" wait_for 6 v_state_is d3 VI_1 MASTER
check "d2 killed: d3 holds the VIP" wait_for 2 v_has_vip d3 $VIP
v_done
