# VRRP namespace tests (root, host kernel): real hadirector pairs and a real
# keepalived peer on a bridge, each test in its own hdv-PID-* namespaces.
VRRP_NETNS_TESTS = tests/netns/vrrp-failover.sh tests/netns/vrrp-preempt.sh \
	tests/netns/vrrp-keepalived.sh tests/netns/vrrp-hostile.sh tests/netns/vrrp-ipv6.sh \
	tests/netns/vrrp-monitor.sh tests/netns/vrrp-unicast.sh tests/netns/vrrp-src-nonlocal.sh tests/netns/vrrp-preempt-settle.sh \
	tests/netns/vrrp-sync.sh tests/netns/vrrp-notify.sh tests/netns/vrrp-reload.sh \
	tests/netns/vrrp-three.sh tests/netns/vrrp-keepalived6.sh tests/netns/vrrp-reload-big.sh \
	tests/netns/vrrp-hc-scale.sh tests/netns/vrrp-flood.sh tests/netns/vrrp-addr-opts.sh \
	tests/netns/vrrp-vmac.sh tests/netns/vrrp-dont-track.sh tests/netns/vrrp-track-process.sh \
	tests/netns/vrrp-novip.sh tests/netns/vrrp-keepalived-ah.sh tests/netns/vrrp-reload-apply.sh
# vrrp_track_process's full_command, parameters, param_match and reverse
VRRP_NETNS_TESTS += tests/netns/vrrp-track-proc-args.sh
TESTS += $(VRRP_NETNS_TESTS)
# every child through daemon/base/spawn.c: descriptors, environment, groups,
# stdin; no zombie across reloads; the notify queue's bound
TESTS += tests/netns/spawn-hygiene.sh
EXTRA_DIST += tests/netns/spawn-hygiene.sh
EXTRA_DIST += tests/netns/lib-vrrp.sh tests/netns/lib-keepalived.sh $(VRRP_NETNS_TESTS)
# routes, rules, static addresses on the kernel (vrrp/vrrp_route*.c)
TESTS += tests/netns/vrrp-routes.sh
EXTRA_DIST += tests/netns/vrrp-routes.sh
