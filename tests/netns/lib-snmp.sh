# A real net-snmp beside the daemon, for the ops-snmp tests (sourced after
# tests/netns/lib.sh, with the net-snmp tools the test runs besides snmpd
# and snmptrapd: `. "$top_srcdir/tests/netns/lib-snmp.sh" snmpwalk`):
# snmpd is the AgentX master at $T_DIR/agentx.sock (the daemon's
# snmp_socket) and answers SNMPv2c, community public, on 127.0.0.1:1161;
# its notifications go to snmptrapd on 127.0.0.1:1162, which logs them
# numerically to $T_DIR/traps.log. Both run in the director's namespace.
STUBS="$top_srcdir/tests/netns/ops-mibs" # IETF base modules the system may lack
for t in snmpd snmptrapd "$@"; do
	command -v "$t" >/dev/null || { echo "FAIL - $t missing (tests/install-deps.sh)"; exit 1; }
done
# Before the first net-snmp tool: a fresh machine's tools would otherwise
# say they created /var/lib/snmp/... on stderr.
export SNMP_PERSISTENT_DIR="$T_DIR/persist" MIBS=""
mkdir -p "$SNMP_PERSISTENT_DIR/cert_indexes"
cat >"$T_DIR/snmpd.conf" <<CONF
master agentx
agentXSocket $T_DIR/agentx.sock
agentXPerms 0600 0700
agentaddress udp:127.0.0.1:1161
rocommunity public 127.0.0.1
trap2sink 127.0.0.1:1162 public
CONF
echo "disableAuthorization yes" >"$T_DIR/trapd.conf"

# snmpd_start NS: snmpd in NS, its pid in SNMPD (a test stops, hangs and
# restarts it); true once its AgentX socket is there.
snmpd_start() {
	ip netns exec "$1" snmpd -f -Lf "$T_DIR/snmpd.log" -C -c "$T_DIR/snmpd.conf" </dev/null &
	SNMPD=$!
	T_PIDS+=("$SNMPD")
	wait_for 5 test -S "$T_DIR/agentx.sock"
}
# snmptrapd_start NS: snmptrapd in NS; true once it listens (a notification
# sent before would be lost).
snmptrapd_start() {
	ip netns exec "$1" snmptrapd -f -Lf "$T_DIR/traps.log" -On -C -c "$T_DIR/trapd.conf" \
		udp:127.0.0.1:1162 </dev/null &
	T_PIDS+=($!)
	wait_for 5 sh -c "ip netns exec '$1' ss -lnu | grep -q '127.0.0.1:1162 '"
}
