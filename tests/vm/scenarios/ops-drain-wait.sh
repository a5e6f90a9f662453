#!/bin/bash
# Inside the VM (issue 22): `hadirectorctl drain VS RS --wait [SECONDS]`
# against the kernel's IPVS counters, with real TCP connections held open
# through the director (DR, rr over R1 and R2). A client holds 4 idle
# connections, 2 on each: the wait on R1 times out (exit 3, the count
# left, R1 stays at weight 0 in the kernel and gets no new connection);
# during a long wait the daemon answers at once (the wait is a timer, not
# a loop); R1's server then closes its connections, the client closes its
# side, ActiveConn falls to 0, and the wait returns (exit 0) within a poll
# or two. An undrain during a wait ends it with an error; a client that
# hangs up ends its wait. maint VS brings the sorry server in beside the
# drained servers (their connections go on); unmaint takes it out. The
# event stream shows the IPVS writes (the drain's edit-dest to weight 0)
# and one the kernel refuses (a scheduler it cannot load), with its error;
# a reload of 601 writes is 64 events and a summary, and drops no one.
. "$(dirname "$0")/../lib.sh"

assert "ip_vs and rr load" vm_load_ipvs rr
VIP=192.168.168.100
vm_dr_director # LB, CL
declare -A SRV
rs_ns() { # NAME ADDR: a DR real server whose TCP server holds what it accepts
	vm_dr_rs "$1" "$2"
	ip netns exec "vm-$1" python3 -c '
import socket
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", 80)); s.listen(64); held = []
while True: held.append(s.accept()[0])' &
	SRV[$1]=$!; VM_PIDS+=($!)
}
rs_ns r1 192.168.168.10; rs_ns r2 192.168.168.20; rs_ns sorry 192.168.168.30
conf() { # SCHED
	cat <<CONF
virtual_server $VIP:80 { lb_algo = $1  lb_kind = dr  sorry_server = 192.168.168.30:80
    real_server 192.168.168.10:80 { weight = 1 }
    real_server 192.168.168.20:80 { weight = 1 } }
CONF
}
conf rr >"$VM_DIR/hd.conf"
SOCK=$VM_DIR/hd.sock
ip netns exec "$LB" "$HD" -n -l -f "$VM_DIR/hd.conf" -p "$VM_DIR/hd.pid" -s "$SOCK" >"$VM_DIR/hd.log" 2>&1 &
VM_PIDS+=($!)
ctl() { "$HDCTL" -s "$SOCK" "$@"; }
table() { ip netns exec "$LB" ipvsadm -Ln; }
col() { table | awk -v rs="$1:80" -v c="$2" '$2 == rs { print $c }'; } # 4 weight, 5 active
both() { [ -n "$(col 192.168.168.10 4)" ] && [ -n "$(col 192.168.168.20 4)" ]; }
assert "the daemon answers" wait_for 10 ctl ping
assert "both real servers in the table" wait_for 10 both
"$HDCTL" -s "$SOCK" monitor --json >"$VM_DIR/mon.out" 2>&1 &
VM_PIDS+=($!)
wait_for 5 eval '[ "$(ctl status --json | jq .events.subscribers)" = 1 ]'

# The client: N connections held until the server closes each.
ip netns exec "$CL" python3 -c '
import select, socket, sys
socks = [socket.create_connection(("'$VIP'", 80), timeout=5) for _ in range(4)]
open(sys.argv[1], "w").write("up")
while socks:
    for s in select.select(socks, [], [])[0]:
        if not s.recv(100): s.close(); socks.remove(s)' "$VM_DIR/client.up" &
CLIENT=$!; VM_PIDS+=($!)
check "the client holds its connections" wait_for 10 test -e "$VM_DIR/client.up"
check "R1 has 2 active connections in the kernel" wait_for 5 eval '[ "$(col 192.168.168.10 5)" = 2 ]'
check "R2 has 2" [ "$(col 192.168.168.20 5)" = 2 ]

VS=$VIP:80 R1=192.168.168.10:80
t0=$(now_ms)
out=$(ctl drain $VS $R1 --wait 3 2>&1); rc=$?; t1=$(now_ms)
echo "# drain --wait 3: exit $rc after $((t1 - t0)) ms: $out"
check "held connections: the wait times out with exit 3 ($rc)" [ "$rc" = 3 ]
check "after its 3 s, not before, not much after ($((t1 - t0)) ms)" \
	[ $((t1 - t0)) -ge 3000 -a $((t1 - t0)) -le 6000 ]
check "it says how many are left" grep -q "2 active connection(s) left after 3.0 s; it stays drained" <<<"$out"
check "R1 stays drained: weight 0 in the kernel" [ "$(col 192.168.168.10 4)" = 0 ]
check "its connections go on (2 active)" [ "$(col 192.168.168.10 5)" = 2 ]
ip netns exec "$CL" python3 -c '
import socket
for _ in range(4): socket.create_connection(("'$VIP'", 80), timeout=5).close()'
check "new connections all go to R2 (R1 still 2 active)" [ "$(col 192.168.168.10 5)" = 2 ]

# A long wait in the background: the daemon answers meanwhile; R1's server
# goes, the client closes its side, the wait ends.
ctl drain $VS $R1 --wait 60 >"$VM_DIR/wait.out" 2>&1 &
WAITER=$!
sleep 0.5
p0=$(now_ms); ctl ping >/dev/null; p1=$(now_ms)
check "ping answered during the wait ($((p1 - p0)) ms)" [ $((p1 - p0)) -le 1000 ]
check "status counts the wait's drain as one override" \
	[ "$(ctl status --json | jq '[.overrides.active[] | select(.kind == "drain")] | length')" = 1 ]
check "the wait is still on" kill -0 $WAITER
kill "${SRV[r1]}"; t0=$(now_ms)
wait $WAITER; rc=$?; t1=$(now_ms)
echo "# drain --wait 60: exit $rc $((t1 - t0)) ms after R1's server left: $(cat "$VM_DIR/wait.out")"
check "connections gone: exit 0 ($rc)" [ "$rc" = 0 ]
check "soon after they closed ($((t1 - t0)) ms <= 3000)" [ $((t1 - t0)) -le 3000 ]
check "it says 0 active" grep -q "drained: 0 active connections" "$VM_DIR/wait.out"
check "and the kernel agrees" [ "$(col 192.168.168.10 5)" = 0 ]

# An undrain during a wait ends it with an error (R2 still holds 2).
ctl drain $VS 192.168.168.20:80 --wait 60 >"$VM_DIR/wait2.out" 2>&1 &
WAITER=$!
sleep 1
ctl undrain $VS 192.168.168.20:80 >/dev/null
wait $WAITER; rc=$?
check "undrained while waiting: exit 1 ($rc)" [ "$rc" = 1 ]
check "and says so" grep -q "undrained while waiting" "$VM_DIR/wait2.out"

# A client that goes away ends its wait (the daemon watches for the hang-up).
waits() { ctl status --json | jq .daemon.control.drain_waits; }
"$HDCTL" -s "$SOCK" drain $VS 192.168.168.20:80 --wait 60 >/dev/null 2>&1 &
WAITER=$!
check "one wait counted" wait_for 3 eval '[ "$(waits)" = 1 ]'
kill $WAITER; wait $WAITER 2>/dev/null
check "the client gone, no wait left" wait_for 3 eval '[ "$(waits)" = 0 ]'
ctl undrain $VS 192.168.168.20:80 >/dev/null

# maint VS (R1 has its own drain): every real server drained, quorum lost,
# the sorry server takes the new clients while R2 keeps its 2 connections
# at weight 0; unmaint gives R2 back and the sorry server leaves.
has() { [ -n "$(col "$1" 4)" ]; }
check "maint VS" ctl maint $VIP:80
check "the sorry server comes in" wait_for 5 has 192.168.168.30
check "R2 stays in the table at weight 0" [ "$(col 192.168.168.20 4)" = 0 ]
check "with its 2 connections" [ "$(col 192.168.168.20 5)" = 2 ]
ip netns exec "$CL" python3 -c '
import socket, time
s = [socket.create_connection(("'$VIP'", 80), timeout=5) for _ in range(2)]
time.sleep(3)' &
NEWCL=$!
check "new clients go to the sorry server" wait_for 3 eval '[ "$(col 192.168.168.30 5)" = 2 ]'
check "not to R2" [ "$(col 192.168.168.20 5)" = 2 ]
wait $NEWCL
check "unmaint VS" ctl unmaint $VIP:80
check "the sorry server leaves" wait_for 5 eval '! has 192.168.168.30'
check "R2 back at weight 1" [ "$(col 192.168.168.20 4)" = 1 ]
check "R1 still drained (its own drain)" [ "$(col 192.168.168.10 4)" = 0 ]

# The event stream: the drain's IPVS write, and one the kernel refuses: a
# scheduler whose module is not loaded, with module autoloading off in
# this VM (the config accepts the name; the kernel answers ENOENT).
ev() { jq -s -e "map(select($1)) | length > 0" "$VM_DIR/mon.out" >/dev/null; }
# A reload that makes 601 writes (a service, 600 destinations): 64 are told
# one by one, the rest in one summary event; the subscriber is not dropped
# (601 events would be ~80 KiB at once, beyond its 32 KiB buffer).
big() {
	conf rr
	echo "virtual_server 192.168.168.101:80 { lb_algo = rr  lb_kind = dr"
	for i in $(seq 600); do echo "    real_server 10.9.$((i / 250)).$((i % 250 + 1)):80 { }"; done
	echo "}"
}
big >"$VM_DIR/hd.conf"
check "reload with 600 more destinations" ctl reload
check "they are in the kernel" wait_for 10 eval '[ "$(table | grep -c -- "-> 10\.9\.")" = 600 ]'
check "one summary event for the writes not told one by one" wait_for 5 ev \
	'.event == "ipvs" and .op == "more" and .target == "537 more writes in this pass (0 refused)"'
check "the subscriber was not dropped" [ "$(ctl status --json | jq .events.dropped.slow)" = 0 ]
echo /bin/false >/proc/sys/kernel/modprobe
conf sed >"$VM_DIR/hd.conf"
check "reload to lb_algo sed" ctl reload
check "a refused IPVS write is an event with the kernel's error" wait_for 5 ev \
	'.event == "ipvs" and .op == "edit-service" and .result == "failed" and .error == "No such file or directory"'
check "the drain's write is an event: edit-dest to weight 0" ev \
	'.event == "ipvs" and .op == "edit-dest" and .weight == 0 and .result == "ok" and (.target | test("-> 192.168.168.10:80"))'
check "the undrain's: R2 back at weight 1" ev \
	'.event == "ipvs" and .op == "edit-dest" and .weight == 1 and (.target | test("-> 192.168.168.20:80"))'
check "the events parse" jq -s -e "length > 5" "$VM_DIR/mon.out"
[ "$VM_FAILS" -eq 0 ] || { table; tail -30 "$VM_DIR/hd.log"; cat "$VM_DIR/mon.out"; }
vm_done
