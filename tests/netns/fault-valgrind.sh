#!/bin/bash
# valgrind (memcheck) on one director through a whole scenario: start as
# backup, failover to master (the peer SIGKILLed), 3 unchanged reloads and 2
# changing ones (an instance added, a priority changed, the instance
# removed again), status/metrics requests, the peer back (preempts: master ->
# backup), SIGTERM. Pass: no invalid access (ERROR SUMMARY: 0 errors),
# definitely and indirectly lost = 0, exit status 0. No scripts in this
# scenario: valgrind 3.19 does not know pidfd_open, which sd-event uses for
# child sources. In a sanitizer build (the CI's second pass) valgrind cannot
# run the ASan binary: the same scenario runs without it and ASan's own leak
# checker (detect_leaks=1 in ci.sh) does the judging.
. "$top_srcdir/tests/netns/lib-vrrp.sh"

VIP=192.168.168.100
v_bridge
v_host d1 192.168.168.50/24
v_host d2 192.168.168.51/24
V_ADV=1 v_conf "$V_DIR/d1.conf" d1 100
V_ADV=1 v_conf "$V_DIR/d2.conf" d2 200
VG="$V_DIR/valgrind.log"
if ldd "$HD" 2>/dev/null | grep -q 'libasan\|libubsan'; then
	echo "# sanitizer build: running the scenario without valgrind"
	VALGRIND=()
else
	# not --quiet: the log then always ends with each process's summary
	VALGRIND=(valgrind --error-exitcode=42 --leak-check=full
		--show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect
		--track-fds=no --log-file="$VG")
fi

v_start d2 "$V_DIR/d2.conf"
check "d2 master" wait_for 5 v_state_is d2 VI_1 MASTER
ip netns exec "$(nsof d1)" "${VALGRIND[@]}" "$HD" -n -l -v -f "$V_DIR/d1.conf" \
	-p "$V_DIR/d1.pid" -s "$V_DIR/d1.sock" >>"$V_DIR/d1.log" 2>&1 &
D1PID=$!
check "d1 (under valgrind) answers" wait_for 60 "$HDCTL" -s "$V_DIR/d1.sock" ping
check "d1 backup" wait_for 20 v_state_is d1 VI_1 BACKUP

kill -9 "$(v_pid d2)"
check "failover: d1 master" wait_for 20 v_state_is d1 VI_1 MASTER
check "failover: d1 holds the VIP" wait_for 5 v_has_vip d1 $VIP
ip -n "$(nsof d2)" addr del $VIP/24 dev eth0 2>/dev/null

reload() {
	local n
	n=$(grep -c "reload complete" "$V_DIR/d1.log")
	kill -HUP "$D1PID"
	wait_for 20 eval "[ \$(grep -c 'reload complete' '$V_DIR/d1.log') -gt $n ]"
}
ok_reloads=0
for i in 1 2 3; do reload && ok_reloads=$((ok_reloads + 1)); done
V_ADV=1 v_conf "$V_DIR/d1.conf" d1 110
cat >>"$V_DIR/d1.conf" <<CONF
vrrp_instance VI_2 { interface = eth0  virtual_router_id = 52  priority = 100  advert_int = 1
    virtual_ipaddress = { 192.168.168.101/24 } }
CONF
reload && ok_reloads=$((ok_reloads + 1))
check "reload added VI_2" wait_for 20 v_state_is d1 VI_2 BACKUP
V_ADV=1 v_conf "$V_DIR/d1.conf" d1 100
reload && ok_reloads=$((ok_reloads + 1))
check "5 reloads done" [ "$ok_reloads" = 5 ]
check "still master after the reloads" v_state_is d1 VI_1 MASTER
for q in status "status --json" metrics dump; do
	"$HDCTL" -s "$V_DIR/d1.sock" $q >/dev/null 2>&1 || fail "hadirectorctl $q"
done
ip netns exec "$(nsof d1)" python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); s.sendall(b"no such command\n"); s.recv(100)' "$V_DIR/d1.sock"

rm -f "$V_DIR/d2.sock"
v_start d2 "$V_DIR/d2.conf"
check "d2 back: d1 steps down to backup" wait_for 20 v_state_is d1 VI_1 BACKUP
check "d2 back: one VIP holder (d2)" wait_for 10 eval "v_has_vip d2 $VIP && v_no_vip d1 $VIP"

kill -TERM "$D1PID"
wait_for 60 gone "$D1PID"
wait "$D1PID"
rc=$?
check "d1 exited with status 0 (42 = valgrind found errors; got $rc)" [ "$rc" = 0 ]
if [ ${#VALGRIND[@]} -gt 0 ]; then
	echo "# valgrind log: $(wc -l <"$VG") lines"
	grep -v '^==[0-9]*== *$' "$VG"
	check "valgrind: ran to its summary, 0 errors" grep -q 'ERROR SUMMARY: 0 errors' "$VG"
	check "valgrind: no process counted an error" absent -E 'ERROR SUMMARY: [1-9]' "$VG"
	check "valgrind: no invalid access or other error" absent 'Invalid\|uninitialised\|Mismatched\|overlap' "$VG"
	check "valgrind: definitely lost = 0" absent -E 'definitely lost: [1-9]' "$VG"
	check "valgrind: indirectly lost = 0" absent -E 'indirectly lost: [1-9]' "$VG"
fi
v_done
