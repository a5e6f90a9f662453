#!/bin/bash
# The test command (fresh Debian 12 machine, as root, from a fresh clone):
# install dependencies, build, run the whole test suite (unit, namespace and VM tests) and end
# with the line "N passed, N failed" (from the automake test-suite log). Exit non-zero on any
# failure, a build failure included ("0 passed, 1 failed").
#
# Builds out of tree in build-ci/ (HD_CI_BUILDDIR overrides) so that it does not disturb other
# builds of the same tree; if the source tree itself is configured, builds there instead.
set -u
src=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
cd "$src" || exit 1
jobs=${HD_CI_JOBS:-2}

finish() { # PASSED FAILED
	echo "$1 passed, $2 failed"
	[ "$2" -eq 0 ] && exit 0
	exit 1
}
step() { echo "=== ci: $* ($(date +%T))"; }
abort() {
	echo "ci: $*" >&2
	finish 0 1
}

step "installing dependencies"
./tests/install-deps.sh || abort "installing dependencies failed"

step "autoreconf"
autoreconf -fi || abort "autoreconf failed"
if [ -f "$src/config.status" ]; then
	build=$src
else
	build=${HD_CI_BUILDDIR:-$src/build-ci}
	mkdir -p "$build" || abort "cannot create $build"
fi
cd "$build" || abort "cannot enter $build"
step "configure in $build"
"$src/configure" || abort "configure failed"
step "make -j$jobs"
make -j"$jobs" || abort "the build failed"

step "make -j$jobs check"
rm -f test-suite.log
make -j"$jobs" check VERBOSE=1
check_rc=$?
[ -f test-suite.log ] || abort "make check failed before producing test-suite.log"

count() { sed -n "s/^# $1: *\([0-9][0-9]*\)\$/\1/p" test-suite.log | head -n1; }
pass=$(count PASS) fail=$(count FAIL) err=$(count ERROR) xpass=$(count XPASS) skip=$(count SKIP)
# A skipped test proves nothing: CI counts it as failed.
failed=$((${fail:-0} + ${err:-0} + ${xpass:-0} + ${skip:-0}))
[ "${skip:-0}" -eq 0 ] || echo "ci: ${skip} tests skipped, counted as failed" >&2
if [ "$check_rc" -ne 0 ] && [ "$failed" -eq 0 ]; then
	echo "ci: make check failed (status $check_rc) without a failed test" >&2
	failed=1
fi
step "done"
finish "${pass:-0}" "$failed"
