#!/bin/bash
# VM test (issue 23): lvs_sync_daemon mode = both between two active directors: each learns the
# other's connections and a flow moved between them goes on (tests/vm/scenarios/ecmp-sync.sh).
: "${top_srcdir:?run through make check}"
: "${top_builddir:?run through make check}"
"$top_srcdir/tests/vm/setup" || exit 99
export HD_VM_ENV="${HD_VM_ENV:-} ECMP_SYNC_MODE" # none: the test without the feature (fails)
HD_VM_TIMEOUT=${HD_VM_TIMEOUT:-180} exec "$top_srcdir/tests/vm/run" "$top_srcdir/tests/vm/scenarios/ecmp-sync.sh"
