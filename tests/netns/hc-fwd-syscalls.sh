#!/bin/bash
# hc-syscalls.sh's counts for http_checks with check_forwarding_path and
# forwarding_path_probe = echo (DR): the path's replies wake the loop
# without an sd-event iteration, and add no system call a check beyond
# their sendmmsg, recvmmsg and wakeup (issue 21, the probe's cost).
HC_SYSCALLS_FWD=1 exec "$top_srcdir/tests/netns/hc-syscalls.sh"
