#!/bin/bash
# ./demo.sh [dr|nat|tun|ecmp]   (fresh Debian 12, as root)
#
# Installs what is needed (tests/install-deps.sh), builds hadirector out of tree in build-demo/
# (HD_DEMO_BUILDDIR overrides; a configured source tree is used as is), then runs the end-to-end
# lab (tests/lab/lab.sh) in a qemu VM with a Debian kernel that has IPVS: two directors, two real
# servers, a client sending HTTP requests, the primary director killed and back, a real server
# stopped and started. Prints the timeline and ends with a one-line verdict; exit 0 when every
# assertion held. Everything runs in network namespaces inside the VM, which has no network link.
# ecmp: the ECMP lab instead (tests/vm/scenarios/ecmp.sh): a router with FRR, three directors in
# announce mode behind its ECMP, four real servers, a client with HD_DEMO_ECMP_CONNS (default 300)
# long-lived connections; SIGKILL, link down, back, a fourth director, a real server dies, drain,
# then the same faults on a VRRP pair under the same load; figures per phase, side by side.
set -u
mode=${1:-dr}
case $mode in
dr | nat | tun | ecmp) ;;
-h | --help)
	sed -n '2,13s/^# \{0,1\}//p' "$0"
	exit 0
	;;
*)
	echo "usage: $0 [dr|nat|tun|ecmp]" >&2
	exit 2
	;;
esac
src=$(cd "$(dirname "$(readlink -f "$0")")" && pwd)
cd "$src" || exit 1
jobs=${HD_DEMO_JOBS:-2}
step() { echo "=== demo: $* ($(date +%T))"; }
die() {
	echo "demo: $*" >&2
	echo "VERDICT: ${mode^^} FAIL: $*"
	exit 1
}
log=$(mktemp "${TMPDIR:-/tmp}/hd-demo.XXXXXX") || exit 1
trap 'rm -f "$log"' EXIT
quiet() { # run a build step, show its output only when it fails
	"$@" >"$log" 2>&1 && return 0
	tail -n 40 "$log" >&2
	return 1
}

step "installing dependencies"
./tests/install-deps.sh || die "installing dependencies failed"

if [ -f "$src/config.status" ]; then
	build=$src
else
	build=${HD_DEMO_BUILDDIR:-$src/build-demo}
	if [ ! -x "$src/configure" ]; then
		step "autoreconf"
		quiet autoreconf -fi || die "autoreconf failed"
	fi
	mkdir -p "$build" || die "cannot create $build"
fi
cd "$build" || die "cannot enter $build"
if [ ! -f config.status ]; then
	step "configure in $build"
	quiet "$src/configure" || die "configure failed"
fi
step "make -j$jobs"
quiet make -j"$jobs" || die "the build failed"

step "preparing the VM (first time: downloads the Debian kernel package, builds an initramfs)"
quiet "$src/tests/vm/setup" || die "tests/vm/setup failed"

export top_srcdir=$src top_builddir=$build
out=$(mktemp "${TMPDIR:-/tmp}/hd-demo-out.XXXXXX") || exit 1
trap 'rm -f "$log" "$out"' EXIT
if [ "$mode" = ecmp ]; then
	step "the ECMP lab (VM boot, then about 5 minutes of traffic)"
	# the issue's scenarios: SIGKILL and back, link down and up, a fourth director joins, a
	# real server dies, drain then stop (the full lab, `make check-ecmp`, has more)
	ECMP_CONNS=${HD_DEMO_ECMP_CONNS:-300} ECMP_CONTRAST=0 ECMP_PHASES="kill link join rsdies drain" \
		"$src/tests/vm/ecmp.sh" >"$out" 2>"$log"
else
	step "the lab in ${mode^^} mode (VM boot, then about a minute of traffic)"
	"$src/tests/vm/run" "$src/tests/lab/lab.sh" "$mode" >"$out" 2>"$log"
fi
rc=$?
grep -v '^/.*: line [0-9]*: *[0-9]* Killed' "$out"
cat "$log" >&2
# the one-line verdict comes last
verdict=$(grep '^VERDICT: ' "$out" | tail -n 1)
echo
if [ -n "$verdict" ]; then
	echo "$verdict"
else
	echo "VERDICT: ${mode^^} FAIL: the lab did not finish (exit status $rc, see above)"
fi
exit $rc
