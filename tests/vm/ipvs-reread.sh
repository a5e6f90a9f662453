#!/bin/bash
# VM test (issue 24): the periodic IPVS re-read reads a slice of the destinations; hand edits
# are still repaired within the documented bound.
: "${top_srcdir:?run through make check}"
: "${top_builddir:?run through make check}"
"$top_srcdir/tests/vm/setup" || exit 99
exec "$top_srcdir/tests/vm/run" "$top_srcdir/tests/vm/scenarios/ipvs-reread.sh"
