# Benchmarks: not built by `make` nor run by `make check` (see tests/bench/README.md).
# `make tests/bench/reload-bench` builds the native reload timing program.
EXTRA_PROGRAMS = tests/bench/reload-bench
tests_bench_reload_bench_SOURCES = tests/bench/reload-bench.c
tests_bench_reload_bench_LDADD = libhdcore.a $(HD_LIBS)
CLEANFILES += tests/bench/reload-bench
EXTRA_DIST += tests/bench/README.md tests/bench/checks.sh tests/bench/checks-native.sh \
	tests/bench/failover.sh
