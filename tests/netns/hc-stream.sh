#!/bin/bash
# Real servers that talk without end, at full speed (tests/netns/hc-stream-srv.py),
# checked by the master of a VRRP pair at advert_int 0.1 (Master_Down_Interval
# 361 ms at the backup): an endless 200 body under a digest (three such
# servers, and one over TLS), endless "100 Continue" interim responses (headers: 16 kB), an
# endless multi-line SMTP greeting, 1 MB bodies (plain and TLS) that
# end and are then followed by silence, a legitimate 3 kB greeting in 40 lines,
# a flood of DNS replies that are not the answer. Every read handler must
# return to the loop after a bounded amount (the socket stays readable: it
# is called again) and give up at a total cap with a named outcome. Over a
# 10 s window:
# - no VRRP transition, the longest pause between two adverts on the wire
#   stays under advert_int + 100 ms and (nearly) all of them arrive;
# - each endless answer is down as "reply too large" (the DNS flood as
#   "dns bad reply") well within its connect_timeout, the 3 kB greeting is
#   up; the checks keep running (their run counters grow);
# - `hadirectorctl status` answers promptly throughout.
# It runs alone: beside another test on two cores the servers' full speed
# would measure that test. Before the bounds the first digest check read the
# endless body in one wakeup and never came back to the loop.
HD_TEST_ALONE=1
. "$top_srcdir/tests/netns/lib-vrrp.sh"
SRV="$top_srcdir/tests/netns/hc-stream-srv.py"
WIN=10 TMO=2

v_bridge
v_host d1 192.168.168.50/24
v_host d2 192.168.168.51/24
v_host rs 192.168.168.10/24
RS=192.168.168.10
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=rs.test \
	-keyout "$V_DIR/srv.key" -out "$V_DIR/srv.pem" 2>/dev/null || exit 99
srv() { # MODE PORT [ARGS]
	ip netns exec "$(nsof rs)" python3 "$SRV" "$1" "$RS" "${@:2}" </dev/null \
		>/dev/null 2>>"$V_DIR/srv.log" &
	disown $! 2>/dev/null
}
srv http 8001; srv http 8011; srv http 8012
srv https 8002 "$V_DIR/srv.pem" "$V_DIR/srv.key"
srv big 8004
srv https-big 8005 "$V_DIR/srv.pem" "$V_DIR/srv.key"
srv interim 8003
srv smtp-endless 2501
srv smtp-long 2502
srv dns-flood 5301
listening() { ip netns exec "$(nsof rs)" ss -Hltn "sport = :$1" | grep -q LISTEN; }
bound() { ip netns exec "$(nsof rs)" ss -Hlun "sport = :$1" | grep -q .; }
for p in 8001 8011 8012 8002 8003 8004 8005 2501 2502; do
	wait_for 20 listening $p || { echo "server on port $p did not start"; cat "$V_DIR/srv.log"; exit 99; }
done
wait_for 20 bound 5301 || { echo "DNS server did not start"; exit 99; }

# the digest of a body that never ends: anything will do
MD5=0123456789abcdef0123456789abcdef
BIG=$(python3 -c 'import hashlib; print(hashlib.md5(bytes(i % 251 for i in range(1 << 20))).hexdigest())')
v_conf "$V_DIR/d1.conf" d1 150
cat >>"$V_DIR/d1.conf" <<CONF
virtual_server 10.9.0.1:80 {
    lb_kind = nat  delay_loop = 1
    real_server $RS:8001 { http_check { path = /  digest = $MD5  connect_timeout = $TMO } }
    real_server $RS:8011 { http_check { path = /  digest = $MD5  connect_timeout = $TMO } }
    real_server $RS:8012 { http_check { path = /  digest = $MD5  connect_timeout = $TMO } }
    real_server $RS:8002 { https_check { path = /  digest = $MD5  verify = false  connect_timeout = $TMO } }
    real_server $RS:8003 { http_check { path = /  connect_timeout = $TMO } }
    real_server $RS:8004 { http_check { path = /  digest = $BIG  connect_timeout = $TMO } }
    real_server $RS:8005 { https_check { path = /  digest = $BIG  verify = false  connect_timeout = $TMO } }
}
virtual_server 10.9.0.1:25 {
    lb_kind = nat  delay_loop = 1
    real_server $RS:2501 { smtp_check { connect_timeout = $TMO } }
    real_server $RS:2502 { smtp_check { connect_timeout = $TMO } }
}
virtual_server 10.9.0.1:53/udp {
    lb_kind = nat  delay_loop = 1
    real_server $RS:5301 { dns_check { type = A  name = www.example.test  connect_timeout = $TMO } }
}
CONF
v_conf "$V_DIR/d2.conf" d2 100
v_start d2 "$V_DIR/d2.conf"
v_start d1 "$V_DIR/d1.conf"
# status with a bound of its own: a daemon stuck in a read handler never answers
st() { timeout 5 "$HDCTL" -s "$V_DIR/$1.sock" status --json; }
field() { # NAME INSTANCE KEY
	st "$1" | jq -r --arg i "$2" ".vrrp[] | select(.name == \$i) | .$3"
}
state_is() { [ "$(field "$1" VI_1 state 2>/dev/null)" = "$2" ]; }
rsf() { # VS RS JQPATH (of d1)
	st d1 | jq -r --arg vs "$1" --arg rs "$2" \
		".healthcheck[] | select(.vs == \$vs) | .real_servers[] | select(.rs == \$rs) | .$3"
}
is() { [ "$(rsf "$1" "$2" "$3")" = "$4" ]; }
check "d2 (100) backup" wait_for 10 state_is d2 BACKUP
check "d1 (150) master" wait_for 15 state_is d1 MASTER

H=10.9.0.1:80 S=10.9.0.1:25 D=udp/10.9.0.1:53
for p in 8001 8011 8012 8002; do
	check "http $p: endless answer is 'reply too large'" \
		wait_for 10 is $H $RS:$p 'checkers[0].outcome' reply_too_large
done
check "http 8003: endless interim answers are a 'protocol error' (header too long)" \
	wait_for 10 is $H $RS:8003 'checkers[0].outcome' protocol_error
# 1 MB, then silence: read in many wakeups, the last ones with no new
# bytes (and no new edge) to come, so each must be called again by itself
for p in 8004 8005; do
	check "http $p: a 1 MB body under the cap, then silence: 'ok'" \
		wait_for 10 is $H $RS:$p 'checkers[0].outcome' ok
done
check "smtp 2501: endless greeting is 'reply too large'" \
	wait_for 10 is $S $RS:2501 'checkers[0].outcome' reply_too_large
check "smtp 2502: a 3 kB greeting in 40 lines is 'ok'" \
	wait_for 10 is $S $RS:2502 'checkers[0].outcome' ok
check "dns 5301: a flood of replies that are not the answer is 'dns bad reply'" \
	wait_for 10 is $D $RS:5301 'checkers[0].outcome' dns_bad_reply

# -- the window
tr1=$(field d1 VI_1 transitions) tr2=$(field d2 VI_1 transitions)
rx0=$(field d2 VI_1 adverts_received)
runs0=$(st d1 | jq '[.healthcheck[].real_servers[].checks_run] | add')
ip netns exec "$V_BR" tcpdump -i br0 -n -tt -l --immediate-mode 'ip proto 112 and src host 192.168.168.50' \
	>"$V_DIR/adverts.txt" 2>"$V_DIR/tcpdump.log" &
TD=$!
sleep 0.5
t0=$(date +%s.%N)
worst=0
end=$(($(now_ms) + WIN * 1000))
while [ "$(now_ms)" -lt "$end" ]; do
	a=$(now_ms)
	st d1 >/dev/null || worst=99999
	b=$(now_ms)
	[ $((b - a)) -gt "$worst" ] && worst=$((b - a))
	sleep 0.2
done
t1=$(date +%s.%N)
sleep 0.3
kill "$TD"; wait "$TD" 2>/dev/null
rx1=$(field d2 VI_1 adverts_received)
runs1=$(st d1 | jq '[.healthcheck[].real_servers[].checks_run] | add')

check "no transition on d1 ($tr1 -> $(field d1 VI_1 transitions))" same_num "$(field d1 VI_1 transitions)" "$tr1"
check "no transition on d2 ($tr2 -> $(field d2 VI_1 transitions))" same_num "$(field d2 VI_1 transitions)" "$tr2"
check "d1 is still master" state_is d1 MASTER
check "d2 is still backup" state_is d2 BACKUP
read -r nadv maxgap want < <(v_advert_window "$V_DIR/adverts.txt" "$t0" "$t1")
echo "# $nadv adverts from d1 in the window (nominal $want), longest pause $maxgap ms;" \
	"d2 received $((rx1 - rx0)); slowest status $worst ms; checks run $((runs1 - runs0))"
check "d1 advertised every advert_int: $nadv of $want" [ "$nadv" -ge $((want * 95 / 100)) ]
check "longest pause between two adverts $maxgap ms < advert_int + 100 ms" [ "$maxgap" -lt 200 ]
check "d2 received them: $((rx1 - rx0)) >= 95% of $want" [ $((rx1 - rx0)) -ge $((want * 95 / 100)) ]
check "status answered every time, the slowest in $worst ms (< 1000)" [ "$worst" -lt 1000 ]
# 10 real servers every delay_loop (1 s), each check shorter than its timeout
check "the checks kept running: $((runs1 - runs0)) in ${WIN} s (>= $((10 * WIN / 2)))" \
	[ $((runs1 - runs0)) -ge $((10 * WIN / 2)) ]

# the named outcomes, each reached well within connect_timeout ($TMO s)
dur_ok() { # VS RS
	local d
	d=$(rsf "$1" "$2" 'checkers[0].last_duration_ms')
	echo "# $2: last check took $d ms"
	awk -v d="$d" -v t="$TMO" 'BEGIN { exit !(d != "" && d < t * 1000 / 2) }'
}
for p in 8001 8011 8012 8002 8003; do
	if [ $p = 8003 ]; then o=protocol_error; else o=reply_too_large; fi
	check "http $p: still '$o'" is $H $RS:$p 'checkers[0].outcome' $o
	check "http $p: down" is $H $RS:$p state down
	check "http $p: decided in under half its timeout" dur_ok $H $RS:$p
done
for p in 8004 8005; do
	check "http $p: the 1 MB body is still 'ok', up" is $H $RS:$p state up
	check "http $p: never went down" absent "$RS:$p .*-> down" "$V_DIR/d1.log"
	check "http $p: read in under half its timeout" dur_ok $H $RS:$p
done
check "smtp 2501: still 'reply too large'" is $S $RS:2501 'checkers[0].outcome' reply_too_large
check "smtp 2501: down" is $S $RS:2501 state down
check "smtp 2501: decided in under half its timeout" dur_ok $S $RS:2501
check "smtp 2502: the 3 kB greeting is still 'ok', up" is $S $RS:2502 state up
check "smtp 2502: never went down" absent "$RS:2502 .*-> down" "$V_DIR/d1.log"
check "dns 5301: 'dns bad reply', down" is $D $RS:5301 state down
check "dns 5301: decided in under half its timeout" dur_ok $D $RS:5301
v_done
