#!/bin/bash
# The daemon's process contract: two daemons side by side in two namespaces,
# pid file lock, control socket (mode, status, reload, bad requests),
# SIGHUP with good and bad files, SIGUSR1, SIGTERM, background mode.
. "$top_srcdir/tests/netns/lib.sh"

t_bridge
A=$(t_ns a); B=$(t_ns b)
t_link "$A" eth0 10.77.0.1/24
t_link "$B" eth0 10.77.0.2/24

cat > "$T_DIR/a.conf" <<CONF
global {
    router_id = lb-a
}
CONF
sed 's/lb-a/lb-b/' "$T_DIR/a.conf" > "$T_DIR/b.conf"


t_start "$A" a -v
t_start "$B" b -v
check "daemon a answers on its control socket" wait_for 5 t_ctl a ping
check "daemon b answers on its own socket" wait_for 5 t_ctl b ping
check "status --json names the right daemon" sh -c "'$HDCTL' -s '$T_DIR/b.sock' status --json | grep -q '\"router_id\":\"lb-b\"'"
check "status --json carries the daemon pid" sh -c "'$HDCTL' -s '$T_DIR/a.sock' status --json | grep -q '\"pid\":$PID_a'"
check "pid file holds the daemon pid" test "$(cat "$T_DIR/a.pid")" = "$PID_a"
check "control socket is mode 600" test "$(stat -c %a "$T_DIR/a.sock")" = 600
check "plain status is human text" sh -c "'$HDCTL' -s '$T_DIR/a.sock' status | grep -q '^hadirector .*pid $PID_a'"

# A second daemon on the same pid file must refuse to start.
ip netns exec "$A" "$HD" -n -l -f "$T_DIR/a.conf" -p "$T_DIR/a.pid" -s "$T_DIR/a2.sock" 2>"$T_DIR/dup.log"
check "second daemon on one pid file exits non-zero" test $? -ne 0
check "and says why" grep -q "another hadirector is running" "$T_DIR/dup.log"
check "first daemon still alive" kill -0 "$PID_a"

# Reload through the control socket and SIGHUP.
check "hadirectorctl reload succeeds on a valid file" t_ctl a reload
printf 'global {\n    router_id = lb-a\n    no_such_option = 1\n}\n' > "$T_DIR/a.conf"
t_ctl a reload > "$T_DIR/reload.out" 2>&1
check "hadirectorctl reload exits non-zero on an invalid file" test $? -ne 0
check "reload error names FILE:LINE" grep -q "a.conf:3:" "$T_DIR/reload.out"
kill -HUP "$PID_a"
check "SIGHUP with the invalid file counted as failed" wait_for 3 sh -c "'$HDCTL' -s '$T_DIR/a.sock' status --json | grep -q '\"reloads_failed\":2'"
check "status says the last reload failed" sh -c "'$HDCTL' -s '$T_DIR/a.sock' status --json | grep -q '\"last_reload\":\"failed\"'"
check "the old configuration stays in force" sh -c "'$HDCTL' -s '$T_DIR/a.sock' status --json | grep -q '\"router_id\":\"lb-a\"'"
printf 'global {\n    router_id = lb-a2\n}\n' > "$T_DIR/a.conf"
kill -HUP "$PID_a"
check "SIGHUP with a valid file applies it" wait_for 3 sh -c "'$HDCTL' -s '$T_DIR/a.sock' status --json | grep -q '\"router_id\":\"lb-a2\"'"
check "metrics count the failed reloads" sh -c "'$HDCTL' -s '$T_DIR/a.sock' metrics | grep -qx 'hadirector_reloads_total{result=\"failed\"} 2'"
check "metrics are Prometheus text with HELP/TYPE" sh -c "'$HDCTL' -s '$T_DIR/a.sock' metrics | grep -qx '# TYPE hadirector_reloads_total counter'"
check "and clears the failed flag" sh -c "'$HDCTL' -s '$T_DIR/a.sock' status --json | grep -q '\"last_reload\":\"ok\"'"

# Bad control requests: an error reply, the daemon keeps serving.
python3 - "$T_DIR/a.sock" > "$T_DIR/bad.out" <<'PY'
import socket, sys, time
path = sys.argv[1]
def ask(data, shut=True):
    s = socket.socket(socket.AF_UNIX); s.connect(path); s.sendall(data)
    if shut: s.shutdown(socket.SHUT_WR)
    s.settimeout(5); out = b""
    while True:
        b = s.recv(4096)
        if not b: break
        out += b
    return out.split(b"\n")[0].decode(errors="replace")
silent = socket.socket(socket.AF_UNIX); silent.connect(path)   # says nothing
print("long:", ask(b"x" * 100000, shut=False))
print("garbage:", ask(b"\x00\xff\xfe status\n"))
print("unknown:", ask(b"frobnicate\n"))
print("ping-while-silent-client:", ask(b"ping\n"))
PY
check "oversized request gets an error" grep -q "^long: ERROR request too long" "$T_DIR/bad.out"
check "binary garbage gets an error" grep -q "^garbage: ERROR" "$T_DIR/bad.out"
check "unknown command gets an error" grep -q "^unknown: ERROR unknown command" "$T_DIR/bad.out"
check "a silent client does not stall others" grep -q "^ping-while-silent-client: OK" "$T_DIR/bad.out"
check "hadirectorctl rejects a typo locally with exit 2" sh -c "'$HDCTL' -s '$T_DIR/a.sock' stauts; test \$? -eq 2"

kill -USR1 "$PID_a"
check "SIGUSR1 dumps the state to the log" wait_for 3 grep -q "state dump" "$T_DIR/a.log"

kill -TERM "$PID_a"
wait "$PID_a"; rc=$?
check "SIGTERM stops the daemon with status 0" test "$rc" -eq 0
check "pid file removed on stop" test ! -e "$T_DIR/a.pid"
check "control socket removed on stop" test ! -e "$T_DIR/a.sock"
check "daemon b unaffected" t_ctl b ping

# Background mode: the launcher returns, the daemon lives on.
ip netns exec "$A" "$HD" -f "$T_DIR/a.conf" -p "$T_DIR/bg.pid" -s "$T_DIR/bg.sock"
check "background launch returns 0" test $? -eq 0
check "background daemon answers" wait_for 5 t_ctl bg ping
BG=$(cat "$T_DIR/bg.pid" 2>/dev/null); T_PIDS+=("${BG:-0}")
check "background daemon pid is alive" kill -0 "${BG:-0}"
kill -TERM "${BG:-0}" 2>/dev/null
check "background daemon stops on SIGTERM" wait_for 5 gone "${BG:-0}"

# rt_priority: SCHED_RR while configured, back to normal when a reload drops it.
printf 'global {\n    router_id = lb-b\n    rt_priority = 10\n}\n' > "$T_DIR/b.conf"
kill -HUP "$PID_b"
check "rt_priority = 10 gives SCHED_RR 10" wait_for 3 sh -c "chrt -p $PID_b | grep -q 'SCHED_RR' && chrt -p $PID_b | grep -q 'priority: 10'"
printf 'global {\n    router_id = lb-b\n}\n' > "$T_DIR/b.conf"
kill -HUP "$PID_b"
check "a reload without rt_priority returns to SCHED_OTHER" wait_for 3 sh -c "chrt -p $PID_b | grep -q 'SCHED_OTHER'"

check "-t accepts a valid file silently" sh -c "test -z \"\$('$HD' -t -f '$T_DIR/b.conf' 2>&1)\""
check "--version prints the version" sh -c "'$HD' --version | grep -q '^hadirector [0-9]'"
t_done
