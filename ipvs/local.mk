# ipvs module: sources go into libhdcore.a, unit tests into check_PROGRAMS/TESTS.
