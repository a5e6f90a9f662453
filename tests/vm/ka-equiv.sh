#!/bin/bash
# VM test (issue 20): Debian's keepalived runs keepalived.conf files of the
# corpus, hadirector their conversion, one after the other on the same lab;
# every behaviour difference the converter did not announce fails
# (tests/vm/scenarios/ka-equiv.sh says what is compared). The files:
#   KA_EQUIV_SET=ci (the default)  tests/keepalived/equiv/ci.list (4 files, one boot)
#   KA_EQUIV_SET=full              full.list (`make check-ka-equiv`), 7 to a boot
#   KA_EQUIV_SET=all               every corpus file keepalived runs (exit 0, 5
#                                  or 6 in corpus/KEEPALIVED): 4 files at once
#                                  in the VM, 12 to a boot (`make check-ka-equiv-all`);
#                                  KA_EQUIV_PART=N runs boot N alone
#                                  (`make check-ka-equiv-all-N`), each < 10 min.
# In every set, KA_EQUIV_JOBS files (default 4) run at once in the VM, each
# in its own namespaces (the CI slice: one round, 4-5 min under TCG;
# KA_EQUIV_JOBS=1 runs them one after the other).
: "${top_srcdir:?run through make check}"
: "${top_builddir:?run through make check}"
"$top_srcdir/tests/vm/setup" || exit 99
set=${KA_EQUIV_SET:-ci}
export KA_EQUIV_JOBS=${KA_EQUIV_JOBS:-4}
export HD_VM_ENV="${HD_VM_ENV:-} KA_EQUIV_JOBS"
if [ "$set" = all ]; then
	list=$top_srcdir/tests/keepalived/corpus/KEEPALIVED
	mapfile -t files < <(awk '!/^#/ && ($2 == 0 || $2 == 5 || $2 == 6) { print $1 }' "$list")
	per=${KA_EQUIV_PER_BOOT:-12}
	timeout=${HD_VM_TIMEOUT:-600}
else
	list=$top_srcdir/tests/keepalived/equiv/$set.list
	mapfile -t files < <(grep -v -e '^#' -e '^$' "$list")
	per=${KA_EQUIV_PER_BOOT:-7}
	timeout=${HD_VM_TIMEOUT:-1000} # about 9 min on a quiet 2-core machine; timed out at 700 s under load
fi
[ "${#files[@]}" -gt 0 ] || { echo "ka-equiv: no files in $list"; exit 99; }
nparts=$(((${#files[@]} + per - 1) / per))
part=${KA_EQUIV_PART:-}
if [ -n "$part" ] && { [ "$part" -lt 1 ] || [ "$part" -gt "$nparts" ]; }; then
	echo "ka-equiv: KA_EQUIV_PART=$part: the $set set has parts 1..$nparts"
	exit 99
fi
rc=0
for ((k = 1; k <= nparts; k++)); do
	[ -n "$part" ] && [ "$k" != "$part" ] && continue
	echo "# ka-equiv: $set set, part $k of $nparts: ${files[*]:(k - 1) * per:per}"
	HD_VM_TIMEOUT=$timeout "$top_srcdir/tests/vm/run" \
		"$top_srcdir/tests/vm/scenarios/ka-equiv.sh" "${files[@]:(k - 1) * per:per}" || rc=1
done
exit $rc
