#!/bin/sh
# hadirector --from-keepalived as a user runs it, on real files: includes
# with a glob relative to the including file (keepalived's rule, whatever
# the current directory), @ID lines chosen by --config-id, stdout and -o,
# -t mapping hadirector's own messages back to the keepalived FILE:LINE,
# and a refused file: every error, status 1, -o OUT left alone.
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=.}"
bin="$(cd "$top_builddir" && pwd)/hadirector"
[ -x "$bin" ] || { echo "convert-cli: $bin not built"; exit 1; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ka-cli.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
fail=0
check() { # DESCRIPTION COMMAND...
	d=$1
	shift
	if "$@"; then echo "ok: $d"; else echo "FAIL: $d" && fail=1; fi
}

mkdir -p "$tmp/ka/conf.d" "$tmp/elsewhere"
cat >"$tmp/ka/keepalived.conf" <<'K'
! main file
global_defs {
   router_id lb1
}
include conf.d/*.conf
K
cat >"$tmp/ka/conf.d/10-vrrp.conf" <<'K'
vrrp_instance VI_1 {
    interface eth0
    virtual_router_id 51
    @lb1 priority 150
    @lb2 priority 100
    virtual_ipaddress {
        192.0.2.10/24
    }
    notify_master "/nonexistent/notify.sh"
}
K
cat >"$tmp/ka/conf.d/20-lvs.conf" <<'K'
virtual_server 192.0.2.10 80 {
    lb_algo rr
    include ../rs/*.conf
}
K
mkdir -p "$tmp/ka/rs"
printf 'real_server 198.51.100.1 80 {\n    TCP_CHECK {\n    }\n}\n' >"$tmp/ka/rs/a.conf"

# From another directory: includes follow the including file, not the cwd.
cd "$tmp/elsewhere" || exit 1
"$bin" --from-keepalived ../ka/keepalived.conf --config-id lb2 >out.conf 2>err
check "exit 0 with includes" [ $? -eq 0 ]
check "no messages" [ ! -s err ]
check "included instance, @lb2 line" grep -q '^    priority = 100$' out.conf
check "@lb1 line kept as a comment" grep -q '# @lb1 priority 150 (left out: config-id is lb2)' out.conf
check "real server from ../rs/*.conf" grep -q '^    real_server 198.51.100.1:80 {' out.conf
check "comments carried" grep -q '^# main file$' out.conf

"$bin" --from-keepalived ../ka/keepalived.conf --config-id lb1 -o "$tmp/hd.conf" 2>err
check "-o writes OUT" grep -q '^    priority = 150$' "$tmp/hd.conf"

# --rename-interface: the lab's names wherever an interface is named.
printf 'global_defs {\n lvs_sync_daemon eth1 VI_1\n}\nvrrp_instance VI_1 {\n interface eth0\n virtual_router_id 5\n track_interface {\n  eth1 weight -10\n  eth2\n }\n virtual_ipaddress {\n  10.0.0.1 dev eth0\n }\n}\n' >"$tmp/ren.conf"
"$bin" --from-keepalived "$tmp/ren.conf" --rename-interface eth0=lab0 \
	--rename-interface eth1=lab1 >ren.out 2>err
check "rename: exit 0" [ $? -eq 0 ]
check "rename: instance interface" grep -q '^    interface = lab0$' ren.out
check "rename: tracked with a weight" grep -q '^    track_interface_weight lab1 {$' ren.out
check "rename: others kept" grep -q '^    track_interface = { eth2 }$' ren.out
check "rename: sync daemon" grep -q '^    interface = lab1$' ren.out
check "rename: dev of the instance's interface accepted" [ ! -s err ]

# -t: the notify script is missing; the message names the keepalived line.
"$bin" -t --from-keepalived ../ka/keepalived.conf --config-id lb1 >out 2>err
check "-t fails on a missing script" [ $? -eq 1 ]
check "-t writes nothing to stdout" [ ! -s out ]
check "-t message at the keepalived FILE:LINE" \
	grep -q '^\.\./ka/conf\.d/10-vrrp\.conf:1: script /nonexistent/notify\.sh: No such file' err

# A refused file: all errors, exit 1, OUT untouched.
cat >"$tmp/ka/bad.conf" <<'K'
vrrp_instance VI_2 {
    interface eth0
    virtual_router_id 52
    unicast_ttl 10
    virtual_ipaddress {
        192.0.2.11 preferred_lft 0
    }
}
virtual_server group G {
}
K
echo keep >"$tmp/old.conf"
"$bin" --from-keepalived ../ka/bad.conf -o "$tmp/old.conf" 2>err
check "refused: exit 1" [ $? -eq 1 ]
check "refused: OUT untouched" grep -qx keep "$tmp/old.conf"
check "refused: unicast_ttl at its line" grep -q '^\.\./ka/bad\.conf:4: unicast_ttl: ' err
check "refused: preferred_lft at its line" grep -q '^\.\./ka/bad\.conf:6: virtual_ipaddress: per-address preferred_lft' err
check "refused: a group no virtual_server_group defines, at its line" \
	grep -q '^\.\./ka/bad\.conf:9: virtual_server group G: no virtual_server_group G' err
check "refused: no stray file" [ ! -e "$tmp/old.conf.tmp" ]

"$bin" --from-keepalived "$tmp/none.conf" 2>err
check "missing file: exit 1 with the file named" grep -q "none.conf: cannot read" err
"$bin" --from-keepalived 2>/dev/null
check "usage: exit 2" [ $? -eq 2 ]
exit $fail
