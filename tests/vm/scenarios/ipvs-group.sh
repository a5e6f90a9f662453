#!/bin/bash
# Inside the VM: a virtual_server group:NAME (keepalived's
# virtual_server_group) in the real IPVS table. Members: an address range
# (10.0.0.1-3:80), another address and port, a fwmark, an IPv6 group beside
# it. ipvsadm must show every member with the whole pool; a real server
# whose check fails must leave every member, and come back to every member;
# each real server is checked once for the whole group (the status has one
# checker per real server, and the server sees one check per round, not one
# per member).
. "$(dirname "$0")/../lib.sh"

assert "ip_vs and rr load" vm_load_ipvs rr
LB=$(vm_ns lb); vm_link "$LB" eth0 192.168.168.50/24
declare -A PID
rs_ns() { # NAME ADDR
	vm_ns "$1" >/dev/null
	vm_link "vm-$1" eth0 "$2/24"
	mkdir -p "$VM_DIR/$1"; echo "this is $1" >"$VM_DIR/$1/index.html"
}
web() { # NAME: (re)start its busybox httpd, logging each request
	ip netns exec "vm-$1" busybox httpd -f -vv -p 80 -h "$VM_DIR/$1" 2>>"$VM_DIR/$1.log" &
	PID[$1]=$!; VM_PIDS+=($!)
}
rs_ns web1 192.168.168.10; rs_ns web2 192.168.168.20
web web1; web web2

cat >"$VM_DIR/hd.conf" <<CONF
global { router_id = vm-group }
virtual_server group:web {
    members = { 10.0.0.1-3:80, 10.0.1.9:8080, fwmark:7 }
    lb_algo = rr
    lb_kind = nat
    delay_loop = 1
    real_server 192.168.168.10:80 { http_check { path = /index.html  connect_timeout = 1 } }
    real_server 192.168.168.20:80 { http_check { path = /index.html  connect_timeout = 1 } }
}
virtual_server 10.0.0.4:80 {
    lb_algo = rr
    lb_kind = nat
    real_server 192.168.168.20:80 { }
}
CONF
SOCK=$VM_DIR/hd.sock
ip netns exec "$LB" "$HD" -n -l -f "$VM_DIR/hd.conf" -p "$VM_DIR/hd.pid" -s "$SOCK" >"$VM_DIR/hd.log" 2>&1 &
HDPID=$!; VM_PIDS+=($HDPID)

table() { ip netns exec "$LB" ipvsadm -Ln; }
# The services whose destinations include RS (ADDR:PORT), one per line.
services_with() {
	table | awk -v rs="$1" '/^(TCP|UDP|SCTP|FWM) /{ svc = $1 " " $2 } $1 == "->" && $2 == rs { print svc }' | sort
}
MEMBERS="FWM 7
TCP 10.0.0.1:80
TCP 10.0.0.2:80
TCP 10.0.0.3:80
TCP 10.0.1.9:8080"
in_all() { [ "$(services_with "$1")" = "$MEMBERS" ]; }
in_none() { [ -z "$(services_with "$1")" ]; }
only_plain() { [ "$(services_with "$1")" = "TCP 10.0.0.4:80" ]; }
# web2 is also the plain service's (sorted: it comes between the members)
in_all_and_plain() {
	[ "$(services_with "$1")" = "$(printf '%s\nTCP 10.0.0.4:80\n' "$MEMBERS" | sort)" ]
}

assert "the daemon answers" wait_for 10 "$HDCTL" -s "$SOCK" ping
check "web1 is in every member (range expanded, port, fwmark)" wait_for 10 in_all 192.168.168.10:80
check "web2 is in every member and the plain service" wait_for 10 in_all_and_plain 192.168.168.20:80
check "six services, no more" test "$(table | grep -Ec '^(TCP|FWM) ')" = 6
check "each member has the group's scheduler" test "$(table | grep -Ec '^(TCP|FWM) .* rr')" = 6
check "status: the group is one virtual server named group:web with two real servers" \
	sh -c "'$HDCTL' -s '$SOCK' status --json | jq -e '[.healthcheck[] | select(.vs == \"group:web\") | .real_servers | length] == [2]' >/dev/null"
check "status: one checker per real server" \
	sh -c "'$HDCTL' -s '$SOCK' status --json | jq -e '[.healthcheck[] | select(.vs == \"group:web\") | .real_servers[].checkers | length] == [1, 1]' >/dev/null"
# One check per round (delay_loop 1) whatever the number of members: over
# 4 s web1 sees about 4 requests, never one per member (5 per round).
n0=$(grep -c 'index.html' "$VM_DIR/web1.log"); sleep 4
n1=$(grep -c 'index.html' "$VM_DIR/web1.log")
check "web1 is checked once per round, not per member ($((n1 - n0)) requests in 4 s <= 6)" \
	test $((n1 - n0)) -ge 2 -a $((n1 - n0)) -le 6

kill "${PID[web1]}"
check "failing web1 leaves every member" wait_for 10 in_none 192.168.168.10:80
check "web2 stays in every member" in_all_and_plain 192.168.168.20:80
web web1
check "restarted web1 is back in every member" wait_for 10 in_all 192.168.168.10:80

kill "${PID[web2]}"
check "failing web2 leaves every member of the group, stays in the plain service (no check there)" \
	wait_for 10 only_plain 192.168.168.20:80
web web2
check "web2 back in every member" wait_for 10 in_all_and_plain 192.168.168.20:80

kill -TERM "$HDPID"; wait "$HDPID"
check "SIGTERM: clean exit" test $? -eq 0
check "SIGTERM: every member removed" test -z "$(table | grep -E '^(TCP|FWM) ')"
[ "$VM_FAILS" -eq 0 ] || { table; tail -50 "$VM_DIR/hd.log"; }
vm_done
