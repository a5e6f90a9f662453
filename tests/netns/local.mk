TESTS += tests/netns/daemon-basic.sh tests/netns/lib-assert-test.sh
EXTRA_DIST += tests/netns/lib.sh tests/netns/lock.sh tests/netns/daemon-basic.sh tests/netns/lib-assert.sh \
	tests/netns/lib-assert-test.sh tests/netns/ctl-probe.py
