#!/bin/bash
# Reload at scale, hadirector vs keepalived (issue 19; a benchmark: no
# pass/fail, not in make check). keepalived's release notes report reloading
# 2,277 virtual servers / 37,205 real servers; this is that configuration,
# both daemons in one qemu VM run (tests/vm/run: keepalived needs kernel
# IPVS), one after the other, on the same namespaces.
#
# Setup: namespace "lbN" (a fresh one per contender) runs the daemon under test: NVS virtual servers (wrr,
# DR) with NRS real servers between them, one tcp_check/TCP_CHECK each
# (delay_loop D, default 600 s, first check at a random time in the first
# delay_loop: keepalived's warmup default, hadirector `warmup = D`), and one
# VRRP instance (priority 150, advert_int 0.1, VRRPv3) on a veth to namespace
# "peer", where the same daemon runs the backup (priority 100, VRRP only).
# Namespace "rs" answers the whole 10.0.0.0/16 (a local route) with one
# accept-and-close server (hc-bench-srv.py), so every check passes and the
# table holds every real server. Configurations: tests/bench/reload-scale-gen.awk.
#
# Per daemon: start (time until the table is the expected one), a 5 s quiet
# window, reload A (the last 10 virtual servers removed, 10 new ones added,
# 100 weights changed: 538 table lines differ), reload B (one weight), and with
# -C reload C (every weight, back to the base set of virtual servers: one IPVS
# write per real server, the IPVS pass's worst case).
# Measured for each reload:
#   to table  SIGHUP to the kernel's table (/proc/net/ip_vs, read every 100 ms
#             by tests/bench/ipvs-poll, which also sends the SIGHUP) equal to
#             the expected one
#   cpu       utime + stime of all the daemon's processes in lb, from the
#             SIGHUP to 3 s after the table matched, minus the idle rate of
#             the quiet window (the checks go on meanwhile) over that time
#   peak RSS  VmHWM summed over the processes (the peak since start); VmRSS
#             before and after the reload
#   adverts   tcpdump in "peer" (kernel timestamps) of the master's adverts
#             from 0.5 s before the SIGHUP to 1 s after the match: the
#             longest gap, adverts late (gap > 1.5 x advert_int), adverts
#             missed (sum over gaps of round(gap / advert_int) - 1), and
#             adverts from the backup (a takeover); the same for the quiet
#             window as a control (TCG's own jitter)
#   writes    (hadirector) IPVS writes the reload made: the sum of the
#             "ipvs: N change(s) applied" lines it logged (-v) after the
#             SIGHUP (status and metrics render the whole table: 26 and
#             83 MB at this size, too slow to ask for under emulation)
#
# usage: tests/bench/reload-scale.sh [-v NVS] [-n NRS] [-d DELAY] [-L] [-K] [-C] [-X PATH]
#   as root from a build directory (make tests/bench/ipvs-poll first, or
#   `make bench-reload-scale`). -L: the daemons' log lines about
#   reloads, states and errors on stderr (the VM's files do not outlive it); -K
#   leaves keepalived out (its two reloads take ~5 minutes of the run);
#   -X PATH adds another hadirector binary, "hd2" (an A/B in one VM run);
#   -C adds reload C.
set -u
NVS=2277 NRS=37205 DL=600 KEEP="" NOKA=0 EXTRA="" RC=0
while getopts v:n:d:LKCX: o; do
	case $o in
	v) NVS=$OPTARG ;;
	n) NRS=$OPTARG ;;
	d) DL=$OPTARG ;;
	L) KEEP=1 ;;
	K) NOKA=1 ;;
	C) RC=1 ;;
	X) EXTRA=$(readlink -f "$OPTARG") ;;
	*) echo "usage: $0 [-v NVS] [-n NRS] [-d DELAY_LOOP] [-L] [-K] [-C] [-X PATH]" >&2; exit 2 ;;
	esac
done

if [ "${HD_VM:-0}" != 1 ]; then
	here=$(cd "$(dirname "$0")" && pwd)
	: "${top_srcdir:=$(cd "$here/../.." && pwd)}"
	: "${top_builddir:=$PWD}"
	for p in hadirector hadirectorctl tests/bench/ipvs-poll; do
		[ -x "$top_builddir/$p" ] || { echo "no $p in $top_builddir (make $p)" >&2; exit 2; }
	done
	export top_srcdir top_builddir
	"$top_srcdir/tests/vm/setup" >&2 || exit 2
	export HD_VM_MEM=${HD_VM_MEM:-2048} HD_VM_TIMEOUT=${HD_VM_TIMEOUT:-1500}
	[ -n "$EXTRA" ] && export HD_VM_TMP_PATHS="${HD_VM_TMP_PATHS:-} $(dirname "$EXTRA")"
	export HD_VM_ENV="${HD_VM_ENV:-} HD"
	exec "$top_srcdir/tests/vm/run" "$here/reload-scale.sh" -v "$NVS" -n "$NRS" -d "$DL" ${KEEP:+-L} \
		$([ "$NOKA" = 1 ] && echo -K) $([ "$RC" = 1 ] && echo -C) ${EXTRA:+-X "$EXTRA"}
fi

# ---- inside the VM ----
: "${top_builddir:?}"
HD=${HD:-$top_builddir/hadirector}
HDCTL=$top_builddir/hadirectorctl
POLL=$top_builddir/tests/bench/ipvs-poll
GEN=$top_srcdir/tests/bench/reload-scale-gen.awk
PY=$(python3 -c 'import sys; print(sys.executable)')
ADV=0.1
B=$(mktemp -d /tmp/hdreload.XXXXXX)
NS=()
cleanup() {
	local n
	for n in "${NS[@]}"; do ip netns pids "$n" 2>/dev/null | xargs -r kill -9 2>/dev/null; done
	sleep 0.2
	for n in "${NS[@]}"; do ip netns del "$n" 2>/dev/null; done
	if [ -n "$KEEP" ]; then
		for n in "$B"/*.log; do
			echo "# ---- $(basename "$n") ----"
			grep -a -i -E 'reload|load|MASTER|BACKUP|error|fail|warn|change\(s\)' "$n" | tail -n 60
		done >&2
	fi
	rm -rf "$B"
}
trap cleanup EXIT
ns() { ip netns add "$1" || exit 1; NS+=("$1"); ip -n "$1" link set lo up; }
log() { echo "# $(date +%T.%N | cut -c1-12) $*" >&2; }
HZ=$(getconf CLK_TCK)

hd_vm_modprobe crc32c_generic ip_vs ip_vs_wrr || { echo "cannot load ip_vs"; exit 1; }
ns rs; ns peer
ip -n rs route add local 10.0.0.0/16 dev lo
# A fresh "lb" namespace per contender: IPVS keeps a removed destination in
# its namespace's trash for minutes and searches that list on every add, so
# the second daemon to load 37,205 destinations into a reused namespace
# paid 36 s for the first one's (6.7 s in a fresh one).
LBN=0
new_lb() {
	LBN=$((LBN + 1)) LB=lb$LBN
	ns $LB
	ip link add eth0 netns $LB type veth peer name eth$LBN netns rs
	ip -n $LB addr add 172.31.$LBN.1/24 dev eth0; ip -n $LB link set eth0 up
	ip -n rs addr add 172.31.$LBN.2/24 dev eth$LBN; ip -n rs link set eth$LBN up
	ip -n $LB route add 10.0.0.0/16 via 172.31.$LBN.2
	ip link add vr0 netns $LB type veth peer name vr$LBN netns peer
	ip -n $LB addr add 192.168.50.1/24 dev vr0; ip -n $LB link set vr0 up
	ip -n peer link set vr$LBN up
	ip -n peer addr flush dev vr$((LBN - 1)) 2>/dev/null
	ip -n peer addr add 192.168.50.2/24 dev vr$LBN
}

for v in 0 1 2 $([ "$RC" = 1 ] && echo 3); do
	awk -f "$GEN" -v nvs="$NVS" -v nrs="$NRS" -v delay="$DL" -v adv="$ADV" -v variant=$v -v out="$B"
	read -r H[$v] S[$v] D[$v] <<<"$("$POLL" -e "$B/exp-$v.txt")"
done
log "NVS=$NVS NRS=$NRS delay_loop=$DL kernel=$(uname -r) cpus=$(nproc);" \
	"tables: ${S[0]}/${D[0]}, ${S[1]}/${D[1]}, ${S[2]}/${D[2]} services/dests"

ip netns exec rs "$PY" "$top_srcdir/tests/bench/hc-bench-srv.py" "$B/count" </dev/null >/dev/null 2>"$B/srv.err" &
for _ in $(seq 100); do [ -s "$B/count" ] && break; sleep 0.1; done

pids_of() { # NS COMM
	local p
	for p in $(ip netns pids "$1"); do
		[ "$(cat "/proc/$p/comm" 2>/dev/null)" = "$2" ] && echo "$p"
	done
}
ticks() { # PIDS...: utime + stime, in ticks
	local p f t=0
	for p in "$@"; do
		f=$(sed 's/^.*) //' "/proc/$p/stat" 2>/dev/null) || continue
		set -- $f
		t=$((t + ${12} + ${13}))
		shift $#
	done
	echo $t
}
memsum() { # FIELD PIDS...
	local fld=$1 p s=0 v
	shift
	for p in "$@"; do
		v=$(awk -v f="$fld:" '$1 == f { print $2 }' "/proc/$p/status" 2>/dev/null)
		s=$((s + ${v:-0}))
	done
	echo $s
}
now_ns() { date +%s%N; }
hd_logged() { wc -l <"$B/$CUR.log"; }
hd_writes_since() { # LINE: the changes applied, logged after line LINE
	tail -n +"$(($1 + 1))" "$B/$CUR.log" | awk '/ipvs: [0-9]+ change\(s\) applied/ {
		for (i = 1; i < NF; i++) if ($i == "ipvs:") n += $(i + 1) } END { print n + 0 }'
}

# adverts T0_NS T1_NS: the master's adverts seen in peer between T0 and T1:
# "count max_gap_ms late missed backup_adverts"
adverts() {
	tcpdump -r "$B/$CUR.pcap" -tt -n 2>/dev/null | awk -v t0="$1" -v t1="$2" -v adv="$ADV" '
		{ t = $1 * 1e9 }
		t < t0 || t > t1 { next }
		$3 == "192.168.50.2" { peer++; next }
		$3 != "192.168.50.1" { next }
		{ n++; if (last) { g = (t - last) / 1e6; if (g > max) max = g
			if (g > 1.5 * adv * 1000) late++
			k = int(g / (adv * 1000) + 0.5) - 1; if (k > 0) missed += k }
		  last = t }
		END { printf "%d %.1f %d %d %d\n", n, max, late, missed, peer }'
}

# reload NAME VARIANT PID PIDS...: one result line
reload() {
	local name=$1 v=$2 pid=$3 c0 c1 w0 w1 r0 r1 out t0 t1 ms polls end
	shift 3
	cp "$B/$CUR_CONF_PREFIX-$v.conf" "$B/cur.conf"
	r0=$(memsum VmRSS "$@"); w0=$([ "$CUR" != ka ] && hd_logged)
	c0=$(ticks "$@")
	out=$(ip netns exec $LB "$POLL" -w "${H[$v]}" -k "$pid" -i 100 -t 600)
	read -r t0 t1 ms polls <<<"$out"
	sleep 3
	c1=$(ticks "$@") end=$(now_ns)
	r1=$(memsum VmRSS "$@"); w1=$([ "$CUR" != ka ] && hd_writes_since "$w0")
	local busy=$(((c1 - c0) * 1000 / HZ)) idle adv
	idle=$(awk -v r="$IDLE_RATE" -v t="$t0" -v e="$end" 'BEGIN { printf "%d", r * (e - t) / 1e9 }')
	sleep 1.5 # tcpdump's buffer
	adv=$(adverts $((t0 - 500000000)) $((t1 + 1000000000)))
	# hadirector's own account: the parse (its thread) and the apply (the loop)
	local pa=""
	[ "$CUR" != ka ] && pa=$(tail -n +"$((w0 + 1))" "$B/$CUR.log" | grep -o "parse [0-9]* ms.*" | tail -n 1)
	[ "$CUR" != ka ] && pa="$pa$(tail -n +"$((w0 + 1))" "$B/$CUR.log" | grep -o "pass took .*" |
		sed 's/^/; /' | tr -d '\n')"
	log "$name reload $v: table after $ms ms ($polls polls), cpu $busy ms (idle share $idle)," \
		"rss $r0 -> $r1 kB, adverts: $adv, writes ${w1:--}${pa:+; $pa}"
	# name reload to_table_ms cpu_ms rss_before rss_after adverts max_gap late missed backup writes
	echo "$name $v $ms $((busy - idle)) $r0 $r1 $adv ${w1:--}"
}

run() { # ka | hd | hd2
	local name comm pid t0 out st peerpid pids bin=$HD
	CUR=$1 CUR_CONF_PREFIX=${1%2}
	[ "$1" = hd2 ] && bin=$EXTRA
	new_lb
	awk -f "$GEN" -v variant=peer -v prio=100 -v adv="$ADV" -v vif=vr$LBN -v out="$B"
	cp "$B/$CUR_CONF_PREFIX-0.conf" "$B/cur.conf"
	ip netns exec peer tcpdump -i vr$LBN -n -U -w "$B/$1.pcap" 'ip proto 112' 2>/dev/null &
	local tcpd=$!
	if [ "$1" = ka ]; then
		name=keepalived comm=keepalived
		ip netns exec peer keepalived -n -P -f "$B/ka-peer.conf" -p "$B/kp.pid" -r "$B/kpr.pid" \
			>"$B/ka-peer.log" 2>&1 &
		peerpid=$!
		t0=$(now_ns)
		ip netns exec $LB keepalived -n -f "$B/cur.conf" -p "$B/ka.pid" -r "$B/kar.pid" -c "$B/kac.pid" \
			>"$B/ka.log" 2>&1 &
		pid=$!
	else
		name=$([ "$1" = hd ] && echo hadirector || echo "$1") comm=$(basename "$bin" | cut -c1-15)
		ip netns exec peer "$bin" -n -l -f "$B/hd-peer.conf" -p "$B/hp.pid" -s "$B/hp.sock" \
			>"$B/$1-peer.log" 2>&1 &
		peerpid=$!
		t0=$(now_ns)
		ip netns exec $LB "$bin" -n -l -v -f "$B/cur.conf" -p "$B/hd.pid" -s "$B/hd.sock" >"$B/$1.log" 2>&1 &
		pid=$!
	fi
	out=$(ip netns exec $LB "$POLL" -w "${H[0]}" -i 200 -t 900) || log "$name: table never matched: $out"
	st=$(awk -v a="$t0" -v b="$(echo "$out" | cut -d' ' -f2)" 'BEGIN { printf "%d", (b - a) / 1e6 }')
	pids=$(pids_of $LB "$comm" | tr "\n" " ")
	log "$name: table after $st ms (pids $pids), hwm $(memsum VmHWM $pids) kB"
	# hadirector preempts the backup (started first) once its checks have settled, at most 60 s
	# after its start: the adverts measured are the master's only once it is master
	for _ in $(seq 900); do ip -n $LB addr show vr0 | grep -q 192.168.50.100 && break; sleep 0.1; done
	sleep 5
	if ! ip -n $LB addr show vr0 | grep -q 192.168.50.100; then log "$name: not master"; fi
	local q0 q1 c0 c1
	q0=$(now_ns) c0=$(ticks $pids)
	sleep 5
	q1=$(now_ns) c1=$(ticks $pids)
	IDLE_RATE=$(awk -v c=$(((c1 - c0) * 1000 / HZ)) -v a="$q0" -v b="$q1" 'BEGIN { print c / ((b - a) / 1e9) }')
	sleep 1.5
	local qa
	qa=$(adverts "$q0" "$q1")
	log "$name quiet 5 s: cpu $(((c1 - c0) * 1000 / HZ)) ms, adverts: $qa"
	RES+=("$name q - - - - $qa -")
	RES+=("$(reload "$name" 1 "$pid" $pids)")
	RES+=("$(reload "$name" 2 "$pid" $pids)")
	[ "$RC" = 1 ] && RES+=("$(reload "$name" 3 "$pid" $pids)")
	RES+=("$name start $st - $(memsum VmHWM $pids) - - - - - - -")
	log "$name: accepted checks so far $(cat "$B/count")"
	kill -TERM "$pid" "$peerpid"
	for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	ip netns pids $LB | xargs -r kill -9 2>/dev/null
	ip netns pids peer | xargs -r kill -9 2>/dev/null
	wait "$pid" "$peerpid" "$tcpd" 2>/dev/null
}

RES=()
[ "$NOKA" = 1 ] || run ka
run hd
[ -z "$EXTRA" ] || { log "hd2 = $EXTRA"; run hd2; }
echo
echo "raw: daemon reload to_table_ms cpu_ms rss_before_kB rss_after_kB adverts max_gap_ms late missed backup_adverts writes"
echo "     (reload q: the quiet window; start: to_table_ms from exec, cpu_ms column = peak RSS kB)"
printf '%s\n' "${RES[@]}"
echo
printf '%s\n' "${RES[@]}" | awk -v nvs="$NVS" -v nrs="$NRS" '
	{ for (i = 3; i <= NF; i++) v[$1, $2, i] = $i }
	$1 == "hd2" { x = 1 }
	function row(label, r, i,   a, b) {
		a = v["hadirector", r, i]; b = v["keepalived", r, i]
		printf "| %-46s | %10s |%s %10s | %6s |\n", label, a, x ? sprintf(" %10s |", v["hd2", r, i]) : "",
			b, (b + 0 > 0 && a ~ /^[0-9.]+$/ ? sprintf("%.2f", a / b) : "-")
	}
	END {
		printf "%d virtual servers, %d real servers, tcp checks\n\n", nvs, nrs
		printf "| metric | hadirector |%s keepalived | hadirector / keepalived |\n|---|---|%s---|---|\n",
			x ? " hd2 |" : "", x ? "---|" : ""
		row("start: exec to table (ms)", "start", 3)
		row("peak RSS, VmHWM (kB)", "start", 5)
		for (r = 1; r <= 3; r++) {
			if (r == 3 && !(("hadirector", 3, 3) in v))
				break
			l = r == 1 ? "reload A (+-10 VS, 100 weights)" : r == 2 ? "reload B (one weight)" : \
				"reload C (every weight)"
			row(l ": SIGHUP to table (ms)", r, 3)
			row(l ": CPU (ms)", r, 4)
			row(l ": RSS after (kB)", r, 6)
			row(l ": adverts late", r, 9)
			row(l ": adverts missed", r, 10)
			row(l ": longest advert gap (ms)", r, 8)
			row(l ": backup adverts (takeover)", r, 11)
			row(l ": IPVS netlink writes", r, 12)
		}
		row("quiet 5 s: adverts late", "q", 9)
		row("quiet 5 s: longest advert gap (ms)", "q", 8)
	}'
