#!/bin/sh
# Every C file of the tree is formatted by the checked-in .clang-format
# (the brief's rule, kept by a test rather than by memory). Exit 77 (SKIP,
# never a pass) only when clang-format is not installed.
cd "${top_srcdir:?run through make check}" || exit 99
command -v clang-format >/dev/null || { echo "clang-format is not installed"; exit 77; }
files=$(find daemon vrrp ipvs healthcheck announce tests -name '*.[ch]' | sort)
[ -n "$files" ] || { echo "no C files found"; exit 99; }
# shellcheck disable=SC2086
out=$(clang-format --dry-run $files 2>&1 | grep 'warning:')
if [ -n "$out" ]; then
	echo "$out" | cut -d: -f1 | sort | uniq -c | sed 's/^/not formatted: /'
	echo "run: clang-format -i FILE"
	exit 1
fi
echo "$(echo "$files" | wc -l) files formatted"
