# VM tests: tests/vm/run boots Debian's kernel (IPVS) under qemu and runs a scenario inside.
TESTS += tests/vm/test-boot-ipvs.sh
EXTRA_DIST += tests/vm/test-boot-ipvs.sh tests/vm/run tests/vm/setup tests/vm/guest-init \
	tests/vm/initramfs-init tests/vm/lib.sh tests/vm/wrap.sh tests/vm/bin/hd_vm_modprobe \
	tests/vm/scenarios/boot-ipvs.sh tests/vm/README.md
TESTS += tests/vm/test-systemd-unit.sh
EXTRA_DIST += tests/vm/test-systemd-unit.sh tests/vm/scenarios/systemd-unit.sh tests/vm/guest-init-systemd
# Issue 20: keepalived and hadirector's conversion of the same file behave
# the same (tests/keepalived/equiv/ci.list in make check; the 25 files of
# full.list, a VM boot per 7 files, with `make check-ka-equiv`).
TESTS += tests/vm/ka-equiv.sh
EXTRA_DIST += tests/vm/ka-equiv.sh tests/vm/scenarios/ka-equiv.sh tests/keepalived/equiv
check-ka-equiv: hadirector
	top_srcdir='$(abs_top_srcdir)' top_builddir='$(abs_top_builddir)' KA_EQUIV_SET=full \
		$(SHELL) $(srcdir)/tests/vm/ka-equiv.sh
.PHONY: check-ka-equiv
# Every corpus file keepalived runs (corpus/KEEPALIVED), VRRP-only ones
# included: five VM boots of 12 files, 4 at once, each < 10 min; -N: boot N.
KA_EQUIV_ALL = top_srcdir='$(abs_top_srcdir)' top_builddir='$(abs_top_builddir)' \
	KA_EQUIV_SET=all $(SHELL) $(srcdir)/tests/vm/ka-equiv.sh
check-ka-equiv-all: hadirector
	$(KA_EQUIV_ALL)
check-ka-equiv-all-1: hadirector
	KA_EQUIV_PART=1 $(KA_EQUIV_ALL)
check-ka-equiv-all-2: hadirector
	KA_EQUIV_PART=2 $(KA_EQUIV_ALL)
check-ka-equiv-all-3: hadirector
	KA_EQUIV_PART=3 $(KA_EQUIV_ALL)
check-ka-equiv-all-4: hadirector
	KA_EQUIV_PART=4 $(KA_EQUIV_ALL)
check-ka-equiv-all-5: hadirector
	KA_EQUIV_PART=5 $(KA_EQUIV_ALL)
.PHONY: check-ka-equiv-all check-ka-equiv-all-1 check-ka-equiv-all-2 check-ka-equiv-all-3 \
	check-ka-equiv-all-4 check-ka-equiv-all-5
# Issue 23: the ECMP lab (an FRR router, 3+1 directors with FRR and hadirector in announce mode,
# IPVS DR with mh, 1000 long-lived connections), one VM boot of 8-15 minutes (TCG; the contrasts
# and the VRRP pair after the ECMP phases): `make check-ecmp` (ECMP_* settings pass through, see tests/vm/scenarios/ecmp.sh).
EXTRA_DIST += tests/vm/ecmp.sh tests/vm/scenarios/ecmp.sh tests/lab/ecmp.py tests/lab/ecmp-frr.sh \
	tests/lab/ecmp-vrrp.sh
# How many flows of the surviving real servers the kernel's mh table moves when one of four goes
# (a measurement, not in make check: tests/vm/run tests/vm/scenarios/ecmp-mh-remap.sh)
EXTRA_DIST += tests/vm/scenarios/ecmp-mh-remap.sh
# connection sync among active directors, lvs_sync_daemon mode = both (issue 23): each learns the
# other's connections, a flow moved between them goes on; one VM boot, about 40 s
TESTS += tests/vm/ecmp-sync.sh
EXTRA_DIST += tests/vm/ecmp-sync.sh tests/vm/scenarios/ecmp-sync.sh
check-ecmp: hadirector hadirectorctl
	top_srcdir='$(abs_top_srcdir)' top_builddir='$(abs_top_builddir)' \
		$(SHELL) $(srcdir)/tests/vm/ecmp.sh
.PHONY: check-ecmp
# check_forwarding_path (issue 21): DR and TUN real servers checked through the
# forwarding path, each broken setup with its own reason (tests/vm/README.md).
EXTRA_DIST += tests/vm/hc-fwd.sh tests/vm/scenarios/hc-fwd.sh
check-vm-fwd: hadirector
	top_srcdir='$(abs_top_srcdir)' top_builddir='$(abs_top_builddir)' \
		$(SHELL) $(srcdir)/tests/vm/hc-fwd.sh
.PHONY: check-vm-fwd
