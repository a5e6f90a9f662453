#!/bin/bash
# Inside the VM: program N virtual services x M real servers (default 1000 x 10) from cold, timed
# side by side with `ipvsadm -R` loading the same table in another namespace; then a reload with
# the config unchanged and one with one weight changed. Checks the counts that must hold (same
# table as ipvsadm's, zero writes, one write); prints the timings against the targets (cold
# apply no slower than ipvsadm -R, the one-weight reload under 10 ms) without failing on them:
# an emulated VM on a loaded host times nothing reliably.
. "$(dirname "$0")/../lib.sh"

N=${IPVS_BENCH_SERVICES:-1000}
M=${IPVS_BENCH_DESTS:-10}
SOCK=/tmp/hd-bench.sock
CONF=$VM_DIR/hd.conf

assert "ip_vs and wrr load" vm_load_ipvs wrr
mkns() { # NAME: a namespace with 10.0.0.1/8, so every real server below is routable
	local ns
	ns=$(vm_ns "$1")
	ip -n "$ns" link add d0 type veth peer name d1
	ip -n "$ns" addr add 10.0.0.1/8 dev d0
	ip -n "$ns" link set d0 up
	ip -n "$ns" link set d1 up
	echo "$ns"
}
LB=$(mkns lb)
REF=$(mkns ref)

gen() { # W0: weight of the very first real server
	awk -v n="$N" -v m="$M" -v w0="$1" -v conf="$CONF" -v rest="$VM_DIR/restore" 'BEGIN {
		print "global {\n    router_id = bench\n}" >conf
		for (i = 0; i < n; i++) {
			vip = sprintf("10.100.%d.%d:80", int(i / 250), i % 250 + 1)
			printf "virtual_server %s {\n    lb_algo = wrr\n    lb_kind = dr\n", vip >conf
			printf "-A -t %s -s wrr\n", vip >rest
			for (j = 0; j < m; j++) {
				rip = sprintf("10.%d.%d.%d:80", 200 + j, int(i / 250), i % 250 + 1)
				w = (i == 0 && j == 0) ? w0 : 1
				printf "    real_server %s { weight = %d }\n", rip, w >conf
				printf "-a -t %s -r %s -g -w %d\n", vip, rip, w >rest
			}
			print "}" >conf
		}
	}'
}
ms_since() { echo $((($(date +%s%N) - $1) / 1000000)); }
jnum() { "$HDCTL" -s "$SOCK" status --json 2>/dev/null | grep -o "\"$1\":[0-9]*" | head -n 1 | cut -d: -f2; }
json_pass() { "$HDCTL" -s "$SOCK" status --json | grep -o '"last_pass_usec":[0-9]*,"last_write_pass":{[^}]*}'; }

gen 1
total=$((N * (M + 1)))
echo "table: $N services x $M real servers = $total entries"

t=$(date +%s%N)
ip netns exec "$REF" ipvsadm -R <"$VM_DIR/restore"
ref_ms=$(ms_since "$t")
echo "ipvsadm -R: $ref_ms ms"
ip netns exec "$REF" ipvsadm --save -n | sort >"$VM_DIR/ref.save"
check "ipvsadm -R loaded $total entries" test "$(wc -l <"$VM_DIR/ref.save")" -eq "$total"

t=$(date +%s%N)
ip netns exec "$LB" "$HD" -n -l -f "$CONF" -p /tmp/hd-bench.pid -s "$SOCK" >"$VM_DIR/hd.log" 2>&1 &
HDPID=$!
VM_PIDS+=("$HDPID")
wait_for 120 sh -c "test \"\$(\"$HDCTL\" -s $SOCK status --json 2>/dev/null | grep -o '\"netlink_writes\":[0-9]*' | cut -d: -f2)\" -ge $total"
start_ms=$(ms_since "$t")
pass=$(json_pass)
pass_us=$(echo "$pass" | grep -o '"usec":[0-9]*' | cut -d: -f2)
echo "hadirector from exec to table done (config parse, start, polling included): $start_ms ms"
echo "hadirector cold reconcile pass (build, dump, diff, $total writes, re-read): $((pass_us / 1000)) ms"
ip netns exec "$LB" ipvsadm --save -n | sort >"$VM_DIR/lb.save"
check "the daemon's table equals ipvsadm -R's" cmp -s "$VM_DIR/lb.save" "$VM_DIR/ref.save"
check "cold start: one write per entry ($total)" test "$(jnum netlink_writes)" -eq "$total"
if [ $((pass_us / 1000)) -le "$ref_ms" ]; then r=met; else r=MISSED; fi
echo "target cold apply <= ipvsadm -R: $r ($((pass_us / 1000)) ms vs $ref_ms ms)"

reload() {
	local n
	n=$(jnum reloads_ok)
	kill -HUP "$HDPID"
	wait_for 60 sh -c "test \"\$(\"$HDCTL\" -s $SOCK status --json | grep -o '\"reloads_ok\":[0-9]*' | cut -d: -f2)\" -gt $n"
	sleep 0.5
}
w0=$(jnum netlink_writes)
reload
check "reload, config unchanged: zero writes" test "$(jnum netlink_writes)" -eq "$w0"
gen 7
reload
check "reload, one weight changed: exactly one write" test "$(jnum netlink_writes)" -eq $((w0 + 1))
pass=$(json_pass)
pass_us=$(echo "$pass" | grep -o '"usec":[0-9]*' | cut -d: -f2)
check "the last pass that wrote made one write" sh -c "echo '$pass' | grep -q '\"writes\":1}'"
if [ "$pass_us" -lt 10000 ]; then r=met; else r=MISSED; fi
echo "target one-weight reload < 10 ms: $r ($pass_us us for the reconcile pass: rebuild of the"
echo "  desired table from the new config, diff, one write, re-read of that one service)"
check "the kernel has the new weight" sh -c "ip netns exec $LB ipvsadm -Ln -t 10.100.0.1:80 | grep -Eq '10\.200\.0\.1:80 +Route +7 '"

t=$(date +%s%N)
kill -TERM "$HDPID"
wait "$HDPID"
echo "stop (removes $N services): $(ms_since "$t") ms"
check "stopped: the table is empty" test -z "$(ip netns exec "$LB" ipvsadm --save -n)"
[ "$VM_FAILS" -eq 0 ] || tail -n 30 "$VM_DIR/hd.log"
vm_done
