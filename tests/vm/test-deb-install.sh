#!/bin/bash
# The Debian package (make deb) installed with apt-get in a systemd-booted
# VM and run with systemctl as a user would (scenarios/deb-install.sh).
# Run by `make check-deb`, which builds the package first.
: "${top_srcdir:?run through make check-deb}"
: "${top_builddir:?run through make check-deb}"
ls "$top_builddir"/deb-build/hadirector_*.deb >/dev/null 2>&1 ||
	{ echo "test-deb-install: no deb-build/hadirector_*.deb: run make deb first" >&2; exit 1; }
"$top_srcdir/tests/vm/setup" || exit 99
HD_VM_INIT="$top_srcdir/tests/vm/guest-init-systemd" exec "$top_srcdir/tests/vm/run" \
	"$top_srcdir/tests/vm/scenarios/deb-install.sh"
