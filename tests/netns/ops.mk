# Operations namespace tests (root): metrics over the control socket and
# HTTP, SNMP AgentX subagent with a real snmpd.
TESTS += tests/netns/ops-metrics.sh tests/netns/ops-snmp.sh
EXTRA_DIST += tests/netns/ops-metrics.sh tests/netns/ops-promcheck.py tests/netns/ops-snmp.sh \
	tests/netns/lib-snmp.sh \
	tests/netns/ops-mibs/SNMPv2-SMI.txt tests/netns/ops-mibs/SNMPv2-TC.txt \
	tests/netns/ops-mibs/SNMPv2-CONF.txt tests/netns/ops-mibs/IF-MIB.txt \
	tests/netns/ops-mibs/INET-ADDRESS-MIB.txt
# SNMP columns and notifications of slow start, agent_check, the fail-open
# guard and check_forwarding_path (issue 21)
TESTS += tests/netns/ops-snmp-checks.sh
EXTRA_DIST += tests/netns/ops-snmp-checks.sh
# GET /livez and /readyz (daemon/ready.h)
TESTS += tests/netns/ops-probes.sh
EXTRA_DIST += tests/netns/ops-probes.sh
# the Prometheus rules and Grafana dashboard of etc/ (promtool, a live scrape)
TESTS += tests/netns/ops-alerts.sh
EXTRA_DIST += tests/netns/ops-alerts.sh tests/netns/ops-alerts-names.py
# hadirectorctl monitor: 10 subscribers, one stopped, in a failover storm
TESTS += tests/netns/ops-monitor.sh
EXTRA_DIST += tests/netns/ops-monitor.sh
# live changes as overrides: drain, weight, maint, reloads, errors (issue 22)
TESTS += tests/netns/ops-override.sh
EXTRA_DIST += tests/netns/ops-override.sh
# add-rs, remove-rs: a real server and its check added and removed live
TESTS += tests/netns/ops-add-rs.sh
EXTRA_DIST += tests/netns/ops-add-rs.sh
