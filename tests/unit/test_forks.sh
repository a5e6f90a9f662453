#!/bin/sh
# Every fork of the running daemon goes through hd_fork() (daemon/base/loop.c),
# which counts it: the health checker leaves EPOLL_CTL_DEL out only while no
# child can hold a copy of its sockets (healthcheck/hc_tcp.c). A bare fork()
# elsewhere would break that silently, so it is refused here. daemon/main.c
# forks to detach before the loop exists, and is allowed to.
: "${top_srcdir:?}"
cd "$top_srcdir" || exit 99
bad=$(grep -n -E '(^|[^_a-z])(v?fork|clone|posix_spawnp?)[[:space:]]*\(' daemon/*.c daemon/base/*.c vrrp/*.c healthcheck/*.c ipvs/*.c |
	grep -v -E '^daemon/(base/loop|main)\.c:' | grep -v -E ':[[:space:]]*(/?\*|//)')
if [ -n "$bad" ]; then
	echo "FAIL - fork outside hd_fork():"
	echo "$bad"
	exit 1
fi
n=$(grep -c 'hd_fork(' daemon/*.c daemon/base/*.c vrrp/*.c healthcheck/*.c | awk -F: '{ s += $2 } END { print s }')
# loop.c's definition, daemon/base/spawn.c (every script and the SNMP subagent),
# snapshot.c (status renders)
[ "$n" -ge 3 ] || { echo "FAIL - only $n hd_fork uses: were fork sites removed or renamed?"; exit 1; }
grep -q 'hd_fork(' daemon/base/spawn.c || { echo "FAIL - daemon/base/spawn.c does not fork through hd_fork"; exit 1; }
echo "ok - every fork goes through hd_fork ($n uses)"
