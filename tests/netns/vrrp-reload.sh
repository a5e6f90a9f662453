#!/bin/bash
# Reload (SIGHUP) of VRRP:
# (1) 20 reloads of an unchanged config on the master while the backup
#     watches: no transition on either side, no priority 0, the VIP never
#     moves (ip monitor on the backup), adverts keep flowing at their rate;
#     the master's track_script (weight +10, what keeps it above the backup)
#     keeps its verdict across reloads;
# (2) an instance added by reload starts in backup;
# (3) an instance removed by reload gives up master with priority 0: the
#     backup takes over after skew time only; an instance sharing its socket
#     keeps working;
# (4) a changed priority takes effect: lowered on the master -> the backup
#     preempts; raised again -> the master preempts back.
. "$top_srcdir/tests/netns/lib-vrrp.sh"

VIP=192.168.168.100
VIP2=192.168.168.101
SKEW2_MS=40 # backup priority 155: (256 - 155) * 100 ms / 256 = 39.5 ms
v_bridge
v_host d1 192.168.168.50/24
v_host d2 192.168.168.51/24

conf1() { # PRIO_VI_1 (0 = no VI_1) WITH_VI_2
	echo "global { router_id = d1 }"
	echo "vrrp_script up { script = /bin/true  interval = 0.2  weight = 10 }"
	if [ "$1" != 0 ]; then
		echo "vrrp_instance VI_1 { interface = eth0  virtual_router_id = 51  priority = $1"
		echo "  advert_int = 0.1  virtual_ipaddress = { $VIP/24 }  track_script = { up } }"
	fi
	if [ "$2" = 1 ]; then
		echo "vrrp_instance VI_2 { interface = eth0  virtual_router_id = 52  priority = 100"
		echo "  advert_int = 0.1  virtual_ipaddress = { $VIP2/24 } }"
	fi
}
reload_d1() { # wait for the daemon to have done it
	local n
	n=$(grep -c "reload complete" "$V_DIR/d1.log")
	kill -HUP "$(v_pid d1)"
	wait_for 3 eval "[ \$(grep -c 'reload complete' '$V_DIR/d1.log') -gt $n ]"
}
conf1 150 0 >"$V_DIR/d1.conf"
v_conf "$V_DIR/d2.conf" d2 155
v_start d2 "$V_DIR/d2.conf"
v_start d1 "$V_DIR/d1.conf"
check "d1 (150 + 10 from its track_script) master" wait_for 5 v_state_is d1 VI_1 MASTER
check "d1 priority 160" wait_for 2 eval "[ \"\$(v_field d1 VI_1 priority)\" = 160 ]"
check "d2 (155) backup" wait_for 3 v_state_is d2 VI_1 BACKUP
sleep 1

# (1) 20 reloads, nothing changes
check "ip monitor records d2's addresses" v_monitor d2 "$V_DIR/mon.txt"
sleep 0.3
tr1=$(v_field d1 VI_1 transitions); tr2=$(v_field d2 VI_1 transitions)
p0=$(v_field d2 VI_1 prio0_received)
rx0=$(v_field d2 VI_1 adverts_received); t0=$(now_ms)
for i in $(seq 20); do reload_d1; sleep 0.1; done
rx1=$(v_field d2 VI_1 adverts_received); t1=$(now_ms)
check "ip monitor recorded to the end" v_monitor_end d2 "$V_DIR/mon.txt"
rate=$(( (rx1 - rx0) * 1000 / (t1 - t0) ))
echo "# 20 reloads in $((t1 - t0)) ms: the backup received $((rx1 - rx0)) adverts ($rate/s, advert_int 0.1)"
check "20 reloads: all done" [ "$(grep -c 'reload complete' "$V_DIR/d1.log")" -ge 20 ]
check "20 reloads: no transition on the master" same_num "$(v_field d1 VI_1 transitions)" "$tr1"
check "20 reloads: no transition on the backup" same_num "$(v_field d2 VI_1 transitions)" "$tr2"
check "20 reloads: no priority 0 advert" same_num "$(v_field d2 VI_1 prio0_received)" "$p0"
check "20 reloads: the VIP never appeared on the backup" absent "$VIP/" "$V_DIR/mon.txt"
check "20 reloads: adverts kept flowing (>= 6/s: $rate; the window includes hadirectorctl latency, a gap > 361 ms would also show as a backup transition)" [ "$rate" -ge 6 ]
check "20 reloads: and no extra ones (<= 13/s: $rate)" [ "$rate" -le 13 ]
check "20 reloads: track_script verdict kept (priority 160)" [ "$(v_field d1 VI_1 priority)" = 160 ]
check "20 reloads: no priority change logged" absent 'priority 160 ->' "$V_DIR/d1.log"
check "20 reloads: still one VIP holder" eval "v_has_vip d1 $VIP && v_no_vip d2 $VIP"

# (2) an instance added by reload starts in backup
conf1 150 1 >"$V_DIR/d1.conf"
reload_d1
check "added VI_2 started in backup" grep -q "VI_2: INIT -> BACKUP (startup)" "$V_DIR/d1.log"
check "added VI_2 (no peer) becomes master after master down" wait_for 3 v_state_is d1 VI_2 MASTER
check "adding VI_2 left VI_1 alone" same_num "$(v_field d1 VI_1 transitions)" "$tr1"

# (3) VI_1 removed: priority 0, d2 takes over after skew; VI_2 (same socket) lives on
tx2=$(v_field d1 VI_2 adverts_sent)
conf1 0 1 >"$V_DIR/d1.conf"
reload_d1
check "removed VI_1: d2 master" wait_for 3 v_state_is d2 VI_1 MASTER
t_gone=$(v_log_ms d1 'VI_1: MASTER -> INIT')
t_take=$(v_log_ms d2 'BACKUP -> MASTER')
echo "# removed VI_1: d2 took over $((t_take - t_gone)) ms after d1 gave it up (skew $SKEW2_MS ms)"
check "removed VI_1: priority 0 sent" [ "$(v_field d2 VI_1 prio0_received)" -gt "$p0" ]
check "removed VI_1: takeover after skew only ($((t_take - t_gone)) <= $SKEW2_MS + 25 ms)" \
	[ $((t_take - t_gone)) -le $((SKEW2_MS + 25)) ]
check "removed VI_1: d1 removed its VIP" wait_for 2 v_no_vip d1 $VIP
sleep 0.5
check "VI_2 on the same socket still advertises" [ "$(v_field d1 VI_2 adverts_sent)" -gt $((tx2 + 3)) ]
check "VI_2: no send errors" [ "$(v_field d1 VI_2 send_errors)" = 0 ]
check "VI_2: still master, one transition" \
	eval "v_state_is d1 VI_2 MASTER && [ \"\$(v_field d1 VI_2 transitions)\" = 2 ]"

# (4) priority changes
conf1 200 1 >"$V_DIR/d1.conf"
reload_d1
check "VI_1 back at 200 (210): d1 preempts" wait_for 3 v_state_is d1 VI_1 MASTER
check "... and d2 steps down" wait_for 2 v_state_is d2 VI_1 BACKUP
trm=$(v_field d1 VI_1 transitions)
conf1 100 1 >"$V_DIR/d1.conf"
reload_d1
check "priority lowered to 100 (110): the master advertises it" \
	wait_for 2 eval "[ \"\$(v_field d1 VI_1 priority)\" = 110 ]"
check "priority lowered: d2 (155) preempts" wait_for 3 v_state_is d2 VI_1 MASTER
check "priority lowered: d1 backup (one transition)" \
	eval "v_state_is d1 VI_1 BACKUP && [ \"\$(v_field d1 VI_1 transitions)\" = $((trm + 1)) ]"
conf1 200 1 >"$V_DIR/d1.conf"
reload_d1
check "priority raised to 200: d1 preempts back" wait_for 3 v_state_is d1 VI_1 MASTER
check "final: one VIP holder" wait_for 2 eval "v_has_vip d1 $VIP && v_no_vip d2 $VIP"
check "VI_2 never left master" [ "$(v_field d1 VI_2 transitions)" = 2 ]
v_done
