# The test lock (sourced first by lib.sh and lib-vrrp.sh). Timing-sensitive
# namespace tests may run beside each other but never beside a VM test
# (qemu under emulation saturates both cores): they hold a shared lock,
# tests/vm/run an exclusive one. A load test (HD_TEST_ALONE=1 before
# sourcing) takes the exclusive one too: beside another test on two cores,
# what its timing measures is the other test. flock -o keeps the lock out
# of the daemons a test starts.
#
# The gate (LOCK.gate) gives an exclusive taker priority: it holds the gate
# while it waits and runs, and a shared taker passes the gate first. Without
# it, flock grants a new shared lock while an exclusive one waits, so shared
# tests coming one after the other kept a VM test out for minutes (CI at
# a670f19: ipvs-table waited 5 min, the other make slot running namespace
# tests one at a time meanwhile).
if [ -z "${HD_TEST_LOCKED:-}" ]; then
	export HD_TEST_LOCKED=1
	hd_lock=${HD_TEST_LOCK:-/tmp/hadirector-tests.lock}
	[ "${HD_TEST_ALONE:-0}" = 1 ] &&
		exec flock -x -o "$hd_lock.gate" flock -x -o "$hd_lock" "${BASH:-bash}" "$0" "$@"
	flock -x "$hd_lock.gate" true
	exec flock -s -o "$hd_lock" "${BASH:-bash}" "$0" "$@"
fi
