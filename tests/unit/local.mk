check_PROGRAMS += tests/unit/test_ctl_proto
tests_unit_test_ctl_proto_SOURCES = tests/unit/test_ctl_proto.c
tests_unit_test_ctl_proto_LDADD = libhdcore.a $(HD_LIBS)
TESTS += tests/unit/test_ctl_proto
EXTRA_DIST += tests/unit/unit.h
