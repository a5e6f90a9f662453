#!/bin/bash
# VM test: at reload-bench scale (tests/bench/reload-scale-gen.awk; RELOAD_VS / RELOAD_RS), with
# tcp checks and some real servers down, a reload of the same file makes no IPVS write and one
# that changes one weight makes exactly one (issue 19).
. "$(dirname "$0")/wrap.sh" # top_srcdir, top_builddir, tests/vm/setup
HD_VM_ENV="RELOAD_VS RELOAD_RS" HD_VM_MEM=${HD_VM_MEM:-1024} HD_VM_TIMEOUT=${HD_VM_TIMEOUT:-400} \
	exec "$top_srcdir/tests/vm/run" "$top_srcdir/tests/vm/scenarios/reload-one-write.sh"
