#!/bin/bash
# VM test: real HTTP traffic through the IPVS table hadirector programs, in DR, NAT and TUN mode.
: "${top_srcdir:?run through make check}"
: "${top_builddir:?run through make check}"
"$top_srcdir/tests/vm/setup" || exit 99
exec "$top_srcdir/tests/vm/run" "$top_srcdir/tests/vm/scenarios/ipvs-traffic.sh"
