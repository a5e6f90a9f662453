#!/bin/bash
# IPv6 interoperability with a real keepalived (VRRPv3 over ff02::12,
# link-local sources), both directions: keepalived master / hadirector
# backup and the reverse, failover each way.
. "$top_srcdir/tests/netns/lib-vrrp.sh"
. "$top_srcdir/tests/netns/lib-keepalived.sh" # ka_conf, ka_kill, hd_kill, ka_drops

VIP=2001:db8::100 VIP_LEN=64
MDI_MS=361 # 3 x 100 ms + skew of priority 100 (61 ms)
v_bridge
v_host hd 192.168.168.50/24 2001:db8::50/64
v_host ka 192.168.168.51/24 2001:db8::51/64

ka_ll=$(ip -n "$(nsof ka)" -6 addr show dev eth0 scope link | awk '/inet6/ {print $2}' | cut -d/ -f1)

# keepalived master (150), hadirector backup (100)
V_VIP=$VIP/64 v_conf "$V_DIR/hd.conf" hd 100
ka_conf "$V_DIR/ka.conf" 150 0.1 "version 3"
v_keepalived ka "$V_DIR/ka.conf"
check "keepalived master holds the IPv6 VIP" wait_for 8 v_has_vip ka $VIP
v_start hd "$V_DIR/hd.conf"
sleep 1.5
check "hadirector is backup behind keepalived" v_state_is hd VI_1 BACKUP
check "hadirector accepts keepalived's IPv6 adverts" [ "$(v_field hd VI_1 adverts_received)" -ge 5 ]
check "hadirector learnt keepalived's link-local address ($ka_ll)" \
	eval '[ -n "$ka_ll" ] && [ "$(v_field hd VI_1 master)" = "$ka_ll" ]'
check "no drops of keepalived's adverts" \
	[ "$(ka_drops hd)" = 0 ]
check "only keepalived holds the VIP" v_no_vip hd $VIP
t_kill=$(v_clock_ms); ka_kill
check "keepalived killed: hadirector takes over" wait_for 3 v_has_vip hd $VIP
tl=$(( $(v_log_ms hd 'BACKUP -> MASTER') - t_kill ))
echo "# IPv6: keepalived killed -> hadirector master after $tl ms (floor $MDI_MS ms after the last advert)"
check "within Master_Down_Interval (+25 ms) of the kill ($tl ms)" [ "$tl" -le $((MDI_MS + 25)) ]
hd_kill

# hadirector master (150), keepalived backup (100)
V_VIP=$VIP/64 v_conf "$V_DIR/hd.conf" hd 150
ka_conf "$V_DIR/ka.conf" 100 0.1 "version 3"
: >"$V_DIR/ka.log"
v_start hd "$V_DIR/hd.conf"
check "hadirector master holds the IPv6 VIP" wait_for 5 v_has_vip hd $VIP
v_keepalived ka "$V_DIR/ka.conf"
sleep 3
check "keepalived stays backup (no VIP)" v_no_vip ka $VIP
check "keepalived logged BACKUP" grep -q "Entering BACKUP STATE" "$V_DIR/ka.log"
check "hadirector still master" v_state_is hd VI_1 MASTER
check "keepalived found nothing wrong in our adverts" \
	absent -Ei 'checksum|invalid|mismatch|wrong' "$V_DIR/ka.log"
V_T0=$(now_ms); hd_kill
t=$(v_time_until_vip ka $VIP 3000)
echo "# IPv6: hadirector killed -> keepalived holds the VIP after $t ms"
check "hadirector killed: keepalived takes over ($t ms)" \
	eval "[ '$t' != timeout ] && [ '$t' -le 1500 ]"
ka_kill
v_done
