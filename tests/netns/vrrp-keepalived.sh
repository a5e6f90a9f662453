#!/bin/bash
# Interoperability with a real keepalived (Debian package) as the other
# director, VRRP v3 and v2 (with type pass authentication), both directions:
# keepalived master / hadirector backup and the reverse, failover each way.
. "$top_srcdir/tests/netns/lib-vrrp.sh"
. "$top_srcdir/tests/netns/lib-keepalived.sh" # ka_conf, ka_kill, hd_kill, ka_drops

VIP=192.168.168.100 VIP_LEN=24
v_bridge
v_host hd 192.168.168.50/24
v_host ka 192.168.168.51/24

run() { # VERSION ADVERT_INT
	local ver=$1 adv=$2 extra=() ka=("version $1") t mdi_ms
	if [ "$ver" = 2 ]; then
		extra=("authentication { type = pass  password = \"secret\" }")
		ka+=("authentication {" "  auth_type PASS" "  auth_pass secret" "}")
	fi
	mdi_ms=$(( 3 * ${adv%.*}000 + 1000 )) # generous: 3 x adv + skew (< adv)
	[ "$adv" = 0.1 ] && mdi_ms=$((300 + 100))

	# keepalived master (150), hadirector backup (100)
	V_VERSION=$ver V_ADV=$adv v_conf "$V_DIR/hd.conf" hd 100 "${extra[@]}"
	ka_conf "$V_DIR/ka.conf" 150 "$adv" "${ka[@]}"
	v_keepalived ka "$V_DIR/ka.conf"
	check "v$ver: keepalived master holds the VIP" wait_for 8 v_has_vip ka $VIP
	v_start hd "$V_DIR/hd.conf"
	sleep $(( ${adv%.*} * 3 + 1 ))
	check "v$ver: hadirector is backup behind keepalived" v_state_is hd VI_1 BACKUP
	check "v$ver: hadirector accepts keepalived's adverts" \
		[ "$(v_field hd VI_1 adverts_received)" -ge 1 ]
	check "v$ver: hadirector learnt keepalived as master" \
		[ "$(v_field hd VI_1 master)" = 192.168.168.51 ]
	check "v$ver: no drops of keepalived's adverts" \
		[ "$(ka_drops hd)" = 0 ]
	check "v$ver: only keepalived holds the VIP" v_no_vip hd $VIP
	V_T0=$(now_ms); t_kill=$(v_clock_ms); ka_kill
	t=$(v_time_until_vip hd $VIP $((mdi_ms + 2000)))
	tl=$(( $(v_log_ms hd 'BACKUP -> MASTER') - t_kill ))
	echo "# v$ver keepalived killed -> hadirector holds the VIP: seen after $t ms, logged after $tl ms"
	check "v$ver: hadirector takes over from keepalived ($t ms)" \
		eval "[ '$t' != timeout ] && [ '$t' -le $((mdi_ms + 300)) ]"
	check "v$ver: within Master_Down_Interval of the kill ($tl ms)" [ "$tl" -le $mdi_ms ]
	hd_kill

	# hadirector master (150), keepalived backup (100)
	V_VERSION=$ver V_ADV=$adv v_conf "$V_DIR/hd.conf" hd 150 "${extra[@]}"
	ka_conf "$V_DIR/ka.conf" 100 "$adv" "${ka[@]}"
	v_start hd "$V_DIR/hd.conf"
	check "v$ver: hadirector master holds the VIP" wait_for 8 v_has_vip hd $VIP
	v_keepalived ka "$V_DIR/ka.conf"
	sleep $(( ${adv%.*} * 3 + 2 ))
	check "v$ver: keepalived stays backup (no VIP)" v_no_vip ka $VIP
	check "v$ver: keepalived logged BACKUP" grep -q "Entering BACKUP STATE" "$V_DIR/ka.log"
	check "v$ver: hadirector still master" v_state_is hd VI_1 MASTER
	check "v$ver: keepalived found nothing wrong in our adverts" \
		absent -Ei 'checksum|invalid|mismatch|wrong' "$V_DIR/ka.log"
	V_T0=$(now_ms); hd_kill
	t=$(v_time_until_vip ka $VIP $((mdi_ms + 2000)))
	echo "# v$ver hadirector killed -> keepalived holds the VIP after $t ms"
	check "v$ver: keepalived takes over from hadirector ($t ms)" \
		eval "[ '$t' != timeout ] && [ '$t' -le $((mdi_ms * 2)) ]"
	ka_kill
	: >"$V_DIR/ka.log"
}

run 3 0.1
run 2 1
v_done
