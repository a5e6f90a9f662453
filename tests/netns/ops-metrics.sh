#!/bin/bash
# Metrics: `hadirectorctl metrics` and GET /metrics (global { metrics_listen })
# from a VRRP pair with health-checked real servers, validated by a strict
# Prometheus text-format checker; a slow, a silent and a garbage HTTP client
# never block the control socket or VRRP, nor does a flood of complete
# requests whose replies are never read; reload moves the listener; the
# control socket replaces only a socket at its path.
. "$top_srcdir/tests/netns/lib.sh"
PROMCHECK="$top_srcdir/tests/netns/ops-promcheck.py"

check "the format checker rejects broken expositions" python3 "$PROMCHECK" --self-test

t_bridge
A=$(t_ns a); B=$(t_ns b); R=$(t_ns rs)
t_link "$A" eth0 10.79.0.1/24
t_link "$B" eth0 10.79.0.2/24
t_link "$R" eth0 10.79.0.11/24
ip netns exec "$R" python3 -m http.server -b 10.79.0.11 8080 >/dev/null 2>&1 &
T_PIDS+=($!)

conf() { # NAME PRIO [GLOBAL LINES]
	cat <<CONF
global {
    router_id = $1
    ${3:-}
}
vrrp_instance VI_1 {
    interface = eth0
    virtual_router_id = 61
    priority = $2
    advert_int = 0.1
    version = 3
    virtual_ipaddress = { 10.79.0.100/24 }
}
virtual_server 10.79.0.100:80 {
    delay_loop = 0.2
    lb_kind = nat
    real_server 10.79.0.11:8080 { tcp_check { connect_timeout = 0.5 } }
    real_server 10.79.0.11:8081 { tcp_check { connect_timeout = 0.5 } }
}
CONF
}
conf lb-a 150 "metrics_listen = 127.0.0.1:9487" > "$T_DIR/a.conf"
conf lb-b 100 > "$T_DIR/b.conf"

scrape() { # NS URL [curl args]: body to stdout
	ip netns exec "$1" curl -sS --max-time 3 "${@:3}" "$2"
}
metric() { # FILE SERIES: the value of one exact series
	awk -v s="$2" '$1 == s { print $2; found = 1 } END { exit !found }' "$1"
}
has() { metric "$@" > /dev/null; }
positive() { v=$(metric "$1" "$2") && awk -v v="$v" 'BEGIN { exit !(v > 0) }'; }

t_start "$A" a
t_start "$B" b
check "daemons answer" wait_for 5 sh -c "'$HDCTL' -s '$T_DIR/a.sock' ping && '$HDCTL' -s '$T_DIR/b.sock' ping"
master_a() { t_ctl a metrics | grep -qx 'hadirector_vrrp_state{instance="VI_1",state="master"} 1'; }
check "a becomes master (seen in metrics)" wait_for 5 master_a
checked() { t_ctl a metrics | grep -q '^hadirector_checks_failed_total{.*rs="10.79.0.11:8081".*} [1-9]'; }
check "the dead real server has failed checks" wait_for 5 checked
sleep 0.5

# HTTP scrape from inside a's namespace.
scrape "$A" http://127.0.0.1:9487/metrics -D "$T_DIR/h.hdr" -o "$T_DIR/h.txt"
check "GET /metrics answers 200" grep -q '^HTTP/1.1 200' "$T_DIR/h.hdr"
check "with the Prometheus content type" grep -qi '^Content-Type: text/plain; version=0.0.4' "$T_DIR/h.hdr"
python3 "$PROMCHECK" "$T_DIR/h.txt" > "$T_DIR/h.check"
check "the HTTP exposition passes the strict format check" test $? -eq 0
cat "$T_DIR/h.check"
t_ctl a metrics > "$T_DIR/c.txt"
python3 "$PROMCHECK" "$T_DIR/c.txt"
check "the hadirectorctl metrics exposition passes too" test $? -eq 0
check "both carry the same families" diff <(grep '^# TYPE' "$T_DIR/h.txt") <(grep '^# TYPE' "$T_DIR/c.txt")

H="$T_DIR/h.txt"
check "state master=1 on a" test "$(metric "$H" 'hadirector_vrrp_state{instance="VI_1",state="master"}')" = 1
check "state backup=0 on a" test "$(metric "$H" 'hadirector_vrrp_state{instance="VI_1",state="backup"}')" = 0
check "effective priority 150" test "$(metric "$H" 'hadirector_vrrp_priority{instance="VI_1"}')" = 150
check "adverts sent counted" positive "$H" 'hadirector_vrrp_adverts_sent_total{instance="VI_1"}'
check "transitions counted" positive "$H" 'hadirector_vrrp_transitions_total{instance="VI_1"}'
check "drops by reason exported" has "$H" 'hadirector_vrrp_drops_total{instance="VI_1",reason="bad_checksum"}'
check "live real server up" test "$(metric "$H" 'hadirector_real_server_up{vs="10.79.0.100:80",rs="10.79.0.11:8080"}')" = 1
check "dead real server down" test "$(metric "$H" 'hadirector_real_server_up{vs="10.79.0.100:80",rs="10.79.0.11:8081"}')" = 0
check "weight exported" test "$(metric "$H" 'hadirector_real_server_weight{vs="10.79.0.100:80",rs="10.79.0.11:8080"}')" = 1
check "checks counted" positive "$H" 'hadirector_checks_total{vs="10.79.0.100:80",rs="10.79.0.11:8080",checker="0",type="tcp"}'
check "latency histogram has samples" positive "$H" 'hadirector_check_duration_seconds_count{vs="10.79.0.100:80",rs="10.79.0.11:8080",checker="0",type="tcp"}'
check "fast checks land in a small bucket" positive "$H" 'hadirector_check_duration_seconds_bucket{vs="10.79.0.100:80",rs="10.79.0.11:8080",checker="0",type="tcp",le="0.1"}'
check "IPVS families present (no IPVS in this kernel)" test "$(metric "$H" hadirector_ipvs_available)" = 0
check "reconcile errors exported" has "$H" hadirector_ipvs_reconcile_errors_total

ip netns exec "$B" curl -s --max-time 2 http://127.0.0.1:9487/metrics > /dev/null
check "no listener where metrics_listen is not set (b)" test $? -ne 0
t_ctl b metrics > "$T_DIR/b.txt"
check "b is backup in its metrics" test "$(metric "$T_DIR/b.txt" 'hadirector_vrrp_state{instance="VI_1",state="backup"}')" = 1
check "b counts received adverts" positive "$T_DIR/b.txt" 'hadirector_vrrp_adverts_received_total{instance="VI_1"}'

code=$(scrape "$A" http://127.0.0.1:9487/nope -o /dev/null -w '%{http_code}')
check "other paths get 404" test "$code" = 404
code=$(scrape "$A" http://127.0.0.1:9487/metrics -o /dev/null -w '%{http_code}' -X POST -d x=1)
check "POST gets 405" test "$code" = 405
code=$(scrape "$A" http://127.0.0.1:9487/metrics -o /dev/null -w '%{http_code} %{size_download}' -I)
check "HEAD gets 200 and no body ($code)" test "$code" = "200 0"
code=$(scrape "$A" "http://127.0.0.1:9487/metrics?x=1" -o /dev/null -w '%{http_code}')
check "a query string is ignored ($code)" test "$code" = 200
code=$(scrape "$A" http://127.0.0.1:9487/metrics -o /dev/null -w '%{http_code}' -H "X-Big: $(head -c 5000 /dev/zero | tr '\0' a)")
check "a request over 4 kB gets 431 ($code)" test "$code" = 431
code=$(ip netns exec "$A" python3 -c '
import socket; s = socket.create_connection(("127.0.0.1", 9487)); s.sendall(b"\x00\xff garbage\r\n\r\n")
print(s.recv(100).split(b" ")[1].decode())')
check "garbage gets 400 ($code)" test "$code" = 400

# Hostile clients held open while the daemon must keep serving.
ip netns exec "$A" python3 - > "$T_DIR/slow.out" 2>&1 <<'PY' &
import socket, time, os
socks = []
for payload in (b"", b"GET /metr", b"\x00\xff\x13garbage\r\n\xfe"):
    s = socket.create_connection(("127.0.0.1", 9487)); s.sendall(payload); socks.append(s)
slow = socket.create_connection(("127.0.0.1", 9487))
for ch in b"GET /metrics HTTP/1.1\r\nHost: x\r\n":
    slow.sendall(bytes([ch])); time.sleep(0.1)
print("held", len(socks) + 1, flush=True)
time.sleep(3)
PY
HOSTILE=$!
T_PIDS+=($HOSTILE)
sleep 1
t0=$(date +%s%N)
t_ctl a ping > /dev/null
rc=$?
t1=$(date +%s%N)
check "ping answers while hostile HTTP clients are connected" test $rc -eq 0
check "within 500 ms" test $(( (t1 - t0) / 1000000 )) -lt 500
check "a scrape still works alongside them" sh -c "ip netns exec '$A' curl -sf --max-time 2 http://127.0.0.1:9487/metrics | grep -q '^hadirector_uptime_seconds '"
wait "$HOSTILE"
check "the hostile client really held its connections" grep -q "held 4" "$T_DIR/slow.out"
t_ctl b metrics > "$T_DIR/b2.txt"
tr1=$(metric "$T_DIR/b.txt" 'hadirector_vrrp_transitions_total{instance="VI_1"}')
tr2=$(metric "$T_DIR/b2.txt" 'hadirector_vrrp_transitions_total{instance="VI_1"}')
check "the peer saw no transition meanwhile" test -n "$tr1" -a "$tr1" = "$tr2"

# The flood of complete requests: 70 connections that send a whole GET and
# then neither read nor close, and one that reads its reply 20 bytes every
# 0.2 s (the 12 kB reply would take it 2 minutes). Each connection counts against the
# 32-connection cap until the daemon closes it (more are closed at once and
# counted), at the latest 10 s after accept; a renderer lives as long as
# the rendering (5 s is hundreds of renders of this config at nice 19), not
# as long as a client; the control socket has renderers of its own, so
# root's status is answered throughout.
fds() { ls "/proc/$PID_a/fd" | wc -l; }
renderers() { ps --ppid "$PID_a" -o pid= | wc -l; }
old_renderers() { ps --ppid "$PID_a" -o etimes= | awk '$1 >= 5' | wc -l; }
series() { t_ctl a metrics > "$T_DIR/m.txt" && metric "$T_DIR/m.txt" "$1"; }
fd0=$(fds)
ip netns exec "$A" python3 - > "$T_DIR/flood.out" 2>&1 <<'PY' &
import socket, time
addr = ("127.0.0.1", 9487)
req = b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n"
slow = socket.socket()
slow.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
slow.connect(addr)
slow.sendall(req)
socks = []
for i in range(70):
    s = socket.create_connection(addr, timeout=5)
    s.sendall(req)
    socks.append(s)
print("held", len(socks) + 1, flush=True)
# Slowly past the daemon's 10 s, then at full speed: what was queued for
# it before the end comes first, then how the connection ended.
t0, got, end = time.time(), 0, "open"
slow.settimeout(2)
while end == "open" and time.time() - t0 < 40:
    try:
        b = slow.recv(20 if time.time() - t0 < 12 else 65536)
    except socket.timeout:
        continue
    except OSError:
        end = "reset"
        break
    if not b:
        end = "eof"
    got += len(b)
    if time.time() - t0 < 12:
        time.sleep(0.2)
print("slow", got, end, int(time.time() - t0), flush=True)
closed = 0
for s in socks:
    s.settimeout(2)
    try:
        while s.recv(65536):
            pass
        closed += 1
    except socket.timeout:
        pass
    except OSError:
        closed += 1
print("closed", closed, flush=True)
time.sleep(60)
PY
FLOOD=$!
T_PIDS+=($FLOOD)
check "the flood holds its 71 connections" wait_for 10 grep -q "held 71" "$T_DIR/flood.out"
slow_status=0 busy=0 piled=0 most=0
for i in $(seq 16); do
	t0=$(date +%s%N)
	t_ctl a status > "$T_DIR/st.txt" 2>&1 || busy=$((busy + 1))
	ms=$(( ($(date +%s%N) - t0) / 1000000 ))
	[ "$ms" -ge 1000 ] && slow_status=$((slow_status + 1))
	n=$(renderers); [ "$n" -gt "$most" ] && most=$n
	piled=$((piled + $(old_renderers)))
	sleep 0.5
done
check "status answered every time during the flood ($busy failed)" test "$busy" -eq 0
check "each within 1 s ($slow_status slower)" test "$slow_status" -eq 0
check "no renderer lived 5 s or more (saw $piled)" test "$piled" -eq 0
check "at most 6 renderers at once (saw $most)" test "$most" -le 6
check "the 39 connections over the cap were refused and counted" \
	awk -v v="$(series 'hadirector_clients_refused_total{class="http"}')" 'BEGIN { exit !(v >= 39) }'
check "a well-behaved scrape is served once the flood's connections time out" \
	wait_for 15 sh -c "ip netns exec '$A' curl -sf --max-time 2 http://127.0.0.1:9487/metrics | grep -q '^hadirector_uptime_seconds '"
check "the slow reader was cut (reset) at its deadline, not served to the end" wait_for 25 grep -q "^slow [0-9]* reset" "$T_DIR/flood.out"
check "every flood connection was closed by the daemon" wait_for 25 grep -q "^closed 70$" "$T_DIR/flood.out"
check "the 32 it held were closed at their deadline and counted" \
	awk -v v="$(series 'hadirector_clients_timeouts_total{class="http"}')" 'BEGIN { exit !(v >= 32) }'
kill "$FLOOD"
wait "$FLOOD" 2>/dev/null
cat "$T_DIR/flood.out"
check "no renderer left" wait_for 5 test "$(renderers)" -eq 0
check "no descriptor leaked ($fd0 before)" wait_for 5 test "$(fds)" -eq "$fd0"
check "no render running or queued" sh -c "ctl() { '$HDCTL' -s '$T_DIR/a.sock' metrics; }; ctl | grep -qx 'hadirector_renders_running{class=\"http\"} 0' && ctl | grep -qx 'hadirector_renders_queued{class=\"http\"} 0'"
t_ctl b metrics > "$T_DIR/b4.txt"
tr4=$(metric "$T_DIR/b4.txt" 'hadirector_vrrp_transitions_total{instance="VI_1"}')
check "the peer saw no transition during the flood" test -n "$tr1" -a "$tr1" = "$tr4"

# Reload moves the listener.
conf lb-a 150 "metrics_listen = 127.0.0.1:9488" > "$T_DIR/a.conf"
check "reload" t_ctl a reload
check "new port serves after reload" wait_for 3 sh -c "ip netns exec '$A' curl -sf --max-time 1 http://127.0.0.1:9488/metrics | grep -q '^hadirector_reloads_total{result=\"ok\"} 1'"
ip netns exec "$A" curl -s --max-time 1 http://127.0.0.1:9487/metrics > /dev/null
check "old port closed" test $? -ne 0

# Failover shows up in b's metrics.
kill -TERM "$PID_a"
master_b() { t_ctl b metrics | grep -qx 'hadirector_vrrp_state{instance="VI_1",state="master"} 1'; }
check "b's metrics show master after a stops" wait_for 5 master_b
t_ctl b metrics > "$T_DIR/b3.txt"
check "b counted the priority-0 advert" positive "$T_DIR/b3.txt" 'hadirector_vrrp_priority_zero_received_total{instance="VI_1"}'
# The control socket's path (-s): only a socket left there is replaced;
# a file, a symlink or a directory is refused and left as it was, and the
# socket is 0600 whatever the umask, without a chmod by name.
C=$(t_ns c)
printf 'global {\n    router_id = lb-c\n}\n' > "$T_DIR/c.conf"
S="$T_DIR/sock"
mkdir -p "$S/dir"
echo precious > "$S/file"
chmod 0644 "$S/file"
ln -s "$S/file" "$S/link"
runc() { # SOCKET: start a daemon in C, umask 000
	(umask 000; exec ip netns exec "$C" "$HD" -n -l -f "$T_DIR/c.conf" -p "$1.pid" \
		-s "$1" 2>>"$T_DIR/c.log") &
	T_PIDS+=($!)
	PID_c=$!
}
for what in file link dir; do
	runc "$S/$what"
	check "a $what at the socket path: the daemon refuses to start" wait_for 5 gone "$PID_c"
	kill "$PID_c" 2>/dev/null
done
check "it says why" test "$(grep -c 'exists and is not a socket' "$T_DIR/c.log")" -eq 3
check "the file is untouched" test "$(cat "$S/file")" = precious -a "$(stat -c %a "$S/file")" = 644
check "the symlink is still there" test -L "$S/link" -a "$(readlink "$S/link")" = "$S/file"
check "the directory is still there" test -d "$S/dir"
python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$S/stale"
runc "$S/stale"
check "a stale socket is replaced" wait_for 5 "$HDCTL" -s "$S/stale" ping
check "mode 0600 under umask 000" test "$(stat -c '%a %F' "$S/stale")" = "600 socket"
kill -TERM "$PID_c"
check "the daemon removes its socket when it stops" wait_for 5 test ! -e "$S/stale"

wait_for 5 gone "$PID_a"
kill -TERM "$PID_b"
wait_for 5 gone "$PID_b"
check "no sanitizer report from the daemons (sanitizer builds)" \
	absent -E 'runtime error|ERROR: (Address|Leak)Sanitizer' "$T_DIR/a.log" "$T_DIR/b.log" "$T_DIR/c.log"
[ "$T_FAILS" -ne 0 ] && tail -n 20 "$T_DIR/a.log" "$T_DIR/b.log" "$T_DIR/c.log"
t_done
