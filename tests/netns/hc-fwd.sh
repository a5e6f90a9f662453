#!/bin/bash
# check_forwarding_path, DR, on the host (no IPVS needed: the verdicts are
# the daemon's; tests/vm/hc-fwd.sh adds TUN and the IPVS table). Every real
# server answers its own check on its own address; the probe through the
# DR path (a frame to its MAC with the VIP as destination) tells:
#   r1 VIP on lo, arp_ignore=1, arp_announce=2   -> up
#   r2 no VIP on lo                              -> vip_not_accepted
#   r3 VIP on lo, arp_ignore unset               -> vip_arp_answered
#   r4 no VIP, floods every probe with forged SYN-ACKs and garbage from the
#      VIP (hc-fwd-hostile.py)                   -> vip_not_accepted, counted
#   r6 no VIP, answers each probe 0.7 s late (after its deadline) with the
#      right SYN-ACK                             -> vip_not_accepted, and reset
# and a UDP service (ICMP echo through the path) with misc_check, a TCP one
# with forwarding_path_probe = echo (an echo, no SYN); a NAT one is
# unaffected. The director holds the VIP (the replies are martians to its
# IP stack). Then r2 and r3 are fixed and come up. HD_FWD_OFF=1: the same
# without the option (the test must fail).
. "$top_srcdir/tests/netns/lib.sh"
. "$top_srcdir/tests/netns/lib-hc.sh"

VIP=10.94.0.100
t_bridge
D=$(t_ns d)
t_link "$D" eth0 10.94.0.1/24
ip -n "$D" addr add $VIP/32 dev eth0
FWD=yes
[ "${HD_FWD_OFF:-0}" = 1 ] && FWD=no
for i in 1 2 3 4 5 6; do
	R[$i]=$(t_ns r$i)
	t_link "${R[$i]}" eth0 10.94.0.1$i/24
	listen $i
done
dr_ok() { # NS
	ip -n "$1" addr add $VIP/32 dev lo
	ip netns exec "$1" sysctl -qw net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2 \
		net.ipv4.conf.eth0.arp_ignore=1 net.ipv4.conf.eth0.arp_announce=2
}
dr_ok "${R[1]}"
ip -n "${R[3]}" addr add $VIP/32 dev lo
# r2 and r4 forward (as a host inheriting ip_forward=1 does): r2 passes the
# probe on to whoever answers ARP for the VIP, r3 here, whose answer comes
# from r3's MAC and must not count for r2
for i in 2 4; do ip netns exec "${R[$i]}" sysctl -qw net.ipv4.ip_forward=1; done
bg ip netns exec "${R[4]}" python3 "$top_srcdir/tests/netns/hc-fwd-hostile.py" $VIP

cat >"$T_DIR/hc.conf" <<CONF
virtual_server $VIP:80 {
    lb_kind = dr
    check_forwarding_path = $FWD
    real_server 10.94.0.11:80 { tcp_check { delay_loop = 0.3  connect_timeout = 0.5 } }
    real_server 10.94.0.12:80 { tcp_check { delay_loop = 0.3  connect_timeout = 0.5 } }
    real_server 10.94.0.13:80 { ping_check { delay_loop = 0.3  connect_timeout = 0.5 } }
    real_server 10.94.0.14:80 { tcp_check { delay_loop = 0.3  connect_timeout = 0.5 } }
    real_server 10.94.0.16:80 { tcp_check { delay_loop = 0.3  connect_timeout = 0.5 } }
}
virtual_server $VIP:53/udp {
    lb_kind = dr
    check_forwarding_path = $FWD
    real_server 10.94.0.11:53 { misc_check { delay_loop = 0.3  script = /bin/true  timeout = 0.5 } }
    real_server 10.94.0.12:53 { misc_check { delay_loop = 0.3  script = /bin/true  timeout = 0.5 } }
}
virtual_server $VIP:81 {
    lb_kind = dr
    check_forwarding_path = $FWD
    forwarding_path_probe = echo
    real_server 10.94.0.11:81 { misc_check { delay_loop = 0.3  script = /bin/true  timeout = 0.5 } }
    real_server 10.94.0.12:81 { misc_check { delay_loop = 0.3  script = /bin/true  timeout = 0.5 } }
}
virtual_server 10.94.0.101:80 {
    lb_kind = nat
    check_forwarding_path = $FWD
    real_server 10.94.0.15:80 { tcp_check { delay_loop = 0.3  connect_timeout = 0.5 } }
}
CONF
# the first check must not find a server still starting (its line would say
# connect refused, not the path's reason)
listening() { ip netns exec "${R[$1]}" ss -ltn | grep -q ':80 '; }
for i in 1 2 3 4 5 6; do check "r$i listens before the daemon starts" wait_for 5 listening $i; done
hc_start "$D" "$T_DIR/hc.conf"
check "daemon answers" wait_for 5 "$HDCTL" -s "$SOCK" ping
st2() { status && echo "$(rs "$1" "$2" state) $(rs "$1" "$2" outcome)"; }
was() { [ "$(st2 "$1" "$2")" = "$3" ]; }
V=$VIP:80 U=udp/$VIP:53
check "r1 (VIP on lo, arp_ignore=1) up" wait_for 5 was $V 10.94.0.11:80 "up ok"
check "r2 (no VIP on lo) down: vip_not_accepted" wait_for 5 was $V 10.94.0.12:80 "down vip_not_accepted"
check "r3 (arp_ignore unset, ping_check) down: vip_arp_answered" \
	wait_for 5 was $V 10.94.0.13:80 "down vip_arp_answered"
check "r4 (hostile flood) down: vip_not_accepted" wait_for 5 was $V 10.94.0.14:80 "down vip_not_accepted"
check "UDP service, echo through the path: r1 up" wait_for 5 was $U 10.94.0.11:53 "up ok"
check "UDP service: r2 down: vip_not_accepted" wait_for 5 was $U 10.94.0.12:53 "down vip_not_accepted"
check "NAT unaffected" wait_for 5 was 10.94.0.101:80 10.94.0.15:80 "up ok"
E=$VIP:81
check "TCP service, forwarding_path_probe = echo: r1 up" wait_for 5 was $E 10.94.0.11:81 "up ok"
check "TCP service, echo: r2 down: vip_not_accepted" wait_for 5 was $E 10.94.0.12:81 "down vip_not_accepted"
# what reaches r1 for the VIP in 2 s: echo requests (the UDP and the :81
# service's probes), SYNs to :80 (the :80 service's), none to :81
seen=$(ip netns exec "${R[1]}" timeout 2 python3 -c "
import socket
vip = socket.inet_aton('$VIP')
s = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, socket.htons(0x0800))
s.bind(('eth0', 0)); echo, syn = 0, {80: 0, 81: 0}
while True:
    p = s.recv(2048)
    if len(p) < 28 or p[16:20] != vip or p[0] != 0x45: continue
    if p[9] == 1 and p[20] == 8: echo += 1
    port = int.from_bytes(p[22:24], 'big')
    if p[9] == 6 and len(p) >= 40 and p[33] & 0x12 == 0x02 and port in syn: syn[port] += 1
    print(echo, syn[80], syn[81], flush=True)
" 2>/dev/null | tail -1)
read -r echos syn80 syn81 <<<"${seen:-0 0 0}"
check "the :81 probe is an echo: $echos echo requests, $syn80 SYNs to :80, $syn81 to :81" \
	test "$echos" -ge 4 -a "$syn80" -ge 2 -a "$syn81" -eq 0
sleep 1 # a few rounds of the flood
status
stray=$(jq '[.healthcheck[].real_servers[] | select(.rs == "10.94.0.14:80") | .checkers[].fwd_stray] | add' "$T_DIR/st.json")
check "the hostile flood is counted as stray ($stray)" test "${stray:-0}" -gt 100
probes=$(jq '[.healthcheck[].real_servers[] | select(.rs == "10.94.0.11:80") | .checkers[].fwd_probes] | add' "$T_DIR/st.json")
check "r1's path probed with every check ($probes)" test "${probes:-0}" -ge 3
# The cost per check (issue 21, "Measured"; tests/bench/fwd.sh): every
# probe shares two packet sockets (IPv4 and ARP replies) where each had
# its own, whose filter ran on every packet the director received; and the
# real server's MAC comes from the kernel's neighbour table, the question
# who has the VIP at most every 3 s, where each run asked two ARP
# questions. Both counted, not timed.
pk=$(ip netns exec "$D" awk 'NR > 1' /proc/net/packet | wc -l)
check "two packet sockets for nine DR probes ($pk)" test "$pk" -eq 2
# ... bound to the probes' interface: a packet socket bound to none is
# offered every IPv4 packet of every interface (on a director, all the
# client traffic). Here x floods D's other interface with segments from the
# VIP to the probes' port range (forged replies with the wrong sequence):
# the sockets must not see them (r2's probe, which waits for its deadline
# each run, would count them stray).
ifi=$(ip -n "$D" -o link show eth0 | cut -d: -f1)
bound=$(ip netns exec "$D" awk -v i="$ifi" 'NR > 1 && $5 == i' /proc/net/packet | wc -l)
check "both bound to eth0 (ifindex $ifi): $bound of $pk" test "$bound" -eq "$pk"
X=$(t_ns x)
ip link add eth1 netns "$D" type veth peer name eth1 netns "$X"
ip -n "$D" addr add 10.95.0.1/24 dev eth1
ip -n "$X" addr add 10.95.0.2/24 dev eth1
ip -n "$D" link set eth1 up
ip -n "$X" link set eth1 up
ip -n "$X" route add 10.94.0.0/24 via 10.95.0.1
base=$(($(ip netns exec "$D" awk '{ print $2 }' /proc/sys/net/ipv4/ip_local_port_range) + 1))
bg ip netns exec "$X" timeout 4 python3 -c "
import socket, struct
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
vip, d = socket.inet_aton('$VIP'), socket.inet_aton('10.94.0.1')
def csum(b):
    t = sum(struct.unpack('!%dH' % (len(b) // 2), b))
    while t >> 16: t = (t & 0xffff) + (t >> 16)
    return ~t & 0xffff
while True:
    for port in range($base, $base + 32):
        tcp = struct.pack('!HHIIBBHHH', 80, port, 1, 12345, 0x50, 0x12, 1024, 0, 0)
        h = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 40, 0, 0, 64, 6, 0, vip, d)
        s.sendto(h[:10] + struct.pack('!H', csum(h)) + h[12:] + tcp, ('10.94.0.1', 0))
"
rx() { ip -n "$D" -j -s link show eth1 | jq '.[0].stats64.rx.packets'; }
flooding() { [ "$(rx)" -gt 1000 ]; }
check "x floods eth1" wait_for 3 flooding
status
s0=$(rs $V 10.94.0.12:80 'checkers[].fwd_stray') n0=$(rx)
sleep 1.5
status
s1=$(rs $V 10.94.0.12:80 'checkers[].fwd_stray') n1=$(rx)
# (r2 counts a few of its own each run: its probe, passed on to r3, is
# answered from r3's MAC)
check "a flood on another interface ($((n1 - n0)) packets) is not looked at (r2's stray: $s0 -> $s1)" \
	test $((s1 - s0)) -lt 50 -a $((n1 - n0)) -gt 1000
# The frames one loop iteration makes (the probes of the checks due
# together, a run's ARP question and its probe, the resets of the replies
# read) leave by one sendmmsg(), not a sendto() each: r1's question who has
# the VIP (every 3 s) and its probe, r2's and r4's (each run: they fail, so
# their MAC is asked for by broadcast and the answer brings both) share one.
ip netns exec "$D" timeout -s INT 2 strace -f -qq -e trace=sendto,sendmmsg -p "$HDPID" \
	-o "$T_DIR/strace" 2>/dev/null
tx1=$(grep -c 'sendto(.*AF_PACKET' "$T_DIR/strace")
both=$(grep 'sendmmsg(.*ETH_P_ARP' "$T_DIR/strace" | grep -c 'sendmmsg(.*ETH_P_IP')
check "no frame sent alone by sendto() ($tx1)" test "$tx1" -eq 0
check "a question and its probe in one sendmmsg() ($both times in 2 s)" test "$both" -ge 2
p0=$(jq '[.healthcheck[].real_servers[] | select(.rs == "10.94.0.11:80") | .checkers[].fwd_probes] | add' "$T_DIR/st.json")
arps=$(ip netns exec "${R[1]}" timeout 4 python3 -c "
import socket
s = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, socket.htons(0x0806))
s.bind(('eth0', 0)); n = 0
while True:
    p = s.recv(64)
    if p[6:8] == b'\0\1' and p[14:18] == socket.inet_aton('10.94.0.1') and \\
            p[24:28] in (socket.inet_aton('10.94.0.11'), socket.inet_aton('$VIP')):
        n += 1; print(n, flush=True)
" 2>/dev/null | tail -1)
status
p1=$(jq '[.healthcheck[].real_servers[] | select(.rs == "10.94.0.11:80") | .checkers[].fwd_probes] | add' "$T_DIR/st.json")
runs=$((p1 - p0))
# about r1 or the VIP (the failing r2 and r4 are asked about by broadcast
# at each run); r1 has three probes (the services :80, :81 and UDP): each
# asks at most twice in 4 s
check "ARP questions from the director to r1: ${arps:-0} in 4 s, $runs runs of its TCP probe" \
	test "$runs" -ge 8 -a "${arps:-0}" -le 7
"$HDCTL" -s "$SOCK" metrics >"$T_DIR/metrics"
check "metrics: vip_not_accepted counted" \
	grep -Eq '^hadirector_check_forwarding_path_vip_not_accepted_total\{.*\} [1-9]' "$T_DIR/metrics"
check "metrics: ARP answered counted" \
	grep -Eq '^hadirector_check_forwarding_path_arp_answered_total\{.*\} [1-9]' "$T_DIR/metrics"
check "log: r2 down with its reason" \
	grep -q "10.94.0.12:80 .*up -> down (VIP not accepted through the forwarding path)" "$T_DIR/hd.log"
check "log: r3 down with the ARP reason" \
	grep -q "10.94.0.13:80 .*up -> down (real server answers ARP for the VIP)" "$T_DIR/hd.log"
check "log: the forged packets warned about" grep -q "forged or garbage" "$T_DIR/hd.log"
check "no half-open connection left on r1 (a RST after each SYN-ACK)" \
	sh -c "! ip netns exec ${R[1]} ss -Htn state syn-recv | grep -q $VIP"
# A SYN-ACK after the run's deadline (a slow real server; one that keeps
# retransmitting it) is reset as well: the real server would otherwise hold
# the half-open connection and answer the next run's SYN, on the same
# ports, for it (every later run failing until it times out).
late=$(ip netns exec "${R[6]}" timeout 6 python3 -c "
import select, socket, struct, time
vip = socket.inet_aton('$VIP')
rx = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, socket.htons(0x0800))
rx.bind(('eth0', 0))
tx = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
pend, sent, rsts, end = [], set(), 0, time.time() + 4
while time.time() < end:
    if select.select([rx], [], [], 0.05)[0]:
        p = rx.recv(2048)
        if len(p) >= 40 and p[16:20] == vip and p[9] == 6 and p[0] == 0x45:
            sport, dport, seq = struct.unpack('!HHI', p[20:28])
            if p[33] & 0x17 == 0x02:
                pend.append((time.time() + 0.7, p[12:16], sport, seq))
            elif p[33] & 0x04 and (sport, (seq - 1) & 0xffffffff) in sent:
                rsts += 1
    for t, src, sport, seq in [x for x in pend if x[0] <= time.time()]:
        pend.remove((t, src, sport, seq))
        sent.add((sport, seq))
        tcp = struct.pack('!HHIIBBHHH', 80, sport, 7, (seq + 1) & 0xffffffff, 0x50, 0x12, 1024, 0, 0)
        h = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 40, 0, 0, 64, 6, 0, vip, src)
        tx.sendto(h + tcp, (socket.inet_ntoa(src), 0))
print(len(sent), rsts)
" 2>/dev/null)
read -r answered resets <<<"${late:-0 0}"
check "late SYN-ACKs reset: $resets of $answered" test "$answered" -ge 2 -a "$resets" -ge $((answered - 1))
check "r6 (answers after the deadline) down: vip_not_accepted" was $V 10.94.0.16:80 "down vip_not_accepted"
dr_ok "${R[2]}"
ip netns exec "${R[3]}" sysctl -qw net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.eth0.arp_ignore=1
check "r2 with the VIP on lo: up" wait_for 5 was $V 10.94.0.12:80 "up ok"
check "r2's UDP service: up" wait_for 5 was $U 10.94.0.12:53 "up ok"
# a question unanswered within 3 s (FWD_ARP_ASK_USEC) plus a run
check "r3 with arp_ignore=1: up" wait_for 10 was $V 10.94.0.13:80 "up ok"
check "the daemon still answers" "$HDCTL" -s "$SOCK" ping
check "no sanitizer report or crash" absent -E "AddressSanitizer|runtime error|Segmentation" "$T_DIR/hd.log"
[ "$FAILS" -eq 0 ] || tail -30 "$T_DIR/hd.log"
t_done
