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
#  - a file keepalived itself refuses to start with (corpus/KEEPALIVED: the
#    exit status of keepalived --config-test; 2 = refused) that converts:
#    such a file is to be refused with a reason, as keepalived refuses it;
#  - fewer than $min_runs of the files keepalived runs converting (the
#    issue's target is 95 %; the floor is today's figure, so a regression
#    fails).
# Where keepalived is installed, its verdicts are re-checked against
# corpus/KEEPALIVED (runs or refuses; the exact status depends on the
# machine's interfaces and scripts).
# Prints how many converted and were refused, against the files keepalived
# runs, and the refusals' reasons counted (once per file and reason).
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=.}"
bin="$(cd "$top_builddir" && pwd)/hadirector"
dir="$top_srcdir/tests/keepalived/corpus"
[ -x "$bin" ] || { echo "convert-corpus: $bin not built"; exit 1; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ka-corpus.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT

# The files keepalived runs that must convert, at least (see the header).
: "${min_runs:=60}"
n=0 conv=0 noscript=0 refused=0 fail=0 runs=0 runs_conv=0
: >"$tmp/reasons"
: >"$tmp/refused_runs"
# keepalived's verdict on FILE: "runs" or "refuses" (corpus/KEEPALIVED).
ka_verdict() {
	st=$(sed -n "s/^$1 \([0-9]*\)\$/\1/p" "$dir/KEEPALIVED")
	case $st in
	0 | 5 | 6) echo runs ;;
	2) echo refuses ;;
	*) echo unknown ;;
	esac
}
ka=$(command -v keepalived || ls /usr/sbin/keepalived 2>/dev/null)
bad() {
	echo "FAIL $1: $2"
	sed 's/^/    /' "$tmp/err"
	fail=$((fail + 1))
}
for f in "$dir"/*.conf; do
	n=$((n + 1))
	b=$(basename "$f")
	rm -f "$tmp/out"
	v=$(ka_verdict "$b")
	if [ "$v" = unknown ]; then
		echo "FAIL $b: not in corpus/KEEPALIVED"
		fail=$((fail + 1))
		continue
	fi
	if [ -n "$ka" ]; then
		(cd "$dir" && timeout 20 "$ka" --config-test -i main -f "$b") >/dev/null 2>&1
		case $? in 0 | 5 | 6) kv=runs ;; *) kv=refuses ;; esac
		[ "$kv" = "$v" ] || {
			echo "FAIL $b: keepalived $kv it here, corpus/KEEPALIVED says it $v"
			fail=$((fail + 1))
		}
	fi
	[ "$v" = runs ] && runs=$((runs + 1))
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
		[ "$v" = runs ] && echo "$b" >>"$tmp/refused_runs"
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
	if [ "$v" = refuses ]; then
		echo "FAIL $b: keepalived refuses to start with it, but it converted"
		fail=$((fail + 1))
		continue
	fi
	conv=$((conv + 1))
	runs_conv=$((runs_conv + 1))
done
echo "convert-corpus: $n files: $conv converted and accepted by hadirector -t" \
	"($noscript of them name scripts not installed here), $refused refused, $fail failed"
echo "convert-corpus: keepalived runs $runs of them: $runs_conv converted" \
	"($((runs_conv * 100 / (runs ? runs : 1)))%, target 95%, floor $min_runs)," \
	"$((runs - runs_conv)) refused; the $((n - runs)) keepalived refuses are refused too"
if [ -s "$tmp/refused_runs" ]; then
	echo "refused although keepalived runs them:"
	sed 's/^/  /' "$tmp/refused_runs"
fi
if [ -s "$tmp/reasons" ]; then
	echo "refusal reasons (files):"
	sed 's/^\([^:]*: [^:]*\):.*/\1/' "$tmp/reasons" | sort | uniq -c | sort -rn | sed 's/^/  /'
fi
[ "$n" -ge 40 ] && [ "$fail" -eq 0 ] && [ "$runs_conv" -ge "$min_runs" ]
