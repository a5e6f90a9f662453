#!/bin/bash
# Inside the VM (real IPVS): faults on a pair of directors (VRRP + IPVS, DR,
# two real servers with http_check), each ending with exactly one master
# and both directors' tables equal to the desired one:
# (1) the IPVS table flushed by hand (ipvsadm -C) on both -> restored;
#     a destination deleted by hand -> restored;
# (2) the wall clock stepped by +1 hour and back (date -s; the VM's own
#     clock) -> no transition, no verdict change, adverts keep flowing;
# (3) a SIGHUP storm: 100 reloads in ~10 s on the master while a client
#     fetches from the VIP -> no transition, no IPVS write, the table
#     unchanged, VmRSS stable, the client served;
# (4) the master SIGKILLed and restarted 3 times (its table stays in the
#     kernel; the restarted daemon adopts it) -> no duplicate, no error.
. "$(dirname "$0")/../lib.sh"

assert "ip_vs and rr load" vm_load_ipvs rr
VIP=192.168.168.100
LB1=$(vm_ns lb1); vm_link "$LB1" eth0 192.168.168.50/24
LB2=$(vm_ns lb2); vm_link "$LB2" eth0 192.168.168.51/24
CL=$(vm_ns client); vm_link "$CL" eth0 192.168.168.60/24
rs_ns() { # NAME ADDR: a DR real server with busybox httpd
	local ns
	ns=$(vm_ns "$1")
	vm_link "$ns" eth0 "$2/24"
	ip -n "$ns" addr add $VIP/32 dev lo
	ip netns exec "$ns" sysctl -qw net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2 \
		net.ipv4.conf.lo.arp_ignore=1 net.ipv4.conf.lo.arp_announce=2
	mkdir -p "$VM_DIR/$1"; echo "this is $1" >"$VM_DIR/$1/index.html"
	ip netns exec "$ns" busybox httpd -f -p 80 -h "$VM_DIR/$1" &
	VM_PIDS+=($!)
}
rs_ns nginx1 192.168.168.10
rs_ns nginx2 192.168.168.20

conf() { # ROUTER PRIO
	cat <<CONF
global { router_id = $1 }
vrrp_instance VI_1 {
    interface = eth0
    virtual_router_id = 51
    priority = $2
    advert_int = 1
    virtual_ipaddress = { $VIP/24 }
}
virtual_server $VIP:80 {
    lb_algo = rr
    lb_kind = dr
    delay_loop = 1
    # fall = 3, 3 s: an emulated VM on a loaded host stalls for a second
    # at times; a stall is not what these tests are about
    real_server 192.168.168.10:80 { http_check { path = /index.html  connect_timeout = 3  fall = 3 } }
    real_server 192.168.168.20:80 { http_check { path = /index.html  connect_timeout = 3  fall = 3 } }
}
CONF
}
conf lb1 150 >"$VM_DIR/lb1.conf"
conf lb2 100 >"$VM_DIR/lb2.conf"
declare -A HDPID
start() { # NAME
	rm -f "$VM_DIR/$1.sock"
	ip netns exec "vm-$1" "$HD" -n -l -v -f "$VM_DIR/$1.conf" -p "$VM_DIR/$1.pid" \
		-s "$VM_DIR/$1.sock" >>"$VM_DIR/$1.log" 2>&1 &
	HDPID[$1]=$!
	VM_PIDS+=($!)
	wait_for 20 "$HDCTL" -s "$VM_DIR/$1.sock" ping
}
st() { "$HDCTL" -s "$VM_DIR/$1.sock" status --json 2>/dev/null; }
jnum() { st "$1" | grep -o "\"$2\":[0-9]*" | head -n 1 | cut -d: -f2; }
is() { st "$1" | grep -q "\"state\":\"$2\""; }
vip_on() { ip -n "vm-$1" -4 addr show dev eth0 | grep -q " $VIP/"; }
vip_off() { # NAME: its eth0 addresses were read (its own one at least) and the VIP is not among them
	ip -n "vm-$1" -4 addr show dev eth0 >"$VM_DIR/$1.addr" 2>/dev/null && absent " $VIP/" "$VM_DIR/$1.addr"
}
cat >"$VM_DIR/want.save" <<W
-A -t $VIP:80 -s rr
-a -t $VIP:80 -r 192.168.168.10:80 -g -w 1
-a -t $VIP:80 -r 192.168.168.20:80 -g -w 1
W
sort -o "$VM_DIR/want.save" "$VM_DIR/want.save"
table_ok() { # NAME: its kernel table equals the desired one
	ip netns exec "vm-$1" ipvsadm --save -n | sort >"$VM_DIR/$1.save"
	cmp -s "$VM_DIR/$1.save" "$VM_DIR/want.save"
}
end_state() { # exactly one master (lb1), VIP on lb1 only, both tables as desired
	is lb1 MASTER && is lb2 BACKUP && vip_on lb1 && vip_off lb2 && table_ok lb1 && table_ok lb2
}

assert "lb1 starts" start lb1
assert "lb2 starts" start lb2
check "lb1 master" wait_for 20 is lb1 MASTER
check "lb2 backup" wait_for 20 is lb2 BACKUP
check "both real servers healthy, both tables as desired" wait_for 20 eval "table_ok lb1 && table_ok lb2"
check "the client reaches the VIP" wait_for 10 ip netns exec "$CL" curl -s --max-time 2 -o /dev/null "http://$VIP/"

# (1) flushed by hand
for lb in lb1 lb2; do
	t0=$(now_ms)
	w0=$(st $lb | jq .ipvs.netlink_writes)
	# The daemon's slow timer may restore the table before we could look at
	# it empty, so the proof of the flush is the writes it took to undo it.
	check "$lb: ipvsadm -C succeeds" ip netns exec "vm-$lb" ipvsadm -C
	check "$lb: table restored after the flush" wait_for 20 table_ok $lb
	check "$lb: the daemon wrote the table back" test "$(st $lb | jq .ipvs.netlink_writes)" -gt "$w0"
	echo "# $lb: restored $(( $(now_ms) - t0 )) ms after ipvsadm -C (slow timer: 5 s)"
done
ip netns exec "$LB1" ipvsadm -d -t $VIP:80 -r 192.168.168.20:80
check "lb1: a destination deleted by hand is restored" wait_for 20 table_ok lb1
check "(1) end: one master, tables as desired" end_state

# (2) the wall clock stepped by an hour, forward then back
tr1=$(jnum lb1 transitions); tr2=$(jnum lb2 transitions)
rx0=$(jnum lb2 adverts_received)
w0=$(jnum lb1 netlink_writes)
l0=$(wc -l <"$VM_DIR/lb1.log")
date -s "+1 hour" >/dev/null
echo "# clock stepped to $(date)"
sleep 5
rx1=$(jnum lb2 adverts_received)
date -s "-1 hour" >/dev/null
echo "# clock stepped back to $(date)"
sleep 5
rx2=$(jnum lb2 adverts_received)
echo "# adverts received by lb2: +$((rx1 - rx0)) in the 5 s after +1 h, +$((rx2 - rx1)) after -1 h"
check "clock step: no transition on lb1" same_num "$(jnum lb1 transitions)" "$tr1"
check "clock step: no transition on lb2" same_num "$(jnum lb2 transitions)" "$tr2"
check "clock step: adverts kept flowing after +1 h (>= 3 in 5 s)" [ $((rx1 - rx0)) -ge 3 ]
check "clock step: adverts kept flowing after -1 h (>= 3 in 5 s)" [ $((rx2 - rx1)) -ge 3 ]
st lb1 >"$VM_DIR/lb1.json"
check "clock step: no check went down (a whole status)" absent_json '"state":"down"' "$VM_DIR/lb1.json"
check "clock step: no IPVS write ($w0 -> $(jnum lb1 netlink_writes))" same_num "$(jnum lb1 netlink_writes)" "$w0"
check "clock step: no real server verdict change logged" absent -i 'real server.*down\|-> down' "$VM_DIR/lb1.log"
check "(2) end: one master, tables as desired" end_state
[ "$VM_FAILS" -eq 0 ] || { echo "# lb1 log during the clock steps:"; tail -n +$((l0 + 1)) "$VM_DIR/lb1.log" | head -n 30; }

# (3) SIGHUP storm with traffic
rss() { hd_rss_kb "${HDPID[lb1]}"; }
# one process each (starting programs is slow in an emulated VM): SIGHUPs
# every 100 ms; a client fetching from the VIP every 50 ms until SIGINT
storm() { hd_hup_storm "${HDPID[lb1]}" "$1"; }
storm 20
sleep 1
rss0=$(rss); n0=$(jnum lb1 reloads_ok); w0=$(jnum lb1 netlink_writes)
tr1=$(jnum lb1 transitions); tr2=$(jnum lb2 transitions)
hd_storm_traffic "${HDPID[lb1]}" "$CL" "http://$VIP/" 2 "$VM_DIR/traffic" 2
n_rel=$(( $(jnum lb1 reloads_ok) - n0 ))
echo "# 100 SIGHUPs in $HD_STORM_MS ms: $n_rel reloads; client $HD_RX/$HD_TX requests answered; VmRSS $rss0 -> $HD_RSS1 -> $HD_RSS2 kB"
hd_check_storm storm "$n_rel" 50
check "storm: no failed reload" [ "$(jnum lb1 reloads_failed)" = 0 ]
check "storm: no transition on either director" \
	eval "same_num \"\$(jnum lb1 transitions)\" '$tr1' && same_num \"\$(jnum lb2 transitions)\" '$tr2'"
check "storm: no IPVS write (unchanged config: zero churn)" same_num "$(jnum lb1 netlink_writes)" "$w0"
hd_check_rss storm "$rss0" "$HD_RSS1" "$HD_RSS2"
check "(3) end: one master, tables as desired" end_state

# (4) SIGKILL + restart of the master, 3 times
bad=0
for r in 1 2 3; do
	kill -9 "${HDPID[lb1]}"
	wait "${HDPID[lb1]}" 2>/dev/null
	wait_for 20 is lb2 MASTER || { echo "# round $r: lb2 did not take over"; bad=$((bad + 1)); }
	table_ok lb1 || { echo "# round $r: lb1's table changed while it was dead"; bad=$((bad + 1)); }
	start lb1 || bad=$((bad + 1))
	wait_for 20 eval "is lb1 MASTER && is lb2 BACKUP && table_ok lb1" ||
		{ echo "# round $r: lb1 did not come back as master with its table"; bad=$((bad + 1)); }
done
check "kill/restart x3: every round ok ($bad bad)" [ "$bad" = 0 ]
check "kill/restart: no IPVS error logged" absent 'error' "$VM_DIR/lb1.log"
check "(4) end: one master, VIP on lb1 only, tables as desired" wait_for 10 end_state
if [ "$VM_FAILS" -ne 0 ]; then
	for f in lb1 lb2; do echo "--- $f.log"; tail -n 40 "$VM_DIR/$f.log"; echo "--- $f.save"; cat "$VM_DIR/$f.save"; done
fi
vm_done
