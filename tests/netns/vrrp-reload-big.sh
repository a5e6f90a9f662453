#!/bin/bash
# Reload of a big file while a VRRP pair runs: the parse happens off the
# event loop (daemon/reload.c, a worker thread), so the master keeps
# advertising through it and the backup never takes over, although its
# Master_Down_Interval (361 ms at advert_int 0.1) is far shorter than the
# parse; the loop answers control requests meanwhile. A "reload" request
# gets its answer after the parse and apply; a broken big file is rejected
# the same way, with its FILE:LINE error in the reply. Status and metrics
# of that config (tens of MB of text) are rendered by a forked child from a
# snapshot (daemon/snapshot.c): the loop keeps answering and advertising
# through them, concurrent requests all get whole replies, and the pid in
# the status is the daemon's.
#
# Nothing here depends on how fast the machine is. The file is made big
# enough, by measuring on this machine in this run, for its parse to last
# at least 2 x Master_Down_Interval: `hadirector -t` of two sample sizes
# gives the parse time per virtual server, the file is scaled from that,
# and when the daemon's own parse (its log) still came out shorter the file
# grows and the reload is done again. Run on the loop, such a parse would
# silence the master long enough for the backup to take over. The loop's
# latency is measured by ctl-probe.py (one process pinging every 10 ms, so
# no program start is timed) and compared with the parse or render it ran
# beside: on the loop, a ping sent during either waits for most of it.
. "$top_srcdir/tests/netns/lib-vrrp.sh"

VIP=192.168.168.100
MDI=361 # the backup's Master_Down_Interval, ms: 3 x 100 + (256 - 100) x 100 / 256
WANT=$((2 * MDI)) # the least parse that makes this a test
AIM=$((WANT * 13 / 10)) # what the file is made for
NRS=50 # real servers per virtual server
MAXVS=10000 # 500,000 real servers at most (a parse of 3.5 s natively here)
v_bridge
v_host d1 192.168.168.50/24
v_host d2 192.168.168.51/24

# big_conf NVS [BROKEN]: VI_1 at priority 150 plus NVS x NRS real servers
# (NAT, no checks: only the parse is big). BROKEN puts an error at the end.
big_conf() {
	awk -v nvs="$1" -v nrs="$NRS" -v broken="${2:-}" -v vip="$VIP" 'BEGIN {
		print "global { router_id = d1 }"
		print "vrrp_instance VI_1 { interface = eth0  virtual_router_id = 51  priority = 150"
		print "  advert_int = 0.1  virtual_ipaddress = { " vip "/24 } }"
		for (v = 0; v < nvs; v++) {
			printf "virtual_server 10.%d.%d.%d:80 {\n  lb_algo = rr\n  lb_kind = nat\n", 1 + int(v / 62500), int(v / 250) % 250, v % 250 + 1
			for (r = 1; r <= nrs; r++)
				printf "  real_server 10.200.%d.%d:80 { weight = 1 }\n", v % 250, r
			print "}"
		}
		if (broken) print "virtual_server 10.9.9.9:80 { lb_algo = nonsense }"
	}'
}
parse_time() { # NVS: ms that hadirector -t takes over a file of NVS virtual servers
	local t0
	big_conf "$1" >"$V_DIR/sample.conf"
	t0=$(now_ms)
	"$HD" -t -f "$V_DIR/sample.conf" >/dev/null 2>&1
	echo $(($(now_ms) - t0))
}
# The parse time per virtual server from the difference of two sizes (the
# program's start cancels out), doubled until the difference is 100 ms.
n=100
while :; do
	ta=$(parse_time $n) tb=$(parse_time $((2 * n)))
	[ $((tb - ta)) -ge 100 ] || [ "$n" -ge 12800 ] && break
	n=$((2 * n))
done
per_us=$(((tb - ta) * 1000 / n)) # per virtual server
[ "$per_us" -gt 0 ] || per_us=1
NVS=$((AIM * 1000 / per_us + 1))
[ "$NVS" -le "$MAXVS" ] || NVS=$MAXVS
echo "# hadirector -t: $ta ms for $((n * NRS)) real servers, $tb ms for $((2 * n * NRS)): $NVS x $NRS for a parse of $AIM ms"
big_conf $NVS >"$V_DIR/d1.conf"
v_conf "$V_DIR/d2.conf" d2 100
v_start d2 "$V_DIR/d2.conf"
V_START_WAIT=$((10 + 5 * WANT / 1000)) v_start d1 "$V_DIR/d1.conf"
check "d1 (150) master" wait_for 30 v_state_is d1 VI_1 MASTER
check "d2 (100) backup" wait_for 5 v_state_is d2 VI_1 BACKUP
sleep 0.5

# The master's own status is not read while the pair runs: a status of
# the big config is a big reply of its own. Its log says what it did.
completes() { grep -c "reload complete" "$V_DIR/d1.log"; }
parse_ms() { grep "reload complete" "$V_DIR/d1.log" | tail -n 1 | sed 's/.*parse \([0-9]*\) ms.*/\1/'; }
apply_ms() { grep "reload complete" "$V_DIR/d1.log" | tail -n 1 | sed 's/.*apply \([0-9]*\) ms.*/\1/'; }
d1_transitions() { grep -c "VI_1: .* -> " "$V_DIR/d1.log"; }
tr1=$(d1_transitions) tr2=$(v_field d2 VI_1 transitions)
rx0=$(v_field d2 VI_1 adverts_received) t_rx0=$(now_ms)

# probe_start / probe_stop: ctl-probe.py on d1's control socket meanwhile.
probe_start() {
	: >"$V_DIR/probe.txt"
	python3 "$top_srcdir/tests/netns/ctl-probe.py" "$V_DIR/d1.sock" "$V_DIR/probe.txt" &
	PROBE=$!
	wait_for 5 test -s "$V_DIR/probe.txt"
}
probe_stop() { kill "$PROBE"; wait "$PROBE"; }
# probe_stats FROM TO: "ANSWERED MAX FAILED": the requests answered between
# FROM and TO (ms since midnight, as the log), the longest wait of any, and
# the requests that failed.
probe_stats() {
	awk -v a="$1" -v b="$2" '$2 < 0 { f++; next }
		{ if ($1 + $2 >= a && $1 + $2 <= b) n++; if ($2 > m) m = $2 }
		END { print n + 0, m + 0, f + 0 }' "$V_DIR/probe.txt"
}
# reload_window: "BEGIN END" of the last reload's parse, from d1's log
reload_window() {
	local end
	end=$(($(v_log_ms d1 "reload complete") - $(apply_ms)))
	echo "$(v_log_ms d1 "notice: reloading") $end"
}
# probe_verdict WHAT PARSE: the checks on the probe of one reload
probe_verdict() {
	local st n max failed
	st=$(probe_stats $(reload_window))
	read -r n max failed <<<"$st"
	echo "# $1: parse $2 ms; $n pings answered during it; the longest wait $max ms; $failed failed"
	check "$1: pings answered while the parse ran ($n >= 3)" [ "$n" -ge 3 ]
	check "$1: no ping waited for the parse (longest $max ms < $2 / 2)" [ "$max" -lt $(($2 / 2)) ]
	check "$1: no ping failed ($failed)" [ "$failed" = 0 ]
}

# (1) SIGHUP: while it parses, the control socket answers at once. The
# daemon's parse must last WANT; if it came out shorter, a bigger file.
for try in 1 2 3 4 5; do
	n=$(completes)
	probe_start
	kill -HUP "$(v_pid d1)"
	wait_for $((30 + 20 * WANT / 1000)) eval "[ \$(completes) -gt $n ]"
	sleep 0.1
	probe_stop
	p1=$(parse_ms)
	[ "${p1:-0}" -ge "$WANT" ] && break
	[ "$try" = 5 ] && break
	NVS=$((NVS * AIM * 3 / 2 / ${p1:-1} + 1)) # the load may have dropped since
	[ "$NVS" -le "$MAXVS" ] || NVS=$MAXVS
	echo "# the daemon's parse took $p1 ms, less than $WANT: again with $NVS x $NRS"
	big_conf $NVS >"$V_DIR/d1.conf"
done
NTOTAL=$((NVS * NRS))
check "SIGHUP reload completed" [ "$(completes)" -gt "$n" ]
check "the file is big enough: its parse took $p1 ms >= 2 x Master_Down_Interval ($WANT)" [ "${p1:-0}" -ge "$WANT" ]
probe_verdict "SIGHUP reload of $NTOTAL real servers" "$p1"

# (2) hadirectorctl reload: the answer comes after the parse, with the result.
probe_start
out=$("$HDCTL" -s "$V_DIR/d1.sock" reload 2>&1)
rc=$?
probe_stop
check "hadirectorctl reload of the big file answers 'reloaded' ($rc: $out)" [ "$rc:$out" = 0:reloaded ]
probe_verdict "hadirectorctl reload" "$(parse_ms)"

# (3) a broken big file: rejected after its parse, the error named, old config kept.
big_conf $NVS broken >"$V_DIR/d1.conf"
out=$("$HDCTL" -s "$V_DIR/d1.sock" reload 2>&1)
rc=$?
check "broken big file: hadirectorctl reload fails" [ "$rc" -ne 0 ]
check "broken big file: the reply names FILE:LINE of the error ($(echo "$out" | tail -n 1))" \
	eval "echo \"\$out\" | grep -q 'd1.conf:[0-9]*:.*lb_algo'"
check "broken big file: the log says the old configuration stays" grep -q "reload failed: keeping the running configuration" "$V_DIR/d1.log"

# (4) two SIGHUPs back to back: the second comes during the first parse and
# gets its own parse after it (the file may have changed in between).
big_conf $NVS >"$V_DIR/d1.conf"
n=$(completes)
kill -HUP "$(v_pid d1)"
sleep 0.2
kill -HUP "$(v_pid d1)"
check "two SIGHUPs during one parse: two reloads" \
	wait_for $((30 + 40 * p1 / 1000)) eval "[ \$(completes) -ge $((n + 2)) ]"

# (5) status / metrics of the big config while the pair runs. Rendered on
# the loop, a ping sent meanwhile would wait for most of the render.
d1pid=$(v_pid d1)
probe_start
took="" t_start=$(v_clock_ms)
for _ in 1 2 3; do # timed from connect to the reply's end, no program start
	t=$(python3 "$top_srcdir/tests/netns/ctl-probe.py" "$V_DIR/d1.sock" --time "status --json" "$V_DIR/st.json")
	rc=$?
	[ -z "$took" ] || [ "${t:-0}" -lt "$took" ] && took=${t:-0}
done
t_end=$(v_clock_ms)
read -r pings maxping failed <<<"$(probe_stats "$t_start" "$t_end")"
nrs=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(sum(len(v["real_servers"]) for v in d["healthcheck"]), d["daemon"]["pid"])' "$V_DIR/st.json")
echo "# status --json: $(wc -c <"$V_DIR/st.json") bytes, the quickest of 3 in $took ms; real servers, pid: $nrs; $pings pings answered meanwhile, the longest wait $maxping ms"
check "status --json of the big config is whole ($NTOTAL real servers, pid $d1pid)" [ "$rc/$nrs" = "0/$NTOTAL $d1pid" ]
check "pings answered during the renders ($pings >= 3)" [ "$pings" -ge 3 ]
check "no ping waited for a render (longest $maxping ms < $took / 2)" [ "$maxping" -lt $((took / 2)) ]
for i in $(seq 10); do
	"$HDCTL" -s "$V_DIR/d1.sock" status --json >"$V_DIR/st.$i" 2>&1 &
done
"$HDCTL" -s "$V_DIR/d1.sock" metrics >"$V_DIR/metrics.txt"
mrc=$?
wait $(jobs -p | grep -vx "$PROBE")
probe_stop
read -r _ maxping failed <<<"$(probe_stats 0 0)"
# Ten renders and ten clients share the machine's cores with the loop. On
# the loop, a ping would wait for every render asked before it (ten).
check "no ping waited for 10 concurrent renders either (longest $maxping ms < 3 x $took)" \
	[ "$maxping" -lt $((3 * took)) ]
check "no ping failed ($failed)" [ "$failed" = 0 ]
whole=0
for i in $(seq 10); do
	python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$V_DIR/st.$i" 2>/dev/null && whole=$((whole + 1))
	rm -f "$V_DIR/st.$i"
done
check "10 concurrent status --json requests: all whole ($whole)" [ "$whole" = 10 ]
check "metrics of the big config: answered with every real server" \
	eval "[ $mrc = 0 ] && [ \$(grep -c '^hadirector_real_server_up{' '$V_DIR/metrics.txt') -ge $NTOTAL ]"
check "no render child is left behind" \
	wait_for 5 eval "[ -z \"\$(ps -o pid= --ppid $d1pid)\" ]"

sleep 0.5
rx1=$(v_field d2 VI_1 adverts_received)
due=$((($(now_ms) - t_rx0) / 100))
check "no transition on the master (its log)" same_num "$(d1_transitions)" "$tr1"
check "no transition on the backup (it heard adverts all along)" same_num "$(v_field d2 VI_1 transitions)" "$tr2"
check "the backup kept receiving adverts ($((rx1 - rx0)) of $due due, >= half)" [ $((2 * (rx1 - rx0))) -ge "$due" ]
check "the VIP stayed on d1 only" eval "v_has_vip d1 $VIP && v_no_vip d2 $VIP"
grep "reload complete" "$V_DIR/d1.log" | sed 's/^/# /'
check "status now says no reload is in progress" \
	eval "v_status d1 | grep -q '\"reload_in_progress\":false'"
v_done
