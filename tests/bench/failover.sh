#!/bin/bash
# Failover benchmark (not a test: no pass/fail, not in make check).
#
# One run, side by side on the same machine: a keepalived pair and a
# hadirector pair, each on its own bridge in its own namespaces (master
# priority 150, backup 100, VRRPv3, one IPv4 VIP). For each advert_int the
# master is killed with SIGKILL RUNS times, then stopped with SIGTERM RUNS
# times (keepalived and hadirector alternate, so both see the same load).
#
# What is measured, and how: a tcpdump on each bridge (kernel receive
# timestamps, one clock for both ends). SIGKILL: from the dead master's last
# advert on the wire to the backup's first gratuitous ARP for the VIP (both
# daemons send it right after adding the address) -- the quantity the
# protocol floor 3 x advert_int + skew is defined on. SIGTERM: from the
# master's priority 0 advert to the backup's first gratuitous ARP (floor:
# skew). Polling `ip addr` would add its own latency; the time from the kill
# is also printed (it includes the random phase of the advert timer).
#
# usage: failover.sh [-n RUNS] [-i "1 0.1 0.01"] [-o RESULTS_DIR] [-r]
#   -r: run both daemons (all four) under SCHED_FIFO 10 (chrt), as one
#       would on a loaded director with sub-second advert_int.
#   run as root from a build directory, or set HD=/path/to/hadirector.
set -u
RUNS=5
INTERVALS="1 0.1 0.01"
OUT=""
RT=()
while getopts n:i:o:r o; do
	case $o in
	n) RUNS=$OPTARG ;;
	i) INTERVALS=$OPTARG ;;
	o) OUT=$OPTARG ;;
	r) RT=(chrt -f 10) ;;
	*) echo "usage: $0 [-n RUNS] [-i INTERVALS] [-o DIR]" >&2; exit 2 ;;
	esac
done
HD=${HD:-./hadirector}
[ -x "$HD" ] || { echo "hadirector not found at $HD (set HD=)" >&2; exit 2; }
command -v keepalived >/dev/null || { echo "keepalived not installed" >&2; exit 2; }
command -v tcpdump >/dev/null || { echo "tcpdump not installed" >&2; exit 2; }
P="hdb$$"
D=$(mktemp -d /tmp/hdbench.XXXXXX)
NS=()
TCPD=()

cleanup() {
	local n p
	for p in "${TCPD[@]}"; do kill "$p" 2>/dev/null; done
	for n in "${NS[@]}"; do ip netns pids "$n" 2>/dev/null | xargs -r kill -9 2>/dev/null; done
	sleep 0.2
	for n in "${NS[@]}"; do ip netns del "$n" 2>/dev/null; done
	if [ -n "$OUT" ]; then mkdir -p "$OUT" && cp -r "$D"/. "$OUT"/; fi
	rm -rf "$D"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

ns_add() {
	ip netns add "$1" || exit 1
	NS+=("$1")
	ip -n "$1" link set lo up
}

# pair KIND NET: bridge + master (m, .50) + backup (b, .51) on NET.0/24
pair() {
	local k=$1 net=$2 r i=0
	ns_add "$P-$k-br"
	ip -n "$P-$k-br" link add br0 type bridge mcast_snooping 0
	ip -n "$P-$k-br" link set br0 up
	for r in m b; do
		i=$((i + 1))
		ns_add "$P-$k-$r"
		ip link add "$P$k$r" type veth peer name eth0 netns "$P-$k-$r" || exit 1
		ip link set "$P$k$r" netns "$P-$k-br"
		ip -n "$P-$k-br" link set "$P$k$r" master br0 up
		ip -n "$P-$k-$r" addr add "$net.$((49 + i))/24" dev eth0
		ip -n "$P-$k-$r" link set eth0 up
	done
}

conf() { # KIND ROLE ADV -> config file
	local k=$1 r=$2 adv=$3 prio=100 net f="$D/$1-$2.conf"
	[ "$r" = m ] && prio=150
	net=10.77.1
	[ "$k" = hd ] && net=10.77.2
	if [ "$k" = ka ]; then
		printf 'global_defs {\n  router_id %s\n}\nvrrp_instance VI_1 {\n  interface eth0\n  version 3\n  virtual_router_id 51\n  priority %s\n  advert_int %s\n  virtual_ipaddress {\n    %s.100/24\n  }\n}\n' \
			"ka$r" "$prio" "$adv" "$net" >"$f"
	else
		printf 'global { router_id = hd%s }\nvrrp_instance VI_1 {\n  interface = eth0\n  version = 3\n  virtual_router_id = 51\n  priority = %s\n  advert_int = %s\n  virtual_ipaddress = { %s.100/24 }\n}\n' \
			"$r" "$prio" "$adv" "$net" >"$f"
	fi
	echo "$f"
}

start() { # KIND ROLE ADV
	local k=$1 r=$2 f
	f=$(conf "$1" "$2" "$3")
	rm -f "$D/$k-$r".*pid "$D/$k-$r.sock"
	if [ "$k" = ka ]; then
		ip netns exec "$P-$k-$r" "${RT[@]}" keepalived -n -l -D -f "$f" -p "$D/$k-$r.kpid" \
			-r "$D/$k-$r.vpid" -c "$D/$k-$r.cpid" >>"$D/$k-$r.log" 2>&1 &
	else
		ip netns exec "$P-$k-$r" "${RT[@]}" "$HD" -n -l -f "$f" -p "$D/$k-$r.pid" \
			-s "$D/$k-$r.sock" >>"$D/$k-$r.log" 2>&1 &
	fi
	eval "PID_${k}_$r=$!"
	disown $! 2>/dev/null
}

stop() { # KIND ROLE SIGNAL
	local k=$1 r=$2 p
	p=$(eval "echo \$PID_${k}_$r")
	if [ "$k" = ka ] && [ "$3" = KILL ]; then # the VRRP child and its parent at once
		kill -9 "$(cat "$D/$k-$r.vpid" 2>/dev/null)" "$p" 2>/dev/null
	else
		kill "-$3" "$p" 2>/dev/null
	fi
}

vip() { # KIND ROLE: holds the VIP?
	local net=10.77.1
	[ "$1" = hd ] && net=10.77.2
	ip -n "$P-$1-$2" -o -4 addr show dev eth0 | grep -q " $net.100/"
}

until_() { # TIMEOUT_S COMMAND...: poll every 5 ms
	local end=$(($(date +%s%N) + $1 * 1000000000))
	shift
	while [ "$(date +%s%N)" -lt "$end" ]; do
		"$@" && return 0
		sleep 0.005
	done
	return 1
}

settled() { vip "$1" m && ! vip "$1" b; }

gone() { # KIND ROLE: wait for the process to exit, drop what a SIGKILL left
	local p net=10.77.1
	p=$(eval "echo \$PID_${1}_$2")
	until_ 5 eval "! kill -0 $p 2>/dev/null"
	[ "$1" = hd ] && net=10.77.2
	ip -n "$P-$1-$2" addr del "$net.100/24" dev eth0 2>/dev/null
	[ "$1" = ka ] && ip netns pids "$P-$1-$2" | xargs -r kill -9 2>/dev/null
	sleep 0.05
}

round() { # KIND ADV SIGNAL
	local k=$1 adv=$2 sig=$3 settle
	settle=$(python3 -c "print(max(0.3, 3 * $adv))")
	until_ 30 settled "$k" || echo "warning: $k pair did not settle" >&2
	sleep "$settle" # the backup has heard the master a while
	echo "$sig $(date +%s.%N)" >>"$D/kills-$k-$adv.txt"
	stop "$k" m "$sig"
	until_ 15 vip "$k" b || echo "warning: $k backup did not take over" >&2
	gone "$k" m
	start "$k" m "$adv"
	until_ 30 settled "$k" || echo "warning: $k master did not come back" >&2
}

pair ka 10.77.1
pair hd 10.77.2
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
echo "# failover benchmark: $RUNS runs per cell, advert_int $INTERVALS, $(nproc) CPUs, load $load_before${RT[*]:+, daemons under ${RT[*]}}"
echo "# hadirector: $HD ($("$HD" --version 2>/dev/null | head -1)); keepalived: $(keepalived -v 2>&1 | head -1)"
for adv in $INTERVALS; do
	for k in ka hd; do
		ip netns exec "$P-$k-br" tcpdump -U -n -s 128 -i br0 -w "$D/$k-$adv.pcap" 'vrrp or arp' \
			>/dev/null 2>&1 &
		TCPD+=($!)
	done
	sleep 1
	for k in ka hd; do
		start "$k" b "$adv"
		start "$k" m "$adv"
	done
	for sig in KILL TERM; do
		for i in $(seq "$RUNS"); do
			for k in ka hd; do round "$k" "$adv" "$sig"; done
			echo "#   advert_int $adv SIG$sig run $i done" >&2
		done
	done
	for k in ka hd; do
		stop "$k" m KILL
		stop "$k" b KILL
		gone "$k" m
		gone "$k" b
	done
	sleep 0.5
	for p in "${TCPD[@]}"; do kill "$p" 2>/dev/null; done
	wait "${TCPD[@]}" 2>/dev/null
	TCPD=()
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

for adv in $INTERVALS; do
	for k in ka hd; do
		tcpdump -r "$D/$k-$adv.pcap" -tt -n -e 2>/dev/null >"$D/$k-$adv.txt"
	done
done
python3 - "$D" "$INTERVALS" <<'PY'
import re, statistics, sys
d, intervals = sys.argv[1], sys.argv[2].split()
NET = {"ka": "10.77.1", "hd": "10.77.2"}

def packets(path, net):
    out = []
    for line in open(path):
        t = float(line.split()[0])
        mac = line.split()[1]
        m = re.search(r"(\S+) > 224\.0\.0\.18: VRRPv3, Advertisement, vrid \d+, prio (\d+)", line)
        if m:
            out.append((t, "vrrp", m.group(1), int(m.group(2))))
            continue
        if re.search(r"(who-has %s\.100 (\(\S+\) )?tell %s\.100|Announcement %s\.100|Reply %s\.100 is-at)"
                     % ((re.escape(net),) * 4), line):
            out.append((t, "garp", mac, None))
    return out

def measure(k, adv):
    net = NET[k]
    master, backup = net + ".50", net + ".51"
    pk = packets("%s/%s-%s.txt" % (d, k, adv), net)
    # the backup's MAC: the source of its adverts
    bmacs = set()
    for line in open("%s/%s-%s.txt" % (d, k, adv)):
        if (" %s > 224.0.0.18" % backup) in line:
            bmacs.add(line.split()[1])
    res = {"KILL": [], "TERM": [], "KILL_from_signal": []}
    for line in open("%s/kills-%s-%s.txt" % (d, k, adv)):
        sig, tk = line.split()
        tk = float(tk)
        take = next((t for t, ty, src, _ in pk if ty == "garp" and src in bmacs and t > tk), None)
        if take is None:
            continue
        if sig == "KILL":
            last = [t for t, ty, src, pr in pk if ty == "vrrp" and src == master and t < take and pr]
            if last:
                res["KILL"].append(take - last[-1])
                res["KILL_from_signal"].append(take - tk)
        else:
            p0 = next((t for t, ty, src, pr in pk if ty == "vrrp" and src == master and pr == 0 and t > tk - 0.01), None)
            if p0 is not None and p0 < take:
                res["TERM"].append(take - p0)
    return res

def fmt(v, adv):
    if not v:
        return "n/a"
    scale, unit = (1, "s") if float(adv) >= 1 else (1000, "ms")
    f = "%.3f" if unit == "s" else "%.1f"
    return (f + " (" + f + "-" + f + ") %s") % (statistics.median(v) * scale, min(v) * scale, max(v) * scale, unit)

print()
print("| signal | advert_int | protocol floor | keepalived median (min-max) | hadirector median (min-max) | hadirector / keepalived | n |")
print("|---|---|---|---|---|---|---|")
rows = []
for sig in ("KILL", "TERM"):
    for adv in intervals:
        a = float(adv)
        skew = (256 - 100) * a / 256
        floor = 3 * a + skew if sig == "KILL" else skew
        ka, hd = measure("ka", adv)[sig], measure("hd", adv)[sig]
        ratio = "%.2f" % (statistics.median(hd) / statistics.median(ka)) if ka and hd else "n/a"
        fl = ("%.3f s" % floor) if a >= 1 else ("%.1f ms" % (floor * 1000))
        print("| SIG%s | %s | %s | %s | %s | %s | %d/%d |" % (sig, adv, fl, fmt(ka, adv), fmt(hd, adv), ratio, len(ka), len(hd)))
print()
print("Time from the SIGKILL itself (includes the random phase of the advert timer):")
for adv in intervals:
    ka, hd = measure("ka", adv)["KILL_from_signal"], measure("hd", adv)["KILL_from_signal"]
    print("  advert_int %s: keepalived %s, hadirector %s" % (adv, fmt(ka, adv), fmt(hd, adv)))
PY
echo
echo "# load average before: $load_before, after: $load_after ($(nproc) CPUs)"
for k in ka hd; do
	n=$(grep -Ec 'Entering MASTER STATE|BACKUP -> MASTER' "$D/$k-b.log")
	echo "# $k backup became master $n times (expected $((2 * RUNS * $(echo $INTERVALS | wc -w) + $(echo $INTERVALS | wc -w)))): the rest are spurious takeovers (missed adverts under load)"
done
