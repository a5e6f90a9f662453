#!/bin/bash
# The hardened unit, with systemd as PID 1 in the VM: everything still works; exposure score.
: "${top_srcdir:?run through make check}"
: "${top_builddir:?run through make check}"
"$top_srcdir/tests/vm/setup" || exit 99
HD_VM_INIT="$top_srcdir/tests/vm/guest-init-systemd" exec "$top_srcdir/tests/vm/run" \
	"$top_srcdir/tests/vm/scenarios/systemd-hardened.sh"
