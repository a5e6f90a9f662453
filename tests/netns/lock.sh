# The test lock (sourced first by lib.sh and lib-vrrp.sh). Timing-sensitive
# namespace tests may run beside each other but never beside a VM test
# (qemu under emulation saturates both cores): they hold a shared lock,
# tests/vm/run an exclusive one. A load test (HD_TEST_ALONE=1 before
# sourcing) takes the exclusive one too: beside another test on two cores,
# what its timing measures is the other test. flock -o keeps the lock out
# of the daemons a test starts.
if [ -z "${HD_TEST_LOCKED:-}" ]; then
	export HD_TEST_LOCKED=1
	exec flock "$([ "${HD_TEST_ALONE:-0}" = 1 ] && echo -x || echo -s)" -o \
		"${HD_TEST_LOCK:-/tmp/hadirector-tests.lock}" "${BASH:-bash}" "$0" "$@"
fi
