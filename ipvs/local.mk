# ipvs module: sources go into libhdcore.a, unit tests into check_PROGRAMS/TESTS.
hadirector_SOURCES += ipvs/ipvs_daemon.c
