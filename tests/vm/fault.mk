# VM tests of issue 8 (real IPVS, systemd as PID 1): IPVS flush, clock
# step, SIGHUP storm with traffic, SIGKILL/restart with a table; the
# hardened unit; a flood on the IPVS netlink port.
TESTS += tests/vm/fault-ipvs.sh tests/vm/fault-ipvs-flood.sh tests/vm/test-systemd-hardened.sh
EXTRA_DIST += tests/vm/fault-ipvs.sh tests/vm/scenarios/fault-ipvs.sh \
	tests/vm/fault-ipvs-flood.sh tests/vm/scenarios/fault-ipvs-flood.sh \
	tests/vm/test-systemd-hardened.sh tests/vm/scenarios/systemd-hardened.sh
