#!/bin/bash
# VM test: boot the Debian kernel under qemu, check IPVS with ipvsadm and run the daemon there.
: "${top_srcdir:?run through make check}"
: "${top_builddir:?run through make check}"
"$top_srcdir/tests/vm/setup" || exit 99
exec "$top_srcdir/tests/vm/run" "$top_srcdir/tests/vm/scenarios/boot-ipvs.sh"
