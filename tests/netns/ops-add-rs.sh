#!/bin/bash
# Live add and remove of a real server (issue 22): `hadirectorctl add-rs VS
# RS [OPTIONS]` with the options in the file's real_server syntax, and
# `remove-rs VS RS`, against a real daemon whose checks reach real servers
# in another namespace. What is asserted: the added server's check really
# runs against it (the server counts the connections), it turns up in
# status and in the IPVS table the daemon wants only once its check says
# up; a request without a check gets the virtual server's usual one; the
# change is an override in status with uid, pid and time, and an event;
# remove stops its check and takes it out; bad requests (unknown VS,
# duplicate, bad address, bad option, a block that opens another, a long
# and a flood of hostile ones) get the file's errors and change nothing;
# across reloads an added server stays while the file does not have it, the
# file wins when it has it (logged), a removed server stays removed while
# the file has it unchanged, and comes back when the file changes it
# (logged). This host has no IPVS: the wanted table is read from status.
. "$top_srcdir/tests/netns/lib.sh"
. "$top_srcdir/tests/netns/lib-hc.sh"

t_bridge
D=$(t_ns d) R=$(t_ns r)
t_link "$D" eth0 10.95.0.1/24
t_link "$R" eth0 10.95.0.11/24
ip -n "$R" addr add 10.95.0.12/24 dev eth0
ip -n "$R" addr add 10.95.0.13/24 dev eth0
VS=10.95.0.100:80 VS2=10.95.0.100:443
R1=10.95.0.11:80 R2=10.95.0.12:80 RN=10.95.0.13:80 RX=10.95.0.14:80
# A TCP server on ADDR PORT that appends a line to FILE per connection.
counter() {
	ip netns exec "$R" python3 -c '
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], int(sys.argv[2]))); s.listen(64)
while True:
    c, _ = s.accept()
    with open(sys.argv[3], "a") as f: f.write("c\n")
    c.close()' "$1" "$2" "$3" </dev/null >/dev/null 2>>"$T_DIR/srv.err" &
	T_PIDS+=($!)
}
counter 10.95.0.11 80 "$T_DIR/r1.count"
counter 10.95.0.12 80 "$T_DIR/r2.count"
counter 10.95.0.13 80 "$T_DIR/rn.count"
conf() { # R2W: R2's weight in the file; RN_IN: RN in the file too; NO_VS2
	cat <<CONF
vrrp_instance VI_1 { interface = eth0  virtual_router_id = 52  priority = 200  advert_int = 0.1
    virtual_ipaddress = { 10.95.0.100/24 } }
virtual_server $VS { lb_kind = nat  delay_loop = 0.2
    real_server $R1 { weight = 10  tcp_check { connect_timeout = 1  rise = 1  fall = 1 } }
    real_server $R2 { weight = ${R2W:-20}  tcp_check { connect_timeout = 1  rise = 1  fall = 1 } }
$([ -z "${RN_IN:-}" ] || echo "    real_server $RN { weight = 5  tcp_check { connect_timeout = 1 } }")
}
$([ -n "${NO_VS2:-}" ] || echo "virtual_server $VS2 { lb_kind = nat  delay_loop = 0.2
    real_server 10.95.0.11:443 { weight = 1 } }")
CONF
}
conf >"$T_DIR/hd.conf"
hc_start "$D" "$T_DIR/hd.conf"
ctl() { "$HDCTL" -s "$SOCK" "$@"; }
err() { ctl "$@" 2>&1 >/dev/null; }
ovr() { ctl status --json | jq -c "[.overrides.active[] | $1]"; }
rs_list() { ctl status --json | jq -c --arg vs "$1" '[.healthcheck[] | select(.vs == $vs) | .real_servers[].rs]'; }
# The destinations the daemon wants in IPVS for VS (its desired table).
wanted() {
	ctl status --json | jq -c --arg a "${1%:*}" --argjson p "${1##*:}" \
		'[.ipvs.desired[] | select(.addr == $a and .port == $p) | .dests[] | "\(.addr):\(.port)"]'
}
count() { [ -f "$1" ] && wc -l <"$1" || echo 0; }
assert "daemon answers" wait_for 5 ctl ping
assert "R1 and R2 up" wait_for 5 eval 'is $VS $R1 state up && is $VS $R2 state up'
"$HDCTL" -s "$SOCK" monitor --json >"$T_DIR/mon.out" 2>&1 &
T_PIDS+=($!)
wait_for 5 eval '[ "$(ctl status --json | jq .events.subscribers)" = 1 ]'

# -- add, with a check given in the request
t0=$(date -u +%s)
out=$(ctl add-rs $VS $RN weight = 7 tcp_check { connect_timeout = 1 rise = 2 fall = 1 })
check "add-rs exits 0 and says so" [ "$(head -1 <<<"$out")" = "added $VS $RN" ]
check "RN in status" [ "$(rs_list $VS)" = "[\"$R1\",\"$R2\",\"$RN\"]" ]
check "the check runs against RN (its server counts connections)" \
	wait_for 5 eval '[ $(count "$T_DIR/rn.count") -ge 2 ]'
check "RN up after rise 2, with the request's weight 7" wait_for 5 is $VS $RN weight 7
check "its checker is the request's (rise 2)" [ "$(rs $VS $RN 'checkers[0].rise')" = 2 ]
check "RN in the IPVS table the daemon wants" wait_for 5 eval \
	'wanted $VS | jq -e --arg a $RN "index(\$a) != null" >/dev/null'
check "status --json: an add-rs override" [ "$(ovr .kind)" = '["add-rs"]' ]
check "with uid 0, a pid, the options" \
	[ "$(ovr '[.uid, (.pid > 1), .options, .real_server]')" = "[[0,true,\"weight = 7 tcp_check { connect_timeout = 1 rise = 2 fall = 1 }\",\"$RN\"]]" ]
since=$(ctl status --json | jq -r '.overrides.active[0].since')
check "and its time ($since)" [ $(($(date -u -d "$since" +%s) - t0)) -ge -1 -a \
	$(($(date -u -d "$since" +%s) - t0)) -le 5 ]
check "status (text) lists it" sh -c "'$HDCTL' -s '$SOCK' status | grep -q '  add-rs $VS $RN weight = 7 .*  by uid 0 (pid '"
check "the log names who added it" grep -q "operator (uid 0, pid [0-9]*): added real server $RN of $VS" "$T_DIR/hd.log"
check "R1 and R2 kept their checks (not restarted: still up)" eval 'is $VS $R1 state up && is $VS $R2 state up'

# -- without a check: the virtual server's usual one (R1's, aimed at RX); RX has no server
check "add-rs RX without options" ctl add-rs $VS $RX
check "RX got R1's check (tcp, rise 1)" eval 'status && [ "$(rs $VS $RX "checkers[0].type")" = tcp ]'
check "RX found down by it" wait_for 5 eval 'is $VS $RX state down && [ "$(rs $VS $RX "checkers[0].fail_run")" -ge 1 ]'
check "RX (down) not in the wanted IPVS table" eval \
	'wanted $VS | jq -e --arg a $RX "index(\$a) == null" >/dev/null'
check "VS2's R without checks: nothing to copy, refused" \
	[ "$(err add-rs $VS2 10.95.0.12:443 | tail -1)" = "control:1: real_server 10.95.0.12:443: no check given, and no real server of this virtual server has one to copy: give one (e.g. tcp_check { })" ]

# -- remove: a live-added one (the add is undone) ...
n0=$(count "$T_DIR/rn.count")
check "remove-rs RX" ctl remove-rs $VS $RX
check "RX gone from status" [ "$(rs_list $VS)" = "[\"$R1\",\"$R2\",\"$RN\"]" ]
check "RX's add-rs no longer listed" [ "$(ovr .real_server)" = "[\"$RN\"]" ]
# ... and one of the file's: its check stops, it leaves the wanted table
check "remove-rs R2" ctl remove-rs $VS $R2
check "R2 gone from status" [ "$(rs_list $VS)" = "[\"$R1\",\"$RN\"]" ]
check "R2 gone from the wanted IPVS table" eval \
	'wanted $VS | jq -e --arg a $R2 "index(\$a) == null" >/dev/null'
check "a remove-rs override for R2" [ "$(ovr '[.kind, .real_server]')" = "[[\"add-rs\",\"$RN\"],[\"remove-rs\",\"$R2\"]]" ]
n2=$(count "$T_DIR/r2.count")
# R1's check has the same delay_loop: 6 more runs of it would have been 6
# of R2's had it been running
r1=$(count "$T_DIR/r1.count")
check "R1's check runs on" wait_for 10 eval '[ $(count "$T_DIR/r1.count") -ge $((r1 + 6)) ]'
check "R2's check stopped (no connection while R1's ran 6 times)" [ "$(count "$T_DIR/r2.count")" = "$n2" ]
check "RN's check still runs" [ "$(count "$T_DIR/rn.count")" -gt "$n0" ]

# -- bad requests: the file's errors, nothing changed
before=$(ctl status --json | jq -c '[.overrides, [.healthcheck[].real_servers[].rs]]')
check "unknown virtual server" \
	[ "$(err add-rs 10.95.0.200:80 $RX | tail -1)" = "control:1: virtual_server 10.95.0.200:80: not in the configuration ($T_DIR/hd.conf)" ]
check "duplicate of a file server: names its line" \
	[ "$(err add-rs $VS $R1 | tail -1)" = "control:1: real_server $R1: already in virtual_server $VS ($T_DIR/hd.conf:4)" ]
check "duplicate of an added one: names who added it" \
	grep -q "control:1: real_server $RN: already in virtual_server $VS (added by uid 0 at " <<<"$(err add-rs $VS $RN)"
check "bad address" [ "$(err add-rs $VS nonsense | tail -1)" = "control:1: real_server: 'nonsense' is not an address:port" ]
check "bad check option: the file's message" \
	[ "$(err add-rs $VS $RX tcp_check { connect_timout = 1 } | tail -1)" = "control:1: unknown option 'connect_timout' in tcp_check" ]
check "weight out of range: the file's message" \
	[ "$(err add-rs $VS $RX weight = 70000 | tail -1)" = "control:1: weight: 70000 is out of range 0..65535" ]
check "a bad value in a check: the file's message" \
	grep -q "^control:1: connect_timeout: " <<<"$(err add-rs $VS $RX tcp_check { connect_timeout = -3 })"
check "a block that closes itself and opens another: refused" \
	grep -q "^control:1: " <<<"$(err add-rs $VS $RX weight = 1 } real_server 10.95.0.15:80 { weight = 2)"
check "a comment that hides the closing brace: refused" \
	grep -q "^control:1: " <<<"$(err add-rs $VS $RX weight = 1 '#')"
check "remove-rs of an unknown server" \
	[ "$(err remove-rs $VS 10.95.0.99:80 | tail -1)" = "control:1: real_server 10.95.0.99:80: not in virtual_server $VS ($T_DIR/hd.conf:3)" ]
long=$(printf 'weight = 1 %.0s' $(seq 1 360)) # 3,960 bytes, the request 4,000
check "4,000 bytes of options: one error, no state change" \
	grep -q "^control:1: " <<<"$(err add-rs $VS $RX $long)"
check "a request past the protocol's limit: refused" sh -c "! '$HDCTL' -s '$SOCK' add-rs $VS $RX $long $long 2>/dev/null"
printf 'add-rs %s %s weight = 1 \001\n' $VS $RX | ip netns exec "$D" python3 -c '
import socket, sys; s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])
s.sendall(sys.stdin.buffer.read()); s.shutdown(socket.SHUT_WR); print(s.recv(4096).decode())' "$SOCK" >"$T_DIR/ctl.out"
check "a control character: refused by the protocol" grep -q "^ERROR request contains a control" "$T_DIR/ctl.out"
# the flood: 300 hostile requests of every kind, as fast as they come
python3 - "$SOCK" "$VS" "$RX" "$R1" <<'PY' >"$T_DIR/flood.out"
import socket, sys
sock, vs, rx, r1 = sys.argv[1:]
bad = [f"add-rs {vs} {r1} weight = 1", f"add-rs {vs} {rx} weight = 99999",
       f"add-rs {vs} {rx} tcp_check {{ nope = 1 }}", f"add-rs {vs} {rx} }} {{ {{",
       f"add-rs 1.2.3.4:80 {rx}", f"add-rs {vs} {rx} " + "x" * 4000,
       f"remove-rs {vs} 10.9.9.9:80", f"add-rs {vs} {rx} weight = 1 }} real_server 1.1.1.1:80 {{"]
errors = 0
for i in range(300):
    s = socket.socket(socket.AF_UNIX); s.connect(sock)
    s.sendall((bad[i % len(bad)] + "\n").encode()); s.shutdown(socket.SHUT_WR)
    r = b""
    while True:
        d = s.recv(65536)
        if not d: break
        r += d
    errors += r.startswith(b"ERROR")
    s.close()
print(errors)
PY
check "the flood: 300 refused" [ "$(cat "$T_DIR/flood.out")" = 300 ]
check "refused requests changed nothing (servers, overrides)" \
	[ "$(ctl status --json | jq -c '[.overrides, [.healthcheck[].real_servers[].rs]]')" = "$before" ]
check "the daemon still answers" ctl ping

# -- reloads
check "reload, file unchanged" ctl reload
check "RN stays (the file does not have it)" [ "$(rs_list $VS)" = "[\"$R1\",\"$RN\"]" ]
check "R2 stays removed (the file has it unchanged)" [ "$(ovr .kind)" = '["add-rs","remove-rs"]' ]
check "RN's verdict kept across the reload" is $VS $RN state up
check "the log says both were kept" eval \
	"grep -q 'override kept: add-rs $VS $RN (uid 0, .*): the file does not have it' '$T_DIR/hd.log' &&
	 grep -q 'override kept: remove-rs $VS $R2 (uid 0, .*): the file has it unchanged' '$T_DIR/hd.log'"
RN_IN=1 conf >"$T_DIR/hd.conf"
check "reload: the file now has RN (weight 5)" ctl reload
check "the file wins: RN at the file's weight 5" wait_for 5 is $VS $RN weight 5
check "the log says the add went and why" grep -q \
	"override dropped: add-rs $VS $RN (uid 0, .*): the file now has it ($T_DIR/hd.conf:6); the file wins" "$T_DIR/hd.log"
check "R2 still removed" [ "$(ovr '[.kind, .real_server]')" = "[[\"remove-rs\",\"$R2\"]]" ]
RN_IN=1 R2W=30 conf >"$T_DIR/hd.conf"
check "reload: the file changes R2 (weight 30)" ctl reload
check "R2 is back, at 30" wait_for 5 is $VS $R2 weight 30
check "the log says the remove went and why" grep -q \
	"override dropped: remove-rs $VS $R2 (uid 0, .*): the file changed it ($T_DIR/hd.conf:5) since it was removed; the file wins: it is back" "$T_DIR/hd.log"
check "no override left" [ "$(ovr .kind)" = '[]' ]
check "dropped_by_reload counts 2" [ "$(ctl status --json | jq .overrides.dropped_by_reload)" = 2 ]
check "add to VS2" ctl add-rs $VS2 10.95.0.12:443 tcp_check { }
RN_IN=1 R2W=30 NO_VS2=1 conf >"$T_DIR/hd.conf"
check "reload without VS2" ctl reload
check "the add went with VS2 (logged)" grep -q \
	"override dropped: add-rs $VS2 10.95.0.12:443 (uid 0, .*): the virtual server is no longer in the file" "$T_DIR/hd.log"
check "reload --plan with an add in force plans no removal of it" eval \
	'ctl add-rs $VS $RX >/dev/null && ! ctl reload --plan | grep -q "$RX"'
check "and drops nothing (a plan changes nothing)" [ "$(ovr .real_server)" = "[\"$RX\"]" ]
ctl metrics >"$T_DIR/m.txt"
check "metrics: 1 add-rs in force" grep -qx 'hadirector_overrides{kind="add-rs",scope="real_server"} 1' "$T_DIR/m.txt"

# -- the event stream saw each change, with who made it
jqm() { jq -c "select(.event == \"runtime\") | $1" "$T_DIR/mon.out"; }
check "monitor: add-rs by uid 0" [ "$(jqm 'select(.action == "add-rs" and .real_server == "'$RN'" and .uid == 0) | .result' | head -1)" = '"ok"' ]
check "monitor: remove-rs" [ "$(jqm 'select(.action == "remove-rs" and .real_server == "'$R2'") | .result' | head -1)" = '"ok"' ]
check "monitor: a refused add with its error" \
	grep -q '"error":"control:1: unknown option '"'"'connect_timout'"'"' in tcp_check"' "$T_DIR/mon.out"

# -- the daemon stops cleanly; in a sanitizer build, with nothing to report
# (the shells of the live changes, the lent checks, the dropped overrides)
kill -TERM "$HDPID"
wait "$HDPID"
check "the daemon exits 0 ($?)" [ "$?" = 0 ]
check "no sanitizer report in its log" sh -c "! grep -E 'Sanitizer|runtime error' '$T_DIR/hd.log'"
t_done
