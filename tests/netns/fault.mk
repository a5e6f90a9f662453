# Fault tests on the host kernel (issue 8): VRRP under kills, flaps,
# partitions, stale addresses, netlink overruns, reload storms, floods,
# valgrind, and the control socket / script security rules.
FAULT_NETNS_TESTS = tests/netns/fault-stale-vip.sh tests/netns/fault-restart.sh \
	tests/netns/fault-flap.sh tests/netns/fault-netlink.sh tests/netns/fault-flood.sh \
	tests/netns/fault-reload.sh tests/netns/fault-valgrind.sh tests/netns/fault-security.sh \
	tests/netns/fault-stall.sh tests/netns/fault-snmp-agent.sh tests/netns/fault-alloc.sh
TESTS += $(FAULT_NETNS_TESTS)
# Allocation failures (issue 19), every N: in a build configured with
# CPPFLAGS=-DHD_FAULT_INJECT (ASan flags welcome). Relinks the daemon with
# the wrappers if needed; fails (not skips) in a build without injection.
check-alloc-faults:
	HD_FAULT_STRIDE=1 HD_FAULT_REQUIRED=1 $(MAKE) $(AM_MAKEFLAGS) check \
		TESTS=tests/netns/fault-alloc.sh HD_FAULT_LDFLAGS='$(HD_FAULT_WRAP)'
.PHONY: check-alloc-faults
EXTRA_DIST += $(FAULT_NETNS_TESTS)
