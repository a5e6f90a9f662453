sysconf_DATA = etc/hadirector.conf
systemdsystemunit_DATA = etc/hadirector.service
EXTRA_DIST += etc/hadirector.conf etc/hadirector.service.in
CLEANFILES += etc/hadirector.service

etc/hadirector.service: etc/hadirector.service.in Makefile
	$(AM_V_GEN)$(MKDIR_P) etc && sed -e 's|@sbindir[@]|$(sbindir)|g' \
		-e 's|@sysconfdir[@]|$(sysconfdir)|g' $(srcdir)/etc/hadirector.service.in > $@

dist_man_MANS += man/hadirector.8 man/hadirectorctl.8
