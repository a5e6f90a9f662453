# Shared by the benches that build namespaces (checks.sh, fwd.sh), sourced
# after the caller set B (its scratch dir): NS collects the namespaces ns()
# made; on exit their processes are killed, they are deleted and B removed.
NS=()
cleanup() {
	local n
	for n in "${NS[@]}"; do ip netns pids "$n" 2>/dev/null | xargs -r kill -9 2>/dev/null; done
	sleep 0.2
	for n in "${NS[@]}"; do ip netns del "$n" 2>/dev/null; done
	rm -rf "$B"
}
trap cleanup EXIT
ns() { ip netns add "$1" || exit 1; NS+=("$1"); ip -n "$1" link set lo up; }
log() { echo "# $*" >&2; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }
