# A real keepalived (Debian's package) as the other director of VI_1, for
# the vrrp-keepalived*.sh tests; sourced after lib-vrrp.sh (v_keepalived
# starts it). The test sets VIP and VIP_LEN (the prefix both directors
# give it) before it calls these.
command -v keepalived >/dev/null || { echo "keepalived not installed"; exit 1; }

# ka_conf FILE PRIO ADVERT_INT [LINE...]: keepalived's VI_1 (router id 51)
# on eth0 with $VIP; each LINE goes into the instance as it is
# ("version 3", the lines of an authentication block).
ka_conf() {
	local file=$1 prio=$2 adv=$3 l
	shift 3
	{
		printf 'global_defs {\n  router_id ka\n}\n'
		printf 'vrrp_instance VI_1 {\n  interface eth0\n  virtual_router_id 51\n'
		printf '  priority %s\n  advert_int %s\n' "$prio" "$adv"
		for l in "$@"; do printf '  %s\n' "$l"; done
		printf '  virtual_ipaddress {\n    %s\n  }\n}\n' "$VIP/$VIP_LEN"
	} >"$file"
}
# ka_kill: SIGKILL keepalived's parent and its VRRP child; the VIP it
# held goes with them, as it would with the machine.
ka_kill() {
	local p
	for p in "$(cat "$V_DIR/ka.vpid" 2>/dev/null)" "$(v_pid ka)"; do
		[ -n "$p" ] && kill -9 "$p" 2>/dev/null
	done
	wait_for 2 gone "$(v_pid ka)"
	ip -n "$(nsof ka)" addr del "$VIP/$VIP_LEN" dev eth0 2>/dev/null
	rm -f "$V_DIR"/ka.*pid
}
# hd_kill: the same for hadirector hd.
hd_kill() {
	v_stop hd 9 2
	ip -n "$(nsof hd)" addr del "$VIP/$VIP_LEN" dev eth0 2>/dev/null
}
# ka_drops NAME: the sum of NAME's drop counters for VI_1.
ka_drops() {
	v_status "$1" | python3 -c 'import json,sys; print(sum(json.load(sys.stdin)["vrrp"][0]["drops"].values()))'
}
