#!/bin/bash
# VM test: keepalived's reload figure (2,277 virtual servers, 37,205 real servers, a tcp_check
# each) reloaded twice by a VRRP master at advert_int 0.1: no advert late at the backup, the
# health checks' build in steps, the IPVS pass's build and diff in slices (issue 19, "no advert
# late"). About 2.5 minutes under TCG.
. "$(dirname "$0")/wrap.sh" # top_srcdir, top_builddir, tests/vm/setup
HD_VM_ENV="RELOAD_VS RELOAD_RS" HD_VM_MEM=${HD_VM_MEM:-2048} HD_VM_TIMEOUT=${HD_VM_TIMEOUT:-900} \
	exec "$top_srcdir/tests/vm/run" "$top_srcdir/tests/vm/scenarios/reload-adverts-checks.sh"
