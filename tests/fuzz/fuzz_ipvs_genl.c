/* libFuzzer target: IPVS generic netlink replies (a service or a
 * destination, as a dump delivers them) through the parsers of
 * ipvs/ipvs_genl.c. Byte 0 selects the parser and the service's address
 * family; the rest is the netlink message, whose nlmsg_len is set to its
 * real length (the kernel's socket layer guarantees that much). */
#include <linux/netlink.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "ipvs_genl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nlmsghdr *nlh;
	size_t len;

	if (size < 1)
		return 0;
	len = size - 1;
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
