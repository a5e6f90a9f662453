# Fuzz targets (libFuzzer, clang, ASan + UBSan), built outside automake by
# tests/fuzz/build.sh; fuzz-smoke.sh runs each for HD_FUZZ_SECONDS (20).
# New target: tests/fuzz/fuzz_NAME.c, a line in build.sh, seeds in
# tests/fuzz/corpus/fuzz_NAME/, and its .c in EXTRA_DIST below
# (see tests/fuzz/README.md).
TESTS += tests/fuzz/fuzz-smoke.sh
EXTRA_DIST += tests/fuzz/README.md tests/fuzz/build.sh tests/fuzz/run.sh \
	tests/fuzz/fuzz-smoke.sh tests/fuzz/corpus tests/fuzz/fuzz_config.c tests/fuzz/fuzz_ctl.c \
	tests/fuzz/fuzz_metrics_req.c \
	tests/fuzz/fuzz_vrrp_pkt.c tests/fuzz/fuzz_http_resp.c tests/fuzz/fuzz_ipvs_genl.c \
	tests/fuzz/fuzz_dns_pkt.c tests/fuzz/fuzz_smtp_reply.c tests/fuzz/fuzz_snmp_wire.c \
	tests/fuzz/fuzz_ka_reader.c tests/fuzz/fuzz_agent_line.c tests/fuzz/fuzz_fwd_reply.c
