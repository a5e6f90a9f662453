#!/bin/bash
# VM test: check_forwarding_path (issue 21): DR and TUN real servers that
# answer on their own address but would drop the VIP's traffic are found,
# each with its reason, and leave the IPVS table; a hostile flood is counted.
: "${top_srcdir:?run through make check-vm-fwd}"
: "${top_builddir:?run through make check-vm-fwd}"
"$top_srcdir/tests/vm/setup" || exit 99
exec "$top_srcdir/tests/vm/run" "$top_srcdir/tests/vm/scenarios/hc-fwd.sh"
