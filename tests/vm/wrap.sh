# The start of a tests/vm/*.sh test (sourced; it then execs tests/vm/run with its scenario):
# top_srcdir and top_builddir are make check's, or this tree's when the test is run by hand,
# exported for tests/vm/run; the VM's image is set up (tests/vm/setup) or the test errors (99).
: "${top_srcdir:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
export top_srcdir top_builddir
"$top_srcdir/tests/vm/setup" || exit 99
