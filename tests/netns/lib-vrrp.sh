# Helpers for the VRRP namespace tests (sourced). Every test builds its own
# namespaces named hdv-$$-*, a bridge namespace and directors joined to it by
# veth pairs; all traffic stays inside them. Everything is removed on exit.
set -u
. "$(dirname "${BASH_SOURCE[0]}")/lock.sh"
. "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh" # ok, fail, check, wait_for, absent...
WAIT_POLL=0.02 # wait_for polls every 20 ms here
hd_scratch "hdv-$$" hdv # V_DIR, V_NS: cleaned up at exit
HD_SHOW_LOGS=${V_KEEP:+always} # the daemons' logs: when a check failed, or always
HD_SHOW_LOGS=${HD_SHOW_LOGS:-fail}
# the names the tests read
declare -n V_PREFIX=HD_PREFIX V_DIR=HD_DIR V_NS=HD_NS V_FAILS=FAILS
v_cleanup() { hd_cleanup; }
trap 'exit 1' INT TERM

v_done() { hd_done; }

# v_ns NAME: namespace $V_PREFIX-NAME, lo up, no IPv6 DAD (addresses usable at once)
v_ns() {
	local n="$V_PREFIX-$1"
	hd_ns "$1" >/dev/null
	ip netns exec "$n" sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
}

# v_bridge: the shared segment (multicast snooping off: a plain hub)
v_bridge() {
	v_ns br
	V_BR="$V_PREFIX-br"
	hd_bridge "$V_BR" br0 mcast_snooping 0
}

# v_host NAME ADDR/LEN [ADDR6/LEN]: a namespace with eth0 on the bridge
v_host() {
	local name="$1" ns="$V_PREFIX-$1" peer="hv$$${#V_NS[@]}"
	v_ns "$name"
	hd_veth "$ns" eth0 "$2" "$peer" "$V_BR" br0
	eval "V_PORT_$name=$peer"
	[ -n "${3:-}" ] && ip -n "$ns" addr add "$3" dev eth0
}
nsof() { echo "$V_PREFIX-$1"; }

# v_start NAME CONF: run hadirector in namespace NAME (pid in V_PID_NAME);
# it has V_START_WAIT seconds (default 5) to parse CONF and open its socket
v_start() {
	local name="$1" conf="$2"
	ip netns exec "$(nsof "$name")" "$HD" -n -l -v -f "$conf" -p "$V_DIR/$name.pid" \
		-s "$V_DIR/$name.sock" >>"$V_DIR/$name.log" 2>&1 &
	eval "V_PID_$name=$!"
	disown $! 2>/dev/null
	wait_for "${V_START_WAIT:-5}" test -S "$V_DIR/$name.sock" || { fail "$name did not start"; return 1; }
}
v_pid() { eval "echo \$V_PID_$1"; }
# v_stop NAME [SIGNAL [TIMEOUT_SEC]]: signal the daemon in NAME (TERM), wait
# until it is gone (5 s), and remove its socket (v_start waits for a new one)
v_stop() {
	local p
	p=$(v_pid "$1")
	kill -"${2:-TERM}" "$p" 2>/dev/null
	wait_for "${3:-5}" gone "$p"
	rm -f "$V_DIR/$1.sock"
}

# v_keepalived NAME CONF: a real keepalived as peer (pid in V_PID_NAME)
v_keepalived() {
	local name="$1" conf="$2"
	ip netns exec "$(nsof "$name")" keepalived -n -l -D -f "$conf" -p "$V_DIR/$name.kpid" \
		-r "$V_DIR/$name.vpid" -c "$V_DIR/$name.cpid" >>"$V_DIR/$name.log" 2>&1 &
	eval "V_PID_$name=$!"
	disown $! 2>/dev/null
}

# v_has_vip NAME ADDR: ADDR is configured in namespace NAME
v_has_vip() {
	ip -n "$(nsof "$1")" -o addr show | grep -q "inet6\? $2/"
}
# v_no_vip NAME ADDR: namespace NAME's addresses were read (lo's at least:
# a namespace that is gone has none) and ADDR is not among them
v_no_vip() {
	local a
	a=$(ip -n "$(nsof "$1")" -o addr show 2>/dev/null) && [ -n "$a" ] || return 1
	! grep -q "inet6\? $2/" <<<"$a"
}

# v_pair [d2]: the two directors most tests start from: d1 (192.168.168.50,
# priority 150) and d2 (.51, 100) on the bridge with v_conf's one instance,
# both started (d1 first; d2 first when asked) and checked: d1 master, d2
# backup. v_is NAME STATE: the (only) instance is in STATE (cheaper than
# v_state_is in a loop); v_one_master VIP: d1 master and sole holder of
# VIP, d2 backup without it.
v_pair() {
	local first=d1 second=d2
	[ "${1:-d1}" = d2 ] && { first=d2; second=d1; }
	v_bridge
	v_host d1 192.168.168.50/24
	v_host d2 192.168.168.51/24
	v_conf "$V_DIR/d1.conf" d1 150
	v_conf "$V_DIR/d2.conf" d2 100
	v_start "$first" "$V_DIR/$first.conf"
	v_start "$second" "$V_DIR/$second.conf"
	check "d1 master" wait_for 4 v_state_is d1 VI_1 MASTER
	check "d2 backup" wait_for 4 v_state_is d2 VI_1 BACKUP
}
v_is() { v_status "$1" 2>/dev/null | grep -q "\"state\":\"$2\""; }
v_one_master() { v_is d1 MASTER && v_is d2 BACKUP && v_has_vip d1 "$1" && v_no_vip d2 "$1"; }

# v_monitor NAME FILE: "ip monitor address" of namespace NAME into FILE, in
# the background (pid in V_MON), known to be recording: a marker address
# goes on and off lo until FILE shows it. v_monitor_end NAME FILE: a second
# marker seen, then the monitor stopped, so FILE covers the whole window
# and a check that the VIP is absent from it has something to look at.
v_monitor() {
	ip netns exec "$(nsof "$1")" ip monitor address >"$2" 2>&1 &
	V_MON=$!
	v_monitor_mark "$1" "$2" start
}
v_monitor_end() {
	local rc=0
	v_monitor_mark "$1" "$2" end || rc=1
	kill "$V_MON" 2>/dev/null
	wait "$V_MON" 2>/dev/null
	return "$rc"
}
v_monitor_mark() { # NAME FILE LABEL
	local i ns
	ns=$(nsof "$1")
	for i in $(seq 50); do
		ip -n "$ns" addr add 192.0.2.1/32 dev lo label "lo:$3"
		ip -n "$ns" addr del 192.0.2.1/32 dev lo
		grep -q "lo:$3" "$2" && return 0
		sleep 0.1
	done
	echo "# ip monitor in $1 did not record its $3 marker"
	return 1
}

# v_status NAME: status JSON of the daemon in NAME
v_status() { hd_status "$V_DIR/$1.sock"; }

# v_field NAME INSTANCE KEY[.SUBKEY]: one value of an instance's status
v_field() {
	v_status "$1" | python3 -c '
import json, sys
inst, key = sys.argv[1], sys.argv[2].split(".")
for i in json.load(sys.stdin)["vrrp"]:
    if i["name"] == inst:
        v = i
        for k in key:
            v = v[k]
        print(v)
' "$2" "$3"
}
v_state_is() { [ "$(v_field "$1" "$2" state 2>/dev/null)" = "$3" ]; }
# v_state_not NAME INSTANCE STATE: the state was read and is another one
# ("! v_state_is" is also true when there is no status to read)
v_state_not() {
	local s
	s=$(v_field "$1" "$2" state 2>/dev/null) && [ -n "$s" ] && [ "$s" != "$3" ]
}

# v_time_until_vip NAME ADDR TIMEOUT_MS: poll ~2 ms; prints ms since V_T0, 1 on timeout
v_time_until_vip() {
	local end=$(( V_T0 + $3 ))
	while [ "$(now_ms)" -lt "$end" ]; do
		if v_has_vip "$1" "$2"; then echo $(( $(now_ms) - V_T0 )); return 0; fi
	done
	echo "timeout"; return 1
}

# v_advert_window FILE T0 T1: of the adverts whose capture times (seconds,
# the first field of each line) FILE holds, those in [T0, T1]: prints
# "COUNT LONGEST_PAUSE_MS NOMINAL", NOMINAL the window over a 100 ms advert_int
v_advert_window() {
	awk -v a="$2" -v b="$3" '$1 >= a && $1 <= b { if (n && $1 - p > g) g = $1 - p; p = $1; n++ }
		END { printf "%d %.0f %d\n", n, g * 1000, (b - a) / 0.1 }' "$1"
}

# v_conf FILE NAME PRIO [extra instance lines...]: a one-instance config
v_conf() {
	local file="$1" name="$2" prio="$3"; shift 3
	{
		echo "global { router_id = $name }"
		echo "vrrp_instance VI_1 {"
		echo "    interface = eth0"
		echo "    virtual_router_id = ${V_VRID:-51}"
		echo "    priority = $prio"
		echo "    advert_int = ${V_ADV:-0.1}"
		echo "    version = ${V_VERSION:-3}"
		echo "    virtual_ipaddress = { ${V_VIP:-192.168.168.100/24} }"
		for l in "$@"; do echo "    $l"; done
		echo "}"
	} >"$file"
}

# v_log_ms NAME REGEX: time (ms since midnight) of the last log line of NAME
# matching REGEX; the daemons' own clocks measure a handover without the
# jitter of polling with ip(8).
v_log_ms() {
	grep -E "$2" "$V_DIR/$1.log" | tail -n 1 |
		awk '{ split($1, t, "[:.]"); print ((t[1] * 60 + t[2]) * 60 + t[3]) * 1000 + t[4] }'
}

# v_clock_ms: now, in the same unit as v_log_ms (ms since midnight, wall clock)
v_clock_ms() {
	date +%H:%M:%S.%N | awk '{ split($1, t, "[:.]"); print ((t[1] * 60 + t[2]) * 60 + t[3]) * 1000 + int(substr(t[4], 1, 3)) }'
}

# v_link NAME IFNAME BRDEV ADDR/LEN: one more interface of host NAME, on
# bridge BRDEV of the bridge namespace (created on first use); port name in
# V_PORT_NAME_IFNAME
V_NLINK=0
v_link() {
	local name="$1" ifn="$2" brdev="$3" ns="$V_PREFIX-$1" peer
	V_NLINK=$((V_NLINK + 1))
	peer="hv$$l$V_NLINK"
	ip -n "$V_BR" link show "$brdev" >/dev/null 2>&1 || hd_bridge "$V_BR" "$brdev" mcast_snooping 0
	hd_veth "$ns" "$ifn" "$4" "$peer" "$V_BR" "$brdev"
	eval "V_PORT_${name}_$ifn=$peer"
}

# v_notify_script FILE OUT: a notify script appending "USER ARGS..." (or
# "USER -" without arguments, with its own name) to OUT
v_notify_script() {
	cat >"$1" <<SCRIPT
#!/bin/sh
echo "\$(date +%s.%N) \$(id -un) \$(basename "\$0") \${*:--}" >>"$2"
SCRIPT
	chmod 755 "$1"
}

# v_open_dir: let script_user (nobody) run scripts from \$V_DIR and write
# into \$V_DIR/out
v_open_dir() {
	chmod 755 "$V_DIR"
	mkdir -p "$V_DIR/out"
	chown nobody "$V_DIR/out"
}
