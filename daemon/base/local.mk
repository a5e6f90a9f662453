# The base: the small shared things every layer uses and that use no module
# (tests/style/layering.sh checks it). Modules and daemon/ include them by
# name ("log.h"): -I$(top_srcdir)/daemon/base in Makefile.am.
# the validated configuration model the modules consume (parsed by daemon/config*.c)
libhdcore_a_SOURCES += daemon/base/hd_config.h daemon/base/addr.c
libhdcore_a_SOURCES += daemon/base/log.c daemon/base/log.h daemon/base/json.c daemon/base/json.h
# Prometheus text exposition helpers (each module writes its own families)
libhdcore_a_SOURCES += daemon/base/metrics.c daemon/base/metrics.h
# which files a script command line runs, and who may change them (pure)
libhdcore_a_SOURCES += daemon/base/script_path.c daemon/base/script_path.h
# the monotonic clock (hd_now_usec), for the loop and for code tested without it
libhdcore_a_SOURCES += daemon/base/clock.c
# libnl's -NLE_* codes as negative errno, for every module that uses libnl
# (tests/unit/test_nl_errno.c)
libhdcore_a_SOURCES += daemon/base/nl_errno.c daemon/base/nl_errno.h
# every child process: one spawn routine (spawn.h)
hadirector_SOURCES += daemon/base/spawn.c daemon/base/spawn.h
# the daemon context the modules get, and its event-loop helpers; e-mail
# alerts reach daemon/alert.c through hooks in the context
hadirector_SOURCES += daemon/base/hd_context.h daemon/base/loop.c daemon/base/alert_hook.h
# the links (libnl-route, RTNLGRP_LINK): one view the modules watch (link.h)
hadirector_SOURCES += daemon/base/link.c daemon/base/link.h
# allocation-failure injection for tests (fault.h, tests/netns/fault-alloc.sh):
# a build configured with --enable-fault-injection links the daemon with
# the wrappers of HD_FAULT_WRAP (daemon/local.mk); other builds, as is.
hadirector_SOURCES += daemon/base/fault.c daemon/base/fault.h
