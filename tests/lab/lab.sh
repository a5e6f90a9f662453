#!/bin/bash
# The end-to-end lab, run inside the VM (tests/vm/run tests/lab/lab.sh [dr|nat|tun]).
#
# The reference scenario (../shared/SCENARIO.md) in network namespaces on one bridge:
#   lb1 192.168.168.50  hadirector, VRRPv3 VRID 51, priority 150 (primary), preempt_delay 3 s
#   lb2 192.168.168.51  hadirector, priority 100 (backup); both advert_int 0.1
#   nginx1 .10, nginx2 .20  real servers: HTTP on :80 (nginx if installed, else busybox httpd)
#                       and an HTTP/1.1 keep-alive server on :8080; VIP on lo (DR) or tunl0 (TUN)
#   client .60          a new HTTP connection every 50 ms + one long-lived connection
#   VIP 192.168.168.100: virtual servers :80 (http_check) and :8080 (tcp_check), rr
#   NAT: the real servers' default route is the gateway VIP .254 (VRRP instance VI_2, VRID 52,
#        in a vrrp_sync_group with VI_1)
#   TUN: the real servers decapsulate ipip (tunl0 up with the VIP, rp_filter off)
# lvs_sync_daemon follows VI_1, so the long-lived connection survives the director changes.
#
# The run: requests spread over the real servers; the primary director dies (hadirector gets
# SIGKILL and its NIC goes down, as when the machine fails) and the backup takes over; the
# primary reboots (clean state) and preempts after preempt_delay; nginx1 is stopped and started.
# Then lab.py prints the timeline and checks the assertions.
. "$(dirname "$0")/../vm/lib.sh"
LAB_DIR=$(cd "$(dirname "$0")" && pwd)
MODE=${1:-dr}
case $MODE in dr | nat | tun) ;; *) echo "usage: lab.sh [dr|nat|tun]"; exit 2 ;; esac
PY=/usr/bin/python3
[ -x $PY ] || PY=python3
VIP=192.168.168.100
GW=192.168.168.254
ADV=0.1
PREEMPT_DELAY=3
D=$VM_DIR
now_ms() { local t=${EPOCHREALTIME/./}; echo $((t / 1000)); } # no fork: exact under load
event() { # KIND TEXT...: one line in the event log (realtime ms; EV_T if set, else now)
	local k=$1
	shift
	echo "${EV_T:-$(now_ms)} $k $*" >>"$D/events.log"
	EV_T=
}
say() { echo "lab $(date +%T.%N | cut -c1-12): $*"; }

say "mode $MODE; loading ip_vs, rr$([ "$MODE" = tun ] && echo ", ipip")"
assert "ip_vs and ip_vs_rr load" vm_load_ipvs rr
[ "$MODE" = tun ] && assert "ipip loads" hd_vm_modprobe ipip

# ---- the hosts. Few program starts: each costs up to a second in an emulated VM on a busy host.
HOSTS="lb1:50 lb2:51 client:60 nginx1:10 nginx2:20"
{
	for h in $HOSTS; do echo "netns add vm-${h%%:*}"; done
	echo "link add br0 type bridge"
	echo "link set br0 up"
	for h in $HOSTS; do
		echo "link add p-${h%%:*} type veth peer name eth0 netns vm-${h%%:*}"
		echo "link set p-${h%%:*} master br0 up"
	done
} | ip -batch - || exit 99
for h in $HOSTS; do VM_NS+=("vm-${h%%:*}"); done
LB1=vm-lb1 CL=vm-client
host_cmds() { # NAME LASTBYTE: the ip commands of one host
	local n=$1 a=192.168.168.$2
	echo "link set lo up"
	case $n:$MODE in
	nginx*:nat) # one-arm NAT: a host address, the default route through the gateway VIP
		echo "addr add $a/32 dev eth0"
		echo "link set eth0 up"
		echo "route add $GW/32 dev eth0"
		echo "route add default via $GW"
		;;
	*)
		echo "addr add $a/24 dev eth0"
		echo "link set eth0 up"
		;;
	esac
	case $n:$MODE in
	nginx*:dr) echo "addr add $VIP/32 dev lo" ;;
	nginx*:tun)
		echo "link set tunl0 up"
		echo "addr add $VIP/32 dev tunl0"
		;;
	esac
}
host_sysctls() { # NAME
	case $1:$MODE in
	lb*) echo net.ipv4.conf.all.send_redirects=0 net.ipv4.conf.default.send_redirects=0 \
		net.ipv4.conf.eth0.send_redirects=0 ;;
	nginx*)
		# DR/TUN: never answer or announce ARP for the VIP
		echo net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2 \
			net.ipv4.conf.lo.arp_ignore=1 net.ipv4.conf.lo.arp_announce=2
		[ "$MODE" = nat ] && echo net.ipv4.conf.all.accept_redirects=0 net.ipv4.conf.eth0.accept_redirects=0
		[ "$MODE" = tun ] && echo net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0 \
			net.ipv4.conf.tunl0.rp_filter=0 net.ipv4.conf.eth0.rp_filter=0
		;;
	esac
}
for h in $HOSTS; do
	n=${h%%:*}
	host_cmds "$n" "${h##*:}" | ip -n "vm-$n" -batch - || exit 99
	sc=$(host_sysctls "$n")
	# shellcheck disable=SC2086
	[ -n "$sc" ] && { ip netns exec "vm-$n" sysctl -qw $sc || exit 99; }
done

WEB=busybox
command -v nginx >/dev/null 2>&1 && WEB=nginx
declare -A PID80
rs_host() { # NAME: its pages and the keep-alive server on :8080
	local n=$1
	mkdir -p "$D/$n"
	echo "this is $n" >"$D/$n/index.html"
	ip netns exec "vm-$n" $PY "$LAB_DIR/lab.py" kaserver "$n" 8080 &
	VM_PIDS+=($!)
}
web_start() { # NAME
	local n=$1
	if [ $WEB = nginx ]; then
		# workers as root: the scratch dir is 0700 (www-data would get 403)
		cat >"$D/$n/nginx.conf" <<NGX
user root;
worker_processes 1;
pid $D/$n/nginx.pid;
error_log $D/$n/error.log;
events { worker_connections 512; }
http {
    access_log off;
    client_body_temp_path $D/$n; proxy_temp_path $D/$n; fastcgi_temp_path $D/$n;
    uwsgi_temp_path $D/$n; scgi_temp_path $D/$n;
    server { listen 80; root $D/$n; index index.html; }
}
NGX
		ip netns exec "vm-$n" nginx -c "$D/$n/nginx.conf" -g 'daemon off;' &
	else
		ip netns exec "vm-$n" busybox httpd -f -p 80 -h "$D/$n" &
	fi
	PID80[$n]=$!
	VM_PIDS+=($!)
}
web_stop() { kill "${PID80[$1]}"; wait "${PID80[$1]}" 2>/dev/null; }
rs_host nginx1
rs_host nginx2
web_start nginx1
web_start nginx2
# Setup, not a verdict: the directors start with every real server up and
# their first checks must find them listening. Python's start in a busy TCG
# VM took seconds once (CI of 2026-12-06): the :8080 servers were down at
# the first tcp_check, out of the table when the client connected.
listening() { # NAME PORT
	ip netns exec "vm-$1" ss -Htln "sport = :$2" | grep -q .
}
for n in nginx1 nginx2; do
	assert "$n listens on :80 and :8080" wait_for 30 sh -c \
		"$(declare -f listening); listening $n 80 && listening $n 8080"
done

# ---- the directors: one config file each
conf() { # ROUTER_ID PRIORITY
	local kind=$MODE
	cat <<CONF
global {
    router_id = $1
    set_sysctls = true
}
vrrp_instance VI_1 {
    interface = eth0
    virtual_router_id = 51
    priority = $2
    advert_int = $ADV
    version = 3
    preempt = true
    preempt_delay = $PREEMPT_DELAY
    virtual_ipaddress = { $VIP/24 }
}
CONF
	if [ "$MODE" = nat ]; then
		cat <<CONF
vrrp_instance VI_2 {
    interface = eth0
    virtual_router_id = 52
    priority = $2
    advert_int = $ADV
    version = 3
    preempt = true
    preempt_delay = $PREEMPT_DELAY
    virtual_ipaddress = { $GW/24 }
}
vrrp_sync_group G1 { group = { VI_1, VI_2 } }
CONF
	fi
	cat <<CONF
lvs_sync_daemon { interface = eth0  vrrp_instance = VI_1  syncid = 51 }
virtual_server $VIP:80 {
    lb_algo = rr
    lb_kind = $kind
    delay_loop = 1
    real_server 192.168.168.10:80 { http_check { path = /index.html  connect_timeout = 2  rise = 1  fall = 2 } }
    real_server 192.168.168.20:80 { http_check { path = /index.html  connect_timeout = 2  rise = 1  fall = 2 } }
}
virtual_server $VIP:8080 {
    lb_algo = rr
    lb_kind = $kind
    delay_loop = 1
    real_server 192.168.168.10:8080 { tcp_check { connect_timeout = 2  fall = 2 } }
    real_server 192.168.168.20:8080 { tcp_check { connect_timeout = 2  fall = 2 } }
}
CONF
}
conf lb1 150 >"$D/lb1.conf"
conf lb2 100 >"$D/lb2.conf"
assert "lb1.conf is valid" "$HD" -t -f "$D/lb1.conf"
assert "lb2.conf is valid" "$HD" -t -f "$D/lb2.conf"
declare -A HDPID
hd_start() { # lb1|lb2
	[ -n "${HDPID[$1]:-}" ] || ip netns exec "vm-$1" sysctl -qw net.ipv4.vs.sync_threshold="3 10"
	ip netns exec "vm-$1" "$HD" -n -l -f "$D/$1.conf" -p "$D/$1.pid" -s "$D/$1.sock" >>"$D/$1.log" 2>&1 &
	HDPID[$1]=$!
	VM_PIDS+=($!)
}
ipvs_has_all() { # lb: both real servers in both virtual servers
	[ "$(ip netns exec "vm-$1" ipvsadm -Ln | grep -c -- '-> 192.168.168.[12]0:')" = 4 ]
}
vip_on() { ip -n "vm-$1" -o addr show dev eth0 | grep -q " $VIP/"; }
vip_off() { ! vip_on "$1"; }

hd_start lb1
assert "lb1 answers" wait_for 10 "$HDCTL" -s "$D/lb1.sock" ping
assert "lb1 becomes master and holds the VIP" wait_for 10 vip_on lb1
hd_start lb2
assert "lb2 answers" wait_for 10 "$HDCTL" -s "$D/lb2.sock" ping
assert "both directors have both real servers in both virtual servers" \
	wait_for 20 sh -c "$(declare -f ipvs_has_all); ipvs_has_all lb1 && ipvs_has_all lb2"
check "lb2 stays backup (no VIP)" vip_off lb2
sync_is() { ip netns exec "vm-$1" ipvsadm -L --daemon | grep -q "^$2 sync daemon"; }
check "lb1 runs the master sync daemon" wait_for 5 sync_is lb1 master
check "lb2 runs the backup sync daemon" wait_for 5 sync_is lb2 backup
SYNC=1
sync_is lb1 master || SYNC=0
say "real servers: $WEB on :80, python keep-alive server on :8080"
ip netns exec "$LB1" ipvsadm -Ln

# ---- the run
$PY "$LAB_DIR/lab.py" sampler $VIP "$D/sampler.log" vm-lb1 vm-lb2 &
SAMPLER=$!
VM_PIDS+=("$SAMPLER")
TICKERS=()
for ((c = 0; c < $(nproc); c++)); do
	$PY "$LAB_DIR/lab.py" ticker "$D/ticker$c.log" $c &
	TICKERS+=($!)
	VM_PIDS+=($!)
done
T_CONV=$(now_ms)
: >"$D/events.log"
event start "client starts: a new connection every 50 ms to :80, one keep-alive connection to :8080"
ip netns exec "$CL" $PY "$LAB_DIR/lab.py" client $VIP "$D/client.log" "$D/stop" &
CLPID=$!
VM_PIDS+=("$CLPID")
wait_for 20 test -s "$D/client.log"
sleep 5

# NIC first, then SIGKILL right after (a builtin: no fork): the daemon has no time to react,
# and the node's kernel stops forwarding at the same moment the adverts stop. The event time is
# taken before `ip` starts (that can take a second in a loaded emulated VM); the report moves it
# to the sampler's first sample that sees lb1's interface down.
EV_T=$(now_ms)
ip -n "$LB1" link set eth0 down
kill -9 "${HDPID[lb1]}"
disown "${HDPID[lb1]}" 2>/dev/null # no "Killed" job message
event kill "primary director lb1 dies: its NIC goes down and hadirector gets SIGKILL"
wait_for 5 vip_on lb2
sleep 3

# The primary reboots: a rebooted machine has no VIP, an empty IPVS table and no sync daemon.
# (The kernel sync daemon left running is replaced by hadirector at its start.)
ip netns exec "$LB1" ipvsadm -C
printf 'addr flush dev eth0 scope global\naddr add 192.168.168.50/24 dev eth0\nlink set eth0 up\n' |
	ip -n "$LB1" -batch -
event reboot "lb1 is back (rebooted, hadirector starts; preempt_delay $PREEMPT_DELAY s)"
hd_start lb1
wait_for 10 vip_on lb1
wait_for 3 vip_off lb2
sleep 2.5

EV_T=$(now_ms)
web_stop nginx1
event rs_stop "nginx1's HTTP server on :80 stopped"
sleep 6
web_start nginx1
event rs_back "nginx1's HTTP server on :80 started"
sleep 4
touch "$D/stop"
wait $CLPID
event end "client stopped"
kill "$SAMPLER" "${TICKERS[@]}" 2>/dev/null

ip netns exec "$LB1" ipvsadm -Ln --stats | sed 's/^/    /'
overflows() { # NAME: SYNs its kernel dropped because the HTTP server's listen queue was full
	ip netns exec "vm-$1" nstat -saz TcpExtListenDrops | awk '/ListenDrops/ { print $2 }'
}
cat >"$D/lab.json" <<JSON
{"mode": "$MODE", "advert_int": $ADV, "backup_priority": 100, "preempt_delay": $PREEMPT_DELAY,
 "delay_loop": 1, "fall": 2, "connect_timeout": 2, "sync": $([ $SYNC = 1 ] && echo true || echo false),
 "t_converged": $T_CONV, "web": "$WEB",
 "listen_drops": {"nginx1": $(overflows nginx1), "nginx2": $(overflows nginx2)}}
JSON
if ! $PY "$LAB_DIR/lab.py" report "$D"; then
	fail "the lab's assertions"
	for n in lb1 lb2; do echo "--- $n.log"; tail -n 40 "$D/$n.log"; done
fi
if [ "${LAB_DUMP:-0}" = 1 ]; then # the raw logs, for tests/lab/lab.py report on the host
	echo "--- lab logs (tar.gz, base64)"
	(cd "$D" && tar czf - client.log sampler.log events.log lab.json lb1.log lb2.log ticker*.log) | base64
	echo "--- end of lab logs"
fi
disown -a # the cleanup's kill -9 of the hosts' processes is no news
vm_done
