#!/bin/bash
# VM test: an mh service keeps the configuration's destination order in the kernel through a
# real server's failure and return, so two directors with the same configuration pick the same
# real servers (ipvs/ipvs_order.c, issue 23). One VM boot.
. "$(dirname "$0")/wrap.sh" # top_srcdir, top_builddir, tests/vm/setup
HD_VM_TIMEOUT=${HD_VM_TIMEOUT:-300} exec "$top_srcdir/tests/vm/run" "$top_srcdir/tests/vm/scenarios/mh-order.sh"
