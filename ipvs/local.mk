# ipvs module: pure code and the netlink codec into libhdcore.a (unit-tested),
# the module glue into the daemon.
libhdcore_a_SOURCES += ipvs/ipvs_types.h ipvs/ipvs_model.c ipvs/ipvs_diff.c ipvs/ipvs_order.c \
	ipvs/ipvs_json.c ipvs/ipvs_json.h ipvs/ipvs_genl.c ipvs/ipvs_genl.h \
	ipvs/ipvs_reply.c ipvs/ipvs_reply.h ipvs/ipvs_retry.c ipvs/ipvs_retry.h \
	ipvs/ipvs_sync_rule.c ipvs/ipvs_sync_rule.h
hadirector_SOURCES += ipvs/ipvs.h ipvs/ipvs_daemon.c ipvs/ipvs_sysctl.c ipvs/ipvs_sysctl.h \
	ipvs/ipvs_bgdump.c ipvs/ipvs_bgdump.h
hadirector_SOURCES += ipvs/ipvs_ctx.h ipvs/ipvs_pass.c ipvs/ipvs_status.c

check_PROGRAMS += tests/unit/test_ipvs_diff tests/unit/test_ipvs_model \
	tests/unit/test_ipvs_genl_parse tests/unit/test_ipvs_reply
TESTS += tests/unit/test_ipvs_diff tests/unit/test_ipvs_model tests/unit/test_ipvs_genl_parse \
	tests/unit/test_ipvs_reply
tests_unit_test_ipvs_diff_SOURCES = tests/unit/test_ipvs_diff.c
tests_unit_test_ipvs_diff_LDADD = libhdcore.a $(HD_LIBS)
tests_unit_test_ipvs_model_SOURCES = tests/unit/test_ipvs_model.c
tests_unit_test_ipvs_model_LDADD = libhdcore.a $(HD_LIBS)
tests_unit_test_ipvs_genl_parse_SOURCES = tests/unit/test_ipvs_genl_parse.c
tests_unit_test_ipvs_genl_parse_LDADD = libhdcore.a $(HD_LIBS)
tests_unit_test_ipvs_reply_SOURCES = tests/unit/test_ipvs_reply.c
tests_unit_test_ipvs_reply_LDADD = libhdcore.a $(HD_LIBS)
check_PROGRAMS += tests/unit/test_ipvs_retry
TESTS += tests/unit/test_ipvs_retry
tests_unit_test_ipvs_retry_SOURCES = tests/unit/test_ipvs_retry.c
tests_unit_test_ipvs_retry_LDADD = libhdcore.a $(HD_LIBS)
# mh, sh and dh: the kernel's destination order (ipvs_order.c)
check_PROGRAMS += tests/unit/test_ipvs_order
TESTS += tests/unit/test_ipvs_order
tests_unit_test_ipvs_order_SOURCES = tests/unit/test_ipvs_order.c
tests_unit_test_ipvs_order_LDADD = libhdcore.a $(HD_LIBS)
# virtual_server group:NAME from the config file to the desired table
check_PROGRAMS += tests/unit/test_ipvs_group
TESTS += tests/unit/test_ipvs_group
tests_unit_test_ipvs_group_SOURCES = tests/unit/test_ipvs_group.c
tests_unit_test_ipvs_group_LDADD = libhdcore.a $(HD_LIBS)
# the view's renderings, pure (tests/unit/test_views.c)
libhdcore_a_SOURCES += ipvs/ipvs_view.h ipvs/ipvs_view_render.c ipvs/ipvs_metrics.c
EXTRA_DIST += ipvs/README.md
# lvs_sync_daemon: which sync daemons run, and the steps to them (ipvs_sync_rule.c)
check_PROGRAMS += tests/unit/test_ipvs_sync_rule
TESTS += tests/unit/test_ipvs_sync_rule
tests_unit_test_ipvs_sync_rule_SOURCES = tests/unit/test_ipvs_sync_rule.c
tests_unit_test_ipvs_sync_rule_LDADD = libhdcore.a $(HD_LIBS)
# the desired table's build and the diff in steps of a bounded size (ipvs_steps.h)
libhdcore_a_SOURCES += ipvs/ipvs_steps.h
check_PROGRAMS += tests/unit/test_ipvs_steps
TESTS += tests/unit/test_ipvs_steps
tests_unit_test_ipvs_steps_SOURCES = tests/unit/test_ipvs_steps.c
tests_unit_test_ipvs_steps_LDADD = libhdcore.a $(HD_LIBS)
