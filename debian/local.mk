# The Debian package (debian/: debhelper 13, dh with autoreconf). `make deb`
# builds it the way Debian does, from `make dist`'s tarball, with
# dpkg-buildpackage -us -uc -b in deb-build/, and fails on any lintian
# error. `make check-deb` then installs it in a systemd-booted VM with
# apt-get and starts it with systemctl (tests/vm/test-deb-install.sh).
# About a minute each; neither is part of make check (README: Installing).
EXTRA_DIST += debian/changelog debian/control debian/copyright debian/rules \
	debian/source/format debian/local.mk tests/vm/test-deb-install.sh \
	tests/vm/scenarios/deb-install.sh
DEB_DIR = deb-build

deb: dist-gzip
	rm -rf $(DEB_DIR) && $(MKDIR_P) $(DEB_DIR)
	tar -xzf $(distdir).tar.gz -C $(DEB_DIR)
	rm -f $(distdir).tar.gz
	cd $(DEB_DIR)/$(distdir) && dpkg-buildpackage -us -uc -b
	lintian --fail-on error $(DEB_DIR)/$(PACKAGE)_$(VERSION)_*.changes
	@ls $(DEB_DIR)/*.deb

check-deb: deb
	top_srcdir='$(abs_top_srcdir)' top_builddir='$(abs_top_builddir)' \
		$(SHELL) $(srcdir)/tests/vm/test-deb-install.sh

clean-local:
	rm -rf $(DEB_DIR)
.PHONY: deb check-deb
