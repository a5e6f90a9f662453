# IPVS VM tests (each script is one VM boot with many checks).
TESTS += tests/vm/ipvs-table.sh tests/vm/ipvs-traffic.sh
EXTRA_DIST += tests/vm/ipvs-table.sh tests/vm/scenarios/ipvs-table.sh \
	tests/vm/ipvs-traffic.sh tests/vm/scenarios/ipvs-traffic.sh
# The 5 s re-read reads a slice of the destinations; hand edits still repaired (issue 24).
TESTS += tests/vm/ipvs-reread.sh
EXTRA_DIST += tests/vm/ipvs-reread.sh tests/vm/scenarios/ipvs-reread.sh
# virtual_server group:NAME: every member with the pool, a failing real server leaves all.
TESTS += tests/vm/ipvs-group.sh
EXTRA_DIST += tests/vm/ipvs-group.sh tests/vm/scenarios/ipvs-group.sh
# Reload at scale (issue 19): one weight changed in the big file, one IPVS write.
# 2 minutes of VM at 300 VS / 4,900 RS: `make check-scale`, not make check
# (CI's time; test_ipvs_diff holds the minimal diff, ipvs-table the
# zero-churn reload in the kernel at small size).
EXTRA_DIST += tests/vm/reload-one-write.sh tests/vm/scenarios/reload-one-write.sh
# Reload that rewrites 8,000 destinations beside a VRRP pair at advert_int 0.1: no advert late
# (the IPVS pass runs in slices), exactly the plan's writes, status consistent mid-pass (issue 19)
TESTS += tests/vm/reload-adverts.sh
EXTRA_DIST += tests/vm/reload-adverts.sh tests/vm/scenarios/reload-adverts.sh
# keepalived's 37,205-real-server file with a tcp_check each, reloaded twice beside the VRRP pair:
# no advert late, the health checks' build in steps, every IPVS pass's build and diff spread over
# loop iterations (issue 19), 5-7 min of VM under TCG: not in make check (CI's time; its paths at
# 8,000 destinations are reload-adverts.sh's), `make check-scale`. Plain build only (its verdicts
# are time on the loop at full size, which a sanitizer build under emulation is not sized for).
EXTRA_DIST += tests/vm/reload-adverts-checks.sh tests/vm/scenarios/reload-adverts-checks.sh
check-scale: hadirector hadirectorctl tests/bench/ipvs-poll
	top_srcdir='$(abs_top_srcdir)' top_builddir='$(abs_top_builddir)' \
		$(SHELL) $(srcdir)/tests/vm/reload-one-write.sh
	top_srcdir='$(abs_top_srcdir)' top_builddir='$(abs_top_builddir)' \
		$(SHELL) $(srcdir)/tests/vm/reload-adverts-checks.sh
.PHONY: check-scale
# reload --plan: the plan's IPVS writes are the ones the reload then makes (issue 22)
TESTS += tests/vm/test-reload-plan.sh
EXTRA_DIST += tests/vm/test-reload-plan.sh tests/vm/scenarios/reload-plan.sh
# drain --wait against the kernel counters with connections held open, maint with a sorry
# server, IPVS events (issue 22): one VM boot, about 25 s
TESTS += tests/vm/ops-drain-wait.sh
EXTRA_DIST += tests/vm/ops-drain-wait.sh tests/vm/scenarios/ops-drain-wait.sh
# add-rs, remove-rs against the kernel's table: in only once its check says up (issue 22)
TESTS += tests/vm/ops-add-rs.sh
EXTRA_DIST += tests/vm/ops-add-rs.sh tests/vm/scenarios/ops-add-rs.sh
# mh keeps the configuration's destination order through a failure and return: the same
# kernel list and lookups as a director that never lost the server (issue 23), ~35 s
TESTS += tests/vm/mh-order.sh
EXTRA_DIST += tests/vm/mh-order.sh tests/vm/scenarios/mh-order.sh
