#!/bin/bash
# An instance without virtual addresses, as keepalived runs one (the
# corpus' SSHalome-TBC-task.conf: unicast, notify scripts moving a cloud
# address): adverts carry no address, the election and the notify scripts
# work as usual. A hadirector pair, then hadirector against the real
# keepalived with the same kind of instance, both directions.
. "$top_srcdir/tests/netns/lib-vrrp.sh"

command -v keepalived >/dev/null || { echo "keepalived not installed"; exit 1; }
v_bridge
v_host d1 192.168.168.50/24
v_host d2 192.168.168.51/24
v_notify_script "$V_DIR/notify.sh" "$V_DIR/notify.log"
# v_conf without virtual_ipaddress: V_VIP is a comment
novip() { # FILE NAME PRIO SRC PEER
	V_VIP="} # no address {" v_conf "$1" "$2" "$3" "unicast_src_ip = $4" "unicast_peer = { $5 }" \
		"notify_master = \"$V_DIR/notify.sh $2\""
	sed -i '/virtual_ipaddress/d' "$1"
}
novip "$V_DIR/d1.conf" d1 150 192.168.168.50 192.168.168.51
novip "$V_DIR/d2.conf" d2 100 192.168.168.51 192.168.168.50
check "the file has no virtual_ipaddress, and hadirector -t takes it" \
	sh -c "! grep -q virtual_ipaddress '$V_DIR/d1.conf' && '$HD' -t -f '$V_DIR/d1.conf'"
ip netns exec "$(nsof d2)" timeout 4 tcpdump -l -n -v -i eth0 'ip proto 112' >"$V_DIR/adv.txt" 2>/dev/null &
v_start d1 "$V_DIR/d1.conf"
v_start d2 "$V_DIR/d2.conf"
check "d1 master" wait_for 4 v_state_is d1 VI_1 MASTER
check "d2 backup, hearing d1" wait_for 4 eval "v_state_is d2 VI_1 BACKUP && [ \"\$(v_field d2 VI_1 master)\" = 192.168.168.50 ]"
check "d1's notify_master ran" wait_for 4 grep -q 'notify.sh d1' "$V_DIR/notify.log"
check "no drops of d1's adverts on d2" \
	[ "$(v_status d2 | python3 -c 'import json,sys; print(sum(json.load(sys.stdin)["vrrp"][0]["drops"].values()))')" = 0 ]
sleep 2
check "the adverts on the wire carry no address (VRRPv3 length 8)" \
	grep -Eq 'VRRPv3, Advertisement, vrid 51, prio 150, .*length 8, addrs: *$' "$V_DIR/adv.txt"
kill -9 "$(v_pid d1)"
check "d1 killed: d2 master" wait_for 3 v_state_is d2 VI_1 MASTER
check "d2's notify_master ran" wait_for 4 grep -q 'notify.sh d2' "$V_DIR/notify.log"
v_stop d2 9 2

# keepalived backup without addresses behind hadirector, then the reverse.
# VRRP version 2: keepalived refuses an instance without addresses in
# version 3 ("at least one is required"; the converter refuses it too).
kaconf() { # FILE PRIO SRC PEER
	cat >"$1" <<K
vrrp_instance VI_1 {
    interface eth0
    virtual_router_id 51
    version 2
    priority $2
    advert_int 1
    unicast_src_ip $3
    unicast_peer {
        $4
    }
}
K
}
kaconf "$V_DIR/ka.conf" 100 192.168.168.51 192.168.168.50
V_VERSION=2 V_ADV=1 novip "$V_DIR/d1.conf" d1 150 192.168.168.50 192.168.168.51
v_start d1 "$V_DIR/d1.conf"
check "hadirector master again" wait_for 4 v_state_is d1 VI_1 MASTER
v_keepalived d2 "$V_DIR/ka.conf"
sleep 5
check "keepalived without addresses stays backup behind it" grep -q "Entering BACKUP STATE" "$V_DIR/d2.log"
check "... and never master" absent "Entering MASTER STATE" "$V_DIR/d2.log"
check "keepalived found nothing wrong in the adverts" absent -Ei 'checksum|invalid|mismatch|wrong' "$V_DIR/d2.log"
v_stop d1 9 2
check "hadirector killed: keepalived master" wait_for 6 grep -q "Entering MASTER STATE" "$V_DIR/d2.log"
v_start d1 "$V_DIR/d1.conf"
check "hadirector (150) takes over again from keepalived" wait_for 6 v_state_is d1 VI_1 MASTER
check "hadirector had heard keepalived's adverts without drops" \
	[ "$(v_status d1 | python3 -c 'import json,sys; print(sum(json.load(sys.stdin)["vrrp"][0]["drops"].values()))')" = 0 ]
v_done
