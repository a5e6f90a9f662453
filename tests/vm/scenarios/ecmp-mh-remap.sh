#!/bin/bash
# Inside the VM: how many flows of the SURVIVING real servers does the kernel's Maglev table (mh,
# mh-port) send elsewhere when one of four real servers is removed? (issue 23: the ECMP lab's plain
# SIGTERM phase reset 1 of 1,000 connections, a flow of rs1 that a real server other than rs1 reset,
# after rs4 had died earlier in the run.) A flow established before the removal keeps its server on
# every director that has a connection entry for it; a director that has none (the router moved the
# flow to it later) schedules it with the table it has now.
# One director (IPVS DR, no hadirector), two services with the same source-port hash: VIP1 with
# rs1..rs4, VIP2 with rs1..rs3 in the same order (the table VIP1 has after rs4's removal); a client
# connects from the same N source ports to both and reads which server answered.
# Prints "MH_REMAP moved=M of=K" (K: ports VIP1 gives to rs1..rs3; M: those VIP2 gives to another).
. "$(dirname "$0")/../lib.sh"
N=${MH_REMAP_PORTS:-600}
V1=10.200.0.1 V2=10.200.0.2
LAB=$top_srcdir/tests/lab
assert "ip_vs with mh loads" vm_load_ipvs mh
LB=$(vm_ns lb)
vm_link "$LB" eth0 192.168.168.50/24
CL=$(vm_ns client)
vm_link "$CL" eth0 192.168.168.60/24
for v in $V1 $V2; do
	ip -n "$LB" route add local "$v/32" dev lo table local
	ip -n "$CL" route add "$v/32" via 192.168.168.50
done
for k in 1 2 3 4; do
	ns=$(vm_ns "rs$k")
	vm_link "$ns" eth0 "192.168.168.2$k/24"
	ip -n "$ns" addr add "$V1/32" dev lo
	ip -n "$ns" addr add "$V2/32" dev lo
	ip netns exec "$ns" sysctl -qw net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2
	ip netns exec "$ns" python3 "$LAB/ecmp.py" server "rs$k" 80 </dev/null >/dev/null 2>&1 &
	VM_PIDS+=($!)
done
svc() { # VIP REAL_SERVERS...: an mh service, its servers added in this order (as hadirector does)
	local v=$1 k
	shift
	ip netns exec "$LB" ipvsadm -A -t "$v:80" -s mh -b mh-port || return 1
	for k in "$@"; do ip netns exec "$LB" ipvsadm -a -t "$v:80" -r "192.168.168.2$k:80" -g -w 1 || return 1; done
}
assert "VIP1: mh over rs1..rs4" svc $V1 1 2 3 4
assert "VIP2: mh over rs1..rs3 (VIP1 after rs4's removal)" svc $V2 1 2 3
ip netns exec "$LB" cat /proc/net/ip_vs | sed 's/^/# /'
ask() { # PORT0 N VIP...: "PORT VIP SERVER" per source port and VIP
	ip netns exec "$CL" python3 - "$@" <<'PY'
import socket, sys
p0, n, vips = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3:]
for p in range(p0, p0 + n):
    for v in vips:
        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.settimeout(3)
        name = "-"
        try:
            s.bind(("192.168.168.60", p))
            s.connect((v, 80))
            s.sendall(b"p\n")
            name = s.makefile().readline().strip() or "-"
        except OSError:
            pass
        s.close()
        print(p, v, name)
PY
}
check "the real servers answer" wait_for 20 sh -c "ip netns exec $CL python3 -c 'import socket; socket.create_connection((\"192.168.168.21\", 80), 1)'"
ask 30000 "$N" $V1 $V2 >"$VM_DIR/map"
awk -v v1=$V1 -v v2=$V2 '
	$2 == v1 { a[$1] = $3 } $2 == v2 { b[$1] = $3 }
	END { for (p in a) { if (a[p] == "-" || b[p] == "-") { none++; continue }
		if (a[p] != "rs4") { of++; if (a[p] != b[p]) moved++ } }
		print moved + 0, of + 0, none + 0 }' "$VM_DIR/map" >"$VM_DIR/counts"
read -r moved of none <"$VM_DIR/counts" # (no process substitution: the VM has no /dev/fd)
awk '{ c[$2 " " $3]++ } END { for (k in c) print "# " k, c[k] }' "$VM_DIR/map" | sort
check "every port answered on both services" [ "$(awk '$3 == "-"' "$VM_DIR/map" | wc -l)" = 0 ]
echo "MH_REMAP moved=${moved:-?} of=${of:-?} unanswered=${none:-?}"
vm_done
