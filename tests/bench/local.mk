# Benchmarks: not built by `make` nor run by `make check` (see tests/bench/README.md).
# `make tests/bench/reload-bench` builds the native reload timing program.
# `make tests/bench/hc-floor` the bare checker checks.sh -F compares with.
# `make bench-reload-scale` runs reload-scale.sh (VM, hadirector vs keepalived, ~10 min).
EXTRA_PROGRAMS = tests/bench/reload-bench tests/bench/hc-floor
# ipvs-poll: the IPVS table observer of reload-scale.sh, also used by tests/vm/reload-one-write.sh
check_PROGRAMS += tests/bench/ipvs-poll
tests_bench_ipvs_poll_SOURCES = tests/bench/ipvs-poll.c
tests_bench_hc_floor_SOURCES = tests/bench/hc-floor.c
tests_bench_reload_bench_SOURCES = tests/bench/reload-bench.c
tests_bench_reload_bench_LDADD = libhdcore.a $(HD_LIBS)
CLEANFILES += tests/bench/reload-bench tests/bench/hc-floor
EXTRA_DIST += tests/bench/README.md tests/bench/checks.sh tests/bench/checks-native.sh tests/bench/hc-bench-srv.py \
	tests/bench/failover.sh tests/bench/reload-scale.sh tests/bench/reload-scale-gen.awk \
	tests/bench/fwd.sh tests/bench/lib.sh tests/bench/withdraw.sh tests/bench/withdraw.py
bench-reload-scale: hadirector hadirectorctl tests/bench/ipvs-poll
	$(top_srcdir)/tests/bench/reload-scale.sh $(BENCH_ARGS)
.PHONY: bench-reload-scale
# `make bench-withdraw`: a dead link's withdrawal on an FRR and a BIRD router, side by side
# (namespaces on the host, about 2 minutes at 16 cuts each; BENCH_ARGS="-n 16")
bench-withdraw: hadirector
	$(top_srcdir)/tests/bench/withdraw.sh $(BENCH_ARGS)
.PHONY: bench-withdraw
