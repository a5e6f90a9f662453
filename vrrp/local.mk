# vrrp module: sources go into libhdcore.a, unit tests into check_PROGRAMS/TESTS.
hadirector_SOURCES += vrrp/vrrp_daemon.c
