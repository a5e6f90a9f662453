/* libFuzzer target: IPVS generic netlink replies (a service or a
 * destination, as a dump delivers them) through the parsers of
 * ipvs/ipvs_genl.c. Byte 0 selects the parser and the service's address
 * family; the rest is the netlink message, whose nlmsg_len is set to its
 * real length (the kernel's socket layer guarantees that much). With bit 2
 * of byte 0 the rest is a whole datagram instead, walked by ipvs_reply.c
 * (seq 0, port 0, family 0x1e) with every data message parsed. */
#include <linux/netlink.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "ipvs_genl.h"
#include "ipvs_reply.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Each data message of a walked datagram through both parsers. */
static void on_msg(const struct nlmsghdr *nlh, void *arg)
{
	struct ipvs_dest d;
	struct ipvs_service s;
	(void)arg;
	(void)ipvs_nl_parse_dest_reply(nlh, AF_INET6, &d);
	(void)ipvs_nl_parse_service_reply(nlh, &s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nlmsghdr *nlh;
	size_t len;

	if (size < 1)
		return 0;
	len = size - 1;
	if (data[0] & 4) { /* the rest as one datagram, as received, lengths untouched */
		void *buf = malloc(len ? len : 1);
		int err;
		if (!buf)
			return 0;
		memcpy(buf, data + 1, len);
		(void)ipvs_reply_walk(buf, len, 0, 0, 0x1e, on_msg, NULL, &err);
		free(buf);
		return 0;
	}
	if (len < sizeof(*nlh))
		return 0;
	nlh = malloc(len); /* exact size: ASan sees any over-read */
	if (!nlh)
		return 0;
	memcpy(nlh, data + 1, len);
	nlh->nlmsg_len = (uint32_t)len;
	if (data[0] & 1) {
		struct ipvs_dest d;
		memset(&d, 0, sizeof(d));
		(void)ipvs_nl_parse_dest_reply(nlh, data[0] & 2 ? AF_INET6 : AF_INET, &d);
	} else {
		struct ipvs_service s;
		memset(&s, 0, sizeof(s));
		(void)ipvs_nl_parse_service_reply(nlh, &s);
	}
	free(nlh);
	return 0;
}
