#!/bin/bash
# The fail-open guard (virtual_server max_ejection): four real servers
# behind three virtual servers that share their tcp_checks. GUARD has
# max_ejection 50; BOUND the same with max_ejection_timeout 3 s; PLAIN
# none (the default). A real failure of one server removes it everywhere.
# Then the director's check path is cut (a policy rule in its namespace
# refuses its TCP to the real servers' port, which are fine): every check
# fails within one round; GUARD and BOUND keep all four in service (held),
# PLAIN loses them all; BOUND lets go after 3 s; when the path comes back
# GUARD releases (the checks recovered).
. "$top_srcdir/tests/netns/lib.sh"
. "$top_srcdir/tests/netns/lib-hc.sh"

t_bridge
D=$(t_ns d)
t_link "$D" eth0 10.92.0.1/24
for i in 1 2 3 4; do
	R[$i]=$(t_ns r$i)
	t_link "${R[$i]}" eth0 10.92.0.1$i/24
	listen $i
done

vs() {
	echo "virtual_server $1 {"
	echo "    lb_kind = nat"
	echo "    delay_loop = 0.5"
	echo "    quorum = 1"
	shift
	for o in "$@"; do echo "    $o"; done
	for i in 1 2 3 4; do
		echo "    real_server 10.92.0.1$i:80 { tcp_check { connect_timeout = 0.3 } }"
	done
	echo "}"
}
{
	vs 10.92.0.100:80 "max_ejection = 50"
	vs 10.92.0.101:80 "max_ejection = 50" "max_ejection_timeout = 3"
	vs 10.92.0.102:80
} >"$T_DIR/hc.conf"
GUARD=10.92.0.100:80 BOUND=10.92.0.101:80 PLAIN=10.92.0.102:80
vsf() { status && [ "$(jq -r --arg vs "$1" ".healthcheck[] | select(.vs == \$vs) | .$2" "$T_DIR/st.json")" = "$3" ]; }

hc_start "$D" "$T_DIR/hc.conf"
check "daemon answers" wait_for 5 "$HDCTL" -s "$SOCK" ping
for v in $GUARD $BOUND $PLAIN; do
	check "$v: all four up" wait_for 5 vsf $v real_servers_up 4
done
sleep 1.5 # a few rounds of successful checks

# A real failure of one server: removed, guard or not.
kill "${L[1]}"
for v in $GUARD $BOUND $PLAIN; do
	check "$v: R1 down (one real failure)" wait_for 5 is $v 10.92.0.11:80 state down
	check "$v: R1 not held" is $v 10.92.0.11:80 held false
	check "$v: guard not engaged" vsf $v guard_engaged false
done
listen 1
for v in $GUARD $BOUND $PLAIN; do
	check "$v: R1 back" wait_for 5 vsf $v real_servers_up 4
done
sleep 1

# The check path is cut, the real servers are fine.
ip -n "$D" rule add to 10.92.0.0/24 ipproto tcp dport 80 prohibit
check "PLAIN: every real server removed" wait_for 5 vsf $PLAIN real_servers_up 0
check "GUARD: engaged" wait_for 5 vsf $GUARD guard_engaged true
check "BOUND: engaged" wait_for 5 vsf $BOUND guard_engaged true
for v in $GUARD $BOUND; do
	check "$v: every check fails" wait_for 5 is $v 10.92.0.14:80 check_state down
	check "$v: still four in service" vsf $v real_servers_up 4
	check "$v: four held" vsf $v real_servers_held 4
	check "$v: R2 held" is $v 10.92.0.12:80 held true
done
check "the guard's alarm is logged" wait_for 5 grep -q \
	'virtual server 10.92.0.100:80: [34] of 4 real servers failed within one round' "$T_DIR/hd.log"
check "metrics: the guard gauge" sh -c \
	"'$HDCTL' -s '$SOCK' metrics | grep -q 'hadirector_virtual_server_guard_engaged{vs=\"10.92.0.100:80\"} 1'"
check "metrics: held real servers" sh -c \
	"'$HDCTL' -s '$SOCK' metrics | grep -q 'hadirector_real_server_held{vs=\"10.92.0.100:80\",rs=\"10.92.0.12:80\"} 1'"
# BOUND lets go after its 3 s; GUARD holds on.
check "BOUND: released at its bound" wait_for 8 vsf $BOUND guard_engaged false
check "BOUND: the failures applied" vsf $BOUND real_servers_up 0
check "BOUND: counted" vsf $BOUND guard_expiries 1
check "GUARD: still holding" vsf $GUARD real_servers_up 4
check "the bound is logged" grep -q 'virtual server 10.92.0.101:80: fail-open guard released after 3 s' "$T_DIR/hd.log"

# The path comes back: GUARD releases, everything up everywhere.
ip -n "$D" rule del to 10.92.0.0/24 ipproto tcp dport 80 prohibit
check "GUARD: released, the checks recovered" wait_for 5 vsf $GUARD guard_engaged false
for v in $GUARD $BOUND $PLAIN; do
	check "$v: all four up" wait_for 5 vsf $v real_servers_up 4
done
check "GUARD: not held any more" vsf $GUARD real_servers_held 0
# Up to half may leave before the round shows more (they come back at the
# guard's alarm); none after it.
sed -n '/10.92.0.100:80: [34] of 4 real servers failed/,$p' "$T_DIR/hd.log" >"$T_DIR/after.log"
if grep -q 'of 10.92.0.100:80: up -> down' "$T_DIR/after.log"; then
	fail "GUARD: no server left once the guard engaged"
	# seen once in CI on a loaded machine, cause not known yet: keep the evidence
	grep -e '10.92.0.100:80' -e 'guard' "$T_DIR/hd.log" | sed 's/^/# /'
else
	ok "GUARD: no server left once the guard engaged"
fi
check "GUARD: at most two left before" test "$(grep -c 'of 10.92.0.100:80: up -> down (connect error' "$T_DIR/hd.log")" -le 2
check "daemon alive" kill -0 "$HDPID"
kill -TERM "$HDPID"; wait "$HDPID"
check "SIGTERM: clean exit" test $? -eq 0
t_done
