# vrrp module: pure code (codec, state machine) in libhdcore.a for the unit
# tests; I/O (sockets, netlink, timers, scripts) only in the daemon.
libhdcore_a_SOURCES += vrrp/vrrp_pkt.c vrrp/vrrp_pkt.h vrrp/vrrp_fsm.c vrrp/vrrp_fsm.h \
	vrrp/vrrp_sync.c vrrp/vrrp_sync.h vrrp/vrrp_vip.c vrrp/vrrp_vip.h \
	vrrp/vrrp_proc.c vrrp/vrrp_proc.h
# vrrp_track_process's command line match and weight/reverse (pure)
libhdcore_a_SOURCES += vrrp/vrrp_proc_cmd.c vrrp/vrrp_proc_cmd.h
# auth type ah: VRRPv2 in an IP Authentication Header, as keepalived sends it
libhdcore_a_SOURCES += vrrp/vrrp_ah.c vrrp/vrrp_ah.h
check_PROGRAMS += tests/unit/test_vrrp_ah
tests_unit_test_vrrp_ah_SOURCES = tests/unit/test_vrrp_ah.c
tests_unit_test_vrrp_ah_LDADD = libhdcore.a $(HD_LIBS)
TESTS += tests/unit/test_vrrp_ah
hadirector_SOURCES += vrrp/vrrp_daemon.c vrrp/vrrp_int.h vrrp/vrrp_io.c vrrp/vrrp_addr.c \
	vrrp/vrrp_track.c vrrp/vrrp_group.c
# use_vmac and vrrp_track_process (decisions in vrrp_proc.c)
hadirector_SOURCES += vrrp/vrrp_vmac.c vrrp/vrrp_procmon.c

check_PROGRAMS += tests/unit/test_vrrp_pkt tests/unit/test_vrrp_fsm tests/unit/test_vrrp_sync
tests_unit_test_vrrp_pkt_SOURCES = tests/unit/test_vrrp_pkt.c
tests_unit_test_vrrp_pkt_LDADD = libhdcore.a $(HD_LIBS)
tests_unit_test_vrrp_fsm_SOURCES = tests/unit/test_vrrp_fsm.c
tests_unit_test_vrrp_fsm_LDADD = libhdcore.a $(HD_LIBS)
tests_unit_test_vrrp_sync_SOURCES = tests/unit/test_vrrp_sync.c
tests_unit_test_vrrp_sync_LDADD = libhdcore.a $(HD_LIBS)
TESTS += tests/unit/test_vrrp_pkt tests/unit/test_vrrp_fsm tests/unit/test_vrrp_sync
check_PROGRAMS += tests/unit/test_vrrp_vip
tests_unit_test_vrrp_vip_SOURCES = tests/unit/test_vrrp_vip.c
tests_unit_test_vrrp_vip_LDADD = libhdcore.a $(HD_LIBS)
TESTS += tests/unit/test_vrrp_vip
# its read-only view (vrrp_view.h): filled by the module, rendered (pure) for
# status, dump, metrics and SNMP
hadirector_SOURCES += vrrp/vrrp_metrics.c vrrp/vrrp_view.c vrrp/vrrp_view.h
libhdcore_a_SOURCES += vrrp/vrrp_view_render.c
# routes, rules, static addresses: the decision (pure) and the kernel writes
libhdcore_a_SOURCES += vrrp/vrrp_route.c vrrp/vrrp_route.h
hadirector_SOURCES += vrrp/vrrp_route_nl.c
check_PROGRAMS += tests/unit/test_vrrp_route
tests_unit_test_vrrp_route_SOURCES = tests/unit/test_vrrp_route.c
tests_unit_test_vrrp_route_LDADD = libhdcore.a $(HD_LIBS)
TESTS += tests/unit/test_vrrp_route
hadirector_SOURCES += vrrp/vrrp_ready.c
check_PROGRAMS += tests/unit/test_vrrp_proc
tests_unit_test_vrrp_proc_SOURCES = tests/unit/test_vrrp_proc.c
tests_unit_test_vrrp_proc_LDADD = libhdcore.a $(HD_LIBS)
TESTS += tests/unit/test_vrrp_proc
check_PROGRAMS += tests/unit/test_vrrp_proc_cmd
tests_unit_test_vrrp_proc_cmd_SOURCES = tests/unit/test_vrrp_proc_cmd.c
tests_unit_test_vrrp_proc_cmd_LDADD = libhdcore.a $(HD_LIBS)
TESTS += tests/unit/test_vrrp_proc_cmd
# reload: which instance continues which, and what a kept one does with its
# addresses (pure, tested by a table)
libhdcore_a_SOURCES += vrrp/vrrp_reload_match.c vrrp/vrrp_reload_match.h
check_PROGRAMS += tests/unit/test_vrrp_reload
tests_unit_test_vrrp_reload_SOURCES = tests/unit/test_vrrp_reload.c
tests_unit_test_vrrp_reload_LDADD = libhdcore.a $(HD_LIBS)
TESTS += tests/unit/test_vrrp_reload
# the module's public header (in the tarball: daemon/modules.h includes it)
hadirector_SOURCES += vrrp/vrrp.h
