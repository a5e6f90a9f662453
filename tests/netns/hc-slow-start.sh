#!/bin/bash
# Slow start as the daemon's status shows it (the kernel's side is
# tests/vm/hc-slow-start.sh): R1 (weight 100, slow_start 2 s in 4 steps)
# fails and comes back; its weight, sampled every 50 ms, rises 20 40 60 80
# 100, never falls, at most 5 values, 100 after about 2 s; slow_start_writes
# counts them. Undrained by the operator it ramps again; at startup and
# for R2, which never failed, nothing ramps.
. "$top_srcdir/tests/netns/lib.sh"
. "$top_srcdir/tests/netns/lib-hc.sh"

t_bridge
D=$(t_ns d)
t_link "$D" eth0 10.93.0.1/24
for i in 1 2; do
	R[$i]=$(t_ns r$i)
	t_link "${R[$i]}" eth0 10.93.0.1$i/24
	listen $i
done
cat >"$T_DIR/hc.conf" <<'CONF'
virtual_server 10.93.0.100:80 {
    lb_kind = nat
    lb_algo = wlc
    slow_start = 2
    slow_start_steps = 4
    real_server 10.93.0.11:80 { weight = 100  tcp_check { delay_loop = 0.2  connect_timeout = 0.3 } }
    real_server 10.93.0.12:80 { weight = 100  tcp_check { delay_loop = 0.2  connect_timeout = 0.3 } }
}
CONF
VS=10.93.0.100:80 R1=10.93.0.11:80 R2=10.93.0.12:80
listening() { ip netns exec "${R[$1]}" ss -ltn | grep -q ':80 '; }
check "R1 listens before the daemon starts" wait_for 5 listening 1
check "R2 listens before the daemon starts" wait_for 5 listening 2
hc_start "$D" "$T_DIR/hc.conf"
check "daemon answers" wait_for 5 "$HDCTL" -s "$SOCK" ping
check "R1 at 100 from the start (no ramp at startup)" wait_for 5 is $VS $R1 weight 100
check "no ramp counted at startup" is $VS $R1 slow_start_writes 0

# samples R1's weight for MS milliseconds into $T_DIR/w.txt
sample() {
	local t0; t0=$(now_ms)
	: >"$T_DIR/w.txt"
	while [ $(($(now_ms) - t0)) -lt "$1" ]; do
		status && echo "$(($(now_ms) - t0)) $(rs $VS $R1 weight) $(rs $VS $R1 state)" >>"$T_DIR/w.txt"
		sleep 0.05
	done
}
ramp() { # WHAT: the checks of one ramp in $T_DIR/w.txt
	local seen first full back
	seen=$(awk '$3 == "up" && $2 != p { printf "%s ", $2; p = $2 }' "$T_DIR/w.txt")
	echo "# $1: R1's weights: $seen"
	first=$(awk '$3 == "up" { print $2; exit }' "$T_DIR/w.txt")
	back=$(awk '$3 == "up" { print $1; exit }' "$T_DIR/w.txt")
	full=$(awk '$3 == "up" && $2 == 100 { print $1; exit }' "$T_DIR/w.txt")
	check "$1: comes back low (first $first)" test "${first:-999}" -le 20
	check "$1: weights only rise" awk '$3 == "up" { if ($2 < p) exit 1; p = $2 }' "$T_DIR/w.txt"
	check "$1: at most 5 values, at least 3 ($seen)" test "$(echo $seen | wc -w)" -le 5 -a "$(echo $seen | wc -w)" -ge 3
	check "$1: 100 after about 2 s (${back} -> ${full} ms)" test "$((full - back))" -ge 1200 -a "$((full - back))" -le 3500
}
kill "${L[1]}"
check "R1 down" wait_for 5 is $VS $R1 state down
listen 1
sample 3500
ramp "after a failure"
n=$(rs $VS $R1 slow_start_writes)
check "at most steps + 1 = 5 ramp weights counted ($n)" test "$n" -le 5 -a "$n" -ge 3
check "R2 untouched" is $VS $R2 weight 100
check "R2: no ramp" is $VS $R2 slow_start_writes 0

"$HDCTL" -s "$SOCK" drain $VS $R1 >/dev/null
check "drained: weight 0" wait_for 5 is $VS $R1 weight 0
"$HDCTL" -s "$SOCK" undrain $VS $R1 >/dev/null
sample 3000
ramp "after undrain"
check "metrics: the slow start gauge" sh -c "'$HDCTL' -s '$SOCK' metrics | grep -q '^hadirector_real_server_slow_start_weights_total{vs=\"$VS\",rs=\"$R1\"} [1-9]'"
check "daemon alive" kill -0 "$HDPID"
kill -TERM "$HDPID"; wait "$HDPID"
check "SIGTERM: clean exit" test $? -eq 0
t_done
