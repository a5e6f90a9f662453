#!/bin/bash
# Thousands of health-checked real servers beside a VRRP pair at advert_int
# 0.1 (Master_Down_Interval 361 ms at the backup): both directors check
# every real server (a new master must find a warm table), HTTP checks of
# 2,000 real servers (1,500 answering on :80, every fourth refusing on :81) every
# 4 s, 500 checks per second per daemon. Over a 20 s window:
# - no VRRP transition on either director, the backup receives (nearly)
#   every advert, and the longest pause between two adverts seen on the
#   wire stays under advert_int + 100 ms: no check holds up the loop;
# - every check runs on time (the checks' run counters grow by the
#   expected number), spread over the interval: no 100 ms of the server
#   sees more connections than the checks due in it plus those a wakeup
#   may gather (the schedule's slack, delay_loop / 40), of both daemons;
#   checks served in one wakeup used to stay together and gather more
#   every round (400 in 100 ms where 50 are due per daemon);
# - the verdicts are right on both: 1,500 up, 500 down as "connect refused".
# It runs alone (a CI run once put hc-valgrind beside it: a tick of 1.15).
HD_TEST_ALONE=1
. "$top_srcdir/tests/netns/lib-vrrp.sh"

NRS=2000 DELAY=4 WIN=20
# a sanitizer build does everything 3-5x slower: a quarter of the load
ldd "$HD" 2>/dev/null | grep -q 'libasan\|libubsan' && NRS=500
NDOWN=$((NRS / 4)) NUP=$((NRS - NRS / 4))
VIP=192.168.168.100
v_bridge
v_host d1 192.168.168.50/24
v_host d2 192.168.168.51/24
v_host rs 192.168.168.10/24
for d in d1 d2; do ip -n "$(nsof $d)" route add 10.3.0.0/16 via 192.168.168.10; done
rsaddr() { echo "10.3.$((1 + $1 / 250)).$((1 + $1 % 250))"; }
for ((i = 0; i < NRS; i++)); do echo "addr add $(rsaddr $i)/32 dev eth0"; done |
	ip -n "$(nsof rs)" -batch - || exit 99

# One asyncio server on 0.0.0.0:80 for all of them; it writes the
# connections it accepted so far every 100 ms, one line each.
cat >"$V_DIR/srv.py" <<'PY'
import asyncio, sys, time
RESP = b"HTTP/1.0 200 OK\r\nContent-Length: 3\r\nConnection: close\r\n\r\nok\n"
count = 0
class P(asyncio.Protocol):
    def connection_made(self, t):
        global count
        count += 1
        self.t = t
    def data_received(self, d):
        if b"\r\n\r\n" in d:
            self.t.write(RESP)
            self.t.close()
async def main():
    loop = asyncio.get_running_loop()
    await loop.create_server(P, "0.0.0.0", 80, backlog=4096, reuse_address=True)
    with open(sys.argv[1], "w", buffering=1) as out:
        while True:
            out.write("%.3f %d\n" % (time.time(), count))
            await asyncio.sleep(0.1)
asyncio.run(main())
PY
ip netns exec "$(nsof rs)" python3 "$V_DIR/srv.py" "$V_DIR/conns" </dev/null \
	>/dev/null 2>"$V_DIR/srv.log" &
disown $! 2>/dev/null

conf() { # NAME PRIO
	v_conf "$V_DIR/$1.conf" "$1" "$2"
	{
		echo "virtual_server 10.9.0.1:80 {"
		echo "    lb_algo = rr  lb_kind = nat  delay_loop = $DELAY"
		for ((i = 0; i < NRS; i++)); do
			echo "    real_server $(rsaddr $i):$((i % 4 == 3 ? 81 : 80)) {" \
				"http_check { path = /  connect_timeout = 2 } }"
		done
		echo "}"
	} >>"$V_DIR/$1.conf"
}
conf d1 150
conf d2 100
v_start d2 "$V_DIR/d2.conf"
v_start d1 "$V_DIR/d1.conf"
check "d1 (150) master" wait_for 15 v_state_is d1 VI_1 MASTER
check "d2 (100) backup" wait_for 5 v_state_is d2 VI_1 BACKUP

# summary NAME: "UP DOWN REFUSED RUNS" of the daemon's real servers
summary() {
	v_status "$1" | jq -r '[.healthcheck[].real_servers[]] |
		"\(map(select(.state == "up")) | length) \(map(select(.state == "down")) | length)" +
		" \(map(select(.last_outcome == "connect refused")) | length) \(map(.checks_run) | add)"'
}
settled() { [ "$(summary "$1" | cut -d' ' -f1-3)" = "$NUP $NDOWN $NDOWN" ]; }
# the first round (start times spread over one delay_loop), then one more
check "d1: $NUP up, $NDOWN down as connect refused" wait_for $((DELAY * 3)) settled d1
check "d2: $NUP up, $NDOWN down as connect refused" wait_for $((DELAY * 3)) settled d2
sleep "$DELAY"

# -- the window
tr1=$(v_field d1 VI_1 transitions) tr2=$(v_field d2 VI_1 transitions)
rx0=$(v_field d2 VI_1 adverts_received)
runs1_0=$(summary d1 | cut -d' ' -f4) runs2_0=$(summary d2 | cut -d' ' -f4)
ip netns exec "$V_BR" tcpdump -i br0 -n -tt -l --immediate-mode 'ip proto 112 and src host 192.168.168.50' \
	>"$V_DIR/adverts.txt" 2>"$V_DIR/tcpdump.log" &
TD=$!
sleep 0.5
t0=$(date +%s.%N)
sleep "$WIN"
t1=$(date +%s.%N)
sleep 0.3
kill "$TD"; wait "$TD" 2>/dev/null
rx1=$(v_field d2 VI_1 adverts_received)
runs1_1=$(summary d1 | cut -d' ' -f4) runs2_1=$(summary d2 | cut -d' ' -f4)

same_transitions() { same_num "$(v_field d1 VI_1 transitions)" "$tr1" && same_num "$(v_field d2 VI_1 transitions)" "$tr2"; }
check "no transition on either director in the window" same_transitions
check "d1 is still master" v_state_is d1 VI_1 MASTER
check "d2 is still backup" v_state_is d2 VI_1 BACKUP

# adverts on the wire inside [t0, t1]: count and the longest pause
read -r nadv maxgap want < <(v_advert_window "$V_DIR/adverts.txt" "$t0" "$t1")
echo "# $nadv adverts from d1 in the window (nominal $want), longest pause $maxgap ms;" \
	"d2 received $((rx1 - rx0))"
check "d1 advertised every advert_int: $nadv of $want" [ "$nadv" -ge $((want * 95 / 100)) ]
check "longest pause between two adverts $maxgap ms < advert_int + 100 ms" [ "$maxgap" -lt 200 ]
check "d2 received them: $((rx1 - rx0)) >= 95% of $want" [ $((rx1 - rx0)) -ge $((want * 95 / 100)) ]

# checks on time: the run counters grow by NRS per delay_loop on each
exp=$(awk -v a="$t0" -v b="$t1" -v n="$NRS" -v d="$DELAY" 'BEGIN { printf "%d", (b - a + 0.8) * n / d }')
echo "# checks run in the window: d1 $((runs1_1 - runs1_0)), d2 $((runs2_1 - runs2_0)) (nominal $exp)"
for d in d1 d2; do
	eval "n=\$((runs${d#d}_1 - runs${d#d}_0))"
	check "$d ran its checks on time: $n of $exp (within 10 %)" \
		awk -v n="$n" -v e="$exp" 'BEGIN { exit !(n >= e * 0.9 && n <= e * 1.1) }'
done

# spread: connections the server accepted per tick (100 ms) against what
# may come: both daemons' checks due in the tick and in one slack before it
read -r mean peak worst < <(awk -v a="$t0" -v b="$t1" -v r="$((2 * NRS / DELAY))" -v sl="$DELAY" '
	$1 >= a && $1 <= b { if (n) { d = $2 - p; s += d; if (d > m) m = d
		q = d / (r * ($1 - tp + sl / 40.0)); if (q > w) w = q }
	p = $2; tp = $1; n++ }
	END { printf "%.1f %d %.2f\n", s / (n - 1), m, w }' "$V_DIR/conns")
echo "# server: $mean connections per 100 ms on average, at most $peak;" \
	"the fullest tick held $worst of what may come"
check "checks spread over the interval (fullest tick $worst of its bound)" \
	awk -v w="$worst" 'BEGIN { exit !(w > 0 && w <= 1) }'
check "verdicts unchanged on d1" settled d1
check "verdicts unchanged on d2" settled d2
v_done
