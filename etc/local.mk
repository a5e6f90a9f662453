sysconf_DATA = etc/hadirector.conf
systemdsystemunit_DATA = etc/hadirector.service
EXTRA_DIST += etc/hadirector.conf etc/hadirector.service
