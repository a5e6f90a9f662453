#!/bin/bash
# Health checks against real servers in their own namespaces: python
# http.server, busybox httpd, openssl s_server (SNI + CA verify), servers
# that answer 503 / chunked / wrong body / never / a malformed status line /
# a bad chunk size / a body ended by the close / a body that stalls, a
# closed port, an absent host, misc_check scripts (exit codes, dynamic weight, a hanging script,
# script_user). Verdicts and outcome texts are read from
# `hadirectorctl status --json`; kill/restart timing and SIGHUP survival too.
. "$top_srcdir/tests/netns/lib.sh"
. "$top_srcdir/tests/netns/lib-hc.sh"
SRV="$top_srcdir/tests/netns/hc-srv.py"

t_bridge
DIR=$(t_ns dir); R1=$(t_ns rs1); R2=$(t_ns rs2)
t_link "$DIR" eth0 10.88.0.1/24
t_link "$R1" eth0 10.88.0.11/24
t_link "$R2" eth0 10.88.0.12/24

# Scripts must be root-owned and not writable by others, in a directory
# that is not world-writable; script_user (nobody) must reach them.
chmod 755 "$T_DIR"
B="$T_DIR/bin"; mkdir -m 755 "$B" "$T_DIR/www"; mkdir -m 777 "$T_DIR/out"
printf '#!/bin/sh\nexit "$1"\n' > "$B/exit.sh"
printf '#!/bin/sh\nexec sleep 37.5\n' > "$B/hang.sh"
printf '#!/bin/sh\nid -u > "$1"\n' > "$B/whoami.sh"
chmod 755 "$B"/*.sh
printf 'this is rs\n' > "$T_DIR/www/index.html"
MD5=$(md5sum < "$T_DIR/www/index.html" | cut -d' ' -f1)
CHUNKED_SHA=$(printf 'chunked body, sent 3 bytes at a time\n' | sha256sum | cut -d' ' -f1)

# TLS: a CA and a server certificate for rs1.example; the server's default
# certificate (no SNI or another name) is self-signed, so verification
# passes only when SNI is sent and the CA file is used.
t_certs "$T_DIR" || { echo "cannot make certificates"; exit 99; }

bg() { "$@" </dev/null >/dev/null 2>&1 & T_PIDS+=($!); LAST=$!; }
start_py() { bg ip netns exec "$R1" python3 -m http.server -b 10.88.0.11 -d "$T_DIR/www" 8080; PY=$LAST; }
start_py
bg ip netns exec "$R2" python3 -c "
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(('10.88.0.12', 9999))
while True:
    d, a = s.recvfrom(2048); s.sendto(b'pong ' + d, a)"
bg ip netns exec "$R2" busybox httpd -f -p 10.88.0.12:8080 -h "$T_DIR/www"
bg ip netns exec "$R1" python3 "$SRV" 10.88.0.11 8081 status 503
bg ip netns exec "$R1" python3 "$SRV" 10.88.0.11 8082 chunked 'chunked body, sent 3 bytes at a time\n'
bg ip netns exec "$R1" python3 "$SRV" 10.88.0.11 8083 body 'not the expected body\n'
bg ip netns exec "$R1" python3 "$SRV" 10.88.0.11 8084 hang
# Our own HTTP client (hc_http_parse.c) against hand-made responses.
bg ip netns exec "$R1" python3 "$SRV" 10.88.0.11 8086 raw 'HTTP/1.1 2OO OK\r\nContent-Length: 0\r\n\r\n'
bg ip netns exec "$R1" python3 "$SRV" 10.88.0.11 8087 raw 'HTTP/1.0 200 OK\r\nServer: raw\r\n\r\nthis is rs\n'
bg ip netns exec "$R1" python3 "$SRV" 10.88.0.11 8088 stall 'HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nthe first 27 bytes of 100\r\n'
bg ip netns exec "$R1" python3 "$SRV" 10.88.0.11 8089 raw 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nthis\r\nzz\r\n'
bg ip netns exec "$R1" python3 "$SRV" 10.88.0.11 8090 chunked 'x'
bg ip netns exec "$R1" python3 "$SRV" 10.88.0.11 8091 raw 'HTTP/1.1 200 OK\r\nContent-Length: zz\r\n\r\nthis is rs\n'
bg ip netns exec "$R1" sh -c "sleep 3600 | openssl s_server -accept 8443 -www -quiet \
	-cert '$T_DIR/other.pem' -key '$T_DIR/other.key' -servername rs1.example \
	-cert2 '$T_DIR/srv.pem' -key2 '$T_DIR/srv.key'"

listening() { ip netns exec "$1" ss -Hltn "sport = :$2" | grep -q LISTEN; }
for p in 8080 8081 8082 8083 8084 8086 8087 8088 8089 8090 8091 8443; do
	# twelve servers start at once, on a machine that may be running another test:
	# a setup wait, not an assertion (5 s once ran out in CI)
	wait_for 20 listening "$R1" $p || { echo "real server on port $p did not start"; exit 99; }
done
wait_for 5 listening "$R2" 8080 || exit 99

HC='delay_loop = 0.5
    lb_kind = nat'
write_conf() { # $1: connect_timeout of the hanging server's check
cat > "$T_DIR/hc.conf" <<CONF
global {
    router_id = hc-test
    script_user = nobody
}
virtual_server 10.88.0.100:80 {
    $HC
    real_server 10.88.0.11:8080 { http_check { path = /index.html  digest = $MD5  rise = 2  fall = 2  connect_timeout = 0.5 } }
    real_server 10.88.0.12:8080 { http_check { path = /index.html  status_code = { 200-299 } }  tcp_check { } }
    real_server 10.88.0.11:8081 { http_check { path = /health } }
    real_server 10.88.0.11:8082 { http_check { path = /  digest = $CHUNKED_SHA } }
    real_server 10.88.0.11:8083 { http_check { path = /  digest = $MD5 } }
    real_server 10.88.0.11:8084 { http_check { path = /  connect_timeout = $1 } }
    real_server 10.88.0.11:8085 { tcp_check { } }
    real_server 10.88.0.13:8080 { tcp_check { connect_timeout = 0.3 } }
    real_server 10.88.0.11:8086 { http_check { path = / } }
    real_server 10.88.0.11:8087 { http_check { path = /  digest = $MD5 } }
    real_server 10.88.0.11:8088 { http_check { path = /  connect_timeout = 0.5 } }
    real_server 10.88.0.11:8089 { http_check { path = /  digest = $MD5 } }
    real_server 10.88.0.11:8090 { http_check { path = /  virtualhost = www.example.com } }
    real_server 10.88.0.11:8091 { http_check { path = / } }
}
virtual_server 10.88.0.106:80 {
    $HC
    real_server 10.88.0.11:8088 { http_check { path = /  digest = $MD5  connect_timeout = 0.5 } }
    real_server 10.88.0.11:8091 { http_check { path = /  digest = $MD5 } }
}
virtual_server 10.88.0.103:80 {
    $HC
    real_server 10.88.0.11:8080 { http_check { path = /index.html  digest = $MD5  rise = 2  fall = 2  connect_timeout = 0.5 } }
}
virtual_server 10.88.0.100:443 {
    $HC
    real_server 10.88.0.11:8443 { https_check { path = /  sni = rs1.example  ca_file = "$T_DIR/ca.pem" } }
}
virtual_server 10.88.0.101:443 {
    $HC
    real_server 10.88.0.11:8443 { https_check { path = /  sni = rs1.example  ca_file = "$T_DIR/other.pem" } }
}
virtual_server 10.88.0.102:443 {
    $HC
    real_server 10.88.0.11:8443 { https_check { path = /  sni = wrong.example  ca_file = "$T_DIR/ca.pem" } }
}
virtual_server 10.88.0.12:9999/udp {
    $HC
    real_server 10.88.0.12:9999 { udp_check { payload = ping  expect = "pong ping"  connect_timeout = 0.5 } }
}
virtual_server 10.88.0.105:9999/udp {
    $HC
    real_server 10.88.0.12:9999 { udp_check { payload = ping  expect = nope  connect_timeout = 0.5 } }
    real_server 10.88.0.12:9998 { udp_check { payload = ping  connect_timeout = 0.5 } }
}
virtual_server 10.88.0.104:80 {
    $HC
    real_server 10.88.0.21:80 { misc_check { script = "$B/exit.sh 0" } }
    real_server 10.88.0.22:80 { misc_check { script = "$B/exit.sh 3" } }
    real_server 10.88.0.23:80 { weight = 9  misc_check { script = "$B/exit.sh 7"  dynamic_weight = true } }
    real_server 10.88.0.24:80 { misc_check { script = "$B/hang.sh"  timeout = 1 } }
    real_server 10.88.0.25:80 { misc_check { script = "$B/whoami.sh $T_DIR/out/uid" } }
}
CONF
}
write_conf 0.5

hc_start "$DIR" "$T_DIR/hc.conf"

check "daemon answers" wait_for 5 "$HDCTL" -s "$SOCK" ping
V=10.88.0.100:80
check "python http.server with the right MD5 digest is up" wait_for 4 is $V 10.88.0.11:8080 last_outcome ok
check "busybox httpd (http + tcp checks) is up" wait_for 4 is $V 10.88.0.12:8080 state up
check "503 server is down with 'bad status 503'" wait_for 4 is $V 10.88.0.11:8081 last_outcome "bad status 503"
check "503 server state down" is $V 10.88.0.11:8081 state down
check "chunked body with the right SHA-256 digest is up" wait_for 4 is $V 10.88.0.11:8082 last_outcome ok
check "wrong body is down with 'digest mismatch'" wait_for 4 is $V 10.88.0.11:8083 last_outcome "digest mismatch"
check "server that never answers: 'timeout'" wait_for 4 is $V 10.88.0.11:8084 last_outcome timeout
check "closed port: 'connect refused'" wait_for 4 is $V 10.88.0.11:8085 last_outcome "connect refused"
check "absent host: 'connect timeout'" wait_for 4 is $V 10.88.0.13:8080 last_outcome "connect timeout"
check "absent host is down" is $V 10.88.0.13:8080 state down
check "malformed status line: 'protocol error'" wait_for 4 is $V 10.88.0.11:8086 last_outcome "protocol error"
check "... and the reason is logged once, when it changed" \
	sh -c "test \"\$(grep -c 'http_check 10.88.0.11:8086/: bad status line' '$T_DIR/hd.log')\" = 1"
check "body ended by the close (HTTP/1.0) with the right MD5 is up" wait_for 4 is $V 10.88.0.11:8087 last_outcome ok
check "status 200 and a stalled body, no digest: up (the status decides)" wait_for 4 is $V 10.88.0.11:8088 last_outcome ok
check "the same stalled body with a digest: 'timeout'" wait_for 4 is 10.88.0.106:80 10.88.0.11:8088 last_outcome timeout
check "chunked body with a bad chunk size: 'protocol error'" wait_for 4 is $V 10.88.0.11:8089 last_outcome "protocol error"
check "chunked 200 with a virtualhost, no digest: up" wait_for 4 is $V 10.88.0.11:8090 last_outcome ok
check "status 200 then a bad Content-Length, no digest: up (the status decides)" \
	wait_for 4 is $V 10.88.0.11:8091 last_outcome ok
check "the same with a digest: 'protocol error'" \
	wait_for 4 is 10.88.0.106:80 10.88.0.11:8091 last_outcome "protocol error"
check "identical check in two virtual servers is one shared probe" \
	test "$(rs $V 10.88.0.11:8080 'checkers[0].shared_by')" = 2
check "HTTPS: SNI + verify against the CA file is up" wait_for 4 is 10.88.0.100:443 10.88.0.11:8443 last_outcome ok
check "HTTPS: verify against another CA: 'TLS failed'" wait_for 4 is 10.88.0.101:443 10.88.0.11:8443 last_outcome "TLS failed"
check "HTTPS: wrong SNI name: 'TLS failed'" wait_for 4 is 10.88.0.102:443 10.88.0.11:8443 last_outcome "TLS failed"
check "udp_check with the expected reply is up" wait_for 4 is udp/10.88.0.12:9999 10.88.0.12:9999 last_outcome ok
check "udp_check with another reply: 'udp bad reply'" wait_for 4 is udp/10.88.0.105:9999 10.88.0.12:9999 last_outcome "udp bad reply"
check "udp_check on a closed port: 'udp port unreachable'" wait_for 4 is udp/10.88.0.105:9999 10.88.0.12:9998 last_outcome "udp port unreachable"
M=10.88.0.104:80
check "misc_check exit 0 is up" wait_for 4 is $M 10.88.0.21:80 last_outcome ok
check "misc_check exit 3: down with 'script exit 3'" wait_for 4 is $M 10.88.0.22:80 last_outcome "script exit 3"
check "misc_check dynamic weight: exit 7 -> up with weight 5" wait_for 4 is $M 10.88.0.23:80 weight 5
check "misc_check runs as script_user" wait_for 4 sh -c "test \"\$(cat '$T_DIR/out/uid' 2>/dev/null)\" = $(id -u nobody)"
check "hanging script killed at its timeout: 'script timeout'" wait_for 5 is $M 10.88.0.24:80 last_outcome "script timeout"
dur=$(rs $M 10.88.0.24:80 'checkers[0].last_duration_ms')
check "the kill came at the 1 s timeout (took ${dur} ms)" awk -v d="$dur" 'BEGIN { exit !(d >= 950 && d < 1500) }'
check "a hanging script is running right now" wait_for 3 is $M 10.88.0.24:80 'checkers[0].running' true
# The time includes starting hadirectorctl: slower in a sanitizer build
# (372 ms once under load there).
bound=300
ldd "$HD" 2>/dev/null | grep -q 'libasan\|libubsan' && bound=600
t0=$(now_ms); "$HDCTL" -s "$SOCK" ping >/dev/null; t1=$(now_ms)
check "ping answers fast while the script hangs ($((t1 - t0)) ms < $bound)" test $((t1 - t0)) -lt $bound
check "killed scripts do not pile up" test "$(pgrep -fc 'sleep 37.5')" -le 1

# Kill the python server: down within delay_loop * fall + connect_timeout.
status; runs_before=$(rs $V 10.88.0.11:8080 checks_run)
kill "$PY"; t0=$(now_ms); [ "${HC_DEBUG:-}" ] && echo "killed at $(date +%T.%N)"
check "killed server goes down" wait_for 3 is $V 10.88.0.11:8080 state down
t1=$(change_ms $V 10.88.0.11:8080)
check "verdict within delay_loop*fall + timeout ($((t1 - t0)) ms <= 1500 + 200)" test $((t1 - t0)) -le 1700
check "with reason 'connect refused'" is $V 10.88.0.11:8080 change_reason "connect refused"
check "the shared verdict moved in the other virtual server too" is 10.88.0.103:80 10.88.0.11:8080 state down
check "one log line for the change with VS/RS/states/reason" \
	grep -q 'real server 10.88.0.11:8080 of 10.88.0.100:80: up -> down (connect refused)' "$T_DIR/hd.log"

# SIGHUP while it is down (its checks unchanged) and with the check of a
# down server changed: both stay down, unchanged counters survive.
status; runs=$(rs $V 10.88.0.11:8080 checks_run)
log_lines=$(wc -l < "$T_DIR/hd.log")
write_conf 0.6
kill -HUP "$HDPID"
check "reload applied" wait_for 3 sh -c "'$HDCTL' -s '$SOCK' status --json | grep -q '\"reloads_ok\":1'"
check "down server stays down after SIGHUP" is $V 10.88.0.11:8080 state down
check "its counters survive the reload" test "$(rs $V 10.88.0.11:8080 checks_run)" -ge "$runs"
check "down server with a changed check stays down" is $V 10.88.0.11:8084 state down
check "its new checker starts counting afresh" test "$(rs $V 10.88.0.11:8084 'checkers[0].runs')" -le 2
check "503 server still down after reload" is $V 10.88.0.11:8081 state down
check "no up flap of the down servers after reload" sh -c "! tail -n +$((log_lines + 1)) '$T_DIR/hd.log' | grep -E '10.88.0.11:(8080|8081|8084) .*down -> up'"

# Restart: back after rise (2) successes, i.e. about 2 * delay_loop.
start_py; wait_for 5 listening "$R1" 8080; t0=$(now_ms)
check "restarted server comes back up" wait_for 4 is $V 10.88.0.11:8080 state up
t1=$(change_ms $V 10.88.0.11:8080)
check "after rise successes ($((t1 - t0)) ms <= 1000 + 700)" test $((t1 - t0)) -le 1700
check "checks_run kept growing across all of it" test "$(rs $V 10.88.0.11:8080 checks_run)" -gt "$runs_before"
check "daemon still alive" kill -0 "$HDPID"
kill -TERM "$HDPID"; wait "$HDPID"
check "SIGTERM: clean exit" test $? -eq 0
check "no orphaned check scripts after stop" wait_for 2 sh -c "! pgrep -f '[s]leep 37.5'"
[ "${HC_DEBUG:-}" ] && cat "$T_DIR/hd.log"
t_done
