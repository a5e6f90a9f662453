# Shared helpers for namespace tests (sourced). Each test makes its own
# namespaces with a unique prefix and removes them on exit.
set -u
. "$(dirname "${BASH_SOURCE[0]}")/lock.sh"
. "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh" # ok, fail, check, wait_for, absent...
hd_scratch "hd$$" hdtest # T_DIR, T_NS, T_PIDS: cleaned up at exit
# the names the tests read
declare -n T_PREFIX=HD_PREFIX T_DIR=HD_DIR T_NS=HD_NS T_PIDS=HD_PIDS T_FAILS=FAILS

t_ns() { hd_ns "$1"; } # NAME: namespace $T_PREFIX-NAME with lo up

# t_bridge: a bridge namespace; t_link NS IFNAME ADDR/LEN: veth from NS to it.
t_bridge() {
	T_BR=$(t_ns br)
	HD_BRNS=$T_BR
	hd_bridge "$T_BR" br0
}
t_link() { hd_link "$@"; }
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

# t_start NS NAME [OPTION...]: hadirector in NS on $T_DIR/NAME.conf, pid file NAME.pid,
# control socket NAME.sock, stderr to NAME.log; its pid in PID_NAME (killed at exit).
# t_ctl NAME ARGS...: hadirectorctl to that daemon.
t_start() {
	ip netns exec "$1" "$HD" -n -l "${@:3}" -f "$T_DIR/$2.conf" -p "$T_DIR/$2.pid" \
		-s "$T_DIR/$2.sock" 2>>"$T_DIR/$2.log" &
	T_PIDS+=($!)
	eval "PID_$2=$!"
}
t_ctl() { "$HDCTL" -s "$T_DIR/$1.sock" "${@:2}"; }

t_done() { hd_done; }
