#!/bin/bash
# VM test (issue 8): IPVS flush restored, clock step, SIGHUP storm with traffic, SIGKILL/restart.
: "${top_srcdir:?run through make check}"
: "${top_builddir:?run through make check}"
"$top_srcdir/tests/vm/setup" || exit 99
exec "$top_srcdir/tests/vm/run" "$top_srcdir/tests/vm/scenarios/fault-ipvs.sh"
