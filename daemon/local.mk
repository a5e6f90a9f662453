libhdcore_a_SOURCES += daemon/hd_config.h daemon/config.c daemon/addr.c daemon/log.c daemon/log.h
hadirector_SOURCES += daemon/main.c daemon/daemon.h daemon/control.c daemon/control.h
hadirectorctl_SOURCES += daemon/hadirectorctl.c
