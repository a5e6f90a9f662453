#!/bin/bash
# Fault: an allocation fails, for every N, in a reload and at start-up
# (issue 19), as SQLite proves its out-of-memory paths. Needs a daemon built
# with allocation-failure injection (daemon/base/fault.h): configure
# --enable-fault-injection (only such a build lists this test; run anywhere
# else it fails: a skip would prove nothing).
# Reload: the daemon runs a realistic file A (VRRP with scripts and a sync
# group, health checks of four kinds, IPVS, SNMP, metrics); the file becomes
# B (something of every kind changed) and a reload is asked for with its
# N-th allocation failing. It must fail, and leave A in force in every
# module: the status (counters and times aside) equal to before; then a
# reload without failure (of A) succeeds. N goes up until the reload makes
# fewer allocations; then B must be in force. Start-up: the N-th allocation
# of the modules' start fails; the daemon must exit 1 with a message (no
# crash). Run in the ASan build this also proves no use-after-free and no
# leak (the daemon must exit cleanly at the end, LeakSanitizer silent).
# HD_FAULT_STRIDE=K tries every K-th N (default 1: every N, about 30 s under
# ASan on a quiet machine). `make check-alloc-faults` runs it with every N.
. "$top_srcdir/tests/netns/lib.sh"

if ! grep -qa __wrap_malloc "$HD"; then
	echo "ERROR: $HD has no allocation-failure injection (configure --enable-fault-injection)"
	exit 99
fi
STRIDE=${HD_FAULT_STRIDE:-1}
export HD_FAULT_FILE="$T_DIR/fault"
# Sanitizer reports go to one file per process: the daemon's are checked
# (those of its children, the scripts and the SNMP subagent, are not what
# this test is about).
export ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=1:abort_on_error=0:log_path=$T_DIR/asan"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-}:log_path=$T_DIR/asan"
san() { cat "$T_DIR/asan.$1" 2>/dev/null; } # PID: its sanitizer reports

t_bridge
D=$(t_ns d)
t_link "$D" eth0 10.81.0.1/24
# The real servers are local addresses with closed ports: every check ends
# at once, the same way (refused), so the status stays put between runs.
for a in 11 12 13; do ip -n "$D" addr add "10.81.0.$a/24" dev eth0; done

# conf VARIANT (a|b): a realistic file; b changes something of every kind
conf() {
	local v=$1 p1=150 p2=120 extra_vi="" extra_vs="" snmp_sock="$T_DIR/agentx-a" mport=9488 chk=true
	if [ "$v" = b ]; then
		p1=160; snmp_sock="$T_DIR/agentx-b"; mport=9489; chk=false
		extra_vi="vrrp_instance VI_4 { interface = eth0  virtual_router_id = 74  priority = 100  advert_int = 0.1  virtual_ipaddress = { 10.81.0.104/24 } track_script = { chk_new } }
vrrp_script chk_new { script = /bin/true  interval = 0.3 }"
		extra_vs="virtual_server 10.81.0.100:443 { lb_kind = nat  delay_loop = 0.2
    real_server 10.81.0.11:8443 { tcp_check { connect_timeout = 0.3 } }
    real_server 10.81.0.12:8443 { http_check { path = /b  connect_timeout = 0.3 } } }"
	else
		extra_vi="vrrp_instance VI_3 { interface = eth0  virtual_router_id = 73  priority = 100  advert_int = 0.1  virtual_ipaddress = { 10.81.0.103/24 } }"
		extra_vs="virtual_server 10.81.0.100:25 { lb_kind = dr  delay_loop = 0.2
    real_server 10.81.0.13:25 { tcp_check { connect_timeout = 0.3 } } }"
	fi
	cat <<CONF
global {
    router_id = lb-$v
    metrics_listen = 127.0.0.1:$mport
    snmp = true
    snmp_socket = "$snmp_sock"
    set_sysctls = no
}
vrrp_script chk_up { script = /bin/$chk  interval = 0.3  weight = 10 }
vrrp_script chk_keep { script = /bin/true  interval = 0.3  weight = 5 }
vrrp_instance VI_1 {
    interface = eth0
    virtual_router_id = 71
    priority = $p1
    advert_int = 0.1
    virtual_ipaddress = { 10.81.0.100/24 }
    track_script = { chk_up, chk_keep }
}
vrrp_instance VI_2 {
    interface = eth0
    virtual_router_id = 72
    priority = $p2
    advert_int = 0.1
    virtual_ipaddress = { 10.81.0.101/24 }
    track_script = { chk_keep }
}
$extra_vi
vrrp_sync_group G1 { group = { VI_1, VI_2 } }
virtual_server 10.81.0.100:80 {
    lb_kind = nat
    delay_loop = 0.2
    quorum = 1
    real_server 10.81.0.11:8080 { weight = 2  tcp_check { connect_timeout = 0.3 } }
    real_server 10.81.0.12:8080 {
        tcp_check { connect_timeout = 0.3 }
        http_check { path = /health  connect_timeout = 0.3 }
    }
    real_server 10.81.0.13:8080 { misc_check { script = "/bin/true" } }
}
$extra_vs
CONF
}
conf a >"$T_DIR/a.conf"
conf b >"$T_DIR/b.conf"
cp "$T_DIR/a.conf" "$T_DIR/hd.conf"
ctl() { "$HDCTL" -s "$T_DIR/hd.sock" "$@"; }
# The status without what moves by itself (counters, times, pids).
norm() {
	ctl status --json | python3 -c '
import json, sys
VOLATILE = {"uptime_sec", "pid", "reloads_ok", "reloads_failed", "last_reload", "reload_in_progress",
    "last_reload_usec", "control", "transitions", "adverts_sent", "adverts_received",
    "prio0_sent", "prio0_received", "send_errors", "vips_restored", "drops", "reconciles",
    "dumps", "errors", "errors_not_logged", "parse_errors", "last_pass_usec",
    "last_write_pass", "last_pass_build_usec", "netlink_writes", "checks_run",
    "checks_failed", "runs", "failures", "retries", "ok_run", "fail_run", "retry_it",
    "last_duration_ms", "running", "last_change", "connections", "latency", "verdict_changes",
    "seq", "slices", "longest_slice_usec"}
def strip(v):
    if isinstance(v, dict):
        return {k: strip(x) for k, x in v.items() if k not in VOLATILE}
    if isinstance(v, list):
        return [strip(x) for x in v]
    return v
print(json.dumps(strip(json.load(sys.stdin)), indent=1, sort_keys=True))'
}
failed_at() { grep -q "fault: $1: allocation $2 failed" "$T_DIR/hd.log"; }

# ---- reload ----
ip netns exec "$D" "$HD" -n -l -f "$T_DIR/hd.conf" -p "$T_DIR/hd.pid" -s "$T_DIR/hd.sock" \
	>>"$T_DIR/hd.log" 2>&1 &
PID=$!
T_PIDS+=($PID)
check "the daemon starts" wait_for 10 test -S "$T_DIR/hd.sock"
# Settled: every instance master, every check has a result (all stable).
settled() {
	ctl status --json | python3 -c '
import json, sys
s = json.load(sys.stdin)
assert all(i["state"] == "MASTER" for i in s["vrrp"])
assert all(c["runs"] >= 2 for v in s["healthcheck"] for r in v["real_servers"] for c in r["checkers"])'
}
check "A settles" wait_for 15 settled
norm >"$T_DIR/s0.json"
n=1 bad=0 tried=0
while :; do
	echo "reload $n" >"$HD_FAULT_FILE"
	cp "$T_DIR/b.conf" "$T_DIR/hd.conf"
	ctl reload >"$T_DIR/r.out" 2>&1
	rc=$?
	if grep -q "injection off" "$T_DIR/hd.log"; then
		fail "injection is off: configure --enable-fault-injection"
		break
	fi
	if ! failed_at reload "$n"; then
		# fewer than N allocations: this reload was the good one
		grep -q "fault: reload: .* none failed" "$T_DIR/hd.log" ||
			{ fail "allocation $n: no fault line"; cat "$T_DIR/r.out"; tail -5 "$T_DIR/hd.log"; }
		break
	fi
	tried=$((tried + 1))
	norm >"$T_DIR/s1.json"
	if [ "$rc" -eq 0 ] || ! cmp -s "$T_DIR/s0.json" "$T_DIR/s1.json"; then
		fail "allocation $n of the reload failed: reload rc $rc, status changed:"
		cat "$T_DIR/r.out"
		diff "$T_DIR/s0.json" "$T_DIR/s1.json" | head -20
		bad=$((bad + 1))
	fi
	: >"$HD_FAULT_FILE"
	cp "$T_DIR/a.conf" "$T_DIR/hd.conf"
	ctl reload >/dev/null 2>&1
	rc=$?
	norm >"$T_DIR/s2.json"
	if [ "$rc" -ne 0 ] || ! cmp -s "$T_DIR/s0.json" "$T_DIR/s2.json"; then
		fail "after allocation $n failed: a reload of A fails (rc $rc) or changes the status"
		diff "$T_DIR/s0.json" "$T_DIR/s2.json" | head -20
		bad=$((bad + 1))
	fi
	[ "$bad" -ge 3 ] && break
	n=$((n + STRIDE))
done
check "every failed allocation of the reload ($tried tried, stride $STRIDE) kept A" [ "$bad" -eq 0 ]
check "more than a handful of allocations tried" [ "$tried" -ge $((20 / STRIDE)) ]
check "the reload without a failure succeeds" [ "$rc" -eq 0 ]
b_running() {
	ctl status --json | python3 -c '
import json, sys
s = json.load(sys.stdin)
assert s["daemon"]["router_id"] == "lb-b"
assert sorted(i["name"] for i in s["vrrp"]) == ["VI_1", "VI_2", "VI_4"]
assert sorted(v["vs"] for v in s["healthcheck"]) == ["10.81.0.100:443", "10.81.0.100:80"]'
}
check "B is in force after it" b_running
kill -TERM "$PID"
wait "$PID"
rc=$?
check "the daemon stops cleanly (exit $rc)" [ "$rc" -eq 0 ]
check "no sanitizer report" [ -z "$(san "$PID")" ]
san "$PID" | head -30

# ---- start-up ----
n=1 bad=0 tried=0
while :; do
	echo "start $n" >"$HD_FAULT_FILE"
	: >"$T_DIR/st.log"
	ip netns exec "$D" "$HD" -n -l -f "$T_DIR/a.conf" -p "$T_DIR/st.pid" -s "$T_DIR/st.sock" \
		>>"$T_DIR/st.log" 2>&1 &
	PID=$!
	T_PIDS+=($PID)
	# started (its log says so), or gone
	wait_for 10 sh -c "grep -q 'hadirector .* started:' '$T_DIR/st.log' || ! kill -0 $PID"
	if ! grep -q "fault: start: allocation $n failed" "$T_DIR/st.log"; then
		kill -TERM "$PID"
		wait "$PID"
		rc=$?
		check "a start without a failure runs and stops (exit $rc)" [ "$rc" -eq 0 ]
		break
	fi
	tried=$((tried + 1))
	# The best-effort allocations of the start: listing a killed run's
	# routes and rules to remove them, and the routes' first reconcile
	# (the next one repeats it). Their failure is logged, the daemon runs on.
	if grep -A1 "fault: start: allocation $n failed" "$T_DIR/st.log" |
		grep -qE "leftovers stay|routes and rules not reconciled"; then
		kill -TERM "$PID"
		wait "$PID"
		rc=$?
		check "allocation $n (best effort, routes) failed: logged, ran on, exit $rc" [ "$rc" -eq 0 ]
		n=$((n + STRIDE))
		continue
	fi
	if ! wait_for 10 sh -c "! kill -0 $PID"; then
		fail "allocation $n of the start failed, the daemon runs on"
		grep -A2 "fault: start" "$T_DIR/st.log"
		kill -TERM "$PID"
		bad=$((bad + 1))
	fi
	wait "$PID"
	rc=$?
	if [ "$rc" -ne 1 ] || ! grep -q "startup failed" "$T_DIR/st.log" || [ -n "$(san "$PID")" ]; then
		fail "allocation $n of the start failed: exit $rc"
		tail -5 "$T_DIR/st.log"
		san "$PID" | head -30
		bad=$((bad + 1))
	fi
	[ "$bad" -ge 3 ] && break
	n=$((n + STRIDE))
done
check "every failed allocation of the start ($tried tried): exit 1 with a message" [ "$bad" -eq 0 ]
: >"$HD_FAULT_FILE"
t_done
