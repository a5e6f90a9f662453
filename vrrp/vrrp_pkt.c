/* VRRP packet codec (pure). Wire formats: RFC 5798 section 5.1 (v3) and
 * RFC 3768 section 5.1 (v2). */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "vrrp_pkt.h"

const char *const vrrp_drop_names[VRRP_DROP__MAX] = {
    [VRRP_DROP_NONE] = "none",
    [VRRP_DROP_TOO_SHORT] = "too_short",
    [VRRP_DROP_BAD_IP_HEADER] = "bad_ip_header",
    [VRRP_DROP_BAD_TTL] = "bad_ttl",
    [VRRP_DROP_BAD_VERSION] = "bad_version",
    [VRRP_DROP_BAD_TYPE] = "bad_type",
    [VRRP_DROP_BAD_CHECKSUM] = "bad_checksum",
    [VRRP_DROP_VRID_MISMATCH] = "vrid_mismatch",
    [VRRP_DROP_ADVER_INT_MISMATCH] = "adver_int_mismatch",
    [VRRP_DROP_AUTH_TYPE_MISMATCH] = "auth_type_mismatch",
    [VRRP_DROP_AUTH_FAILURE] = "auth_failure",
    [VRRP_DROP_ADDR_COUNT_MISMATCH] = "addr_count_mismatch",
    [VRRP_DROP_ADDR_LIST_MISMATCH] = "addr_list_mismatch",
    [VRRP_DROP_BAD_SOURCE] = "bad_source",
    [VRRP_DROP_OWNER_CONFLICT] = "owner_conflict",
    [VRRP_DROP_ZERO_INTERVAL] = "zero_interval",
    [VRRP_DROP_NOT_RUNNING] = "not_running",
    [VRRP_DROP_OWN_ADDRESS] = "own_address",
    [VRRP_DROP_ANSWER_LIMITED] = "answer_rate_limited",
};

const char *vrrp_drop_str(enum vrrp_drop d)
{
	if ((unsigned)d >= VRRP_DROP__MAX)
		return "unknown";
	return vrrp_drop_names[d];
}

static size_t addr_len(int family)
{
	return family == AF_INET6 ? 16 : 4;
}

static uint32_t sum16(uint32_t sum, const uint8_t *p, size_t len)
{
	for (; len > 1; p += 2, len -= 2)
		sum += (uint32_t)p[0] << 8 | p[1];
	if (len)
		sum += (uint32_t)p[0] << 8; /* odd byte padded with zero */
	return sum;
}

uint16_t vrrp_pkt_checksum(int version, int family, const void *src, const void *dst,
			   const uint8_t *msg, size_t len)
{
	uint32_t sum = 0;

	/* v3 covers the pseudo-header (RFC 5798 5.2.8); v2 only the message. */
	if (version == 3) {
		size_t al = addr_len(family);
		uint8_t tail[4];

		sum = sum16(sum, src, al);
		sum = sum16(sum, dst, al);
		if (family == AF_INET6) {
			/* upper-layer length (32 bits), 3 zero bytes, next header */
			tail[0] = (uint8_t)(len >> 24);
			tail[1] = (uint8_t)(len >> 16);
			tail[2] = (uint8_t)(len >> 8);
			tail[3] = (uint8_t)len;
			sum = sum16(sum, tail, 4);
			sum += VRRP_PROTO;
		} else {
			/* zero, protocol, length */
			sum += VRRP_PROTO;
			sum += (uint32_t)len & 0xffff;
		}
	}
	sum = sum16(sum, msg, len);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static const void *vip_bytes(const struct hd_prefix *p)
{
	return p->addr.family == AF_INET6 ? (const void *)&p->addr.u.v6
					  : (const void *)&p->addr.u.v4;
}

static size_t count_family(const struct hd_prefix *vips, size_t n, int family)
{
	size_t c = 0;

	for (size_t i = 0; i < n; i++)
		c += vips[i].addr.family == family;
	return c;
}

/* The v2 header's auth type; with AH (vrrp_ah.c) its 8 octets stay zero
 * and the IP Authentication Header around the packet authenticates it. */
static uint8_t v2_auth_type(enum hd_vrrp_auth t)
{
	return t == HD_VRRP_AUTH_PASS ? VRRP_V2_AUTH_PASS
	       : t == HD_VRRP_AUTH_AH ? VRRP_V2_AUTH_AH
				      : VRRP_V2_AUTH_NONE;
}

static void put_auth(uint8_t *p, enum hd_vrrp_auth type, const char *pass)
{
	memset(p, 0, VRRP_AUTH_LEN);
	if (type == HD_VRRP_AUTH_PASS && pass)
		memcpy(p, pass, strnlen(pass, VRRP_AUTH_LEN));
}

ssize_t vrrp_pkt_build(const struct vrrp_tx *tx, uint8_t *buf, size_t cap)
{
	size_t al = addr_len(tx->family);
	size_t n = count_family(tx->vips, tx->n_vips, tx->family);
	size_t len;
	uint8_t *p;
	uint16_t cs;

	if ((tx->version != 2 && tx->version != 3) || n > 255 ||
	    (tx->version == 2 && tx->family != AF_INET))
		return -EINVAL;
	len = VRRP_HDR_LEN + n * al + (tx->version == 2 ? VRRP_AUTH_LEN : 0);
	if (len > cap)
		return -EMSGSIZE;
	buf[0] = (uint8_t)(tx->version << 4 | VRRP_TYPE_ADVERT);
	buf[1] = tx->vrid;
	buf[2] = tx->priority;
	buf[3] = (uint8_t)n;
	if (tx->version == 3) {
		uint16_t iv = tx->adver_int_cs & 0x0fff;

		buf[4] = (uint8_t)(iv >> 8);
		buf[5] = (uint8_t)iv;
	} else {
		unsigned secs = (tx->adver_int_cs + 50) / 100;

		buf[4] = v2_auth_type(tx->auth_type);
		buf[5] = (uint8_t)(secs < 1 ? 1 : secs > 255 ? 255 : secs);
	}
	buf[6] = buf[7] = 0;
	p = buf + VRRP_HDR_LEN;
	for (size_t i = 0; i < tx->n_vips; i++) {
		if (tx->vips[i].addr.family != tx->family)
			continue;
		memcpy(p, vip_bytes(&tx->vips[i]), al);
		p += al;
	}
	if (tx->version == 2)
		put_auth(p, tx->auth_type, tx->auth_pass);
	cs = vrrp_pkt_checksum(tx->version, tx->family, tx->src, tx->dst, buf, len);
	buf[6] = (uint8_t)(cs >> 8);
	buf[7] = (uint8_t)cs;
	return (ssize_t)len;
}

int vrrp_pkt_peek_vrid(const uint8_t *buf, size_t len)
{
	return len < 2 ? -1 : buf[1];
}

static bool addr_in_vips(const uint8_t *a, const struct vrrp_rx_expect *e, size_t al)
{
	for (size_t i = 0; i < e->n_vips; i++)
		if (e->vips[i].addr.family == e->family && !memcmp(a, vip_bytes(&e->vips[i]), al))
			return true;
	return false;
}

static bool vip_in_pkt(const struct hd_prefix *v, const uint8_t *addrs, size_t n, size_t al)
{
	for (size_t i = 0; i < n; i++)
		if (!memcmp(addrs + i * al, vip_bytes(v), al))
			return true;
	return false;
}

/* RFC 5798 7.1: the list must match unless the sender is the owner. */
static enum vrrp_drop check_addrs(const struct vrrp_advert *a, const struct vrrp_rx_expect *e)
{
	size_t al = addr_len(e->family);

	if (a->priority == VRRP_PRIO_OWNER)
		return VRRP_DROP_NONE;
	if (a->n_addrs != count_family(e->vips, e->n_vips, e->family))
		return VRRP_DROP_ADDR_COUNT_MISMATCH;
	for (size_t i = 0; i < a->n_addrs; i++)
		if (!addr_in_vips(a->addrs + i * al, e, al))
			return VRRP_DROP_ADDR_LIST_MISMATCH;
	for (size_t i = 0; i < e->n_vips; i++)
		if (e->vips[i].addr.family == e->family &&
		    !vip_in_pkt(&e->vips[i], a->addrs, a->n_addrs, al))
			return VRRP_DROP_ADDR_LIST_MISMATCH;
	return VRRP_DROP_NONE;
}

static enum vrrp_drop check_v2_auth(const uint8_t *auth, const struct vrrp_advert *a,
				    const struct vrrp_rx_expect *e)
{
	uint8_t want[VRRP_AUTH_LEN];
	uint8_t type = v2_auth_type(e->auth_type);

	if (a->auth_type != type)
		return VRRP_DROP_AUTH_TYPE_MISMATCH;
	if (type != VRRP_V2_AUTH_PASS)
		return VRRP_DROP_NONE;
	put_auth(want, e->auth_type, e->auth_pass);
	return memcmp(want, auth, VRRP_AUTH_LEN) ? VRRP_DROP_AUTH_FAILURE : VRRP_DROP_NONE;
}

enum vrrp_drop vrrp_pkt_parse(const uint8_t *buf, size_t len, const struct vrrp_rx_expect *e,
			      struct vrrp_advert *out)
{
	size_t al = addr_len(e->family), need;
	enum vrrp_drop r;

	/* Order follows RFC 5798 7.1: TTL, version, type, length, checksum, VRID. */
	if (e->ttl != VRRP_TTL)
		return VRRP_DROP_BAD_TTL;
	if (len < VRRP_HDR_LEN)
		return VRRP_DROP_TOO_SHORT;
	memset(out, 0, sizeof(*out));
	out->version = buf[0] >> 4;
	out->family = e->family;
	if (out->version != e->version)
		return VRRP_DROP_BAD_VERSION;
	if ((buf[0] & 0x0f) != VRRP_TYPE_ADVERT)
		return VRRP_DROP_BAD_TYPE;
	out->vrid = buf[1];
	out->priority = buf[2];
	out->n_addrs = buf[3];
	out->addrs = buf + VRRP_HDR_LEN;
	need = VRRP_HDR_LEN + (size_t)out->n_addrs * al + (e->version == 2 ? VRRP_AUTH_LEN : 0);
	if (len < need)
		return VRRP_DROP_TOO_SHORT;
	if (vrrp_pkt_checksum(e->version, e->family, e->src, e->dst, buf, len) != 0)
		return VRRP_DROP_BAD_CHECKSUM;
	if (out->vrid != e->vrid)
		return VRRP_DROP_VRID_MISMATCH;
	if (e->version == 3) {
		out->adver_int_cs = (uint16_t)((buf[4] & 0x0f) << 8 | buf[5]);
	} else {
		out->auth_type = buf[4];
		out->adver_int_cs = (uint16_t)(buf[5] * 100);
		r = check_v2_auth(buf + VRRP_HDR_LEN + (size_t)out->n_addrs * al, out, e);
		if (r)
			return r;
		if (out->adver_int_cs != e->adver_int_cs)
			return VRRP_DROP_ADVER_INT_MISMATCH;
	}
	if (out->adver_int_cs == 0)
		return VRRP_DROP_ZERO_INTERVAL;
	return check_addrs(out, e);
}

enum vrrp_drop vrrp_pkt_strip_ip4(const uint8_t *buf, size_t len, const uint8_t **payload,
				  size_t *plen, uint8_t src[4], uint8_t dst[4], int *ttl)
{
	size_t ihl, tot;

	if (len < 20)
		return VRRP_DROP_TOO_SHORT;
	ihl = (size_t)(buf[0] & 0x0f) * 4;
	tot = (size_t)buf[2] << 8 | buf[3];
	if (buf[0] >> 4 != 4 || ihl < 20 || ihl > len || buf[9] != VRRP_PROTO)
		return VRRP_DROP_BAD_IP_HEADER;
	/* Linux hands raw sockets the total length as sent; accept a shorter
	 * read only when the packet really is that short. */
	if (tot < ihl || tot > len)
		return tot > len ? VRRP_DROP_TOO_SHORT : VRRP_DROP_BAD_IP_HEADER;
	*ttl = buf[8];
	memcpy(src, buf + 12, 4);
	memcpy(dst, buf + 16, 4);
	*payload = buf + ihl;
	*plen = tot - ihl;
	return VRRP_DROP_NONE;
}
