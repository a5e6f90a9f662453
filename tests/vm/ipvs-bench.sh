#!/bin/bash
# VM benchmark (not in make check): hadirector vs ipvsadm -R on 1000 x 10 entries, then the
# zero-churn and one-weight reloads. IPVS_BENCH_SERVICES / IPVS_BENCH_DESTS change the size.
. "$(dirname "$0")/wrap.sh" # top_srcdir, top_builddir, tests/vm/setup
HD_VM_ENV="IPVS_BENCH_SERVICES IPVS_BENCH_DESTS" HD_VM_TIMEOUT=${HD_VM_TIMEOUT:-900} \
	exec "$top_srcdir/tests/vm/run" "$top_srcdir/tests/vm/scenarios/ipvs-bench.sh"
