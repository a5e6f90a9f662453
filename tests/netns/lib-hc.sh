# Helpers of the health-check namespace tests (sourced after lib.sh).
# hc_start NS CONF: the daemon in NS on CONF, log in $T_DIR/hd.log (sets
# SOCK and HDPID). status: `hadirectorctl status --json` into
# $T_DIR/st.json; rs VS RS FIELD: a real server's FIELD (a jq path) from
# it; is VS RS FIELD VALUE: a fresh status says so; at_least: ... >= VALUE.
hc_start() {
	SOCK="$T_DIR/hd.sock"
	ip netns exec "$1" "$HD" -n -l -f "$2" -p "$T_DIR/hd.pid" -s "$SOCK" \
		2>>"$T_DIR/hd.log" &
	HDPID=$!
	T_PIDS+=($HDPID)
}
status() { hd_status "$SOCK" >"$T_DIR/st.json" 2>/dev/null; }
rs() {
	jq -r --arg vs "$1" --arg rs "$2" \
		".healthcheck[] | select(.vs == \$vs) | .real_servers[] | select(.rs == \$rs) | .$3" \
		"$T_DIR/st.json"
}
is() { status && [ "$(rs "$1" "$2" "$3")" = "$4" ]; }
at_least() { status && [ "$(rs "$1" "$2" "$3")" -ge "$4" ]; }
# When the daemon changed a real server's verdict (its wall-clock last_change), in ms.
change_ms() { awk -v t="$(rs "$1" "$2" last_change)" 'BEGIN { printf "%.0f", t * 1000 }'; }
# bg CMD...: a helper in the background, its stderr in $T_DIR/srv.log,
# killed at the end; LAST is its pid.
bg() { "$@" </dev/null >/dev/null 2>>"$T_DIR/srv.log" & T_PIDS+=($!); LAST=$!; }
# listen N: a TCP listener on ${R[N]}'s port 80 that accepts and closes
# (the real server a tcp_check sees up); L[N] is its pid, to kill it.
# It returns once the port listens.
listen() {
	local ready="$T_DIR/listen.$1.ready"
	rm -f "$ready"
	bg ip netns exec "${R[$1]}" python3 -c "
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('0.0.0.0', 80)); s.listen(64)
open(sys.argv[1], 'w').close()
while True: s.accept()[0].close()" "$ready"
	L[$1]=$LAST
	# returns once it listens: a check before that fails (a test that
	# expects the server up from its first round would flake)
	wait_for 10 test -e "$ready" || echo "# listener $1 not up after 10 s" >&2
}
