TESTS += tests/netns/daemon-basic.sh tests/netns/lib-assert-test.sh
EXTRA_DIST += tests/netns/lib.sh tests/netns/lock.sh tests/netns/daemon-basic.sh tests/netns/lib-assert.sh \
	tests/netns/lib-assert-test.sh tests/netns/ctl-probe.py
# the helpers tests/netns/lib.sh, lib-vrrp.sh and tests/vm/lib.sh share
EXTRA_DIST += tests/lib/common.sh tests/lib/http-client.py tests/lib/hup-storm.py
# reload --plan (daemon/reload_plan*.c): the plan, and that making it changes nothing
TESTS += tests/netns/reload-plan.sh
EXTRA_DIST += tests/netns/reload-plan.sh
