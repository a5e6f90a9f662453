#!/bin/bash
# Notify and track scripts, as script_user, never blocking the loop:
# (1) notify_master/backup/fault and notify run as nobody, in transition
#     order, the specific script before `notify`, which gets
#     "INSTANCE NAME STATE PRIORITY";
# (2) a notify_master that sleeps forever is killed (with what it started)
#     at script_timeout, while the master keeps advertising: the backup never
#     takes over; the queue then goes on;
# (3) a track_script that hangs is killed at its timeout, counts as failed
#     (weight -60: the backup preempts), and no hung process piles up.
. "$top_srcdir/tests/netns/lib-vrrp.sh"

VIP=192.168.168.100
v_open_dir
v_bridge
v_host d1 192.168.168.50/24
v_host d2 192.168.168.51/24
OUT="$V_DIR/out/d1.txt"
for s in nm nb nf n; do v_notify_script "$V_DIR/$s.sh" "$OUT"; done
printf '#!/bin/sh\necho "$(date +%%s.%%N) start" >>%s\nsleep 100000\n' "$V_DIR/out/hang.txt" >"$V_DIR/hang.sh"
chmod 755 "$V_DIR/hang.sh"
sleepers() { # NS: hung sleeps left in the namespace
	ip netns pids "$(nsof "$1")" | xargs -r ps -o args= -p 2>/dev/null | grep -c '^sleep 100000'
}

cat >"$V_DIR/d1.conf" <<CONF
global { router_id = d1  script_user = nobody  script_timeout = 2 }
vrrp_instance VI_1 {
    interface = eth0
    virtual_router_id = 51
    priority = 150
    advert_int = 0.1
    virtual_ipaddress = { $VIP/24 }
    notify_master = "$V_DIR/nm.sh"
    notify_backup = "$V_DIR/nb.sh"
    notify_fault = "$V_DIR/nf.sh"
    notify = "$V_DIR/n.sh"
}
CONF
v_conf "$V_DIR/d2.conf" d2 100
v_start d2 "$V_DIR/d2.conf"
check "d2 alone: master" wait_for 3 v_state_is d2 VI_1 MASTER
v_start d1 "$V_DIR/d1.conf"
check "d1 master" wait_for 3 v_state_is d1 VI_1 MASTER
ip -n "$(nsof d1)" link set eth0 down
check "eth0 down: d1 FAULT" wait_for 3 v_state_is d1 VI_1 FAULT
ip -n "$(nsof d1)" link set eth0 up
check "eth0 up: d1 master again" wait_for 4 v_state_is d1 VI_1 MASTER
sleep 0.5

# (1) order, user, arguments
cut -d' ' -f2- "$OUT" >"$V_DIR/seq.txt"
cat >"$V_DIR/want.txt" <<W
nobody nb.sh -
nobody n.sh INSTANCE VI_1 BACKUP 150
nobody nm.sh -
nobody n.sh INSTANCE VI_1 MASTER 150
nobody nf.sh -
nobody n.sh INSTANCE VI_1 FAULT 150
nobody nb.sh -
nobody n.sh INSTANCE VI_1 BACKUP 150
nobody nm.sh -
nobody n.sh INSTANCE VI_1 MASTER 150
W
check "notify scripts: as nobody, in transition order, with arguments" \
	diff -u "$V_DIR/want.txt" "$V_DIR/seq.txt"
check "notify timestamps are increasing" \
	eval "cut -d' ' -f1 '$OUT' | sort -c -n"

# (2) a notify_master that never ends
kill -TERM "$(v_pid d1)"
check "d2 master while d1 is away" wait_for 3 v_state_is d2 VI_1 MASTER
wait_for 3 gone "$(v_pid d1)"
sed -i "s|notify_master = \"$V_DIR/nm.sh\"|notify_master = \"$V_DIR/hang.sh\"|" "$V_DIR/d1.conf"
: >"$OUT"
rm -f "$V_DIR/d1.sock"
v_start d1 "$V_DIR/d1.conf"
check "hanging notify_master: d1 master" wait_for 3 v_state_is d1 VI_1 MASTER
check "hanging notify_master: the script started" wait_for 2 test -s "$V_DIR/out/hang.txt"
sleep 0.3
tr2=$(v_field d2 VI_1 transitions)
rx0=$(v_field d2 VI_1 adverts_received)
sleep 1
rx1=$(v_field d2 VI_1 adverts_received)
echo "# while the script hangs, d2 received $((rx1 - rx0)) adverts in 1 s"
check "hanging notify_master: adverts keep flowing (>= 8/s, got $((rx1 - rx0)))" [ $((rx1 - rx0)) -ge 8 ]
check "hanging notify_master: d1 control socket answers" v_state_is d1 VI_1 MASTER
check "hanging notify_master: the script is killed at its timeout" \
	wait_for 3 grep -q "timed out: killing its process group" "$V_DIR/d1.log"
check "hanging notify_master: nothing it started is left" wait_for 2 eval "[ \$(sleepers d1) = 0 ]"
check "hanging notify_master: the queue goes on (notify ran after it)" \
	wait_for 2 grep -q "n.sh INSTANCE VI_1 MASTER 150" "$OUT"
check "hanging notify_master: d2 never took over" \
	eval "[ \"\$(v_field d2 VI_1 transitions)\" = $tr2 ] && v_state_is d2 VI_1 BACKUP"
check "hanging notify_master: the VIP stayed on d1" eval "v_has_vip d1 $VIP && v_no_vip d2 $VIP"

# (3) a track_script that hangs: killed at its timeout, counts as failure
v_stop d1 TERM 3
v_conf "$V_DIR/d1.conf" d1 150 "track_script = { hang }"
sed -i "1a vrrp_script hang { script = \"$V_DIR/hang.sh\"  interval = 0.5  timeout = 1  fall = 1  rise = 1  weight = -60 }" "$V_DIR/d1.conf"
v_start d1 "$V_DIR/d1.conf"
t0=$(v_clock_ms)
check "hanging track_script: judged failed (priority 90)" \
	wait_for 4 eval "[ \"\$(v_field d1 VI_1 priority)\" = 90 ]"
tf=$(v_log_ms d1 'vrrp_script hang: failed')
echo "# track_script judged failed $((tf - t0)) ms after the start (timeout 1 s)"
check "hanging track_script: not before its timeout" [ $((tf - t0)) -ge 900 ]
check "hanging track_script: d2 stays/is master (150-60 < 100)" wait_for 3 v_state_is d2 VI_1 MASTER
sleep 3
n=$(sleepers d1)
echo "# hung track_script processes alive after 3 more runs: $n"
check "hanging track_script: killed each time, at most one alive ($n)" [ "$n" -le 1 ]
check "hanging track_script: d1 keeps advertising" \
	eval "a=\$(v_field d1 VI_1 adverts_received); sleep 0.5; [ \$(v_field d1 VI_1 adverts_received) -gt \$a ]"
v_done
