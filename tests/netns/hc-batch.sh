#!/bin/bash
# Checks share wakeups also at small sizes (issue 24). 20 tcp_checks at
# delay_loop 1 used to be spread evenly, 50 ms apart, with a slack of
# 25 ms: every check had a wakeup of its own (the timer, then the
# server's answer one check at a time: 14 system calls a check where 200
# servers took 8). Their first runs are now put on a grid in groups of
# about 8 (at most a quarter of delay_loop, 250 ms), and every later run
# keeps its phase, so the director's SYNs, seen on the wire, come in a
# few bursts a second, not 20; and each server is still checked once a
# second.
. "$top_srcdir/tests/netns/lib.sh"

t_bridge
DIR=$(t_ns dir); R1=$(t_ns rs1)
t_link "$DIR" eth0 10.89.0.1/24
t_link "$R1" eth0 10.89.0.11/24

# one listener on 20 ports: accept and close
ip netns exec "$R1" python3 -c '
import selectors, socket
sel = selectors.DefaultSelector()
for p in range(9001, 9021):
    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("10.89.0.11", p)); s.listen(64); s.setblocking(False)
    sel.register(s, selectors.EVENT_READ)
while True:
    for k, _ in sel.select():
        try:
            c, _ = k.fileobj.accept(); c.close()
        except OSError:
            pass
' </dev/null >/dev/null 2>&1 &
T_PIDS+=($!)
listening() { [ "$(ip netns exec "$R1" ss -Hltn 'sport >= :9001 and sport <= :9020' | grep -c LISTEN)" = 20 ]; }
wait_for 5 listening || { echo "server did not start"; exit 99; }

{
	echo "global { router_id = hc-batch }"
	echo "virtual_server 10.89.0.100:80 {"
	echo "    delay_loop = 1"
	echo "    lb_kind = nat"
	for p in $(seq 9001 9020); do echo "    real_server 10.89.0.11:$p { tcp_check { } }"; done
	echo "}"
} >"$T_DIR/hc.conf"

ip netns exec "$DIR" "$HD" -n -l -f "$T_DIR/hc.conf" -p "$T_DIR/hd.pid" -s "$T_DIR/hd.sock" \
	2>>"$T_DIR/hd.log" &
T_PIDS+=($!)
sleep 2 # every first run has started
ip netns exec "$DIR" tcpdump -i eth0 -n -tt -l --immediate-mode \
	'tcp[tcpflags] & (tcp-syn|tcp-ack) == tcp-syn and dst host 10.89.0.11' \
	>"$T_DIR/syn.txt" 2>"$T_DIR/tcpdump.log" &
TD=$!
T_PIDS+=($TD)
wait_for 5 grep -q "listening on" "$T_DIR/tcpdump.log" || { echo "tcpdump did not start"; exit 99; }
sleep 5
kill -INT $TD
wait $TD 2>/dev/null
# time dst.port per SYN; a burst: SYNs less than 10 ms after the previous
awk '{ t = $1; split($5, a, "."); p = a[5]; sub(":", "", p) } p ~ /^90[0-9][0-9]$/ { print t, p }' "$T_DIR/syn.txt" \
	>"$T_DIR/syns"
n=$(wc -l <"$T_DIR/syns")
bursts=$(awk 'NR == 1 || $1 - last > 0.010 { b++ } { last = $1 } END { print b + 0 }' "$T_DIR/syns")
echo "# $n SYNs in 5 s in $bursts bursts; per port: $(awk '{ c[$2]++ } END { for (p in c) printf "%s:%d ", p, c[p] }' "$T_DIR/syns")"
check "every server checked about once a second (80-120 SYNs in 5 s: $n)" \
	eval "[ $n -ge 80 ] && [ $n -le 120 ]"
check "each of the 20 servers seen 3-7 times" \
	awk '{ c[$2]++ } END { k = 0; for (p in c) { k++; if (c[p] < 3 || c[p] > 7) exit 1 } exit k != 20 }' "$T_DIR/syns"
# 20 a second when each check has its own wakeup; 4 a second on the grid
check "the checks start in at most 8 bursts a second ($bursts in 5 s)" [ "$bursts" -le 40 ]
t_done
