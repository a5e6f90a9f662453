#!/bin/bash
# The health checks run in the daemon's own loop, outside sd-event
# (daemon/base/loop.c): their sockets and their schedule's timer are the
# loop's, and a wakeup for them alone runs no sd-event iteration. What a
# check changes of sd-event's sources must still take effect at once:
# sd-event arms its timers only in an iteration of its own. A misc_check
# whose script hangs (timeout 1 s, delay_loop 3 s) and nothing else: its
# run starts from the schedule, outside sd-event, and the script's kill
# timer is an sd-event timer. Each kill comes 1 s after its start, so the
# kills are delay_loop apart. Without the loop's prepare after such a start
# the kill waited for sd-event's next wakeup of its own (the IPVS module's
# retry or re-read every 5 s): 4.3 s, kills 5 s apart. Without a kill
# timed from the clock (sd_event_add_time_relative counts from sd-event's
# last iteration) it came early.
. "$top_srcdir/tests/netns/lib.sh"
. "$top_srcdir/tests/netns/lib-hc.sh"

D=$(t_ns d)
printf '#!/bin/sh\nexec sleep 30\n' >"$T_DIR/hang.sh"
chmod 755 "$T_DIR/hang.sh"
cat >"$T_DIR/hc.conf" <<CONF
global { router_id = hc-loop  script_user = root }
virtual_server 127.0.0.1:80 {
    delay_loop = 3
    lb_kind = nat
    real_server 127.0.0.2:80 { misc_check { script = "$T_DIR/hang.sh"  timeout = 1 } }
}
CONF
hc_start "$D" "$T_DIR/hc.conf"
# No status query until the end: a control request is an sd-event wakeup
# of its own, which would arm the timer in time.
kills() { grep -c 'hang.sh (process [0-9]*) timed out' "$T_DIR/hd.log"; }
wait_for 25 eval '[ "$(kills)" -ge 5 ]'
check "the hanging script was killed five times (got $(kills))" [ "$(kills)" -ge 5 ]
# the seconds between one kill and the next, from the log's timestamps
gaps=$(awk '/hang.sh \(process [0-9]*\) timed out/ { split($1, t, ":"); s = t[1] * 3600 + t[2] * 60 + t[3]
	if (n++) printf "%.3f ", s - last; last = s }' "$T_DIR/hd.log")
echo "# seconds between kills: $gaps"
for g in $gaps; do
	check "kills delay_loop apart ($g s)" awk -v g="$g" 'BEGIN { exit !(g >= 2.7 && g <= 3.5) }'
done
status
dur=$(rs 127.0.0.1:80 127.0.0.2:80 'checkers[0].last_duration_ms')
check "the last kill came at the 1 s timeout (took $dur ms)" \
	awk -v d="$dur" 'BEGIN { exit !(d >= 950 && d < 1500) }'
t_done
