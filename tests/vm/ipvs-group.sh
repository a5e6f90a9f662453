#!/bin/bash
# VM test: virtual_server group:NAME in the kernel's IPVS table (every member, one pool).
: "${top_srcdir:?run through make check}"
: "${top_builddir:?run through make check}"
"$top_srcdir/tests/vm/setup" || exit 99
exec "$top_srcdir/tests/vm/run" "$top_srcdir/tests/vm/scenarios/ipvs-group.sh"
