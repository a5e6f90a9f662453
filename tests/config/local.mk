# Config parser: unit test (good files, address parser, bad-file table) and
# the real binary run on every good and bad file.
check_PROGRAMS += tests/unit/test_config
tests_unit_test_config_SOURCES = tests/unit/test_config.c
tests_unit_test_config_LDADD = libhdcore.a $(HD_LIBS)
TESTS += tests/unit/test_config tests/config/run-bad.sh tests/config/run-good.sh
# The directories are copied whole: every *.conf in them is a test case.
EXTRA_DIST += tests/config/run-bad.sh tests/config/run-good.sh \
	tests/config/good tests/config/bad
