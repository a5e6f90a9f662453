#!/bin/bash
# ping_check (keepalived's PING_CHECK), IPv4 and IPv6, with both sockets it
# can use: director DR keeps the namespace's default ping_group_range (no
# unprivileged ICMP socket: a raw one), DD allows it (the datagram socket).
# Real servers: R1 answers (its kernel); R2 does not (echo_ignore_all);
# R3 answers into a blackhole route; R4 is hostile: its kernel does not answer,
# tests/netns/hc-ping-srv.py answers each request with 50 replies carrying
# its ident and sequence but another payload and 50 with other idents; R5
# runs the same program answering correctly (proof that its replies reach
# the director, so R4 stays down for the matching alone). Each director:
# R1 and R5 up ('ok'), R2, R3, R4 down ('timeout'), the hostile replies
# counted as dropped and logged (a warning).
. "$top_srcdir/tests/netns/lib.sh"
. "$top_srcdir/tests/netns/lib-hc.sh"
SRV="$top_srcdir/tests/netns/hc-ping-srv.py"

t_bridge
DR=$(t_ns dr); DD=$(t_ns dd)
t_link "$DR" eth0 10.90.0.1/24
t_link "$DD" eth0 10.90.0.2/24
ip -n "$DR" addr add fd00:90::1/64 dev eth0 nodad
ip -n "$DD" addr add fd00:90::2/64 dev eth0 nodad
ip netns exec "$DR" sysctl -qw net.ipv4.ping_group_range="1 0"
ip netns exec "$DD" sysctl -qw net.ipv4.ping_group_range="0 2147483647"
for i in 1 2 3 4 5; do
	R[$i]=$(t_ns r$i)
	t_link "${R[$i]}" eth0 10.90.0.1$i/24
	ip -n "${R[$i]}" addr add fd00:90::1$i/64 dev eth0 nodad
done
for i in 2 4 5; do
	ip netns exec "${R[$i]}" sysctl -qw net.ipv4.icmp_echo_ignore_all=1 net.ipv6.icmp.echo_ignore_all=1
done
# R3's replies are dropped on their way: no route back to the directors.
for a in 10.90.0.1/32 10.90.0.2/32 fd00:90::1/128 fd00:90::2/128; do
	ip -n "${R[3]}" route add blackhole "$a"
done

for f in 4 6; do
	bg ip netns exec "${R[4]}" python3 "$SRV" forged $f "$T_DIR/forged.log"
	bg ip netns exec "${R[5]}" python3 "$SRV" good $f "$T_DIR/good.log"
done
sleep 0.5 # the raw sockets are open before the first request (setup, not a verdict)

conf() {
	local vs=$1 a=$2 b=$3
	echo "virtual_server $vs {"
	echo "    delay_loop = 0.5"
	echo "    lb_kind = nat"
	for i in 1 2 3 4 5; do
		echo "    real_server $a$i$b { ping_check { connect_timeout = 0.4 } }"
	done
	echo "}"
}
{
	conf 10.90.0.100:80 10.90.0.1 :80
	conf "[fd00:90::100]:80" "[fd00:90::1" "]:80"
} >"$T_DIR/hc.conf"

for d in DR DD; do
	ns=${!d}
	: >"$T_DIR/hd.log"
	hc_start "$ns" "$T_DIR/hc.conf"
	check "$d: daemon answers" wait_for 5 "$HDCTL" -s "$SOCK" ping
	for vs in 10.90.0.100:80 "[fd00:90::100]:80"; do
		case $vs in \[*) p="[fd00:90::1" s="]:80" ;; *) p=10.90.0.1 s=:80 ;; esac
		check "$d $vs: R1 (its kernel answers) is up, 'ok'" wait_for 5 is "$vs" "${p}1$s" last_outcome ok
		check "$d $vs: R5 (correct replies from hc-ping-srv.py) is up" wait_for 5 is "$vs" "${p}5$s" last_outcome ok
		check "$d $vs: R2 (answers nothing) is down, 'timeout'" wait_for 5 is "$vs" "${p}2$s" last_outcome timeout
		check "$d $vs: R3 (drops ICMP) is down, 'timeout'" wait_for 5 is "$vs" "${p}3$s" last_outcome timeout
		check "$d $vs: R4 (forged replies only) is down, 'timeout'" wait_for 5 is "$vs" "${p}4$s" last_outcome timeout
		check "$d $vs: R4 never up" is "$vs" "${p}4$s" state down
		check "$d $vs: R1 ran several checks" wait_for 5 at_least "$vs" "${p}1$s" 'checkers[0].runs' 3
	done
	check "$d: R4 was flooded (hc-ping-srv.py saw requests of both families)" \
		sh -c "grep -q 'from 10.90.0.' '$T_DIR/forged.log' && grep -q 'from fd00:90::' '$T_DIR/forged.log'"
	check "$d: the forged replies were counted as dropped (IPv4)" wait_for 5 grep -Eq \
		'ping_check 10.90.0.14: dropped [0-9]+ replies not to this request, [1-9][0-9]* of them .*forged' "$T_DIR/hd.log"
	check "$d: the forged replies were counted as dropped (IPv6)" wait_for 5 grep -Eq \
		'ping_check fd00:90::14: dropped [0-9]+ replies not to this request, [1-9][0-9]* of them .*forged' "$T_DIR/hd.log"
	check "$d: R4 never went up" absent '14\]?:80 of .*-> up' "$T_DIR/hd.log"
	check "$d: daemon still alive" kill -0 "$HDPID"
	kill -TERM "$HDPID"; wait "$HDPID"
	check "$d: SIGTERM: clean exit" test $? -eq 0
	cp "$T_DIR/hd.log" "$T_DIR/hd-$d.log"
	: >"$T_DIR/forged.log"
done
[ "${HC_DEBUG:-}" ] && cat "$T_DIR"/hd-*.log "$T_DIR/srv.log"
t_done
