#!/bin/bash
# Inside the VM with systemd as PID 1: the .deb of `make deb` installed
# with `apt-get install ./hadirector_*.deb` (every dependency is in the
# image, the host's root: nothing is downloaded, the VM has no network),
# then used as the package's README says: the shipped /etc/hadirector.conf
# as it is, on an eth0 with its 192.168.168.0/24, `systemctl start`,
# reload, stop; remove keeps the conffile, purge takes it.
. "$top_srcdir/tests/vm/lib.sh"

assert "systemd is PID 1" test "$(cat /proc/1/comm)" = systemd
DEB=$(ls "$top_builddir"/deb-build/hadirector_*_*.deb | grep -v dbgsym | head -n 1)
assert "the package was built (make deb)" test -f "$DEB"
check "hadirector is not installed before" sh -c "! dpkg -s hadirector >/dev/null 2>&1"
cp "$DEB" "$VM_DIR/" && cd "$VM_DIR" || exit 1
DEBIAN_FRONTEND=noninteractive apt-get install -y "./$(basename "$DEB")" >"$VM_DIR/apt.log" 2>&1
rc=$?
tail -n 5 "$VM_DIR/apt.log"
assert "apt-get install ./$(basename "$DEB")" test $rc -eq 0
check "dpkg has it installed" sh -c "dpkg -s hadirector | grep -q '^Status: install ok installed'"
check "/etc/hadirector.conf is a conffile" sh -c "dpkg-query -W -f='\${Conffiles}' hadirector | grep -q '^ /etc/hadirector.conf '"
check "daemon, hadirectorctl and the SNMP subagent are installed" \
	test -x /usr/sbin/hadirector -a -x /usr/sbin/hadirectorctl -a -x /usr/libexec/hadirector-snmp
check "the unit, the MIB, the rules and the dashboard are installed" test -f /lib/systemd/system/hadirector.service \
	-a -f /usr/share/snmp/mibs/HADIRECTOR-MIB.txt -a -f /usr/share/hadirector/prometheus/hadirector.rules.yml \
	-a -f /usr/share/hadirector/grafana/hadirector.json
check "the man pages are installed" sh -c "man -w hadirector.conf >/dev/null && man -w hadirectorctl >/dev/null && man -w hadirector >/dev/null"
check "the daemon reads /etc/hadirector.conf by default" sh -c "/usr/sbin/hadirector --help | grep -q 'default /etc/hadirector.conf'"
check "the unit runs the packaged binary on /etc/hadirector.conf" \
	grep -q '^ExecStart=/usr/sbin/hadirector -n -f /etc/hadirector.conf' /lib/systemd/system/hadirector.service
check "the shipped configuration passes -t" /usr/sbin/hadirector -t -f /etc/hadirector.conf
check "installing neither enabled nor started it (an example config)" \
	sh -c "! systemctl is-enabled -q hadirector && ! systemctl is-active -q hadirector"

# The link the example configuration names.
vm_load_ipvs rr >/dev/null
hd_vm_modprobe dummy >/dev/null 2>&1 || modprobe dummy
ip link add eth0 type dummy && ip link set eth0 up && ip addr add 192.168.168.50/24 dev eth0

assert "systemctl start hadirector" systemctl start hadirector
check "the unit is active (Type=notify: READY=1 received)" systemctl is-active -q hadirector
check "hadirectorctl answers on /run/hadirector.sock" wait_for 5 /usr/sbin/hadirectorctl ping
check "the pid file is /run/hadirector.pid" sh -c "test \"\$(cat /run/hadirector.pid)\" = \"\$(systemctl show -p MainPID --value hadirector)\""
check "VI_1 becomes master and holds 192.168.168.100" wait_for 10 sh -c "ip -4 addr show dev eth0 | grep -q 192.168.168.100/24"
check "IPVS has the example virtual server" wait_for 5 sh -c "ipvsadm -Ln | grep -q '192.168.168.100:80 rr'"
/usr/sbin/hadirectorctl status | head -n 3 | cut -c1-160
check "systemctl reload succeeds" systemctl reload hadirector
check "the reload is counted" wait_for 5 sh -c "/usr/sbin/hadirectorctl status --json | grep -q '\"reloads_ok\":1'"
assert "systemctl stop hadirector" systemctl stop hadirector
check "the unit is inactive after stop" sh -c "! systemctl is-active -q hadirector"
check "the stop removed the VIP" sh -c "! ip -4 addr show dev eth0 | grep -q 192.168.168.100"

echo "# an operator's edit" >>/etc/hadirector.conf
check "apt-get remove" sh -c "DEBIAN_FRONTEND=noninteractive apt-get remove -y hadirector >>'$VM_DIR/apt.log' 2>&1"
check "remove took the binaries" test ! -e /usr/sbin/hadirector
check "remove kept the edited conffile" grep -q "an operator's edit" /etc/hadirector.conf
check "apt-get purge" sh -c "DEBIAN_FRONTEND=noninteractive apt-get purge -y hadirector >>'$VM_DIR/apt.log' 2>&1"
check "purge took /etc/hadirector.conf" test ! -e /etc/hadirector.conf
vm_done
