#!/bin/bash
# Inside the VM (real IPVS): another process floods the daemon's IPVS
# netlink socket (junk datagrams and fake ACKs sent to its port, without
# pause) while the daemon needs the kernel (a runtime drain, an IPVS write
# and re-read). The daemon must not read the flood forever: it counts the
# foreign datagrams, gives the request up after 64 of them, reopens the
# socket on a new port (where the flood does not follow), and the write
# lands on the retry. Meanwhile the control socket keeps answering.
# (python's flood in an emulated VM is slower than the daemon reads, so
# what the cap guards against, a flood faster than the reads, is not
# reproduced here; the reopen is: with the old socket freed first, libnl
# gave the same port back and the flood followed.)
. "$(dirname "$0")/../lib.sh"

assert "ip_vs and rr load" vm_load_ipvs rr
VIP=192.168.168.100
LB=$(vm_ns lb); vm_link "$LB" eth0 192.168.168.50/24
for i in 1 2; do
	ns=$(vm_ns "rs$i")
	vm_link "$ns" eth0 "192.168.168.1$i/24"
	mkdir -p "$VM_DIR/rs$i"; echo "rs$i" >"$VM_DIR/rs$i/index.html"
	ip netns exec "$ns" busybox httpd -f -p 80 -h "$VM_DIR/rs$i" &
	VM_PIDS+=($!)
done
cat >"$VM_DIR/hd.conf" <<CONF
global { router_id = lb }
virtual_server $VIP:80 {
    lb_algo = rr
    lb_kind = nat
    delay_loop = 1
    real_server 192.168.168.11:80 { http_check { path = /index.html  connect_timeout = 3  fall = 3 } }
    real_server 192.168.168.12:80 { http_check { path = /index.html  connect_timeout = 3  fall = 3 } }
}
CONF
ip netns exec "$LB" "$HD" -n -l -v -f "$VM_DIR/hd.conf" -p "$VM_DIR/hd.pid" -s "$VM_DIR/hd.sock" \
	>"$VM_DIR/hd.log" 2>&1 &
HDPID=$!
VM_PIDS+=($HDPID)
ctl() { "$HDCTL" -s "$VM_DIR/hd.sock" "$@"; }
assert "the daemon answers" wait_for 20 ctl ping
weight() { # RS: its weight in the kernel's table
	ip netns exec "$LB" ipvsadm -Ln -t $VIP:80 | awk -v rs="$1:80" '$2 == rs { print $4 }'
}
assert "both destinations in the table" wait_for 20 eval '[ "$(weight 192.168.168.11)" = 1 ] && [ "$(weight 192.168.168.12)" = 1 ]'

# The daemon's generic netlink sockets (NETLINK_GENERIC = 16): their port
# ids from the namespace's /proc/net/netlink, matched by inode.
genl_ports() {
	local inodes
	inodes=$(ls -l "/proc/$HDPID/fd" 2>/dev/null | sed -n 's/.*socket:\[\([0-9]*\)\]$/\1/p' | sort -u)
	ip netns exec "$LB" cat /proc/net/netlink | awk -v ino="$(echo $inodes)" '
		BEGIN { n = split(ino, a, " "); for (i = 1; i <= n; i++) want[a[i]] = 1 }
		NR > 1 && $2 == 16 && ($NF in want) { print $3 }'
}
ports0=$(genl_ports)
echo "# the daemon's generic netlink ports: $(echo $ports0)"
assert "the daemon has an IPVS netlink socket" [ -n "$ports0" ]
pe0=$(ctl status --json | jq .ipvs.parse_errors)

# The flood, to every port given, a fake ACK (NLMSG_ERROR 0, sequence 0)
# and junk in turn. "trickle": 200 at once, then one every 10 ms until the
# stop file appears; "fill": until the socket's buffer is full (EAGAIN).
# Prints how many were sent and how many the kernel refused as sent to a
# port nobody has any more (ECONNREFUSED).
cat >"$VM_DIR/flood.py" <<'PY'
import errno, os, socket, struct, sys, time
mode, stop, ports = sys.argv[1], sys.argv[2], [int(p) for p in sys.argv[3:]]
s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 16)
s.bind((0, 0))
ack = struct.pack("=IHHII", 36, 2, 0, 0, 0) + struct.pack("=i", 0) + struct.pack("=IHHII", 16, 0, 0, 0, 0)
junk = b"\xff" * 40
sent = refused = 0
while not os.path.exists(stop):
    for p in ports:
        try:
            s.sendto(ack if sent % 2 else junk, socket.MSG_DONTWAIT, (p, 0))
            sent += 1
        except OSError as e:
            if e.errno == errno.ECONNREFUSED:
                refused += 1
            elif e.errno == errno.EAGAIN and mode == "fill":
                open(stop, "w").close()
    if sent == 200:
        open(stop + ".burst", "w").close()
    if mode == "trickle" and sent >= 200:
        time.sleep(0.01)
print(sent, refused)
PY
flood() { # MODE PORTS...: start it, wait for its burst
	local mode=$1
	shift
	rm -f "$VM_DIR/stop" "$VM_DIR/stop.burst"
	# shellcheck disable=SC2068
	ip netns exec "$LB" python3 "$VM_DIR/flood.py" "$mode" "$VM_DIR/stop" $@ >"$VM_DIR/flood.out" 2>&1 &
	FLOOD=$!
	VM_PIDS+=($FLOOD)
	# python starts slowly in an emulated VM
	wait_for 30 test -e "$VM_DIR/stop.burst"
}

# (1) 200 datagrams queued on the daemon's IPVS socket and more coming
# when it needs the kernel: it gives the request up after 64, reopens
# the socket on another port and the write lands on the retry.
check "(1) the flood is running (200 queued)" flood trickle $ports0
t0=$(now_ms)
check "(1) drain accepted during the flood" ctl drain $VIP:80 192.168.168.11:80
check "(1) the drain reaches the kernel during the flood" wait_for 15 eval '[ "$(weight 192.168.168.11)" = 0 ]'
echo "# weight 0 in the kernel $(($(now_ms) - t0)) ms after the drain"
slow=0
for _ in 1 2 3 4 5; do # the loop is free: the control socket answers at once
	a=$(now_ms)
	timeout 2 "$HDCTL" -s "$VM_DIR/hd.sock" ping >/dev/null 2>&1 || slow=$((slow + 1))
	[ $(($(now_ms) - a)) -lt 1000 ] || slow=$((slow + 1))
	sleep 0.2
done
check "(1) the control socket answers within 1 s during the flood ($slow slow or failed of 5)" [ "$slow" = 0 ]
touch "$VM_DIR/stop"
wait $FLOOD
read -r sent refused <"$VM_DIR/flood.out"
echo "# flood: $sent datagrams sent, $refused refused (the port was gone)"
pe1=$(ctl status --json | jq .ipvs.parse_errors)
ports1=$(genl_ports)
echo "# foreign datagrams counted: $pe0 -> $pe1; ports now: $(echo $ports1)"
check "(1) the foreign datagrams were counted (> 64)" [ $((pe1 - pe0)) -gt 64 ]
check "(1) the socket was reopened on another port" [ -n "$ports1" ] && [ "$(echo $ports1)" != "$(echo $ports0)" ]
check "(1) the flood then went nowhere (refused)" [ "${refused:-0}" -gt 0 ]
check "(1) the daemon is still running" kill -0 $HDPID

# (2) the new socket's buffer filled to the brim (the kernel then reports
# an overrun, ENOBUFS, on the next read): the undrain still lands.
check "(2) the socket's buffer filled" flood fill $ports1
wait $FLOOD
read -r sent refused <"$VM_DIR/flood.out"
echo "# fill: $sent datagrams sent"
check "(2) undrain after the overrun reaches the kernel" eval 'ctl undrain $VIP:80 192.168.168.11:80 >/dev/null &&
	wait_for 10 eval "[ \"\$(weight 192.168.168.11)\" = 1 ]"'
ports2=$(genl_ports)
check "(2) the socket was reopened again ($(echo $ports2))" [ -n "$ports2" ] && [ "$(echo $ports2)" != "$(echo $ports1)" ]
check "(2) the daemon is still running" kill -0 $HDPID
check "the other destination was never touched" [ "$(weight 192.168.168.12)" = 1 ]
grep -i "ipvs" "$VM_DIR/hd.log" | tail -n 5 | sed 's/^/# log: /'
vm_done
