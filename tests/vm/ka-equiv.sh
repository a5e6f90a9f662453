#!/bin/bash
# VM test (issue 20): Debian's keepalived runs keepalived.conf files of the
# corpus, hadirector their conversion, one after the other on the same lab;
# every behaviour difference the converter did not announce fails
# (tests/vm/scenarios/ka-equiv.sh says what is compared). The files are
# tests/keepalived/equiv/ci.list (KA_EQUIV_SET=ci, the default) or
# full.list (KA_EQUIV_SET=full, `make check-ka-equiv`), 7 to a VM boot so
# each stays within its time limit.
: "${top_srcdir:?run through make check}"
: "${top_builddir:?run through make check}"
"$top_srcdir/tests/vm/setup" || exit 99
list=$top_srcdir/tests/keepalived/equiv/${KA_EQUIV_SET:-ci}.list
mapfile -t files < <(grep -v -e '^#' -e '^$' "$list")
[ "${#files[@]}" -gt 0 ] || { echo "ka-equiv: no files in $list"; exit 99; }
rc=0
for ((i = 0; i < ${#files[@]}; i += 7)); do
	HD_VM_TIMEOUT=${HD_VM_TIMEOUT:-700} "$top_srcdir/tests/vm/run" \
		"$top_srcdir/tests/vm/scenarios/ka-equiv.sh" "${files[@]:i:7}" || rc=1
done
exit $rc
