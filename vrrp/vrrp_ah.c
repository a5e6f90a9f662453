/* VRRPv2 over the IP Authentication Header (vrrp_ah.h says what and why).
 * Written from RFC 2338 5.3.6.2, RFC 2402 (AH), RFC 2403/2104 (HMAC-MD5-96)
 * and keepalived's documented behaviour; the digest is OpenSSL's. */
#include <errno.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <string.h>

#include "vrrp_ah.h"

#define AH_PLEN 4 /* the AH length field: 32-bit words minus 2 (6 - 2) */

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

int vrrp_ah_hmac_md5(const uint8_t *key, size_t klen, const uint8_t *data, size_t len,
		     uint8_t out[16])
{
	unsigned olen = 0;

	if (!HMAC(EVP_md5(), key, (int)klen, data, len, out, &olen) || olen != 16)
		return -EIO; /* OpenSSL refused (e.g. MD5 disabled by a FIPS policy) */
	return 0;
}

/* The ICV of packet P (TOT octets, IP header IHL octets) as the sender
 * computed it: mutable IP fields and the ICV itself zeroed. The key is the
 * password zero-padded to 8 octets, as keepalived keys it. */
static int icv(const uint8_t *p, size_t ihl, size_t tot, const char *key, bool unicast,
	       uint8_t out[16])
{
	uint8_t m[60 + VRRP_AH_PKT_MAX];
	uint8_t k[VRRP_AUTH_LEN] = {0};

	if (tot > sizeof(m) || ihl + VRRP_AH_HDR_LEN > tot)
		return -EMSGSIZE;
	memcpy(m, p, tot);
	m[1] = 0;	   /* TOS */
	m[6] = m[7] = 0;   /* flags, fragment offset */
	m[10] = m[11] = 0; /* header checksum */
	if (unicast)	   /* routers on the way may lower it */
		m[8] = 0;  /* TTL */
	memset(m + ihl + 12, 0, VRRP_AH_ICV_LEN);
	if (key)
		memcpy(k, key, strnlen(key, VRRP_AUTH_LEN));
	return vrrp_ah_hmac_md5(k, sizeof(k), m, tot, out);
}

ssize_t vrrp_ah_build(const struct vrrp_ah_tx *tx, uint8_t *buf, size_t cap)
{
	size_t tot = VRRP_AH_IP_LEN + VRRP_AH_HDR_LEN + tx->vrrp_len;
	uint8_t *ah = buf + VRRP_AH_IP_LEN, d[16];

	if (tot > cap || tot > VRRP_AH_PKT_MAX)
		return -EMSGSIZE;
	if (!tx->ip_id)
		return -EINVAL;
	memset(buf, 0, VRRP_AH_IP_LEN + VRRP_AH_HDR_LEN);
	buf[0] = 0x45;
	buf[1] = 0xc0; /* DSCP CS6, network control, as the plain adverts */
	buf[2] = (uint8_t)(tot >> 8);
	buf[3] = (uint8_t)tot;
	buf[4] = (uint8_t)(tx->ip_id >> 8);
	buf[5] = (uint8_t)tx->ip_id;
	buf[8] = tx->ttl;
	buf[9] = VRRP_AH_PROTO;
	memcpy(buf + 12, tx->src, 4);
	memcpy(buf + 16, tx->dst, 4);
	ah[0] = VRRP_PROTO; /* next header */
	ah[1] = AH_PLEN;
	memcpy(ah + 4, tx->src, 4); /* SPI: the sender's address */
	put32(ah + 8, tx->seq);
	memcpy(ah + VRRP_AH_HDR_LEN, tx->vrrp, tx->vrrp_len);
	int r = icv(buf, VRRP_AH_IP_LEN, tot, tx->key, tx->unicast, d);
	if (r < 0)
		return r;
	memcpy(ah + 12, d, VRRP_AH_ICV_LEN);
	return (ssize_t)tot;
}

enum vrrp_drop vrrp_ah_strip(const uint8_t *buf, size_t len, struct vrrp_ah_rx *out)
{
	size_t ihl, tot;
	const uint8_t *ah;

	if (len < VRRP_AH_IP_LEN)
		return VRRP_DROP_TOO_SHORT;
	ihl = (size_t)(buf[0] & 0x0f) * 4;
	tot = (size_t)buf[2] << 8 | buf[3];
	if (buf[0] >> 4 != 4 || ihl < VRRP_AH_IP_LEN || ihl > len || buf[9] != VRRP_AH_PROTO)
		return VRRP_DROP_BAD_IP_HEADER;
	if (tot < ihl || tot > len)
		return tot > len ? VRRP_DROP_TOO_SHORT : VRRP_DROP_BAD_IP_HEADER;
	if (tot < ihl + VRRP_AH_HDR_LEN)
		return VRRP_DROP_TOO_SHORT;
	ah = buf + ihl;
	/* AH for another protocol, or another ICV length: not a VRRP advert */
	if (ah[0] != VRRP_PROTO || ah[1] != AH_PLEN)
		return VRRP_DROP_BAD_IP_HEADER;
	memset(out, 0, sizeof(*out));
	out->ttl = buf[8];
	memcpy(out->src, buf + 12, 4);
	memcpy(out->dst, buf + 16, 4);
	out->spi = get32(ah + 4);
	out->seq = get32(ah + 8);
	out->vrrp = ah + VRRP_AH_HDR_LEN;
	out->vrrp_len = tot - ihl - VRRP_AH_HDR_LEN;
	return VRRP_DROP_NONE;
}

enum vrrp_drop vrrp_ah_verify(const uint8_t *buf, size_t len, const struct vrrp_ah_rx *rx,
			      const char *key, bool unicast, uint32_t *seq)
{
	size_t ihl = (size_t)(rx->vrrp - buf) - VRRP_AH_HDR_LEN;
	size_t tot = (size_t)(rx->vrrp - buf) + rx->vrrp_len;
	uint8_t d[16], diff = 0;

	if (tot > len || icv(buf, ihl, tot, key, unicast, d) < 0)
		return VRRP_DROP_AUTH_FAILURE;
	for (size_t i = 0; i < VRRP_AH_ICV_LEN; i++) /* constant time */
		diff |= (uint8_t)(d[i] ^ buf[ihl + 12 + i]);
	if (diff || rx->spi != get32(rx->src))
		return VRRP_DROP_AUTH_FAILURE;
	if (rx->seq <= *seq) /* replayed, or older than one seen */
		return VRRP_DROP_AUTH_FAILURE;
	*seq = rx->seq;
	return VRRP_DROP_NONE;
}

uint32_t vrrp_ah_seq_next(uint32_t *seq)
{
	if (*seq < 0xfffffffeu)
		++*seq;
	return *seq;
}
