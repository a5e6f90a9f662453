#!/bin/sh
# etc/hadirector.conf and every tests/config/good/*.conf must make
# `hadirector -t -f FILE` exit 0 and print nothing at all.
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=.}"
bin="$top_builddir/hadirector"
[ -x "$bin" ] || { echo "run-good: $bin not built"; exit 1; }

fail=0 n=0
for f in "$top_srcdir"/etc/hadirector.conf "$top_srcdir"/etc/hadirector-ecmp.conf \
	"$top_srcdir"/tests/config/good/*.conf; do
	n=$((n + 1))
	out=$("$bin" -t -f "$f" 2>&1)
	rc=$?
	if [ "$rc" -ne 0 ] || [ -n "$out" ]; then
		echo "FAIL $f: exit $rc, output:"
		printf '%s\n' "$out" | sed 's/^/    /'
		fail=$((fail + 1))
	fi
done
echo "run-good: $n files, $fail failed"
[ "$n" -ge 5 ] && [ "$fail" -eq 0 ]
