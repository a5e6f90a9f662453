#!/bin/bash
# Inside the VM (issue 23): connection sync among active directors, lvs_sync_daemon `mode =
# both`. Two directors d1, d2 (IPVS DR, wlc, sloppy_tcp 0) serve the same VIP in front of one real
# server; the client reaches the VIP through the director its route names, as an ECMP router would
# hand a flow to one director and later, when the router rehashes, to another.
# - each director runs both sync daemons (kernel and status say so);
# - a connection made through d1 appears on d2 as a learnt entry (ipvsadm -Lnc) to the same real
#   server, and one made through d2 on d1: each sends its own and learns the other's;
# - the client's route moves to d2: the connection made through d1 goes on (d2 forwards it by the
#   entry it learnt; without it, sloppy_tcp 0, d2's stack resets it); and back to d1 for the one
#   made through d2;
# - a daemon stopped behind hadirector's back (ipvsadm --stop-daemon backup) is started again;
# - hadirector killed and started again keeps the daemons the kernel still runs;
# - the same for a connection to an IPv6 VIP (the kernel's version 1 messages carry IPv6
#   connections; the group stays IPv4);
# - SIGTERM stops both daemons.
# ECMP_SYNC_MODE=none (default both) leaves the lvs_sync_daemon section out: the checks of the
# learnt entries and of the moved connections fail (the test without the feature).
. "$(dirname "$0")/../lib.sh"
VIP=10.100.0.1 VIP6=fd00:100::1
assert "ip_vs with wlc loads" vm_load_ipvs wlc
for h in d1:11 d2:12 rs:21 client:2; do
	n=${h%%:*}
	vm_ns "$n" >/dev/null
	vm_link "vm-$n" eth0 "10.0.0.${h##*:}/24"
	ip -n "vm-$n" addr add "fd00::${h##*:}/64" dev eth0 nodad
done
for d in d1 d2; do
	ip -n "vm-$d" route add local "$VIP/32" dev lo table local
	ip -n "vm-$d" -6 route add local "$VIP6/128" dev lo table local
	ip netns exec "vm-$d" sysctl -qw net.ipv4.vs.sloppy_tcp=0
done
ip -n vm-rs addr add "$VIP/32" dev lo
ip -n vm-rs addr add "$VIP6/128" dev lo
ip netns exec vm-rs sysctl -qw net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2
# the real server: a line answered "rs", on IPv4 and IPv6
ip netns exec vm-rs python3 -c '
import socket, threading
s = socket.socket(socket.AF_INET6)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
s.bind(("::", 80)); s.listen(64)
def serve(c):
    for line in c.makefile("rb"): c.sendall(b"rs\n")
while True: threading.Thread(target=serve, args=(s.accept()[0],), daemon=True).start()' \
	</dev/null >/dev/null 2>&1 &
VM_PIDS+=($!)
ip -n vm-client route add "$VIP/32" via 10.0.0.11
ip -n vm-client -6 route add "$VIP6/128" via fd00::11

D=$VM_DIR
declare -A HDPID
for d in d1 d2; do
	{
		echo "global { router_id = $d }"
		[ "${ECMP_SYNC_MODE:-both}" = none ] ||
			echo "lvs_sync_daemon { interface = eth0  mode = ${ECMP_SYNC_MODE:-both}  syncid = 23 }"
		cat <<CONF
virtual_server $VIP:80 {
    lb_algo = wlc
    lb_kind = dr
    delay_loop = 1
    real_server 10.0.0.21:80 { tcp_check { connect_timeout = 1 } }
}
virtual_server [$VIP6]:80 {
    lb_algo = wlc
    lb_kind = dr
    delay_loop = 1
    real_server [fd00::21]:80 { tcp_check { connect_timeout = 1 } }
}
CONF
	} >"$D/$d.conf"
	ip netns exec "vm-$d" "$HD" -n -l -f "$D/$d.conf" -p "$D/$d.pid" -s "$D/$d.sock" \
		>"$D/$d.log" 2>&1 &
	VM_PIDS+=($!)
	HDPID[$d]=$!
done
ctl() { "$HDCTL" -s "$D/$1.sock" "${@:2}"; }
daemons() { ip netns exec "vm-$1" ipvsadm -L --daemon 2>/dev/null; }
both_run() { daemons "$1" | grep -q '^master sync daemon' && daemons "$1" | grep -q '^backup sync daemon'; }
has_rs() { ip netns exec "vm-$1" ipvsadm -Ln | grep -q '10.0.0.21:80' &&
	ip netns exec "vm-$1" ipvsadm -Ln | grep -q '\[fd00::21\]:80'; }
for d in d1 d2; do
	assert "$d answers" wait_for 10 ctl "$d" ping
	check "$d: the real server is in its table (IPv4 and IPv6 service)" wait_for 15 has_rs "$d"
	check "$d: the kernel runs the master and the backup sync daemon" wait_for 10 both_run "$d"
	daemons "$d" | sed "s/^/# $d: /"
	check "$d: status says mode both, master+backup running" eval \
		"ctl $d status --json | jq -e '.ipvs.sync_daemon | .mode == \"both\" and .running == \"master+backup\"' >/dev/null"
done

# The client: connections opened on request (a file open-NAME holding the VIP; empty: the IPv4
# one), each asking a line every 0.2 s; answers logged as "NAME ANSWER" ("NAME port P" once open;
# error or closed: that one stops).
cat >"$D/cl.py" <<'PY'
import os, socket, sys, time
d, vip = sys.argv[1], sys.argv[2]
conns, dead = {}, set()
out = open(os.path.join(d, "answers"), "a", buffering=1)
while not os.path.exists(os.path.join(d, "stop")):
    for f in sorted(os.listdir(d)):
        if f.startswith("open-") and f[5:] not in conns:
            try:
                to = open(os.path.join(d, f)).read().strip() or vip
                s = socket.create_connection((to, 80), 2)
                s.settimeout(2)
                conns[f[5:]] = s
                out.write("%s port %d\n" % (f[5:], s.getsockname()[1]))
            except OSError as e:
                conns[f[5:]] = None
                out.write("%s connect-failed %s\n" % (f[5:], e))
    for name, s in conns.items():
        if s is None or name in dead:
            continue
        try:
            s.sendall(b"p\n")
            r = s.recv(64).decode().strip() or "closed"
        except OSError as e:
            r = "error(%s)" % e
        if r == "closed" or r.startswith("error"):
            dead.add(name)
        out.write("%s %s\n" % (name, r))
    time.sleep(0.2)
PY
mkdir -p "$D/cl"
ip netns exec vm-client python3 "$D/cl.py" "$D/cl" $VIP &
VM_PIDS+=($!)
port_of() { awk -v n="$1" '$1 == n && $2 == "port" { print $3 }' "$D/cl/answers"; }
answers() { awk -v n="$1" '$1 == n && $2 != "port"' "$D/cl/answers" | wc -l; }
# ENTRY DIRECTOR PORT [6]: the director's connection entry of the client's PORT (on IPv6 with 6):
# "STATE REALSERVER"
entry() {
	local c="10.0.0.2:$2"
	[ "${3:-}" = 6 ] && c="[fd00::2]:$2"
	ip netns exec "vm-$1" ipvsadm -Lnc | awk -v c="$c" '$4 == c { print $3, $6 }'
}
has_entry() { # DIRECTOR PORT [6]
	local rs=10.0.0.21:80
	[ "${3:-}" = 6 ] && rs="[fd00::21]:80"
	[ "$(entry "$@")" = "ESTABLISHED $rs" ]
}
# ORIGIN DIRECTOR PORT: LOCAL (its own entry) or SYNC (learnt), from /proc/net/ip_vs_conn_sync
origin() {
	ip netns exec "vm-$1" awk -v p="$(printf %04X "$2")" '$1 == "TCP" && $3 == p { print $9 }' \
		/proc/net/ip_vs_conn_sync
}
# MOVED NAME DIRECTOR [6]: the client's route to the VIP (the IPv6 one with 6) moves to DIRECTOR;
# NAME answers 5 more times, each from the real server, none broken
moved() {
	local n0
	if [ "${3:-}" = 6 ]; then
		ip -n vm-client -6 route replace "$VIP6/128" via "fd00::1${2#d}"
	else
		ip -n vm-client route replace "$VIP/32" via "10.0.0.1${2#d}"
	fi
	n0=$(answers "$1")
	wait_for 10 sh -c "[ \$(awk -v n=$1 '\$1 == n && \$2 != \"port\"' $D/cl/answers | wc -l) -ge $((n0 + 5)) ]"
	! awk -v n="$1" '$1 == n && $2 != "port" && $2 != "rs"' "$D/cl/answers" | grep -q .
}

# learnt NAME OWNER OTHER [6]: NAME, opened through OWNER, is answered; OWNER has its entry
# (LOCAL), OTHER learnt it from OWNER's master daemon (SYNC); sets P to its client port.
learnt() {
	assert "$1: open through $2, answered" wait_for 10 sh -c "[ \$(awk '\$1 == \"$1\" && \$2 == \"rs\"' $D/cl/answers | wc -l) -ge 3 ]"
	P=$(port_of "$1")
	check "$1: $2 has its entry (port $P)" has_entry "$2" "$P" ${4:-}
	check "$1: $3 learnt it from $2's master daemon" wait_for 10 has_entry "$3" "$P" ${4:-}
	check "$1: $2's entry is its own (LOCAL), $3's learnt (SYNC): $(origin "$2" "$P")/$(origin "$3" "$P")" \
		test "$(origin "$2" "$P")/$(origin "$3" "$P")" = LOCAL/SYNC
}
touch "$D/cl/open-A"
learnt A d1 d2
ip netns exec vm-d2 cat /proc/net/ip_vs_conn_sync | sed 's/^/# d2: /'
check "A: moved to d2, it goes on (d2's learnt entry)" moved A d2
touch "$D/cl/open-B"
learnt B d2 d1
check "B: moved to d1, it goes on (d1's learnt entry); A too" moved B d1
check "A goes on through d1 again" moved A d1
echo "$VIP6" >"$D/cl/open-C"
learnt C d1 d2 6
check "C: moved to d2, it goes on (d2's learnt entry)" moved C d2 6
grep -v ' rs$' "$D/cl/answers" | sed 's/^/# client: /'

# A daemon stopped by hand is started again on the slow timer (every 5 s).
ip netns exec vm-d1 ipvsadm --stop-daemon backup
check "d1: the backup daemon stopped by hand is running again" wait_for 15 both_run d1
check "d1: and said so" grep -q 'the backup sync daemon stopped; starting it again' "$D/d1.log"

# d2's hadirector killed (as by the watchdog) and started again: the kernel's daemons ran on
# meanwhile with the same parameters, and are kept, not stopped and started again (which would
# drop what the master has not sent yet)
kill -KILL "${HDPID[d2]}"
ip netns exec vm-d2 "$HD" -n -l -f "$D/d2.conf" -p "$D/d2.pid" -s "$D/d2.sock" >>"$D/d2.log" 2>&1 &
VM_PIDS+=($!)
assert "d2 answers again" wait_for 10 ctl d2 ping
check "d2: both daemons still run" wait_for 10 both_run d2
check "d2: the daemons found running were kept ($(grep -c 'with these parameters: kept' "$D/d2.log"))" \
	test "$(grep -c 'sync daemon already runs on eth0 with these parameters: kept' "$D/d2.log")" = 2

touch "$D/cl/stop"
kill -TERM "${HDPID[d1]}"
check "d1: SIGTERM stops both sync daemons" wait_for 10 sh -c "! ip netns exec vm-d1 ipvsadm -L --daemon | grep -q sync"
check "d2 still runs both" both_run d2
grep -E 'sync daemon' "$D/d2.log" | sed 's/^/# d2: /'
vm_done
