#!/bin/bash
# GET /livez and /readyz on the metrics listener (daemon/ready.h), for
# Kubernetes and load-balancer probes. The unsettled states are built, not
# waited for: d1's instance has advert_int 40 (master down after ~120 s),
# so it stays an undecided backup until d2 is started and heard; its one
# misc_check blocks until the test opens a gate file, so no check has a
# result before that. Each part is then released in turn and /readyz must
# follow: 503 naming VRRP and the check, 503 naming only VRRP, 200. A
# reload that adds an instance, and an interface fault, make it 503 again.
# /livez answers while not ready, and not at all while the loop is stopped
# (SIGSTOP: the kernel accepts, nobody answers).
. "$top_srcdir/tests/netns/lib-vrrp.sh"

v_bridge
v_host d1 192.168.168.50/24
v_host d2 192.168.168.51/24
M=127.0.0.1:9491
GATE="$V_DIR/gate.open"
printf '#!/bin/sh\nwhile [ ! -e %s ]; do sleep 0.05; done\nexit 0\n' "$GATE" >"$V_DIR/gate.sh"
chmod 755 "$V_DIR/gate.sh"

d1_conf() { # [extra top-level text]
	cat <<CONF
global { router_id = d1  metrics_listen = $M }
vrrp_instance VI_1 {
    interface = eth0
    virtual_router_id = 51
    priority = 100
    advert_int = 40
    version = 3
    virtual_ipaddress = { 192.168.168.100/24 }
}
virtual_server 192.168.168.100:80 {
    lb_kind = nat
    delay_loop = 0.2
    real_server 192.168.168.60:80 { misc_check { script = "$V_DIR/gate.sh"  timeout = 600 } }
}
${1:-}
CONF
}
d1_conf >"$V_DIR/d1.conf"
v_conf "$V_DIR/d2.conf" d2 200

# probe PATH [curl args]: "CODE BODY" of a GET on d1's listener (CODE 000:
# no answer within 2 s)
probe() {
	local body
	body=$(ip netns exec "$(nsof d1)" curl -s --max-time 2 -o - -w '\n%{http_code}' "${@:2}" \
		"http://$M$1" 2>/dev/null)
	echo "$(tail -n 1 <<<"$body") $(head -n -1 <<<"$body" | tr '\n' ' ')"
}
code_is() { [ "$(probe "$1" | cut -d' ' -f1)" = "$2" ]; }
starts() { probe "$1" | grep -q "^$2"; } # PATH "CODE BODY..."
readyz_has() { local r; r=$(probe /readyz); [ "${r%% *}" = 503 ] && grep -q -- "$1" <<<"$r"; }

v_start d1 "$V_DIR/d1.conf"
check "/livez answers 200 once the listener is up" wait_for 5 code_is /livez 200
check "/livez says live" starts /livez '200 live'
check "the instance is an undecided backup" wait_for 5 v_state_is d1 VI_1 BACKUP
r=$(probe /readyz)
echo "# before anything settled: $r"
check "/readyz is 503 while nothing has settled" test "${r%% *}" = 503
check "it names the undecided instance" grep -q 'vrrp: 1 of 1 instances not settled (VI_1: backup' <<<"$r"
check "and the check without a result" grep -q 'healthcheck: 1 of 1 checks have no result yet (misc ' <<<"$r"
r=$(probe /readyz -I)
check "HEAD /readyz: 503 too" test "${r%% *}" = 503
sleep 1
check "a second later still 503 (the states are held, not racing)" code_is /readyz 503
check "/livez is 200 while not ready" code_is /livez 200

touch "$GATE"
only_vrrp() { local r; r=$(probe /readyz); [ "${r%% *}" = 503 ] && grep -q VI_1 <<<"$r" && ! grep -q healthcheck <<<"$r"; }
check "the check's first result leaves only VRRP waiting" wait_for 5 only_vrrp
check "still 503" code_is /readyz 503

v_start d2 "$V_DIR/d2.conf"
check "d2 becomes master" wait_for 5 v_state_is d2 VI_1 MASTER
check "d1 hears it and /readyz turns 200" wait_for 5 code_is /readyz 200
check "the body says ready" starts /readyz '200 ready'
check "d1 stayed backup (ready is not master)" v_state_is d1 VI_1 BACKUP
r=$(ip netns exec "$(nsof d1)" curl -s -I --max-time 2 "http://$M/readyz")
check "HEAD /readyz: 200" grep -q '^HTTP/1.1 200' <<<"$r"
check "with the length of the GET body and no body" grep -q '^Content-Length: 6' <<<"$r"

# A reload that adds an instance nobody else runs: it starts undecided.
d1_conf 'vrrp_instance VI_2 {
    interface = eth0
    virtual_router_id = 52
    priority = 100
    advert_int = 40
    version = 3
    virtual_ipaddress = { 192.168.168.101/24 }
}' >"$V_DIR/d1.conf"
kill -HUP "$(v_pid d1)"
check "after a reload adding VI_2: 503 naming it" wait_for 5 readyz_has 'VI_2: backup'
d1_conf >"$V_DIR/d1.conf"
kill -HUP "$(v_pid d1)"
check "reloaded back: 200" wait_for 5 code_is /readyz 200

# An instance in fault cannot take over: not ready until it decides again.
ip -n "$(nsof d1)" link set eth0 down
check "eth0 down: the instance is in fault" wait_for 5 v_state_is d1 VI_1 FAULT
check "/readyz: 503 naming the fault" wait_for 5 readyz_has 'VI_1: FAULT\|VI_1: fault'
ip -n "$(nsof d1)" link set eth0 up
check "eth0 up: backup again, hears d2, /readyz 200" wait_for 5 code_is /readyz 200

# A stopped loop: the kernel completes the TCP handshake (listen backlog),
# nobody answers, the probe times out. The same after SIGCONT: 200.
kill -STOP "$(v_pid d1)"
check "SIGSTOP: /livez gets no answer (timeout)" code_is /livez 000
check "SIGSTOP: /readyz gets none either" code_is /readyz 000
kill -CONT "$(v_pid d1)"
check "SIGCONT: /livez is 200 again" wait_for 5 code_is /livez 200
check "and /readyz" wait_for 5 code_is /readyz 200
check "/metrics is still served" code_is /metrics 200
check "another path is 404 and names the probes" starts /nope '404 try /metrics, /livez or /readyz'

v_stop d1
v_stop d2
v_done
