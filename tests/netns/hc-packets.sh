#!/bin/bash
# The packets a check costs, counted on the wire: every packet on both
# ends' TCP stacks is CPU on the director (and on the real server), so a
# check sends no more than it must. With delayed ACKs from the socket's
# start (hc_socket) the handshake's ACK rides on the request (tcp_check: on
# the FIN) and the response's on our FIN; and an http_check closes after
# the server's FIN (it asked the server to close), which leaves the last
# ACK and the TIME_WAIT to the server:
#   http_check  director sends SYN, request, FIN:  3 (4 closing first, 6 without both)
#   tcp_check   director sends SYN, FIN, last ACK: 3 (4 without)
# and the close is a normal one: no RST from the director, also when the
# server writes the head and the body apart; but a page far larger than a
# health page is cut off (with a reset) after 64 kB, not downloaded.
. "$top_srcdir/tests/netns/lib.sh"
SRV="$top_srcdir/tests/netns/hc-srv.py"

t_bridge
DIR=$(t_ns dir); R1=$(t_ns rs1)
t_link "$DIR" eth0 10.89.0.1/24
t_link "$R1" eth0 10.89.0.11/24

bg() { "$@" </dev/null >/dev/null 2>&1 & T_PIDS+=($!); }
# One write of the whole response, then close: what a small health page is.
bg ip netns exec "$R1" python3 "$SRV" 10.89.0.11 8080 raw \
	'HTTP/1.0 200 OK\r\nContent-Length: 3\r\nConnection: close\r\n\r\nok\n'
bg ip netns exec "$R1" python3 "$SRV" 10.89.0.11 8081 raw ''
# python's http.server writes the head and the body apart: two segments.
mkdir "$T_DIR/www"; echo hello >"$T_DIR/www/index.html"
bg ip netns exec "$R1" python3 -m http.server -b 10.89.0.11 -d "$T_DIR/www" 8082
# A health page of 8 MB: read out only so far (64 kB), then cut off.
bg ip netns exec "$R1" python3 "$SRV" 10.89.0.11 8083 big 8000000
# The answer, then the close 20 ms later (nginx and apache log the request
# in between): the director waits for the server's FIN before its own.
bg ip netns exec "$R1" python3 "$SRV" 10.89.0.11 8084 late \
	'HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: close\r\n\r\nok\n'
listening() { ip netns exec "$R1" ss -Hltn "sport = :$1" | grep -q LISTEN; }
for p in 8080 8081 8082 8083 8084; do wait_for 5 listening $p || { echo "server on $p did not start"; exit 99; }; done

cat > "$T_DIR/hc.conf" <<CONF
global { router_id = hc-packets }
virtual_server 10.89.0.100:80 {
    delay_loop = 0.2
    lb_kind = nat
    real_server 10.89.0.11:8080 { http_check { path = / } }
    real_server 10.89.0.11:8081 { tcp_check { } }
    real_server 10.89.0.11:8082 { http_check { path = /index.html } }
    real_server 10.89.0.11:8083 { http_check { path = / } }
    real_server 10.89.0.11:8084 { http_check { path = / } }
}
CONF

ip netns exec "$DIR" tcpdump -i eth0 -n -tt -l --immediate-mode 'tcp and host 10.89.0.11' \
	>"$T_DIR/pkts.txt" 2>"$T_DIR/tcpdump.log" &
TD=$!; T_PIDS+=($TD)
wait_for 5 grep -q "listening on" "$T_DIR/tcpdump.log" || { echo "tcpdump did not start"; exit 99; }

SOCK="$T_DIR/hd.sock"
ip netns exec "$DIR" "$HD" -n -l -f "$T_DIR/hc.conf" -p "$T_DIR/hd.pid" -s "$SOCK" 2>>"$T_DIR/hd.log" &
HDPID=$!; T_PIDS+=($HDPID)
sleep 3
"$HDCTL" -s "$SOCK" status --json >"$T_DIR/st.json" 2>/dev/null
# the side that closed first holds the connection in TIME_WAIT (60 s)
TW=$(ip netns exec "$DIR" ss -Htan state time-wait 'dport = :8080' | wc -l)
TW_LATE=$(ip netns exec "$DIR" ss -Htan state time-wait 'dport = :8084' | wc -l)
# Stop the daemon before the capture so that every connection in it is
# whole (its last ACK included), then let the last closes finish. A check
# in flight at the stop is cut off (and may see a reset): see count().
STOP=$(date +%s.%N)
kill -TERM "$HDPID"; wait "$HDPID" 2>/dev/null
sleep 0.5
kill -INT "$TD"; wait "$TD" 2>/dev/null

up() { jq -r --arg rs "$1" '.healthcheck[].real_servers[] | select(.rs == $rs) | .state' "$T_DIR/st.json"; }
check "http_check sees its server up" [ "$(up 10.89.0.11:8080)" = up ]
check "tcp_check sees its server up" [ "$(up 10.89.0.11:8081)" = up ]
check "http_check of an 8 MB page sees its server up" [ "$(up 10.89.0.11:8083)" = up ]
check "http_check of a server closing late sees it up" [ "$(up 10.89.0.11:8084)" = up ]

# PORT: "connections packets_sent_by_the_director rsts_sent_by_the_director"
# A connection is left out when it began in the last 100 ms before the stop
# or when the director sent anything in it at or after the stop: a check the
# stop cut off (a slow server's, or any under a sanitizer build's load).
count() {
	awk -v p=".$1:" -v stop="$STOP" '$3 ~ /^10\.89\.0\.1\./ && index($5, "10.89.0.11" p) == 1 {
		if (NR == FNR) { if ($1 + 0 >= stop) cut[$3] = 1; next }
		if ($7 == "[S],") t[$3] = $1
		if (!($3 in t) || t[$3] + 0.1 >= stop || ($3 in cut)) next
		out++; if ($7 == "[S],") syn++; if ($7 ~ /R/) rst++ }
		END { printf "%d %d %d\n", syn, out, rst }' "$T_DIR/pkts.txt" "$T_DIR/pkts.txt"
}
per() { # PORT LIMIT NAME: director packets per connection below LIMIT
	local syn out rst
	read -r syn out rst <<<"$(count "$1")"
	if [ "$syn" -lt 5 ]; then
		fail "$3: only $syn connections captured"
		return
	fi
	local x100=$((out * 100 / syn))
	check "$3: $syn connections, the director sent $out packets ($((x100 / 100)).$(printf %02d $((x100 % 100))) per check, limit $2)" \
		[ "$x100" -lt $(($2 * 100)) ]
	check "$3: no RST from the director" [ "$rst" -eq 0 ]
}
per 8080 4 "http_check"
check "http_check: no connection in TIME_WAIT on the director ($TW)" [ "$TW" -eq 0 ]
per 8084 4 "http_check (the server closes 20 ms after its answer)"
check "http_check (late close): no connection in TIME_WAIT on the director ($TW_LATE)" [ "$TW_LATE" -eq 0 ]
per 8081 4 "tcp_check"
per 8082 5 "http_check (head and body in two segments)"
# The 8 MB page: every check ends with a reset after the read-out's limit
# (read to its end, it would close normally); how far the director's ACKs
# went shows it did not take the whole page.
read -r syn out rst <<<"$(count 8083)"
check "8 MB page: each of $syn checks cut off with a reset ($rst)" [ "$syn" -ge 5 -a "$rst" -ge "$syn" ]
maxack=$(awk '$3 ~ /^10\.89\.0\.1\./ && index($5, "10.89.0.11.8083:") == 1 {
	for (i = 8; i < NF; i++) if ($i == "ack") { a = $(i + 1); sub(",", "", a); if (a + 0 > m) m = a + 0 } }
	END { print m + 0 }' "$T_DIR/pkts.txt")
check "8 MB page: the director acknowledged at most $maxack bytes of a connection" [ "$maxack" -lt 8000000 ]
if [ "$T_FAILS" -ne 0 ]; then
	echo "--- capture (first 40 lines); the daemon was stopped at $STOP"
	head -40 "$T_DIR/pkts.txt"
	# every connection but the 8 MB page's in which the director sent a reset, whole
	for c in $(awk '$3 ~ /^10\.89\.0\.1\./ && $7 ~ /R/ && $5 !~ /\.8083:$/ { print $3 }' "$T_DIR/pkts.txt" | sort -u | head -5); do
		echo "--- connection $c"
		grep -F -e " $c " -e " $c:" "$T_DIR/pkts.txt" | head -30
	done
	tail -20 "$T_DIR/hd.log"
fi
t_done
