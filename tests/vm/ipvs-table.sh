#!/bin/bash
# VM test: the IPVS table hadirector programs equals ipvsadm's, survives hand edits, zero-churn reloads.
: "${top_srcdir:?run through make check}"
: "${top_builddir:?run through make check}"
"$top_srcdir/tests/vm/setup" || exit 99
exec "$top_srcdir/tests/vm/run" "$top_srcdir/tests/vm/scenarios/ipvs-table.sh"
