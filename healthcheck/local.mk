# healthcheck module: pure code in libhdcore.a, probes and hooks in the daemon.
libhdcore_a_SOURCES += healthcheck/hc_policy.c healthcheck/hc_policy.h
# a failed check through the director's own link that is down (issue 23):
# the rule (pure) and its unit test; the links watched (hc_link.c)
libhdcore_a_SOURCES += healthcheck/hc_path.c healthcheck/hc_path.h
hadirector_SOURCES += healthcheck/hc_link.c
check_PROGRAMS += tests/unit/test_hc_path
tests_unit_test_hc_path_SOURCES = tests/unit/test_hc_path.c
tests_unit_test_hc_path_LDADD = libhdcore.a $(HD_LIBS)
TESTS += tests/unit/test_hc_path
hadirector_SOURCES += healthcheck/hc_daemon.c healthcheck/hc.h healthcheck/hc_int.h \
	healthcheck/hc_build.c healthcheck/hc_build.h \
	healthcheck/hc_sched.c healthcheck/hc_status.c healthcheck/hc_tcp.c healthcheck/hc_http.c healthcheck/hc_tls.c \
	healthcheck/hc_script.c healthcheck/hc_udp.c healthcheck/hc_smtp.c healthcheck/hc_dns.c
# the operator's drain and weight by index (daemon/overrides.c)
hadirector_SOURCES += healthcheck/hc_operator.c

check_PROGRAMS += tests/unit/test_hc_policy
tests_unit_test_hc_policy_SOURCES = tests/unit/test_hc_policy.c
tests_unit_test_hc_policy_LDADD = libhdcore.a $(HD_LIBS)
TESTS += tests/unit/test_hc_policy

libhdcore_a_SOURCES += healthcheck/hc_http_resp.c healthcheck/hc_http_resp.h \
	healthcheck/hc_http_parse.c healthcheck/hc_http_parse.h healthcheck/hc_http_req.c \
	healthcheck/hc_http_hdr.c healthcheck/hc_http_hdr.h
check_PROGRAMS += tests/unit/test_hc_http_resp tests/unit/test_hc_http_parse
tests_unit_test_hc_http_resp_SOURCES = tests/unit/test_hc_http_resp.c
tests_unit_test_hc_http_resp_LDADD = libhdcore.a $(HD_LIBS)
tests_unit_test_hc_http_parse_SOURCES = tests/unit/test_hc_http_parse.c
tests_unit_test_hc_http_parse_LDADD = libhdcore.a $(HD_LIBS)
TESTS += tests/unit/test_hc_http_resp tests/unit/test_hc_http_parse

libhdcore_a_SOURCES += healthcheck/hc_dns_pkt.c healthcheck/hc_dns_pkt.h \
	healthcheck/hc_smtp_reply.c healthcheck/hc_smtp_reply.h
check_PROGRAMS += tests/unit/test_hc_dns_pkt tests/unit/test_hc_smtp_reply
tests_unit_test_hc_dns_pkt_SOURCES = tests/unit/test_hc_dns_pkt.c
tests_unit_test_hc_dns_pkt_LDADD = libhdcore.a $(HD_LIBS)
tests_unit_test_hc_smtp_reply_SOURCES = tests/unit/test_hc_smtp_reply.c
tests_unit_test_hc_smtp_reply_LDADD = libhdcore.a $(HD_LIBS)
TESTS += tests/unit/test_hc_dns_pkt tests/unit/test_hc_smtp_reply
# its read-only view (hc_view.h): filled by the module, rendered (pure) for
# status, metrics and SNMP
hadirector_SOURCES += healthcheck/hc_metrics.c healthcheck/hc_metrics.h healthcheck/hc_view.c \
	healthcheck/hc_view.h
libhdcore_a_SOURCES += healthcheck/hc_view_render.c

libhdcore_a_SOURCES += healthcheck/hc_timerq.c healthcheck/hc_timerq.h
check_PROGRAMS += tests/unit/test_hc_timerq
tests_unit_test_hc_timerq_SOURCES = tests/unit/test_hc_timerq.c
tests_unit_test_hc_timerq_LDADD = libhdcore.a $(HD_LIBS)
TESTS += tests/unit/test_hc_timerq

# ping_check: the probe, and its packets (pure) with their unit test
libhdcore_a_SOURCES += healthcheck/hc_ping_pkt.c healthcheck/hc_ping_pkt.h
hadirector_SOURCES += healthcheck/hc_ping.c
check_PROGRAMS += tests/unit/test_hc_ping_pkt
tests_unit_test_hc_ping_pkt_SOURCES = tests/unit/test_hc_ping_pkt.c
tests_unit_test_hc_ping_pkt_LDADD = libhdcore.a $(HD_LIBS)
TESTS += tests/unit/test_hc_ping_pkt
hadirector_SOURCES += healthcheck/hc_ready.c
# reload: which probes and real-server states carry over (pure, tested by a table)
libhdcore_a_SOURCES += healthcheck/hc_match.c healthcheck/hc_match.h
libhdcore_a_SOURCES += healthcheck/hc_match_index.c healthcheck/hc_match_index.h
check_PROGRAMS += tests/unit/test_hc_match
tests_unit_test_hc_match_SOURCES = tests/unit/test_hc_match.c
tests_unit_test_hc_match_LDADD = libhdcore.a $(HD_LIBS)
TESTS += tests/unit/test_hc_match
# agent_check (hc_agent.c) and its reply line (pure); slow start and the
# fail-open guard: the rules (hc_shape.c, pure) and their timer (hc_shape_io.c)
libhdcore_a_SOURCES += healthcheck/hc_agent_line.c healthcheck/hc_agent_line.h \
	healthcheck/hc_shape.c healthcheck/hc_shape.h
hadirector_SOURCES += healthcheck/hc_agent.c healthcheck/hc_shape_io.c
# check_forwarding_path: the probe (hc_fwd.c), the sockets every probe shares
# (hc_fwd_sock.c), its packets, reply parser and verdict (pure) with their
# unit test
libhdcore_a_SOURCES += healthcheck/hc_fwd_pkt.c healthcheck/hc_fwd_pkt.h
hadirector_SOURCES += healthcheck/hc_fwd.c healthcheck/hc_fwd_sock.c healthcheck/hc_fwd_int.h
check_PROGRAMS += tests/unit/test_hc_fwd_pkt
tests_unit_test_hc_fwd_pkt_SOURCES = tests/unit/test_hc_fwd_pkt.c
tests_unit_test_hc_fwd_pkt_LDADD = libhdcore.a $(HD_LIBS)
TESTS += tests/unit/test_hc_fwd_pkt
check_PROGRAMS += tests/unit/test_hc_agent_line tests/unit/test_hc_shape
tests_unit_test_hc_agent_line_SOURCES = tests/unit/test_hc_agent_line.c
tests_unit_test_hc_agent_line_LDADD = libhdcore.a $(HD_LIBS)
tests_unit_test_hc_shape_SOURCES = tests/unit/test_hc_shape.c
tests_unit_test_hc_shape_LDADD = libhdcore.a $(HD_LIBS)
TESTS += tests/unit/test_hc_agent_line tests/unit/test_hc_shape
