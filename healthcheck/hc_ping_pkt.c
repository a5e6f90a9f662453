/* ping_check's packets, pure: the echo request it sends and the test a
 * received datagram must pass to count as its reply. */
#include "config.h"

#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <string.h>

#include "hc_ping_pkt.h"

/* RFC 1071: the one's complement of the one's complement sum. */
static uint16_t inet_csum(const uint8_t *p, size_t len)
{
	uint32_t sum = 0;

	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

size_t hc_ping_build(uint8_t *buf, bool v6, uint16_t ident, uint16_t seq,
		     const uint8_t token[HC_PING_TOKEN])
{
	buf[0] = v6 ? ICMP6_ECHO_REQUEST : ICMP_ECHO;
	buf[1] = 0;
	buf[2] = buf[3] = 0;
	buf[4] = (uint8_t)(ident >> 8);
	buf[5] = (uint8_t)ident;
	buf[6] = (uint8_t)(seq >> 8);
	buf[7] = (uint8_t)seq;
	memcpy(buf + 8, token, HC_PING_TOKEN);
	if (!v6) { /* ICMPv6's checksum covers a pseudo-header: the kernel's */
		uint16_t c = inet_csum(buf, HC_PING_LEN);
		buf[2] = (uint8_t)(c >> 8);
		buf[3] = (uint8_t)c;
	}
	return HC_PING_LEN;
}

enum hc_ping_match hc_ping_match(const uint8_t *buf, size_t len, bool v6, bool has_ip_header,
				 int ident, uint16_t seq, const uint8_t token[HC_PING_TOKEN])
{
	if (has_ip_header) { /* an IPv4 raw socket gives the IP header too */
		size_t ihl;
		if (len < 20 || (buf[0] >> 4) != 4 || (ihl = (size_t)(buf[0] & 0xf) * 4) < 20 ||
		    ihl > len)
			return HC_PING_FOREIGN;
		buf += ihl;
		len -= ihl;
	}
	if (len < 8 || buf[0] != (v6 ? ICMP6_ECHO_REPLY : ICMP_ECHOREPLY) || buf[1] != 0)
		return HC_PING_FOREIGN; /* not an echo reply at all */
	if ((ident >= 0 && (buf[4] << 8 | buf[5]) != ident) || (buf[6] << 8 | buf[7]) != seq)
		return HC_PING_FOREIGN; /* another pinger's, or an old one of ours */
	/* Ours by ident and sequence: only a sender that saw the request can
	 * know the token. Anything else with our numbers is forged. */
	if (len != HC_PING_LEN || memcmp(buf + 8, token, HC_PING_TOKEN))
		return HC_PING_FORGED;
	return HC_PING_OURS;
}
