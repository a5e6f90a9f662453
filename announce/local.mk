# announce module (ECMP over FRR, issue 23): the decision is pure
# (announce_policy.c, tests/unit/test_announce_policy.c) and in libhdcore.a,
# as the config parser uses its scheduler check.
libhdcore_a_SOURCES += announce/announce_policy.c announce/announce_policy.h
check_PROGRAMS += tests/unit/test_announce_policy
tests_unit_test_announce_policy_SOURCES = tests/unit/test_announce_policy.c
tests_unit_test_announce_policy_LDADD = libhdcore.a $(HD_LIBS)
TESTS += tests/unit/test_announce_policy
# the module: TUN device, routes, link monitor (libnl-route), its view
hadirector_SOURCES += announce/announce.h announce/announce_int.h announce/announce_daemon.c \
	announce/announce_nl.c announce/announce_view.h announce/announce_view.c
libhdcore_a_SOURCES += announce/announce_view_render.c
# set_sysctls in announce mode: sloppy_tcp, sloppy_sctp (ipvs/ipvs_sysctl.c)
check_PROGRAMS += tests/unit/test_announce_sysctl
tests_unit_test_announce_sysctl_SOURCES = tests/unit/test_announce_sysctl.c ipvs/ipvs_sysctl.c
tests_unit_test_announce_sysctl_LDADD = libhdcore.a $(HD_LIBS)
TESTS += tests/unit/test_announce_sysctl
# against a real FRR (router and director namespaces): announced, withdrawn
# on quorum loss, drain-director, link down, stop, SIGKILL, hang + watchdog
TESTS += tests/netns/announce-frr.sh
EXTRA_DIST += tests/netns/announce-frr.sh tests/netns/announce-wd.py tests/netns/announce-lib.sh
# an IPv6 VIP (and an IPv4 one) from two directors, ECMP on an FRR router
TESTS += tests/netns/announce-frr6.sh
EXTRA_DIST += tests/netns/announce-frr6.sh
# BIRD 2 instead of FRR on the director (etc/bird-announce.conf)
TESTS += tests/netns/announce-bird.sh
EXTRA_DIST += tests/netns/announce-bird.sh etc/bird-announce.conf
# BIRD 2 as the ECMP router (BFD, merged paths): a director's link cut and a killed hadirector
# withdrawn, both taken back (about 20 s; the times are tests/bench/withdraw.sh's)
TESTS += tests/netns/announce-bird-router.sh
EXTRA_DIST += tests/netns/announce-bird-router.sh tests/lab/ecmp-bird.sh
# an IPv6 VIP the kernel refuses (IPv6 off, /proc/sys read-only): logged once
TESTS += tests/netns/announce-v6-off.sh
EXTRA_DIST += tests/netns/announce-v6-off.sh
