# Configuration generator of tests/bench/reload-scale.sh (and of the VM test
# tests/vm/scenarios/reload-one-write.sh): NVS virtual servers with NRS real
# servers between them (keepalived's reload figure: 2,277 / 37,205), each real
# server with one TCP check, plus one VRRP instance, written as hadirector.conf
# and as the equivalent keepalived.conf, and the IPVS table they must produce
# in the canonical lines of tests/bench/ipvs-poll.c.
#
#   awk -f reload-scale-gen.awk -v nvs=2277 -v nrs=37205 -v variant=V -v out=DIR \
#       [-v delay=600] [-v churn=10] [-v weights=100] [-v adv=0.1] [-v prio=150] [-v vif=vr0]
#       [-v checks=0]
#
# variant 0: the base file. 1: the last `churn` virtual servers removed, as
# many new ones added (new addresses, new real servers), and `weights` real
# servers' weights 1 -> 2. 2: variant 1 with one more weight changed (the
# first real server's, 1 -> 5): the reload that must make one IPVS write.
# 3: the base file with every weight 1 -> 3 (one IPVS write per real server:
# tests/vm/scenarios/reload-adverts.sh). checks=0: no check in either file.
# peer: only the VRRP instance (the backup's file), prio 100.
# Virtual server i is 172.20.0.0 + i + 1, port 80, wrr, DR; real server k
# is 10.0.0.0 + k + 1, port 80 (the bench's namespace answers the whole /16).
function ip(base, n) { return sprintf("%d.%d.%d.%d", base[1], base[2] + int(n / 65536) % 256, int(n / 256) % 256, n % 256) }
function hex(base, n) { return sprintf("%02X%02X%02X%02X", base[1], base[2] + int(n / 65536) % 256, int(n / 256) % 256, n % 256) }
BEGIN {
	if (delay == "") delay = 600
	if (churn == "") churn = 10
	if (weights == "") weights = 100
	if (adv == "") adv = 0.1
	if (prio == "") prio = 150
	if (vif == "") vif = "vr0"
	if (checks == "") checks = 1
	ch = variant == 1 || variant == 2
	split("172.20", vb, "."); split("10.0", rb, ".")
	hd = out "/hd-" variant ".conf"; ka = out "/ka-" variant ".conf"; ex = out "/exp-" variant ".txt"
	printf "global { router_id = bench }\nvrrp_instance VI_1 {\n  interface = %s\n  version = 3\n" \
		"  virtual_router_id = 51\n  priority = %d\n  advert_int = %s\n" \
		"  virtual_ipaddress = { 192.168.50.100/24 }\n}\n", vif, prio, adv >hd
	printf "global_defs {\n  router_id bench\n}\nvrrp_instance VI_1 {\n  interface %s\n  version 3\n" \
		"  virtual_router_id 51\n  priority %d\n  advert_int %s\n" \
		"  virtual_ipaddress {\n    192.168.50.100/24\n  }\n}\n", vif, prio, adv >ka
	if (variant == "peer") { printf "" >ex; exit }
	base = int(nrs / nvs); extra = nrs % nvs
	every = weights > 0 ? int(nrs / weights) : 0
	n = 0
	for (i = 0; i < nvs + (ch ? churn : 0); i++) {
		if (ch && i >= nvs - churn && i < nvs)
			continue # removed by the reload
		if (i < nvs) { m = base + (i < extra ? 1 : 0); k0 = i * base + (i < extra ? i : extra) }
		else { m = base; k0 = nrs + (i - nvs) * base }
		vip = ip(vb, i + 1); vhex = hex(vb, i + 1)
		printf "virtual_server %s:80 {\n  lb_algo = wrr\n  lb_kind = dr\n  delay_loop = %s\n", vip, delay >hd
		printf "virtual_server %s 80 {\n  delay_loop %s\n  lb_algo wrr\n  lb_kind DR\n  protocol TCP\n", vip, delay >ka
		printf "TCP %s:0050 wrr\n", vhex >ex
		for (j = 0; j < m; j++) {
			k = k0 + j
			w = 1
			if (ch && every > 0 && k % every == every - 1) w = 2
			if (variant == 2 && k == 0) w = 5
			if (variant == 3) w = 3
			if (checks)
				printf "  real_server %s:80 { weight = %d  tcp_check { connect_timeout = 5  warmup = %s } }\n",
					ip(rb, k + 1), w, delay >hd
			else
				printf "  real_server %s:80 { weight = %d }\n", ip(rb, k + 1), w >hd
			if (checks)
				printf "  real_server %s 80 {\n    weight %d\n    TCP_CHECK {\n      connect_timeout 5\n" \
					"      retry 0\n      delay_before_retry 1\n    }\n  }\n", ip(rb, k + 1), w >ka
			else
				printf "  real_server %s 80 {\n    weight %d\n  }\n", ip(rb, k + 1), w >ka
			printf "TCP %s:0050 %s:0050 Route %d\n", vhex, hex(rb, k + 1), w >ex
			n++
		}
		print "}" >hd
		print "}" >ka
	}
}
