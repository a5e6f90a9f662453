#!/bin/bash
# VM test: a flood of datagrams to the daemon's IPVS netlink port does not hold its loop.
: "${top_srcdir:?run through make check}"
: "${top_builddir:?run through make check}"
"$top_srcdir/tests/vm/setup" || exit 99
exec "$top_srcdir/tests/vm/run" "$top_srcdir/tests/vm/scenarios/fault-ipvs-flood.sh"
