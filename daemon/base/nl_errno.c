/* libnl's -NLE_* codes to negative errno (nl_errno.h). */
#include "config.h"

#include <errno.h>
#include <netlink/errno.h>

#include "nl_errno.h"

/* Indexed by the NLE code. Where libnl made its code from a kernel errno,
 * the errno it came from (two kernel errnos to one code: the first named);
 * for libnl's own codes, the errno that says the same. 0: -EIO. */
static const int to_errno[NLE_MAX + 1] = {
    [NLE_FAILURE] = EIO, /* unspecific, or a kernel errno libnl does not know */
    [NLE_INTR] = EINTR,
    [NLE_BAD_SOCK] = EBADF,
    [NLE_AGAIN] = EAGAIN,
    [NLE_NOMEM] = ENOMEM, /* and the kernel's ENOBUFS */
    [NLE_EXIST] = EEXIST, /* and EADDRINUSE */
    [NLE_INVAL] = EINVAL,
    [NLE_RANGE] = ERANGE,
    [NLE_MSGSIZE] = EMSGSIZE,
    [NLE_OPNOTSUPP] = EOPNOTSUPP,
    [NLE_AF_NOSUPPORT] = EAFNOSUPPORT,
    [NLE_OBJ_NOTFOUND] = ENOENT, /* and ESRCH (a route to delete is gone) */
    /* a reply libnl could not read: the other side broke the protocol */
    [NLE_NOATTR] = EPROTO,
    [NLE_MISSING_ATTR] = EPROTO,
    [NLE_SEQ_MISMATCH] = EPROTO,
    [NLE_MSG_TRUNC] = EPROTO,
    [NLE_MSG_TOOSHORT] = EPROTO,
    [NLE_MSGTYPE_NOSUPPORT] = EPROTO,
    [NLE_PARSE_ERR] = EPROTO,
    [NLE_ATTRSIZE] = EPROTO,
    /* the caller gave an object an address or attribute that does not fit */
    [NLE_AF_MISMATCH] = EINVAL,
    [NLE_OBJ_MISMATCH] = EINVAL,
    /* the kernel's NLMSG_OVERRUN: messages were lost, as with a full
     * receive queue */
    [NLE_MSG_OVERFLOW] = ENOBUFS,
    [NLE_NOADDR] = EADDRNOTAVAIL,
    [NLE_SRCRT_NOSUPPORT] = EOPNOTSUPP,
    [NLE_BUSY] = EBUSY,
    [NLE_PROTO_MISMATCH] = EPROTONOSUPPORT,
    [NLE_NOACCESS] = EACCES,
    [NLE_PERM] = EPERM,
    [NLE_NODEV] = ENODEV,
    /* the table changed during the dump: read it again */
    [NLE_DUMP_INTR] = EAGAIN,
    /* NLE_NOCACHE, NLE_PKTLOC_FILE, NLE_IMMUTABLE: libnl's caches and
     * classifiers, which the daemon does not use: -EIO */
};

int hd_nl_errno(int r)
{
	if (r >= 0)
		return r;
	if (r < -NLE_MAX || !to_errno[-r])
		return -EIO;
	return -to_errno[-r];
}

bool hd_nl_events_lost(int r)
{
	return r == -NLE_NOMEM || r == -NLE_MSG_OVERFLOW || r == -NLE_DUMP_INTR;
}
