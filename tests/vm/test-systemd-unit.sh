#!/bin/bash
# make install + systemctl start/reload/stop inside the VM, systemd as PID 1.
HD_VM_INIT="$top_srcdir/tests/vm/guest-init-systemd" exec "$top_srcdir/tests/vm/run" \
	"$top_srcdir/tests/vm/scenarios/systemd-unit.sh"
