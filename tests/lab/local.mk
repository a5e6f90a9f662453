# The end-to-end lab (tests/lab/lab.sh in the VM), one VM boot per forwarding mode.
TESTS += tests/lab/test-lab-dr.sh tests/lab/test-lab-nat.sh tests/lab/test-lab-tun.sh
EXTRA_DIST += tests/lab/test-lab-dr.sh tests/lab/test-lab-nat.sh tests/lab/test-lab-tun.sh \
	tests/lab/lab.sh tests/lab/lab.py
