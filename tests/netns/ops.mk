# Operations namespace tests (root): metrics over the control socket and
# HTTP, SNMP AgentX subagent with a real snmpd.
TESTS += tests/netns/ops-metrics.sh
EXTRA_DIST += tests/netns/ops-metrics.sh tests/netns/ops-promcheck.py
