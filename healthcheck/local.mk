# healthcheck module: sources go into libhdcore.a, unit tests into check_PROGRAMS/TESTS.
hadirector_SOURCES += healthcheck/hc_daemon.c
