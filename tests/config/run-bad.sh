#!/bin/sh
# Every tests/config/bad/*.conf must make `hadirector -t -f FILE` exit 1 and
# print FILE:LINE: with the line and message named on its first line:
#   # expect: LINE: substring of the message
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=.}"
bin="$top_builddir/hadirector"
[ -x "$bin" ] || { echo "run-bad: $bin not built"; exit 1; }

fail=0 n=0
for f in "$top_srcdir"/tests/config/bad/*.conf; do
	n=$((n + 1))
	expect=$(sed -n '1s/^# expect: //p' "$f")
	line=${expect%%:*}
	msg=${expect#*: }
	if [ -z "$expect" ] || [ "$line" = "$expect" ]; then
		echo "FAIL $f: no '# expect: LINE: message' on its first line"
		fail=$((fail + 1))
		continue
	fi
	err=$("$bin" -t -f "$f" 2>&1 >/dev/null)
	rc=$?
	if [ "$rc" -ne 1 ]; then
		echo "FAIL $f: exit $rc, expected 1"
	elif ! printf '%s\n' "$err" | grep -F -- "$f:$line:" | grep -qF -- "$msg"; then
		echo "FAIL $f: no '$f:$line: ...$msg...' in:"
	else
		continue
	fi
	printf '%s\n' "$err" | sed 's/^/    /'
	fail=$((fail + 1))
done
echo "run-bad: $n files, $fail failed"
[ "$n" -ge 20 ] && [ "$fail" -eq 0 ]
