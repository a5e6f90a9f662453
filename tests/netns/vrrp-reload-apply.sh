#!/bin/bash
# Reload at scale, the apply (issue 19): the part of a reload that runs on
# the event loop (every module's prepare and commit, daemon/modules.c) is
# linear in the configuration, so a VRRP master at advert_int 0.1 keeps
# advertising through the reload of a big file.
#
# The load is built so that a non-linear apply cannot pass on any machine:
# NVS virtual servers with one real server and one tcp_check each. The
# health checker's reload matched each new virtual server by scanning the
# old ones (NVS^2 / 2 comparisons: 450 million at 30,000; 5-6 s on the loop
# here, the backup took over) and formatted each probe's key as text; now it
# matches in place or through hash indexes (33-70 ms here). The yardstick is
# the same daemon's parse of the same file, which runs in a worker thread
# (daemon/reload.c) and grows at least linearly with the file (libconfuse:
# faster than linearly in the number of sections): the apply must take less
# than a tenth of it, seen from the daemon (its log) and from outside (a
# ping on the control socket every 10 ms never waits that long). A machine
# that is faster or slower scales both. Three reloads: the same file, the
# virtual servers in reverse order (nothing is where it was: every lookup
# goes through the indexes), and every check changed (every probe new).
# Each must keep or renew exactly the right probes (the daemon's count),
# and do it in at most 4 index steps per probe, real and virtual server.
# The backup (d2) sees the master's adverts throughout: no pause of 3
# advert intervals, no transition.
HD_TEST_ALONE=1
. "$top_srcdir/tests/netns/lib-vrrp.sh"

NVS=30000
ADV_MS=100
# a sanitizer build does everything 3-5x slower: a quarter of the load (the
# old apply still took over a second there)
ldd "$HD" 2>/dev/null | grep -q 'libasan\|libubsan' && NVS=7500
v_bridge
v_host d1 192.168.168.50/24
v_host d2 192.168.168.51/24
D1=$(nsof d1)
# Every real server is d1 itself (a local route) with one listener: the
# checks pass, so no verdict changes during the reloads.
ip -n "$D1" route add local 10.200.0.0/16 dev lo
cat >"$V_DIR/srv.py" <<'PY'
import socket
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", 80))
s.listen(4096)
while True:
    c, _ = s.accept()
    c.close()
PY
ip netns exec "$D1" python3 "$V_DIR/srv.py" &
SRV=$!
# big_conf ORDER TIMEOUT: VI_1 at 150 and NVS virtual servers (fwd or rev)
big_conf() {
	awk -v nvs="$NVS" -v order="$1" -v to="$2" 'BEGIN {
		print "global { router_id = d1 }"
		print "vrrp_instance VI_1 { interface = eth0  virtual_router_id = 51  priority = 150"
		print "  advert_int = 0.1  version = 3  virtual_ipaddress = { 192.168.168.100/24 } }"
		for (i = 0; i < nvs; i++) {
			v = order == "rev" ? nvs - 1 - i : i
			printf "virtual_server 10.%d.%d.%d:80 {\n  lb_algo = rr\n  lb_kind = nat\n  delay_loop = 3600\n", 1 + int(v / 62500), int(v / 250) % 250, v % 250 + 1
			printf "  real_server 10.200.%d.%d:80 { weight = 1  tcp_check { connect_timeout = %d  warmup = 3600 } }\n}\n", int(v / 250), v % 250 + 1, to
		}
	}'
}
big_conf fwd 5 >"$V_DIR/fwd.conf"
big_conf rev 5 >"$V_DIR/rev.conf"
big_conf fwd 4 >"$V_DIR/new.conf"
cp "$V_DIR/fwd.conf" "$V_DIR/d1.conf"
v_conf "$V_DIR/d2.conf" d2 100
v_start d2 "$V_DIR/d2.conf"
V_START_WAIT=120 v_start d1 "$V_DIR/d1.conf"
check "d1 (150) master" wait_for 120 v_state_is d1 VI_1 MASTER
check "d2 (100) backup" wait_for 5 v_state_is d2 VI_1 BACKUP
tr2=$(v_field d2 VI_1 transitions)

ip netns exec "$V_BR" tcpdump -i br0 -n -tt -l --immediate-mode 'ip proto 112 and src host 192.168.168.50' \
	>"$V_DIR/adverts.txt" 2>"$V_DIR/tcpdump.log" &
TD=$!
: >"$V_DIR/probe.txt"
python3 "$top_srcdir/tests/netns/ctl-probe.py" "$V_DIR/d1.sock" "$V_DIR/probe.txt" &
PROBE=$!
wait_for 5 test -s "$V_DIR/probe.txt"
sleep 0.5

completes() { grep -c "reload complete" "$V_DIR/d1.log"; }
last() { grep "$1" "$V_DIR/d1.log" | tail -n 1; }
num_after() { sed -n "s/.*$1 \([0-9]*\).*/\1/p"; } # WORD: the number after WORD
# reload NAME FILE KEPT: d1 reloads FILE; KEPT probes must carry over
reload() {
	local name="$1" n t0 t1 line parse apply m kept steps pmax adv
	cp "$2" "$V_DIR/d1.conf"
	n=$(completes)
	t0=$(v_clock_ms) s0=$(date +%s.%N)
	kill -HUP "$(v_pid d1)"
	wait_for 120 eval "[ \$(completes) -gt $n ]"
	sleep 0.5 # the reconcile pass after it, and a few adverts
	t1=$(v_clock_ms) s1=$(date +%s.%N)
	line=$(last "reload complete")
	parse=$(echo "$line" | num_after parse) apply=$(echo "$line" | num_after apply)
	m=$(last "health checks: matched")
	kept=$(echo "$m" | sed -n 's/.*(\([0-9]*\) kept).*/\1/p') steps=$(echo "$m" | num_after in)
	pmax=$(awk -v a="$t0" -v b="$t1" '$1 >= a && $1 <= b && $2 > m { m = $2 } END { print m + 0 }' "$V_DIR/probe.txt")
	read -r adv gap _ <<<"$(v_advert_window "$V_DIR/adverts.txt" "$s0" "$s1")"
	echo "# $name: parse ${parse:-?} ms, apply ${apply:-?} ms; longest ping $pmax ms; matched: ${m#*matched }; adverts $adv, longest pause $gap ms"
	check "$name: reload complete" [ -n "$parse" ]
	check "$name: apply ($apply ms) < parse / 10 ($parse / 10)" [ "${apply:-999999}" -lt $((${parse:-0} / 10)) ]
	check "$name: no ping waited parse / 10 ($pmax < $parse / 10)" [ "$pmax" -lt $((${parse:-0} / 10)) ]
	check "$name: $3 of $NVS probes kept (${kept:-none})" [ "${kept:-x}" = "$3" ]
	check "$name: at most 4 index steps per probe, real and virtual server (${steps:-none})" \
		[ "${steps:-999999999}" -le $((4 * 3 * NVS)) ]
	check "$name: the backup saw adverts, no pause of 3 advert_int ($gap ms)" \
		[ "${adv:-0}" -gt 0 ] && [ "${gap:-99999}" -lt $((3 * ADV_MS)) ]
}
reload "same file" "$V_DIR/fwd.conf" "$NVS"
reload "reverse order" "$V_DIR/rev.conf" "$NVS"
reload "every check changed" "$V_DIR/new.conf" 0

kill "$PROBE" "$TD"
wait "$PROBE" "$TD" 2>/dev/null
check "no ping failed" [ "$(awk '$2 < 0' "$V_DIR/probe.txt" | wc -l)" = 0 ]
check "d2 never left BACKUP" [ "$(v_field d2 VI_1 transitions)" = "$tr2" ]
check "d1 still master" v_state_is d1 VI_1 MASTER
kill "$SRV"
v_done
