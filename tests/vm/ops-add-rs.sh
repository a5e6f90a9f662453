#!/bin/bash
# VM test: add-rs and remove-rs against the kernel's IPVS table (issue 22).
: "${top_srcdir:?run through make check}"
: "${top_builddir:?run through make check}"
"$top_srcdir/tests/vm/setup" || exit 99
exec "$top_srcdir/tests/vm/run" "$top_srcdir/tests/vm/scenarios/ops-add-rs.sh"
