#!/bin/bash
# VM test: health verdicts drive the kernel IPVS table (dead server leaves, sorry server).
: "${top_srcdir:?run through make check}"
: "${top_builddir:?run through make check}"
"$top_srcdir/tests/vm/setup" || exit 99
exec "$top_srcdir/tests/vm/run" "$top_srcdir/tests/vm/scenarios/hc-ipvs.sh"
