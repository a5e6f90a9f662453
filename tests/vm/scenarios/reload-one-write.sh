#!/bin/bash
# Inside the VM: the reload bench's configuration (tests/bench/reload-scale-gen.awk: virtual
# servers with tcp checks and a VRRP instance; RELOAD_VS / RELOAD_RS set the size) with some real
# servers down, then (1) a reload of the same file makes no IPVS write, (2) a reload that changes
# one weight makes exactly one, (3) the kernel table is the expected one after each. The down
# servers make the health state part of it: a reload that restarted their checks as up would
# re-add them (writes), one that rebuilt the table wholesale would rewrite it.
. "$(dirname "$0")/../lib.sh"

NVS=${RELOAD_VS:-300}
NRS=${RELOAD_RS:-4900}
SOCK=/tmp/hd-reload.sock
GEN=$top_srcdir/tests/bench/reload-scale-gen.awk
POLL=$top_builddir/tests/bench/ipvs-poll

assert "ip_vs and wrr load" vm_load_ipvs wrr
assert "ipvs-poll is built (make tests/bench/ipvs-poll)" test -x "$POLL"
# LB, RS; real servers 10.0.1.0-10.0.1.255 (k = 255..510) fail their check at once
assert "the real servers' listener is up" vm_bench_rs
PEER=$(vm_ns peer)
vm_veth "$LB" "$PEER" vr0 192.168.50.1

# delay_loop 30 and warmup 30 (the generator gives each check warmup = delay): every check has
# run once 30 s after the start; the tables expected once the down ones are out
for v in 1 2; do
	awk -f "$GEN" -v nvs="$NVS" -v nrs="$NRS" -v delay=30 -v variant=$v -v out="$VM_DIR"
	grep -v ' 0A0001[0-9A-F][0-9A-F]:0050 ' "$VM_DIR/exp-$v.txt" >"$VM_DIR/up-$v.txt"
	read -r H[$v] S[$v] D[$v] <<<"$("$POLL" -e "$VM_DIR/up-$v.txt")"
done
down=$(($(wc -l <"$VM_DIR/exp-1.txt") - $(wc -l <"$VM_DIR/up-1.txt")))
echo "table: ${S[1]} services, ${D[1]} real servers up and $down down"
check "some real servers are down by construction" test "$down" -ge 100

cp "$VM_DIR/hd-1.conf" "$VM_DIR/cur.conf"
ip netns exec "$LB" "$HD" -n -l -f "$VM_DIR/cur.conf" -p /tmp/hd-reload.pid -s "$SOCK" >"$VM_DIR/hd.log" 2>&1 &
HDPID=$!
VM_PIDS+=("$HDPID")
writes() { "$HDCTL" -s "$SOCK" metrics | awk '$1 == "hadirector_ipvs_netlink_writes_total" { print $2 }'; }
table_is() { ip netns exec "$LB" "$POLL" -w "$1" -i 200 -t "$2" >/dev/null; }
assert "every check ran and the down servers left the table" table_is "${H[1]}" 150
sleep 1 # the pass that matched has ended; what follows is the reloads' only
reload() { # VARIANT: SIGHUP with that file, wait for the reload and its pass
	local n
	n=$("$HDCTL" -s "$SOCK" status | sed -n 's/^reloads: \([0-9]*\) ok.*/\1/p')
	cp "$VM_DIR/hd-$1.conf" "$VM_DIR/cur.conf"
	kill -HUP "$HDPID"
	wait_for 120 sh -c "\"$HDCTL\" -s $SOCK status | grep -q '^reloads: $((n + 1)) ok'"
	sleep 2 # the pass after the reload, and anything a wrong reload would do after it
}
w0=$(writes)
reload 1
check "reload, file unchanged: zero IPVS writes ($w0 -> $(writes))" test "$(writes)" -eq "$w0"
check "  and the table is unchanged (down servers still out)" table_is "${H[1]}" 5
w0=$(writes)
reload 2
check "reload, one weight changed: exactly one IPVS write ($w0 -> $(writes))" test "$(writes)" -eq $((w0 + 1))
check "  and the table is the new one (weight 5, down servers still out)" table_is "${H[2]}" 30
check "  the kernel has the new weight" sh -c \
	"ip netns exec $LB ipvsadm -Ln -t 172.20.0.1:80 | grep -Eq '10\.0\.0\.1:80 +Route +5 '"
check "the daemon is alive" kill -0 "$HDPID"
[ "$VM_FAILS" -eq 0 ] || tail -n 30 "$VM_DIR/hd.log"
vm_done
