# VM tests of issue 8 (real IPVS, systemd as PID 1): the hardened unit.
TESTS += tests/vm/test-systemd-hardened.sh
EXTRA_DIST += tests/vm/test-systemd-hardened.sh tests/vm/scenarios/systemd-hardened.sh
