# The helpers every test library shares (sourced by tests/netns/lib.sh,
# tests/netns/lib-vrrp.sh and tests/vm/lib.sh; the VM sees the host's tree
# read-only at the same path, so this file is found there too). The caller
# sets top_srcdir and top_builddir first. Each library keeps its own names
# for its scratch directory, namespaces and pids (bash name references to
# the ones here); the scratch state, counting, waiting and namespace work
# is done here, once.
#   hd_scratch PREFIX TMPNAME  HD_DIR (a new /tmp/TMPNAME.*), HD_NS, HD_PIDS, and
#                             hd_cleanup at exit: the pids killed, every namespace
#                             named PREFIX-* deleted, HD_DIR removed (the tail of each
#                             log in it shown first when HD_SHOW_LOGS=fail and a check
#                             failed, or HD_SHOW_LOGS=always)
#   hd_ns NAME                namespace PREFIX-NAME, lo up, its name on stdout
#   hd_link NS IFNAME ADDR/LEN  a veth from NS to bridge br0 of namespace HD_BRNS
#                             ("" or unset: the caller's)
#   ok/fail/check/assert, FAILS, hd_done   the TAP-like lines and the verdict
#   wait_for SECONDS CMD...   poll CMD (every $WAIT_POLL s, default 0.05)
#   now_ms                    the wall clock in ms
#   hd_ns_add NS              namespace NS (a stale one of that name removed), lo up
#   hd_ns_del NS...           kill everything in each namespace, then delete it
#   hd_kill_pids PID...       SIGKILL each (quietly: some are long gone)
#   hd_bridge NS DEV [OPT...]  a bridge in namespace NS ("" for the caller's), up
#   hd_veth NS IFNAME ADDR/LEN PEER BRNS BRDEV
#                             a veth from NS to bridge BRDEV in namespace BRNS
#                             ("" for the caller's), both ends up
#   hd_status SOCK            `hadirectorctl status --json` of the daemon on SOCK
# and, from tests/netns/lib-assert.sh, absent, absent_json, is_num, same_num, gone.
set -u
: "${top_builddir:?run through make check}"
: "${top_srcdir:?run through make check}"
. "$(dirname "${BASH_SOURCE[0]}")/../netns/lib-assert.sh"
HD="$top_builddir/hadirector"
HDCTL="$top_builddir/hadirectorctl"
FAILS=0

ok() { echo "ok - $*"; }
fail() { echo "FAIL - $*"; FAILS=$((FAILS + 1)); }
check() { # DESCRIPTION COMMAND...
	local d="$1"
	shift
	if "$@"; then ok "$d"; else fail "$d"; fi
}
assert() { # DESCRIPTION COMMAND...: check, but stop at the first failure
	local d="$1"
	shift
	if "$@"; then ok "$d"; else fail "$d"; echo "stopping at the first failed assertion"; exit 1; fi
}
hd_done() {
	if [ "$FAILS" -eq 0 ]; then echo "all checks passed"; exit 0; fi
	echo "$FAILS checks failed"
	exit 1
}

# wait_for TIMEOUT_SEC COMMAND...: a fractional timeout is cut to whole seconds
wait_for() {
	local end=$(($(date +%s%N) + ${1%.*} * 1000000000))
	shift
	while [ "$(date +%s%N)" -lt "$end" ]; do
		"$@" >/dev/null 2>&1 && return 0
		sleep "${WAIT_POLL:-0.05}"
	done
	return 1
}
now_ms() { echo $(($(date +%s%N) / 1000000)); }

hd_ns_add() {
	ip netns del "$1" 2>/dev/null # a dead test's whose PID was ours: stale
	ip netns add "$1" || exit 99
	ip -n "$1" link set lo up
}
hd_ns_del() {
	local n
	for n in "$@"; do
		ip netns pids "$n" 2>/dev/null | xargs -r kill -9 2>/dev/null
	done
	[ $# -gt 0 ] && sleep 0.1 # let the killed go before their namespaces do
	for n in "$@"; do ip netns del "$n" 2>/dev/null; done
}
hd_kill_pids() {
	local p
	for p in "$@"; do kill -9 "$p" 2>/dev/null; done
}

hd_scratch() { # PREFIX TMPNAME
	HD_PREFIX=$1
	HD_DIR=$(mktemp -d "/tmp/$2.XXXXXX")
	HD_NS=()
	HD_PIDS=()
	trap hd_cleanup EXIT
}
# Namespaces are found by their prefix: hd_ns runs in $(...) in most tests,
# so what it adds to HD_NS does not reach their shell.
hd_cleanup() {
	local f
	hd_kill_pids "${HD_PIDS[@]}"
	# shellcheck disable=SC2046
	hd_ns_del $(ip netns list | awk -v p="$HD_PREFIX-" 'index($1, p) == 1 { print $1 }')
	if [ "${HD_SHOW_LOGS:-}" = always ] || { [ "${HD_SHOW_LOGS:-}" = fail ] && [ "$FAILS" -ne 0 ]; }; then
		for f in "$HD_DIR"/*.log; do [ -f "$f" ] && { echo "--- $f"; tail -n 40 "$f"; }; done
	fi
	rm -rf "$HD_DIR"
}
hd_ns() { # NAME
	local n="$HD_PREFIX-$1"
	hd_ns_add "$n"
	HD_NS+=("$n")
	echo "$n"
}

# hd_bridge NS DEV [OPTION...]: bridge DEV in namespace NS ("" for the
# caller's), up
hd_bridge() {
	local ns=$1 dev=$2
	shift 2
	ip ${ns:+-n "$ns"} link add "$dev" type bridge "$@" || exit 99
	ip ${ns:+-n "$ns"} link set "$dev" up
}
hd_veth() { # NS IFNAME ADDR/LEN PEER BRNS BRDEV
	local ns="$1" ifname="$2" addr="$3" peer="$4" brns="$5" brdev="$6"
	ip link add "$peer" type veth peer name "$ifname" netns "$ns" || exit 99
	if [ -n "$brns" ]; then
		ip link set "$peer" netns "$brns"
		ip -n "$brns" link set "$peer" master "$brdev" up
	else
		ip link set "$peer" master "$brdev" up
	fi
	ip -n "$ns" addr add "$addr" dev "$ifname"
	ip -n "$ns" link set "$ifname" up
}

hd_link() { # NS IFNAME ADDR/LEN
	hd_veth "$1" "$2" "$3" "v${#HD_NS[@]}x$RANDOM" "${HD_BRNS:-}" br0
}

hd_status() { "$HDCTL" -s "$1" status --json; }

# The SIGHUP storm of fault-reload.sh and the VM's fault-ipvs.sh:
# hd_hup_storm PID N: N reloads, 100 ms apart; hd_http_client NS URL TIMEOUT
# OUT: a client in NS fetching URL 20 times a second into OUT until SIGINT
# ("answered sent"; pid in HD_CLIENT); hd_rss_kb PID: VmRSS in kB;
# hd_storm_100 PID, hd_storm_traffic, hd_check_storm: see below;
# hd_check_rss WHAT R0 R1 R2: the RSS after a warm-up, after half the storm
# and after all of it grew by at most 512 kB and not in both halves by over
# 64 kB (a leak per reload grows steadily). AddressSanitizer keeps freed
# memory in quarantine (RSS grows by design): in a sanitizer build its leak
# checker judges leaks, not RSS.
hd_hup_storm() { python3 "$top_srcdir/tests/lib/hup-storm.py" "$1" "$2"; }
hd_http_client() {
	ip netns exec "$1" python3 "$top_srcdir/tests/lib/http-client.py" "$2" "$3" >"$4" 2>&1 &
	HD_CLIENT=$!
}
hd_rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }
# hd_storm_100 PID: 100 SIGHUPs in two halves; HD_RSS1 is the RSS between
# them, HD_STORM_MS the time the storm took
hd_storm_100() {
	local t0
	t0=$(now_ms)
	hd_hup_storm "$1" 50
	HD_RSS1=$(hd_rss_kb "$1")
	hd_hup_storm "$1" 50
	HD_STORM_MS=$(($(now_ms) - t0))
}
# hd_storm_traffic PID NS URL TIMEOUT OUT SETTLE: the storm with traffic of
# both tests: a client in NS fetches URL (hd_http_client, answers into OUT)
# while PID gets hd_storm_100, SETTLE seconds after the client started and
# before it is stopped. HD_RSS1: PID's RSS half way, HD_RSS2: after;
# HD_RX/HD_TX: the client's requests answered/sent.
hd_storm_traffic() {
	local c
	hd_http_client "$2" "$3" "$4" "$5"
	c=$HD_CLIENT
	sleep "$6"
	hd_storm_100 "$1"
	sleep "$6"
	kill -INT "$c"
	wait "$c" 2>/dev/null
	HD_RSS2=$(hd_rss_kb "$1")
	read -r HD_RX HD_TX <"$5"
}
# hd_check_storm WHAT RELOADS MIN_TX: >= 95 of the 100 reloads done, the
# client sent >= MIN_TX requests and >= 95 % were answered
hd_check_storm() {
	check "$1: >= 95 of 100 reloads completed (signals 100 ms apart may coalesce: $2)" \
		[ "${2:-0}" -ge 95 ]
	check "$1: the client sent >= $3 requests ($HD_TX)" [ "${HD_TX:-0}" -ge "$3" ]
	check "$1: >= 95% of the client's requests answered ($HD_RX/$HD_TX)" \
		[ $((${HD_RX:-0} * 100)) -ge $((${HD_TX:-0} * 95)) ]
}
hd_check_rss() { # WHAT R0 R1 R2
	if ldd "$HD" 2>/dev/null | grep -q 'libasan'; then
		echo "# sanitizer build: RSS not judged (ASan quarantine)"
		return 0
	fi
	local r0=$2 r1=$3 r2=$4
	check "$1: RSS grew by no more than 512 kB ($((r2 - r0)) kB)" \
		eval 'is_num "$r0" "$r1" "$r2" && [ $((r2 - r0)) -le 512 ]'
	check "$1: no steady RSS growth (both halves > 64 kB: $((r1 - r0)), $((r2 - r1)) kB)" \
		eval '[ $((r1 - r0)) -le 64 ] || [ $((r2 - r1)) -le 64 ]'
}
