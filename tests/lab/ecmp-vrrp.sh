# shellcheck shell=bash disable=SC2034 # sets variables the scenario that sources it reads
# The VRRP pair of the ECMP lab (sourced by tests/vm/scenarios/ecmp.sh; issue 23): today's
# active/backup pair on the same LAN, in front of the same real servers, under the same client
# load, so one run prints the failover figures of both designs side by side.
#   v1 10.0.0.15 (priority 150) and v2 10.0.0.16 (100): hadirector in VRRP mode, VRRPv3,
#   advert_int ECMP_VRRP_ADV (default 0.1 s: the backup takes over after 3 x 0.1 s + skew,
#   about the 300 ms of the ECMP side's BFD), preempt_delay 2 s, VIP 10.0.0.100 on the LAN (the
#   router reaches the master by ARP), lb_algo mh, DR, lvs_sync_daemon (the backup learns the
#   master's connections, as a pair is run)
# Phases: vrrp-kill (SIGKILL of the master's hadirector: its adverts stop; its VIP address and
# IPVS table stay in its kernel), vrrp-kill-back (started again, it preempts), vrrp-link (the
# master's link down), vrrp-link-back (up again: two masters, the lower one steps down).
# The router's takeover time: from the fault to its neighbour entry of the VIP with the new
# master's MAC (`ip -ts -o monitor neigh`), the counterpart of the ECMP side's withdrawal.
VRRP_VIP=10.0.0.100
VRRP_ADV=${ECMP_VRRP_ADV:-0.1}
declare -A VPID PH_TK

vrrp_conf() { # NAME PRIORITY
	local k rs=""
	for k in 1 2 3 4; do
		rs="$rs    real_server 10.0.0.2$k:80 { tcp_check { connect_timeout = 1  fall = 2  rise = 1 } }
"
	done
	cat <<EOF
global {
    router_id = $1
    set_sysctls = true
}
vrrp_instance VI_1 {
    interface = eth0
    virtual_router_id = 51
    priority = $2
    advert_int = $VRRP_ADV
    version = 3
    preempt = true
    preempt_delay = 2
    virtual_ipaddress = { $VRRP_VIP/24 }
}
lvs_sync_daemon { interface = eth0  vrrp_instance = VI_1  syncid = 51 }
virtual_server $VRRP_VIP:80 {
    lb_algo = mh
    sched_flags = { mh-port }
    lb_kind = dr
    delay_loop = 1
$rs}
EOF
}
vrrp_start() { # NAME PRIORITY
	local v=$1
	vrrp_conf "$v" "$2" >"$D/$v.conf"
	ip netns exec "vm-$v" sysctl -qw net.ipv4.vs.sync_threshold="3 10"
	ip netns exec "vm-$v" "$HD" -n -l -f "$D/$v.conf" -p "$D/$v.pid" -s "$D/$v.sock" \
		>>"$D/$v-hd.log" 2>&1 &
	VPID[$v]=$!
	VM_PIDS+=($!)
	wait_for 10 "$HDCTL" -s "$D/$v.sock" ping
}
vrrp_vip_on() { ip -n "vm-$1" -o addr show dev eth0 | grep -q " $VRRP_VIP/"; }
vrrp_vip_off() { ! vrrp_vip_on "$1"; }
vrrp_mac() { ip -n "vm-$1" -o link show eth0 | sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p'; }
router_at() { ip -n vm-r neigh show "$VRRP_VIP" | grep -q "lladdr $(vrrp_mac "$1")"; }
vrrp_tables() { live_rs_is v1 4 && live_rs_is v2 4; }
conns() { ip netns exec "vm-$1" ipvsadm -Lnc | awk '$3 == "ESTABLISHED"' | wc -l; } # DIRECTOR
sync_is() { ip netns exec "vm-$1" ipvsadm -L --daemon | grep -q "^$2 sync daemon"; }
takeover() { # NEW_MASTER: the router's move to it, from the fault, for the phase's line
	local t
	if wait_for 15 router_at "$1"; then
		eval "$("$PY" "$LAB/ecmp.py" neigh "$D/neigh.log" "$FAULT_T" "$VRRP_VIP" "$(vrrp_mac "$1")")"
		t=$TAKEOVER_MS
		RESULT_EXTRA="the router sent the VIP to $1 $t ms after the fault"
	else
		t=-1
		RESULT_EXTRA="the router still sent the VIP elsewhere 15 s after the fault"
	fi
	PH_TK[$PH]=$t
}

vrrp_part() {
	local d k v
	say "== the VRRP pair (v1 150, v2 100, advert_int $VRRP_ADV s, lvs_sync_daemon) under the same load"
	touch "$D/stop"
	wait "$CLIENT"
	for d in 1 2 3 4; do [ -n "${HDPID[d]:-}" ] && kill -TERM "${HDPID[d]}" 2>/dev/null; done
	for d in 1 2 3 4; do [ -n "${SUPPID[d]:-}" ] && wait "${SUPPID[d]}" 2>/dev/null; done
	for d in d1 d2 d3 d4; do frr_stop "vm-$d"; done
	for k in 1 2 3 4; do # the real server killed by rsdies is back
		kill -0 "${RSPID[k]}" 2>/dev/null && continue
		ip netns exec "vm-rs$k" "$PY" "$LAB/ecmp.py" server "rs$k" 80 &
		RSPID[k]=$!
		VM_PIDS+=($!)
	done
	ip netns exec vm-r ip -ts -o monitor neigh >"$D/neigh.log" 2>&1 &
	VM_PIDS+=($!)
	SNAP_DIRS="v1 v2"
	assert "vrrp: v1 starts" vrrp_start v1 150
	assert "vrrp: v1 becomes master and holds the VIP" wait_for 15 vrrp_vip_on v1
	assert "vrrp: v2 starts" vrrp_start v2 100
	assert "vrrp: both tables have the 4 real servers" wait_for 30 vrrp_tables
	check "vrrp: v2 stays backup" vrrp_vip_off v2
	check "vrrp: v1 runs the master sync daemon" wait_for 10 sync_is v1 master
	check "vrrp: v2 runs the backup sync daemon" wait_for 10 sync_is v2 backup
	CLIENT_LOG=$D/client-vrrp.log
	client_start $VRRP_VIP "$CLIENT_LOG" "$D/stop-vrrp"
	settle

	phase vrrp-kill
	fault kill -KILL "${VPID[v1]}"
	check "vrrp-kill: v2 takes the VIP" wait_for 10 vrrp_vip_on v2
	takeover v2
	settle
	result - -
	wait "${VPID[v1]}" 2>/dev/null

	phase vrrp-kill-back
	fault vrrp_start v1 150
	check "vrrp-kill-back: v1 preempts, v2 gives the VIP back" wait_for 20 vrrp_vip_off v2
	takeover v1
	settle
	result - -

	phase vrrp-link
	local ce0 ce1
	ce0=$(conns v1)
	fault ipb link set p-v1 down
	check "vrrp-link: v2 takes the VIP" wait_for 10 vrrp_vip_on v2
	takeover v2
	settle
	# v1's checks got no answer through its dead link: held (director_link_down), not failed,
	# so its IPVS table and the connection entries the kernel keeps for it stay
	check "vrrp-link: v1's checks held (director_link_down)" eval \
		'"$HDCTL" -s "$D/v1.sock" status --json | grep -q "\"outcome\":\"director_link_down\""'
	check "vrrp-link: v1 still has its 4 real servers in IPVS" live_rs_is v1 4
	ce1=$(conns v1)
	say "vrrp-link: v1's established connection entries: $ce0 before the cut, $ce1 after"
	check "vrrp-link: v1 kept its connection entries ($ce0 -> $ce1)" test "$ce1" -ge $((ce0 * 9 / 10))
	result - -

	phase vrrp-link-back
	fault ipb link set p-v1 up
	check "vrrp-link-back: v2 gives the VIP back" wait_for 20 vrrp_vip_off v2
	takeover v1
	settle
	result - -

	touch "$D/stop-vrrp"
	wait "$CLIENT"
	for v in v1 v2; do # what each director did: its states, its sync daemon, its table
		grep -E "VI_1:|sync daemon|real server .* -> " "$D/$v-hd.log" | sed "s/^/    $v /"
	done
	kill -TERM "${VPID[v1]}" "${VPID[v2]}" 2>/dev/null
	wait "${VPID[v1]}" "${VPID[v2]}" 2>/dev/null
}
