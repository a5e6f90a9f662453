#!/bin/bash
# Health-check benchmark: hadirector vs keepalived 2.2.7 (not a test: no
# pass/fail, not in make check). keepalived's checker needs kernel IPVS, so
# this runs inside the qemu VM (tests/vm/run); started on the host it boots
# the VM with itself.
#
# Setup: one namespace "rs" holding N addresses (10.200.X.Y/16) on one veth
# and one python3 asyncio server on 0.0.0.0:80 answering every connection
# (HTTP 200 with a 3-byte body to a request; a bare connect/close for TCP
# checks; an HTTP/1.1 request without "Connection: close" keeps its
# connection) and counting checks (connections, and every request after a
# connection's first); one namespace "lb" with the
# daemon. Virtual server 10.200.255.1:80 (NAT) with the N addresses as real
# servers, each with one tcp_check/TCP_CHECK or http_check/HTTP_GET,
# delay_loop D, connect_timeout 2, and no retries (hadirector fall = 1,
# keepalived retry 0), so both take a server out at its first failure.
# Daemons run one after another on the same server set, same VM.
#
# Measured, per daemon and check type:
#   startup  time from start until all N destinations are in `ipvsadm -Ln`
#   rate     checks the server answered per second over the window
#            (the checks really performed; expected N / D)
#   cpu      utime + stime of all the daemon's processes (keepalived: parent
#            and checker child; /proc/PID/stat) over a WINDOW-second steady
#            state, per 1000 checks really performed and per round of N
#   rss/pss  VmRSS and PSS (smaps_rollup) summed over the processes, VmHWM
#            (peak RSS) summed, at the end of the window
#   detect   the server is killed (SIGKILL: connections are refused at
#            once); `ipvsadm -Ln` is polled every 100 ms: time until the
#            first destination left, half of them, all of them
#
# -F "B ..." adds the floor (tests/bench/hc-floor, `make tests/bench/hc-floor`):
# a bare epoll loop doing one connection per check and nothing else, starting
# its checks in batches every B ms; one contender per B ("floor-B"). It
# programs no IPVS, so it has no startup or detection figures. "B:EXTRA" runs
# it with HC_FLOOR_EXTRA=EXTRA (see hc-floor.c: what one more system call of
# a kind costs, e.g. -F "250 250:del 250:clk,tid").
#
# -M prints, for each daemon after its window, its mappings by PSS (largest
# first) on stderr: where the memory figures come from.
#
# -X "PATH ..." adds other hadirector binaries (other builds: an A/B in one
# VM run, on the same server set), named hd2, hd3, ... in the results.
#
# -P profiles each contender over its window (perf record -e cpu-clock,
# user and kernel, the daemon's processes only) and prints the top symbols
# on stderr. The sampling costs CPU of its own: the CPU figures of a -P run
# are not comparable with those of a run without it.
#
# -S counts each contender's system calls over its window (strace -c) and
# logs them per check. strace slows what it traces far more than -P: the
# CPU figures of such a run are not comparable either, but the counts are
# the VM's own (here, unlike natively, every clock read is a system call:
# the VM's clocksource is HPET).
#
# Every result's CPU is also logged split into user and system time.
#
# -I runs the VM with one vCPU under qemu's instruction counting
# (-icount shift=3,sleep=off; HD_BENCH_SHIFT=S sets shift=S): the guest's
# clock advances 2^S ns (default 8) per instruction executed and jumps
# over idle time, so a process's CPU time is the instructions it ran
# (user and kernel) and does not move with the host's load. Rounds then agree to about 1 %, where TCG's wall-clock
# accounting moves 15-30 %; the figures weigh every instruction alike
# (no cache misses, no costly system call entry), so they are a second
# measure beside the default, not a replacement.
#
# -t httpr: http_check with reuse_connection = $HD_BENCH_REUSE (default 60:
# a new connection a minute at delay_loop 1) for hadirector, keepalived's
# HTTP_GET as in -t http (it has no such option); no floor (the floor
# program makes a connection per check).
#
# -t none: the same N real servers without any check, so what is left is
# each daemon's cost of holding the table (for hadirector its periodic IPVS
# re-read); see cpu_ms in the raw lines (no floor, no detection).
#
# usage: tests/bench/checks.sh [-n N] [-d DELAY_LOOP] [-w WINDOW] [-t "tcp http"] [-F "1 50"] [-M]
#        [-X "PATH ..."] [-P] [-r ROUNDS] [-S] [-I]
#
# -r R runs every contender R times, in turn (keepalived, hadirector, ...,
# then again): the VM's CPU figures move by 15-30 % from one run to the
# next, so a ratio is read from several rounds, each against keepalived's
# figure of the same round; the last table gives each round and the median.
#   as root from a build directory (or top_builddir=... / HD=...).
set -u
N=1000 DL=10 WIN=60 TYPES="tcp http" FLOORS="" MAPS=0 EXTRA="" PROF=0 ROUNDS=1 STRACE=0 ICOUNT=0
SRV=py PER_VS=0 USEROPTS=0
while getopts n:d:w:t:F:MX:Pr:SIR:V:U o; do
	case $o in
	n) N=$OPTARG ;;
	R) SRV=$OPTARG ;;
	V) PER_VS=$OPTARG ;;
	U) USEROPTS=1 ;;
	d) DL=$OPTARG ;;
	w) WIN=$OPTARG ;;
	t) TYPES=$OPTARG ;;
	F) FLOORS=$OPTARG ;;
	M) MAPS=1 ;;
	X) EXTRA=$OPTARG ;;
	P) PROF=1 ;;
	r) ROUNDS=$OPTARG ;;
	S) STRACE=1 ;;
	I) ICOUNT=1 ;;
	*) echo "usage: $0 [-n N] [-d DELAY_LOOP] [-w WINDOW] [-t TYPES] [-F BATCHES]" >&2; exit 2 ;;
	esac
done

if [ "${HD_VM:-0}" != 1 ]; then
	here=$(cd "$(dirname "$0")" && pwd)
	: "${top_srcdir:=$(cd "$here/../.." && pwd)}"
	: "${top_builddir:=$PWD}"
	[ -x "$top_builddir/hadirector" ] || { echo "no hadirector in $top_builddir (run from a build dir)" >&2; exit 2; }
	export top_srcdir top_builddir
	"$top_srcdir/tests/vm/setup" >&2 || exit 2
	export HD_VM_MEM=${HD_VM_MEM:-2048} HD_VM_TIMEOUT=${HD_VM_TIMEOUT:-1800}
	if [ "$ICOUNT" = 1 ]; then
		# qemu 7.2 hangs bringing up a second vCPU under -icount
		export HD_VM_SMP=1 HD_VM_QEMU_OPTS="${HD_VM_QEMU_OPTS:-} -icount shift=${HD_BENCH_SHIFT:-3},sleep=off"
	fi
	x_abs=""
	[ -n "${HD:-}" ] && HD_VM_TMP_PATHS="${HD_VM_TMP_PATHS:-} $(dirname "$(readlink -f "$HD")")"
	for x in $EXTRA; do
		x=$(readlink -f "$x") && [ -x "$x" ] || { echo "not an executable: $x" >&2; exit 2; }
		x_abs="$x_abs $x"
		# the VM hides the host's /tmp but for the paths it is told of
		HD_VM_TMP_PATHS="${HD_VM_TMP_PATHS:-} $(dirname "$x")"
	done
	export HD_VM_TMP_PATHS HD_VM_ENV="${HD_VM_ENV:-} HD HD_BENCH_ICOUNT HD_BENCH_SHIFT HD_BENCH_REUSE" HD_BENCH_ICOUNT=$ICOUNT
	exec "$top_srcdir/tests/vm/run" "$here/checks.sh" -n "$N" -d "$DL" -w "$WIN" -t "$TYPES" -F "$FLOORS" \
		-X "$x_abs" -r "$ROUNDS" -R "$SRV" -V "$PER_VS" $([ "$USEROPTS" = 1 ] && echo -U) \
		$([ "$MAPS" = 1 ] && echo -M) $([ "$PROF" = 1 ] && echo -P) \
		$([ "$STRACE" = 1 ] && echo -S)
fi

# ---- inside the VM ----
: "${top_builddir:?}"
HD=${HD:-$top_builddir/hadirector}
HDCTL=$top_builddir/hadirectorctl
PY=$(python3 -c 'import sys; print(sys.executable)') # not a pyenv shim: slow under TCG
B=$(mktemp -d /tmp/hdbench.XXXXXX)
. "$(dirname "$0")/lib.sh"

hd_vm_modprobe crc32c_generic ip_vs ip_vs_rr || { echo "cannot load ip_vs"; exit 1; }
sysctl -qw net.ipv4.neigh.default.gc_thresh1=4096 net.ipv4.neigh.default.gc_thresh2=8192 \
	net.ipv4.neigh.default.gc_thresh3=16384
ns lb; ns rs
ip link add eth0 netns lb type veth peer name eth0 netns rs
ip -n lb addr add 10.200.0.1/16 dev eth0; ip -n lb link set eth0 up
ip -n rs link set eth0 up
SIZES=$N N=0
for n in $SIZES; do [ "$n" -gt "$N" ] && N=$n; done
ALL_ADDRS=()
for ((i = 0; i < N; i++)); do ALL_ADDRS+=("10.200.$((1 + i / 250)).$((1 + i % 250))"); done
for a in "${ALL_ADDRS[@]}"; do echo "addr add $a/16 dev eth0"; done | ip -n rs -batch -
ip netns exec lb sysctl -qw net.ipv4.ip_local_port_range="1024 65000"

# The real server (-R): py, the synthetic one (hc-bench-srv.py, counts
# connections and kept-connection requests); nginx (one worker, `return 200
# "ok\n"`, access log) or apache (Debian's apache2, event MPM with its
# compiled-in defaults, a 3-byte static file, access log): checks are then
# the lines of the access log, i.e. the requests the server answered.
chmod 755 "$B"
mkdir -p "$B/www" && echo ok >"$B/www/index.html" && echo ok >"$B/www/health" && chmod -R a+rX "$B/www"
cat >"$B/nginx.conf" <<NGINX
worker_processes 1;
daemon off;
master_process on;
pid $B/nginx.pid;
error_log $B/nginx.err;
events { worker_connections 8192; }
http {
    access_log $B/access.log;
    client_body_temp_path $B/nginx-tmp;
    proxy_temp_path $B/nginx-tmp;
    fastcgi_temp_path $B/nginx-tmp;
    uwsgi_temp_path $B/nginx-tmp;
    scgi_temp_path $B/nginx-tmp;
    server { listen 80 default_server; location / { return 200 "ok\n"; } }
}
NGINX
M=/usr/lib/apache2/modules
cat >"$B/apache.conf" <<APACHE
ServerRoot $B
ServerName bench
Listen 80
PidFile $B/apache.pid
ErrorLog $B/apache.err
LoadModule mpm_event_module $M/mod_mpm_event.so
LoadModule authz_core_module $M/mod_authz_core.so
LoadModule dir_module $M/mod_dir.so
User nobody
Group nogroup
DocumentRoot $B/www
<Directory $B/www>
    Require all granted
</Directory>
DirectoryIndex index.html
LogFormat "%h %l %u %t \"%r\" %>s %b" common
CustomLog $B/access.log common
APACHE
SRVPID=""
start_srv() {
	rm -f "$B/count"
	case $SRV in
	nginx)
		mkdir -p "$B/nginx-tmp"
		ip netns exec rs nginx -c "$B/nginx.conf" -p "$B" -e "$B/nginx.err" </dev/null >/dev/null 2>"$B/srv.err" &
		;;
	apache)
		rm -f "$B/apache.pid"
		ip netns exec rs apache2 -f "$B/apache.conf" -DFOREGROUND </dev/null >/dev/null 2>"$B/srv.err" &
		;;
	*)
		ip netns exec rs "$PY" "$top_srcdir/tests/bench/hc-bench-srv.py" "$B/count" </dev/null >/dev/null 2>"$B/srv.err" &
		;;
	esac
	SRVPID=$!
	for _ in $(seq 100); do
		if [ "$SRV" = py ]; then
			[ -s "$B/count" ] && return 0
		elif ip netns exec rs ss -Hltn 'sport = :80' | grep -q LISTEN; then
			touch "$B/access.log"
			return 0
		fi
		sleep 0.1
	done
	echo "server did not start"; cat "$B/srv.err" "$B"/*.err; exit 1
}
# every process of the server (nginx's worker, apache's children too), so
# that connections are refused at once
kill_srv() { ip netns pids rs | xargs -r kill -9; sleep 0.2; }
srv_alive() { [ -n "$(ip netns pids rs)" ]; }
accepted() { if [ "$SRV" = py ]; then cat "$B/count"; else wc -l <"$B/access.log"; fi; }

# What each http check is given: the bench's bare setting (path /, no
# retry: hadirector fall 1, keepalived retry 0), or with -U what users
# write (a path, status_code, retry 1 and delay_before_retry 1: on success
# the same work per check, a failure is tried again once after 1 s).
hd_http() {
	if [ "$USEROPTS" = 1 ]; then
		echo "http_check { path = /health  status_code = { 200 }  connect_timeout = 2  retry = 1  delay_before_retry = 1 }"
	else
		echo "http_check { path = /  connect_timeout = 2 }"
	fi
}
ka_http() {
	if [ "$USEROPTS" = 1 ]; then
		echo "HTTP_GET { url { path /health status_code 200 } connect_timeout 2 retry 1 delay_before_retry 1 }"
	else
		echo "HTTP_GET { url { path / status_code 200 } connect_timeout 2 retry 0 delay_before_retry 1 }"
	fi
}

# write_confs TYPE: N real servers, in one virtual server 10.200.255.1:80,
# or with -V K in virtual servers of K real servers each (10.200.255.1,
# .2, ...: the issue's 20 x 10)
write_confs() {
	local a i=0 per=$PER_VS v=0
	[ "$per" -gt 0 ] || per=$N
	{
		echo "global { router_id = bench }"
		for a in "${ADDRS[@]}"; do
			if [ $((i % per)) = 0 ]; then
				[ "$i" -gt 0 ] && echo "}"
				v=$((v + 1))
				echo "virtual_server 10.200.255.$v:80 {"
				echo "    delay_loop = $DL  lb_algo = rr  lb_kind = nat"
			fi
			i=$((i + 1))
			if [ "$1" = none ]; then
				echo "    real_server $a:80 { }"
			elif [ "$1" = tcp ]; then
				echo "    real_server $a:80 { tcp_check { connect_timeout = 2 } }"
			elif [ "$1" = httpr ]; then
				echo "    real_server $a:80 { http_check { path = /  connect_timeout = 2  reuse_connection = ${HD_BENCH_REUSE:-60} } }"
			else
				echo "    real_server $a:80 { $(hd_http) }"
			fi
		done
		echo "}"
	} > "$B/hd.conf"
	i=0 v=0
	{
		echo "global_defs { router_id bench }"
		for a in "${ADDRS[@]}"; do
			if [ $((i % per)) = 0 ]; then
				[ "$i" -gt 0 ] && echo "}"
				v=$((v + 1))
				echo "virtual_server 10.200.255.$v 80 {"
				echo "    delay_loop $DL"
				echo "    lb_algo rr"
				echo "    lb_kind NAT"
				echo "    protocol TCP"
			fi
			i=$((i + 1))
			if [ "$1" = none ]; then
				echo "    real_server $a 80 { }"
			elif [ "$1" = tcp ]; then
				echo "    real_server $a 80 { TCP_CHECK { connect_timeout 2 retry 0 delay_before_retry 1 } }"
			else
				echo "    real_server $a 80 { $(ka_http) }"
			fi
		done
		echo "}"
	} > "$B/ka.conf"
}

dests() { ip netns exec lb ipvsadm -Ln 2>/dev/null | grep -c -- '-> 10\.200\.'; }
pids_of() { # DAEMON: its processes in lb
	local p
	for p in $(ip netns pids lb); do
		case $(cat "/proc/$p/comm" 2>/dev/null) in
		"$1") echo "$p" ;;
		esac
	done
}
ticks() { # PIDS...: utime + stime
	set -- $(ticks_us "$@")
	echo $(($1 + $2))
}
ticks_us() { # PIDS...: utime stime
	local p u=0 s=0 f
	for p in "$@"; do
		f=$(sed 's/^.*) //' "/proc/$p/stat" 2>/dev/null) || continue
		set -- $f
		u=$((u + ${12})) s=$((s + ${13}))
		shift $#
	done
	echo $u $s
}
# window_start/window_end PIDS...: CPU over the window, split user/system
# (logged), and the optional profile
window_start() {
	W0=$(ticks_us "$@") A0=$(accepted)
	PERFPID="" STRACEPID=""
	if [ "$STRACE" = 1 ]; then
		strace -c -f -o "$B/strace.out" $(printf -- '-p %s ' "$@") 2>/dev/null &
		STRACEPID=$!
	fi
	if [ "$PROF" = 1 ]; then
		perf record -q -e cpu-clock -F 499 -g -o "$B/perf.data" -p "$(echo "$@" | tr ' ' ,)" \
			>/dev/null 2>"$B/perf.err" &
		PERFPID=$!
	fi
}
window_end() { # NAME PIDS...
	local name=$1 u0 s0 u1 s1
	shift
	read -r u1 s1 <<<"$(ticks_us "$@")"
	read -r u0 s0 <<<"$W0"
	log "$name: cpu user $(((u1 - u0) * 1000 / HZ)) ms, system $(((s1 - s0) * 1000 / HZ)) ms over the window"
	if [ -n "$STRACEPID" ]; then
		kill -INT "$STRACEPID"; wait "$STRACEPID" 2>/dev/null
		log "$name: system calls per check (strace -c; $(($(accepted) - A0)) checks):"
		# columns: % time, seconds, usecs/call, calls, [errors,] syscall
		awk -v n=$(($(accepted) - A0)) '$NF ~ /^[a-z_0-9]+$/ && $NF != "total" && $4 ~ /^[0-9]+$/ && n > 0 {
			printf "#   %-18s %6.2f\n", $NF, $4 / n; t += $4 }
			END { if (n > 0) printf "#   %-18s %6.2f\n", "(all)", t / n }' "$B/strace.out" |
			sort -k3 -rn | head -15 >&2
	fi
	[ -n "$PERFPID" ] || return 0
	kill -INT "$PERFPID"; wait "$PERFPID" 2>/dev/null
	log "$name: profile (perf, cpu-clock), top symbols by self time:"
	perf report -q -i "$B/perf.data" --stdio --no-children --sort dso,sym -g none --percent-limit 0.8 \
		2>/dev/null | grep -v '^$' | head -45 | sed 's/^/#   /' >&2
	log "$name: by dso:"
	perf report -q -i "$B/perf.data" --stdio --no-children --sort dso -g none 2>/dev/null |
		grep -v '^$' | head -12 | sed 's/^/#   /' >&2
}
memsum() { # FIELD PIDS...: sum of a kB field of status or smaps_rollup
	local fld=$1 p s=0 v
	shift
	for p in "$@"; do
		v=$(awk -v f="$fld:" '$1 == f { print $2 }' "/proc/$p/status" "/proc/$p/smaps_rollup" 2>/dev/null | head -1)
		s=$((s + ${v:-0}))
	done
	echo $s
}
HZ=$(getconf CLK_TCK)

maps() { # PIDS...: each one's mappings by Pss, largest first (stderr)
	local p
	for p in "$@"; do
		log "mappings of $p ($(cat "/proc/$p/comm")) by Pss (kB): Pss Rss Private_Dirty name"
		awk '/^[0-9a-f]+-[0-9a-f]+ / { name = NF >= 6 ? $6 : "[anon]" }
			$1 == "Pss:" { pss[name] += $2 } $1 == "Rss:" { rss[name] += $2 }
			$1 == "Private_Dirty:" { pd[name] += $2 }
			END { for (n in pss) printf "#   %6d %6d %6d %s\n", pss[n], rss[n], pd[n], n }' \
			"/proc/$p/smaps" | sort -k2 -rn | head -25 >&2
	done
}

# run_floor NAME TYPE PID: the floor's result line (no IPVS: no startup, no detection)
run_floor() {
	local d=$1 type=$2 p=$3 c0 c1 a0 a1
	sleep 5
	c0=$(ticks "$p"); a0=$(accepted)
	window_start "$p"
	sleep "$WIN"
	c1=$(ticks "$p"); a1=$(accepted)
	window_end "$d" "$p"
	local rss=$(memsum VmRSS "$p") hwm=$(memsum VmHWM "$p") pss=$(memsum Pss "$p")
	kill -9 "$p"; wait "$p" 2>/dev/null
	# this runs in a subshell: the next run cannot see a server started
	# here, so it must find none and start its own
	kill_srv; sleep 0.3
	local checks=$((a1 - a0)) cpu_ms=$(((c1 - c0) * 1000 / HZ))
	awk -v d="$d" -v t="$type" -v n="$checks" -v w="$WIN" -v c="$cpu_ms" -v N="$N" \
		-v r="$rss" -v ps="$pss" -v h="$hwm" \
		'BEGIN { printf "%s %s - %.1f %d %.1f %.1f %d %d %d - - - -\n", d, t, n / w, c,
			(n ? c * 1000 / n : 0), (n ? c * N / n : 0), r, ps, h }'
}

# run DAEMON TYPE: prints one result line
run() {
	local d=$1 type=$2 t0 t1 p pids c0 c1 a0 a1 first="" half="" all="" left comm=$1 bin
	ip netns exec lb ipvsadm -C
	srv_alive || start_srv
	write_confs "$type"
	t0=$(now_ms)
	bin=$(hd_bin "$d")
	if [ -n "$bin" ]; then
		comm=$(basename "$bin" | cut -c1-15) # what /proc/PID/comm says
		ip netns exec lb "$bin" -n -l -f "$B/hd.conf" -p "$B/hd.pid" -s "$B/hd.sock" \
			>"$B/$d-$type.log" 2>&1 &
	elif [ "${d#floor-}" != "$d" ]; then
		local fb=${d#floor-} fx=""
		case $fb in *:*) fx=${fb#*:} fb=${fb%%:*} ;; esac
		HC_FLOOR_EXTRA=$fx HC_FLOOR_PATH=$([ "$USEROPTS" = 1 ] && echo /health || echo /) ip netns exec lb "$top_builddir/tests/bench/hc-floor" "$N" "$DL" "$type" "$fb" \
			>"$B/$d-$type.log" 2>&1 &
	else
		ip netns exec lb keepalived -n -C -f "$B/ka.conf" -p "$B/ka.pid" -c "$B/kac.pid" \
			-r "$B/kar.pid" >"$B/$d-$type.log" 2>&1 &
	fi
	p=$!
	[ "${d#floor-}" != "$d" ] && { run_floor "$d" "$type" "$p"; return; }
	while [ "$(dests)" -lt "$N" ]; do
		sleep 0.2
		[ $(($(now_ms) - t0)) -gt 120000 ] && { log "$d $type: table never full ($(dests))"; break; }
	done
	local startup=$(($(now_ms) - t0))
	log "$d $type: table full after $startup ms"
	sleep 5
	pids=$(pids_of "$comm")
	c0=$(ticks $pids); a0=$(accepted)
	window_start $pids
	sleep "$WIN"
	c1=$(ticks $pids); a1=$(accepted)
	window_end "$d" $pids
	local rss pss hwm
	rss=$(memsum VmRSS $pids); hwm=$(memsum VmHWM $pids); pss=$(memsum Pss $pids)
	local in_table=$(dests)
	[ "$MAPS" = 1 ] && maps $pids
	log "$d $type: window done, killing the server"
	kill_srv; t1=$(now_ms)
	while [ "$type" != none ]; do # nothing is checked: nothing leaves
		left=$(dests); el=$(($(now_ms) - t1))
		[ -z "$first" ] && [ "$left" -lt "$N" ] && first=$el
		[ -z "$half" ] && [ "$left" -le $((N / 2)) ] && half=$el
		[ "$left" -eq 0 ] && { all=$el; break; }
		[ "$el" -gt 60000 ] && { all=">60000($left)"; break; }
		sleep 0.1
	done
	log "$d $type: detection done ($all ms), stopping"
	kill -TERM $p
	for _ in $(seq 100); do kill -0 $p 2>/dev/null || break; sleep 0.1; done
	kill -0 $p 2>/dev/null && { log "$d did not stop in 10 s: SIGKILL"; ip netns pids lb | xargs -r kill -9; }
	wait $p 2>/dev/null
	local checks=$((a1 - a0)) cpu_ms=$(((c1 - c0) * 1000 / HZ))
	# name type startup_ms rate_per_s cpu_ms cpu_ms_per_1000 cpu_ms_per_round rss_kB pss_kB hwm_kB in_table first half all
	awk -v d="$d" -v t="$type" -v s="$startup" -v n="$checks" -v w="$WIN" -v c="$cpu_ms" -v N="$N" \
		-v r="$rss" -v ps="$pss" -v h="$hwm" -v it="$in_table" -v f="$first" -v hf="$half" -v a="$all" \
		'BEGIN { printf "%s %s %d %.1f %d %.1f %.1f %d %d %d %d %s %s %s\n", d, t, s, n / w, c,
			(n ? c * 1000 / n : 0), (n ? c * N / n : 0), r, ps, h, it, f, hf, a }'
}

# hd_bin NAME: the binary of a hadirector contender (hadirector, hd2, hd3 ...), empty otherwise
hd_bin() {
	local k=2 x
	[ "$1" = hadirector ] && { echo "$HD"; return; }
	for x in $EXTRA; do
		[ "$1" = "hd$k" ] && { echo "$x"; return; }
		k=$((k + 1))
	done
}
EXTRA_NAMES=""
k=2
for x in $EXTRA; do EXTRA_NAMES="$EXTRA_NAMES hd$k"; log "hd$k = $x"; k=$((k + 1)); done
if [ "$PROF" = 1 ]; then
	command -v perf >/dev/null || { echo "-P needs perf (Debian: apt-get install linux-perf)"; exit 2; }
	sysctl -qw kernel.kptr_restrict=0 kernel.perf_event_paranoid=-1
fi
log "N=$N delay_loop=$DL window=${WIN}s types=$TYPES kernel=$(uname -r) cpus=$(nproc)" \
	"clock=$([ "${HD_BENCH_ICOUNT:-0}" = 1 ] && echo "icount (CPU time = instructions x 2^${HD_BENCH_SHIFT:-3} ns)" || echo "tcg wall clock")"
# bench_size: every contender at N real servers (the first N addresses)
bench_size() {
	srv_alive || start_srv
	RES=()
	for ((round = 1; round <= ROUNDS; round++)); do
		for type in $TYPES; do
			for d in keepalived hadirector $EXTRA_NAMES $([ "$type" != none ] && [ "$type" != httpr ] && for b in $FLOORS; do echo "floor-$b"; done); do
				log "round $round: running $d $type"
				line=$(run "$d" "$type")
				log "$line"
				RES+=("$line")
			done
		done
	done
	echo
	echo "raw: daemon type startup_ms checks_per_s cpu_ms cpu_ms_per_1000_checks cpu_ms_per_round rss_kB pss_kB peak_rss_kB in_table detect_first_ms detect_half_ms detect_all_ms"
	printf '%s\n' "${RES[@]}"
	echo
	printf '%s\n' "${RES[@]}" | awk -v N="$N" -v DL="$DL" -v W="$WIN" '
		{ k = $2; v[$1, k, "rate"] = $4; v[$1, k, "cpu"] = $6; v[$1, k, "round"] = $7;
		  v[$1, k, "rss"] = $8; v[$1, k, "pss"] = $9; v[$1, k, "hwm"] = $10; v[$1, k, "start"] = $3;
		  v[$1, k, "first"] = $12; v[$1, k, "half"] = $13; v[$1, k, "all"] = $14; types[k] = 1
		  if ($1 ~ /^floor-/ || $1 ~ /^hd[0-9]/) floors[$1] = 1 }
		function row(label, k, f, unit,   a, b) {
			a = v["hadirector", k, f]; b = v["keepalived", k, f]
			printf "| %-5s | %-34s | %10s | %10s | %6s |\n", k, label " (" unit ")", a, b,
				(b + 0 > 0 && a ~ /^[0-9.]+$/ ? sprintf("%.2f", a / b) : "-")
		}
		END {
			printf "N = %d real servers, delay_loop %s s, window %s s\n\n", N, DL, W
			printf "| check | metric | hadirector | keepalived | ratio |\n|---|---|---|---|---|\n"
			for (k in types) {
				row("checks performed", k, "rate", "/s")
				row("CPU per 1000 checks", k, "cpu", "ms")
				row("CPU per round of N checks", k, "round", "ms")
				row("RSS", k, "rss", "kB")
				row("PSS", k, "pss", "kB")
				row("peak RSS", k, "hwm", "kB")
				row("startup to full table", k, "start", "ms")
				row("detect: first out", k, "first", "ms")
				row("detect: half out", k, "half", "ms")
				row("detect: all out", k, "all", "ms")
			}
			for (f in floors) for (k in types) if (v[f, k, "cpu"] != "") {
				b = v["keepalived", k, "cpu"]
				printf "| %-5s | %-34s | %10s | %10s | %6s |\n", k, "CPU per 1000 checks, " f " (ms)",
					v[f, k, "cpu"], b, (b + 0 > 0 ? sprintf("%.2f", v[f, k, "cpu"] / b) : "-")
			}
			for (f in floors) for (k in types) if (f ~ /^floor-/ && v[f, k, "cpu"] + 0 > 0)
				printf "| %-5s | %-34s | %10s | %10s | %6.2f |\n", k, "hadirector / " f " (CPU per check)",
					v["hadirector", k, "cpu"], v[f, k, "cpu"], v["hadirector", k, "cpu"] / v[f, k, "cpu"]
		}'
	[ "$ROUNDS" -gt 1 ] || return 0
	echo
	printf '%s\n' "${RES[@]}" | awk '
		{ d = $1; k = $2; i = ++n[d, k]; cpu[d, k, i] = $6
		  if (!((d, k) in seen)) { seen[d, k] = 1; order[++nd] = d SUBSEP k } }
		function median(a, m,   i, j, t) {
			for (i = 2; i <= m; i++)
				for (j = i; j > 1 && a[j - 1] > a[j]; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
			return m % 2 ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2
		}
		END {
			print "CPU per 1000 checks (ms) in each round, and its ratio to keepalived in that round:"
			print "| check | contender | rounds | median | ratios | median ratio |"
			print "|---|---|---|---|---|---|"
			for (o = 1; o <= nd; o++) {
				split(order[o], dk, SUBSEP); d = dk[1]; k = dk[2]; m = n[d, k]
				vals = ""; rats = ""; delete a; delete r
				for (i = 1; i <= m; i++) {
					a[i] = cpu[d, k, i]; vals = vals (i > 1 ? " " : "") cpu[d, k, i]
					b = cpu["keepalived", k, i]
					r[i] = b > 0 ? cpu[d, k, i] / b : 0
					rats = rats (i > 1 ? " " : "") sprintf("%.2f", r[i])
				}
				printf "| %s | %s | %s | %.1f | %s | %.2f |\n", k, d, vals, median(a, m), rats, median(r, m)
			}
		}'
}
log "real server: $SRV$([ "$USEROPTS" = 1 ] && echo ", user options (path /health, status_code 200, retry 1, delay_before_retry 1)")" \
	"$([ "$PER_VS" -gt 0 ] && echo ", $PER_VS real servers per virtual server")"
WINS=$WIN DLS=$DL
for N in $SIZES; do
	# -w "W1 W2 ...": one window per size (CPU time is read in 10 ms ticks:
	# a small table needs a longer window); the last one for the rest
	WIN=${WINS%% *}
	[ "$WINS" != "${WINS#* }" ] && WINS=${WINS#* }
	# -d "D1 D2 ...": the same for delay_loop (1,000 checks a second need a
	# small icount shift; delay_loop 5 keeps one shift for every size)
	DL=${DLS%% *}
	[ "$DLS" != "${DLS#* }" ] && DLS=${DLS#* }
	ADDRS=("${ALL_ADDRS[@]:0:N}")
	echo
	echo "=== $N real servers, delay_loop $DL, real server $SRV ==="
	bench_size
done
