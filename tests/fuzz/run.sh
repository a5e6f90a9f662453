#!/bin/sh
# Build every fuzz target (build.sh) and run each for SECONDS (default 60)
# on a scratch copy of its seed corpus. Prints one line per target:
#   fuzz_config: ok, 123456 runs in 60 s, 1234 corpus inputs, cov 2345
#   fuzz_ctl: FAIL (crash), input kept in DIR/artifacts/fuzz_ctl-crash-...
# and exits non-zero when any target crashed, leaked, timed out or did not
# build. Environment:
#   HD_FUZZ_BUILD    build and work directory (default: a fresh temporary
#                    one, removed when everything passed)
#   HD_FUZZ_TARGETS  only these targets (space-separated names)
#   HD_FUZZ_JOBS     run the targets in parallel: 1 (default) or N
#   HD_FUZZ_ARGS     extra libFuzzer arguments
set -u
secs=${1:-60}
src=$(cd "$(dirname "$0")/../.." && pwd)
if [ -n "${HD_FUZZ_BUILD:-}" ]; then
	work=$HD_FUZZ_BUILD
	keep=1
else
	work=$(mktemp -d "${TMPDIR:-/tmp}/hd-fuzz.XXXXXX") || exit 1
	keep=0
fi
mkdir -p "$work/artifacts" "$work/logs"

targets=$("$src/tests/fuzz/build.sh" "$work" 2>"$work/logs/build.log")
if [ $? -ne 0 ] || [ -z "$targets" ]; then
	echo "fuzz: build failed (kept $work):"
	sed 's/^/    /' "$work/logs/build.log"
	exit 1
fi
# build.sh fails on a target file without a line; this catches one it
# built and did not name (so that it would not run).
for f in "$src"/tests/fuzz/fuzz_*.c; do
	case " $(echo $targets) " in
	*" $(basename "$f" .c) "*) ;;
	*) echo "fuzz: $f was not built" && exit 1 ;;
	esac
done
[ -n "${HD_FUZZ_TARGETS:-}" ] && targets=$HD_FUZZ_TARGETS

# Per target: longest input, in bytes (a little over each parser's limit).
max_len() {
	case $1 in
	fuzz_config) echo 16384 ;;
	fuzz_ctl) echo 4200 ;;
	fuzz_metrics_req) echo 4200 ;; # past the 4 kB request bound
	fuzz_vrrp_pkt) echo 4200 ;;
	fuzz_http_resp) echo 20000 ;; # past the 16 kB header limit
	fuzz_snmp_wire) echo 20000 ;; # a few times the daemon's 4 kB buffer
	fuzz_smtp_reply) echo 70000 ;; # past the 64 kB reply cap
	*) echo 8192 ;;
	esac
}

run_one() {
	t=$1
	seeds=$src/tests/fuzz/corpus/$t
	corpus=$work/corpus/$t
	log=$work/logs/$t.log
	mkdir -p "$corpus"
	# New inputs go to the scratch corpus (first directory); the seeds
	# in the source tree are only read.
	dict=""
	[ -f "$work/$t.dict" ] && dict="-dict=$work/$t.dict"
	# shellcheck disable=SC2086
	"$work/$t" $dict -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
		-max_len="$(max_len "$t")" -print_final_stats=1 \
		-artifact_prefix="$work/artifacts/$t-" ${HD_FUZZ_ARGS:-} \
		"$corpus" "$seeds" >"$log" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1 | cut -d' ' -f2)
	n=$(find "$corpus" -type f | wc -l)
	if [ "$rc" -eq 0 ]; then
		echo "$t: ok, ${runs:-?} runs in $secs s, $n new inputs, cov ${cov:-?}"
		return 0
	fi
	why=$(grep -o -m1 'ERROR: [A-Za-z]*: [a-z-]*\|ERROR: libFuzzer: [a-z-]*\|runtime error: .*' "$log" | head -n 1)
	art=$(ls "$work/artifacts/$t-"* 2>/dev/null | head -n 1)
	echo "$t: FAIL (exit $rc: ${why:-see log}), input ${art:-none}, log $log"
	return 1
}

fail=0
if [ "${HD_FUZZ_JOBS:-1}" -gt 1 ]; then
	for t in $targets; do
		run_one "$t" >"$work/logs/$t.line" &
	done
	wait
	for t in $targets; do
		cat "$work/logs/$t.line"
		grep -q ': ok,' "$work/logs/$t.line" || fail=1
	done
else
	for t in $targets; do
		run_one "$t" || fail=1
	done
fi

if [ "$fail" -ne 0 ]; then
	echo "fuzz: failures; build, logs and crashing inputs kept in $work"
	echo "fuzz: reproduce with $work/TARGET INPUT; add the input to tests/fuzz/corpus/TARGET/"
	exit 1
fi
[ "$keep" -eq 1 ] || rm -rf "$work"
exit 0
