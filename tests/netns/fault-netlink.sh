#!/bin/bash
# Fault: the daemon's netlink monitor socket overruns (ENOBUFS: events were
# lost) -> it must resynchronise from the kernel's current state.
# (1) deterministic: the daemon is stopped (SIGSTOP) while thousands of
#     address changes are made on a veth interface (fl0) in its namespace and the
#     VIP is removed by hand; resumed, it reads ENOBUFS, logs the resync and
#     puts the VIP back (the RTM_DELADDR for it was among the lost events).
# (2) a flood while it runs: address add/remove on fl0 in a tight loop
#     while the VIP is removed by hand several times; the VIP comes back
#     every time (by the event or by a resync) and the daemon answers.
. "$top_srcdir/tests/netns/lib-vrrp.sh"

VIP=192.168.168.100
v_bridge
v_host d1 192.168.168.50/24
D1=$(nsof d1)
ip -n "$D1" link add fl0 type veth peer name fl1 # (no dummy module on every host)
ip -n "$D1" link set fl0 up
v_conf "$V_DIR/d1.conf" d1 150
v_start d1 "$V_DIR/d1.conf"
check "d1 master" wait_for 4 v_state_is d1 VI_1 MASTER
check "d1 holds the VIP" wait_for 2 v_has_vip d1 $VIP
tr0=$(v_field d1 VI_1 transitions)
restored0=$(v_field d1 VI_1 vips_restored)

# address batches: N adds then N removes of 10.X.Y.Z/32 on fl0
batch() { # N
	python3 - "$1" <<'PY'
import sys
n = int(sys.argv[1])
addrs = ["10.%d.%d.%d/32" % (i >> 16 & 255, i >> 8 & 255, i & 255) for i in range(1, n + 1)]
print("\n".join("addr add %s dev fl0" % a for a in addrs))
print("\n".join("addr del %s dev fl0" % a for a in addrs))
PY
}
batch 3000 >"$V_DIR/batch.txt"

# (1) overrun while stopped
kill -STOP "$(v_pid d1)"
ip -n "$D1" -batch "$V_DIR/batch.txt"
ip -n "$D1" addr del $VIP/24 dev eth0
kill -CONT "$(v_pid d1)"
check "stopped: the overrun is detected and logged" \
	wait_for 5 grep -q "netlink events lost: resynchronising" "$V_DIR/d1.log"
check "stopped: the VIP is restored by the resync" wait_for 5 v_has_vip d1 $VIP
check "stopped: the restore after the resync is logged" \
	grep -q "after netlink resync" "$V_DIR/d1.log"
check "stopped: vips_restored counted" [ "$(v_field d1 VI_1 vips_restored)" -gt "$restored0" ]
check "stopped: the daemon answers" eval "\"\$HDCTL\" -s \"\$V_DIR/d1.sock\" ping >/dev/null"
check "stopped: no transition" same_num "$(v_field d1 VI_1 transitions)" "$tr0"

# (2) flood while running: 4 rounds of 3000 adds + 3000 removes in the
# background, the VIP removed by hand during each
r0=$(grep -c "netlink events lost" "$V_DIR/d1.log")
back=0
for i in 1 2 3 4; do
	ip -n "$D1" -batch "$V_DIR/batch.txt" &
	flood=$!
	sleep 0.2
	ip -n "$D1" addr del $VIP/24 dev eth0
	wait "$flood"
	wait_for 5 v_has_vip d1 $VIP && back=$((back + 1))
done
resyncs=$(( $(grep -c "netlink events lost" "$V_DIR/d1.log") - r0 ))
echo "# flood while running: VIP back $back/4 times, $resyncs resyncs (overruns) during the flood"
check "flood: the VIP came back every time ($back/4)" [ "$back" = 4 ]
check "flood: the daemon answers" eval "\"\$HDCTL\" -s \"\$V_DIR/d1.sock\" ping >/dev/null"
check "end: one master, no transition, VIP held" \
	eval "v_state_is d1 VI_1 MASTER && [ \"\$(v_field d1 VI_1 transitions)\" = $tr0 ] && v_has_vip d1 $VIP"
v_done
