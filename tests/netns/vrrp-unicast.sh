#!/bin/bash
# Unicast peers: adverts go only to unicast_peer from unicast_src_ip; a
# well-formed advert from anyone else is dropped as bad_source; failover
# works as with multicast.
. "$top_srcdir/tests/netns/lib-vrrp.sh"

VIP=192.168.168.100
v_bridge
v_host d1 192.168.168.50/24
v_host d2 192.168.168.51/24
v_host evil 192.168.168.66/24
v_conf "$V_DIR/d1.conf" d1 150 "unicast_src_ip = 192.168.168.50" "unicast_peer = { 192.168.168.51 }"
v_conf "$V_DIR/d2.conf" d2 100 "unicast_src_ip = 192.168.168.51" "unicast_peer = { 192.168.168.50 }"
# On d2's link: d1's unicast adverts arrive there, and multicast ones would.
ip netns exec "$(nsof d2)" timeout 3 tcpdump -l -n -i eth0 'ip proto 112' >"$V_DIR/mc.txt" 2>/dev/null &
v_start d1 "$V_DIR/d1.conf"
v_start d2 "$V_DIR/d2.conf"
check "d1 master" wait_for 4 v_state_is d1 VI_1 MASTER
check "d2 backup, hearing d1" wait_for 4 eval "v_state_is d2 VI_1 BACKUP && [ \"\$(v_field d2 VI_1 master)\" = 192.168.168.50 ]"
sleep 2.5
check "d1's unicast adverts were captured on d2's link" grep -q '192.168.168.50 > 192.168.168.51: VRRP' "$V_DIR/mc.txt"
check "no multicast adverts on the wire" absent 224.0.0.18 "$V_DIR/mc.txt"

# a valid advert (priority 200) from a host that is not a peer
ip netns exec "$(nsof evil)" python3 - <<'PY'
import socket, struct
src, dst = "192.168.168.66", "192.168.168.50"
def csum(b):
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16: s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff
m = bytes([0x31, 51, 200, 1]) + struct.pack("!HH", 10, 0) + socket.inet_aton("192.168.168.100")
ph = socket.inet_aton(src) + socket.inet_aton(dst) + struct.pack("!BBH", 0, 112, len(m))
m = m[:6] + struct.pack("!H", csum(ph + m)) + m[8:]
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, 112)
s.setsockopt(socket.IPPROTO_IP, socket.IP_TTL, 255)
for _ in range(3): s.sendto(m, (dst, 0))
PY
check "non-peer advert dropped as bad_source" wait_for 2 eval "[ \"\$(v_field d1 VI_1 drops.bad_source)\" = 3 ]"
check "d1 still master" v_state_is d1 VI_1 MASTER

t_kill=$(v_clock_ms); kill -9 "$(v_pid d1)"
check "unicast failover: d2 holds the VIP" wait_for 3 v_has_vip d2 $VIP
tl=$(( $(v_log_ms d2 'BACKUP -> MASTER') - t_kill ))
echo "# unicast SIGKILL failover logged after $tl ms"
check "unicast failover within 361+25 ms ($tl)" [ "$tl" -le 386 ]
v_done
