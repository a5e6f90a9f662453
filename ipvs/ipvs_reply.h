/* Netlink replies as the kernel delivers them: one datagram holds one or
 * more messages. Pure code (no I/O): ipvs_genl.c receives, this decides
 * what the datagram says, in place, without a copy per message. */
#ifndef IPVS_REPLY_H
#define IPVS_REPLY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct nlmsghdr;

/* Called for each data message of the request's family (may be NULL: a write expects none). */
typedef void (*ipvs_reply_fn)(const struct nlmsghdr *nlh, void *arg);

/* How one datagram ends the request SEQ sent from PORTID. */
enum ipvs_reply_end {
	IPVS_REPLY_MORE,    /* no ACK / end of dump yet: receive again */
	IPVS_REPLY_DONE,    /* ACK or end of dump */
	IPVS_REPLY_KERNEL,  /* the kernel refused: *err is its -errno */
	IPVS_REPLY_BAD,	    /* truncated or malformed message: out of step */
	IPVS_REPLY_SEQ,	    /* a reply to another request: out of step */
	IPVS_REPLY_OVERRUN, /* the kernel says messages were lost */
};

const char *ipvs_reply_end_str(enum ipvs_reply_end e);

/* Walk the LEN bytes at BUF: every data message of type FAMILY goes to FN,
 * other types are ignored, control messages end the walk. Messages after
 * the one that ends the request are ignored (there are none from the
 * kernel). */
enum ipvs_reply_end ipvs_reply_walk(const void *buf, size_t len, uint32_t seq, uint32_t portid,
				    uint16_t family, ipvs_reply_fn fn, void *arg, int *err);

#endif
