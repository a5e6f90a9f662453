/* hd_nl_errno (daemon/base/nl_errno.c) on two tables: every libnl code
 * with the errno it must become, and the errnos the kernel answers a
 * netlink request with, through libnl's own errno-to-NLE translation
 * (nl_syserr2nlerr, the real library's) and back. The second table is what
 * the modules see: vrrp_route_nl.c and announce_nl.c tell -EEXIST, -ENOENT
 * and -EADDRNOTAVAIL apart, and log strerror of the rest. */
#include <errno.h>
#include <limits.h>
#include <netlink/errno.h>
#include <string.h>

#include "nl_errno.h"
#include "unit.h"

static const struct {
	int nle, err;
} codes[] = {
    {NLE_FAILURE, EIO},
    {NLE_INTR, EINTR},
    {NLE_BAD_SOCK, EBADF},
    {NLE_AGAIN, EAGAIN},
    {NLE_NOMEM, ENOMEM},
    {NLE_EXIST, EEXIST},
    {NLE_INVAL, EINVAL},
    {NLE_RANGE, ERANGE},
    {NLE_MSGSIZE, EMSGSIZE},
    {NLE_OPNOTSUPP, EOPNOTSUPP},
    {NLE_AF_NOSUPPORT, EAFNOSUPPORT},
    {NLE_OBJ_NOTFOUND, ENOENT},
    {NLE_NOATTR, EPROTO},
    {NLE_MISSING_ATTR, EPROTO},
    {NLE_AF_MISMATCH, EINVAL},
    {NLE_SEQ_MISMATCH, EPROTO},
    {NLE_MSG_OVERFLOW, ENOBUFS},
    {NLE_MSG_TRUNC, EPROTO},
    {NLE_NOADDR, EADDRNOTAVAIL},
    {NLE_SRCRT_NOSUPPORT, EOPNOTSUPP},
    {NLE_MSG_TOOSHORT, EPROTO},
    {NLE_MSGTYPE_NOSUPPORT, EPROTO},
    {NLE_OBJ_MISMATCH, EINVAL},
    {NLE_NOCACHE, EIO},
    {NLE_BUSY, EBUSY},
    {NLE_PROTO_MISMATCH, EPROTONOSUPPORT},
    {NLE_NOACCESS, EACCES},
    {NLE_PERM, EPERM},
    {NLE_PKTLOC_FILE, EIO},
    {NLE_PARSE_ERR, EPROTO},
    {NLE_NODEV, ENODEV},
    {NLE_IMMUTABLE, EIO},
    {NLE_DUMP_INTR, EAGAIN},
    {NLE_ATTRSIZE, EPROTO},
};

/* the kernel's errno, and what the module gets after libnl and us */
static const struct {
	int kernel, err;
} kernel[] = {
    {EEXIST, EEXIST},
    {EADDRINUSE, EEXIST},
    {ENOENT, ENOENT},
    {ESRCH, ENOENT}, /* a route delete that finds none */
    {EADDRNOTAVAIL, EADDRNOTAVAIL},
    {ENODEV, ENODEV},
    {EACCES, EACCES}, /* an IPv6 address where IPv6 is off (announce) */
    {EPERM, EPERM},
    {EINVAL, EINVAL},
    {ENOMEM, ENOMEM},
    {ENOBUFS, ENOMEM},
    {EAFNOSUPPORT, EAFNOSUPPORT},
    {EOPNOTSUPP, EOPNOTSUPP},
    {EPROTONOSUPPORT, EPROTONOSUPPORT},
    {EBUSY, EBUSY},
    {ERANGE, ERANGE},
    {EAGAIN, EAGAIN},
    {EINTR, EINTR},
    {EBADF, EBADF},
    /* what libnl does not know it makes NLE_FAILURE */
    {ENETUNREACH, EIO},
    {EHOSTUNREACH, EIO},
};

int main(void)
{
	size_t n = sizeof(codes) / sizeof(codes[0]);

	/* the table names every code libnl has, once */
	CHECK(n == NLE_MAX);
	for (size_t i = 0; i < n; i++) {
		EXPECT(codes[i].nle == (int)i + 1, "row %zu is NLE code %d", i, codes[i].nle);
		int r = hd_nl_errno(-codes[i].nle);
		EXPECT(r == -codes[i].err, "-NLE %d (%s): %d (%s), want -%d (%s)", codes[i].nle,
		       nl_geterror(-codes[i].nle), r, strerror(-r), codes[i].err,
		       strerror(codes[i].err));
	}
	for (size_t i = 0; i < sizeof(kernel) / sizeof(kernel[0]); i++) {
		int r = hd_nl_errno(-nl_syserr2nlerr(kernel[i].kernel));
		EXPECT(r == -kernel[i].err, "kernel %s: %d (%s), want %s",
		       strerror(kernel[i].kernel), r, strerror(-r), strerror(kernel[i].err));
	}
	/* success and counts (nl_send's bytes) pass; codes libnl may add later,
	 * and nonsense, are -EIO, never 0 or positive */
	CHECK(hd_nl_errno(0) == 0);
	CHECK(hd_nl_errno(52) == 52);
	CHECK(hd_nl_errno(INT_MAX) == INT_MAX);
	CHECK(hd_nl_errno(-NLE_MAX - 1) == -EIO);
	CHECK(hd_nl_errno(INT_MIN) == -EIO);
	/* lost events: the kernel's ENOBUFS through libnl, its own overflow and
	 * an interrupted dump; nothing else, and never an errno already
	 * translated (-ENOMEM would read as NLE_OBJ_NOTFOUND's number) */
	CHECK(hd_nl_events_lost(-nl_syserr2nlerr(ENOBUFS)));
	CHECK(hd_nl_events_lost(-NLE_MSG_OVERFLOW));
	CHECK(hd_nl_events_lost(-NLE_DUMP_INTR));
	for (int c = 0; c <= NLE_MAX; c++)
		EXPECT(hd_nl_events_lost(-c) ==
			   (c == NLE_NOMEM || c == NLE_MSG_OVERFLOW || c == NLE_DUMP_INTR),
		       "-NLE %d", c);
	CHECK(!hd_nl_events_lost(1));
	CHECK(!hd_nl_events_lost(hd_nl_errno(-nl_syserr2nlerr(ENOBUFS)))); /* ask before */
	return failures != 0;
}
