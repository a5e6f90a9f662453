#!/bin/sh
# make check: build every fuzz target with clang (ASan + UBSan) and run
# each for HD_FUZZ_SECONDS (default 20) on its seed corpus; fails on any
# crash, leak, timeout or build failure. tests/ci.sh sets 10.
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
secs=${HD_FUZZ_SECONDS:-20}
# Every target runs here (build.sh fails when a tests/fuzz/fuzz_*.c has no
# line): a selection left in the environment must not narrow CI.
unset HD_FUZZ_TARGETS
# The fuzzers keep a core busy: never beside a VM test (which takes this
# lock exclusively, see tests/vm/run), fine beside namespace tests. Past
# the gate first, as tests/netns/lock.sh says why.
flock -x "${HD_TEST_LOCK:-/tmp/hadirector-tests.lock}.gate" true
exec flock -s -o "${HD_TEST_LOCK:-/tmp/hadirector-tests.lock}" \
	"$top_srcdir/tests/fuzz/run.sh" "$secs"
