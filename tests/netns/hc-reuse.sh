#!/bin/bash
# http_check / https_check with reuse_connection, against real servers:
# python's own http.server speaking HTTP/1.1, and hc-ka-srv.py, which counts
# connections and requests and misbehaves on purpose (closes or resets a
# kept connection as a request arrives, says "Connection: close" or answers
# as HTTP/1.0 without closing, hangs on a kept connection, stops listening
# while old connections still answer). What is asserted: checks really share
# connections (and not when they must not), the closing race never fails a
# check, a dead or hung server is still found, a server that stops
# accepting is found within reuse_connection runs, a reload keeps the
# connection, and TLS connections are kept too.
. "$top_srcdir/tests/netns/lib.sh"
. "$top_srcdir/tests/netns/lib-hc.sh"
SRV="$top_srcdir/tests/netns/hc-ka-srv.py"

t_bridge
DIR=$(t_ns dir); R1=$(t_ns rs1)
t_link "$DIR" eth0 10.89.0.1/24
t_link "$R1" eth0 10.89.0.11/24
t_certs "$T_DIR" || { echo "cannot make certificates"; exit 99; }
mkdir "$T_DIR/www"; printf 'this is rs\n' > "$T_DIR/www/index.html"

bg() { "$@" </dev/null >/dev/null 2>>"$T_DIR/srv.err" & T_PIDS+=($!); LAST=$!; }
srv() { # PORT MODE [ARGS]: an hc-ka-srv.py whose counts are in $T_DIR/PORT
	local p=$1; shift
	bg ip netns exec "$R1" python3 "$SRV" 10.89.0.11 "$p" "$T_DIR/$p" "$@"
}
srv 8080 ka 30; KA=$LAST
srv 8081 ka 30
srv 8082 drop 3
srv 8083 reset 3
srv 8084 close
srv 8085 http10
srv 8086 hang 2
srv 8087 unlisten 4
srv 8443 ka 30 --tls "$T_DIR/srv.pem" "$T_DIR/srv.key"
bg ip netns exec "$R1" python3 -c "
import functools, http.server as h
class H(h.SimpleHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    def log_message(self, *a): pass
h.ThreadingHTTPServer(('10.89.0.11', 8090), functools.partial(H, directory='$T_DIR/www')).serve_forever()"

listening() { ip netns exec "$R1" ss -Hltn "sport = :$1" | grep -q LISTEN; }
for p in 8080 8081 8082 8083 8084 8085 8086 8087 8443 8090; do
	wait_for 20 listening $p || { echo "real server on port $p did not start"; cat "$T_DIR/srv.err"; exit 99; }
done

R='reuse_connection'
cat > "$T_DIR/hc.conf" <<CONF
global { router_id = hc-reuse }
virtual_server 10.89.0.100:80 {
    delay_loop = 0.2
    lb_kind = nat
    real_server 10.89.0.11:8080 { http_check { path = /  $R = 5 } }
    real_server 10.89.0.11:8081 { http_check { path = / } }
    real_server 10.89.0.11:8082 { http_check { path = /  $R = 100 } }
    real_server 10.89.0.11:8083 { http_check { path = /  $R = 100 } }
    real_server 10.89.0.11:8084 { http_check { path = /  $R = 100 } }
    real_server 10.89.0.11:8085 { http_check { path = /  $R = 100 } }
    real_server 10.89.0.11:8086 { http_check { path = /  $R = 100  connect_timeout = 0.5  rise = 3 } }
    real_server 10.89.0.11:8087 { http_check { path = /  $R = 3 } }
    real_server 10.89.0.11:8090 { http_check { path = /index.html  $R = 1000 } }
}
virtual_server 10.89.0.100:443 {
    delay_loop = 0.2
    lb_kind = nat
    real_server 10.89.0.11:8443 { https_check { path = /  sni = rs1.example  ca_file = "$T_DIR/ca.pem"  $R = 5 } }
}
CONF

hc_start "$DIR" "$T_DIR/hc.conf"
counts() { cat "$T_DIR/$1"; } # PORT: connections requests close_requests
V=10.89.0.100:80 S=10.89.0.100:443

check "daemon answers" wait_for 5 "$HDCTL" -s "$SOCK" ping
# 20 runs each (4 s) for the servers whose counts are compared
for p in 8080 8081 8082 8083 8084 8085; do
	check "port $p: 20 checks ran" wait_for 15 at_least $V 10.89.0.11:$p checks_run 20
done
check "https: 20 checks ran" wait_for 15 at_least $S 10.89.0.11:8443 checks_run 20

read -r c q x <<<"$(counts 8080)"
check "reuse_connection 5: $q requests on $c connections (at most one per 5, plus the one open)" \
	test "$q" -ge 20 -a $((c * 5)) -le $((q + 5)) -a "$c" -ge $((q / 5))
check "... none of them with Connection: close ($x)" test "$x" = 0
check "... and the real server is up" is $V 10.89.0.11:8080 state up
n=$(rs $V 10.89.0.11:8080 'checkers[0].runs') k=$(rs $V 10.89.0.11:8080 'checkers[0].connections')
check "status --json: $n runs on $k connections (the server saw $c)" \
	test "$k" -ge $((c - 1)) -a "$k" -le $((c + 1)) -a "$n" -ge $((q - 1))
read -r c q x <<<"$(counts 8081)"
check "no reuse_connection: a connection per request ($c for $q), each with Connection: close ($x)" \
	test "$q" -ge 20 -a "$c" -ge "$q" -a "$x" = "$q"
for p in 8082 8083; do
	read -r c q x <<<"$(counts $p)"
	what=$([ $p = 8082 ] && echo closes || echo resets)
	check "server that $what a kept connection at its 4th request: $c connections for $q answers" \
		test "$c" -ge 5 -a "$c" -le $((q / 3 + 2))
	status
	check "... the request goes again on a new connection: no check failed ($(rs $V 10.89.0.11:$p checks_failed) of $(rs $V 10.89.0.11:$p checks_run))" \
		test "$(rs $V 10.89.0.11:$p checks_failed)" = 0
done
read -r c q x <<<"$(counts 8084)"
check "\"Connection: close\" from a server that leaves it open: not reused ($c connections, $q requests)" \
	test "$c" -ge "$q" -a "$q" -ge 20
read -r c q x <<<"$(counts 8085)"
check "HTTP/1.0 answer on a connection left open: not reused ($c connections, $q requests)" \
	test "$c" -ge "$q" -a "$q" -ge 20
read -r c q x <<<"$(counts 8443)"
check "https_check reuse_connection 5: $q requests on $c TLS connections" \
	test "$q" -ge 20 -a $((c * 5)) -le $((q + 5))
check "... and it is up" is $S 10.89.0.11:8443 state up

check "server that hangs on a kept connection: 'timeout'" wait_for 5 is $V 10.89.0.11:8086 last_outcome timeout
check "... and down (rise 3: two answers, then a hang, again and again)" \
	test "$(rs $V 10.89.0.11:8086 state)" = down
check "server that stops listening (old connections still answer): down within 3 runs ('connect refused')" \
	wait_for 5 is $V 10.89.0.11:8087 last_outcome "connect refused"
read -r c q x <<<"$(counts 8087)"
check "... after at most 3 answers on the last connection ($q answers in all, 4 before the stop)" \
	test "$q" -le 7

# python's http.server (HTTP/1.1): one connection, the same source port
# over several checks, and over a reload.
conn8090() { ip netns exec "$DIR" ss -Htn state established "dport = :8090" | awk '{ print $3 }' | sort; }
check "python http.server: up" wait_for 5 is $V 10.89.0.11:8090 state up
c0=$(conn8090); status; n0=$(rs $V 10.89.0.11:8090 checks_run)
sleep 1
c1=$(conn8090); status; n1=$(rs $V 10.89.0.11:8090 checks_run)
check "python http.server: $((n1 - n0)) checks on one connection ($c0 -> $c1)" \
	test $((n1 - n0)) -ge 3 -a -n "$c0" -a "$c0" = "$c1" -a "$(echo "$c1" | wc -l)" = 1
kill -HUP "$HDPID"
sleep 1
c2=$(conn8090); status; n2=$(rs $V 10.89.0.11:8090 checks_run)
check "... a reload keeps it ($c1 -> $c2, $((n2 - n1)) checks since)" \
	test "$c1" = "$c2" -a $((n2 - n1)) -ge 3 -a "$(rs $V 10.89.0.11:8090 state)" = up

# The server dies: its kept connection is closed by its kernel, the next
# check connects anew and is refused.
kill -9 "$KA"; t0=$(now_ms)
check "killed server goes down with 'connect refused'" wait_for 3 is $V 10.89.0.11:8080 last_outcome "connect refused"
t1=$(change_ms $V 10.89.0.11:8080)
check "... at the next run ($((t1 - t0)) ms, delay_loop 200)" test $((t1 - t0)) -le 700
check "the daemon is still running" kill -0 "$HDPID"
t_done
