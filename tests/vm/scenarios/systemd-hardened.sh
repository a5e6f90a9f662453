#!/bin/bash
# Inside the VM with systemd as PID 1: the installed unit is hardened
# (etc/hadirector.service.in, docs/security.md) and hadirector still does
# everything under it: VRRP (VIP added), IPVS (table programmed, a
# scheduler module autoloaded despite ProtectKernelModules), set_sysctls,
# misc_check and notify scripts as script_user, rt_priority, lock_memory,
# reload, stop. Then the process is inspected: exactly the capabilities of
# the bounding set, no_new_privs, seccomp; and `systemd-analyze security`
# gives the exposure score recorded in docs/security.md.
# Announce mode (docs/ecmp.md) under the same unit: its TUN device is made
# (PrivateDevices=yes hides /dev/net/tun unless the unit adds it) with the
# VIP, a stop removes it, and a hang (SIGSTOP) is killed by systemd's
# watchdog so the device is gone within WatchdogSec + TimeoutAbortSec + 2 s
# (14 s; the old unit, with TimeoutAbortSec defaulting to TimeoutStopSec,
# needs 17.5 s at least), then Restart= brings it back.
. "$top_srcdir/tests/vm/lib.sh"

UNIT=/lib/systemd/system/hadirector.service
assert "systemd is PID 1" test "$(cat /proc/1/comm)" = systemd
assert "make install succeeds" make -s -C "$top_builddir" install >"$VM_DIR/install.log" 2>&1
for k in "CapabilityBoundingSet=CAP_NET_ADMIN CAP_NET_RAW CAP_SETUID CAP_SETGID CAP_KILL CAP_SYS_NICE CAP_IPC_LOCK" \
	"NoNewPrivileges=yes" "ProtectSystem=strict" "ReadWritePaths=/run" "ProtectHome=yes" "PrivateTmp=yes" \
	"RestrictAddressFamilies=AF_UNIX AF_NETLINK AF_INET AF_INET6 AF_PACKET" "SystemCallArchitectures=native" \
	"LockPersonality=yes" "MemoryDenyWriteExecute=yes"; do
	check "unit has $k" grep -qx "$k" "$UNIT"
done
check "unit does not set ProtectKernelTunables (set_sysctls)" absent '^ProtectKernelTunables' "$UNIT"

vm_load_ipvs rr >/dev/null # ip_vs itself; wlc is left to the kernel's autoloading
hd_vm_modprobe dummy >/dev/null 2>&1 || modprobe dummy
# tun before systemctl start: /dev/net/tun must exist for BindPaths= (a
# Debian host has it from kmod-static-nodes; the VM's fresh devtmpfs not)
assert "tun loads (the announce device)" hd_vm_modprobe tun
assert "/dev/net/tun exists" test -c /dev/net/tun
ip link add eth0 type dummy && ip link set eth0 up && ip addr add 192.168.168.50/24 dev eth0
sysctl -qw net.ipv4.conf.all.send_redirects=1
# scripts: root-owned, 0755, in a root-owned directory; they write where
# the unit lets them (/run) as script_user (nobody)
S=/usr/local/libexec/hd-test
mkdir -p $S /run/hd-test && chmod 755 $S && chmod 1777 /run/hd-test
cat >$S/notify.sh <<'SH'
#!/bin/sh
echo "$(id -un) $*" >>/run/hd-test/notify.txt
SH
cat >$S/check-ok.sh <<'SH'
#!/bin/sh
id -un >/run/hd-test/check-user.txt
exit 0
SH
printf '#!/bin/sh\nexit 1\n' >$S/check-fail.sh
chmod 755 $S/*.sh
cat >/etc/hadirector.conf <<CONF
global {
    router_id = vm-hard
    script_user = nobody
    set_sysctls = true
    rt_priority = 10
    lock_memory = true
}
vrrp_instance VI_1 {
    interface = eth0
    virtual_router_id = 51
    priority = 150
    advert_int = 0.1
    virtual_ipaddress = { 192.168.168.100/24 }
    notify = "$S/notify.sh"
}
virtual_server 192.168.168.100:80 {
    lb_algo = wlc
    lb_kind = dr
    delay_loop = 1
    real_server 192.168.168.10:80 { misc_check { script = "$S/check-ok.sh" } }
    real_server 192.168.168.20:80 { misc_check { script = "$S/check-fail.sh" } }
}
virtual_server 192.168.168.200:80 {
    mode = announce
    lb_algo = mh
    lb_kind = dr
    delay_loop = 1
    real_server 192.168.168.10:80 { misc_check { script = "$S/check-ok.sh" } }
}
CONF
check "the config test accepts the scenario" /usr/local/sbin/hadirector -t -f /etc/hadirector.conf
# No daemon-reload: the unit has never been loaded, systemctl start loads it
# with its drop-ins (and a reload over 9p once soft-locked the emulated VM).

assert "systemctl start hadirector (hardened unit)" systemctl start hadirector
PID=$(systemctl show -p MainPID --value hadirector)
check "the unit is active" systemctl is-active -q hadirector
check "the daemon answers on the default socket (/run)" wait_for 10 "$HDCTL" ping
check "VRRP: the master holds the VIP" wait_for 10 sh -c "ip -4 addr show dev eth0 | grep -q 192.168.168.100/24"
check "IPVS: the service is programmed (wlc autoloaded)" wait_for 10 sh -c "ipvsadm -Ln | grep -q '192.168.168.100:80 wlc'"
check "misc_check as nobody: passing server in the table" wait_for 10 sh -c "ipvsadm -Ln | grep -q '192.168.168.10:80'"
check "misc_check: failing server not in the table" sh -c "! ipvsadm -Ln | grep -q '192.168.168.20:80'"
check "announce: the TUN device hdannounce exists" wait_for 10 ip link show dev hdannounce
check "announce: the VIP is an address of the device" \
	wait_for 10 sh -c "ip -4 addr show dev hdannounce | grep -q 'inet 192.168.168.200/32'"
check "misc_check ran as nobody" wait_for 5 grep -qx nobody /run/hd-test/check-user.txt
check "notify ran as nobody with its arguments" wait_for 5 grep -q "^nobody INSTANCE VI_1 MASTER 150" /run/hd-test/notify.txt
check "set_sysctls: send_redirects set to 0 (DR)" test "$(sysctl -n net.ipv4.conf.all.send_redirects)" = 0
check "rt_priority: SCHED_RR priority 10" sh -c "chrt -p $PID | grep -q 'SCHED_RR' && chrt -p $PID | grep -q 'priority: 10'"
check "lock_memory: memory locked (VmLck > 0)" sh -c "awk '/^VmLck:/ { exit !(\$2 > 0) }' /proc/$PID/status"
grep -E '^(Cap|NoNewPrivs|Seccomp)' /proc/$PID/status | sed 's/^/# /'
# CAP_KILL 5, SETGID 6, SETUID 7, NET_ADMIN 12, NET_RAW 13, IPC_LOCK 14, SYS_NICE 23
check "capabilities: bounding set is exactly the unit's (0x8070e0)" grep -qx $'CapBnd:\t00000000008070e0' /proc/$PID/status
check "capabilities: effective set within it" grep -qx $'CapEff:\t00000000008070e0' /proc/$PID/status
check "no_new_privs set" grep -qx $'NoNewPrivs:\t1' /proc/$PID/status
check "seccomp filter active" grep -qx $'Seccomp:\t2' /proc/$PID/status
check "the daemon sees a private /tmp" sh -c "touch /tmp/hd-host-marker; ! nsenter -t $PID -m test -e /tmp/hd-host-marker"
check "the file system is read-only for it but /run" \
	sh -c "nsenter -t $PID -m sh -c '! touch /etc/x 2>/dev/null && touch /run/hd-test/rw && rm /run/hd-test/rw'"

systemd-analyze security hadirector.service >"$VM_DIR/security.txt" 2>&1
score=$(sed -n 's/.*Overall exposure level for hadirector.service: \([0-9.]*\).*/\1/p' "$VM_DIR/security.txt")
echo "# systemd-analyze security hadirector.service: exposure $score"
grep -E '^ *✗' "$VM_DIR/security.txt" | sed 's/^/#   /' | head -n 40
check "systemd-analyze security: exposure score reported ($score)" test -n "$score"
check "systemd-analyze security: exposure <= 4.0 (was 9.6 unhardened)" awk "BEGIN { exit !($score <= 4.0) }"

check "systemctl reload succeeds" systemctl reload hadirector
check "the reload is applied" wait_for 5 sh -c "journalctl -u hadirector -o cat | grep -q 'reload complete'"
check "still master after the reload" sh -c "ip -4 addr show dev eth0 | grep -q 192.168.168.100/24"
check "no syscall or permission failure in the journal" \
	sh -c "! journalctl -u hadirector -o cat | grep -Ei 'operation not permitted|permission denied|read-only file system|bad system call'"
assert "systemctl stop hadirector" systemctl stop hadirector
check "the stop removed the VIP" sh -c "! ip -4 addr show dev eth0 | grep -q 192.168.168.100"
check "the stop removed the IPVS service" sh -c "! ipvsadm -Ln | grep -q 192.168.168.100"
check "the stop removed the announce device" sh -c "! ip link show dev hdannounce"

# A hang: SIGSTOP, nothing else. Only the service manager can end it.
assert "systemctl start hadirector (again)" systemctl start hadirector
check "announce: the VIP is on the device again" \
	wait_for 20 sh -c "ip -4 addr show dev hdannounce | grep -q 192.168.168.200/32"
PID=$(systemctl show -p MainPID --value hadirector)
t0=$(now_ms)
kill -STOP "$PID"
WAIT_POLL=0.1 wait_for 40 sh -c "! ip link show dev hdannounce"
gone_ms=$(($(now_ms) - t0))
echo "# SIGSTOP -> announce device gone: $gone_ms ms (WatchdogSec=10s, TimeoutAbortSec=2s)"
check "watchdog: the hung daemon's device is gone within 14 s of SIGSTOP ($gone_ms ms)" test "$gone_ms" -le 14000
check "watchdog: systemd saw the timeout" sh -c "journalctl -u hadirector -o cat | grep -q 'Watchdog timeout'"
check "watchdog: the stopped daemon was killed (SIGKILL after the abort timeout)" \
	sh -c "! kill -0 $PID 2>/dev/null || grep -q '^State:.*Z' /proc/$PID/status"
check "Restart=on-failure: a new daemon announces again" \
	wait_for 20 sh -c "ip -4 addr show dev hdannounce | grep -q 192.168.168.200/32"
check "the new daemon is another process" test "$(systemctl show -p MainPID --value hadirector)" != "$PID"
assert "systemctl stop hadirector (after the restart)" systemctl stop hadirector
check "the stop removed the announce device again" sh -c "! ip link show dev hdannounce"
[ "$VM_FAILS" -eq 0 ] || journalctl -u hadirector -o cat | tail -n 40
vm_done
