# VM tests: tests/vm/run boots Debian's kernel (IPVS) under qemu and runs a scenario inside.
TESTS += tests/vm/test-boot-ipvs.sh
EXTRA_DIST += tests/vm/test-boot-ipvs.sh tests/vm/run tests/vm/setup tests/vm/guest-init \
	tests/vm/initramfs-init tests/vm/lib.sh tests/vm/bin/hd_vm_modprobe \
	tests/vm/scenarios/boot-ipvs.sh tests/vm/README.md
TESTS += tests/vm/test-systemd-unit.sh
EXTRA_DIST += tests/vm/test-systemd-unit.sh tests/vm/scenarios/systemd-unit.sh tests/vm/guest-init-systemd
