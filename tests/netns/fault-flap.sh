#!/bin/bash
# Faults on the link: (1) the master's link flapped 100 times (down, up,
# quickly); (2) a partition between the directors (bridge ports isolated)
# made and healed 20 times, long enough each time for a split brain. After
# each heal, and at the end: exactly one master, the VIP on exactly one
# director (the part of vrrp-monitor.sh that heals one partition, repeated).
. "$top_srcdir/tests/netns/lib-vrrp.sh"

VIP=192.168.168.100
FLAPS=${HD_FAULT_FLAPS:-100}
PARTS=${HD_FAULT_PARTITIONS:-20}
v_pair d2
D1=$(nsof d1)

# (1) link flaps: down 20 ms, up 50 ms
f0=$(grep -c -- '-> FAULT (interface down)' "$V_DIR/d1.log")
t0=$(now_ms)
for i in $(seq "$FLAPS"); do
	ip -n "$D1" link set eth0 down
	sleep 0.02
	ip -n "$D1" link set eth0 up
	sleep 0.05
done
echo "# $FLAPS flaps in $(( $(now_ms) - t0 )) ms"
faults=$(( $(grep -c -- '-> FAULT (interface down)' "$V_DIR/d1.log") - f0 ))
echo "# d1 went to FAULT $faults times"
check "flaps: the daemon saw them (>= $((FLAPS / 2)) faults, saw $faults)" [ "$faults" -ge $((FLAPS / 2)) ]
check "flaps: d1 still running" kill -0 "$(v_pid d1)"
check "flaps: back to one master (d1), VIP on d1 only" wait_for 5 v_one_master $VIP
check "flaps: no address errors" absent 'adding .*: \|removing .*: ' "$V_DIR/d1.log"
check "flaps: d1 sends adverts again" eval "a=\$(v_field d2 VI_1 adverts_received); sleep 0.3; [ \$(v_field d2 VI_1 adverts_received) -gt \$a ]"

# (2) partitions healed
isolate() { for p in "$V_PORT_d1" "$V_PORT_d2"; do ip -n "$V_BR" link set dev "$p" type bridge_slave isolated "$1"; done; }
split=0 healed=0
for i in $(seq "$PARTS"); do
	isolate on
	wait_for 4 eval "v_is d2 MASTER && v_has_vip d2 $VIP && v_is d1 MASTER" && split=$((split + 1))
	isolate off
	if wait_for 4 v_one_master $VIP; then healed=$((healed + 1)); else echo "# partition $i: not healed"; fi
done
check "partitions: split brain each time ($split/$PARTS)" [ "$split" = "$PARTS" ]
check "partitions: healed to one master each time ($healed/$PARTS)" [ "$healed" = "$PARTS" ]
sleep 0.5
check "end: exactly one master, VIP on exactly one director" v_one_master $VIP
v_done
