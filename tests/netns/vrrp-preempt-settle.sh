#!/bin/bash
# A higher-priority director must not preempt before its own health checks
# have run again: after a link loss its checks dropped the real servers, and
# taking the flows back with that table resets every connection the peer
# carries (the ECMP lab's VRRP phase: 1,000 of 1,000). d1 (150) and d2 (100)
# check one real server (tcp_check, rise 3, delay_loop 1); d1's link goes
# down (its check fails: down), d2 takes over, d1's link comes back: d1
# follows d2 while its check rises, and preempts only once the server is up
# again in d1's own view. A master that is gone is still taken over at once.
# A check that fails through d1's own link while it is down is held
# (director_link_down, hc-link-down.sh): d1's path to the real server is
# cut by a prohibit route just before its link goes, and restored with it.
. "$top_srcdir/tests/netns/lib-vrrp.sh"

VIP=192.168.168.100
v_bridge
v_host d1 192.168.168.50/24
v_host d2 192.168.168.51/24
v_host rs 192.168.168.10/24
ip netns exec "$(nsof rs)" python3 -c '
import socket
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", 80)); s.listen(128)
while True:
    c, _ = s.accept(); c.close()' </dev/null >/dev/null 2>&1 &
V_PIDS+=($!)
conf() { # NAME PRIO
	v_conf "$V_DIR/$1.conf" "$1" "$2"
	cat >>"$V_DIR/$1.conf" <<CONF
virtual_server 192.168.168.100:80 {
    delay_loop = 1
    lb_kind = dr
    real_server 192.168.168.10:80 { tcp_check { connect_timeout = 0.5  rise = 3  fall = 1 } }
}
CONF
}
conf d1 150
conf d2 100
v_start d1 "$V_DIR/d1.conf"
v_start d2 "$V_DIR/d2.conf"
rs_state() { v_status "$1" | jq -r '.healthcheck[0].real_servers[0].state'; }
check "d1 master" wait_for 8 v_state_is d1 VI_1 MASTER
check "d2 backup" wait_for 4 v_state_is d2 VI_1 BACKUP
check "d1 sees the real server up" wait_for 8 eval '[ "$(rs_state d1)" = up ]'

rs_path() { ip -n "$(nsof d1)" route "$1" prohibit 192.168.168.10/32; }
rs_path add
check "d1's check drops the real server" wait_for 6 eval '[ "$(rs_state d1)" = down ]'
nd=$(grep -n 'up -> down' "$V_DIR/d1.log" | tail -n 1 | cut -d: -f1)
ip -n "$(nsof d1)" link set eth0 down
check "d2 takes over while d1's link is down" wait_for 4 v_state_is d2 VI_1 MASTER
ip -n "$(nsof d1)" link set eth0 up
rs_path del
check "d1 backup again, hearing d2" wait_for 4 eval 'v_state_is d1 VI_1 BACKUP && [ "$(v_field d1 VI_1 master)" = 192.168.168.51 ]'
check "d1 preempts after its check has risen" wait_for 15 eval \
	'v_state_is d1 VI_1 MASTER && [ "$(rs_state d1)" = up ]'
# in d1's log after the drop: the real server's "down -> up" comes before
# the first "BACKUP -> MASTER"
first=$(awk -v nd="$nd" 'NR > nd && /down -> up/ { up = 1 }
	NR > nd && /BACKUP -> MASTER/ { print up ? "after" : "before"; exit }' "$V_DIR/d1.log")
check "d1 took over only after the real server was up in its view ($first)" [ "$first" = after ]
check "d1 said why it waited" grep -q 'following the lower-priority master until the health checks settle' "$V_DIR/d1.log"
check "d2 back to backup" wait_for 4 v_state_is d2 VI_1 BACKUP

# a master that is gone is taken over at once, settled or not: d1's check
# is rising again (rise 3) when d2 dies
rs_path add
check "d1's check drops the real server again" wait_for 6 eval '[ "$(rs_state d1)" = down ]'
ip -n "$(nsof d1)" link set eth0 down
check "d2 takes over again" wait_for 4 v_state_is d2 VI_1 MASTER
ip -n "$(nsof d1)" link set eth0 up
rs_path del
check "d1 backup again, waiting for its checks" wait_for 4 eval \
	'[ "$(grep -c "following the lower-priority master" "$V_DIR/d1.log")" -ge 2 ]'
kill -9 "$(v_pid d2)"
check "d1 takes over from the dead d2" wait_for 2 v_state_is d1 VI_1 MASTER
# in d1's log: no "down -> up" between the last drop and the takeover
nd=$(grep -n 'up -> down' "$V_DIR/d1.log" | tail -n 1 | cut -d: -f1)
nm=$(grep -n 'BACKUP -> MASTER' "$V_DIR/d1.log" | tail -n 1 | cut -d: -f1)
check "...before its check had risen (log lines $nd..$nm)" eval \
	'[ "$nm" -gt "$nd" ] && ! sed -n "${nd},${nm}p" "$V_DIR/d1.log" | grep -q "down -> up"'
v_done
