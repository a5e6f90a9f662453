#!/bin/bash
# Every child the daemon starts goes through one spawn routine
# (daemon/base/spawn.c). The daemon is started the way a service manager would,
# and then some: stdin and descriptor 7 on files, NOTIFY_SOCKET, WATCHDOG_* and
# LISTEN_* in its environment, supplementary groups 4 and 24.
# (1) a vrrp notify script, a vrrp_script, a misc_check and a real server's
#     notify_down each write down what they got: only descriptors 0, 1, 2,
#     stdin on /dev/null, none of those variables, no supplementary group;
#     the SNMP subagent, seen from /proc, has none of them either;
# (2) a reload loop replacing a vrrp_script that runs for a long time:
#     the old run is killed and reaped, no zombie child piles up;
# (3) forced flapping while the notify script is held: only the running
#     notification and the latest state's wait; after the flapping the
#     notifications that ran are few and end with the final state;
# (4) the same for a real server's notify_up/notify_down.
. "$top_srcdir/tests/netns/lib-vrrp.sh"

v_open_dir
v_bridge
v_host d1 192.168.168.50/24
OUT="$V_DIR/out"
# dump.sh: one file per kind of script, named after the script
cat >"$V_DIR/dump.sh" <<'SCRIPT'
#!/bin/sh
o="$(dirname "$0")/out/$(basename "$0" .sh)"
{
	echo "uid $(id -u)"
	echo "groups $(id -G)"
	echo "stdin $(readlink /proc/self/fd/0)"
	echo "fds $(ls -l /proc/self/fd | awk 'NR > 1 && $NF !~ /^\/proc\// { printf "%s ", $9 }')"
	env | grep -E '^(NOTIFY_SOCKET|WATCHDOG_|LISTEN_)' | sed 's/^/env /'
} >"$o.tmp"
mv "$o.tmp" "$o.txt"
SCRIPT
for k in notify track misc down; do cp "$V_DIR/dump.sh" "$V_DIR/$k.sh"; chmod 755 "$V_DIR/$k.sh"; done

# hd_start NAME CONF: like v_start, with the leaks above
: >"$V_DIR/stdin.txt"
hd_start() {
	local name="$1" conf="$2"
	ip netns exec "$(nsof "$name")" setpriv --groups 4,24 -- env NOTIFY_SOCKET="$V_DIR/nosuch.sock" \
		WATCHDOG_USEC=60000000 WATCHDOG_PID=1 LISTEN_FDS=1 LISTEN_PID=1 \
		"$HD" -n -l -v -f "$conf" -p "$V_DIR/$name.pid" -s "$V_DIR/$name.sock" \
		>>"$V_DIR/$name.log" 2>&1 7>"$V_DIR/leak.txt" <"$V_DIR/stdin.txt" &
	eval "V_PID_$name=$!"
	disown $! 2>/dev/null
	wait_for 5 test -S "$V_DIR/$name.sock" || { fail "$name did not start"; return 1; }
}

cat >"$V_DIR/d1.conf" <<CONF
global { router_id = d1  snmp = true  snmp_socket = $V_DIR/agentx.sock }
vrrp_script chk { script = "$V_DIR/track.sh"  interval = 0.5 }
vrrp_instance VI_1 {
    interface = eth0
    virtual_router_id = 51
    priority = 150
    advert_int = 0.1
    virtual_ipaddress = { 192.168.168.100/24 }
    track_script = { chk }
    notify = "$V_DIR/notify.sh"
}
virtual_server 192.168.168.200:80 {
    delay_loop = 0.5
    real_server 192.168.168.50:80 { misc_check { script = "$V_DIR/misc.sh" } }
    real_server 192.168.168.51:80 {
        notify_down = "$V_DIR/down.sh"
        misc_check { script = "/bin/false" }
    }
}
CONF
hd_start d1 "$V_DIR/d1.conf"
D=$(v_pid d1)

# (1) what each child got
for k in notify track misc down; do
	f="$OUT/$k.txt"
	if ! wait_for 5 test -s "$f"; then
		fail "$k: the script did not run"
		continue
	fi
	sed "s/^/# $k: /" "$f"
	check "$k: only descriptors 0 1 2 ($(grep '^fds' "$f"))" grep -qx 'fds 0 1 2 ' "$f"
	check "$k: stdin is /dev/null" grep -qx 'stdin /dev/null' "$f"
	check "$k: no NOTIFY_SOCKET, WATCHDOG_*, LISTEN_*" absent '^env ' "$f"
	check "$k: no supplementary group ($(grep '^groups' "$f"))" grep -qx 'groups 0' "$f"
done
agent=$(ps --ppid "$D" -o pid=,comm= | awk '$2 == "hadirector-snm" || $2 == "hadirector-snmp" { print $1 }')
if [ -z "$agent" ]; then
	fail "snmp subagent: not running under the daemon"
else
	ls -l "/proc/$agent/fd" >"$V_DIR/agent-fd.txt"
	tr '\0' '\n' <"/proc/$agent/environ" >"$V_DIR/agent-env.txt"
	check "snmp subagent: stdin is /dev/null" [ "$(readlink "/proc/$agent/fd/0")" = /dev/null ]
	check "snmp subagent: not the daemon's descriptor 7" absent -F "$V_DIR/leak.txt" "$V_DIR/agent-fd.txt"
	check "snmp subagent: no NOTIFY_SOCKET, WATCHDOG_*, LISTEN_*" \
		absent -E '^(NOTIFY_SOCKET|WATCHDOG_|LISTEN_)' "$V_DIR/agent-env.txt"
	check "snmp subagent: no supplementary group" \
		eval "grep -qE '^Groups:[[:space:]]*$' /proc/$agent/status"
fi
v_stop d1

# (2) a reload replacing a vrrp_script that is running: no zombie
# zombies: how many of the daemon's children are zombies; prints nothing
# (not 0) when ps could not list the processes
zombies() {
	local all
	all=$(ps -e -o ppid=,stat=) && [ -n "$all" ] || return 1
	awk -v d="$D" '$1 == d && $2 ~ /^Z/ { n++ } END { print n + 0 }' <<<"$all"
}
for i in 0 1; do
	printf '#!/bin/sh\necho $$ >>%s\nexec sleep 1000\n' "$OUT/long$i.txt" >"$V_DIR/long$i.sh"
	chmod 755 "$V_DIR/long$i.sh"
done
v_conf "$V_DIR/d1.conf" d1 150 "track_script = { long }"
sed -i "1a vrrp_script long { script = \"$V_DIR/long0.sh\"  interval = 1  timeout = 600 }" "$V_DIR/d1.conf"
hd_start d1 "$V_DIR/d1.conf"
D=$(v_pid d1)
N=8
for i in $(seq 1 $N); do
	s=$((i % 2))
	sed -i "s|long[01].sh|long$s.sh|" "$V_DIR/d1.conf"
	before=$(cat "$OUT/long$s.txt" 2>/dev/null | wc -l)
	kill -HUP "$D"
	wait_for 5 eval "[ \$(cat '$OUT/long$s.txt' 2>/dev/null | wc -l) -gt $before ]" ||
		fail "reload $i: the new vrrp_script did not start"
done
sleep 0.5
check "the daemon is still there to look at" kill -0 "$D"
z=$(zombies)
echo "# after $N reloads replacing a running vrrp_script: $z zombie children"
check "reloads replacing a running vrrp_script leave no zombie ($z)" same_num "$z" 0
sleepers() { ip netns pids "$(nsof d1)" | xargs -r ps -o args= -p 2>/dev/null | grep -c '^sleep 1000'; }
check "the current vrrp_script runs, and only it ($(sleepers))" [ "$(sleepers)" -eq 1 ]
v_stop d1

# (3) flapping with the notify script held: the queue keeps the latest
cat >"$V_DIR/slow.sh" <<SCRIPT
#!/bin/sh
while [ -e "$V_DIR/gate" ]; do sleep 0.05; done
echo "\$3" >>"$OUT/slow.txt"
SCRIPT
chmod 755 "$V_DIR/slow.sh"
touch "$V_DIR/gate"
v_conf "$V_DIR/d1.conf" d1 150 "notify = \"$V_DIR/slow.sh\""
sed -i "1s/}/ script_timeout = 120 }/" "$V_DIR/d1.conf"
hd_start d1 "$V_DIR/d1.conf"
check "flapping: d1 master first" wait_for 3 v_state_is d1 VI_1 MASTER
for i in $(seq 1 12); do
	ip -n "$(nsof d1)" link set eth0 down
	wait_for 5 v_state_is d1 VI_1 FAULT
	ip -n "$(nsof d1)" link set eth0 up
	wait_for 5 v_state_not d1 VI_1 FAULT
done
check "flapping: d1 master at the end" wait_for 3 v_state_is d1 VI_1 MASTER
tr=$(v_field d1 VI_1 transitions)
rm -f "$V_DIR/gate"
wait_for 10 eval "[ \"\$(tail -n 1 '$OUT/slow.txt' 2>/dev/null)\" = MASTER ]"
sleep 1 # anything still queued would run now
ran=$(wc -l <"$OUT/slow.txt")
echo "# $tr transitions while the notify script was held; $ran notifications ran: $(tr '\n' ' ' <"$OUT/slow.txt")"
check "flapping: there was flapping ($tr transitions)" [ "$tr" -ge 24 ]
check "flapping: at most 3 notifications ran ($ran)" [ "$ran" -le 3 ]
check "flapping: the last one tells the final state" [ "$(tail -n 1 "$OUT/slow.txt")" = MASTER ]
check "flapping: what was dropped is logged" grep -q "superseded by a later state" "$V_DIR/d1.log"
v_stop d1

# (4) a real server flapping while its notify_up/down script is held
touch "$V_DIR/gate" "$V_DIR/rs-up"
cat >"$V_DIR/rs.sh" <<SCRIPT
#!/bin/sh
test -e "$V_DIR/rs-up"
SCRIPT
for s in up down; do
	printf '#!/bin/sh\nwhile [ -e "%s" ]; do sleep 0.05; done\necho %s >>"%s"\n' \
		"$V_DIR/gate" "$s" "$OUT/rs.txt" >"$V_DIR/rs-$s.sh"
done
chmod 755 "$V_DIR/rs.sh" "$V_DIR/rs-up.sh" "$V_DIR/rs-down.sh"
cat >"$V_DIR/d1.conf" <<CONF
global { router_id = d1  script_timeout = 120 }
virtual_server 192.168.168.200:80 {
    delay_loop = 0.1
    real_server 192.168.168.60:80 {
        notify_up = "$V_DIR/rs-up.sh"
        notify_down = "$V_DIR/rs-down.sh"
        misc_check { script = "$V_DIR/rs.sh"  rise = 1  fall = 1 }
    }
}
CONF
hd_start d1 "$V_DIR/d1.conf"
rs_changes() { # verdict changes so far, from the daemon's log
	grep -cE 'real server 192.168.168.60:80 of 192.168.168.200:80: (up|down) -> ' "$V_DIR/d1.log"
}
for i in $(seq 1 8); do
	rm -f "$V_DIR/rs-up"
	wait_for 5 eval "[ \$(rs_changes) -ge $((2 * i - 1)) ]"
	touch "$V_DIR/rs-up"
	wait_for 5 eval "[ \$(rs_changes) -ge $((2 * i)) ]"
done
n=$(rs_changes)
check "real server flapping: up at the end" \
	eval "grep -E 'real server 192.168.168.60:80 of .*: (up|down) -> ' '$V_DIR/d1.log' | tail -n 1 | grep -q -- '-> up'"
rm -f "$V_DIR/gate"
wait_for 10 eval "[ \"\$(tail -n 1 '$OUT/rs.txt' 2>/dev/null)\" = up ]"
sleep 1
ran=$(wc -l <"$OUT/rs.txt")
echo "# $n verdict changes while notify_up/down was held; $ran ran: $(tr '\n' ' ' <"$OUT/rs.txt")"
check "real server flapping: there was flapping ($n changes)" [ "$n" -ge 16 ]
check "real server flapping: at most 2 notify scripts ran ($ran)" [ "$ran" -le 2 ]
check "real server flapping: the last one tells the final state" [ "$(tail -n 1 "$OUT/rs.txt")" = up ]
check "real server flapping: what was dropped is logged" \
	grep -q "notify for real server 192.168.168.60:80 of 192.168.168.200:80: .* (superseded" "$V_DIR/d1.log"
v_stop d1
v_done
