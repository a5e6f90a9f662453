#!/bin/bash
# smtp_check and dns_check against small real servers (tests/netns/hc-proto-srv.py:
# an asyncio SMTP responder and a UDP DNS responder, each with misbehaving
# modes), and `retry` end to end: a server that drops every second DNS query
# stays up with retry = 1 and flaps without it; a killed SMTP server is taken
# out only after its retries. Verdicts, outcome texts and timing come from
# `hadirectorctl status --json` (the daemon's own last_change).
. "$top_srcdir/tests/netns/lib.sh"
. "$top_srcdir/tests/netns/lib-hc.sh"
SRV="$top_srcdir/tests/netns/hc-proto-srv.py"

t_bridge
DIR=$(t_ns dir); R1=$(t_ns smtp); R2=$(t_ns dns)
t_link "$DIR" eth0 10.89.0.1/24
t_link "$R1" eth0 10.89.0.11/24
t_link "$R2" eth0 10.89.0.12/24

smtp() { bg ip netns exec "$R1" python3 "$SRV" smtp 10.89.0.11 "$@"; }
dns() { bg ip netns exec "$R2" python3 "$SRV" dns 10.89.0.12 "$@"; }
smtp 2525 good "$T_DIR/smtp-2525.log"; GOOD=$LAST
smtp 2526 badgreet
smtp 2527 badhelo
smtp 2528 silent
smtp 2529 garbage
smtp 2531 good "$T_DIR/smtp-2531.log"
dns 5301 good "$T_DIR/dns-5301.log"
dns 5302 good "$T_DIR/dns-5302.log"
dns 5303 nxdomain
dns 5304 nodata
dns 5305 wrongid
dns 5307 flaky
dns 5308 flaky

listening() { ip netns exec "$1" ss -Hltn "sport = :$2" | grep -q LISTEN; }
bound() { ip netns exec "$1" ss -Hlun "sport = :$2" | grep -q .; }
for p in 2525 2526 2527 2528 2529 2531; do
	wait_for 20 listening "$R1" $p || { echo "SMTP server on port $p did not start"; cat "$T_DIR/srv.log"; exit 99; }
done
for p in 5301 5302 5303 5304 5305 5307 5308; do
	wait_for 20 bound "$R2" $p || { echo "DNS server on port $p did not start"; cat "$T_DIR/srv.log"; exit 99; }
done

cat > "$T_DIR/hc.conf" <<CONF
global {
    router_id = hc-smtp-dns
}
virtual_server 10.89.0.100:25 {
    delay_loop = 0.5
    lb_kind = nat
    real_server 10.89.0.11:2525 { smtp_check { helo_name = hc.example  retry = 2  delay_before_retry = 0.2  connect_timeout = 0.5 } }
    real_server 10.89.0.11:2526 { smtp_check { } }
    real_server 10.89.0.11:2527 { smtp_check { } }
    real_server 10.89.0.11:2528 { smtp_check { connect_timeout = 0.5 } }
    real_server 10.89.0.11:2529 { smtp_check { } }
    real_server 10.89.0.11:2530 { smtp_check { } }
    real_server 10.89.0.11:2531 { smtp_check { } }
}
virtual_server 10.89.0.100:53/udp {
    delay_loop = 0.5
    lb_kind = nat
    real_server 10.89.0.12:5301 { dns_check { type = A  name = www.example.test } }
    real_server 10.89.0.12:5302 { dns_check { } }
    real_server 10.89.0.12:5303 { dns_check { type = A  name = nx.example.test } }
    real_server 10.89.0.12:5304 { dns_check { type = AAAA  name = www.example.test } }
    real_server 10.89.0.12:5305 { dns_check { type = A  name = www.example.test  connect_timeout = 0.5 } }
    real_server 10.89.0.12:5306 { dns_check { type = A  name = www.example.test } }
    real_server 10.89.0.12:5307 { dns_check { type = A  name = www.example.test  connect_timeout = 0.3  retry = 1  delay_before_retry = 0.1 } }
    real_server 10.89.0.12:5308 { dns_check { type = A  name = www.example.test  connect_timeout = 0.3  delay_before_retry = 0.1 } }
}
CONF

hc_start "$DIR" "$T_DIR/hc.conf"

check "daemon answers" wait_for 5 "$HDCTL" -s "$SOCK" ping
check "no 'not implemented' warning for smtp_check/dns_check" absent 'not implemented' "$T_DIR/hd.log"

S=10.89.0.100:25
check "SMTP: good server is up with 'ok'" wait_for 4 is $S 10.89.0.11:2525 last_outcome ok
check "SMTP: the check ran (runs > 0)" test "$(rs $S 10.89.0.11:2525 'checkers[0].runs')" -gt 0
check "SMTP: HELO with helo_name, then QUIT" wait_for 2 sh -c \
	"grep -qx 'HELO hc.example' '$T_DIR/smtp-2525.log' && grep -qx QUIT '$T_DIR/smtp-2525.log'"
check "SMTP: default HELO name is localhost" wait_for 4 grep -qx 'HELO localhost' "$T_DIR/smtp-2531.log"
check "SMTP: 554 greeting: down, 'smtp bad reply 554'" wait_for 4 is $S 10.89.0.11:2526 last_outcome "smtp bad reply 554"
check "SMTP: 554 greeting server is down" is $S 10.89.0.11:2526 state down
check "SMTP: 501 to HELO: 'smtp bad reply 501'" wait_for 4 is $S 10.89.0.11:2527 last_outcome "smtp bad reply 501"
check "SMTP: 501 server is down" is $S 10.89.0.11:2527 state down
check "SMTP: silent server: 'timeout'" wait_for 4 is $S 10.89.0.11:2528 last_outcome timeout
dur=$(rs $S 10.89.0.11:2528 'checkers[0].last_duration_ms')
check "SMTP: the silent server was given up at its 0.5 s timeout (${dur} ms)" \
	awk -v d="$dur" 'BEGIN { exit !(d >= 480 && d < 1000) }'
check "SMTP: not an SMTP server: 'smtp bad reply 0'" wait_for 4 is $S 10.89.0.11:2529 last_outcome "smtp bad reply 0"
check "SMTP: closed port: 'connect refused'" wait_for 4 is $S 10.89.0.11:2530 last_outcome "connect refused"
check "SMTP: closed port is down" is $S 10.89.0.11:2530 state down

D=udp/10.89.0.100:53
check "DNS: good server is up with 'ok'" wait_for 4 is $D 10.89.0.12:5301 last_outcome ok
check "DNS: the query asked for name and type" grep -qx 'www.example.test. 1' "$T_DIR/dns-5301.log"
check "DNS: default query is SOA of the root, and passes" wait_for 4 is $D 10.89.0.12:5302 last_outcome ok
check "DNS: default query on the wire" grep -qx '. 6' "$T_DIR/dns-5302.log"
check "DNS: NXDOMAIN: 'dns rcode 3'" wait_for 4 is $D 10.89.0.12:5303 last_outcome "dns rcode 3"
check "DNS: NXDOMAIN server is down" is $D 10.89.0.12:5303 state down
check "DNS: NODATA: 'dns no answer'" wait_for 4 is $D 10.89.0.12:5304 last_outcome "dns no answer"
check "DNS: NODATA server is down" is $D 10.89.0.12:5304 state down
check "DNS: replies with another ID are ignored: 'timeout'" wait_for 4 is $D 10.89.0.12:5305 last_outcome timeout
check "DNS: closed port: 'udp port unreachable'" wait_for 4 is $D 10.89.0.12:5306 last_outcome "udp port unreachable"
check "DNS: closed port is down" is $D 10.89.0.12:5306 state down

# retry: every second query is dropped. retry = 1 rides over it; without
# retry each drop takes the server out.
check "retry 0: a dropped query takes the flaky server down" wait_for 5 grep -q \
	"real server 10.89.0.12:5308 of $D: up -> down (timeout)" "$T_DIR/hd.log"
check "retry 1: the flaky server has had retried attempts" wait_for 5 sh -c \
	"'$HDCTL' -s '$SOCK' status --json | jq -e '.healthcheck[] | select(.vs == \"$D\") | .real_servers[] | select(.rs == \"10.89.0.12:5307\") | .checkers[0].retries >= 3' >/dev/null"
status
check "retry 1: ... and every one of them was followed by a success (failures == retries)" \
	test "$(rs $D 10.89.0.12:5307 'checkers[0].failures')" = "$(rs $D 10.89.0.12:5307 'checkers[0].retries')"
check "retry 1: the flaky server is still up" is $D 10.89.0.12:5307 state up
check "retry 1: and never went down" absent '10.89.0.12:5307 .*-> down' "$T_DIR/hd.log"

# Kill the good SMTP server: with retry = 2 and delay_before_retry = 0.2 it
# goes down only after three failed attempts, i.e. >= 400 ms after the first
# failure, and within delay_loop + 2 x 0.2 s (+ slack for a loaded machine).
status; c0=$(rs $S 10.89.0.11:2525 'checkers[0].retries')
kill "$GOOD"; t0=$(now_ms)
check "killed SMTP server goes down" wait_for 4 is $S 10.89.0.11:2525 state down
t1=$(change_ms $S 10.89.0.11:2525)
check "with reason 'connect refused'" is $S 10.89.0.11:2525 change_reason "connect refused"
check "after two retried attempts" test "$(rs $S 10.89.0.11:2525 'checkers[0].retries')" -eq $((c0 + 2))
check "not before the retries (>= 400 ms: $((t1 - t0)) ms)" test $((t1 - t0)) -ge 400
check "within delay_loop + 2 x delay_before_retry + slack ($((t1 - t0)) ms <= 900 + 500)" test $((t1 - t0)) -le 1400

check "daemon still alive" kill -0 "$HDPID"
kill -TERM "$HDPID"; wait "$HDPID"
check "SIGTERM: clean exit" test $? -eq 0
[ "${HC_DEBUG:-}" ] && cat "$T_DIR/hd.log" "$T_DIR/srv.log"
t_done
