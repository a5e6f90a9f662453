#!/bin/bash
# Inside the VM with systemd as PID 1: install with `make install`, then run
# hadirector the way users do: systemctl start/reload/stop, Type=notify,
# the watchdog, the journal with structured fields.
. "$top_srcdir/tests/vm/lib.sh"

assert "systemd is PID 1" test "$(cat /proc/1/comm)" = systemd
assert "make install succeeds" make -s -C "$top_builddir" install >"$VM_DIR/install.log" 2>&1
check "the unit is installed" test -f /lib/systemd/system/hadirector.service
check "the unit runs the installed binary" grep -q '^ExecStart=/usr/local/sbin/hadirector -n -f /etc/hadirector.conf' /lib/systemd/system/hadirector.service
check "the example config is installed" test -f /etc/hadirector.conf
check "systemd-analyze verify accepts the installed unit" \
	sh -c "systemd-analyze verify /lib/systemd/system/hadirector.service >'$VM_DIR/verify.log' 2>&1"
cat "$VM_DIR/verify.log"
check "the man pages are installed" sh -c "man -w hadirector.conf >/dev/null && man -w hadirectorctl >/dev/null"

# A director with one VRRP instance alone on its link (it becomes master)
# and one virtual server; a short watchdog to prove the pings happen.
vm_load_ipvs rr >/dev/null
hd_vm_modprobe dummy >/dev/null 2>&1 || modprobe dummy
ip link add eth0 type dummy && ip link set eth0 up && ip addr add 192.168.168.50/24 dev eth0
ip route add 192.168.168.0/24 dev eth0 2>/dev/null
cat >/etc/hadirector.conf <<CONF
global {
    router_id = vm-lb1
}
vrrp_instance VI_1 {
    interface = eth0
    virtual_router_id = 51
    priority = 150
    advert_int = 0.1
    virtual_ipaddress = { 192.168.168.100/24 }
}
virtual_server 192.168.168.100:80 {
    lb_algo = rr
    lb_kind = dr
    real_server 192.168.168.10:80 {
        weight = 1
    }
}
CONF
mkdir -p /run/systemd/system/hadirector.service.d
printf '[Service]\nWatchdogSec=4s\n' >/run/systemd/system/hadirector.service.d/watchdog.conf
# No daemon-reload: the unit has never been loaded, systemctl start loads it
# with its drop-ins (and a reload over 9p once soft-locked the emulated VM).

assert "systemctl start hadirector" systemctl start hadirector
check "the unit is active (Type=notify: READY=1 received)" systemctl is-active -q hadirector
check "the 4 s watchdog drop-in is in force" test "$(systemctl show -p WatchdogUSec --value hadirector)" = 4s
check "the daemon answers on the default socket" wait_for 5 "$HDCTL" ping
check "the VRRP master holds the VIP" wait_for 5 sh -c "ip -4 addr show dev eth0 | grep -q 192.168.168.100/24"
check "IPVS has the virtual server" wait_for 5 sh -c "ipvsadm -Ln | grep -q '192.168.168.100:80 rr'"
sleep 9 # > 2 x WatchdogSec: without watchdog pings systemd would kill it
check "watchdog pings keep the unit alive" systemctl is-active -q hadirector
check "no watchdog restart happened" test "$(systemctl show -p NRestarts --value hadirector)" = 0
check "the journal has the start line" sh -c "journalctl -u hadirector -o cat | grep -q 'hadirector .* started'"
check "journal fields carry the instance state change" sh -c "journalctl -u hadirector -o verbose | grep -q 'NEW_STATE=MASTER\|NEW_STATE=master'"

sed -i 's/router_id = vm-lb1/router_id = vm-lb1b/' /etc/hadirector.conf
check "systemctl reload succeeds" systemctl reload hadirector
check "the reload is applied" wait_for 5 sh -c "'$HDCTL' status --json | grep -q '\"router_id\":\"vm-lb1b\"'"
check "the master kept the VIP across the reload" sh -c "ip -4 addr show dev eth0 | grep -q 192.168.168.100/24"

assert "systemctl stop hadirector" systemctl stop hadirector
check "the unit is inactive after stop" sh -c "! systemctl is-active -q hadirector"
check "the stop removed the VIP" sh -c "! ip -4 addr show dev eth0 | grep -q 192.168.168.100"
check "the stop log line is in the journal" sh -c "journalctl -u hadirector -o cat | grep -q 'hadirector stopped'"
vm_done
