/* libnl's error codes (-NLE_*, netlink/errno.h) as negative errno, the one
 * error domain of the daemon's functions (issue 19). libnl turns the
 * kernel's errno into its own codes (nl_syserr2nlerr) and adds codes of
 * its own; this is the way back, in one place for every module that
 * talks netlink through libnl. */
#ifndef HD_NL_ERRNO_H
#define HD_NL_ERRNO_H

#include <stdbool.h>

/* R as libnl returned it: a negative -NLE_* code becomes the negative
 * errno it stands for (-EIO for a code without one, and for a kernel errno
 * libnl did not know: it made that NLE_FAILURE); 0 or a positive count is
 * returned as is. Translate once, right at libnl's return: an errno given
 * to it again would be read as an NLE code (-ENOMEM is -NLE_OBJ_NOTFOUND's
 * number). */
int hd_nl_errno(int r);

/* Whether R, as a receive on an event socket returned it (before
 * hd_nl_errno), says events were lost and the caller must read the state
 * whole again: the kernel overran the socket's buffer (its ENOBUFS, which
 * libnl makes NLE_NOMEM, and hd_nl_errno then -ENOMEM, not told apart from
 * our own allocation failing), libnl's buffer was too small
 * (NLE_MSG_OVERFLOW), or a dump changed under way (NLE_DUMP_INTR). */
bool hd_nl_events_lost(int r);

#endif
