/* ping_check's echo request and reply matching (pure; hc_ping_pkt.c). */
#ifndef HC_PING_PKT_H
#define HC_PING_PKT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The request: 8 bytes of ICMP header, then a random token the reply must
 * echo (an off-path sender cannot guess 128 bits). */
#define HC_PING_TOKEN 16
#define HC_PING_LEN   (8 + HC_PING_TOKEN)

/* Writes the echo request (HC_PING_LEN bytes, IPv4's checksum included;
 * ICMPv6's is the kernel's) into BUF. Returns its length. */
size_t hc_ping_build(uint8_t *buf, bool v6, uint16_t ident, uint16_t seq,
		     const uint8_t token[HC_PING_TOKEN]);

enum hc_ping_match {
	HC_PING_OURS,	 /* the reply to this request */
	HC_PING_FOREIGN, /* not an echo reply, or not to this request's ident/seq */
	HC_PING_FORGED,	 /* this ident and seq, but not the request's token */
};

/* Whether BUF (LEN bytes as received; HAS_IP_HEADER: an IPv4 raw socket's,
 * starting with the IP header) is the reply to the request with IDENT (-1:
 * any, the kernel's datagram socket already matched it), SEQ and TOKEN. */
enum hc_ping_match hc_ping_match(const uint8_t *buf, size_t len, bool v6, bool has_ip_header,
				 int ident, uint16_t seq, const uint8_t token[HC_PING_TOKEN]);

#endif
