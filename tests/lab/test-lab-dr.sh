#!/bin/bash
# The end-to-end lab in DR mode (one VM boot): two directors, two real servers, a client,
# director failover and preemption under traffic, a real server stopped and started.
: "${top_srcdir:?run through make check}"
: "${top_builddir:?run through make check}"
"$top_srcdir/tests/vm/setup" || exit 99
# One lab VM at a time (make -j): the timing assertions need the CPUs this VM is given.
lock=${HD_VM_CACHE:-/var/cache/hadirector-vm}/lab.lock
exec flock "$lock" "$top_srcdir/tests/vm/run" "$top_srcdir/tests/lab/lab.sh" dr
