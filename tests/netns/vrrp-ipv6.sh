#!/bin/bash
# An IPv6 instance (VRRPv3 over ff02::12, link-local sources, hop limit
# 255): one master holds the VIP, SIGKILL -> the backup takes over within
# Master_Down_Interval, and announces the VIP with an unsolicited NA.
. "$top_srcdir/tests/netns/lib-vrrp.sh"

VIP=2001:db8::100
v_bridge
v_host d1 192.168.168.50/24 2001:db8::50/64
v_host d2 192.168.168.51/24 2001:db8::51/64
V_VIP=$VIP/64 v_conf "$V_DIR/d1.conf" d1 150
V_VIP=$VIP/64 v_conf "$V_DIR/d2.conf" d2 100
v_start d1 "$V_DIR/d1.conf"
v_start d2 "$V_DIR/d2.conf"
check "d1 is master" wait_for 3 v_state_is d1 VI_1 MASTER
check "d1 holds the IPv6 VIP" wait_for 2 v_has_vip d1 $VIP
sleep 0.5
check "d2 is backup and has no VIP" eval "v_state_is d2 VI_1 BACKUP && v_no_vip d2 $VIP"
check "d2 learnt d1's link-local address" eval "v_field d2 VI_1 master | grep -q '^fe80::'"
check "adverts flow" [ "$(v_field d2 VI_1 adverts_received)" -gt 3 ]

ip netns exec "$(nsof d1)" timeout 3 tcpdump -l -n -i eth0 'icmp6 and ip6[40] == 136' \
	>"$V_DIR/na.txt" 2>/dev/null &
sleep 1
V_T0=$(now_ms)
t_kill=$(v_clock_ms)
kill -9 "$(v_pid d1)"
t=$(v_time_until_vip d2 $VIP 3000)
tl=$(( $(v_log_ms d2 'BACKUP -> MASTER') - t_kill ))
echo "# IPv6 SIGKILL failover: VIP seen after $t ms, takeover logged after $tl ms"
check "d2 holds the VIP (seen after $t ms)" eval "[ '$t' != timeout ] && [ '$t' -le 700 ]"
check "d2 took over within 361+25 ms of the kill ($tl)" [ "$tl" -le 386 ]
sleep 2.5
check "unsolicited NA for the VIP seen on the wire" grep -q "tgt is $VIP" "$V_DIR/na.txt"
v_done
