systemdsystemunit_DATA = etc/hadirector.service
# distcheck installs under a prefix as a user would without root: the unit
# goes there too, not to the system's unit directory pkg-config names.
AM_DISTCHECK_CONFIGURE_FLAGS = --with-systemdsystemunitdir='$${libdir}/systemd/system'
# The SNMP MIB where net-snmp's tools look (Debian: /usr/share/snmp/mibs).
mibdir = $(datadir)/snmp/mibs
mib_DATA = etc/HADIRECTOR-MIB.txt
# Prometheus alerting rules (with their promtool test cases) and a Grafana
# dashboard, for the metrics of metrics_listen (tests/netns/ops-alerts.sh).
promrulesdir = $(datadir)/hadirector/prometheus
dist_promrules_DATA = etc/prometheus/hadirector.rules.yml etc/prometheus/hadirector.rules.test.yml
grafanadir = $(datadir)/hadirector/grafana
dist_grafana_DATA = etc/grafana/hadirector.json
EXTRA_DIST += etc/hadirector.conf etc/hadirector.service.in
# announce mode (ECMP over FRR, docs/ecmp.md): checked by tests/config/run-good.sh
EXTRA_DIST += etc/hadirector-ecmp.conf
CLEANFILES += etc/hadirector.service

etc/hadirector.service: etc/hadirector.service.in Makefile
	$(AM_V_GEN)$(MKDIR_P) etc && sed -e 's|@sbindir[@]|$(sbindir)|g' \
		-e 's|@sysconfdir[@]|$(sysconfdir)|g' -e 's|@runstatedir[@]|$(runstatedir)|g' \
		$(srcdir)/etc/hadirector.service.in > $@

# The sample configuration, without overwriting an edited one: with no
# --prefix sysconfdir is /etc, where `make install` on a running director
# must not replace its file. Uninstall removes it only while unchanged.
install-data-local:
	$(MKDIR_P) '$(DESTDIR)$(sysconfdir)'
	@if test -f '$(DESTDIR)$(sysconfdir)/hadirector.conf'; then \
		echo "keeping $(DESTDIR)$(sysconfdir)/hadirector.conf"; \
	else \
		echo " $(INSTALL_DATA) etc/hadirector.conf '$(DESTDIR)$(sysconfdir)'"; \
		$(INSTALL_DATA) $(srcdir)/etc/hadirector.conf '$(DESTDIR)$(sysconfdir)/hadirector.conf'; \
	fi
uninstall-local:
	@if cmp -s $(srcdir)/etc/hadirector.conf '$(DESTDIR)$(sysconfdir)/hadirector.conf'; then \
		echo " rm -f '$(DESTDIR)$(sysconfdir)/hadirector.conf'"; \
		rm -f '$(DESTDIR)$(sysconfdir)/hadirector.conf'; \
	fi

dist_man_MANS += man/hadirector.8 man/hadirectorctl.8
