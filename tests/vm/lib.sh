# Shared helpers for VM scenario scripts (sourced by bash scripts that tests/vm/run executes
# inside the VM). Same check/ok/fail/wait_for style as tests/netns/lib.sh.
#   vm_load_ipvs [SCHED...]   load ip_vs (+ crc32c_generic) and schedulers (default: all there are;
#                             the kernel also autoloads modules on first use)
#   vm_ns NAME                namespace "vm-NAME" with lo up, echoes its name, removed on exit
#   vm_bridge                 bridge br0 in the VM's root namespace (the VM has no outside link)
#   vm_link NS IFNAME ADDR/LEN  veth from NS (named IFNAME, address ADDR) to br0, both ends up
#   vm_dr_director            the direct-routing LAN on br0: namespace lb at 192.168.168.50 with
#                             $VIP on its eth0 (LB), a client at 192.168.168.60 (CL)
#   vm_dr_rs NAME ADDR        namespace vm-NAME at ADDR/24, a direct-routing real server: $VIP on
#                             lo, ARP for it neither answered nor used (arp_ignore, arp_announce)
#   vm_bench_rs               the reload bench's real servers (tests/bench/reload-scale-gen.awk):
#                             namespaces lb (LB, 172.31.0.1) and rs (RS, 172.31.0.2) on a veth pair,
#                             10.0.0.0/16 routed to rs, where one listener (hc-bench-srv.py) answers
#                             every address; 10.0.1.0/24 unreachable from lb (those checks fail at
#                             once). True once the listener is up.
#   check DESC CMD...         run CMD, print "ok - DESC" or "FAIL - DESC" (and keep going)
#   assert DESC CMD...        same, but stop the scenario at the first failure
#   wait_for SECONDS CMD...   poll CMD every 50 ms until it succeeds or time runs out
#   vm_done                   exit 0 when every check passed, 1 otherwise
#   absent [OPT...] PAT FILE...  FILE exists, is not empty, and no line matches PAT (and
#                             absent_json, is_num, same_num, gone: tests/netns/lib-assert.sh)
# The shared ones (check, assert, wait_for, now_ms, the assertions) are tests/lib/common.sh's,
# found through the host's tree that the VM mounts at the same path.
# Variables: HD, HDCTL (the built binaries), VM_DIR (a scratch dir, removed on exit),
# top_srcdir/top_builddir (from make check; default: this source tree).
set -u
[ "${HD_VM:-0}" = 1 ] || { echo "lib.sh: not inside the VM (run me through tests/vm/run)" >&2; exit 99; }
VM_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
: "${top_srcdir:=$(cd "$VM_LIB_DIR/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$VM_LIB_DIR/../lib/common.sh"
hd_scratch vm hdvm # VM_DIR, VM_NS, VM_PIDS: cleaned up at exit (every vm-* namespace)
# the names the scenarios read
declare -n VM_DIR=HD_DIR VM_NS=HD_NS VM_PIDS=HD_PIDS VM_FAILS=FAILS
vm_cleanup() { hd_cleanup; }

vm_load_ipvs() {
	local s d mods="ip_vs" scheds="$*"
	d="$HD_VM_MODROOT/lib/modules/$(uname -r)/kernel/net/netfilter/ipvs"
	if [ -z "$scheds" ]; then # every scheduler this kernel has (twos only exists from 6.2)
		for s in rr wrr lc wlc lblc lblcr dh sh sed nq mh fo ovf twos; do
			[ -n "$(compgen -G "$d/ip_vs_$s.ko*")" ] && mods="$mods ip_vs_$s"
		done
	else
		for s in $scheds; do mods="$mods ip_vs_$s"; done
	fi
	# shellcheck disable=SC2086
	hd_vm_modprobe $mods
}

vm_ns() { hd_ns "$1"; }

vm_bridge() {
	ip link show br0 >/dev/null 2>&1 && return 0
	hd_bridge "" br0
}

vm_link() { # NS IFNAME ADDR/LEN
	vm_bridge
	hd_link "$@"
}

vm_dr_director() {
	LB=$(vm_ns lb)
	vm_link "$LB" eth0 192.168.168.50/24
	ip -n "$LB" addr add "$VIP/32" dev eth0
	CL=$(vm_ns client)
	vm_link "$CL" eth0 192.168.168.60/24
}

vm_dr_rs() { # NAME ADDR
	vm_ns "$1" >/dev/null
	vm_link "vm-$1" eth0 "$2/24"
	ip -n "vm-$1" addr add "$VIP/32" dev lo
	ip netns exec "vm-$1" sysctl -qw net.ipv4.conf.all.arp_ignore=1 \
		net.ipv4.conf.all.arp_announce=2 net.ipv4.conf.lo.arp_ignore=1 net.ipv4.conf.lo.arp_announce=2
}

# vm_veth NS_A NS_B DEV [ADDR_A [ADDR_B]]: a veth pair named DEV at both ends between two
# namespaces, both ends up, with the addresses given (/24).
vm_veth() {
	ip link add "$3" netns "$1" type veth peer name "$3" netns "$2"
	[ -z "${4:-}" ] || ip -n "$1" addr add "$4/24" dev "$3"
	[ -z "${5:-}" ] || ip -n "$2" addr add "$5/24" dev "$3"
	ip -n "$1" link set "$3" up && ip -n "$2" link set "$3" up
}

# vm_bench_srv SECONDS: the bench's HTTP server (tests/bench/hc-bench-srv.py) for every
# address routed to namespace RS; returns once it counts, within SECONDS.
vm_bench_srv() {
	ip netns exec "$RS" python3 "$top_srcdir/tests/bench/hc-bench-srv.py" "$VM_DIR/count" \
		</dev/null >/dev/null 2>"$VM_DIR/srv.err" &
	VM_PIDS+=("$!")
	wait_for "$1" test -s "$VM_DIR/count"
}

vm_bench_rs() {
	LB=$(vm_ns lb)
	RS=$(vm_ns rs)
	vm_veth "$LB" "$RS" eth0 172.31.0.1 172.31.0.2
	ip -n "$LB" route add 10.0.0.0/16 via 172.31.0.2
	ip -n "$RS" route add local 10.0.0.0/16 dev lo
	ip -n "$LB" route add unreachable 10.0.1.0/24
	vm_bench_srv 30
}

# vm_vrrp_pair: namespaces LB and PEER joined by vr0, 192.168.50.1 and .2/24 (the VRRP pair of
# tests/bench/reload-scale-gen.awk's files).
vm_vrrp_pair() {
	LB=$(vm_ns lb)
	PEER=$(vm_ns peer)
	vm_veth "$LB" "$PEER" vr0 192.168.50.1 192.168.50.2
}

# vm_advert_gaps PCAP T0 T1 ADV: the adverts of vm_vrrp_pair's master (.1) captured in PCAP
# between T0 and T1 (ns, kernel timestamps): "COUNT LONGEST_GAP_MS LATE BACKUP_ADVERTS", late =
# a gap over 1.5 x ADV seconds, each also said on stderr with where it fell after T0.
vm_advert_gaps() {
	tcpdump -r "$1" -tt -n 2>/dev/null | awk -v t0="$2" -v t1="$3" -v adv="$4" '
		{ t = $1 * 1e9 }
		t < t0 || t > t1 { next }
		$3 == "192.168.50.2" { peer++; next }
		$3 != "192.168.50.1" { next }
		{ n++; if (last) { g = (t - last) / 1e6; if (g > max) max = g
			if (g > 1.5 * adv * 1000) { late++
				printf "# late: %.1f ms gap from %.3f s after the start of the window\n", g, (last - t0) / 1e9 >"/dev/stderr" } }
		  last = t }
		END { printf "%d %.1f %d %d\n", n, max, late, peer }'
}

vm_done() { hd_done; }
