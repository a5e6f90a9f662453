#!/bin/bash
# Live changes as overrides (issue 22): drain, weight, maint VS, maint --all
# through the control socket are listed in status (text and JSON) with the
# peer's uid, pid and time, checked as the file is (its error form), and
# seen by monitor subscribers. Across reloads: an unchanged file keeps them;
# a file that changed the overridden server's weight, or dropped the server,
# wins, and the log says which override went and why; a real server new in
# a VS in maintenance is drained. maint --all leaves VRRP and the VIP alone.
# drain --wait without kernel IPVS (this host has none) says so at once.
. "$top_srcdir/tests/netns/lib.sh"
. "$top_srcdir/tests/netns/lib-hc.sh"

t_bridge
D=$(t_ns d)
t_link "$D" eth0 10.94.0.1/24
VS1=10.94.0.100:80 VS2=10.94.0.100:443 R1=10.94.0.11:80 R2=10.94.0.12:80
R3=10.94.0.11:443 R4=10.94.0.12:443 R5=10.94.0.13:443
conf() { # W2: R2's weight in the file; EXTRA: more lines in VS2; NO_R1: leave R1 out
	cat <<CONF
vrrp_instance VI_1 { interface = eth0  virtual_router_id = 51  priority = 200  advert_int = 0.1
    virtual_ipaddress = { 10.94.0.100/24 } }
virtual_server $VS1 { lb_kind = nat
$([ -n "${NO_R1:-}" ] || echo "    real_server $R1 { weight = 100 }")
    real_server $R2 { weight = ${W2:-100} } }
virtual_server $VS2 { lb_kind = nat
    real_server $R3 { weight = 10 }
    real_server $R4 { weight = 20 }
${EXTRA:-} }
CONF
}
conf >"$T_DIR/hd.conf"
hc_start "$D" "$T_DIR/hd.conf"
ctl() { "$HDCTL" -s "$SOCK" "$@"; }
q() { ctl "$@" >/dev/null; } # a change whose reply is not looked at
ovr() { ctl status --json | jq -c "[.overrides.active[] | $1]"; }
assert "daemon answers" wait_for 5 ctl ping
assert "VRRP master with the VIP" wait_for 5 eval \
	'[ "$(ctl status --json | jq -r ".vrrp[0].state")" = MASTER ]'
"$HDCTL" -s "$SOCK" monitor --json >"$T_DIR/mon.out" 2>&1 &
T_PIDS+=($!)
wait_for 5 eval '[ "$(ctl status --json | jq .events.subscribers)" = 1 ]'

# -- changes, and what status says about them
t0=$(date -u +%s)
check "drain R1" q drain $VS1 $R1
check "weight R2 7 (written tcp/VS)" q weight tcp/$VS1 $R2 7
check "R1 drained, weight 0" is $VS1 $R1 drained true
check "R1 weight 0" is $VS1 $R1 weight 0
check "R2 at the operator's 7" is $VS1 $R2 weight 7
check "status --json lists 2 overrides" [ "$(ovr .kind)" = '["drain","weight"]' ]
check "each with uid 0 and a pid" [ "$(ovr '(.uid == 0 and .pid > 1)')" = '[true,true]' ]
since=$(ctl status --json | jq -r '.overrides.active[0].since')
check "with its time ($since)" [ $(($(date -u -d "$since" +%s) - t0)) -ge -1 -a \
	$(($(date -u -d "$since" +%s) - t0)) -le 5 ]
check "and the file's weight it overrode" [ "$(ovr .file_weight)" = '[100,100]' ]
ctl status >"$T_DIR/st.txt"
check "status (text) lists the drain with its uid" grep -q "drain $VS1 $R1  by uid 0 (pid " "$T_DIR/st.txt"
check "status (text) lists the weight" grep -q "weight $VS1 $R2 7  by uid 0" "$T_DIR/st.txt"

# -- requests are checked as the file is, with its error form
err() { ctl "$@" 2>&1 >/dev/null; }
check "weight 70000: the file's range error" \
	[ "$(err weight $VS1 $R2 70000 | tail -1)" = "control:1: weight: 70000 is out of range 0..65535" ]
check "weight abc: the file's integer error" \
	[ "$(err weight $VS1 $R2 abc | tail -1)" = "control:1: weight: 'abc' is not an integer" ]
check "unknown real server: names the VS and its line" \
	[ "$(err drain $VS1 10.94.0.99:80 | tail -1)" = "control:1: real_server 10.94.0.99:80: not in virtual_server $VS1 ($T_DIR/hd.conf:3)" ]
check "unknown virtual server" \
	[ "$(err maint 10.94.0.200:80 | tail -1)" = "control:1: virtual_server 10.94.0.200:80: not in the configuration ($T_DIR/hd.conf)" ]
check "bad address" [ "$(err undrain $VS1 nonsense | tail -1)" = "control:1: real_server: 'nonsense' is not an address:port" ]
check "a refused request exits 1" sh -c "! '$HDCTL' -s '$SOCK' weight $VS1 $R2 70000 2>/dev/null"
check "refused requests leave no override" [ "$(ovr .kind)" = '["drain","weight"]' ]

# -- maintenance of a VS, of the director
check "maint VS2" q maint $VS2
check "VS2: R3 drained" is $VS2 $R3 drained true
check "VS2: R4 drained" is $VS2 $R4 drained true
check "VS1's R2 untouched by it" is $VS1 $R2 weight 7
check "undrain R3 says it stays drained (maintenance)" \
	sh -c "'$HDCTL' -s '$SOCK' undrain $VS2 $R3 | grep -q 'still drained: $VS2 is in maintenance'"
check "maint --all" q maint --all
check "every real server drained" [ "$(ctl status --json | jq '[.healthcheck[].real_servers[].drained] | all')" = true ]
check "VRRP still master" [ "$(ctl status --json | jq -r '.vrrp[0].state')" = MASTER ]
check "the VIP stays" sh -c "ip -n $D addr show eth0 | grep -q 10.94.0.100/24"
check "overrides name the director's maintenance" \
	[ "$(ovr 'select(.scope == "director") | .kind')" = '["maint"]' ]
check "unmaint --all" q unmaint --all
check "R2 back to 7 (its own override)" is $VS1 $R2 weight 7
check "VS2 still in maintenance" is $VS2 $R4 drained true
check "unmaint VS2" q unmaint $VS2
check "R4 back at 20" is $VS2 $R4 weight 20
check "R1 still drained (its own drain)" is $VS1 $R1 drained true
check "weight reset" q weight $VS1 $R2 reset
check "R2 back at the file's 100" is $VS1 $R2 weight 100
check "overrides: the drain only" [ "$(ovr .kind)" = '["drain"]' ]

# -- reloads
ctl weight $VS1 $R2 7 >/dev/null
ctl maint $VS2 >/dev/null
check "reload, file unchanged" q reload
check "drain survives" is $VS1 $R1 drained true
check "weight survives" is $VS1 $R2 weight 7
check "maintenance survives" is $VS2 $R3 drained true
check "nothing dropped" [ "$(ctl status --json | jq .overrides.dropped_by_reload)" = 0 ]
W2=60 EXTRA="    real_server $R5 { weight = 5 }" conf >"$T_DIR/hd.conf"
check "reload: R2 weight 60 in the file, R5 new in VS2" q reload
check "the file wins for R2: 60" is $VS1 $R2 weight 60
check "the log says which override went and why" grep -q \
	"override dropped: weight $VS1 $R2 (uid 0, .*): the file now says weight 60 (it said 100); the file wins" \
	"$T_DIR/hd.log"
check "R1's drain stays (R1 unchanged in the file)" is $VS1 $R1 drained true
check "R5, new in VS2 in maintenance, drained" is $VS2 $R5 drained true
W2=60 NO_R1=1 EXTRA="    real_server $R5 { weight = 5 }" conf >"$T_DIR/hd.conf"
check "reload without R1" q reload
check "the log says R1's drain went with it" grep -q \
	"override dropped: drain $VS1 $R1 (uid 0, .*): the real server is no longer in the file" "$T_DIR/hd.log"
check "dropped_by_reload counts 2" [ "$(ctl status --json | jq .overrides.dropped_by_reload)" = 2 ]
check "overrides: VS2's maintenance only" [ "$(ovr .scope)" = '["virtual_server"]' ]
ctl metrics >"$T_DIR/m.txt"
check "metrics: the maintenance in force" \
	grep -qx 'hadirector_overrides{kind="maint",scope="virtual_server"} 1' "$T_DIR/m.txt"
check "metrics: no drain in force any more" \
	grep -qx 'hadirector_overrides{kind="drain",scope="real_server"} 0' "$T_DIR/m.txt"
check "metrics: 2 dropped by reloads" \
	grep -qx 'hadirector_overrides_dropped_by_reload_total 2' "$T_DIR/m.txt"
W2=60 conf >"$T_DIR/hd.conf"
check "reload with R1 back" q reload
check "R1 comes back undrained (its drain was dropped)" is $VS1 $R1 drained false

# -- drain --wait needs the kernel's counters: none here
out=$("$HDCTL" -s "$SOCK" drain $VS1 $R1 --wait 5 2>&1); rc=$?
check "drain --wait without IPVS: exit 1 at once ($rc)" [ "$rc" = 1 ]
check "and says why" grep -q "IPVS is not available" <<<"$out"
check "the drain itself is done" is $VS1 $R1 drained true
"$HDCTL" -s "$SOCK" drain $VS1 $R1 --wait 0 >/dev/null 2>&1; rc=$?
check "--wait 0: usage error (exit 2)" [ "$rc" = 2 ]

# -- the event stream saw each change, with who made it
jqm() { jq -c "select(.event == \"runtime\") | $1" "$T_DIR/mon.out"; }
check "monitor: maint by uid 0" [ "$(jqm 'select(.action == "maint" and .virtual_server == "'$VS2'" and .uid == 0) | .result' | head -1)" = '"ok"' ]
check "monitor: maint --all as *" [ "$(jqm 'select(.action == "maint" and .virtual_server == "*") | .result' | head -1)" = '"ok"' ]
check "monitor: the refused weight with its error" \
	grep -q '"error":"control:1: weight: 70000 is out of range 0..65535"' "$T_DIR/mon.out"
check "monitor: the JSON lines parse" jq -e . "$T_DIR/mon.out" >/dev/null
t_done
