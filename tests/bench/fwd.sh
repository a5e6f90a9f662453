#!/bin/bash
# check_forwarding_path's cost (issue 21, "Measured"): the same DR real
# servers checked, one contender after the other in one run, by
#   plain       hadirector, http_check
#   fwd         hadirector, http_check with check_forwarding_path = yes
#   fwd-echo    the same with forwarding_path_probe = echo (an ICMP echo
#               through the path, not a SYN; only with -c)
#   keepalived  keepalived 2.2.7, HTTP_GET (VM only: its checker needs IPVS)
# and -X PATH adds "fwd-x": PATH (another hadirector build) with the option,
# for an A/B of two builds in one run. Not a test: no pass/fail, not in make
# check. Prints CPU per check of each and the ratios fwd/plain and
# fwd/keepalived (per round, and the median over rounds with -r).
#
# Setup (the classic DR one): namespace "rs" holds the N real servers'
# addresses (10.200.X.Y/16) on one veth, the VIP 10.200.255.1/32 on lo,
# arp_ignore=1 and arp_announce=2, and the bench's HTTP server
# (hc-bench-srv.py, which counts the connections it accepted: the checks;
# a forwarding-path probe is a SYN reset after the SYN-ACK, never
# accepted); namespace "lb" holds the daemon and the VIP on its eth0 (so
# the probes' replies are martians there, as on a director holding it).
# One virtual server 10.200.255.1:80, lb_kind DR, every real server with
# an http_check (path /, connect_timeout 2; keepalived: HTTP_GET, retry 0),
# delay_loop D. Before each window every real server must be up (VM: N
# destinations in `ipvsadm -Ln`; natively: N up in `status --json`).
#
# CPU: utime + stime of the daemon's processes (keepalived: parent and
# checker) over a WINDOW-second steady state, divided by the checks the
# server accepted in it. -I (VM) boots the VM under qemu's instruction
# counting as checks.sh -I does: a process's CPU time is then the
# instructions it ran (user and kernel, 2^HD_BENCH_SHIFT ns each, default
# 3), unmoved by the host's load. -N runs natively on the host in two
# namespaces (no VM, no IPVS, no keepalived: for developing).
#
# usage: tests/bench/fwd.sh [-n N] [-d DELAY_LOOP] [-w WINDOW] [-r ROUNDS] [-I] [-N]
#        [-c "plain fwd keepalived"] [-X PATH] [-P] [-S] [-F] [-T]
# -P: a perf profile of each contender over its window, -S: its system calls
# per check (strace -c); both cost CPU of their own (figures not comparable).
# -F: during each window, namespace "x" floods lb's second interface (eth1)
# with TCP segments to the probes' port range (other traffic a director
# receives, e.g. NAT replies to clients' ports above 61000): a packet socket
# bound to no interface takes them; the flood's rate is printed.
# -T: each contender (but keepalived) runs twice, as it is and as WHO-t with
# the receive of both veth ends in a threaded-NAPI kthread (GRO on, which
# makes a veth use NAPI, TSO off, and /sys/class/net/IF/threaded = 1;
# kernel >= 5.12),
# not in the softirq that veth's netif_rx raises in the SENDER's context: the
# real server's receive of the director's packets (SYN, reset, request) is
# then not charged to the daemon, nor the director's own receive of the
# replies; the latter's kthread CPU per check is printed apart ("lb rx").
#   as root from a build directory (or top_builddir=... / HD=...).
set -u
N=200 DL=1 WIN=30 ROUNDS=1 ICOUNT=0 NATIVE=0 WHO="plain fwd keepalived" XBIN="" PROF=0 STRACE=0 FLOOD=0 THR=0
while getopts n:d:w:r:INc:X:PSFT o; do
	case $o in
	n) N=$OPTARG ;;
	d) DL=$OPTARG ;;
	w) WIN=$OPTARG ;;
	r) ROUNDS=$OPTARG ;;
	I) ICOUNT=1 ;;
	N) NATIVE=1 ;;
	c) WHO=$OPTARG ;;
	X) XBIN=$OPTARG ;;
	P) PROF=1 ;;
	S) STRACE=1 ;;
	F) FLOOD=1 ;;
	T) THR=1 ;;
	*) echo "usage: $0 [-n N] [-d DELAY_LOOP] [-w WINDOW] [-r ROUNDS] [-I] [-N] [-c WHO] [-X PATH]" >&2; exit 2 ;;
	esac
done
[ -n "$XBIN" ] && WHO="$WHO fwd-x"

if [ "${HD_VM:-0}" != 1 ]; then
	here=$(cd "$(dirname "$0")" && pwd)
	: "${top_srcdir:=$(cd "$here/../.." && pwd)}"
	: "${top_builddir:=$PWD}"
	[ -x "$top_builddir/hadirector" ] || { echo "no hadirector in $top_builddir (run from a build dir)" >&2; exit 2; }
	export top_srcdir top_builddir
	if [ -n "$XBIN" ]; then
		XBIN=$(readlink -f "$XBIN") && [ -x "$XBIN" ] || { echo "not an executable: $XBIN" >&2; exit 2; }
	fi
	if [ "$NATIVE" = 0 ]; then
		"$top_srcdir/tests/vm/setup" >&2 || exit 2
		export HD_VM_MEM=${HD_VM_MEM:-1024} HD_VM_TIMEOUT=${HD_VM_TIMEOUT:-900}
		if [ "$ICOUNT" = 1 ]; then
			# qemu 7.2 hangs bringing up a second vCPU under -icount
			export HD_VM_SMP=1 HD_VM_QEMU_OPTS="${HD_VM_QEMU_OPTS:-} -icount shift=${HD_BENCH_SHIFT:-3},sleep=off"
		fi
		# the VM hides the host's /tmp but for the paths it is told of
		[ -n "$XBIN" ] && export HD_VM_TMP_PATHS="${HD_VM_TMP_PATHS:-} $(dirname "$XBIN")"
		[ -n "${HD:-}" ] && export HD_VM_TMP_PATHS="${HD_VM_TMP_PATHS:-} $(dirname "$(readlink -f "$HD")")"
		export HD_VM_ENV="${HD_VM_ENV:-} HD HD_BENCH_ICOUNT HD_BENCH_SHIFT" HD_BENCH_ICOUNT=$ICOUNT
		exec "$top_srcdir/tests/vm/run" "$here/fwd.sh" -n "$N" -d "$DL" -w "$WIN" -r "$ROUNDS" \
			$([ "$FLOOD" = 1 ] && echo -F) $([ "$THR" = 1 ] && echo -T) \
			-c "${WHO% fwd-x}" $([ -n "$XBIN" ] && echo "-X $XBIN")
	fi
fi

: "${top_builddir:?}" "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
HD=${HD:-$top_builddir/hadirector}
HDCTL=$top_builddir/hadirectorctl
PY=$(python3 -c 'import sys; print(sys.executable)')
B=$(mktemp -d /tmp/hdfwd.XXXXXX)
LB=lb RS=rs
[ "$NATIVE" = 1 ] && LB=hdf-lb-$$ RS=hdf-rs-$$
. "$(dirname "$0")/lib.sh"
VIP=10.200.255.1
IPVS=0
if [ "$NATIVE" = 0 ]; then
	hd_vm_modprobe crc32c_generic ip_vs ip_vs_rr || { echo "cannot load ip_vs"; exit 1; }
	IPVS=1
fi
ns "$LB"; ns "$RS"
ip link add eth0 netns "$LB" type veth peer name eth0 netns "$RS"
if [ "$FLOOD" = 1 ]; then
	X=x
	[ "$NATIVE" = 1 ] && X=hdf-x-$$
	ns "$X"
	ip link add eth1 netns "$LB" type veth peer name eth1 netns "$X"
	ip -n "$LB" addr add 10.201.0.1/24 dev eth1; ip -n "$LB" link set eth1 up
	ip -n "$X" addr add 10.201.0.2/24 dev eth1; ip -n "$X" link set eth1 up
fi
flood_start() { # TCP ACKs from x to lb's eth1, to 32 ports above ip_local_port_range
	local base
	base=$(($(ip netns exec "$LB" awk '{ print $2 }' /proc/sys/net/ipv4/ip_local_port_range) + 1))
	ip netns exec "$X" "$PY" -c "
import socket, struct
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
src, dst = socket.inet_aton('10.201.0.2'), socket.inet_aton('10.201.0.1')
pk = [struct.pack('!BBHHHBBH4s4sHHIIBBHHH', 0x45, 0, 40, 0, 0, 64, 6, 0, src, dst,
                  443, p, 1, 12345, 0x50, 0x10, 1024, 0, 0) for p in range($base, $base + 32)]
while True:
    for p in pk: s.sendto(p, ('10.201.0.1', 0))
" </dev/null >/dev/null 2>&1 &
	FLOOD_PID=$!
}
flood_rx() { ip -n "$LB" -s -j link show eth1 | jq '.[0].stats64.rx.packets'; }
napi_kthreads() { # pids of the NAPI kthreads (comm napi/IF-ID), sorted for comm(1)
	local d
	for d in /proc/[0-9]*; do
		case $(cat "$d/comm" 2>/dev/null) in napi/*) echo "${d#/proc/}" ;; esac
	done | sort
}
ethtool_set() { # NS IF CMD 0|1: a legacy ethtool ioctl (the host has no ethtool)
	ip netns exec "$1" "$PY" -c "
import array, fcntl, socket, struct
v = array.array('B', struct.pack('II', $3, $4))
s = socket.socket()
fcntl.ioctl(s.fileno(), 0x8946, struct.pack('16sP16x', b'$2', v.buffer_info()[0]))"
}
LBK="" RSK=""
rx_threads() { # 1|0: both eth0 ends receive in a NAPI kthread, or back to netif_rx; sets LBK RSK
	local n before
	for n in "$LB" "$RS"; do
		if [ "$1" = 1 ]; then
			before=$(napi_kthreads)
			# ETHTOOL_SGRO on: NAPI on this end; ETHTOOL_STSO off: a veth
			# sending with TSO on hands its peer only GRO-eligible skbs
			# (veth_skb_is_eligible_for_gro), the others go by netif_rx
			ethtool_set "$n" eth0 0x2c 1 && ethtool_set "$n" eth0 0x1f 0 &&
				ip netns exec "$n" sh -c 'echo 1 >/sys/class/net/eth0/threaded' || return 1
			# (no <(...): the VM has no /dev/fd)
			echo "$before" >"$B/napi.before"
			napi_kthreads >"$B/napi.after"
			if [ "$n" = "$LB" ]; then LBK=$(comm -13 "$B/napi.before" "$B/napi.after")
			else RSK=$(comm -13 "$B/napi.before" "$B/napi.after"); fi
		else
			ip netns exec "$n" sh -c 'echo 0 >/sys/class/net/eth0/threaded'
			ethtool_set "$n" eth0 0x2c 0; ethtool_set "$n" eth0 0x1f 1
			LBK="" RSK=""
		fi
	done
	[ "$1" = 0 ] || { [ -n "$LBK" ] && [ -n "$RSK" ]; }
}
ip -n "$LB" addr add 10.200.0.1/16 dev eth0; ip -n "$LB" link set eth0 up
ip -n "$LB" addr add $VIP/32 dev eth0
ip -n "$RS" link set eth0 up
ip -n "$RS" addr add $VIP/32 dev lo
ip netns exec "$RS" sysctl -qw net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2 \
	net.ipv4.conf.eth0.arp_ignore=1 net.ipv4.conf.eth0.arp_announce=2
ADDRS=()
for ((i = 0; i < N; i++)); do ADDRS+=("10.200.$((1 + i / 250)).$((1 + i % 250))"); done
for a in "${ADDRS[@]}"; do echo "addr add $a/16 dev eth0"; done | ip -n "$RS" -batch -
ip netns exec "$RS" "$PY" "$top_srcdir/tests/bench/hc-bench-srv.py" "$B/count" </dev/null >/dev/null 2>"$B/srv.err" &
for _ in $(seq 100); do [ -s "$B/count" ] && break; sleep 0.1; done
[ -s "$B/count" ] || { echo "server did not start"; cat "$B/srv.err"; exit 1; }
accepted() { cat "$B/count"; }
HZ=$(getconf CLK_TCK)

write_confs() {
	local a
	{
		echo "global { router_id = bench }"
		echo "virtual_server $VIP:80 {"
		echo "    delay_loop = $DL  lb_algo = rr  lb_kind = dr"
		[ "$1" = plain ] || echo "    check_forwarding_path = yes"
		[ "$1" = fwd-echo ] && echo "    forwarding_path_probe = echo"
		for a in "${ADDRS[@]}"; do echo "    real_server $a:80 { http_check { path = /  connect_timeout = 2 } }"; done
		echo "}"
	} >"$B/hd.conf"
	{
		echo "global_defs { router_id bench }"
		echo "virtual_server $VIP 80 {"
		echo "    delay_loop $DL"
		echo "    lb_algo rr"
		echo "    lb_kind DR"
		echo "    protocol TCP"
		for a in "${ADDRS[@]}"; do
			echo "    real_server $a 80 { HTTP_GET { url { path / status_code 200 } connect_timeout 2 retry 0 delay_before_retry 1 } }"
		done
		echo "}"
	} >"$B/ka.conf"
}
dests() { ip netns exec "$LB" ipvsadm -Ln 2>/dev/null | grep -c -- '-> 10\.200\.'; }
up_count() { # hadirector: real servers up, from its status
	local n
	n=$("$HDCTL" -s "$B/hd.sock" status --json 2>/dev/null |
		jq '[.healthcheck[].real_servers[] | select(.state == "up")] | length' 2>/dev/null)
	echo "${n:-0}"
}
ready() { # DAEMON: every real server in (IPVS) or up (native)
	if [ "$IPVS" = 1 ]; then [ "$(dests)" -ge "$N" ]; else [ "$(up_count)" -ge "$N" ]; fi
}
pids_of() { # COMM: its processes in lb
	local p
	for p in $(ip netns pids "$LB"); do
		[ "$(cat "/proc/$p/comm" 2>/dev/null)" = "$1" ] && echo "$p"
	done
}
ticks_us() { # PIDS...: utime stime (clock ticks)
	local p u=0 s=0 f
	for p in "$@"; do
		f=$(sed 's/^.*) //' "/proc/$p/stat" 2>/dev/null) || continue
		set -- $f
		u=$((u + ${12})) s=$((s + ${13}))
		shift $#
	done
	echo $u $s
}

runtime_us() { # PIDS...: time on a CPU (schedstat, ns precision, not ticks)
	local p t=0 a
	for p in "$@"; do
		read -r a _ <"/proc/$p/schedstat" 2>/dev/null || continue
		t=$((t + a / 1000))
	done
	echo $t
}

# run WHO: one result line "WHO checks cpu_ms user_ms sys_ms us_per_check fwd_probes
# run_us_per_check"
run() {
	local who=$1 bin=$HD comm p pids t0 u0 s0 u1 s1 a0 a1 r0 r1 probes=- extra="" k0 k1 krx=- q0 q1 qrx=-
	local base=${1%-t}
	[ "$IPVS" = 1 ] && ip netns exec "$LB" ipvsadm -C
	write_confs "$base"
	[ "$base" = fwd-x ] && bin=$XBIN
	if [ "$base" != "$who" ]; then
		rx_threads 1 || { log "$who: cannot thread the veths' receive"; echo "$who 0 0 0 0 0 - 0 -"; return; }
		log "$who: receive in NAPI kthreads, lb's: $(echo $LBK), rs's: $(echo $RSK)"
	fi
	t0=$(now_ms)
	if [ "$who" = keepalived ]; then
		comm=keepalived
		ip netns exec "$LB" keepalived -n -C -f "$B/ka.conf" -p "$B/ka.pid" -c "$B/kac.pid" \
			-r "$B/kar.pid" >"$B/$who.log" 2>&1 &
	else
		comm=$(basename "$bin" | cut -c1-15)
		ip netns exec "$LB" "$bin" -n -l -f "$B/hd.conf" -p "$B/hd.pid" -s "$B/hd.sock" \
			>"$B/$who.log" 2>&1 &
	fi
	p=$!
	until ready; do
		sleep 0.2
		[ $(($(now_ms) - t0)) -gt 120000 ] && { log "$who: never all up"; break; }
	done
	log "$who: all $N up after $(($(now_ms) - t0)) ms"
	sleep 3
	pids=$(pids_of "$comm")
	read -r u0 s0 <<<"$(ticks_us $pids)"
	r0=$(runtime_us $pids)
	a0=$(accepted)
	k0=$(runtime_us $LBK) q0=$(runtime_us $RSK)
	if [ "$PROF" = 1 ]; then
		perf record -q -e cpu-clock -F 999 -g -o "$B/perf.data" -p "$(echo $pids | tr ' ' ,)" \
			>/dev/null 2>&1 &
		extra=$!
	elif [ "$STRACE" = 1 ]; then
		strace -c -f -o "$B/strace.out" $(printf -- '-p %s ' $pids) 2>/dev/null &
		extra=$!
	fi
	if [ "$FLOOD" = 1 ]; then
		flood_start
		sleep 1
		f0=$(flood_rx)
		read -r u0 s0 <<<"$(ticks_us $pids)"
		r0=$(runtime_us $pids)
		a0=$(accepted)
		k0=$(runtime_us $LBK) q0=$(runtime_us $RSK)
	fi
	sleep "$WIN"
	if [ "$FLOOD" = 1 ]; then
		log "$who: flood on eth1 $((($(flood_rx) - f0) / WIN)) packets/s"
		kill "$FLOOD_PID"; wait "$FLOOD_PID" 2>/dev/null
	fi
	read -r u1 s1 <<<"$(ticks_us $pids)"
	r1=$(runtime_us $pids)
	a1=$(accepted)
	k1=$(runtime_us $LBK) q1=$(runtime_us $RSK)
	if [ -n "$extra" ]; then
		kill -INT "$extra"; wait "$extra" 2>/dev/null
		if [ "$PROF" = 1 ]; then
			log "$who: profile (perf, cpu-clock), top symbols by self time:"
			perf report -q -i "$B/perf.data" --stdio --no-children --sort sym -g none \
				--percent-limit 1 2>/dev/null | grep -v '^$' | head -40 | sed 's/^/#   /' >&2
		else
			log "$who: system calls per check (strace -c):"
			awk -v n=$(($(accepted) - a0)) '$NF ~ /^[a-z_0-9]+$/ && $NF != "total" && $4 ~ /^[0-9]+$/ && n > 0 {
				printf "#   %-18s %6.2f\n", $NF, $4 / n }' "$B/strace.out" | sort -k3 -rn | head -15 >&2
		fi
	fi
	ready || log "$who: not every real server up at the end of the window"
	if [ "$who" != keepalived ] && [ "$base" != plain ]; then
		probes=$("$HDCTL" -s "$B/hd.sock" status --json 2>/dev/null |
			jq '[.healthcheck[].real_servers[].checkers[].fwd_probes] | add' 2>/dev/null)
	fi
	kill -TERM "$p"
	for _ in $(seq 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
	kill -0 "$p" 2>/dev/null && ip netns pids "$LB" | xargs -r kill -9
	wait "$p" 2>/dev/null
	if [ "$base" != "$who" ]; then
		if [ $((a1 - a0)) -gt 0 ]; then
			krx=$(awk -v t=$((k1 - k0)) -v n=$((a1 - a0)) 'BEGIN { printf "%.1f", t / n }')
			qrx=$(awk -v t=$((q1 - q0)) -v n=$((a1 - a0)) 'BEGIN { printf "%.1f", t / n }')
		fi
		rx_threads 0
	fi
	local n=$((a1 - a0)) u=$(((u1 - u0) * 1000 / HZ)) s=$(((s1 - s0) * 1000 / HZ))
	awk -v w="$who" -v n="$n" -v u="$u" -v s="$s" -v pr="$probes" -v rt=$((r1 - r0)) -v krx="$krx" -v qrx="$qrx" \
		'BEGIN { printf "%s %d %d %d %d %.1f %s %.1f %s %s\n", w, n, u + s, u, s, (n ? (u + s) * 1000 / n : 0), pr,
			(n ? rt / n : 0), krx, qrx }'
}

[ "$IPVS" = 1 ] || WHO=$(echo "$WHO" | sed 's/keepalived//')
if [ "$THR" = 1 ]; then
	for w in $WHO; do [ "$w" = keepalived ] || WHO="$WHO $w-t"; done
fi
log "N=$N delay_loop=$DL window=${WIN}s rounds=$ROUNDS kernel=$(uname -r) cpus=$(nproc)" \
	"clock=$([ "${HD_BENCH_ICOUNT:-0}" = 1 ] && echo "icount (CPU time = instructions x 2^${HD_BENCH_SHIFT:-3} ns)" ||
		([ "$NATIVE" = 1 ] && echo "native" || echo "tcg wall clock"))"
RES=()
for ((round = 1; round <= ROUNDS; round++)); do
	for who in $WHO; do
		log "round $round: $who"
		line="$round $(run "$who")"
		log "$line"
		RES+=("$line")
	done
done
echo
echo "raw: round contender checks cpu_ms user_ms system_ms cpu_us_per_check fwd_probes runtime_us_per_check lb_rx_us_per_check rs_rx_us_per_check"
printf '%s\n' "${RES[@]}"
echo
printf '%s\n' "${RES[@]}" | awk -v N="$N" -v DL="$DL" -v W="$WIN" '
	{ c[$1, $2] = $7; rt[$1, $2] = $9; if ($10 != "-") { kr[$2] += $10; qr[$2] += $11; kn[$2]++; d[$2] += $9 + $10 } if (!($2 in seen)) { seen[$2] = 1; order[++nw] = $2 } if ($1 > R) R = $1 }
	function median(a, m,   i, j, t) {
		for (i = 2; i <= m; i++)
			for (j = i; j > 1 && a[j - 1] > a[j]; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
		return m % 2 ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2
	}
	function ratios(x, y, label,   i, m, r, s) {
		m = 0; s = ""
		for (i = 1; i <= R; i++) if (c[i, y] > 0 && c[i, x] != "") {
			r[++m] = c[i, x] / c[i, y]; s = s (m > 1 ? " " : "") sprintf("%.2f", r[m]) }
		if (m) printf "| %s | %s | %.2f |\n", label, s, median(r, m)
	}
	END {
		printf "N = %d DR real servers, http_check every %s s, window %s s\n\n", N, DL, W
		print "| contender | CPU per check, us (each round) | median | on-CPU time per check, us (schedstat) | median |"
		print "|---|---|---|---|---|"
		for (o = 1; o <= nw; o++) {
			w = order[o]; s = ""; m = 0; delete a; s2 = ""; delete a2
			for (i = 1; i <= R; i++) if (c[i, w] != "") {
				a[++m] = c[i, w]; s = s (m > 1 ? " " : "") c[i, w]
				a2[m] = rt[i, w]; s2 = s2 (m > 1 ? " " : "") rt[i, w] }
			printf "| %s | %s | %.1f | %s | %.1f |\n", w, s, median(a, m), s2, median(a2, m)
		}
		print ""
		print "| ratio | each round | median |"
		print "|---|---|---|"
		ratios("fwd", "plain", "fwd / plain")
		ratios("fwd", "keepalived", "fwd / keepalived")
		ratios("plain", "keepalived", "plain / keepalived")
		ratios("fwd-x", "plain", "fwd-x / plain")
		ratios("fwd-echo", "plain", "fwd-echo / plain")
		ratios("fwd-echo", "fwd", "fwd-echo / fwd")
		ratios("fwd", "fwd-x", "fwd / fwd-x")
		ratios("fwd-t", "plain-t", "fwd-t / plain-t (receive in kthreads, -T)")
		ratios("fwd-x-t", "plain-t", "fwd-x-t / plain-t")
		ratios("fwd-echo-t", "plain-t", "fwd-echo-t / plain-t")
		for (o = 1; o <= nw; o++) if (order[o] in kn) {
			if (!hk++) { print ""; print "| -T contender (means over rounds, us per check, schedstat) | daemon | lb rx: the director receive kthread | daemon + lb rx | rs rx: the real servers receive kthread |"; print "|---|---|---|---|---|" }
			w = order[o]; printf "| %s | %.1f | %.1f | %.1f | %.1f |\n", w, (d[w] - kr[w]) / kn[w], kr[w] / kn[w], d[w] / kn[w], qr[w] / kn[w]
		}
		if (("fwd-t" in kn) && ("plain-t" in kn) && d["plain-t"] > 0)
			printf "\n(daemon + lb rx) fwd-t / plain-t: %.2f\n", (d["fwd-t"] / kn["fwd-t"]) / (d["plain-t"] / kn["plain-t"])
		if (("fwd-echo-t" in kn) && ("plain-t" in kn) && d["plain-t"] > 0)
			printf "(daemon + lb rx) fwd-echo-t / plain-t: %.2f\n", (d["fwd-echo-t"] / kn["fwd-echo-t"]) / (d["plain-t"] / kn["plain-t"])
	}'
