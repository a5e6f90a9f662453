#!/bin/bash
# A director whose own link goes down must not judge its real servers dead
# (issue 23: a VRRP master's checks failed during its link loss, deleted
# every IPVS destination, the kernel dropped their connection entries, and
# when it came back and preempted it reset every connection). Two real
# servers, tcp_check fall 1; the director's link loses its carrier (the far
# end set down), then is set down by hand: the checks that get no answer
# are held (outcome director_link_down), both servers stay up (status,
# no "up -> down" in the log), the log and the metrics say so. A server
# that really died meanwhile is found when the link is back; a server that
# dies while every link is up is removed as before. An interface that is
# down for good (dx0) holds nothing: R3, which has no route at all, fails.
# The egress of each target is asked of the kernel once per change of the
# links, routes or addresses, not once per failed check: strace counts the
# route queries while a second virtual server doubles the checks through
# the cut (other timeouts: checks of their own); the route events that
# move the answers are listened to only while a link is down. Only a link
# some check goes through is logged at notice.
. "$top_srcdir/tests/netns/lib.sh"
. "$top_srcdir/tests/netns/lib-hc.sh"

t_bridge
D=$(t_ns d)
PEER=vlk$$
PEER=${PEER:0:15}
hd_veth "$D" eth0 10.95.0.1/24 "$PEER" "$T_BR" br0
ip -n "$D" link add dx0 type veth peer name dx1 # down throughout
for i in 1 2; do
	R[$i]=$(t_ns r$i)
	t_link "${R[$i]}" eth0 10.95.0.1$i/24
	listen $i
done
VS=10.95.0.100:80
cat >"$T_DIR/hc.conf" <<CONF
virtual_server $VS {
    lb_kind = dr
    delay_loop = 0.5
    real_server 10.95.0.11:80 { tcp_check { connect_timeout = 0.3  fall = 1  rise = 1 } }
    real_server 10.95.0.12:80 { tcp_check { connect_timeout = 0.3  fall = 1  rise = 1 } }
    real_server 10.97.0.9:80 { tcp_check { connect_timeout = 0.3  fall = 1  rise = 1 } }
}
virtual_server 10.95.0.101:80 {
    lb_kind = dr
    delay_loop = 0.5
    real_server 10.95.0.11:80 { tcp_check { connect_timeout = 0.4  fall = 1  rise = 1 } }
    real_server 10.95.0.12:80 { tcp_check { connect_timeout = 0.4  fall = 1  rise = 1 } }
}
CONF
metric() { "$HDCTL" -s "$SOCK" metrics | awk -v m="$1" '$1 == m { print $2 }'; }
held_n() { [ "$(metric hadirector_checks_held_link_down_total)" -ge "$1" ]; }
outcome() { status && [ "$(rs $VS "$1" 'checkers[0].outcome')" = "$2" ]; }
# "up -> down" lines of RS (default: any) logged since the mark
mark() { MARK=$(wc -l <"$T_DIR/hd.log"); }
downs() { tail -n +$((MARK + 1)) "$T_DIR/hd.log" | grep -c "${1:-}.* of $VS: up -> down"; }
# a route socket in the daemon's namespace (only the daemon has one there)
# is in the IPv4 or IPv6 route group (/proc/net/netlink: groups 7 and 11)
routes_watched() {
	local sk eth pid groups rest
	while read -r sk eth pid groups rest; do
		[ "$eth" = 0 ] && ((0x$groups & 0x440)) && return 0
	done < <(ip netns exec "$D" cat /proc/net/netlink | tail -n +2)
	return 1
}
# queries NAME: for 2 s, the checks held and the daemon's netlink requests
# and connects (strace, in the namespace: it decodes netlink by asking the
# namespace's sock_diag; the checks it saw prove it was attached); at most
# one route query per target (3) and one address dump while many more
# checks are held
queries() {
	ip netns exec "$D" strace -f -qq -p "$HDPID" -e trace=sendto,sendmsg,connect -o "$T_DIR/strace.$1" &
	local st=$! h0 h1
	sleep 0.5 # attached
	h0=$(metric hadirector_checks_held_link_down_total)
	sleep 2
	h1=$(metric hadirector_checks_held_link_down_total)
	kill "$st"
	wait "$st"
	check "$1: checks held meanwhile ($((h1 - h0)))" [ $((h1 - h0)) -ge 10 ]
	local q a
	q=$(grep -c RTM_GETROUTE "$T_DIR/strace.$1")
	a=$(grep -c RTM_GETADDR "$T_DIR/strace.$1")
	check "$1: strace saw the checks" [ "$(grep -c '^[0-9]* *connect(' "$T_DIR/strace.$1")" -ge 8 ]
	check "$1: route queries ($q): at most one per target" [ "$q" -le 3 ]
	check "$1: address dumps ($a): at most one" [ "$a" -le 1 ]
}

hc_start "$D" "$T_DIR/hc.conf"
check "daemon answers" wait_for 5 "$HDCTL" -s "$SOCK" ping
for i in 1 2; do check "R$i up" wait_for 5 is $VS 10.95.0.1$i:80 state up; done
check "R3 (no route; dx0 down for good) fails: down" wait_for 5 is $VS 10.97.0.9:80 state down
check "...with its own outcome, not held" is $VS 10.97.0.9:80 'checkers[0].outcome' connect_error
sleep 1
mark # (a listener slower to start than the daemon's first checks was down once)

# 1. the carrier goes (the far end of the director's link set down)
ip -n "$T_BR" link set "$PEER" down
check "the carrier loss is logged" wait_for 3 grep -q 'interface eth0 down' "$T_DIR/hd.log"
for i in 1 2; do
	check "R$i: its check says director_link_down" wait_for 5 outcome 10.95.0.1$i:80 director_link_down
done
check "metrics: held checks counted" wait_for 3 held_n 4
check "metrics: links down (eth0, dx0, dx1)" [ "$(metric hadirector_links_down)" = 3 ]
check "links no check goes through (dx0, dx1) are not logged at notice" \
	absent 'interface dx[01] down' "$T_DIR/hd.log"
queries carrier
check "the cut: route events watched (the answers kept depend on them)" routes_watched
sleep 2 # four more rounds of fall-1 checks through the dead link
for i in 1 2; do
	check "R$i still up after 3 s without carrier" is $VS 10.95.0.1$i:80 state up
	check "R$i: its checker too" is $VS 10.95.0.1$i:80 'checkers[0].state' up
done
check "no real server judged down" [ "$(downs)" = 0 ]
check "the hold is logged, naming the link" grep -q "no answer while the director's own link is down (eth0)" \
	"$T_DIR/hd.log"
# R2 really dies while the director cannot see it
kill "${L[2]}"
ip -n "$T_BR" link set "$PEER" up
check "R1 answers again (ok)" wait_for 5 outcome 10.95.0.11:80 ok
check "R2's death found once the link is back" wait_for 5 is $VS 10.95.0.12:80 state down
check "...by its own failure (connect refused)" is $VS 10.95.0.12:80 'checkers[0].outcome' connect_refused
check "R1 never left" [ "$(downs 10.95.0.11:80)" = 0 ]
check "the return is logged with the count" grep -q 'interface eth0 up: [0-9]* failed checks were held' \
	"$T_DIR/hd.log"
listen 2
check "R2 back" wait_for 5 is $VS 10.95.0.12:80 state up
# a check held in the grace after the return says nothing more (it said
# "interface eth0 down" again once, 36 ms after "up")
check "no 'interface eth0 down' after its return" awk '/interface eth0 up: / { up = 1; next }
	up && /interface eth0 down/ { bad = 1 } END { exit !(up && !bad) }' "$T_DIR/hd.log"
mark

# 2. the director's interface set down by hand (its routes go with it)
ip -n "$D" link set eth0 down
for i in 1 2; do
	check "admin down: R$i held" wait_for 5 outcome 10.95.0.1$i:80 director_link_down
done
queries admin-down
check "admin down: no real server judged down" [ "$(downs)" = 0 ]
ip -n "$D" link set eth0 up
for i in 1 2; do check "admin up: R$i ok" wait_for 5 outcome 10.95.0.1$i:80 ok; done
check "admin up: no real server judged down" [ "$(downs)" = 0 ]

# 3. events lost: while the daemon is stopped 100 veth pairs come, change
# their MTU 10 times each (4,000 link events: far more than its socket
# holds) and go, then the carrier goes; the link view reads every link
# again: eth0 is down, the checks through it are held, and none of the
# links made and deleted meanwhile is left in it (those whose creation was
# read, queued before the loss: they would count as down)
for i in $(seq 100); do echo "link add fl$i type veth peer name fm$i"; done >"$T_DIR/add"
for m in $(seq 1400 1409); do
	for i in $(seq 100); do echo "link set fl$i mtu $m"; done
done >"$T_DIR/mtu"
for i in $(seq 100); do echo "link del fl$i"; done >"$T_DIR/del"
kill -STOP "$HDPID"
ip -n "$D" -batch "$T_DIR/add"
ip -n "$D" -batch "$T_DIR/mtu"
ip -n "$D" -batch "$T_DIR/del"
ip -n "$T_BR" link set "$PEER" down
kill -CONT "$HDPID"
check "events lost: logged" wait_for 5 grep -q 'links: netlink events lost' "$T_DIR/hd.log"
for i in 1 2; do
	check "events lost: R$i held (eth0 down: read again)" \
		wait_for 5 outcome 10.95.0.1$i:80 director_link_down
done
check "events lost: links down eth0, dx0, dx1, no link gone meanwhile" \
	wait_for 3 eval '[ "$(metric hadirector_links_down)" = 3 ]'
ip -n "$T_BR" link set "$PEER" up
for i in 1 2; do check "events lost, carrier back: R$i ok" wait_for 5 outcome 10.95.0.1$i:80 ok; done

# 4. every link up: a dead server is removed as before
sleep 1.5 # past the grace after the link's return
kill "${L[1]}"
ip -n "$D" link del dx0 # (its peer dx1 goes with it): no link down is left
check "metrics: no link down once dx0 is deleted" wait_for 3 eval '[ "$(metric hadirector_links_down)" = 0 ]'
check "every link up: route events no longer watched" wait_for 3 eval '! routes_watched'
check "R1 dies with the links up: down" wait_for 5 is $VS 10.95.0.11:80 state down
check "...connect refused, not held" is $VS 10.95.0.11:80 'checkers[0].outcome' connect_refused
check "daemon alive" kill -0 "$HDPID"
kill -TERM "$HDPID"; wait "$HDPID"
check "SIGTERM: clean exit" test $? -eq 0
t_done
