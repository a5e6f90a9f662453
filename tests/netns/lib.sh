# Shared helpers for namespace tests (sourced). Each test makes its own
# namespaces with a unique prefix and removes them on exit.
set -u
. "$(dirname "${BASH_SOURCE[0]}")/lock.sh"
: "${top_builddir:?run through make check}"
: "${top_srcdir:?run through make check}"
. "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh" # ok, fail, check, wait_for, absent...
T_PREFIX="hd$$"
T_DIR=$(mktemp -d /tmp/hdtest.XXXXXX)
T_NS=()
T_PIDS=()
declare -n T_FAILS=FAILS # the name the tests read

# Namespaces are found by their prefix: t_ns runs in $(...), so what it
# adds to T_NS never reaches this shell (they were all left behind).
t_cleanup() {
	hd_kill_pids "${T_PIDS[@]}"
	# shellcheck disable=SC2046
	hd_ns_del $(ip netns list | awk -v p="$T_PREFIX-" 'index($1, p) == 1 { print $1 }')
	rm -rf "$T_DIR"
}
trap t_cleanup EXIT

t_ns() { # NAME: create namespace $T_PREFIX-NAME with lo up
	local n="$T_PREFIX-$1"
	hd_ns_add "$n"
	T_NS+=("$n")
	echo "$n"
}

# t_bridge: a bridge namespace; t_link NS IFNAME ADDR/LEN: veth from NS to it.
t_bridge() {
	T_BR=$(t_ns br)
	hd_bridge "$T_BR" br0
}
t_link() {
	hd_veth "$1" "$2" "$3" "v${#T_NS[@]}x$RANDOM" "$T_BR" br0
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

t_done() { hd_done; }
