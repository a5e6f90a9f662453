# Fault tests on the host kernel (issue 8): VRRP under kills, flaps,
# partitions, stale addresses, netlink overruns, reload storms, floods,
# valgrind, and the control socket / script security rules.
FAULT_NETNS_TESTS = tests/netns/fault-stale-vip.sh tests/netns/fault-restart.sh \
	tests/netns/fault-flap.sh tests/netns/fault-netlink.sh tests/netns/fault-flood.sh \
	tests/netns/fault-reload.sh tests/netns/fault-valgrind.sh tests/netns/fault-security.sh \
	tests/netns/fault-stall.sh tests/netns/fault-snmp-agent.sh
TESTS += $(FAULT_NETNS_TESTS)
EXTRA_DIST += $(FAULT_NETNS_TESTS)
