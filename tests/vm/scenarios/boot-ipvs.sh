#!/bin/bash
# Inside the VM: the Debian kernel's IPVS works (ipvsadm writes and reads back the table),
# hadirector accepts the example config, and the daemon runs in a namespace with an interface,
# answers hadirectorctl status and stops cleanly on SIGTERM.
. "$(dirname "$0")/../lib.sh"

assert "ip_vs and the schedulers load" vm_load_ipvs
check "/proc/net/ip_vs exists" test -e /proc/net/ip_vs

check "ipvsadm adds a service" ipvsadm -A -t 10.99.0.1:80 -s rr
check "ipvsadm adds a real server" ipvsadm -a -t 10.99.0.1:80 -r 10.99.0.10:80 -m -w 3
ipvsadm -Ln >"$VM_DIR/ln" 2>&1
check "ipvsadm -Ln shows the service" grep -Eq '^TCP +10\.99\.0\.1:80 rr' "$VM_DIR/ln"
check "ipvsadm -Ln shows the real server" grep -Eq '10\.99\.0\.10:80 +Masq +3 ' "$VM_DIR/ln"
ipvsadm --save -n >"$VM_DIR/save" 2>&1
check "ipvsadm --save has the service" grep -qx -- '-A -t 10.99.0.1:80 -s rr' "$VM_DIR/save"
check "ipvsadm --save has the real server" grep -qx -- '-a -t 10.99.0.1:80 -r 10.99.0.10:80 -m -w 3' "$VM_DIR/save"
check "ipvsadm -C clears the table" ipvsadm -C
check "the table is empty again" sh -c "test -z \"\$(ipvsadm --save -n)\""
[ "$VM_FAILS" -eq 0 ] || { cat "$VM_DIR/ln" "$VM_DIR/save"; }

assert "hadirector is built ($HD)" test -x "$HD"
assert "hadirectorctl is built ($HDCTL)" test -x "$HDCTL"
"$HD" -t -f "$top_srcdir/etc/hadirector.conf" >"$VM_DIR/t.out" 2>&1
check "hadirector -t accepts etc/hadirector.conf" test $? -eq 0
check "and prints nothing" test ! -s "$VM_DIR/t.out"
cat "$VM_DIR/t.out"

LB=$(vm_ns lb)
vm_link "$LB" eth0 192.168.168.50/24
cat >"$VM_DIR/hd.conf" <<CONF
global {
    router_id = vm-lb
}
vrrp_instance VI_1 {
    interface = eth0
    virtual_router_id = 51
    priority = 150
    advert_int = 1
    virtual_ipaddress = { 192.168.168.100/24 }
}
virtual_server 192.168.168.100:80 {
    protocol = tcp
    lb_algo = rr
    lb_kind = nat
    delay_loop = 5
    real_server 192.168.168.10:80 {
        weight = 1
    }
}
CONF
check "hadirector -t accepts the scenario config" "$HD" -t -f "$VM_DIR/hd.conf"
ip netns exec "$LB" "$HD" -n -l -f "$VM_DIR/hd.conf" -p /tmp/x.pid -s /tmp/x.sock \
	>"$VM_DIR/hd.log" 2>&1 &
HDPID=$!
VM_PIDS+=("$HDPID")
check "the daemon answers on its control socket" wait_for 10 "$HDCTL" -s /tmp/x.sock ping
"$HDCTL" -s /tmp/x.sock status >"$VM_DIR/status" 2>&1
check "hadirectorctl status exits 0" test $? -eq 0
cat "$VM_DIR/status"
# ipvsadm is the independent judge of what the daemon programmed (IPVS tables are per namespace).
ipvs_has() { ip netns exec "$LB" ipvsadm --save -n | grep -qx -- "$1"; }
check "the daemon programmed the virtual service" wait_for 10 ipvs_has '-A -t 192.168.168.100:80 -s rr'
check "and its real server" wait_for 10 ipvs_has '-a -t 192.168.168.100:80 -r 192.168.168.10:80 -m -w 1'
check "the root namespace's IPVS table is untouched" sh -c "test -z \"\$(ipvsadm --save -n)\""
check "the daemon is still running" kill -0 "$HDPID"
kill -TERM "$HDPID"
wait "$HDPID"
rc=$?
check "SIGTERM stops the daemon with status 0 (got $rc)" test "$rc" -eq 0
check "pid file removed" test ! -e /tmp/x.pid
check "control socket removed" test ! -e /tmp/x.sock
echo "--- daemon log"
cat "$VM_DIR/hd.log"
vm_done
