# Test suite: unit tests (tests/unit), namespace tests (tests/netns), VM tests (tests/vm).
include $(srcdir)/tests/unit/local.mk
include $(srcdir)/tests/netns/local.mk
include $(srcdir)/tests/vm/local.mk
# The fuzz smoke test (about 4 minutes on one core, the shared test lock) just
# before the longest run of namespace tests, which `make -j2 check` runs
# beside it; before a VM test (exclusive lock) the other slot only waited.
include $(srcdir)/tests/fuzz/local.mk
include $(srcdir)/tests/config/local.mk
include $(srcdir)/tests/netns/vrrp.mk
include $(srcdir)/tests/netns/hc.mk
include $(srcdir)/tests/config/man.mk
include $(srcdir)/tests/vm/ipvs.mk
include $(srcdir)/tests/netns/ops.mk
include $(srcdir)/tests/lab/local.mk
include $(srcdir)/tests/netns/fault.mk
include $(srcdir)/tests/vm/fault.mk
include $(srcdir)/tests/bench/local.mk
include $(srcdir)/tests/style/local.mk
include $(srcdir)/tests/keepalived/local.mk
