#!/bin/bash
# VM test: a VRRP master at advert_int 0.1 reloads a file that rewrites thousands of IPVS
# destinations (tests/bench/reload-scale-gen.awk variant 3; RELOAD_VS / RELOAD_RS): no advert is
# late at the backup, the reload writes exactly its plan, and status is consistent while the
# pass runs in slices (issue 19, "no advert late").
. "$(dirname "$0")/wrap.sh" # top_srcdir, top_builddir, tests/vm/setup
HD_VM_ENV="RELOAD_VS RELOAD_RS" HD_VM_MEM=${HD_VM_MEM:-1024} HD_VM_TIMEOUT=${HD_VM_TIMEOUT:-500} \
	exec "$top_srcdir/tests/vm/run" "$top_srcdir/tests/vm/scenarios/reload-adverts.sh"
