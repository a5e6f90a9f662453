#!/bin/bash
# E-mail alerts (alert_email, smtp_alert) against a real MTA: Debian's exim
# in a namespace of its own (mx, 192.168.168.25:2525), its queue kept
# (queue_only), each message's header file read from its spool.
# (1) a VRRP pair: the master killed, the backup's mail for its MASTER
#     transition arrives with the configured From, To and Subject;
# (2) a real server going down: its mail arrives;
# (3) hostile servers: one that accepts and never answers (mx:2526) and an
#     address nobody has: the adverts stay on time (the backup sees the
#     master's at its 10/s), status answers, the failures are counted;
# (4) a flapping storm (link down/up) against the silent server: the queue
#     stays within its bound, the oldest dropped and counted, the loop live.
. "$top_srcdir/tests/netns/lib-vrrp.sh"
command -v exim4 >/dev/null || { echo "exim4 missing (tests/install-deps.sh)"; exit 1; }

MX=192.168.168.25
VIP=192.168.168.100
v_bridge
v_host d1 192.168.168.50/24
v_host d2 192.168.168.51/24
v_host mx $MX/24
# d2 reaches the silent server over a second link (10.77.0.0/24), so the
# storm below (d2's eth0 down and up) never cuts d2 off from it: each mail
# holds the session for its whole timeout, by construction.
SILENT=10.77.0.25
v_link mx eth1 br1 $SILENT/24
v_link d2 eth1 br1 10.77.0.51/24
chmod 755 "$V_DIR"
E="$V_DIR/exim"
mkdir -m 777 "$E"
cat >"$E/exim.conf" <<EOF
primary_hostname = mx.test
spool_directory = $E/spool
log_file_path = $E/%slog
pid_file_path = $E/exim.pid
daemon_smtp_ports = 2525
local_interfaces = $MX
domainlist local_domains = *
acl_smtp_rcpt = acl_rcpt
queue_only = true
host_lookup =
rfc1413_hosts =
tls_advertise_hosts =
begin acl
acl_rcpt:
  accept
begin routers
all:
  driver = accept
  transport = t
begin transports
t:
  driver = appendfile
  file = $E/mbox
EOF
ip netns exec "$(nsof mx)" /usr/sbin/exim4 -C "$E/exim.conf" -bdf -odq </dev/null >"$V_DIR/exim.log" 2>&1 &
disown $!
# the silent server: accepts every connection, never writes a byte
ip netns exec "$(nsof mx)" python3 -c "
import socket, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('$SILENT', 2526)); s.listen(128); keep = []
while True:
    c, a = s.accept(); keep.append(c)" </dev/null >/dev/null 2>&1 &
disown $!
# a real server for the checker: a listener the test kills
ip netns exec "$(nsof mx)" python3 -c "
import socket
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('$MX', 8080)); s.listen(128)
while True:
    s.accept()[0].close()" </dev/null >/dev/null 2>&1 &
RS_PID=$!
disown $!
listening() { ip netns exec "$(nsof mx)" ss -Hltn "sport = :$1" | grep -q LISTEN; }
assert "exim listens on $MX:2525" wait_for 5 listening 2525
assert "the silent server listens" wait_for 5 listening 2526
assert "the real server listens" wait_for 5 listening 8080

# spool: the header files of the queued messages; a message's header
# file carries its From, To and Subject lines.
spooled() { ls "$E"/spool/input/*-H 2>/dev/null; }
n_spooled() { spooled | wc -l; }
has_mail() { # REGEX: some queued message's headers match
	local f
	for f in $(spooled); do grep -qE "$1" "$f" && return 0; done
	return 1
}

# conf NAME PRIO SERVER PORT [TIMEOUT]
conf() {
	v_conf "$V_DIR/$1.conf" "$1" "$2"
	cat >>"$V_DIR/$1.conf" <<EOF
alert_email {
    to = { "ops@example.org", "oncall@example.net" }
    from = "hadirector-$1@example.org"
    smtp_server = $3
    smtp_port = $4
    connect_timeout = ${5:-5}
    smtp_alert = true
}
virtual_server $VIP:8080 {
    delay_loop = 0.2
    real_server $MX:8080 {
        tcp_check { connect_timeout = 0.5  fall = 1  rise = 1 }
    }
}
EOF
}
answers() { timeout 1 "$HDCTL" -s "$V_DIR/$1.sock" status --json >/dev/null; }
alert_field() { # NAME FIELD: a counter of the alert module's status
	v_status "$1" | python3 -c "import json,sys; print(json.load(sys.stdin)['alert']['$2'])"
}

# (1) the VRRP pair
conf d1 150 $MX 2525
conf d2 100 $MX 2525
v_start d1 "$V_DIR/d1.conf"
v_start d2 "$V_DIR/d2.conf"
check "d1 master" wait_for 4 v_state_is d1 VI_1 MASTER
check "d2 backup" wait_for 4 v_state_is d2 VI_1 BACKUP
check "d1's mail for its MASTER transition is in exim's queue" \
	wait_for 10 has_mail 'Subject: \[d1\] VRRP instance VI_1: [A-Z]+ -> MASTER'
v_stop d1 KILL
check "d1 killed: d2 master" wait_for 4 v_state_is d2 VI_1 MASTER
check "d2's mail for BACKUP -> MASTER arrived" \
	wait_for 10 has_mail 'Subject: \[d2\] VRRP instance VI_1: BACKUP -> MASTER'
f=$(for f in $(spooled); do grep -qE 'VI_1: BACKUP -> MASTER' "$f" && grep -q 'hadirector-d2' "$f" && echo "$f"; done | head -n 1)
check "its From is the configured sender" grep -qE '^[0-9]+F From: hadirector-d2@example.org$' "$f"
check "its To is both recipients" grep -qE '^[0-9]+T To: ops@example.org, oncall@example.net$' "$f"
check "its envelope has both recipients" eval "grep -qx 'ops@example.org' '$f' && grep -qx 'oncall@example.net' '$f'"
check "its envelope sender is the configured one" grep -qx '<hadirector-d2@example.org>' "$f"
check "d2 counts its mails as sent" wait_for 5 eval "[ \"\$(alert_field d2 sent)\" -ge 2 ]"
check "metrics: the sent mails" eval "'$HDCTL' -s '$V_DIR/d2.sock' metrics | grep -qE '^hadirector_alert_mails_total\\{result=\"sent\"\\} [1-9]'"

# (2) the real server goes down
kill "$RS_PID"
check "real server down: d2's mail arrived" \
	wait_for 10 has_mail "Subject: \[d2\] real server $MX:8080 of .*: DOWN"
check "nothing failed or was dropped so far" \
	eval "[ \"\$(alert_field d2 failed)\" = 0 ] && [ \"\$(alert_field d2 dropped)\" = 0 ]"
v_stop d2 TERM
n0=$(n_spooled)

# (3) hostile servers. d2: the silent server, 3 s per mail; d1 (master,
# advertising every 0.1 s): an address nobody has.
conf d1 150 192.168.168.99 25 3
conf d2 100 $SILENT 2526 3
v_start d2 "$V_DIR/d2.conf"
check "silent server: d2 master alone" wait_for 4 v_state_is d2 VI_1 MASTER
v_start d1 "$V_DIR/d1.conf"
check "silent server: d1 master again" wait_for 4 v_state_is d1 VI_1 MASTER
check "silent server: d2 backup" wait_for 4 v_state_is d2 VI_1 BACKUP
check "silent server: d2 is in a session" wait_for 3 eval "[ \"\$(alert_field d2 sending)\" = True ]"
rx0=$(v_field d2 VI_1 adverts_received)
t0=$(now_ms)
sleep 2
rx1=$(v_field d2 VI_1 adverts_received)
t1=$(now_ms)
echo "# d2 received $((rx1 - rx0)) of d1's adverts in $((t1 - t0)) ms (d1 mailing to nobody)"
check "no host at the SMTP address: d1's adverts on time (>= 16 in 2 s)" \
	[ $((rx1 - rx0)) -ge 16 ]
check "d1's status answers within 1 s" answers d1
check "d2's status answers within 1 s" answers d2
check "silent server: the failure counted after the 3 s timeout" \
	wait_for 6 eval "[ \"\$(alert_field d2 failed)\" -ge 1 ]"
check "unreachable server: the failure counted" \
	wait_for 8 eval "[ \"\$(alert_field d1 failed)\" -ge 1 ]"
check "d2 logged why" grep -q "alert mail .* not sent: greeting: timed out" "$V_DIR/d2.log"

# (4) a flapping storm: d2's eth0 down and up, two transitions, two mails
# to the silent server, which takes 3 s to fail each: the queue grows by
# about two per cycle and shrinks by one per 3 s, so it overflows whatever
# the machine's speed; flap until it has (at most 300 cycles), then
# 10 cycles more.
tr0=$(v_field d2 VI_1 transitions)
more=10
for i in $(seq 1 300); do
	ip -n "$(nsof d2)" link set eth0 down
	sleep 0.05
	ip -n "$(nsof d2)" link set eth0 up
	sleep 0.05
	if [ "$((i % 10))" = 0 ] && [ "$(alert_field d2 dropped)" -gt 0 ]; then
		more=$((more - 10))
		[ "$more" -lt 0 ] && break
	fi
done
tr=$(($(v_field d2 VI_1 transitions) - tr0))
st=$(v_status d2)
read -r q dr fl se sending < <(python3 -c "import json,sys; a=json.loads(sys.argv[1])['alert']; print(a['queued'], a['dropped'], a['failed'], a['sent'], int(a['sending']))" "$st")
echo "# storm: $i cycles, $tr transitions, $q queued, $dr dropped, $fl failed, $se sent"
check "storm: the queue within its bound (64)" [ "$q" -le 64 ]
check "storm: the oldest dropped and counted" [ "$dr" -ge 1 ]
check "storm: every mail queued, sending, dropped, failed or sent (one per transition)" \
	[ $((q + sending + dr + fl + se)) -ge "$tr" ]
check "storm: metrics count the drops and the queue" eval "'$HDCTL' -s '$V_DIR/d2.sock' metrics >'$V_DIR/m.txt' && grep -qE '^hadirector_alert_mails_total\\{result=\"dropped\"\\} [1-9]' '$V_DIR/m.txt' && grep -qE '^hadirector_alert_mails_queued [0-9]' '$V_DIR/m.txt'"
check "storm: the drops logged" grep -q "alert mail queue full (64): dropped the oldest" "$V_DIR/d2.log"
check "storm: d2 back to BACKUP" wait_for 4 v_state_is d2 VI_1 BACKUP
rx0=$(v_field d2 VI_1 adverts_received)
sleep 1
rx1=$(v_field d2 VI_1 adverts_received)
check "storm: d2 still reads d1's adverts (>= 8 in 1 s, got $((rx1 - rx0)))" [ $((rx1 - rx0)) -ge 8 ]
check "storm: d2's status answers within 1 s" answers d2
check "storm: no mail reached exim (they all went to the silent server)" [ "$(n_spooled)" = "$n0" ]
check "storm: d2's descriptors stay few (one session at a time)" \
	[ "$(ls /proc/"$(v_pid d2)"/fd | wc -l)" -lt 64 ]
v_done
