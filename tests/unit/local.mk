check_PROGRAMS += tests/unit/test_ctl_proto
tests_unit_test_ctl_proto_SOURCES = tests/unit/test_ctl_proto.c
tests_unit_test_ctl_proto_LDADD = libhdcore.a $(HD_LIBS)
TESTS += tests/unit/test_ctl_proto
# the control socket's client side (ctl_client.c), on socketpairs
check_PROGRAMS += tests/unit/test_ctl_client
tests_unit_test_ctl_client_SOURCES = tests/unit/test_ctl_client.c
tests_unit_test_ctl_client_LDADD = libhdcore.a $(HD_LIBS)
TESTS += tests/unit/test_ctl_client
check_PROGRAMS += tests/unit/test_metrics_req
tests_unit_test_metrics_req_SOURCES = tests/unit/test_metrics_req.c
tests_unit_test_metrics_req_LDADD = libhdcore.a $(HD_LIBS)
TESTS += tests/unit/test_metrics_req
EXTRA_DIST += tests/unit/unit.h
# The daemon <-> hadirector-snmp frames (net-snmp's headers, not its library).
check_PROGRAMS += tests/unit/test_snmp_wire
tests_unit_test_snmp_wire_SOURCES = tests/unit/test_snmp_wire.c daemon/snmp_wire.c daemon/snmp_tables.c
tests_unit_test_snmp_wire_CFLAGS = $(AM_CFLAGS) $(SNMP_CFLAGS)
tests_unit_test_snmp_wire_LDADD = libhdcore.a $(HD_LIBS)
TESTS += tests/unit/test_snmp_wire
# Every field of the modules' views reaches status, metrics and SNMP (issue 19).
check_PROGRAMS += tests/unit/test_views
tests_unit_test_views_SOURCES = tests/unit/test_views.c tests/unit/views.h \
	tests/unit/test_views_ipvs.c daemon/snmp_vrrp.c daemon/snmp_hd.c daemon/snmp_tables.c
tests_unit_test_views_CFLAGS = $(AM_CFLAGS) $(SNMP_CFLAGS)
tests_unit_test_views_LDADD = libhdcore.a $(HD_LIBS)
TESTS += tests/unit/test_views
# HADIRECTOR-MIB declares what snmp_hd.c serves, and its enums are the daemon's.
check_PROGRAMS += tests/unit/test_hd_mib
tests_unit_test_hd_mib_SOURCES = tests/unit/test_hd_mib.c daemon/snmp_hd.c daemon/snmp_tables.c
tests_unit_test_hd_mib_CFLAGS = $(AM_CFLAGS) $(SNMP_CFLAGS)
tests_unit_test_hd_mib_LDADD = libhdcore.a $(HD_LIBS)
TESTS += tests/unit/test_hd_mib
# The kernel's epoll/close/fork behaviour healthcheck/hc_tcp.c relies on.
check_PROGRAMS += tests/unit/test_epoll_close
tests_unit_test_epoll_close_SOURCES = tests/unit/test_epoll_close.c
TESTS += tests/unit/test_epoll_close
TESTS += tests/unit/test_forks.sh
EXTRA_DIST += tests/unit/test_forks.sh
# daemon/base/spawn.c: the scripts' user rule, the environment filter, and real
# children started with leaked descriptors, groups and variables around.
check_PROGRAMS += tests/unit/test_spawn
tests_unit_test_spawn_SOURCES = tests/unit/test_spawn.c daemon/base/spawn.c
tests_unit_test_spawn_LDADD = libhdcore.a $(HD_LIBS)
TESTS += tests/unit/test_spawn
# daemon/base/script_path.c: the script safety rules on a table of fake inodes.
check_PROGRAMS += tests/unit/test_script_path
tests_unit_test_script_path_SOURCES = tests/unit/test_script_path.c
tests_unit_test_script_path_LDADD = libhdcore.a $(HD_LIBS)
TESTS += tests/unit/test_script_path
# daemon/kaconv: the keepalived.conf reader and the conversion rules.
check_PROGRAMS += tests/unit/test_ka_reader tests/unit/test_ka_convert
tests_unit_test_ka_reader_SOURCES = tests/unit/test_ka_reader.c
tests_unit_test_ka_reader_LDADD = libhdcore.a $(HD_LIBS)
tests_unit_test_ka_convert_SOURCES = tests/unit/test_ka_convert.c tests/unit/ka_case.c \
	tests/unit/ka_case.h
tests_unit_test_ka_convert_LDADD = libhdcore.a $(HD_LIBS)
TESTS += tests/unit/test_ka_reader tests/unit/test_ka_convert
check_PROGRAMS += tests/unit/test_ka_convert2
tests_unit_test_ka_convert2_SOURCES = tests/unit/test_ka_convert2.c tests/unit/ka_case.c \
	tests/unit/ka_case.h
tests_unit_test_ka_convert2_LDADD = libhdcore.a $(HD_LIBS)
TESTS += tests/unit/test_ka_convert2
# The libconfuse behaviour daemon/config.c's workarounds rely on, asserted
# on the installed library (an upgrade that changes one fails here by name).
check_PROGRAMS += tests/unit/test_confuse_contract
tests_unit_test_confuse_contract_SOURCES = tests/unit/test_confuse_contract.c
tests_unit_test_confuse_contract_LDADD = $(CONFUSE_LIBS)
TESTS += tests/unit/test_confuse_contract
# reload --plan's decisions and renderings (daemon/reload_plan_diff.h)
check_PROGRAMS += tests/unit/test_reload_plan
tests_unit_test_reload_plan_SOURCES = tests/unit/test_reload_plan.c
tests_unit_test_reload_plan_LDADD = libhdcore.a $(HD_LIBS)
TESTS += tests/unit/test_reload_plan
# daemon/base/nl_errno.c: every libnl code's errno, and the kernel's errno
# through libnl's own translation (nl_syserr2nlerr) and back.
check_PROGRAMS += tests/unit/test_nl_errno
tests_unit_test_nl_errno_SOURCES = tests/unit/test_nl_errno.c
tests_unit_test_nl_errno_LDADD = libhdcore.a $(HD_LIBS)
TESTS += tests/unit/test_nl_errno
