#!/bin/bash
# The Prometheus alerting rules and the Grafana dashboard that ship in
# etc/: `promtool check rules` (Debian's prometheus package) accepts the
# rules; `promtool test rules` runs their cases (split brain, lost quorum,
# failed reload fire; a healthy pair and a failover stay silent), and
# those cases catch a broken rule (each of the three, broken on a copy,
# fails them); every metric, label and label value the rules and the
# dashboard name is in a live scrape of a director (ops-alerts-names.py,
# which flags a wrong name, label or value on a broken copy too).
. "$top_srcdir/tests/netns/lib.sh"
RULES="$top_srcdir/etc/prometheus/hadirector.rules.yml"
CASES="$top_srcdir/etc/prometheus/hadirector.rules.test.yml"
DASH="$top_srcdir/etc/grafana/hadirector.json"
NAMES="$top_srcdir/tests/netns/ops-alerts-names.py"

assert "promtool is installed (tests/install-deps.sh: prometheus)" command -v promtool
check "promtool check rules accepts the rules" promtool check rules "$RULES"
check "promtool test rules: every case passes" promtool test rules "$CASES"

# Each alert the issue names, broken on a copy: its cases must fail.
broken() { # NAME SED: promtool test rules fails on the rules edited by SED
	mkdir -p "$T_DIR/$1"
	sed "$2" "$RULES" >"$T_DIR/$1/hadirector.rules.yml"
	cp "$CASES" "$T_DIR/$1/"
	cmp -s "$RULES" "$T_DIR/$1/hadirector.rules.yml" && { echo "# $1: the edit changed nothing"; return 1; }
	! promtool test rules "$T_DIR/$1/hadirector.rules.test.yml" >"$T_DIR/$1.log" 2>&1
}
check "the cases catch a split-brain rule that needs 3 masters" broken split 's/^          ) > 1$/          ) > 2/'
check "the cases catch a quorum rule that never fires" broken quorum 's/hadirector_virtual_server_quorum_lost == 1/hadirector_virtual_server_quorum_lost == 2/'
check "the cases catch a reload rule that never fires" broken reload 's/hadirector_config_last_reload_successful == 0/hadirector_config_last_reload_successful < 0/'
check "the cases catch a split-brain rule that fires on one master" broken split1 's/^          ) > 1$/          ) > 0/'

check "the dashboard is JSON with unique panel ids" python3 -c "
import json, sys
d = json.load(open(sys.argv[1]))
ids = [p['id'] for p in d['panels']]
assert len(ids) == len(set(ids)) and d['uid'] and all('gridPos' in p for p in d['panels'])
" "$DASH"

# A director with every kind of series: a VRRP instance in a sync group,
# a virtual server with a live and a dead real server under quorum.
t_bridge
A=$(t_ns a)
t_link "$A" eth0 10.77.0.1/24
ip netns exec "$A" python3 -m http.server -b 10.77.0.1 8080 >/dev/null 2>&1 &
T_PIDS+=($!)
cat >"$T_DIR/a.conf" <<CONF
global { router_id = lb-a  metrics_listen = 127.0.0.1:9488 }
vrrp_instance VI_1 {
    interface = eth0
    virtual_router_id = 77
    priority = 150
    advert_int = 0.1
    virtual_ipaddress = { 10.77.0.100/24 }
}
vrrp_sync_group G1 { group = { VI_1 } }
virtual_server 10.77.0.100:80 {
    lb_kind = nat
    delay_loop = 0.2
    quorum = 2
    real_server 10.77.0.1:8080 { tcp_check { connect_timeout = 0.5 } }
    real_server 10.77.0.1:8081 { tcp_check { connect_timeout = 0.5 } }
}
CONF
ip netns exec "$A" "$HD" -n -l -f "$T_DIR/a.conf" -p "$T_DIR/a.pid" -s "$T_DIR/a.sock" \
	2>>"$T_DIR/a.log" &
T_PIDS+=($!)
ready() { [ "$(ip netns exec "$A" curl -s --max-time 2 -o /dev/null -w '%{http_code}' http://127.0.0.1:9488/readyz)" = 200 ]; }
check "the director settles (/readyz 200)" wait_for 10 ready
ip netns exec "$A" curl -sS --max-time 5 -o "$T_DIR/scrape.txt" http://127.0.0.1:9488/metrics
check "the scrape has the VRRP, quorum and reload series" grep -q '^hadirector_virtual_server_quorum_lost{' "$T_DIR/scrape.txt"

python3 "$NAMES" "$RULES" "$DASH" "$T_DIR/scrape.txt" >"$T_DIR/names.out" 2>&1
check "every metric, label and value of the rules and the dashboard is in the scrape" test $? -eq 0
cat "$T_DIR/names.out"

sed -e 's/hadirector_vrrp_state{state="master"} == 1/hadirector_vrrp_states{state="master"} == 1/' \
	-e 's/reason=~"auth_failure|/reason=~"auth_fail|/' "$RULES" >"$T_DIR/bad.yml"
sed -e 's/{{vs}} {{rs}}/{{vs}} {{rsx}}/' "$DASH" >"$T_DIR/bad.json"
python3 "$NAMES" "$T_DIR/bad.yml" "$T_DIR/bad.json" "$T_DIR/scrape.txt" >"$T_DIR/bad.out" 2>&1
check "the name check flags a wrong metric" grep -q 'no metric hadirector_vrrp_states' "$T_DIR/bad.out"
check "a wrong label value" grep -q 'never has the value auth_fail' "$T_DIR/bad.out"
check "and a wrong label in a legend" grep -q 'label rsx is on none' "$T_DIR/bad.out"

t_done
