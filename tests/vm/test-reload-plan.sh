#!/bin/bash
# VM test: `hadirectorctl reload --plan` names the IPVS writes a reload would make (with their
# fields), making it writes nothing, and the reload that follows makes exactly those writes, in
# order (issue 22).
. "$(dirname "$0")/wrap.sh" # top_srcdir, top_builddir, tests/vm/setup
HD_VM_TIMEOUT=${HD_VM_TIMEOUT:-300} \
	exec "$top_srcdir/tests/vm/run" "$top_srcdir/tests/vm/scenarios/reload-plan.sh"
