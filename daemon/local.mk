libhdcore_a_SOURCES += daemon/config.c daemon/config_confuse.c daemon/config_int.h daemon/config_vrrp.c daemon/config_vrrp_proc.c daemon/config_lvs.c daemon/config_validate.c daemon/ctl_proto.c daemon/ctl_proto.h
# the control socket's client side (hadirectorctl, hadirector -t --plan)
libhdcore_a_SOURCES += daemon/ctl_client.c daemon/ctl_client.h
# the /metrics HTTP request (pure; fuzzed by tests/fuzz/fuzz_metrics_req.c)
libhdcore_a_SOURCES += daemon/metrics_req.c daemon/metrics_req.h
hadirector_SOURCES += daemon/main.c daemon/core.c daemon/daemon.h daemon/control.c daemon/control.h daemon/modules.h
hadirector_SOURCES += daemon/reload.c daemon/snapshot.c daemon/snapshot.h
# the module table (modules.h); allocation-failure injection: base/local.mk
hadirector_SOURCES += daemon/modules.c
HD_FAULT_WRAP = -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=strdup,--wrap=strndup \
	-Wl,--wrap=open_memstream,--wrap=asprintf,--wrap=vasprintf,--wrap=nl_socket_alloc \
	-Wl,--wrap=sd_event_add_time,--wrap=sd_event_add_io,--wrap=sd_event_add_defer \
	-Wl,--wrap=sd_event_add_post
if FAULT_INJECT
hadirector_LDFLAGS = $(HD_FAULT_WRAP)
endif
hadirectorctl_SOURCES += daemon/hadirectorctl.c
# operations: per-module metrics, the Prometheus HTTP listener, SNMP (ops.h)
hadirector_SOURCES += daemon/metrics_modules.h daemon/ops.c daemon/ops.h \
	daemon/metrics_http.c daemon/metrics_http.h
hadirector_CFLAGS = $(AM_CFLAGS)
# SNMP: the daemon fills the tables and starts hadirector-snmp (snmp.c);
# only that program links net-snmp. The daemon uses its headers alone.
hadirector_SOURCES += daemon/snmp.c daemon/snmp.h daemon/snmp_int.h daemon/snmp_tables.c \
	daemon/snmp_vrrp.c daemon/snmp_vrrp_live.c daemon/snmp_hd.c daemon/snmp_hd_live.c \
	daemon/snmp_wire.c
hadirector_CFLAGS += $(SNMP_CFLAGS) -DHD_LIBEXECDIR=\"$(libexecdir)\"
libexec_PROGRAMS = hadirector-snmp
hadirector_snmp_SOURCES = daemon/snmp_agent.c daemon/snmp_agent_mib.c daemon/snmp_wire.c \
	daemon/snmp_tables.c daemon/snmp_int.h
hadirector_snmp_CFLAGS = $(AM_CFLAGS) $(SNMP_CFLAGS)
hadirector_snmp_LDADD = $(SNMP_LIBS)
EXTRA_DIST += etc/HADIRECTOR-MIB.txt
# hadirector --from-keepalived: keepalived.conf reader and converter (pure,
# unit-tested and fuzzed), and the command around them (ka_main.c).
libhdcore_a_SOURCES += daemon/kaconv/ka_reader.c daemon/kaconv/ka_reader.h \
	daemon/kaconv/ka_reader_int.h daemon/kaconv/ka_lines.c \
	daemon/kaconv/ka_convert.c daemon/kaconv/ka_convert.h daemon/kaconv/ka_convert_int.h \
	daemon/kaconv/ka_rules.c daemon/kaconv/ka_rules_vrrp.c daemon/kaconv/ka_rules_lvs.c \
	daemon/kaconv/ka_rules_mail.c daemon/kaconv/ka_rules_proc.c \
	daemon/kaconv/ka_kwlist.c
libhdcore_a_SOURCES += daemon/kaconv/ka_rules_group.c
hadirector_SOURCES += daemon/kaconv/ka_main.c daemon/kaconv/ka_main.h
# e-mail alerts: the SMTP client (pure, tests/unit/test_alert_smtp.c)
libhdcore_a_SOURCES += daemon/alert_smtp.c daemon/alert_smtp.h daemon/config_alert.c
hadirector_SOURCES += daemon/alert.c daemon/alert.h
check_PROGRAMS += tests/unit/test_alert_smtp
tests_unit_test_alert_smtp_SOURCES = tests/unit/test_alert_smtp.c
tests_unit_test_alert_smtp_LDADD = libhdcore.a $(HD_LIBS)
TESTS += tests/unit/test_alert_smtp
# announce mode: the announce section, virtual_server mode (issue 23)
libhdcore_a_SOURCES += daemon/config_announce.c
# routes, rules and static addresses (static_*, virtual_route, virtual_rule)
libhdcore_a_SOURCES += daemon/config_route.c
# readiness for GET /readyz (ready.h)
hadirector_SOURCES += daemon/ready.c daemon/ready.h
# keepalived's routes, rules and static addresses (--from-keepalived)
libhdcore_a_SOURCES += daemon/kaconv/ka_rules_route.c
# hadirectorctl monitor: the event bus, and its lines (pure: test_events_fmt)
libhdcore_a_SOURCES += daemon/events_fmt.c daemon/events_fmt.h
hadirector_SOURCES += daemon/events.c daemon/events.h
# live changes (drain, weight, maint) kept as overrides, listed in status
hadirector_SOURCES += daemon/overrides.c daemon/overrides.h
# add-rs, remove-rs: the live add and remove, and the one-server parse
hadirector_SOURCES += daemon/overrides_rs.c daemon/overrides_int.h
libhdcore_a_SOURCES += daemon/config_rs.c daemon/config_rs.h
check_PROGRAMS += tests/unit/test_config_rs
tests_unit_test_config_rs_SOURCES = tests/unit/test_config_rs.c
tests_unit_test_config_rs_LDADD = libhdcore.a $(HD_LIBS)
TESTS += tests/unit/test_config_rs
check_PROGRAMS += tests/unit/test_events_fmt
tests_unit_test_events_fmt_SOURCES = tests/unit/test_events_fmt.c
tests_unit_test_events_fmt_LDADD = libhdcore.a $(HD_LIBS)
TESTS += tests/unit/test_events_fmt
# reload --plan: the decisions and renderings (pure: test_reload_plan), the
# daemon's side (parse thread, prepare/abort) and hadirector -t --plan
libhdcore_a_SOURCES += daemon/reload_plan_diff.c daemon/reload_plan_diff.h \
	daemon/reload_plan_ipvs.c daemon/reload_plan_render.c daemon/reload_plan.h
hadirector_SOURCES += daemon/reload_plan.c daemon/reload_plan_client.c
