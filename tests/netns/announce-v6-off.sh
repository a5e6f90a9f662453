#!/bin/bash
# An IPv6 VIP in announce mode on a host where IPv6 is off for new devices
# (net.ipv6.conf.default.disable_ipv6 = 1) and /proc/sys is read-only to the
# daemon (as under ProtectKernelTunables=yes): the kernel refuses the /128
# on the TUN device and hadirector cannot turn IPv6 on for it (it does when
# it can: announce-frr6.sh). The VIP stays withdrawn and the IPv4 one beside
# it is announced; the refusal is retried every second, counted in status
# (write_errors), and logged once with the kernel's reason, not at every
# retry. Then /proc/sys is writable (a restart without the read-only
# mount): IPv6 is turned on for the device and the /128 is added.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/announce-lib.sh"
[ -c /dev/net/tun ] || { echo "/dev/net/tun is needed"; exit 1; }

VIP4=192.0.2.10 VIP6=2001:db8:10::10
RS4=10.99.9.1 RS6=fd00:99:9::1
D1=$(t_ns d1)
ip netns exec "$D1" sysctl -qw net.ipv6.conf.default.disable_ipv6=1
ip -n "$D1" addr add $RS4/32 dev lo
ip -n "$D1" addr add $RS6/128 dev lo nodad
an_hd_conf d1
"$HD" -t -f "$T_DIR/d1.conf" || exit 99
an_listen "$D1" $RS4 80
an_listen "$D1" $RS6 80

vip_field() { # VIP FIELD
	hd_status "$T_DIR/d1.sock" | python3 -c '
import json, sys
for v in json.load(sys.stdin)["announce"]["vips"]:
    if v["vip"] == sys.argv[1]:
        print(v[sys.argv[2]])' "$1" "$2"
}
has_addr() { ip -n "$D1" addr show dev hdannounce 2>/dev/null | grep -q "inet6\? $1/"; }
errors_at_least() { [ "$(vip_field $VIP6 write_errors 2>/dev/null || echo 0)" -ge "$1" ]; }

ip netns exec "$D1" unshare -m sh -c 'mount -o bind,ro /proc/sys /proc/sys && exec "$@"' sh \
	"$HD" -n -l -f "$T_DIR/d1.conf" >"$T_DIR/d1.log" 2>&1 &
DPID=$!
T_PIDS+=("$DPID")
check "the IPv4 VIP is announced" wait_for 10 has_addr $VIP4
check "the /128 is refused and retried: 4 write errors in status" wait_for 10 errors_at_least 4
check "the IPv6 VIP is not on the device" sh -c "! ip -n $D1 addr show dev hdannounce | grep -q $VIP6"
check "status: the IPv6 VIP not announced" test "$(vip_field $VIP6 announced)" = False
n=$(grep -c "announce: $VIP6: cannot add it on hdannounce" "$T_DIR/d1.log")
check "the refusal is logged once, not at every retry ($n lines)" test "$n" -eq 1
check "with the kernel's reason (IPv6 off: permission denied)" \
	grep -q "cannot add it on hdannounce: Permission denied" "$T_DIR/d1.log"

kill -TERM "$DPID"
check "SIGTERM: stopped" wait_for 10 sh -c "! kill -0 $DPID 2>/dev/null"
ip netns exec "$D1" "$HD" -n -l -f "$T_DIR/d1.conf" >"$T_DIR/d1b.log" 2>&1 &
DPID=$!
T_PIDS+=("$DPID")
check "/proc/sys writable: IPv6 turned on for the device, the /128 added" wait_for 10 has_addr $VIP6
check "logged" grep -q 'IPv6 was off on hdannounce (disable_ipv6): turned on' "$T_DIR/d1b.log"
check "no write error this time" test "$(vip_field $VIP6 write_errors)" = 0
kill -TERM "$DPID"
wait_for 10 sh -c "! kill -0 $DPID 2>/dev/null"
t_done
