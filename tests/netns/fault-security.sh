#!/bin/bash
# Security rules that a test can see:
# (1) the control socket is born 0600; a non-root user cannot connect; if an
#     admin loosens the mode anyway, SO_PEERCRED still rejects the user and
#     status counts it in control.rejected_peers; root is still served;
# (2) the config test refuses scripts that someone other than root could
#     change: writable by group/others, not owned by root, or in a
#     world-writable directory -- with a clear message naming the file;
#     a root-owned 0755 script in a root-owned directory is accepted.
. "$top_srcdir/tests/netns/lib-vrrp.sh"

v_bridge
v_host d1 192.168.168.50/24
chmod 755 "$V_DIR"
v_conf "$V_DIR/d1.conf" d1 150
v_start d1 "$V_DIR/d1.conf"
SOCK="$V_DIR/d1.sock"
as_nobody() { setpriv --reuid=nobody --regid=nogroup --clear-groups -- "$@"; }
rejected() { v_status d1 | python3 -c 'import json,sys; print(json.load(sys.stdin)["daemon"]["control"]["rejected_peers"])'; }

# (1) control socket
check "socket mode is 0600, owner root" [ "$(stat -c '%a %U' "$SOCK")" = "600 root" ]
r0=$(rejected)
out=$(as_nobody "$HDCTL" -s "$SOCK" ping 2>&1); rc=$?
echo "# nobody, socket 0600: exit $rc: $out"
check "nobody cannot use the 0600 socket" [ "$rc" != 0 ]
check "the refusal is the file mode (no connection reached the daemon)" [ "$(rejected)" = "$r0" ]
chmod 666 "$SOCK"
out=$(as_nobody "$HDCTL" -s "$SOCK" status 2>&1); rc=$?
echo "# nobody, socket loosened to 0666: exit $rc: $out"
check "nobody is rejected by SO_PEERCRED even with the socket 0666" [ "$rc" != 0 ]
check "nobody got no status" eval '! grep -q VI_1 <<<"$out"'
check "rejected_peers went up by 1 ($r0 -> $(rejected))" [ "$(rejected)" = $((r0 + 1)) ]
out=$(as_nobody "$HDCTL" -s "$SOCK" reload 2>&1)
check "nobody cannot reload either" eval "! grep -q 'reload complete' '$V_DIR/d1.log'"
check "rejected_peers counts each attempt" [ "$(rejected)" = $((r0 + 2)) ]
check "root is still served" eval "\"\$HDCTL\" -s \"\$SOCK\" ping | grep -q pong"

# (2) script ownership and modes, by the config test (hadirector -t)
mkdir -p "$V_DIR/root-bin" "$V_DIR/open-bin"
chmod 755 "$V_DIR/root-bin"; chmod 1777 "$V_DIR/open-bin"
mk() { printf '#!/bin/sh\nexit 0\n' >"$1"; chmod "$2" "$1"; }
mk "$V_DIR/root-bin/good.sh" 755
mk "$V_DIR/root-bin/gw.sh" 775
mk "$V_DIR/root-bin/ow.sh" 757
mk "$V_DIR/root-bin/nob.sh" 755; chown nobody "$V_DIR/root-bin/nob.sh"
mk "$V_DIR/open-bin/indir.sh" 755
conf_with() { # SCRIPT: a config with that track script
	v_conf "$V_DIR/t.conf" d1 150 "track_script = { s }"
	sed -i "1a vrrp_script s { script = \"$1\"  interval = 1 }" "$V_DIR/t.conf"
}
t_refused() { # SCRIPT EXPECTED-MESSAGE
	conf_with "$1"
	out=$("$HD" -t -f "$V_DIR/t.conf" 2>&1); rc=$?
	echo "# $(basename "$1"): exit $rc: $out"
	[ "$rc" != 0 ] && echo "$out" | grep -q "$1" && echo "$out" | grep -q "$2"
}
conf_with "$V_DIR/root-bin/good.sh"
check "root-owned 0755 script in a root-owned dir: accepted" "$HD" -t -f "$V_DIR/t.conf"
check "group-writable script: refused" t_refused "$V_DIR/root-bin/gw.sh" "writable by group or others"
check "world-writable script: refused" t_refused "$V_DIR/root-bin/ow.sh" "writable by group or others"
check "script owned by nobody: refused" t_refused "$V_DIR/root-bin/nob.sh" "must be owned by root"
check "script in a world-writable dir (1777): refused" t_refused "$V_DIR/open-bin/indir.sh" "world-writable"
# and a reload with such a script is refused, the running config kept
conf_with "$V_DIR/root-bin/ow.sh"; cp "$V_DIR/t.conf" "$V_DIR/d1.conf"
kill -HUP "$(v_pid d1)"
check "reload with an unsafe script: refused, logged" wait_for 3 grep -q "reload failed" "$V_DIR/d1.log"
check "the daemon runs on, master" v_state_is d1 VI_1 MASTER
v_done
