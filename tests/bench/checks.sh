#!/bin/bash
# Health-check benchmark: hadirector vs keepalived 2.2.7 (not a test: no
# pass/fail, not in make check). keepalived's checker needs kernel IPVS, so
# this runs inside the qemu VM (tests/vm/run); started on the host it boots
# the VM with itself.
#
# Setup: one namespace "rs" holding N addresses (10.200.X.Y/16) on one veth
# and one python3 asyncio server on 0.0.0.0:80 answering every connection
# (HTTP 200 with a 3-byte body to a request; a bare connect/close for TCP
# checks) and counting accepted connections; one namespace "lb" with the
# daemon. Virtual server 10.200.255.1:80 (NAT) with the N addresses as real
# servers, each with one tcp_check/TCP_CHECK or http_check/HTTP_GET,
# delay_loop D, connect_timeout 2, and no retries (hadirector fall = 1,
# keepalived retry 0), so both take a server out at its first failure.
# Daemons run one after another on the same server set, same VM.
#
# Measured, per daemon and check type:
#   startup  time from start until all N destinations are in `ipvsadm -Ln`
#   rate     connections the server accepted per second over the window
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
# programs no IPVS, so it has no startup or detection figures.
#
# -M prints, for each daemon after its window, its mappings by PSS (largest
# first) on stderr: where the memory figures come from.
#
# usage: tests/bench/checks.sh [-n N] [-d DELAY_LOOP] [-w WINDOW] [-t "tcp http"] [-F "1 50"] [-M]
#   as root from a build directory (or top_builddir=... / HD=...).
set -u
N=1000 DL=10 WIN=60 TYPES="tcp http" FLOORS="" MAPS=0
while getopts n:d:w:t:F:M o; do
	case $o in
	n) N=$OPTARG ;;
	d) DL=$OPTARG ;;
	w) WIN=$OPTARG ;;
	t) TYPES=$OPTARG ;;
	F) FLOORS=$OPTARG ;;
	M) MAPS=1 ;;
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
	exec "$top_srcdir/tests/vm/run" "$here/checks.sh" -n "$N" -d "$DL" -w "$WIN" -t "$TYPES" -F "$FLOORS" $([ "$MAPS" = 1 ] && echo -M)
fi

# ---- inside the VM ----
: "${top_builddir:?}"
HD=${HD:-$top_builddir/hadirector}
HDCTL=$top_builddir/hadirectorctl
PY=$(python3 -c 'import sys; print(sys.executable)') # not a pyenv shim: slow under TCG
B=$(mktemp -d /tmp/hdbench.XXXXXX)
NS=()
cleanup() {
	local n
	for n in "${NS[@]}"; do ip netns pids "$n" 2>/dev/null | xargs -r kill -9 2>/dev/null; done
	sleep 0.2
	for n in "${NS[@]}"; do ip netns del "$n" 2>/dev/null; done
	rm -rf "$B"
}
trap cleanup EXIT
ns() { ip netns add "$1" || exit 1; NS+=("$1"); ip -n "$1" link set lo up; }
log() { echo "# $*" >&2; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }

hd_vm_modprobe crc32c_generic ip_vs ip_vs_rr || { echo "cannot load ip_vs"; exit 1; }
sysctl -qw net.ipv4.neigh.default.gc_thresh1=4096 net.ipv4.neigh.default.gc_thresh2=8192 \
	net.ipv4.neigh.default.gc_thresh3=16384
ns lb; ns rs
ip link add eth0 netns lb type veth peer name eth0 netns rs
ip -n lb addr add 10.200.0.1/16 dev eth0; ip -n lb link set eth0 up
ip -n rs link set eth0 up
ADDRS=()
for ((i = 0; i < N; i++)); do ADDRS+=("10.200.$((1 + i / 250)).$((1 + i % 250))"); done
for a in "${ADDRS[@]}"; do echo "addr add $a/16 dev eth0"; done | ip -n rs -batch -
ip netns exec lb sysctl -qw net.ipv4.ip_local_port_range="1024 65000"

cat > "$B/srv.py" <<'PY'
import asyncio, sys
RESP = b"HTTP/1.0 200 OK\r\nContent-Length: 3\r\nConnection: close\r\n\r\nok\n"
count = 0
class P(asyncio.Protocol):
    def connection_made(self, t):
        global count
        count += 1; self.t = t
    def data_received(self, d):
        if b"\r\n\r\n" in d:
            self.t.write(RESP); self.t.close()
async def tick(path):
    while True:
        with open(path + ".tmp", "w") as f: f.write("%d\n" % count)
        import os; os.replace(path + ".tmp", path)
        await asyncio.sleep(0.1)
async def main():
    loop = asyncio.get_running_loop()
    srv = await loop.create_server(P, "0.0.0.0", 80, backlog=4096, reuse_address=True)
    await tick(sys.argv[1])
asyncio.run(main())
PY
SRVPID=""
start_srv() {
	rm -f "$B/count"
	ip netns exec rs "$PY" "$B/srv.py" "$B/count" </dev/null >/dev/null 2>"$B/srv.err" &
	SRVPID=$!
	for _ in $(seq 100); do [ -s "$B/count" ] && return 0; sleep 0.1; done
	echo "server did not start"; cat "$B/srv.err"; exit 1
}
accepted() { cat "$B/count"; }

write_confs() { # TYPE
	local a
	{
		echo "global { router_id = bench }"
		echo "virtual_server 10.200.255.1:80 {"
		echo "    delay_loop = $DL  lb_algo = rr  lb_kind = nat"
		for a in "${ADDRS[@]}"; do
			if [ "$1" = tcp ]; then
				echo "    real_server $a:80 { tcp_check { connect_timeout = 2 } }"
			else
				echo "    real_server $a:80 { http_check { path = /  connect_timeout = 2 } }"
			fi
		done
		echo "}"
	} > "$B/hd.conf"
	{
		echo "global_defs { router_id bench }"
		echo "virtual_server 10.200.255.1 80 {"
		echo "    delay_loop $DL"
		echo "    lb_algo rr"
		echo "    lb_kind NAT"
		echo "    protocol TCP"
		for a in "${ADDRS[@]}"; do
			if [ "$1" = tcp ]; then
				echo "    real_server $a 80 { TCP_CHECK { connect_timeout 2 retry 0 delay_before_retry 1 } }"
			else
				echo "    real_server $a 80 { HTTP_GET { url { path / status_code 200 } connect_timeout 2 retry 0 delay_before_retry 1 } }"
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
	local p t=0 f
	for p in "$@"; do
		f=$(sed 's/^.*) //' "/proc/$p/stat" 2>/dev/null) || continue
		set -- $f
		t=$((t + ${12} + ${13}))
		shift $#
	done
	echo $t
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
	sleep "$WIN"
	c1=$(ticks "$p"); a1=$(accepted)
	local rss=$(memsum VmRSS "$p") hwm=$(memsum VmHWM "$p") pss=$(memsum Pss "$p")
	kill -9 "$p"; wait "$p" 2>/dev/null
	# this runs in a subshell: the next run cannot see a server started
	# here, so it must find none and start its own
	kill -9 "$SRVPID"; sleep 0.5
	local checks=$((a1 - a0)) cpu_ms=$(((c1 - c0) * 1000 / HZ))
	awk -v d="$d" -v t="$type" -v n="$checks" -v w="$WIN" -v c="$cpu_ms" -v N="$N" \
		-v r="$rss" -v ps="$pss" -v h="$hwm" \
		'BEGIN { printf "%s %s - %.1f %d %.1f %.1f %d %d %d - - - -\n", d, t, n / w, c,
			(n ? c * 1000 / n : 0), (n ? c * N / n : 0), r, ps, h }'
}

# run DAEMON TYPE: prints one result line
run() {
	local d=$1 type=$2 t0 t1 p pids c0 c1 a0 a1 first="" half="" all="" left
	ip netns exec lb ipvsadm -C
	kill -0 "$SRVPID" 2>/dev/null || start_srv
	write_confs "$type"
	t0=$(now_ms)
	if [ "$d" = hadirector ]; then
		ip netns exec lb "$HD" -n -l -f "$B/hd.conf" -p "$B/hd.pid" -s "$B/hd.sock" \
			>"$B/$d-$type.log" 2>&1 &
	elif [ "${d#floor-}" != "$d" ]; then
		ip netns exec lb "$top_builddir/tests/bench/hc-floor" "$N" "$DL" "$type" "${d#floor-}" \
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
	pids=$(pids_of "$d")
	c0=$(ticks $pids); a0=$(accepted)
	sleep "$WIN"
	c1=$(ticks $pids); a1=$(accepted)
	local rss pss hwm
	rss=$(memsum VmRSS $pids); hwm=$(memsum VmHWM $pids); pss=$(memsum Pss $pids)
	local in_table=$(dests)
	[ "$MAPS" = 1 ] && maps $pids
	log "$d $type: window done, killing the server"
	kill -9 "$SRVPID"; t1=$(now_ms)
	while :; do
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

log "N=$N delay_loop=$DL window=${WIN}s types=$TYPES kernel=$(uname -r) cpus=$(nproc)"
start_srv
RES=()
for type in $TYPES; do
	for d in keepalived hadirector $(for b in $FLOORS; do echo "floor-$b"; done); do
		log "running $d $type"
		line=$(run "$d" "$type")
		log "$line"
		RES+=("$line")
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
	  if ($1 ~ /^floor-/) floors[$1] = 1 }
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
	}'
