#!/bin/bash
# VM test (issue 23): the ECMP lab, tests/vm/scenarios/ecmp.sh (`make check-ecmp`). Its ECMP_*
# settings (see the scenario) pass through, e.g. ECMP_CONNS=200 or ECMP_SCHED=wlc.
: "${top_srcdir:?run through make check}"
: "${top_builddir:?run through make check}"
"$top_srcdir/tests/vm/setup" || exit 99
export HD_VM_ENV="${HD_VM_ENV:-} ECMP_CONNS ECMP_RATE ECMP_BFD_MS ECMP_BFD_MULT ECMP_SCHED ECMP_SLOPPY ECMP_ANNOUNCE ECMP_PHASES ECMP_CONTRAST ECMP_WATCHDOG ECMP_VRRP ECMP_VRRP_ADV ECMP_ZEBRA_WQ ECMP_SYNC"
HD_VM_TIMEOUT=${HD_VM_TIMEOUT:-1500} exec "$top_srcdir/tests/vm/run" "$top_srcdir/tests/vm/scenarios/ecmp.sh"
