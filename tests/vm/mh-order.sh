#!/bin/bash
# VM test: an mh service keeps the configuration's destination order in the kernel through a
# real server's failure and return, so two directors with the same configuration pick the same
# real servers (ipvs/ipvs_order.c, issue 23). One VM boot.
here=$(cd "$(dirname "$0")" && pwd)
: "${top_srcdir:=$(cd "$here/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
export top_srcdir top_builddir
"$top_srcdir/tests/vm/setup" || exit 99
HD_VM_TIMEOUT=${HD_VM_TIMEOUT:-300} exec "$top_srcdir/tests/vm/run" "$top_srcdir/tests/vm/scenarios/mh-order.sh"
