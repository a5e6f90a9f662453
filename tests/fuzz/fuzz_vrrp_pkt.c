/* libFuzzer target: received VRRP packets through vrrp_pkt_strip_ip4() and
 * vrrp_pkt_parse() (vrrp/vrrp_pkt.h).
 *
 * Input: 3 control bytes, then the packet.
 *   byte 0: bit 0 IPv6, bit 1 version 2 (else 3), bit 2 the packet starts
 *           with an IPv4 header (strip it first; IPv4 only), bit 3 fix the
 *           VRRP checksum before parsing (so the fuzzer gets past it; the
 *           target aborts if a fixed packet fails the checksum check),
 *           bit 4 authentication type pass ("secret"), bits 5-6 number of
 *           configured VIPs (0..3), bit 7 received TTL 254 instead of 255
 *   byte 1: the instance's VRID
 *   byte 2: the instance's advert interval (v2: seconds, v3: centiseconds)
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "vrrp_pkt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fix_checksum(int version, int family, const void *src, const void *dst, uint8_t *p,
			 size_t len)
{
	uint16_t cs;

	if (len < VRRP_HDR_LEN)
		return;
	p[6] = p[7] = 0;
	cs = vrrp_pkt_checksum(version, family, src, dst, p, len);
	/* As vrrp_pkt_build() stores it: the sum is over big-endian words,
	 * so the high byte goes first (a memcpy of the host-order value
	 * swapped it, and all but 1 in 256 fixed packets were dropped as
	 * bad_checksum). */
	p[6] = (uint8_t)(cs >> 8);
	p[7] = (uint8_t)cs;
}

static struct hd_prefix vip(const char *s)
{
	struct hd_prefix p;

	if (hd_prefix_parse(s, &p) < 0)
		abort();
	return p;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t src4[4] = {192, 0, 2, 10}, dst4[4] = {224, 0, 0, 18};
	static const uint8_t src6[16] = {0xfe, 0x80, [15] = 1},
			     dst6[16] = {0xff, 0x02, [15] = 0x12};
	struct hd_prefix vips[3];
	struct vrrp_rx_expect e = {0};
	struct vrrp_advert a;
	uint8_t isrc[4], idst[4];
	uint8_t *buf, *pkt;
	size_t len, plen;
	int ttl = 255;

	if (size < 3)
		return 0;
	uint8_t flags = data[0];
	bool v6 = flags & 1, strip = (flags & 4) && !v6;
	e.family = v6 ? AF_INET6 : AF_INET;
	e.version = (flags & 2) && !v6 ? 2 : 3;
	e.vrid = data[1];
	e.adver_int_cs = e.version == 2 ? (uint16_t)(data[2] * 100) : data[2];
	e.auth_type = (flags & 16) && e.version == 2 ? HD_VRRP_AUTH_PASS : HD_VRRP_AUTH_NONE;
	e.auth_pass = "secret";
	/* A VIP of the other family is in the list too: it must be ignored. */
	vips[0] = vip(v6 ? "2001:db8::100/64" : "192.168.168.100/24");
	vips[1] = vip(v6 ? "192.0.2.1" : "2001:db8::1");
	vips[2] = vip(v6 ? "2001:db8::101" : "192.168.168.101");
	e.vips = vips;
	e.n_vips = (flags >> 5) & 3;
	e.src = v6 ? (const void *)src6 : src4;
	e.dst = v6 ? (const void *)dst6 : dst4;

	len = size - 3;
	buf = malloc(len ? len : 1); /* exact size: ASan sees any overread */
	if (!buf)
		return 0;
	memcpy(buf, data + 3, len);
	pkt = buf;
	plen = len;
	if (strip) {
		const uint8_t *pl;
		if (vrrp_pkt_strip_ip4(buf, len, &pl, &plen, isrc, idst, &ttl) != VRRP_DROP_NONE) {
			free(buf);
			return 0;
		}
		if (pl < buf || pl + plen > buf + len)
			abort();
		pkt = (uint8_t *)pl;
		e.src = isrc;
		e.dst = idst;
	}
	e.ttl = flags & 128 ? 254 : ttl;
	if (flags & 8)
		fix_checksum(e.version, e.family, e.src, e.dst, pkt, plen);
	(void)vrrp_pkt_peek_vrid(pkt, plen);
	enum vrrp_drop r = vrrp_pkt_parse(pkt, plen, &e, &a);
	if ((unsigned)r >= VRRP_DROP__MAX || !vrrp_drop_str(r))
		abort();
	/* A fixed checksum always passes: else the fuzzer spends its time on
	 * the checksum check instead of what comes after it. */
	if ((flags & 8) && r == VRRP_DROP_BAD_CHECKSUM)
		abort();
	if (r == VRRP_DROP_NONE) {
		size_t al = v6 ? 16 : 4;
		if (a.addrs < pkt || a.addrs + (size_t)a.n_addrs * al > pkt + plen ||
		    a.vrid != e.vrid || a.adver_int_cs == 0 || e.ttl != 255)
			abort();
	}
	free(buf);
	return 0;
}
