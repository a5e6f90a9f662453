/* VRRPv2 authentication type 2, IP Authentication Header, pure code.
 *
 * RFC 3768 dropped it, RFC 2338 5.3.6.2 defined it: the advert travels as
 * IP protocol 51 (RFC 2402) with the VRRP packet behind the AH header and
 * the ICV HMAC-MD5-96 (RFC 2403) keyed with the 8-octet password. No key
 * exchange exists: keepalived (the peer this is for) fixes the rest and
 * hadirector does the same so the two interoperate:
 * - SPI = the sender's IPv4 address; the receiver checks SPI == source;
 * - the ICV covers the IPv4 header with TOS, flags/fragment offset and
 *   checksum zeroed (and TTL too for unicast adverts), the AH header with
 *   its ICV zeroed, and the VRRP packet (auth type 2, its 8 octets zero);
 * - the IP identification is the sender's own counter, never 0 (the
 *   kernel would put another after the ICV was computed);
 * - one sequence number per instance, for sending and receiving alike:
 *   an advert is accepted only when its sequence number is above every
 *   one seen or sent, and the next sent is one above that, so a backup
 *   that takes over continues above its master's numbers.
 * No I/O here: the caller sends and receives whole IPv4 packets on a raw
 * socket (IP_HDRINCL). */
#ifndef VRRP_AH_H
#define VRRP_AH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "vrrp_pkt.h"

#define VRRP_AH_PROTO	51
#define VRRP_AH_HDR_LEN 24 /* next header, length, reserved, SPI, sequence, ICV */
#define VRRP_AH_ICV_LEN 12 /* HMAC-MD5-96 */
#define VRRP_AH_IP_LEN	20
#define VRRP_AH_V2_TYPE 2 /* the auth type field of the VRRPv2 header */
/* Largest packet: IPv4 header, AH, v2 advert with 255 addresses. */
#define VRRP_AH_PKT_MAX (VRRP_AH_IP_LEN + VRRP_AH_HDR_LEN + VRRP_HDR_LEN + 255 * 4 + VRRP_AUTH_LEN)

/* What the sender puts around a VRRP packet (built by vrrp_pkt_build). */
struct vrrp_ah_tx {
	const uint8_t *src, *dst; /* IPv4, network order, 4 octets each */
	uint16_t ip_id;		  /* never 0 */
	uint32_t seq;
	uint8_t ttl;
	bool unicast;	 /* TTL left out of the ICV */
	const char *key; /* the password: up to 8 octets, zero-padded */
	const uint8_t *vrrp;
	size_t vrrp_len;
};

/* The IPv4 packet (header, AH, VRRP) into BUF: its length, or -EMSGSIZE
 * when it does not fit, -EINVAL without an IP identification, -EIO when
 * the digest cannot be computed. The IP checksum is left
 * 0: the kernel writes it (IP_HDRINCL). */
ssize_t vrrp_ah_build(const struct vrrp_ah_tx *tx, uint8_t *buf, size_t cap);

/* A received IPv4 packet of protocol 51, taken apart. */
struct vrrp_ah_rx {
	const uint8_t *vrrp; /* the VRRP packet behind the AH header */
	size_t vrrp_len;
	uint8_t src[4], dst[4];
	uint32_t spi, seq;
	int ttl;
};

/* Check the headers' shape (IPv4, protocol 51, AH of HMAC-96 length with
 * VRRP behind it) and fill OUT: VRRP_DROP_NONE, else the reason. */
enum vrrp_drop vrrp_ah_strip(const uint8_t *buf, size_t len, struct vrrp_ah_rx *out);

/* The ICV, SPI and sequence number of packet BUF (stripped into RX) for an
 * instance with password KEY whose sequence number is *SEQ: on success
 * *SEQ becomes the packet's. VRRP_DROP_AUTH_FAILURE otherwise (a wrong
 * password, a changed packet, a SPI that is not the source, a replay). */
enum vrrp_drop vrrp_ah_verify(const uint8_t *buf, size_t len, const struct vrrp_ah_rx *rx,
			      const char *key, bool unicast, uint32_t *seq);

/* The sequence number of the next advert after *SEQ (stored back). At
 * 2^32 - 2 it stays there (keepalived stops there too; 136 years of 1 s
 * adverts). */
uint32_t vrrp_ah_seq_next(uint32_t *seq);

/* HMAC-MD5 of DATA keyed with KEY into OUT (16 octets): 0, or -EIO. */
int vrrp_ah_hmac_md5(const uint8_t *key, size_t klen, const uint8_t *data, size_t len,
		     uint8_t out[16]);

#endif
