/* VRRP packet codec, pure: RFC 5798 (v3, IPv4 + IPv6) and RFC 3768 (v2, IPv4).
 * No I/O here; the caller hands in the addresses the checksum covers and the
 * TTL / hop limit the kernel reported. */
#ifndef VRRP_PKT_H
#define VRRP_PKT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "hd_config.h"

#define VRRP_PROTO	  112
#define VRRP_TTL	  255
#define VRRP_TYPE_ADVERT  1
#define VRRP_HDR_LEN	  8
#define VRRP_AUTH_LEN	  8 /* v2 authentication data */
#define VRRP_PRIO_STOP	  0
#define VRRP_PRIO_OWNER	  255
#define VRRP_V2_AUTH_NONE 0
#define VRRP_V2_AUTH_PASS 1
#define VRRP_V2_AUTH_AH	  2 /* RFC 2338: IP Authentication Header (vrrp_ah.h) */
/* Largest advert: v3, IPv6, 255 addresses. */
#define VRRP_PKT_MAX (VRRP_HDR_LEN + 255 * 16 + VRRP_AUTH_LEN)

/* Every reason a received packet is dropped; each has a counter in the
 * instance runtime. Keep vrrp_drop_names in step. */
enum vrrp_drop {
	VRRP_DROP_NONE = 0,
	VRRP_DROP_TOO_SHORT,	 /* shorter than header + addresses (+ auth) */
	VRRP_DROP_BAD_IP_HEADER, /* IPv4 header malformed or total length wrong */
	VRRP_DROP_BAD_TTL,	 /* TTL / hop limit != 255 */
	VRRP_DROP_BAD_VERSION,	 /* not the configured version */
	VRRP_DROP_BAD_TYPE,	 /* not an advertisement */
	VRRP_DROP_BAD_CHECKSUM,
	VRRP_DROP_VRID_MISMATCH,      /* no instance with this VRID here */
	VRRP_DROP_ADVER_INT_MISMATCH, /* v2: interval differs from ours */
	VRRP_DROP_AUTH_TYPE_MISMATCH, /* v2: auth type differs */
	VRRP_DROP_AUTH_FAILURE,	      /* v2: password differs */
	VRRP_DROP_ADDR_COUNT_MISMATCH,
	VRRP_DROP_ADDR_LIST_MISMATCH,
	VRRP_DROP_BAD_SOURCE,	  /* unicast: not from a configured peer */
	VRRP_DROP_OWNER_CONFLICT, /* we own the address (prio 255) and hear another */
	VRRP_DROP_ZERO_INTERVAL,  /* advert interval 0 would break timers */
	VRRP_DROP_NOT_RUNNING,	  /* instance in fault/init: nothing to learn */
	VRRP_DROP_OWN_ADDRESS,	  /* from our own primary address: looped back or forged */
	VRRP_DROP_ANSWER_LIMITED, /* master: lower or zero priority, answered too recently */
	VRRP_DROP__MAX
};

extern const char *const vrrp_drop_names[VRRP_DROP__MAX];
const char *vrrp_drop_str(enum vrrp_drop d);

/* A decoded advertisement. ADDRS points into the parsed buffer. */
struct vrrp_advert {
	int version;
	int family;
	uint8_t vrid;
	uint8_t priority;
	uint8_t n_addrs;
	uint16_t adver_int_cs; /* v2: seconds * 100 */
	uint8_t auth_type;     /* v2 */
	const uint8_t *addrs;  /* n_addrs * (4 | 16) bytes */
};

/* What the instance expects of a received packet. */
struct vrrp_rx_expect {
	int version;
	int family;
	uint8_t vrid;
	uint16_t adver_int_cs; /* checked for v2 only; v3 learns it */
	enum hd_vrrp_auth auth_type;
	const char *auth_pass;
	const struct hd_prefix *vips; /* entries of another family are ignored */
	size_t n_vips;
	const void *src, *dst; /* IP addresses of the packet, for the v3 pseudo-header */
	int ttl;	       /* received TTL / hop limit, -1 = not reported */
};

/* Parse and validate the VRRP part (after the IP header) of a packet.
 * Returns VRRP_DROP_NONE and fills OUT on success. */
enum vrrp_drop vrrp_pkt_parse(const uint8_t *buf, size_t len, const struct vrrp_rx_expect *exp,
			      struct vrrp_advert *out);

/* The VRID of a packet, for dispatching to an instance; -1 if too short. */
int vrrp_pkt_peek_vrid(const uint8_t *buf, size_t len);

/* IPv4 raw sockets hand over the IP header: check it and find the payload.
 * Fills SRC/DST (network order, 4 bytes each) and TTL. */
enum vrrp_drop vrrp_pkt_strip_ip4(const uint8_t *buf, size_t len, const uint8_t **payload,
				  size_t *plen, uint8_t src[4], uint8_t dst[4], int *ttl);

/* What to put in an advertisement. */
struct vrrp_tx {
	int version;
	int family;
	uint8_t vrid;
	uint8_t priority;
	uint16_t adver_int_cs;
	enum hd_vrrp_auth auth_type;
	const char *auth_pass;
	const struct hd_prefix *vips; /* entries of another family are skipped */
	size_t n_vips;
	const void *src, *dst; /* for the v3 checksum */
};

/* Build the VRRP part of an advertisement into BUF. Returns its length,
 * -EMSGSIZE when CAP is too small, or -EINVAL when the request is invalid
 * (version, v2 over IPv6, more than 255 addresses). */
ssize_t vrrp_pkt_build(const struct vrrp_tx *tx, uint8_t *buf, size_t cap);

/* Internet checksum of the VRRP message, with the pseudo-header for v3. */
uint16_t vrrp_pkt_checksum(int version, int family, const void *src, const void *dst,
			   const uint8_t *msg, size_t len);

#endif
