#!/bin/bash
# The negative assertions of lib-assert.sh fail when there is nothing to
# look at: a missing or empty file, a reply that is not JSON, a counter
# that was not read; and pass or fail on the pattern otherwise.
set -u
. "$top_srcdir/tests/netns/lib-assert.sh"
d=$(mktemp -d /tmp/hdassert.XXXXXX)
trap 'rm -rf "$d"' EXIT
fails=0
want() { # RC DESCRIPTION COMMAND...
	local rc=$1 desc=$2
	shift 2
	"$@" >/dev/null
	if [ $? -eq "$rc" ]; then echo "ok - $desc"; else echo "FAIL - $desc"; fails=$((fails + 1)); fi
}
: >"$d/empty.log"
printf 'all good\n' >"$d/good.log"
printf 'one line\nan error here\n' >"$d/bad.log"
printf '{"state": "up"\n' >"$d/cut.json"
printf '{"state": "up"}\n' >"$d/st.json"
want 1 "absent: a missing file fails" absent error "$d/missing.log"
want 1 "absent: an empty file fails" absent error "$d/empty.log"
want 1 "absent: one missing file of two fails" absent error "$d/good.log" "$d/missing.log"
want 0 "absent: no match passes" absent error "$d/good.log"
want 1 "absent: a match fails" absent error "$d/bad.log"
want 1 "absent: grep options are passed (-i)" absent -i ERROR "$d/bad.log"
want 1 "absent: a pattern starting with - is a pattern" absent -- "-x" "$d/missing.log"
want 1 "absent_json: a reply cut off fails" absent_json down "$d/cut.json"
want 1 "absent_json: a missing reply fails" absent_json down "$d/missing.json"
want 0 "absent_json: a whole reply without the pattern passes" absent_json down "$d/st.json"
want 1 "absent_json: a whole reply with the pattern fails" absent_json up "$d/st.json"
want 1 "same_num: two empty values (nothing read) fail" same_num "" ""
want 0 "same_num: equal numbers pass" same_num 12 12
want 1 "same_num: different numbers fail" same_num 12 13
want 1 "gone: no process number (nothing read) fails" gone ""
want 1 "gone: a process that runs fails" gone $$
sleep 0 & z=$!; wait "$z"
want 0 "gone: a process that ended passes" gone "$z"
[ "$fails" -eq 0 ] && { echo "all checks passed"; exit 0; }
echo "$fails checks failed"
exit 1
