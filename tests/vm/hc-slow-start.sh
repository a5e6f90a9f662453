#!/bin/bash
# VM test: slow start's ramp and an agent_check weight in the kernel's IPVS table.
: "${top_srcdir:?run through make check}"
: "${top_builddir:?run through make check}"
"$top_srcdir/tests/vm/setup" || exit 99
exec "$top_srcdir/tests/vm/run" "$top_srcdir/tests/vm/scenarios/hc-slow-start.sh"
