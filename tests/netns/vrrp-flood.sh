#!/bin/bash
# Valid adverts the master must not answer one for one (issue 18), and
# fairness under a flood:
#  A. `interface = lo`: every advert comes back to its sender. Before, the
#     master answered its own advert (equal priority, "lower" address) with
#     an advert and a GARP, forever: 100 % CPU, status and SIGTERM never
#     served. Now its own address is dropped (own_address).
#  B. 10 s of valid lower-priority adverts and of forged ones from the
#     master's own address, at 100 times its advert rate, while a backup
#     listens: what the master sends (its counter and, independently, what
#     a sniffer on the segment sees) stays at the configured rate, plus at
#     most one answer (advert + GARPs) per second; ctl ping answers
#     throughout; SIGTERM during the flood stops it within 1 s.
#  C. A backlog of lower-priority adverts waiting on the socket (queued
#     while the daemon is stopped) and a signal: the signal is served after
#     at most two receive batches (the socket yields after each, hd_yield),
#     not after the whole backlog. Counted by what the SIGUSR1 state dump
#     says was received, so no timing is involved.
#  D. The same for the rtnetlink monitor: 200 deletions of d1's addresses
#     queued while stopped; the dump must show at most one batch of them
#     handled.
# All bounds are counts relative to the configured rate; the flood only
# has to be far above it, which it is by construction.
. "$top_srcdir/tests/netns/lib-vrrp.sh"

VIP=192.168.168.100
SECS=${HD_FLOOD_SECS:-10}
RATE=${HD_FLOOD_RATE:-1000} # adverts/s of each kind; the master sends 10/s
RX_BUDGET=64                # vrrp/vrrp_io.c
# status with a bound: a starved daemon must fail a check, not hang the test
st() { timeout 3 "$HDCTL" -s "$V_DIR/$1.sock" status --json; }
fld() { # NAME KEY[.SUB]: one field of VI_1
	st "$1" | python3 -c '
import json, sys
v = json.load(sys.stdin)["vrrp"][0]
for k in sys.argv[1].split("."):
    v = v[k]
print(v)' "$2"
}
gone_within() { # PID MS: the process ends within MS
	local end=$(( $(now_ms) + $2 ))
	while [ "$(now_ms)" -lt "$end" ]; do
		kill -0 "$1" 2>/dev/null || return 0
		sleep 0.01
	done
	return 1
}

cat >"$V_DIR/pkt.py" <<'PY'
import socket, struct, sys, time
MASTER, EVIL, VIP = "192.168.168.50", "192.168.168.66", "192.168.168.100"
def csum(b):
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16: s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff
def advert(src, prio, dst=MASTER):
    m = bytes([0x31, 51, prio, 1]) + struct.pack("!HH", 10, 0) + socket.inet_aton(VIP)
    ph = socket.inet_aton(src) + socket.inet_aton(dst) + struct.pack("!BBH", 0, 112, len(m))
    m = m[:6] + struct.pack("!H", csum(ph + m)) + m[8:]
    return struct.pack("!BBHHHBBH4s4s", 0x45, 0xc0, 20 + len(m), 1, 0, 255, 112, 0,
                       socket.inet_aton(src), socket.inet_aton(dst)) + m
lower, own = advert(EVIL, 100), advert(MASTER, 150)
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
mode = sys.argv[1]
if mode == "burst":                      # N lower-priority adverts, at once
    for _ in range(int(sys.argv[2])):
        s.sendto(lower, (MASTER, 0))
    sys.exit(0)
if mode == "flood":                      # RATE of each kind per second, SECS
    rate, secs = int(sys.argv[2]), float(sys.argv[3])
    sent, t0 = [0, 0], time.monotonic()
    while True:
        el = time.monotonic() - t0
        if el >= secs:
            break
        for _ in range(max(0, min(int(el * rate) - sent[0], rate // 10))):
            for k, p in enumerate((lower, own)):
                try:
                    s.sendto(p, (MASTER, 0)); sent[k] += 1
                except OSError:
                    pass
        time.sleep(0.002)
    print(sent[0], sent[1])
    sys.exit(0)
# sniff SECS MAC: what the master puts on the wire (adverts from its
# address, ARP from its MAC), seen from the flooding host
secs, mac = float(sys.argv[2]), bytes.fromhex(sys.argv[3].replace(":", ""))
r = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
r.bind(("eth0", 0))
r.settimeout(0.2)
adv = arp = 0
end = time.monotonic() + secs
while time.monotonic() < end:
    try:
        f, a = r.recvfrom(2048)
    except socket.timeout:
        continue
    if a[2] == socket.PACKET_OUTGOING or f[6:12] != mac:
        continue
    et = f[12:14]
    if et == b"\x08\x06":
        arp += 1
    elif et == b"\x08\x00" and f[23] == 112 and f[26:30] == socket.inet_aton(MASTER):
        adv += 1
print(adv, arp)
PY
py() { local ns="$1"; shift; ip netns exec "$(nsof "$ns")" python3 "$V_DIR/pkt.py" "$@"; }

# ---- A: interface = lo -----------------------------------------------------
v_ns lo1
cat >"$V_DIR/lo1.conf" <<'EOF'
global { router_id = lo1 }
vrrp_instance VI_1 {
    interface = lo
    virtual_router_id = 51
    priority = 150
    advert_int = 0.1
    virtual_ipaddress = { 10.9.9.9/32 }
}
EOF
v_start lo1 "$V_DIR/lo1.conf"
check "lo: master" wait_for 3 grep -q "BACKUP -> MASTER" "$V_DIR/lo1.log"
sleep 0.5
t0=$(now_ms); s0=$(fld lo1 adverts_sent); o0=$(fld lo1 drops.own_address)
check "lo: ctl ping answers" timeout 3 "$HDCTL" -s "$V_DIR/lo1.sock" ping
sleep 2
o1=$(fld lo1 drops.own_address); s1=$(fld lo1 adverts_sent); t1=$(now_ms)
el=$(( t1 - t0 ))
echo "# lo: ${el} ms: adverts sent ${s0:-?} -> ${s1:-?}, own_address ${o0:-?} -> ${o1:-?}"
# 10/s periodic, at most 1/s answered (nothing is), +2 for the edges
check "lo: adverts at the configured rate (<= $(( el * 11 / 1000 + 2 )) in $el ms)" \
	eval "[ -n '$s1' ] && [ $(( ${s1:-0} - ${s0:-0} )) -le $(( el * 11 / 1000 + 2 )) ]"
check "lo: its own adverts dropped and counted as own_address" \
	eval "[ -n '$o1' ] && [ $(( ${o1:-0} - ${o0:-0} )) -ge $(( el * 5 / 1000 )) ]"
check "lo: status answers" grep -q . <(st lo1)
kill -TERM "$(v_pid lo1)"
check "lo: SIGTERM stops it within 1 s" gone_within "$(v_pid lo1)" 1000
kill -9 "$(v_pid lo1)" 2>/dev/null

# ---- C: a backlog and a signal ---------------------------------------------
v_bridge
v_host d1 192.168.168.50/24
v_host d2 192.168.168.51/24
v_host evil 192.168.168.66/24
# The kernel drops IPv4 from one of our own addresses unless accept_local:
# let the forged "own" adverts reach the daemon (IPv6 has no such check).
ip netns exec "$(nsof d1)" sysctl -qw net.ipv4.conf.all.accept_local=1 net.ipv4.conf.eth0.accept_local=1
v_conf "$V_DIR/d1.conf" d1 150
v_conf "$V_DIR/d2.conf" d2 100
v_start d1 "$V_DIR/d1.conf"
check "d1 master" wait_for 4 v_state_is d1 VI_1 MASTER
r0=$(fld d1 adverts_received)
BACKLOG=$(( RX_BUDGET * 4 ))
kill -STOP "$(v_pid d1)"
py evil burst "$BACKLOG"
sleep 0.3
kill -USR1 "$(v_pid d1)"
kill -CONT "$(v_pid d1)"
check "backlog: the state dump is logged" wait_for 3 grep -q "vrrp VI_1: state" "$V_DIR/d1.log"
r_dump=$(grep "vrrp VI_1: state" "$V_DIR/d1.log" | tail -n 1 | sed 's/.* received \([0-9]*\).*/\1/')
check "backlog: d1 still answers" wait_for 3 eval "[ -n \"\$(fld d1 adverts_received)\" ]"
sleep 0.3
r1=$(fld d1 adverts_received)
before=$(( ${r_dump:-0} - r0 )); total=$(( ${r1:-0} - r0 ))
echo "# backlog: $total of $BACKLOG adverts queued while stopped; $before received before the signal"
check "backlog: at least 3 batches queued ($total >= $(( RX_BUDGET * 3 )))" [ "$total" -ge $(( RX_BUDGET * 3 )) ]
check "backlog: the signal came after at most 2 batches ($before <= $(( RX_BUDGET * 2 )))" \
	eval 'is_num "$r0" "$r_dump" && [ "$before" -le $(( RX_BUDGET * 2 )) ]'
check "backlog: d1 still master" v_state_is d1 VI_1 MASTER

# ---- D: the same with netlink events -----------------------------------------
# 200 addresses of d1's (virtual_ipaddress_excluded, added by a reload: not
# in the adverts, so A to C are not changed by them) deleted by hand while
# d1 is stopped: on resuming, each deletion it reads is an address "removed
# by someone else", put back and counted (vips_restored). Distinct
# addresses, so every put-back succeeds and counts (a deletion followed by
# an add of the same address would leave nothing to put back). The signal
# must come after at most one batch of the monitor socket (NL_BUDGET 16
# datagrams, one event each).
NL_BUDGET=16
excl=$(for i in $(seq 200); do printf '10.77.%d.%d/32, ' $((i / 250)) $((i % 250 + 1)); done)
v_conf "$V_DIR/d1.conf" d1 150 "virtual_ipaddress_excluded = { ${excl%, } }"
kill -HUP "$(v_pid d1)"
check "netlink backlog: the 200 excluded addresses are on d1" \
	wait_for 5 eval "[ \"\$(ip -n $(nsof d1) -4 -o addr show dev eth0 | grep -c ' 10\.77\.')\" = 200 ]"
k0=$(fld d1 vips_restored)
for i in $(seq 200); do printf 'addr del 10.77.%d.%d/32 dev eth0\n' $((i / 250)) $((i % 250 + 1)); done \
	>"$V_DIR/nl.batch"
kill -STOP "$(v_pid d1)"
ip -n "$(nsof d1)" -batch "$V_DIR/nl.batch"
sleep 0.3
kill -USR1 "$(v_pid d1)"
kill -CONT "$(v_pid d1)"
check "netlink backlog: d1 puts all 200 back" wait_for 5 eval "is_num '$k0' && [ \"\$(fld d1 vips_restored)\" = $(( ${k0:-0} + 200 )) ]"
# vips_restored as of the signal: the last state dump's JSON, reassembled
k_dump=$(python3 - "$V_DIR/d1.log" <<'PY'
import json, re, sys
parts = {}
for line in open(sys.argv[1]):
    m = re.search(r"state dump (\d+)/(\d+): (.*)$", line)
    if m:
        if m.group(1) == "1":
            parts = {}
        parts[int(m.group(1))] = m.group(3)
print(json.loads("".join(parts[k] for k in sorted(parts)))["vrrp"][0]["vips_restored"])
PY
)
before=$(( ${k_dump:-0} - ${k0:-0} ))
echo "# netlink backlog: 200 deletions queued while stopped; $before read before the signal"
check "netlink backlog: the signal came after at most one batch ($before <= $NL_BUDGET)" \
	eval "[ -n '$k_dump' ] && [ $before -le $NL_BUDGET ]"
check "netlink backlog: d1 still master, VIP on" eval "v_state_is d1 VI_1 MASTER && v_has_vip d1 $VIP"
# back to the file without them: B counts the ARPs of d1's answers, one
# per address
v_conf "$V_DIR/d1.conf" d1 150
kill -HUP "$(v_pid d1)"
check "netlink backlog: the excluded addresses are gone after the reload" \
	wait_for 5 eval "ip -n $(nsof d1) -4 -o addr show dev eth0 | grep -q ' 192\.168\.168\.50/' && ! ip -n $(nsof d1) -4 -o addr show dev eth0 | grep -q ' 10\.77\.'"

# ---- B: the 10 s flood -------------------------------------------------------
v_start d2 "$V_DIR/d2.conf"
check "d2 backup" wait_for 4 v_state_is d2 VI_1 BACKUP
mac=$(ip -n "$(nsof d1)" -o link show eth0 | sed 's/.*link\/ether \([0-9a-f:]*\).*/\1/')
py evil sniff $(( SECS + 2 )) "$mac" >"$V_DIR/sniff.txt" &
sn=$!
sleep 0.5
tr2=$(fld d2 transitions); rx2=$(fld d2 adverts_received)
py evil flood "$RATE" "$SECS" >"$V_DIR/sent.txt" &
fl=$!
sleep 0.5
# the window [t0, t1] holds both counter reads: what was sent in it can
# only be less than its length allows
t0=$(now_ms)
s0=$(fld d1 adverts_sent); o0=$(fld d1 drops.own_address); l0=$(fld d1 drops.answer_rate_limited)
: >"$V_DIR/ping.txt"
while [ $(( $(now_ms) - t0 )) -lt $(( (SECS - 2) * 1000 )) ]; do
	p0=$(now_ms)
	if timeout 5 "$HDCTL" -s "$V_DIR/d1.sock" ping >/dev/null 2>&1; then
		echo $(( $(now_ms) - p0 )) >>"$V_DIR/ping.txt"
	else
		echo fail >>"$V_DIR/ping.txt"
	fi
	sleep 0.2
done
s1=$(fld d1 adverts_sent)
t1=$(now_ms)
o1=$(fld d1 drops.own_address); l1=$(fld d1 drops.answer_rate_limited)
tr1=$(fld d1 transitions)
check "flood: d2 never took over" same_num "$(fld d2 transitions)" "$tr2"
rx2=$(( $(fld d2 adverts_received) - rx2 ))
t_kill=$(v_clock_ms)
kill -TERM "$(v_pid d1)"
check "flood: SIGTERM during the flood stops d1 within 1 s" gone_within "$(v_pid d1)" 1000
t_stop=$(v_log_ms d1 "signal 15: stopping")
wait "$fl"; wait "$sn"
read -r f_lower f_own <"$V_DIR/sent.txt"
read -r w_adv w_arp <"$V_DIR/sniff.txt"
el=$(( t1 - t0 )); sent=$(( ${s1:-0} - ${s0:-0} ))
own=$(( ${o1:-0} - ${o0:-0} )); lim=$(( ${l1:-0} - ${l0:-0} ))
n_ping=$(grep -c . "$V_DIR/ping.txt"); n_fail=$(grep -c fail "$V_DIR/ping.txt")
max=$(grep -v fail "$V_DIR/ping.txt" | sort -n | tail -n 1)
echo "# flood: $f_lower lower + $f_own own-address adverts in $SECS s; over $el ms d1 sent $sent adverts, counted $own own_address, $lim answer_rate_limited"
echo "# on the wire from d1 over $(( SECS + 2 )) s: $w_adv adverts, $w_arp ARP; ctl ping: $n_ping, $n_fail failed, max ${max:-?} ms; SIGTERM logged after $(( ${t_stop:-0} - t_kill )) ms"
check "flood: at least 50 times d1's advert rate ($f_lower + $f_own in $SECS s)" \
	[ $(( ${f_lower:-0} + ${f_own:-0} )) -ge $(( SECS * 10 * 50 )) ]
# periodic 10/s plus at most one answer per second, +2 for the edges
check "flood: d1's adverts at the configured rate ($sent <= $(( el * 11 / 1000 + 2 )) in $el ms)" \
	eval 'is_num "$s0" "$s1" && [ "$sent" -le $(( el * 11 / 1000 + 2 )) ]'
check "flood: d1 kept advertising (>= 70% of the periodic $(( el / 100 )): $sent)" \
	[ $(( sent * 10 )) -ge $(( el / 100 * 7 )) ]
check "flood: on the wire too ($w_adv adverts <= $(( (SECS + 2) * 11 + 3 )) in $(( SECS + 2 )) s)" \
	eval 'is_num "$w_adv" && [ "$w_adv" -le $(( (SECS + 2) * 11 + 3 )) ]'
# an answer is garp_lower_prio_repeat (default garp_master_repeat, 5) per
# VIP; +5: the delayed burst after becoming master may fall in the window
check "flood: ARP from d1 at most 5 per second ($w_arp <= $(( (SECS + 3) * 5 + 5 )))" \
	eval 'is_num "$w_arp" && [ "$w_arp" -le $(( (SECS + 3) * 5 + 5 )) ]'
# the window is 80% of the flood: at least a quarter of each kind counted
check "flood: its own address dropped and counted ($own of $f_own)" \
	eval 'is_num "$f_own" "$o0" "$o1" && [ "$own" -ge $(( f_own / 4 )) ]'
check "flood: unanswered lower priorities counted ($lim of $f_lower)" \
	eval 'is_num "$f_lower" "$l0" "$l1" && [ "$lim" -ge $(( f_lower / 4 )) ]'
check "flood: every ctl ping answered ($n_fail of $n_ping failed, max ${max:-?} ms)" \
	eval "[ '$n_fail' = 0 ] && [ '$n_ping' -ge $SECS ]"
check "flood: d1 stayed master (transitions ${tr1:-?})" [ "${tr1:-0}" = 2 ]
check "flood: d2 kept hearing d1 ($rx2 adverts in $el ms)" [ "$rx2" -ge $(( el * 7 / 1000 )) ]
v_done
