#!/bin/sh
# hadirector --from-keepalived on every real keepalived.conf of
# tests/keepalived/corpus (their origin: corpus/SOURCES). Fails on:
#  - a crash, or an exit status other than 0 (converted) and 1 (refused);
#  - a message on stderr that does not start with FILE:LINE:;
#  - a refused file that still wrote -o OUT, a converted one that did not;
#  - a converted file that `hadirector -t --from-keepalived` rejects, except
#    for scripts that are simply not installed on this machine
#    ("script PATH: No such file or directory": the corpus names its
#    authors' scripts; every other script rule still fails the test).
# Prints how many converted and were refused, and the refusals' reasons
# counted (once per file and reason).
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=.}"
bin="$(cd "$top_builddir" && pwd)/hadirector"
dir="$top_srcdir/tests/keepalived/corpus"
[ -x "$bin" ] || { echo "convert-corpus: $bin not built"; exit 1; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ka-corpus.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT

n=0 conv=0 noscript=0 refused=0 fail=0
: >"$tmp/reasons"
bad() {
	echo "FAIL $1: $2"
	sed 's/^/    /' "$tmp/err"
	fail=$((fail + 1))
}
for f in "$dir"/*.conf; do
	n=$((n + 1))
	b=$(basename "$f")
	rm -f "$tmp/out"
	# A fixed config-id: @ID lines must not depend on this machine's name.
	(cd "$dir" && "$bin" --from-keepalived "$b" --config-id main -o "$tmp/out") 2>"$tmp/err"
	rc=$?
	if grep -v '^[^ :][^:]*:[0-9][0-9]*: ' "$tmp/err" >"$tmp/noline"; then
		bad "$b" "messages without FILE:LINE: $(head -1 "$tmp/noline")"
		continue
	fi
	case $rc in
	0)
		[ -s "$tmp/out" ] || { bad "$b" "exit 0 but -o OUT not written"; continue; }
		;;
	1)
		[ -e "$tmp/out" ] && { bad "$b" "refused but -o OUT written"; continue; }
		grep -q -v ': warning: ' "$tmp/err" || { bad "$b" "exit 1 without an error"; continue; }
		refused=$((refused + 1))
		# The reason: the message without FILE:LINE, values and details.
		grep -v ': warning: ' "$tmp/err" | sed "s/^[^:]*:[0-9]*: //; s/ (.*//; s/'[^']*'/'.'/g" |
			sed 's/^[^ ]* [0-9a-f.:/]*: /&/' | sort -u >>"$tmp/reasons"
		continue
		;;
	*)
		bad "$b" "exit status $rc (crash?)"
		continue
		;;
	esac
	(cd "$dir" && "$bin" -t --from-keepalived "$b" --config-id main) 2>"$tmp/err"
	rc=$?
	if [ $rc -ne 0 ]; then
		if [ $rc -eq 1 ] && ! grep -v -e ': warning: ' \
			-e '^[^:]*:[0-9]*: script [^ ]*: No such file or directory (converted line [0-9]*)$' \
			"$tmp/err" >/dev/null; then
			noscript=$((noscript + 1))
		else
			bad "$b" "hadirector -t rejects the conversion (exit $rc)"
			continue
		fi
	fi
	conv=$((conv + 1))
done
echo "convert-corpus: $n files: $conv converted and accepted by hadirector -t" \
	"($noscript of them name scripts not installed here), $refused refused, $fail failed"
if [ -s "$tmp/reasons" ]; then
	echo "refusal reasons (files):"
	sed 's/^\([^:]*: [^:]*\):.*/\1/' "$tmp/reasons" | sort | uniq -c | sort -rn | sed 's/^/  /'
fi
[ "$n" -ge 40 ] && [ "$fail" -eq 0 ]
