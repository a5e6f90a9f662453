#!/bin/bash
# Routes, policy rules and static addresses on the kernel (static_address,
# static_route, static_rule, virtual_route, virtual_rule): the master holds
# its instance's routes and rules (IPv4 and IPv6, a gateway, a multipath, a
# source address that is a VIP, another table, a metric, unreachable) and
# the backup none; both hold the static ones. A failover moves the virtual
# ones and leaves the static ones; a reload that adds one route and removes
# another writes exactly those two (ip monitor sees no other route or rule
# change: no flap); routes the kernel drops when an interface goes down
# are put back when it comes up, one deleted by hand at the next reload;
# routes and rules the daemon did not add, one of them in
# a slot a configured route wants, are never touched, also not at stop;
# after SIGKILL the next start removes the leftovers; a stop removes the
# static ones and the backup-side fault removes the virtual ones.
. "$top_srcdir/tests/netns/lib-vrrp.sh"

VIP=192.168.168.100
v_bridge
v_host d1 192.168.168.50/24 2001:db8:168::50/64
v_host d2 192.168.168.51/24 2001:db8:168::51/64
v_link d1 eth1 br1 10.9.0.1/24
v_link d2 eth1 br1 10.9.0.2/24
for h in d1 d2; do
	ip -n "$(nsof $h)" addr add 2001:db8:9::${h#d}/64 dev eth1 nodad
	# not ours: a route, a rule, and the very route the file wants (all
	# but its protocol): the daemon must neither take it over nor remove it
	ip -n "$(nsof $h)" route add 10.30.0.0/24 via 10.9.0.254
	ip -n "$(nsof $h)" rule add from 10.31.0.0/24 table 100 pref 3000
	ip -n "$(nsof $h)" route add 10.24.0.0/24 via 10.9.0.253
done

hd_conf() { # FILE NAME PRIO
	cat >"$1" <<CONF
global { router_id = $2 }
static_address 10.77.0.${2#d}/32 { dev = eth1 }
static_route { to = 10.50.0.0/24  via = 10.9.0.254 }
static_route { to = 10.51.0.0/24  type = blackhole  table = 200 }
static_rule { from = 10.60.0.0/24  table = 200  priority = 1000 }
vrrp_instance VI_1 {
    interface = eth0
    virtual_router_id = 51
    priority = $3
    advert_int = 0.1
    virtual_ipaddress = { $VIP/24 }
    virtual_route { to = 10.20.0.0/24  via = 10.9.0.254 }
    virtual_route { to = 10.21.0.0/24  dev = eth1  src = $VIP }
    virtual_route { to = 10.22.0.0/24  via = { 10.9.0.253, 10.9.0.254 }  table = 100  metric = 5 }
    virtual_route { to = 10.23.0.0/24  type = unreachable }
    virtual_route { to = 10.24.0.0/24  via = 10.9.0.253 }
    virtual_route { to = 2001:db8:20::/48  via = 2001:db8:9::254  dev = eth1 }
    virtual_rule { from = 10.20.0.0/24  table = 100  priority = 2000 }
    virtual_rule { fwmark = 0x10/0xff  table = 100  priority = 2001 }
    virtual_rule { to = 2001:db8:21::/48  type = prohibit  priority = 2002 }
}
CONF
}

# ours NAME: the routes and rules of protocol 173 in NAME, one per line,
# sorted (ip leaves proto out of the routes it was asked to filter by it)
ours() {
	local ns
	ns=$(nsof "$1")
	{
		ip -n "$ns" -4 route show table all proto 173
		ip -n "$ns" -6 route show table all proto 173
		ip -n "$ns" -4 rule show | grep 'proto 173'
		ip -n "$ns" -6 rule show | grep 'proto 173'
	} 2>/dev/null | sed 's/ *$//' | sort
}
STATIC4='10.50.0.0/24 via 10.9.0.254 dev eth1
blackhole 10.51.0.0/24 table 200
1000:	from 10.60.0.0/24 lookup 200 proto 173'
has_static() { # NAME
	local o
	o=$(ours "$1")
	while read -r l; do grep -qF -- "$l" <<<"$o" || return 1; done <<<"$STATIC4"
	ip -n "$(nsof "$1")" -o addr show dev eth1 | grep -q "inet 10.77.0.${1#d}/32"
}
# has_virtual NAME: every virtual route and rule, as configured
has_virtual() {
	local o
	o=$(ours "$1")
	grep -qF '10.20.0.0/24 via 10.9.0.254 dev eth1' <<<"$o" &&
		grep -qF "10.21.0.0/24 dev eth1 scope link src $VIP" <<<"$o" &&
		grep -qF '10.22.0.0/24 table 100 metric 5' <<<"$o" &&
		ip -n "$(nsof "$1")" route show table 100 10.22.0.0/24 | grep -q 'nexthop via 10.9.0.253' &&
		ip -n "$(nsof "$1")" route show table 100 10.22.0.0/24 | grep -q 'nexthop via 10.9.0.254' &&
		grep -qF 'unreachable 10.23.0.0/24' <<<"$o" &&
		grep -qF '2001:db8:20::/48 via 2001:db8:9::254 dev eth1 metric 1024' <<<"$o" &&
		grep -qF '2000:	from 10.20.0.0/24 lookup 100 proto 173' <<<"$o" &&
		grep -qF '2001:	from all fwmark 0x10/0xff lookup 100 proto 173' <<<"$o" &&
		grep -qF '2002:	from all to 2001:db8:21::/48 prohibit proto 173' <<<"$o"
}
no_virtual() {
	local o
	o=$(ours "$1") || return 1
	! grep -Eq '10\.2[0-4]\.0\.0|2001:db8:2[01]|^200[0-2]:' <<<"$o"
}
# foreign NAME: the routes and rule the daemon did not add are as they were
# (and the one in a wanted slot, unless FOREIGN_SLOT_NAME=no)
foreign() {
	local ns slot
	ns=$(nsof "$1")
	slot=$(eval "echo \${FOREIGN_SLOT_$1:-yes}")
	ip -n "$ns" route show 10.30.0.0/24 | grep -q 'via 10.9.0.254 dev eth1' &&
		{ [ "$slot" = no ] ||
			ip -n "$ns" route show 10.24.0.0/24 | grep -qx '10.24.0.0/24 via 10.9.0.253 dev eth1 *'; } &&
		ip -n "$ns" rule show | grep -q '^3000:	from 10.31.0.0/24 lookup 100'
}

# (1) d1 master holds the virtual routes and rules, d2 none; both hold the
# static ones; the route whose slot is taken is reported, not forced
hd_conf "$V_DIR/d1.conf" d1 150
hd_conf "$V_DIR/d2.conf" d2 100
v_start d1 "$V_DIR/d1.conf"
v_start d2 "$V_DIR/d2.conf"
check "d1 master" wait_for 4 v_state_is d1 VI_1 MASTER
check "d2 backup" wait_for 4 v_state_is d2 VI_1 BACKUP
check "d1 holds every virtual route and rule" wait_for 4 has_virtual d1
check "d2 holds none" no_virtual d2
check "d1 holds the static ones" has_static d1
check "d2 holds the static ones" has_static d2
check "foreign routes and rules untouched on d1" foreign d1
check "the occupied slot 10.24.0.0/24 is reported" \
	grep -q 'route 10.24.0.0/24 table 254 metric 0: the kernel has one there that hadirector did not add' "$V_DIR/d1.log"

# (2) failover (d2 preempts after a reload to priority 200): the virtual
# ones move, the static ones stay on both
hd_conf "$V_DIR/d2.conf" d2 200
kill -HUP "$(v_pid d2)"
check "d2 master" wait_for 4 v_state_is d2 VI_1 MASTER
check "d1 backup" wait_for 4 v_state_is d1 VI_1 BACKUP
check "d2 holds every virtual route and rule" wait_for 4 has_virtual d2
check "d1's virtual routes and rules are gone" wait_for 4 no_virtual d1
check "d1 keeps the static ones" has_static d1
check "d2 keeps the static ones" has_static d2
check "foreign routes and rules untouched on d1" foreign d1
check "foreign routes and rules untouched on d2" foreign d2

# (3) a reload on the master that adds one route and removes another:
# exactly those two change, nothing else flaps
ns2=$(nsof d2)
ip -n "$ns2" monitor route rule >"$V_DIR/mon.txt" 2>&1 &
mon=$!
sleep 0.3
sed -i -e 's|virtual_route { to = 10.23.0.0/24  type = unreachable }|virtual_route { to = 10.25.0.0/24  via = 10.9.0.254  metric = 7 }|' "$V_DIR/d2.conf"
n=$(grep -c "reload complete" "$V_DIR/d2.log")
kill -HUP "$(v_pid d2)"
check "reloaded" wait_for 3 eval "[ \$(grep -c 'reload complete' '$V_DIR/d2.log') -gt $n ]"
sleep 0.5
kill "$mon" 2>/dev/null
wait "$mon" 2>/dev/null
check "reload: 10.25.0.0/24 added" grep -qF '10.25.0.0/24 via 10.9.0.254 dev eth1 metric 7' <(ours d2)
check "reload: 10.23.0.0/24 removed" eval '! ip -n "$ns2" route show table all | grep -q 10.23.0.0'
check "reload: the monitor saw the addition" grep -q '^10.25.0.0/24' "$V_DIR/mon.txt"
check "reload: the monitor saw the removal" grep -q '^Deleted unreachable 10.23.0.0/24' "$V_DIR/mon.txt"
lines=$(grep -cv '^$' "$V_DIR/mon.txt")
check "reload: no other route or rule changed (2 lines, saw $lines)" [ "$lines" = 2 ]
[ "$lines" = 2 ] || sed 's/^/# monitor: /' "$V_DIR/mon.txt" # what else changed, for the log
check "still master" v_state_is d2 VI_1 MASTER

# (3b) the master's eth1 goes down and up: the kernel drops the routes
# through it without a word; the daemon puts them back when it comes up.
# A static route deleted by hand comes back at the next reconcile (a reload).
ip netns exec "$ns2" sysctl -qw net.ipv6.conf.eth1.keep_addr_on_down=1
ip -n "$ns2" link set eth1 down
check "eth1 down: the kernel dropped 10.20.0.0/24" \
	wait_for 2 eval '! ip -n "$ns2" route show 10.20.0.0/24 | grep -q .'
ip -n "$ns2" link set eth1 up
check "eth1 up: the virtual routes and rules are back" wait_for 4 eval 'o=$(ours d2) &&
	grep -qF "10.20.0.0/24 via 10.9.0.254 dev eth1" <<<"$o" &&
	grep -qF "10.21.0.0/24 dev eth1 scope link src $VIP" <<<"$o" &&
	grep -qF "10.25.0.0/24 via 10.9.0.254 dev eth1 metric 7" <<<"$o" &&
	grep -qF "2001:db8:20::/48 via 2001:db8:9::254 dev eth1 metric 1024" <<<"$o" &&
	grep -qF "2000:	from 10.20.0.0/24 lookup 100 proto 173" <<<"$o" &&
	ip -n "$ns2" route show table 100 10.22.0.0/24 | grep -q "nexthop via 10.9.0.253"'
# the kernel dropped the foreign routes through eth1 too, and the slot
# 10.24.0.0/24 is free now: the daemon takes it; the others set up again
check "eth1 up: the freed slot 10.24.0.0/24 is taken" \
	wait_for 2 eval 'ours d2 | grep -q "^10.24.0.0/24 via 10.9.0.253"'
ip -n "$ns2" route add 10.30.0.0/24 via 10.9.0.254
FOREIGN_SLOT_d2=no
check "eth1 up: the static ones are back" wait_for 4 has_static d2
check "eth1 up: said so" grep -q 'route 10.20.0.0/24 table 254 metric 0 was gone: put back' "$V_DIR/d2.log"
ip -n "$ns2" route del 10.50.0.0/24
n=$(grep -c "reload complete" "$V_DIR/d2.log")
kill -HUP "$(v_pid d2)"
check "reloaded" wait_for 3 eval "[ \$(grep -c 'reload complete' '$V_DIR/d2.log') -gt $n ]"
check "a static route deleted by hand is back after a reload" wait_for 2 has_static d2

# (4) a fault on the master (its interface down) removes its virtual ones
ip -n "$ns2" link set eth0 down
check "d2 in fault" wait_for 4 v_state_is d2 VI_1 FAULT
check "fault: d2's virtual routes and rules are gone" wait_for 4 no_virtual d2
check "fault: d2 keeps the static ones" has_static d2
check "d1 master again, with the virtual ones" wait_for 4 has_virtual d1
ip -n "$ns2" link set eth0 up

# (5) SIGKILL leaves d1's routes; the next start (as backup behind d2)
# removes what is left and adds the static ones again
check "d2 master again" wait_for 6 v_state_is d2 VI_1 MASTER
check "d1 master gave way" wait_for 4 no_virtual d1
v_stop d2 KILL
check "d1 master" wait_for 4 v_state_is d1 VI_1 MASTER
check "killed d2 left its routes and rules" \
	eval 'ours d2 | grep -q "^10.20.0.0/24" && ours d2 | grep -q "^2000:"'
hd_conf "$V_DIR/d2.conf" d2 100
v_start d2 "$V_DIR/d2.conf"
check "restarted d2 backup" wait_for 4 v_state_is d2 VI_1 BACKUP
check "restarted d2 removed the leftovers" wait_for 4 no_virtual d2
check "restarted d2 said so" grep -q 'routes and .* rules left by an earlier run' "$V_DIR/d2.log"
check "restarted d2 holds the static ones" has_static d2
check "foreign routes and rules untouched on d2" foreign d2

# (6) stop: everything of ours goes, the foreign ones stay
v_stop d1
v_stop d2
for h in d1 d2; do
	check "$h stopped: no route or rule of protocol 173 left" eval "[ -z \"\$(ours $h)\" ]"
	check "$h stopped: static address gone" \
		eval "! ip -n $(nsof $h) -o addr show dev eth1 | grep -q 10.77.0."
	check "$h stopped: foreign routes and rules untouched" foreign $h
done
v_done
