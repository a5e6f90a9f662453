# Shared helpers for namespace tests (sourced). Each test makes its own
# namespaces with a unique prefix and removes them on exit.
set -u
. "$(dirname "${BASH_SOURCE[0]}")/lock.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib-assert.sh"
: "${top_builddir:?run through make check}"
: "${top_srcdir:?run through make check}"
HD="$top_builddir/hadirector"
HDCTL="$top_builddir/hadirectorctl"
T_PREFIX="hd$$"
T_DIR=$(mktemp -d /tmp/hdtest.XXXXXX)
T_NS=()
T_PIDS=()
T_FAILS=0

# Namespaces are found by their prefix: t_ns runs in $(...), so what it
# adds to T_NS never reaches this shell (they were all left behind).
t_cleanup() {
	local n
	for p in "${T_PIDS[@]}"; do kill -9 "$p" 2>/dev/null; done
	for n in $(ip netns list | awk -v p="$T_PREFIX-" 'index($1, p) == 1 { print $1 }'); do
		ip netns pids "$n" 2>/dev/null | xargs -r kill -9 2>/dev/null
		ip netns del "$n" 2>/dev/null
	done
	rm -rf "$T_DIR"
}
trap t_cleanup EXIT

t_ns() { # NAME: create namespace $T_PREFIX-NAME with lo up
	local n="$T_PREFIX-$1"
	# One of that name is a dead test's whose PID was ours: stale.
	ip netns del "$n" 2>/dev/null
	ip netns add "$n" || exit 99
	ip -n "$n" link set lo up
	T_NS+=("$n")
	echo "$n"
}

# t_bridge: a bridge namespace; t_link NS IFNAME ADDR/LEN: veth from NS to it.
t_bridge() {
	T_BR=$(t_ns br)
	ip -n "$T_BR" link add br0 type bridge
	ip -n "$T_BR" link set br0 up
}
t_link() {
	local ns="$1" ifname="$2" addr="$3" peer="v${#T_NS[@]}x$RANDOM"
	ip link add "$peer" type veth peer name "$ifname" netns "$ns" || exit 99
	ip link set "$peer" netns "$T_BR"
	ip -n "$T_BR" link set "$peer" master br0 up
	ip -n "$ns" addr add "$addr" dev "$ifname"
	ip -n "$ns" link set "$ifname" up
}

ok() { echo "ok - $*"; }
fail() { echo "FAIL - $*"; T_FAILS=$((T_FAILS + 1)); }
check() { # DESCRIPTION COMMAND...
	local d="$1"; shift
	if "$@"; then ok "$d"; else fail "$d"; fi
}
wait_for() { # TIMEOUT_SEC COMMAND...: poll every 50 ms
	local end=$(( $(date +%s%N) + $1 * 1000000000 )); shift
	while [ "$(date +%s%N)" -lt "$end" ]; do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.05
	done
	return 1
}
# t_certs DIR: a CA (ca.pem) and a certificate for rs1.example signed by it
# (srv.pem, srv.key), plus an unrelated self-signed one (other.pem,
# other.key), for https checks with and without a matching CA.
t_certs() {
	( cd "$1" && {
		openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 \
			-keyout ca.key -out ca.pem -subj /CN=hd-test-ca
		openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
			-keyout srv.key -out srv.csr -subj /CN=rs1.example
		printf 'subjectAltName=DNS:rs1.example\n' > san.ext
		openssl x509 -req -in srv.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 1 \
			-extfile san.ext -out srv.pem
		openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 \
			-keyout other.key -out other.pem -subj /CN=other
	} ) >/dev/null 2>&1
}

t_done() {
	if [ "$T_FAILS" -eq 0 ]; then echo "all checks passed"; exit 0; fi
	echo "$T_FAILS checks failed"; exit 1
}
