#!/bin/bash
# VM test: keepalived's reload figure (2,277 virtual servers, 37,205 real servers, a tcp_check
# each) reloaded twice by a VRRP master at advert_int 0.1: no advert late at the backup, the
# health checks' build in steps (issue 19, "no advert late"). About 2 minutes under TCG.
here=$(cd "$(dirname "$0")" && pwd)
: "${top_srcdir:=$(cd "$here/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
export top_srcdir top_builddir
"$top_srcdir/tests/vm/setup" || exit 99
HD_VM_ENV="RELOAD_VS RELOAD_RS" HD_VM_MEM=${HD_VM_MEM:-2048} HD_VM_TIMEOUT=${HD_VM_TIMEOUT:-900} \
	exec "$top_srcdir/tests/vm/run" "$top_srcdir/tests/vm/scenarios/reload-adverts-checks.sh"
