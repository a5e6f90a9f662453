TESTS += tests/netns/daemon-basic.sh
EXTRA_DIST += tests/netns/lib.sh tests/netns/lock.sh tests/netns/daemon-basic.sh
