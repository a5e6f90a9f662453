#!/bin/bash
# Fault: a SIGHUP storm -- 100 reloads in about 10 s on the master while
# traffic flows to the VIP (a client fetches a page from it 20 times a second) and the
# backup watches. No transition on either side, no priority 0, the VIP never
# leaves the master, the client loses (almost) nothing, and the master's
# memory is stable: VmRSS after 20 warm-up reloads, after 50 more and after
# 100 more; a steady growth (a leak per reload) fails. (The VRRP part on the
# host kernel; valgrind's exact leak count: fault-valgrind.sh.)
. "$top_srcdir/tests/netns/lib-vrrp.sh"

VIP=192.168.168.100
v_bridge
v_host d1 192.168.168.50/24
v_host d2 192.168.168.51/24
v_host cl 192.168.168.9/24
cat >"$V_DIR/d1.conf" <<CONF
global { router_id = d1 }
vrrp_script up { script = /bin/true  interval = 0.5  weight = 10 }
vrrp_instance VI_1 {
    interface = eth0
    virtual_router_id = 51
    priority = 150
    advert_int = 0.1
    virtual_ipaddress = { $VIP/24 }
    track_script = { up }
}
vrrp_instance VI_2 {
    interface = eth0
    virtual_router_id = 52
    priority = 150
    advert_int = 0.1
    virtual_ipaddress = { 192.168.168.101/24 }
}
CONF
v_conf "$V_DIR/d2.conf" d2 100
v_start d2 "$V_DIR/d2.conf"
v_start d1 "$V_DIR/d1.conf"
check "d1 master" wait_for 4 v_state_is d1 VI_1 MASTER
check "d2 backup" wait_for 4 v_state_is d2 VI_1 BACKUP
sleep 0.5
rss() { hd_rss_kb "$(v_pid d1)"; }
reloads() { grep -c "reload complete" "$V_DIR/d1.log"; }
storm() { hd_hup_storm "$(v_pid d1)" "$1"; } # N: N SIGHUPs, one every 100 ms

storm 20
wait_for 3 eval "[ \$(reloads) -ge 15 ]"
rss0=$(rss)
tr1=$(v_field d1 VI_1 transitions); tr2=$(v_field d2 VI_1 transitions)
p0=$(v_field d2 VI_1 prio0_received)
n0=$(reloads)
check "ip monitor records d2's addresses" v_monitor d2 "$V_DIR/mon.txt"
# traffic: an HTTP server on the directors, a client fetching from the VIP
# 20 times a second until told to stop (prints "answered sent")
for d in d1 d2; do
	(cd "$V_DIR" && exec ip netns exec "$(nsof $d)" python3 -m http.server 8080 >/dev/null 2>&1) &
	disown $!
done
wait_for 5 ip netns exec "$(nsof cl)" python3 -c "import urllib.request; urllib.request.urlopen('http://$VIP:8080/', timeout=1)"
hd_storm_traffic "$(v_pid d1)" "$(nsof cl)" "http://$VIP:8080/" 1 "$V_DIR/ping.txt" 0.5
check "ip monitor recorded to the end" v_monitor_end d2 "$V_DIR/mon.txt"
n=$(( $(reloads) - n0 ))
echo "# 100 SIGHUPs in $HD_STORM_MS ms: $n reloads completed; client HTTP requests to the VIP: $HD_RX/$HD_TX answered"
echo "# VmRSS (kB): after 20 warm-up reloads $rss0, after 50 more $HD_RSS1, after 100 more $HD_RSS2"
hd_check_storm storm "$n" 150
check "reloads: no failure" absent 'reload failed' "$V_DIR/d1.log"
check "no transition on the master (VI_1)" same_num "$(v_field d1 VI_1 transitions)" "$tr1"
check "no transition on the backup" same_num "$(v_field d2 VI_1 transitions)" "$tr2"
check "no priority 0 advert" same_num "$(v_field d2 VI_1 prio0_received)" "$p0"
check "VI_2 (no peer) stayed master" eval "v_state_is d1 VI_2 MASTER && [ \"\$(v_field d1 VI_2 transitions)\" = 2 ]"
check "the VIP never appeared on the backup" absent "$VIP/" "$V_DIR/mon.txt"
check "track_script verdict kept (priority 160)" [ "$(v_field d1 VI_1 priority)" = 160 ]
hd_check_rss "100 reloads" "$rss0" "$HD_RSS1" "$HD_RSS2"
check "end: one master, VIP on d1 only" \
	eval "v_state_is d1 VI_1 MASTER && v_state_is d2 VI_1 BACKUP && v_has_vip d1 $VIP && v_no_vip d2 $VIP"
v_done
