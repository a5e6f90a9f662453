#!/bin/bash
# The test command (fresh Debian 12 machine, as root, from a fresh clone):
# install dependencies, build, run the whole test suite (unit, namespace and VM tests) and end
# with the line "N passed, N failed" (from the automake test-suite log). Exit non-zero on any
# failure, a build failure included ("0 passed, 1 failed"). A test that fails fails CI; only the
# timing checks named in tests/timing-tests.list get one rerun (a test that passes it is FLAKY).
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

count() {
	local n
	n=$(sed -n "s/^# $1: *\([0-9][0-9]*\)\$/\1/p" test-suite.log | head -n1)
	echo "${n:-0}"
}

# tests/timing-tests.list: TEST "ERE" REASON per line. timing_pats TEST
# prints TEST's patterns as one ERE (nothing when it is not listed).
timing_list="$src/tests/timing-tests.list"
timing_pats() {
	local line pats=""
	while IFS= read -r line; do
		[[ $line =~ ^([^[:space:]#]+)[[:space:]]+\"([^\"]+)\"[[:space:]]+[^[:space:]] ]] || continue
		[ "${BASH_REMATCH[1]}" = "$1" ] && pats="$pats${pats:+|}(${BASH_REMATCH[2]})"
	done <"$timing_list"
	echo "$pats"
}
# rerun_allowed TEST LOG: TEST is listed and LOG has "FAIL - " lines, all
# of them listed checks of TEST. A test that ended without a FAIL line
# (crash, hang, exit 99) gets no rerun.
rerun_allowed() {
	local pats fails rc
	pats=$(timing_pats "$1")
	[ -n "$pats" ] || return 1
	fails=$(sed -n 's/^FAIL - //p' "$2" 2>/dev/null)
	[ -n "$fails" ] || return 1
	printf '%s\n' "$fails" | grep -qvE "^($pats)"
	rc=$?
	[ "$rc" -eq 1 ] # 0: a line no pattern matches; 2: a bad pattern
}
# timing_list_ok TESTS...: every line of the list is a comment, empty or
# TEST "ERE" REASON for one of TESTS (a stale entry fails CI).
timing_list_ok() {
	local line bad=0 all=" $* "
	while IFS= read -r line; do
		[[ $line =~ ^[[:space:]]*(#|$) ]] && continue
		if ! [[ $line =~ ^([^[:space:]#]+)[[:space:]]+\"([^\"]+)\"[[:space:]]+[^[:space:]] ]]; then
			echo "ci: $timing_list: not TEST \"ERE\" REASON: $line" >&2
			bad=1
		elif [[ $all != *" ${BASH_REMATCH[1]} "* ]]; then
			echo "ci: $timing_list: no such test: ${BASH_REMATCH[1]}" >&2
			bad=1
		else
			grep -qE "^(${BASH_REMATCH[2]})" </dev/null
			[ $? -eq 2 ] && { echo "ci: $timing_list: bad pattern: ${BASH_REMATCH[2]}" >&2; bad=1; }
		fi
	done <"$timing_list"
	return "$bad"
}
total_pass=0 total_failed=0

# run_suite NAME BUILDDIR [CONFIGURE ARGS...]: configure, build and check in
# BUILDDIR, adding its results to the totals. A build failure counts as one
# failed test so the summary line always appears.
run_suite() {
	local name=$1 build=$2 check_rc pass fail skip failed
	shift 2
	mkdir -p "$build" && cd "$build" || { total_failed=$((total_failed + 1)); return; }
	step "$name: configure in $build"
	if ! "$src/configure" "$@" >configure.out 2>&1; then
		cat configure.out
		echo "ci: $name: configure failed" >&2
		total_failed=$((total_failed + 1))
		return
	fi
	step "$name: make -j$jobs"
	if ! make -j"$jobs"; then
		echo "ci: $name: the build failed" >&2
		total_failed=$((total_failed + 1))
		return
	fi
	step "$name: make -j$jobs check"
	rm -f test-suite.log
	local tests all_tests
	all_tests=$(make -s print-tests)
	tests=$(echo "$all_tests" | tr -s ' ' '\n' | grep -v -E "${HD_CI_TESTS_FILTER:-^$}" | tr '\n' ' ')
	if ! timing_list_ok $all_tests; then
		echo "ci: $name: tests/timing-tests.list is wrong (counted as a failed test)" >&2
		total_failed=$((total_failed + 1))
	fi
	make -j"$jobs" check VERBOSE=1 TESTS="$tests"
	check_rc=$?
	if [ ! -f test-suite.log ]; then
		echo "ci: $name: make check failed before producing test-suite.log" >&2
		total_failed=$((total_failed + 1))
		return
	fi
	# A failed test fails CI, except a timing check listed in
	# tests/timing-tests.list: a test whose first run failed only such
	# checks gets one more run (automake's recheck) and is named FLAKY when
	# it passes it. Failed tests are read from their .trs files.
	local t failed_first="" rerun="" pass_first fail_first skip_first
	for t in $tests; do
		grep -q '^:global-test-result: \(FAIL\|ERROR\|XPASS\)' "$t.trs" 2>/dev/null && failed_first="$failed_first $t"
	done
	pass_first=$(count PASS) skip_first=$(count SKIP)
	fail_first=$(( $(count FAIL) + $(count ERROR) + $(count XPASS) ))
	for t in $failed_first; do
		cp -f "$t.log" "$t.log.first" 2>/dev/null # a rerun overwrites the log
		if rerun_allowed "$t" "$t.log"; then
			rerun="$rerun $t"
		else
			echo "ci: $name: FAILED (no rerun: a failure other than a listed timing check): $t"
			grep -E '^FAIL - ' "$t.log" 2>/dev/null | head -5 | sed 's/^/ci:   /'
		fi
	done
	if [ -n "$rerun" ]; then
		step "$name: make recheck of listed timing checks:$rerun"
		make -j"$jobs" recheck VERBOSE=1 TESTS="$rerun"
		check_rc=$?
		for t in $rerun; do
			if ! grep -q '^:global-test-result: PASS' "$t.trs" 2>/dev/null; then
				echo "ci: $name: FAILED twice: $t"
				continue
			fi
			echo "ci: $name: FLAKY (listed timing checks, passed on the second run): $t; its first run's failures:"
			grep -E '^FAIL - ' "$t.log.first" 2>/dev/null | head -5 | sed 's/^/ci:   /'
		done
		# test-suite.log now covers the rerun tests only
		local nrerun
		nrerun=$(echo $rerun | wc -w)
		pass=$((pass_first + $(count PASS)))
		fail=$((fail_first - nrerun + $(count FAIL) + $(count ERROR) + $(count XPASS)))
		skip=$((skip_first + $(count SKIP)))
	else
		pass=$pass_first fail=$fail_first skip=$skip_first
	fi
	# A skipped test proves nothing: CI counts it as failed.
	failed=$((fail + skip))
	[ "$skip" -eq 0 ] || echo "ci: $name: ${skip} tests skipped, counted as failed" >&2
	if [ "$check_rc" -ne 0 ] && [ "$failed" -eq 0 ]; then
		echo "ci: $name: make check failed (status $check_rc) without a failed test" >&2
		failed=1
	fi
	echo "ci: $name: $pass passed, $failed failed"
	total_pass=$((total_pass + pass))
	total_failed=$((total_failed + failed))
}

# Fuzz targets (built with clang's own ASan) run 10 s each in the plain
# suite (12 targets: their time holds back the VM tests, which take the
# test lock exclusively; at 30 s they held it 7.8 minutes of a 53-minute
# run; longer runs: tests/fuzz/run.sh). The sanitizer suite leaves them out:
# they are ASan builds already, the same binaries.
HD_FUZZ_SECONDS=${HD_FUZZ_SECONDS:-10} run_suite "plain build" "${HD_CI_BUILDDIR:-$src/build-ci}"

# The suite once more with AddressSanitizer + UndefinedBehaviorSanitizer,
# built with allocation-failure injection (which adds tests/netns/fault-alloc.sh).
# Reports go to files (daemons run in the background with their stderr
# elsewhere); every report is one more failure. The VM tests take part:
# tests/vm/run moves log_path into the VM's result share and copies the
# reports back here. Left out: the lab (tests/lab: the same code paths as
# tests/vm, but its failover-gap verdicts measure speed, which a sanitizer
# build under emulation does not have) and the systemd VM tests (the
# daemon runs as a hardened unit: its syscall filter forbids the ptrace
# LeakSanitizer needs, and systemd does not pass ASAN_OPTIONS), and the
# keepalived equivalence slice (tests/vm/ka-equiv.sh: 4 minutes of a VM, 4 files at once,
# comparing what keepalived and the conversion do; the converter and the
# daemon paths it drives are in the sanitizer suite through their own tests).
# Of the other VM tests it runs the slice whose daemon code no other
# sanitizer test reaches, so that CI stays under an hour (the whole suite
# twice took 73 minutes): ipvs-table (reconcile, hand edits, zero-churn
# reload), hc-ipvs (verdicts to the table, sorry server), reload-adverts (a
# reload rewriting 8,000 destinations in slices, with status mid-pass),
# fault-ipvs-flood (hostile netlink input). Left to the plain suite, as
# their daemon paths are those above with other arguments: test-boot-ipvs,
# ipvs-traffic, ipvs-group, ipvs-reread, test-reload-plan, ops-drain-wait,
# ops-add-rs, mh-order, ecmp-sync (the sync daemon's two commands),
# fault-ipvs (flush and hand edits repaired by ipvs-table's reconcile,
# SIGHUP storms and restarts by the namespace fault tests here). All of
# them under the sanitizers: HD_CI_ASAN_VM=all.
if [ "${HD_CI_ASAN:-1}" = 1 ]; then
	san_dir=$(mktemp -d /tmp/hd-san.XXXXXX)
	chmod 1777 "$san_dir"
	# quarantine_size_mb: ASan keeps freed memory out of reuse to catch late
	# uses; at its default of 256 MiB a daemon that churns (reload-adverts:
	# thousands of IPVS writes and reloads) fills it, and each recycle of the
	# full quarantine took one loop iteration 46 ms (measured in the VM),
	# beside a timing check with a 50 ms margin. 64 MiB still keeps minutes
	# of a test's frees, recycled in smaller steps.
	export ASAN_OPTIONS="log_path=$san_dir/asan:detect_leaks=1:abort_on_error=0:quarantine_size_mb=64"
	export UBSAN_OPTIONS="log_path=$san_dir/ubsan:print_stacktrace=1:halt_on_error=1"
	san_flags="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined"
	san_skip='^tests/(fuzz/|lab/|vm/test-systemd-|vm/ka-equiv'
	[ "${HD_CI_ASAN_VM:-slice}" = all ] ||
		san_skip="$san_skip|vm/(test-boot-ipvs|ipvs-traffic|ipvs-group|ipvs-reread|test-reload-plan|ops-drain-wait|ops-add-rs|mh-order|ecmp-sync|fault-ipvs\.sh)"
	HD_CI_TESTS_FILTER="$san_skip)" run_suite "asan+ubsan build" "${HD_CI_ASAN_BUILDDIR:-$src/build-asan}" \
		CFLAGS="$san_flags" LDFLAGS="-fsanitize=address,undefined" --enable-fault-injection
	unset ASAN_OPTIONS UBSAN_OPTIONS
	reports=$(find "$san_dir" -type f | wc -l)
	if [ "$reports" -gt 0 ]; then
		echo "ci: $reports sanitizer reports:" >&2
		for f in "$san_dir"/*; do echo "--- $f" >&2; head -n 60 "$f" >&2; done
		total_failed=$((total_failed + reports))
	fi
	rm -rf "$san_dir"
fi
step "done"
finish "$total_pass" "$total_failed"
