#!/bin/bash
# VM benchmark (not in make check): hadirector vs ipvsadm -R on 1000 x 10 entries, then the
# zero-churn and one-weight reloads. IPVS_BENCH_SERVICES / IPVS_BENCH_DESTS change the size.
here=$(cd "$(dirname "$0")" && pwd)
: "${top_srcdir:=$(cd "$here/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
export top_srcdir top_builddir
"$top_srcdir/tests/vm/setup" || exit 99
HD_VM_ENV="IPVS_BENCH_SERVICES IPVS_BENCH_DESTS" HD_VM_TIMEOUT=${HD_VM_TIMEOUT:-900} \
	exec "$top_srcdir/tests/vm/run" "$top_srcdir/tests/vm/scenarios/ipvs-bench.sh"
