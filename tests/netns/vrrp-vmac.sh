#!/bin/bash
# use_vmac: each director makes vrrp.51, a macvlan (mode private) on eth0
# with the VRRP MAC 00:00:5e:00:01:33 (VRID 51); the master holds the VIP
# on it; its adverts carry that MAC as Ethernet source; a client's ARP for
# the VIP is answered with it alone (never eth0's MAC), and its ARP for a
# director's own address never with it; a deleted vmac is made again with
# the VIP on it; a failover moves the VIP and the
# client reaches it without a new ARP; a stop removes the vmac and puts the
# base's arp_ignore back. The directors' namespaces have
# default.rp_filter = 1 (as distributions set it): the vmac gets 0, else
# the backup would never hear the master through it. Last, vmac_xmit_base:
# the adverts leave from eth0 with eth0's MAC, the VIP stays on the vmac.
# Then IPv6: vrrp6.51 with 00:00:5e:00:02:33 and no link-local of its own
# but the base's (the adverts' source, which the kernel wants on the
# interface they leave from), adverts from the VRRP MAC, the client's
# neighbour entry for the VIP that MAC.
. "$top_srcdir/tests/netns/lib-vrrp.sh"

VIP=192.168.168.100
VMAC=00:00:5e:00:01:33
command -v tcpdump >/dev/null || { echo "tcpdump not installed"; exit 1; }
v_bridge
v_host d1 192.168.168.50/24
v_host d2 192.168.168.51/24
v_host cl 192.168.168.60/24
for d in d1 d2; do
	ip netns exec "$(nsof $d)" sysctl -qw net.ipv4.conf.default.rp_filter=1 \
		net.ipv4.conf.all.rp_filter=0
done
v_conf "$V_DIR/d1.conf" d1 150 "use_vmac = true"
v_conf "$V_DIR/d2.conf" d2 100 "use_vmac = true"

mac_of() { ip -n "$(nsof "$1")" -j link show "$2" | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["address"])'; }
# vmac_ok NAME: vrrp.51 is a private macvlan on eth0 with the VRRP MAC
vmac_ok() {
	ip -n "$(nsof "$1")" -d -j link show vrrp.51 | python3 -c '
import json, sys
l = json.load(sys.stdin)[0]
info = l["linkinfo"]
ok = (l["address"] == sys.argv[1] and info["info_kind"] == "macvlan"
      and info["info_data"]["mode"] == "private" and l["link"] == "eth0")
sys.exit(0 if ok else 1)' "$VMAC"
}
no_vmac() { ip -n "$(nsof "$1")" link show >/dev/null && ! ip -n "$(nsof "$1")" link show vrrp.51 >/dev/null 2>&1; }
vip_on_vmac() { ip -n "$(nsof "$1")" -o addr show dev vrrp.51 | grep -q "inet $VIP/24"; }
nsconf() { ip netns exec "$(nsof "$1")" cat "/proc/sys/net/ipv4/conf/$2/$3"; }

# capture NAME FILE FILTER: tcpdump -e on eth0 of NAME in the background
# (pid in CAP), known to be running once it has said it listens
capture() {
	ip netns exec "$(nsof "$1")" tcpdump -l -e -n -i eth0 "$3" >"$2" 2>"$2.err" &
	CAP=$!
	wait_for 5 grep -q "listening on" "$2.err"
}
capture_end() { sleep 0.3; kill "$CAP" 2>/dev/null; wait "$CAP" 2>/dev/null; }

# reach IP: the client gets an answer from IP (a TCP reset from port 9)
reach() {
	ip netns exec "$(nsof cl)" timeout 3 bash -c "exec 3<>/dev/tcp/$1/9" 2>&1 | grep -q refused
}
# arp_check IP: the client forgets IP, connects to it (one ARP exchange)
# and prints every MAC that answered the ARP for IP
arp_check() {
	local f="$V_DIR/arp.$RANDOM"
	ip -n "$(nsof cl)" neigh flush all
	capture cl "$f" "arp" || return 1
	reach "$1"
	capture_end
	awk -v ip="$1" '/Reply/ && $0 ~ ip" is-at" { for (i = 1; i <= NF; i++) if ($i == "is-at") { m = $(i + 1); sub(",", "", m); print m } }' "$f" | sort -u
}

v_start d1 "$V_DIR/d1.conf"
v_start d2 "$V_DIR/d2.conf"
check "d1 master" wait_for 4 v_state_is d1 VI_1 MASTER
check "d2 backup: hears d1 through its vmac (rp_filter there is 0)" wait_for 4 v_state_is d2 VI_1 BACKUP
sleep 0.5
check "d2 stays backup" v_state_is d2 VI_1 BACKUP
check "d1: vrrp.51 is a private macvlan on eth0 with $VMAC" vmac_ok d1
check "d2: vrrp.51 too (a backup keeps its vmac)" vmac_ok d2
check "d1 holds the VIP on vrrp.51" vip_on_vmac d1
check "d2 does not hold the VIP" v_no_vip d2 $VIP
check "vrrp.51: arp_ignore 1, rp_filter 0" [ "$(nsconf d1 vrrp.51 arp_ignore) $(nsconf d1 vrrp.51 rp_filter)" = "1 0" ]
check "eth0: arp_ignore 1 while the vmac lives" [ "$(nsconf d1 eth0 arp_ignore)" = 1 ]

# adverts: Ethernet source is the VRRP MAC
capture cl "$V_DIR/adv1" "ip proto 112"
sleep 0.5
capture_end
n=$(grep -c "vrrp\|VRRP\|proto 112\|ip-proto-112" "$V_DIR/adv1")
check "adverts seen by the client ($n)" [ "$n" -ge 3 ]
check "every advert's Ethernet source is $VMAC" eval "! grep -v \"^[^ ]* $VMAC >\" \"$V_DIR/adv1\" | grep -q ."

# ARP: the VIP only with the VRRP MAC, the director's own address never with it
macs=$(arp_check $VIP)
check "ARP for the VIP answered with $VMAC only (got: ${macs//$'\n'/ })" [ "$macs" = "$VMAC" ]
check "the client reaches the VIP" reach $VIP
macs=$(arp_check 192.168.168.50)
d1mac=$(mac_of d1 eth0)
check "ARP for d1's own address answered with eth0's MAC only (got: ${macs//$'\n'/ })" [ "$macs" = "$d1mac" ]

# someone deletes the master's vmac: made again, the VIP back on it
ip -n "$(nsof d1)" link del vrrp.51
check "deleted vrrp.51 made again on d1" wait_for 3 vmac_ok d1
check "the VIP is back on it" wait_for 3 vip_on_vmac d1
check "d1 still master" v_state_is d1 VI_1 MASTER
check "d1 still answers on the VIP" reach $VIP

# failover: the VIP (and the MAC) move; the client's ARP entry stays right
ip -n "$(nsof cl)" neigh replace $VIP lladdr $VMAC dev eth0 nud permanent
v_stop d1
check "d2 master after d1 stops" wait_for 4 v_state_is d2 VI_1 MASTER
check "d2 holds the VIP on vrrp.51" wait_for 2 vip_on_vmac d2
check "stop removed d1's vrrp.51" no_vmac d1
check "stop put d1's eth0 arp_ignore back (0)" [ "$(nsconf d1 eth0 arp_ignore)" = 0 ]
check "the client reaches the VIP on d2 with its old ARP entry" reach $VIP
capture cl "$V_DIR/adv2" "ip proto 112"
sleep 0.5
capture_end
n=$(grep -c . "$V_DIR/adv2")
check "d2's adverts ($n) carry $VMAC" eval "[ $n -ge 3 ] && ! grep -v \"^[^ ]* $VMAC >\" \"$V_DIR/adv2\" | grep -q ."
ip -n "$(nsof cl)" neigh del $VIP dev eth0
macs=$(arp_check $VIP)
check "ARP for the VIP now answered by d2 with $VMAC only (got: ${macs//$'\n'/ })" [ "$macs" = "$VMAC" ]
v_stop d2
check "stop removed d2's vrrp.51" no_vmac d2

# vmac_xmit_base: adverts from eth0 with its own MAC, the VIP on the vmac
v_conf "$V_DIR/d2x.conf" d2 100 "use_vmac = true" "vmac_xmit_base = true"
v_start d2 "$V_DIR/d2x.conf"
check "vmac_xmit_base: d2 master alone" wait_for 4 v_state_is d2 VI_1 MASTER
check "vmac_xmit_base: the VIP on vrrp.51" wait_for 2 vip_on_vmac d2
capture cl "$V_DIR/adv3" "ip proto 112"
sleep 0.5
capture_end
d2mac=$(mac_of d2 eth0)
n=$(grep -c . "$V_DIR/adv3")
check "vmac_xmit_base: adverts ($n) from eth0's MAC $d2mac" eval "[ $n -ge 3 ] && ! grep -v \"^[^ ]* $d2mac >\" \"$V_DIR/adv3\" | grep -q ."
v_stop d2
check "vmac_xmit_base: stop removed vrrp.51" no_vmac d2

# IPv6
VMAC6=00:00:5e:00:02:33
VIP6=2001:db8::100
ip -n "$(nsof cl)" addr add 2001:db8::60/64 dev eth0
V_VIP=$VIP6/64 v_conf "$V_DIR/d1v6.conf" d1 150 "use_vmac = true"
V_VIP=$VIP6/64 v_conf "$V_DIR/d2v6.conf" d2 100 "use_vmac = true"
v_start d1 "$V_DIR/d1v6.conf"
v_start d2 "$V_DIR/d2v6.conf"
check "IPv6: d1 master" wait_for 4 v_state_is d1 VI_1 MASTER
check "IPv6: d2 backup (hears d1)" wait_for 4 v_state_is d2 VI_1 BACKUP
check "IPv6: no send errors on d1" [ "$(v_field d1 VI_1 send_errors)" = 0 ]
check "IPv6: vrrp6.51 has $VMAC6" [ "$(mac_of d1 vrrp6.51)" = $VMAC6 ]
src=$(v_field d1 VI_1 source)
check "IPv6: vrrp6.51 holds the VIP and d1's link-local $src, no other" eval \
	"[ \"\$(ip -n $(nsof d1) -6 -o addr show dev vrrp6.51 | awk '{ print \$4 }' | sort | tr '\n' ' ')\" = \"$VIP6/64 $src/64 \" ]"
capture cl "$V_DIR/adv6" "ip6 proto 112"
sleep 0.5
capture_end
n=$(grep -c . "$V_DIR/adv6")
check "IPv6: adverts ($n) from $VMAC6" eval "[ $n -ge 3 ] && ! grep -v \"^[^ ]* $VMAC6 >\" \"$V_DIR/adv6\" | grep -q ."
check "IPv6: the client reaches the VIP" reach $VIP6
check "IPv6: the client's neighbour entry is $VMAC6" \
	eval "ip -n $(nsof cl) -6 neigh show $VIP6 | grep -q 'lladdr $VMAC6'"
v_stop d1
v_stop d2
check "IPv6: stop removed vrrp6.51" eval "! ip -n $(nsof d1) link show vrrp6.51 2>/dev/null"
v_done
