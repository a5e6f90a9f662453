#!/bin/bash
# Security rules that a test can see:
# (1) the control socket is born 0600; a non-root user cannot connect; if an
#     admin loosens the mode anyway, SO_PEERCRED still rejects the user and
#     status counts it in control.rejected_peers; root is still served;
# (2) scripts (man hadirector.conf, SCRIPTS): the config test and a reload
#     refuse every command line that runs a file someone other than root
#     could change -- the program, the interpreter on its #! line, the
#     script a known interpreter (sh, bash, env, python3, sh -c '...') is
#     given, each directory up to / and each symbolic link on the way --
#     and any shell syntax that would run more than one command, with
#     FILE:LINE: and a message naming the file; a refused reload keeps the
#     running configuration. Safe scripts (root-owned 0755 under /etc and
#     /usr/lib, data files given to an interpreter, a root-owned entry of a
#     sticky directory) are accepted;
# (3) a symbolic link at the pid file's path is not followed, and a file
#     with a second hard link or another owner is not used: the daemon
#     refuses to start and the file is left as it was.
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
check "the refusal is the file mode (no connection reached the daemon)" same_num "$(rejected)" "$r0"
chmod 666 "$SOCK"
out=$(as_nobody "$HDCTL" -s "$SOCK" status 2>&1); rc=$?
echo "# nobody, socket loosened to 0666: exit $rc: $out"
check "nobody is rejected by SO_PEERCRED even with the socket 0666" [ "$rc" != 0 ]
printf '%s\n' "$out" >"$V_DIR/nobody-status.out"
# the refusal's message is there to look at (an empty reply proves nothing)
check "nobody got no status" absent VI_1 "$V_DIR/nobody-status.out"
check "rejected_peers went up by 1 ($r0 -> $(rejected))" [ "$(rejected)" = $((r0 + 1)) ]
out=$(as_nobody "$HDCTL" -s "$SOCK" reload 2>&1)
check "nobody cannot reload either" absent 'reload complete' "$V_DIR/d1.log"
check "rejected_peers counts each attempt" [ "$(rejected)" = $((r0 + 2)) ]
check "root is still served" eval "\"\$HDCTL\" -s \"\$SOCK\" ping | grep -q pong"

# (2) scripts, by the config test (hadirector -t) and by a reload
B="$V_DIR/root-bin" O="$V_DIR/open-bin"
EVIL="$O/evil.sh"
mkdir -p "$B" "$O" "$V_DIR/other-dir" "$V_DIR/gw-dir" "$V_DIR/ww-dir" "$V_DIR/gw-parent/sub"
chmod 755 "$B" "$V_DIR/other-dir" "$V_DIR/gw-parent/sub"
chmod 1777 "$O"; chmod 775 "$V_DIR/gw-dir" "$V_DIR/gw-parent"; chmod 777 "$V_DIR/ww-dir"
chown nobody "$V_DIR/other-dir"
mk() { printf '#!/bin/sh\nexit 0\n' >"$1"; chmod "$2" "$1"; }
mk "$B/good.sh" 755; mk "$B/data.sh" 644; mk "$B/gw.sh" 775; mk "$B/ow.sh" 757
mk "$B/nob.sh" 755; chown nobody "$B/nob.sh"
printf 'import sys\nsys.exit(0)\n' >"$B/data.py"; chmod 644 "$B/data.py"
mk "$EVIL" 777; mk "$O/indir.sh" 755; mk "$O/nob.sh" 755; chown nobody "$O/nob.sh"
for d in other-dir gw-dir ww-dir gw-parent/sub; do mk "$V_DIR/$d/s.sh" 755; done
printf '#!%s\nexit 0\n' "$EVIL" >"$B/shebang.sh"; chmod 755 "$B/shebang.sh"
ln -s "$EVIL" "$B/evil-link.sh"; ln -s good.sh "$B/good-link.sh"; ln -s "$V_DIR/gw-dir" "$B/dir-link"
# safe places of a real system: root-owned 0755 under /etc and /usr/lib
ETC_D=$(mktemp -d /etc/hd-test.XXXXXX) LIB_D=$(mktemp -d /usr/lib/hd-test.XXXXXX)
trap 'rm -rf "$ETC_D" "$LIB_D"; v_cleanup' EXIT
chmod 755 "$ETC_D" "$LIB_D"; mk "$ETC_D/check.sh" 755; mk "$LIB_D/check.sh" 755

T="$V_DIR/t.conf"
conf_with() { # COMMAND [GLOBAL-LINE]: vrrp_script s (line 1) runs COMMAND
	printf 'vrrp_script s {\n    script = "%s"\n    interval = 1\n}\n' "$1" >"$T"
	v_conf "$V_DIR/t.body" d1 150 "track_script = { s }"
	[ -n "${2:-}" ] && sed -i "1s/.*/$2/" "$V_DIR/t.body"
	cat "$V_DIR/t.body" >>"$T"
}
good() { # DESCRIPTION COMMAND [GLOBAL-LINE]
	conf_with "$2" "${3:-}"
	out=$("$HD" -t -f "$T" 2>&1); rc=$?
	[ "$rc" = 0 ] || echo "# $1: exit $rc: $out"
	check "accepted: $1" [ "$rc" = 0 -a -z "$out" ]
}
refused_t() { # LINE MESSAGE: hadirector -t exits 1 with T:LINE: MESSAGE
	out=$("$HD" -t -f "$T" 2>&1); rc=$?
	echo "# exit $rc: $out"
	[ "$rc" = 1 ] && grep -F -- "$T:$1: " <<<"$out" | grep -qF -- "$2"
}
refused_reload() { # LINE MESSAGE: a reload of T is refused with it, logged
	local log="$V_DIR/d1.log" n lines
	n=$(grep -c "reload failed" "$log"); lines=$(wc -l <"$log")
	cp "$T" "$V_DIR/d1.conf"
	kill -HUP "$(v_pid d1)"
	wait_for 3 eval '[ "$(grep -c "reload failed" "$log")" -gt "$n" ]' &&
		tail -n +"$((lines + 1))" "$log" | grep -F -- "reload: $V_DIR/d1.conf:$1: " |
		grep -qF -- "$2"
}
bad() { # DESCRIPTION COMMAND MESSAGE
	conf_with "$2"
	check "refused by -t: $1" refused_t 1 "$3"
	check "refused at reload: $1" refused_reload 1 "$3"
}
cp "$V_DIR/d1.conf" "$V_DIR/d1.conf.orig"

good "root-owned 0755 script, arguments" "$B/good.sh arg1 'a b'"
good "a script in /etc" "$ETC_D/check.sh"
good "a script in /usr/lib" "$LIB_D/check.sh"
good "a program found through /bin -> usr/bin" "/bin/true"
good "/usr/bin/pgrep -x nginx" "/usr/bin/pgrep -x nginx"
good "a symbolic link to a safe script" "$B/good-link.sh"
good "/bin/sh with a root-owned 0644 script" "/bin/sh $B/data.sh arg"
good "/bin/bash with a script in /etc" "/bin/bash $ETC_D/check.sh"
good "/usr/bin/env with options and a safe script" "/usr/bin/env -i FOO=1 $B/good.sh"
good "/usr/bin/python3 with a root-owned script" "/usr/bin/python3 $B/data.py"
good "sh -c with a safe command" "/bin/sh -c '$B/good.sh arg'"
good "root's entry of a sticky directory (1777, like /tmp)" "$O/indir.sh"
good "a script owned by script_user" "$B/nob.sh" "global { script_user = nobody }"

bad "group-writable script" "$B/gw.sh" "script $B/gw.sh: writable by group or others"
bad "world-writable script" "$B/ow.sh" "script $B/ow.sh: writable by group or others"
bad "script owned by nobody" "$B/nob.sh" \
	"script $B/nob.sh: owned by uid 65534, must be owned by root"
bad "nobody's script in a sticky directory" "$O/nob.sh" "script $O/nob.sh: owned by uid 65534"
bad "script in a directory owned by nobody" "$V_DIR/other-dir/s.sh" \
	"script $V_DIR/other-dir/s.sh: $V_DIR/other-dir is owned by uid 65534, must be owned by root"
bad "script in a group-writable directory" "$V_DIR/gw-dir/s.sh" \
	"script $V_DIR/gw-dir/s.sh: directory $V_DIR/gw-dir is group-writable"
bad "script in a world-writable directory (0777)" "$V_DIR/ww-dir/s.sh" \
	"script $V_DIR/ww-dir/s.sh: directory $V_DIR/ww-dir is world-writable"
bad "a parent directory group-writable" "$V_DIR/gw-parent/sub/s.sh" \
	"script $V_DIR/gw-parent/sub/s.sh: directory $V_DIR/gw-parent is group-writable"
bad "a symbolic link to a world-writable file" "$B/evil-link.sh" \
	"script $B/evil-link.sh: $EVIL is writable by group or others"
bad "a symbolic link on the way to a group-writable directory" "$B/dir-link/s.sh" \
	"script $B/dir-link/s.sh: directory $V_DIR/gw-dir is group-writable"
bad "a safe script whose #! line names X" "$B/shebang.sh" \
	"script $B/shebang.sh: #!$EVIL: writable by group or others"
bad "/bin/sh X" "/bin/sh $EVIL" "script $EVIL: writable by group or others"
bad "/bin/bash X" "/bin/bash $EVIL arg" "script $EVIL: writable by group or others"
bad "/usr/bin/env X" "/usr/bin/env $EVIL" "script $EVIL: writable by group or others"
bad "/usr/bin/python3 X" "/usr/bin/python3 $EVIL" "script $EVIL: writable by group or others"
bad "sh -c 'X'" "/bin/sh -c '$EVIL arg'" "script $EVIL: writable by group or others"
bad "/bin/sh with a symbolic link to X" "/bin/sh $B/evil-link.sh" "$EVIL is writable by group"
bad "/bin/sh with a script in a directory owned by nobody" "/bin/sh $V_DIR/other-dir/s.sh" \
	"$V_DIR/other-dir is owned by uid 65534"
bad "bash -c with a second command" "/bin/bash -c '$B/good.sh; $EVIL'" \
	"shell syntax ';' is not allowed"
bad "env -S" "/usr/bin/env -S '$EVIL'" "script /usr/bin/env: -S runs code that is not in a file"
bad "python3 -c" "/usr/bin/python3 -c 'import os'" "script /usr/bin/python3: -c runs code"
bad "a relative program" "evil.sh" "script evil.sh: must be an absolute path"
bad "a ./relative program" "./good.sh" "script ./good.sh: must be an absolute path"
bad "/bin/sh with a relative script" "/bin/sh evil.sh" "script evil.sh: must be an absolute path"
bad "env looking a program up in PATH" "/usr/bin/env sh $B/good.sh" \
	"script sh: must be an absolute path"
bad "a second command after ;" "$B/good.sh; $EVIL" "shell syntax ';' is not allowed"
bad "a second command after &&" "$B/good.sh && $EVIL" "shell syntax '&' is not allowed"
bad "a command substitution" "$B/good.sh \$($EVIL)" "shell syntax '\$(' is not allowed"
bad "a program chosen by a glob" "$B/g*.sh" "script $B/g*.sh: expanded by the shell at run time"
# notify scripts are checked the same way, at their section's line
conf_with "$B/good.sh"; sed -i "/virtual_router_id/a notify_master = \"/usr/bin/env $EVIL\"" "$T"
line=$(grep -n '^vrrp_instance' "$T" | cut -d: -f1)
check "refused by -t: notify_master = /usr/bin/env X" refused_t "$line" "script $EVIL: writable"
check "refused at reload: notify_master = /usr/bin/env X" refused_reload "$line" "script $EVIL: writable"

check "after the refused reloads the daemon runs on, master" v_state_is d1 VI_1 MASTER
# each refused file had vrrp_script s: had one been applied, s would run
check "... on its first configuration: no refused script ever ran" \
	absent 'vrrp_script s:' "$V_DIR/d1.log"
n=$(grep -c "reload complete" "$V_DIR/d1.log")
conf_with "$B/good.sh"; cp "$T" "$V_DIR/d1.conf"; kill -HUP "$(v_pid d1)"
check "a reload with a safe script is applied" \
	wait_for 3 eval '[ "$(grep -c "reload complete" "$V_DIR/d1.log")" -gt "$n" ]'
check "... and its script runs" wait_for 3 grep -q 'vrrp_script s: ok' "$V_DIR/d1.log"

# (3) the pid file: a symbolic link at its path is not followed
printf 'precious\n' >"$V_DIR/precious"; ln -s "$V_DIR/precious" "$V_DIR/p.pid"
printf 'global { router_id = p }\n' >"$V_DIR/p.conf"
out=$(timeout 5 ip netns exec "$(nsof d1)" "$HD" -n -l -f "$V_DIR/p.conf" -p "$V_DIR/p.pid" -s "$V_DIR/p.sock" 2>&1); rc=$?
echo "# pid file is a symbolic link: exit $rc: $out"
check "the daemon refuses a symbolic link as pid file" [ "$rc" = 1 ]
check "... saying so" grep -qF "pid file $V_DIR/p.pid is a symbolic link" <<<"$out"
check "... and the file it points to is unchanged" [ "$(cat "$V_DIR/precious")" = precious ]
pid_refused() { # PIDFILE: the daemon refuses it and leaves it as it was
	out=$(timeout 5 ip netns exec "$(nsof d1)" "$HD" -n -l -f "$V_DIR/p.conf" -p "$1" \
		-s "$V_DIR/p.sock" 2>&1); rc=$?
	echo "# pid file $1: exit $rc: $out"
	[ "$rc" = 1 ] && grep -qF "pid file $1: not a regular file of uid 0 with one link" <<<"$out" &&
		[ "$(cat "$1")" = precious ]
}
ln "$V_DIR/precious" "$V_DIR/hard.pid"
check "a second hard link to a file as pid file: refused, file unchanged" \
	pid_refused "$V_DIR/hard.pid"
printf 'precious\n' >"$V_DIR/nob.pid"; chown nobody "$V_DIR/nob.pid"
check "a file of nobody's as pid file: refused, unchanged" pid_refused "$V_DIR/nob.pid"
v_done
