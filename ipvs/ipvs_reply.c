/* Deciding what one netlink datagram says about a request (see
 * ipvs_reply.h). Message layout and control types from <linux/netlink.h>:
 * NLMSG_ERROR carries struct nlmsgerr (error 0 is the ACK), NLMSG_DONE
 * ends a dump and may carry an int error of the dump itself. */
#include <linux/netlink.h>
#include <string.h>

#include "ipvs_reply.h"

const char *ipvs_reply_end_str(enum ipvs_reply_end e)
{
	switch (e) {
	case IPVS_REPLY_MORE:
		return "more to come";
	case IPVS_REPLY_DONE:
		return "done";
	case IPVS_REPLY_KERNEL:
		return "kernel error";
	case IPVS_REPLY_BAD:
		return "malformed reply";
	case IPVS_REPLY_SEQ:
		return "reply to another request";
	case IPVS_REPLY_OVERRUN:
		return "messages lost (overrun)";
	}
	return "?";
}

/* The int that opens the payload of an error or done message, if any. */
static bool payload_int(const struct nlmsghdr *h, int *v)
{
	if (h->nlmsg_len < NLMSG_HDRLEN + sizeof(int))
		return false;
	memcpy(v, (const char *)h + NLMSG_HDRLEN, sizeof(int));
	return true;
}

static enum ipvs_reply_end control(const struct nlmsghdr *h, int *err)
{
	int v = 0;
	switch (h->nlmsg_type) {
	case NLMSG_ERROR:
		if (!payload_int(h, &v) || v > 0)
			return IPVS_REPLY_BAD;
		*err = v;
		return v ? IPVS_REPLY_KERNEL : IPVS_REPLY_DONE;
	case NLMSG_DONE:
		/* older kernels send no payload: a plain end of dump */
		if (payload_int(h, &v) && v < 0) {
			*err = v;
			return IPVS_REPLY_KERNEL;
		}
		return IPVS_REPLY_DONE;
	case NLMSG_OVERRUN:
		return IPVS_REPLY_OVERRUN;
	default: /* NLMSG_NOOP and reserved types */
		return IPVS_REPLY_MORE;
	}
}

enum ipvs_reply_end ipvs_reply_walk(const void *buf, size_t len, uint32_t seq, uint32_t portid,
				    uint16_t family, ipvs_reply_fn fn, void *arg, int *err)
{
	const char *p = buf;
	*err = 0;
	while (len > 0) {
		const struct nlmsghdr *h = (const struct nlmsghdr *)p;
		if (len < sizeof(*h) || h->nlmsg_len < sizeof(*h) || h->nlmsg_len > len)
			return IPVS_REPLY_BAD;
		if (h->nlmsg_seq != seq || h->nlmsg_pid != portid)
			return IPVS_REPLY_SEQ;
		if (h->nlmsg_type < NLMSG_MIN_TYPE) {
			enum ipvs_reply_end e = control(h, err);
			if (e != IPVS_REPLY_MORE)
				return e;
		} else if (h->nlmsg_type == family && fn) {
			fn(h, arg);
		}
		/* the last message of a datagram may lack its alignment padding */
		size_t step = NLMSG_ALIGN(h->nlmsg_len);
		if (step >= len)
			break;
		p += step;
		len -= step;
	}
	return IPVS_REPLY_MORE;
}
