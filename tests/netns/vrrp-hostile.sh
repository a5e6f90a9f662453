#!/bin/bash
# Hostile and broken packets: TTL < 255, bad checksum, wrong version, wrong
# type, truncated, wrong address list -- all with priority 200 (they would
# take mastership if accepted). Each drop counter rises by exactly what was
# sent and the master keeps its role. A valid lower-priority advert from the
# same sender is the control: it is accepted (the sender really reaches us).
# Then the valid but hostile: a stream of lower-priority adverts gets one
# answer, not one each (answer_rate_limited), and adverts forged from the
# master's own address are dropped (own_address). The 10 s flood of both,
# and signals during it: tests/netns/vrrp-flood.sh.
. "$top_srcdir/tests/netns/lib-vrrp.sh"

VIP=192.168.168.100
v_bridge
v_host d1 192.168.168.50/24
v_host evil 192.168.168.66/24
# IPv4 from one of our own addresses is dropped by the kernel unless
# accept_local: let the forged ones reach the daemon
ip netns exec "$(nsof d1)" sysctl -qw net.ipv4.conf.all.accept_local=1 net.ipv4.conf.eth0.accept_local=1
v_conf "$V_DIR/d1.conf" d1 150
v_start d1 "$V_DIR/d1.conf"
check "d1 master" wait_for 3 v_state_is d1 VI_1 MASTER

cat >"$V_DIR/send.py" <<'PY'
import socket, struct, sys
src, dst = "192.168.168.66", "192.168.168.50"
if sys.argv[1] == "own":
    src = dst
def csum(b):
    if len(b) % 2: b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16: s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff
def vrrp(prio=200, ver=3, typ=1, vips=("192.168.168.100",), vrid=51):
    m = bytes([ver << 4 | typ, vrid, prio, len(vips)]) + struct.pack("!HH", 10, 0)
    m += b"".join(socket.inet_aton(v) for v in vips)
    ph = socket.inet_aton(src) + socket.inet_aton(dst) + struct.pack("!BBH", 0, 112, len(m))
    return m[:6] + struct.pack("!H", csum(ph + m)) + m[8:]
def ip(payload, ttl=255):
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0xc0, 20 + len(payload), 1, 0, ttl, 112, 0,
                    socket.inet_aton(src), socket.inet_aton(dst))
    return h + payload
kind, n = sys.argv[1], int(sys.argv[2])
p = {
    "ttl": lambda: ip(vrrp(), ttl=64),
    "checksum": lambda: ip(vrrp()[:6] + b"\x12\x34" + vrrp()[8:]),
    "version": lambda: ip(vrrp(ver=4)),
    "type": lambda: ip(vrrp(typ=2)),
    "truncated": lambda: ip(vrrp()[:6]),
    "addrlist": lambda: ip(vrrp(vips=("192.168.168.99",))),
    "vrid": lambda: ip(vrrp(vrid=52)),
    "valid_lower": lambda: ip(vrrp(prio=100)),
    "own": lambda: ip(vrrp(prio=150)),
}[kind]()
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
for _ in range(n):
    s.sendto(p, (dst, 0))
PY
send() { ip netns exec "$(nsof evil)" python3 "$V_DIR/send.py" "$@"; }

for c in "ttl bad_ttl" "checksum bad_checksum" "version bad_version" "type bad_type" \
	"truncated too_short" "addrlist addr_list_mismatch" "vrid vrid_mismatch"; do
	set -- $c
	before=$(v_field d1 VI_1 "drops.$2")
	send "$1" 5
	check "$1: drops.$2 rose by 5" wait_for 2 eval "[ \"\$(v_field d1 VI_1 drops.$2)\" = $((before + 5)) ]"
	check "$1: d1 still master" v_state_is d1 VI_1 MASTER
done
check "the VIP never moved" v_has_vip d1 $VIP
check "no state change after becoming master" [ "$(v_field d1 VI_1 transitions)" = 2 ]
check "drops are logged" grep -q "dropped VRRP packet from 192.168.168.66: bad_ttl" "$V_DIR/d1.log"
check "drop logging is rate-limited" [ "$(grep -c 'dropped VRRP packet' "$V_DIR/d1.log")" -lt 35 ]

before=$(v_field d1 VI_1 adverts_received)
send valid_lower 1
check "control: a valid advert from the same sender is accepted" \
	wait_for 2 eval "[ \"\$(v_field d1 VI_1 adverts_received)\" = $((before + 1)) ]"
check "control: a lower priority does not move the master" v_state_is d1 VI_1 MASTER

# 200 valid lower-priority adverts within a second: at most one answer
# (the control above was answered less than a second ago, or this is it)
sleep 1.1
before=$(v_field d1 VI_1 adverts_received); lim=$(v_field d1 VI_1 drops.answer_rate_limited)
t0=$(now_ms); sent=$(v_field d1 VI_1 adverts_sent)
send valid_lower 200
check "lower stream: all 200 received" \
	wait_for 2 eval "[ \"\$(v_field d1 VI_1 adverts_received)\" = $((before + 200)) ]"
sent=$(( $(v_field d1 VI_1 adverts_sent) - sent )); el=$(( $(now_ms) - t0 ))
lim=$(( $(v_field d1 VI_1 drops.answer_rate_limited) - lim ))
check "lower stream: at most 2 answered, the rest counted ($lim answer_rate_limited)" \
	[ "$lim" -ge 198 ]
# d1's adverts over the stream: its periodic ones (advert_int 0.1) + answers
check "lower stream: d1 sent its periodic adverts and at most 2 more ($sent in $el ms)" \
	[ "$sent" -le $(( el / 100 + 1 + 2 )) ]
before=$(v_field d1 VI_1 drops.own_address)
send own 50
check "own address: 50 forged adverts dropped as own_address" \
	wait_for 2 eval "[ \"\$(v_field d1 VI_1 drops.own_address)\" = $((before + 50)) ]"
check "d1 still master, no transition" \
	eval "v_state_is d1 VI_1 MASTER && [ \"\$(v_field d1 VI_1 transitions)\" = 2 ]"
v_done
