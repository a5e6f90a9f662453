#!/bin/bash
# The system calls of an http_check against nginx are those of one
# connection (issue 24): socket, connect, one epoll registration, send,
# recv, close, each once a check; the TCP_QUICKACK setsockopt that saves
# two packets a check (hc_tcp.c); a second recv where the server's FIN came
# after its answer (the director waits for it: hc_http.c await_fin); and
# the loop's wakeups, shared by the checks that start together, one epoll
# call each (no nested set, no timerfd). Nothing
# else per check: no getsockopt(SO_ERROR), fcntl, shutdown, EPOLL_CTL_MOD
# or _DEL, clock read, log write or timer of a check's own. Counted with
# strace -c -f on the daemon over a window, divided by its connections
# (each one a request nginx logged): counts, not time, so the machine's speed and strace's
# own slowness do not enter (a slower daemon only batches more).
# HC_SYSCALLS_FWD=1 (hc-fwd-syscalls.sh): the same checks of a DR service
# with check_forwarding_path and forwarding_path_probe = echo, the VIP on
# the real servers' lo. The path adds at most one sendmmsg() a check (the
# echoes of the checks that start together), the reply's recvmmsg() and
# its wakeup, which, the path's packet sockets being in the loop's own set
# (hc_fwd_sock.c), comes from the wait itself: no sd-event iteration (its
# second epoll call) per check, as when they were sd-event sources.
. "$top_srcdir/tests/netns/lib.sh"

N=40
FWD=${HC_SYSCALLS_FWD:-0}
VIP=10.89.255.1
DIR=$(t_ns dir); RS=$(t_ns rs)
ip link add eth0 netns "$DIR" type veth peer name eth0 netns "$RS"
ip -n "$DIR" addr add 10.89.0.1/16 dev eth0
ip -n "$DIR" link set eth0 up
ip -n "$RS" link set eth0 up
for ((i = 1; i <= N; i++)); do echo "addr add 10.89.1.$i/16 dev eth0"; done | ip -n "$RS" -batch -
if [ "$FWD" = 1 ]; then # the classic DR real server
	ip -n "$RS" addr add $VIP/32 dev lo
	ip netns exec "$RS" sysctl -qw net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2
fi

# nginx as users run it: one worker, a 200 with a small body and its
# usual headers (Server, Date, Content-Type, Content-Length, Connection)
mkdir -p "$T_DIR/ngx"
cat >"$T_DIR/ngx/nginx.conf" <<NGINX
worker_processes 1; daemon off; pid $T_DIR/ngx/nginx.pid; error_log $T_DIR/ngx/error.log;
events { worker_connections 1024; }
http { access_log $T_DIR/ngx/access.log; client_body_temp_path $T_DIR/ngx; proxy_temp_path $T_DIR/ngx;
    fastcgi_temp_path $T_DIR/ngx; uwsgi_temp_path $T_DIR/ngx; scgi_temp_path $T_DIR/ngx;
    server { listen 80 default_server; location / { return 200 "ok\n"; } } }
NGINX
touch "$T_DIR/ngx/access.log"
ip netns exec "$RS" nginx -c "$T_DIR/ngx/nginx.conf" -p "$T_DIR/ngx" -e "$T_DIR/ngx/error.log" \
	</dev/null >/dev/null 2>&1 &
T_PIDS+=($!)
listening() { ip netns exec "$RS" ss -Hltn "sport = :80" | grep -q LISTEN; }
wait_for 5 listening || { echo "nginx did not start"; exit 99; }

{
	echo "global { router_id = hc-syscalls }"
	echo "virtual_server $VIP:80 {"
	echo "    delay_loop = 0.5"
	if [ "$FWD" = 1 ]; then
		echo "    lb_kind = dr"
		echo "    check_forwarding_path = yes"
		echo "    forwarding_path_probe = echo"
	else
		echo "    lb_kind = nat"
	fi
	for ((i = 1; i <= N; i++)); do
		echo "    real_server 10.89.1.$i:80 { http_check { path = /health  status_code = { 200 }  connect_timeout = 10 } }"
	done
	echo "}"
} >"$T_DIR/hc.conf"

ip netns exec "$DIR" "$HD" -n -l -f "$T_DIR/hc.conf" -p "$T_DIR/hd.pid" -s "$T_DIR/hd.sock" \
	2>>"$T_DIR/hd.log" &
T_PIDS+=($!)
HDPID=$!
logged() { wc -l <"$T_DIR/ngx/access.log"; }
# past the start's own calls and the first runs: every server checked
# twice (a slow machine only takes longer; connect_timeout 10 keeps a
# check that waits for the loop from failing)
wait_for 30 eval '[ "$(logged)" -ge $((2 * N)) ]' || { echo "# nginx saw $(logged) requests in 30 s"; }
a0=$(logged)
timeout -s INT 8 strace -c -f -p "$HDPID" -o "$T_DIR/strace" 2>/dev/null
a1=$(logged)
# calls by name (strace -c: "% time seconds usecs/call calls [errors] syscall")
calls() { awk -v s="$1" '$NF == s && $4 ~ /^[0-9]+$/ { c = $4 } END { print c + 0 }' "$T_DIR/strace"; }
# a check is a connection: calls are counted per connect, and the
# connects against what nginx logged over about the same window
checks=$(calls connect)
echo "# $checks connects, nginx logged $((a1 - a0)) requests; strace -c:"
sed 's/^/#   /' "$T_DIR/strace"
check "the daemon checked every server (>= $((N * 8)) connections: $checks)" [ "$checks" -ge $((N * 8)) ]
check "each connection is a request nginx logged (within 10 %)" \
	[ $((a1 - a0)) -ge $((checks * 9 / 10)) -a $((a1 - a0)) -le $((checks * 11 / 10)) ]
check "nginx answered 200 to every check" \
	eval "! awk '\$9 != 200 { bad = 1 } END { exit !bad }' '$T_DIR/ngx/access.log'"
[ "$checks" -gt 0 ] || checks=1
per() { awk -v c="$(calls "$1")" -v n="$checks" 'BEGIN { printf "%.2f", c / n }'; }
between() { awk -v x="$1" -v lo="$2" -v hi="$3" 'BEGIN { exit !(x >= lo && x <= hi) }'; }
# within LO x checks - N .. HI x checks + N calls: each edge of the window
# cuts at most one check per real server (one in flight each), however long
# a check takes (under ASan and load, 20 of 606 at the start: 1.03 a check);
# one more call a check is about `checks` (>= 8 N) more
near() { # NAME LO HI
	awk -v c="$(calls "$1")" -v n="$checks" -v lo="$2" -v hi="$3" -v e="$N" \
		'BEGIN { exit !(c >= n * lo - e && c <= n * hi + e) }'
}
for s in socket sendto close epoll_ctl; do
	check "$s: once a check ($(per $s); the edges: +-$N)" near $s 1 1
done
check "setsockopt: at most the one TCP_QUICKACK a check ($(per setsockopt))" near setsockopt 0 1
check "recvfrom: the answer, and the FIN when it came later ($(per recvfrom))" near recvfrom 1 2
# wakeups: the loop sleeps in one epoll set that holds the check sockets
# and sd-event's descriptor (daemon/base/loop.c): an answer, a FIN or the
# schedule's time (the loop's own timer: its timeout) wakes it with one
# call: the connect, the answer, its FIN, the start shared by a batch;
# never more than 4 a check
w=$(awk -v n="$checks" '$NF ~ /^(epoll_wait|epoll_pwait2)$/ && $4 ~ /^[0-9]+$/ { c += $4 } END { printf "%.2f", c / n }' "$T_DIR/strace")
check "wakeups: at most $((4 + FWD)) epoll calls a check ($w)" between "$w" 0 $((4 + FWD))
if [ "$FWD" = 1 ]; then
	check "sendmmsg: at most one a check, the echoes of a batch together ($(per sendmmsg))" \
		near sendmmsg 0 1
	check "recvmmsg: the echo replies, at most one a check ($(per recvmmsg))" near recvmmsg 0 1
	# the path's own rare calls: the neighbour table read before each ARP
	# question (a server's at most every 3 s: 1/6 of its checks here) and
	# getrandom() for the runs' sequences (one per 20 runs)
	check "ioctl: the neighbour lookup, at most 1/4 a check ($(per ioctl))" near ioctl 0 0.25
	check "getrandom: at most 1/10 a check ($(per getrandom))" near getrandom 0 0.1
	OTHER_OK="|ioctl|getrandom"
fi
# the schedule's timer is no sd-event timer: no timerfd re-armed and read
# per batch of checks (0.25 a check here when it was); these two and all
# else (getsockopt, fcntl, shutdown, clock, log...) only as the loop's own
# rare timers need them
o=$(awk -v n="$checks" 'NR > 2 && $4 ~ /^[0-9]+$/ && $NF !~ /^(socket|connect|sendto|close|epoll_ctl|setsockopt|recvfrom|sendmmsg|recvmmsg|epoll_wait|epoll_pwait2'"${OTHER_OK:-}"'|total)$/ { c += $4; l = l " " $NF } END { printf "%.2f%s", c / n, l }' "$T_DIR/strace")
check "no other call per check (timerfd_settime, read, getsockopt, fcntl, clock...: $o)" \
	between "${o%% *}" 0 0.05
# A wakeup for check sockets alone is one epoll call, the one the loop
# slept in, with no second set to read (the check sockets had their own,
# one sd-event source: every send or receive came after two epoll calls in
# a row). Full trace, calls in order: of the sends and receives that come
# right after an epoll call, the share that comes after two in a row
# (sd-event's own turn, rare here, may leave one).
timeout -s INT 4 strace -f -qq -p "$HDPID" -o "$T_DIR/trace" 2>/dev/null
read -r one two < <(awk '{ if ($1 ~ /^[0-9]+$/) $1 = ""; c = $0; sub(/^ */, "", c); sub(/\(.*/, "", c)
	w = "^epoll_(wait|pwait|pwait2)$"
	if (c == "sendto" || c == "recvfrom" || c == "recvmmsg") if (p1 ~ w) { one++; if (p2 ~ w) two++ }
	p2 = p1; p1 = c } END { print one + 0, two + 0 }' "$T_DIR/trace")
echo "# $one sends and receives right after an epoll call, $two after two in a row"
check "check events come from the wait itself (>= 40 wakeups seen: $one)" [ "$one" -ge 40 ]
check "no second epoll call to read them (at most 20 %: $two of $one)" [ $((two * 5)) -le "$one" ]
if [ "$FWD" = 1 ]; then # after the traces: a control request is an sd-event wakeup
	up=$("$HDCTL" -s "$T_DIR/hd.sock" status --json |
		jq '[.healthcheck[].real_servers[] | select(.state == "up" and .outcome == "ok")] | length')
	check "all $N real servers up through the path ($up)" [ "$up" = "$N" ]
fi
[ "$T_FAILS" -gt 0 ] && { echo "# the daemon's log:"; tail -20 "$T_DIR/hd.log" | sed 's/^/#   /'; }
t_done
