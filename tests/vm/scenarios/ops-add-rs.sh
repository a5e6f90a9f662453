#!/bin/bash
# Inside the VM (issue 22): `hadirectorctl add-rs` and `remove-rs` against
# the kernel's IPVS table (ipvsadm). DR over R1 (in the file) and R3,
# added live with a tcp_check while nothing listens on it: the check finds
# it down and the kernel never gets it; once its server listens the check
# says up and the daemon adds it to the kernel with the request's weight,
# and a client's connections reach it. A reload with the file unchanged
# keeps it in the kernel (no write for it); a file that now has it wins
# (the file's weight, logged). remove-rs of R1 takes it out of the kernel
# and a reload keeps it out; remove-rs of R3 too. A refused request writes
# nothing to the kernel.
. "$(dirname "$0")/../lib.sh"

assert "ip_vs and rr load" vm_load_ipvs rr
VIP=192.168.168.100
vm_dr_director # LB, CL
serve() { # NAME: a TCP server on :80 that answers its name and closes
	ip netns exec "vm-$1" python3 -c '
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", 80)); s.listen(64)
while True:
    c = s.accept()[0]; c.sendall(sys.argv[1].encode() + b"\n"); c.close()' "$1" &
	VM_PIDS+=($!)
}
vm_dr_rs r1 192.168.168.10; vm_dr_rs r3 192.168.168.30
serve r1
R1=192.168.168.10:80 R3=192.168.168.30:80
conf() { # R3_IN: R3 in the file too
	cat <<CONF
virtual_server $VIP:80 { lb_algo = rr  lb_kind = dr  delay_loop = 0.3
    real_server $R1 { weight = 1  tcp_check { connect_timeout = 1  rise = 1  fall = 1 } }
$([ -z "${R3_IN:-}" ] || echo "    real_server $R3 { weight = 9  tcp_check { connect_timeout = 1 } }")
}
CONF
}
conf >"$VM_DIR/hd.conf"
SOCK=$VM_DIR/hd.sock
ip netns exec "$LB" "$HD" -n -l -f "$VM_DIR/hd.conf" -p "$VM_DIR/hd.pid" -s "$SOCK" >"$VM_DIR/hd.log" 2>&1 &
VM_PIDS+=($!)
ctl() { "$HDCTL" -s "$SOCK" "$@"; }
table() { ip netns exec "$LB" ipvsadm -Ln; }
weight() { table | awk -v rs="$1" '$2 == rs { print $4 }'; } # empty: not in the kernel
writes() { ctl status --json | jq .ipvs.netlink_writes; }
assert "the daemon answers" wait_for 10 ctl ping
assert "R1 in the kernel" wait_for 10 eval '[ "$(weight $R1)" = 1 ]'

check "add-rs R3 (nothing listens on it yet)" \
	ctl add-rs $VIP:80 $R3 weight = 4 tcp_check { connect_timeout = 1 rise = 1 fall = 1 }
check "its check finds it down" wait_for 10 eval \
	'[ "$(ctl status --json | jq -r ".healthcheck[0].real_servers[] | select(.rs == \"$R3\") | .checkers[0].fail_run")" -ge 1 ]'
check "so the kernel does not have it" [ -z "$(weight $R3)" ]
serve r3
check "once its server listens, the kernel has it at weight 4" wait_for 10 eval '[ "$(weight $R3)" = 4 ]'
got=$(for i in 1 2 3 4 5 6; do ip netns exec "$CL" python3 -c '
import socket; s = socket.create_connection(("192.168.168.100", 80), 2); print(s.recv(64).decode().strip())'; done | sort | uniq -c)
check "clients reach R3 through the VIP ($(echo $got))" grep -q "r3" <<<"$got"
w0=$(writes)
check "reload, file unchanged" ctl reload
check "R3 still in the kernel at 4" [ "$(weight $R3)" = 4 ]
check "the reload wrote nothing for it" [ "$(writes)" = "$w0" ]
before=$(table)
check "a refused add (bad option)" sh -c "! '$HDCTL' -s '$SOCK' add-rs $VIP:80 192.168.168.40:80 tcp_check { nope = 1 } 2>/dev/null"
check "wrote nothing to the kernel" [ "$(table)" = "$before" ]
check "remove-rs R1" ctl remove-rs $VIP:80 $R1
check "R1 out of the kernel" wait_for 5 eval '[ -z "$(weight $R1)" ]'
check "reload: R1 stays out (the file has it unchanged)" ctl reload
sleep 1 # two of R1's check periods: it would be back by now
check "R1 still out of the kernel" [ -z "$(weight $R1)" ]
R3_IN=1 conf >"$VM_DIR/hd.conf"
check "reload: the file now has R3 at weight 9" ctl reload
check "the file wins: R3 at 9 in the kernel" wait_for 5 eval '[ "$(weight $R3)" = 9 ]'
check "logged" grep -q "override dropped: add-rs $VIP:80 $R3 (uid 0, .*): the file now has it" "$VM_DIR/hd.log"
check "remove-rs R3" ctl remove-rs $VIP:80 $R3
check "R3 out of the kernel" wait_for 5 eval '[ -z "$(weight $R3)" ]'
check "ipvsadm: no destination left" [ "$(table | grep -c -- '->.*Route')" = 0 ]
[ "$VM_FAILS" -eq 0 ] || { table; tail -30 "$VM_DIR/hd.log"; }
vm_done
