#!/bin/bash
# Native (host, no VM, no IPVS: the daemon logs that IPVS is missing and
# checks anyway) cost of one health check: N real servers on one namespace's
# veth, one python3 asyncio HTTP server answering on all, the daemon in
# another namespace with one TYPE check per real server every DELAY_LOOP s.
# Prints CPU per check (utime+stime over WINDOW s / checks the server saw)
# and VmHWM; with -s also `strace -c -f` over the window, with -c a
# callgrind profile (instructions per check; slow: use a small -n).
#   usage: tests/bench/checks-native.sh [-n 1000] [-d 1] [-w 20] [-t http|httpr|tcp] [-s] [-c OUT]
#          [-R nginx] (nginx, one worker, as the real server instead of python's)
# (httpr: http_check with reuse_connection = $HD_BENCH_REUSE, default 60)
# Run as root from a build directory (or HD=/path/to/hadirector);
# FLOOR=/path/to/hc-floor measures that program (hc-floor.c) instead.
set -u
N=1000 DL=1 WIN=20 TYPE=http STRACE=0 CG="" SRV=py
while getopts n:d:w:t:sc:R: o; do
	case $o in
	R) SRV=$OPTARG ;;
	n) N=$OPTARG ;; d) DL=$OPTARG ;; w) WIN=$OPTARG ;; t) TYPE=$OPTARG ;;
	s) STRACE=1 ;; c) CG=$OPTARG ;;
	*) exit 2 ;;
	esac
done
HD=${HD:-$PWD/hadirector}
B=$(mktemp -d /tmp/hdnative.XXXXXX)
LB=hdn-lb-$$ RS=hdn-rs-$$
cleanup() {
	for n in $LB $RS; do ip netns pids $n 2>/dev/null | xargs -r kill -9 2>/dev/null; done
	sleep 0.2
	ip netns del $LB 2>/dev/null; ip netns del $RS 2>/dev/null
	rm -rf "$B"
}
trap cleanup EXIT
for n in $LB $RS; do ip netns add $n; ip -n $n link set lo up; done
ip link add eth0 netns $LB type veth peer name eth0 netns $RS
ip -n $LB addr add 10.200.0.1/16 dev eth0; ip -n $LB link set eth0 up; ip -n $RS link set eth0 up
ADDRS=()
for ((i = 0; i < N; i++)); do ADDRS+=("10.200.$((1 + i / 250)).$((1 + i % 250))"); done
for a in "${ADDRS[@]}"; do echo "addr add $a/16 dev eth0"; done | ip -n $RS -batch -
if [ "$SRV" = nginx ]; then # -R nginx: one worker, return 200, checks = access log lines
	mkdir -p "$B/tmp"
	cat >"$B/nginx.conf" <<NGINX
worker_processes 1; daemon off; pid $B/nginx.pid; error_log $B/nginx.err;
events { worker_connections 8192; }
http { access_log $B/access.log; client_body_temp_path $B/tmp; proxy_temp_path $B/tmp;
    fastcgi_temp_path $B/tmp; uwsgi_temp_path $B/tmp; scgi_temp_path $B/tmp;
    server { listen 80 default_server; location / { return 200 "ok\n"; } } }
NGINX
	touch "$B/access.log"
	ip netns exec $RS nginx -c "$B/nginx.conf" -p "$B" -e "$B/nginx.err" </dev/null >/dev/null 2>&1 &
	sleep 1
	count() { wc -l <"$B/access.log"; }
else
	ip netns exec $RS python3 "$(dirname "$0")/hc-bench-srv.py" "$B/count" </dev/null >/dev/null 2>&1 &
	for _ in $(seq 50); do [ -s "$B/count" ] && break; sleep 0.1; done
	count() { cat "$B/count"; }
fi
{
	echo "global { router_id = bench }"
	echo "virtual_server 10.200.255.1:80 {"
	echo "    delay_loop = $DL  lb_algo = rr  lb_kind = nat"
	for a in "${ADDRS[@]}"; do
		if [ "$TYPE" = tcp ]; then echo "    real_server $a:80 { tcp_check { connect_timeout = 2 } }"
		elif [ "$TYPE" = httpr ]; then
			echo "    real_server $a:80 { http_check { path = /  connect_timeout = 2  reuse_connection = ${HD_BENCH_REUSE:-60} } }"
		else echo "    real_server $a:80 { http_check { path = /  connect_timeout = 2 } }"; fi
	done
	echo "}"
} > "$B/hd.conf"
pre=()
s0=$(count)
[ -n "$CG" ] && pre=(valgrind --tool=callgrind --callgrind-out-file="$CG" --collect-atstart=no --toggle-collect=sd_event_run --toggle-collect=hd_loop_run)
if [ -n "${FLOOR:-}" ]; then # the floor program instead of the daemon (hc-floor.c)
	ip netns exec $LB "${pre[@]}" "$FLOOR" "$N" "$DL" "$TYPE" >"$B/hd.log" 2>&1 &
	echo $! > "$B/hd.pid"
else
	ip netns exec $LB "${pre[@]}" "$HD" -n -l -f "$B/hd.conf" -p "$B/hd.pid" -s "$B/hd.sock" >"$B/hd.log" 2>&1 &
fi
sleep $((DL + 3)); [ -n "$CG" ] && sleep 10
pid=$(cat "$B/hd.pid")
ticks() { local f; f=$(sed 's/^.*) //' /proc/$pid/stat); set -- $f; echo $((${12} + ${13})); }

a0=$(count); c0=$(ticks)
if [ "$STRACE" = 1 ]; then
	timeout -s INT "$WIN" strace -c -f -p "$pid" -o "$B/strace" 2>/dev/null
else
	sleep "$WIN"
	# who closed first: a TIME_WAIT socket is left on the side that did
	echo "TIME_WAIT sockets at the end: director $(ip netns exec $LB ss -Htan state time-wait | wc -l)," \
		"real server $(ip netns exec $RS ss -Htan state time-wait | wc -l)"
fi
a1=$(count); c1=$(ticks)

checks=$((a1 - a0)); hz=$(getconf CLK_TCK)
echo "type=$TYPE n=$N delay_loop=$DL window=${WIN}s checks=$checks ($((checks / WIN))/s)" \
	"cpu=$(( (c1 - c0) * 1000000 / hz / (checks ? checks : 1) )) us/check" \
	"VmHWM=$(awk '/VmHWM/ {print $2}' /proc/$pid/status) kB VmRSS=$(awk '/VmRSS/ {print $2}' /proc/$pid/status) kB Pss=$(awk '/^Pss:/ {print $2}' /proc/$pid/smaps_rollup) kB"
[ "$STRACE" = 1 ] && { echo "syscalls per check:"; awk -v n="$checks" 'NR > 2 && $4 ~ /^[0-9]+$/ { printf "  %-16s %.2f\n", $NF, $4 / n } $NF == "total" { printf "  %-16s %.2f\n", "total", $3 / n }' "$B/strace" | sort -k2 -rn | head -25; }
kill "$pid" 2>/dev/null; sleep 0.5
[ "$SRV" = nginx ] && [ -s "$B/nginx.err" ] && { echo "nginx's error log:"; tail -3 "$B/nginx.err"; }
if [ -n "$CG" ]; then # instructions inside the event loop (the daemon's own since run 15, sd_event_run's before), per check made since the start
	for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
	ir=$(callgrind_annotate "$CG" 2>/dev/null | awk '/PROGRAM TOTALS/ { gsub(",", "", $1); print $1 }')
	s1=$(count)
	echo "callgrind: $ir instructions in the event loop / $((s1 - s0)) checks = $((ir / (s1 - s0))) per check"
fi
