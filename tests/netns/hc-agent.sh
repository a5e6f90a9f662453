#!/bin/bash
# agent_check (HAProxy's agent-check protocol) against a real agent,
# tests/netns/hc-agent-srv.py, whose answer a file sets. R1's agent walks
# through every word: weights (percent, absolute, above max_weight: bounded),
# drain and ready, down and maint (the real server leaves), up, and a
# garbage line (counted, nothing changes). R2's agent is hostile: a 10 MB
# line (the director reads HC_AGENT_LINE_MAX bytes and hangs up), a byte a
# second (the timeout ends it), binary, silence, a refused connection: each
# counted, R2 stays up with its weight, the daemon never falls over.
. "$top_srcdir/tests/netns/lib.sh"
. "$top_srcdir/tests/netns/lib-hc.sh"
SRV="$top_srcdir/tests/netns/hc-agent-srv.py"

t_bridge
D=$(t_ns d)
t_link "$D" eth0 10.91.0.1/24
for i in 1 2; do
	R[$i]=$(t_ns r$i)
	t_link "${R[$i]}" eth0 10.91.0.1$i/24
	echo "line up" >"$T_DIR/mode$i"
	ip netns exec "${R[$i]}" python3 "$SRV" 9999 "$T_DIR/mode$i" "$T_DIR/agent$i.log" \
		</dev/null >/dev/null 2>>"$T_DIR/srv.log" &
	T_PIDS+=($!) AG[$i]=$!
done

cat >"$T_DIR/hc.conf" <<'CONF'
virtual_server 10.91.0.100:80 {
    lb_kind = nat
    real_server 10.91.0.11:80 {
        weight = 100
        agent_check { connect_port = 9999  delay_loop = 0.2  connect_timeout = 1  max_weight = 150 }
    }
    real_server 10.91.0.12:80 {
        weight = 100
        agent_check { connect_port = 9999  delay_loop = 0.2  connect_timeout = 1  min_weight = 10 }
    }
}
CONF
VS=10.91.0.100:80 R1=10.91.0.11:80 R2=10.91.0.12:80
hc_start "$D" "$T_DIR/hc.conf"
check "daemon answers" wait_for 5 "$HDCTL" -s "$SOCK" ping
check "R1 up, weight 100" wait_for 5 is $VS $R1 weight 100

say() { echo "$2" >"$T_DIR/mode$1"; }
# An agent line; then what R1 becomes (jq field, value) pairs.
walk() {
	local line=$1; shift
	say 1 "line $line"
	while [ $# -gt 0 ]; do
		check "R1 after '$line': $1 = $2" wait_for 5 is $VS $R1 "$1" "$2"
		shift 2
	done
}
walk "up 75%" weight 75 state up 'checkers[0].agent_state' up 'checkers[0].agent_weight' 75%
walk "50" weight 50 state up
walk "200%" weight 150 'checkers[0].agent_weight' 200%
walk "drain" weight 0 agent_drained true state up
walk "ready" weight 150 agent_drained false
walk "100%,maxconn:10 # fine" weight 100
walk "down#disk full" state down outcome agent_down
walk "up" state up outcome ok
walk "maint" state down outcome agent_maint
walk "READY" state up
n=$(status && rs $VS $R1 'checkers[0].agent_garbage')
say 1 "line hello world"
check "R1: a garbage line is counted" wait_for 5 at_least $VS $R1 'checkers[0].agent_garbage' $((n + 2))
check "R1: and changes nothing" is $VS $R1 state up
check "R1: weight still 100" is $VS $R1 weight 100
check "R1: the garbage is the last outcome" is $VS $R1 'checkers[0].outcome' agent_garbage
walk "25%" weight 25

# R2: hostile modes, each for a few rounds; R2 keeps its weight and state.
say 2 "line 80%"
check "R2 at 80" wait_for 5 is $VS $R2 weight 80
g=$(status && rs $VS $R2 'checkers[0].agent_garbage')
for m in huge "raw upupupup" binary; do
	say 2 "$m"
	g=$((g + 2))
	check "R2 $m: counted as garbage" wait_for 8 at_least $VS $R2 'checkers[0].agent_garbage' $g
	check "R2 $m: still up at 80" is $VS $R2 weight 80
	check "R2 $m: state up" is $VS $R2 state up
done
check "huge: the director hung up long before 10 MB" \
	grep -Eq '^huge cut sent=[0-9]{1,7} ' "$T_DIR/agent2.log"
for m in slowloris silent; do
	say 2 "$m"
	check "R2 $m: ends at the timeout" wait_for 10 is $VS $R2 'checkers[0].outcome' timeout
	f=$(rs $VS $R2 'checkers[0].failures')
	check "R2 $m: counted as failed" wait_for 10 at_least $VS $R2 'checkers[0].failures' $((f + 1))
	check "R2 $m: still up at 80" is $VS $R2 weight 80
	check "R2 $m: state up" is $VS $R2 state up
	say 2 "line 80%"
	check "R2 answers again" wait_for 10 is $VS $R2 'checkers[0].outcome' ok
done
# the agent gone: connection refused, neutral too
kill "${AG[2]}"
check "R2 no agent: refused" wait_for 10 is $VS $R2 'checkers[0].outcome' connect_refused
check "R2 no agent: still up at 80" is $VS $R2 weight 80
check "metrics: agent counters" sh -c "'$HDCTL' -s '$SOCK' metrics | grep -q 'hadirector_check_agent_garbage_total{.*10.91.0.12:80.*} [1-9]'"
check "daemon alive" kill -0 "$HDPID"
kill -TERM "$HDPID"; wait "$HDPID"
check "SIGTERM: clean exit" test $? -eq 0
check "no error logged" absent -E 'ERROR|AddressSanitizer|runtime error' "$T_DIR/hd.log"
t_done
