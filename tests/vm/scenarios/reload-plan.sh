#!/bin/bash
# Inside the VM: `hadirectorctl reload --plan` names the IPVS writes, and the
# reload that follows makes exactly those (issue 22). Four virtual services
# with tcp checks, two real servers down by construction (unreachable from
# the director). The new file: S1 a weight changed, a real server removed
# and one added, the weight of a down server changed (no write: it is not
# in the table); S2 its scheduler changed; S3 removed; S4 added with two
# real servers; one check's delay_loop changed on an up server (its probe
# restarts, its state carries over: no write). Checked:
# (1) the plan lists the expected writes with their fields;
# (2) making it changed nothing: the kernel table (ipvsadm -Ln) and the
#     daemon's write counter are as before;
# (3) the reload's writes (the daemon's debug log, in order) are the plan's
#     lines, one for one, and the write counter moved by their number;
# (4) the kernel table after the reload has the plan's new values.
. "$(dirname "$0")/../lib.sh"

SOCK=/tmp/hd-plan.sock
assert "ip_vs, rr and wlc load" vm_load_ipvs rr wlc
# LB, RS; 10.0.1.0/24 fail their check at once
assert "the real servers' listener is up" vm_bench_rs

rs() { # ADDR [WEIGHT [DELAY_LOOP]]
	echo "  real_server $1:80 { weight = ${2:-10}  tcp_check { connect_timeout = 0.5  delay_loop = ${3:-1} } }"
}
vs() { # ADDR SCHED: opens the section
	echo "virtual_server $1:80 {"
	echo "  lb_algo = $2  lb_kind = nat  delay_loop = 1"
}
{
	vs 172.20.0.1 wlc
	rs 10.0.0.1 10; rs 10.0.0.2 10; rs 10.0.0.3 10; rs 10.0.1.1 10
	echo "}"
	vs 172.20.0.2 rr
	rs 10.0.0.4 10; rs 10.0.0.5 10 1
	echo "}"
	vs 172.20.0.3 rr
	rs 10.0.0.6 10; rs 10.0.1.2 10
	echo "}"
} >"$VM_DIR/A.conf"
{
	vs 172.20.0.1 wlc
	rs 10.0.0.1 30; rs 10.0.0.3 10; rs 10.0.0.7 20; rs 10.0.1.1 40
	echo "}"
	vs 172.20.0.2 wlc
	rs 10.0.0.4 10; rs 10.0.0.5 10 2
	echo "}"
	vs 172.20.0.4 rr
	rs 10.0.0.8 5; rs 10.0.0.9 6
	echo "}"
} >"$VM_DIR/B.conf"
cp "$VM_DIR/A.conf" "$VM_DIR/cur.conf"
ip netns exec "$LB" "$HD" -n -l -v -v -f "$VM_DIR/cur.conf" -p /tmp/hd-plan.pid -s "$SOCK" \
	>"$VM_DIR/hd.log" 2>&1 &
HDPID=$!
VM_PIDS+=("$HDPID")
table() { ip netns exec "$LB" ipvsadm -Ln | sed 1,3d; }
writes() { "$HDCTL" -s "$SOCK" metrics | awk '$1 == "hadirector_ipvs_netlink_writes_total" { print $2 }'; }
assert "the daemon answers" wait_for 10 "$HDCTL" -s "$SOCK" ping
# the down servers are out after their first check: 3 + 2 + 1 up
assert "A's table: the down servers out" wait_for 20 sh -c \
	"[ \$(ip netns exec $LB ipvsadm -Ln | grep -c -- '->.*Masq') -eq 6 ]"
sleep 2.5 # two more rounds of checks: nothing moves any more
table >"$VM_DIR/t0.txt"
w0=$(writes)
sed 's/^/# /' "$VM_DIR/t0.txt"

# (1) the plan
PLAN="$VM_DIR/plan.txt"
check "reload --plan answers" eval "'$HDCTL' -s '$SOCK' reload --plan --file '$VM_DIR/B.conf' >'$PLAN'"
check "reload --plan --json answers" eval \
	"'$HDCTL' -s '$SOCK' reload --plan --json --file '$VM_DIR/B.conf' >'$VM_DIR/plan.json'"
sed 's/^/# /' "$PLAN"
# the write lines: after "ipvs: N writes", "  OP  FIELDS"
sed -n '/^ipvs: [0-9]* writes$/,$p' "$PLAN" | sed 1d | sed 's/^  //; s/  .*//' >"$VM_DIR/plan-ops.txt"
n_plan=$(wc -l <"$VM_DIR/plan-ops.txt")
has() { grep -qxF -- "$1" "$PLAN"; }
check "plan: S3 removed" has "  del-service TCP 172.20.0.3:80"
check "plan: S1's removed server" has "  del-dest TCP 172.20.0.1:80 -> 10.0.0.2:80"
check "plan: S1's weight 10 -> 30" has "  edit-dest TCP 172.20.0.1:80 -> 10.0.0.1:80  weight=10->30"
check "plan: S1's added server" has \
	"  add-dest TCP 172.20.0.1:80 -> 10.0.0.7:80  forward=nat weight=20 uthreshold=0 lthreshold=0"
check "plan: S2's scheduler" has "  edit-service TCP 172.20.0.2:80  scheduler=rr->wlc"
check "plan: S4 added" has "  add-service TCP 172.20.0.4:80  scheduler=rr flags=0x0"
check "plan: S4's servers" eval "has '  add-dest TCP 172.20.0.4:80 -> 10.0.0.8:80  forward=nat weight=5 uthreshold=0 lthreshold=0' && has '  add-dest TCP 172.20.0.4:80 -> 10.0.0.9:80  forward=nat weight=6 uthreshold=0 lthreshold=0'"
check "plan: 8 writes" [ "$n_plan" -eq 8 ]
check "plan: nothing for the down server's weight" absent "10.0.1.1" "$VM_DIR/plan-ops.txt"
check "plan: the changed delay_loop restarts that check" \
	grep -q "restarted check 1 (tcp) of real server 10.0.0.5:80 of TCP 172.20.0.2:80: dl=1000000->2000000" "$PLAN"
check "plan json: the same 8 writes" sh -c \
	"jq -r '.ipvs.writes[] | .op + \" \" + .service + (if .dest then \" -> \" + .dest else \"\" end)' '$VM_DIR/plan.json' | cmp -s - '$VM_DIR/plan-ops.txt'"

# (2) making it changed nothing
sleep 1
table >"$VM_DIR/t1.txt"
check "after the plan: the kernel table as before" cmp -s "$VM_DIR/t0.txt" "$VM_DIR/t1.txt"
check "after the plan: no IPVS write ($w0 -> $(writes))" [ "$(writes)" = "$w0" ]

# (3) the reload makes the plan's writes, no other
mark=$(wc -l <"$VM_DIR/hd.log")
cp "$VM_DIR/B.conf" "$VM_DIR/cur.conf"
check "reload of B" "$HDCTL" -s "$SOCK" reload
sleep 3 # the pass after it, and a few rounds of checks: nothing else moves
tail -n +"$((mark + 1))" "$VM_DIR/hd.log" |
	sed -n 's/.* debug: ipvs: \(\(add\|del\|edit\)-\(service\|dest\) .*\)/\1/p' >"$VM_DIR/done-ops.txt"
sed 's/^/# written: /' "$VM_DIR/done-ops.txt"
check "reload: its writes are the plan's, in order" cmp "$VM_DIR/plan-ops.txt" "$VM_DIR/done-ops.txt"
check "reload: the write counter moved by the plan's $n_plan ($w0 -> $(writes))" \
	[ "$(writes)" -eq $((w0 + n_plan)) ]

# (4) the kernel has the plan's values
table >"$VM_DIR/t2.txt"
sed 's/^/# /' "$VM_DIR/t2.txt"
check "kernel: S3 gone" absent "172.20.0.3:80" "$VM_DIR/t2.txt"
check "kernel: S2 wlc" grep -q "^TCP  172.20.0.2:80 wlc" "$VM_DIR/t2.txt"
check "kernel: S4 rr" grep -q "^TCP  172.20.0.4:80 rr" "$VM_DIR/t2.txt"
check "kernel: 10.0.0.1 weight 30" grep -Eq -- "-> 10\.0\.0\.1:80 +Masq +30 " "$VM_DIR/t2.txt"
check "kernel: 10.0.0.7 weight 20" grep -Eq -- "-> 10\.0\.0\.7:80 +Masq +20 " "$VM_DIR/t2.txt"
check "kernel: 10.0.0.9 weight 6" grep -Eq -- "-> 10\.0\.0\.9:80 +Masq +6 " "$VM_DIR/t2.txt"
check "kernel: 10.0.0.2 gone" absent "10.0.0.2:80" "$VM_DIR/t2.txt"
check "the daemon is alive" kill -0 "$HDPID"
[ "$VM_FAILS" -eq 0 ] || tail -n 40 "$VM_DIR/hd.log"
vm_done
