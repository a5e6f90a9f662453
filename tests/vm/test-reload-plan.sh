#!/bin/bash
# VM test: `hadirectorctl reload --plan` names the IPVS writes a reload would make (with their
# fields), making it writes nothing, and the reload that follows makes exactly those writes, in
# order (issue 22).
here=$(cd "$(dirname "$0")" && pwd)
: "${top_srcdir:=$(cd "$here/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
export top_srcdir top_builddir
"$top_srcdir/tests/vm/setup" || exit 99
HD_VM_TIMEOUT=${HD_VM_TIMEOUT:-300} \
	exec "$top_srcdir/tests/vm/run" "$top_srcdir/tests/vm/scenarios/reload-plan.sh"
