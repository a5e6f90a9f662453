# Negative assertions that fail when there is nothing to look at (sourced
# by tests/netns/lib.sh, lib-vrrp.sh and tests/vm/lib.sh). "! grep PATTERN
# FILE" passes when FILE was never written, is empty, or cannot be read
# (grep's status 2), and "! grep" over a command's output passes when the
# command failed: each such check proved nothing when what it looked at was
# missing. These say why they failed on stdout, as "# " comment lines.

# absent [GREP_OPTION...] [--] PATTERN FILE...: every FILE exists and is
# not empty, and no line of any of them matches PATTERN.
absent() {
	local opts=() pat f rc
	while [ $# -gt 0 ] && [ "${1#-}" != "$1" ]; do
		[ "$1" = -- ] && { shift; break; }
		opts+=("$1")
		shift
	done
	[ $# -ge 2 ] || { echo "# absent: wants PATTERN FILE..."; return 2; }
	pat=$1
	shift
	for f in "$@"; do
		[ -s "$f" ] || { echo "# absent: $f is missing or empty: nothing to look at"; return 1; }
	done
	grep -q "${opts[@]}" -e "$pat" -- "$@"
	rc=$?
	[ "$rc" -eq 2 ] && echo "# absent: grep could not read $*"
	[ "$rc" -eq 1 ] # 0 is a match, 2 an error
}

# absent_json PATTERN FILE: FILE is a whole JSON document (a status or
# metrics reply that was cut off or never came is not "nothing found") and
# no line of it matches PATTERN.
absent_json() {
	python3 -c 'import json, sys; json.load(open(sys.argv[1]))' "$2" 2>/dev/null ||
		{ echo "# absent_json: $2 is missing or not JSON"; return 1; }
	absent "$1" "$2"
}

# is_num VALUE...: each VALUE is a decimal number. "Nothing changed" checks
# compare two counters: two empty strings (status not read) are equal too.
is_num() {
	local v
	for v in "$@"; do
		[[ $v =~ ^-?[0-9]+$ ]] || { echo "# is_num: '$v' is not a number"; return 1; }
	done
}
# same_num A B: A and B are numbers and equal
same_num() { is_num "$1" "$2" && [ "$1" -eq "$2" ]; }

# gone PID: PID is a process number and that process is no more ("! kill -0
# $pid" is also true when pid is empty: kill's usage error)
gone() { is_num "$1" && ! kill -0 "$1" 2>/dev/null; }
