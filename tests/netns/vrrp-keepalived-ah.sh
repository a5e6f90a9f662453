#!/bin/bash
# Auth type ah (VRRPv2 in an IP Authentication Header, vrrp/vrrp_ah.h)
# against a real keepalived (Debian's 2.2.7, auth_type AH) as the other
# director, both directions: keepalived master / hadirector backup, failover,
# then hadirector master / keepalived backup, failover back. keepalived's
# adverts are captured and replayed afterwards by a third host, 50 times
# each and at priority 150 above hadirector's: valid ICVs with old sequence
# numbers must all be dropped (auth_failure) and hadirector must stay master.
# A hadirector with another password drops every advert of keepalived.
. "$top_srcdir/tests/netns/lib-vrrp.sh"
. "$top_srcdir/tests/netns/lib-keepalived.sh" # ka_conf, ka_kill, hd_kill, ka_drops

VIP=192.168.168.100 VIP_LEN=24
command -v tcpdump >/dev/null || { echo "tcpdump not installed"; exit 1; }
v_bridge
v_host hd 192.168.168.50/24
v_host ka 192.168.168.51/24
v_host evil 192.168.168.66/24

ka_conf_ah() { # FILE PRIO: keepalived's VI_1 with auth_type AH
	ka_conf "$1" "$2" 1 "authentication {" "  auth_type AH" "  auth_pass secret1" "}"
}
hd_conf() { # FILE PRIO PASSWORD
	V_VERSION=2 V_ADV=1 v_conf "$1" hd "$2" "authentication { type = ah  password = \"$3\" }"
}

# keepalived master (150), hadirector backup (100); keepalived's adverts recorded
ip netns exec "$(nsof evil)" tcpdump -i eth0 -n -U -w "$V_DIR/ka.pcap" 'ip proto 51 and src 192.168.168.51' \
	2>"$V_DIR/tcpdump.err" &
CAP=$!
wait_for 5 grep -q listening "$V_DIR/tcpdump.err"
hd_conf "$V_DIR/hd.conf" 100 secret1
ka_conf_ah "$V_DIR/ka.conf" 150
v_keepalived ka "$V_DIR/ka.conf"
check "keepalived master holds the VIP" wait_for 8 v_has_vip ka $VIP
v_start hd "$V_DIR/hd.conf"
sleep 4
check "hadirector is backup behind keepalived" v_state_is hd VI_1 BACKUP
check "hadirector accepts keepalived's AH adverts" [ "$(v_field hd VI_1 adverts_received)" -ge 3 ]
check "hadirector learnt keepalived as master" [ "$(v_field hd VI_1 master)" = 192.168.168.51 ]
check "no drops of keepalived's adverts" [ "$(ka_drops hd)" = 0 ]
check "only keepalived holds the VIP" v_no_vip hd $VIP
kill "$CAP"
wait "$CAP" 2>/dev/null
ka_kill
check "hadirector takes over from keepalived" wait_for 6 v_has_vip hd $VIP
check "hadirector master" wait_for 2 v_state_is hd VI_1 MASTER

# hadirector master (100, its sequence numbers above keepalived's),
# keepalived back as backup (50)
ka_conf_ah "$V_DIR/ka.conf" 50
: >"$V_DIR/ka.log"
v_keepalived ka "$V_DIR/ka.conf"
sleep 5
check "keepalived stays backup (no VIP)" v_no_vip ka $VIP
check "keepalived logged BACKUP" grep -q "Entering BACKUP STATE" "$V_DIR/ka.log"
check "keepalived found nothing wrong in hadirector's AH adverts" \
	absent -Ei 'IPSEC|invalid|mismatch|wrong|AH header' "$V_DIR/ka.log"
check "hadirector still master" v_state_is hd VI_1 MASTER

# the replay flood: keepalived's old adverts (priority 150), valid ICVs
n=$(tcpdump -r "$V_DIR/ka.pcap" -n 2>/dev/null | grep -c 'prio 150')
check "captured keepalived's adverts to replay ($n)" [ "$n" -ge 3 ]
a0=$(v_field hd VI_1 drops.auth_failure)
ip netns exec "$(nsof evil)" python3 - "$V_DIR/ka.pcap" <<-'EOF'
	import socket, struct, sys
	d = open(sys.argv[1], "rb").read()
	off, pkts = 24, []
	while off + 16 <= len(d):
	    n = struct.unpack("<I", d[off + 8:off + 12])[0]
	    pkts.append(d[off + 16 + 14:off + 16 + n])  # without the Ethernet header
	    off += 16 + n
	s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
	s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, b"eth0")
	for _ in range(50):
	    for p in pkts:
	        s.sendto(p, ("224.0.0.18", 0))
EOF
sleep 1.5
a1=$(v_field hd VI_1 drops.auth_failure)
echo "# replayed $((n * 50)) adverts; auth_failure $a0 -> $a1"
check "every replayed advert dropped as auth_failure" [ $((a1 - a0)) -ge $((n * 50)) ]
check "hadirector stays master under the replay" v_state_is hd VI_1 MASTER
check "keepalived still backup under the replay" v_no_vip ka $VIP
check "hadirector holds the VIP" v_has_vip hd $VIP

hd_kill
check "keepalived takes over from hadirector" wait_for 6 v_has_vip ka $VIP

# another password: every advert of keepalived dropped, hadirector master too
hd_conf "$V_DIR/hd2.conf" 40 other
: >"$V_DIR/hd.log"
v_start hd "$V_DIR/hd2.conf"
sleep 5
check "another password: keepalived's adverts dropped (auth_failure)" \
	[ "$(v_field hd VI_1 drops.auth_failure)" -ge 3 ]
check "another password: none accepted" [ "$(v_field hd VI_1 adverts_received)" = 0 ]
v_stop hd 9 2
ka_kill
v_done
