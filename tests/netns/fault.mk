# Fault tests on the host kernel (issue 8): VRRP under kills, flaps,
# partitions, stale addresses, netlink overruns, reload storms, floods,
# valgrind, and the control socket / script security rules.
FAULT_NETNS_TESTS = tests/netns/fault-stale-vip.sh tests/netns/fault-restart.sh \
	tests/netns/fault-flap.sh tests/netns/fault-netlink.sh tests/netns/fault-flood.sh \
	tests/netns/fault-reload.sh tests/netns/fault-valgrind.sh tests/netns/fault-security.sh \
	tests/netns/fault-stall.sh tests/netns/fault-snmp-agent.sh
TESTS += $(FAULT_NETNS_TESTS)
# Only a build with injection can run it (tests/ci.sh's sanitizer build is one).
if FAULT_INJECT
TESTS += tests/netns/fault-alloc.sh
endif
EXTRA_DIST += tests/netns/fault-alloc.sh
# Allocation failures (issue 19), every N: in a build configured with
# --enable-fault-injection (ASan flags welcome); fails in a build without it.
check-alloc-faults:
	HD_FAULT_STRIDE=1 $(MAKE) $(AM_MAKEFLAGS) check TESTS=tests/netns/fault-alloc.sh
.PHONY: check-alloc-faults
EXTRA_DIST += $(FAULT_NETNS_TESTS)
