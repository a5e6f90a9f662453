/* vrrp/vrrp_ah.c: VRRPv2 in an IP Authentication Header. The known answers
 * are adverts Debian's keepalived 2.2.7 sent (auth_type AH, auth_pass
 * secret1, VRID 51, 10.9.0.1 -> 224.0.0.18, address 10.9.0.100), captured
 * with tcpdump in a namespace: hadirector must build the same octets and
 * accept them; RFC 2202's HMAC-MD5 vectors check the digest. */
#include <errno.h>
#include <arpa/inet.h>
#include <string.h>
#include <sys/socket.h>

#include "unit.h"
#include "vrrp/vrrp_ah.h"

/* keepalived's first advert (IP checksum as the kernel wrote it) */
static const uint8_t ka_seq1[] = {
    0x45, 0xc0, 0x00, 0x40, 0x00, 0x01, 0x00, 0x00, 0xff, 0x33, 0xd0, 0xad, 0x0a, 0x09, 0x00, 0x01,
    0xe0, 0x00, 0x00, 0x12, 0x70, 0x04, 0x00, 0x00, 0x0a, 0x09, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01,
    0x76, 0x40, 0xc9, 0xe4, 0x6b, 0xcf, 0x5c, 0x7d, 0x66, 0x1d, 0x70, 0xc8, 0x21, 0x33, 0x64, 0x01,
    0x02, 0x01, 0x6e, 0x5d, 0x0a, 0x09, 0x00, 0x64, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};
/* its last: priority 0 on stop, sequence 4, IP identification 4 */
static const uint8_t ka_seq4[] = {
    0x45, 0xc0, 0x00, 0x40, 0x00, 0x04, 0x00, 0x00, 0xff, 0x33, 0xd0, 0xaa, 0x0a, 0x09, 0x00, 0x01,
    0xe0, 0x00, 0x00, 0x12, 0x70, 0x04, 0x00, 0x00, 0x0a, 0x09, 0x00, 0x01, 0x00, 0x00, 0x00, 0x04,
    0x2d, 0x64, 0x11, 0x8c, 0x24, 0x21, 0x4c, 0x17, 0x6d, 0x4f, 0xb8, 0xa1, 0x21, 0x33, 0x00, 0x01,
    0x02, 0x01, 0xd2, 0x5d, 0x0a, 0x09, 0x00, 0x64, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};

static const uint8_t src[4] = {10, 9, 0, 1}, grp[4] = {224, 0, 0, 18};

static struct hd_prefix pfx(const char *s)
{
	struct hd_prefix p;

	hd_prefix_parse(s, &p);
	return p;
}

static void test_hmac(void)
{
	static const struct {
		const char *key, *data, *md;
		size_t klen;
	} v[] = {
	    {"\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b", "Hi There",
	     "\x92\x94\x72\x7a\x36\x38\xbb\x1c\x13\xf4\x8e\xf8\x15\x8b\xfc\x9d", 16},
	    {"Jefe", "what do ya want for nothing?",
	     "\x75\x0c\x78\x3e\x6a\xb0\xb5\x03\xea\xa8\x6e\x31\x0a\x5d\xb7\x38", 4},
	};
	uint8_t d[16];

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		CHECK(vrrp_ah_hmac_md5((const uint8_t *)v[i].key, v[i].klen,
				       (const uint8_t *)v[i].data, strlen(v[i].data), d) == 0);
		EXPECT(!memcmp(d, v[i].md, 16), "RFC 2202 vector %zu", i);
	}
}

/* hadirector's advert for keepalived's instance, octet for octet */
static void test_build_as_keepalived(void)
{
	struct hd_prefix vip = pfx("10.9.0.100");
	uint8_t v[VRRP_PKT_MAX], out[VRRP_AH_PKT_MAX], want[sizeof(ka_seq1)];
	struct vrrp_tx tx = {.version = 2,
			     .family = AF_INET,
			     .vrid = 51,
			     .priority = 100,
			     .adver_int_cs = 100,
			     .auth_type = HD_VRRP_AUTH_AH,
			     .auth_pass = "secret1",
			     .vips = &vip,
			     .n_vips = 1};
	ssize_t vn = vrrp_pkt_build(&tx, v, sizeof(v)), n;
	struct vrrp_ah_tx ah = {.src = src,
				.dst = grp,
				.ip_id = 1,
				.seq = 1,
				.ttl = 255,
				.key = "secret1",
				.vrrp = v,
				.vrrp_len = (size_t)vn};

	CHECK(vn == 20 && !memcmp(v, ka_seq1 + 44, 20)); /* auth type 2, 8 zero octets */
	n = vrrp_ah_build(&ah, out, sizeof(out));
	memcpy(want, ka_seq1, sizeof(want));
	want[10] = want[11] = 0; /* the kernel writes the IP checksum */
	EXPECT(n == (ssize_t)sizeof(want) && !memcmp(out, want, sizeof(want)),
	       "not keepalived's octets");
	/* IP identification 0 would be replaced by the kernel: refused */
	ah.ip_id = 0;
	CHECK(vrrp_ah_build(&ah, out, sizeof(out)) == -EINVAL);
	ah.ip_id = 1;
	CHECK(vrrp_ah_build(&ah, out, 40) == -EMSGSIZE);
}

/* keepalived's adverts are accepted, in order, once each */
static void test_accept_keepalived(void)
{
	struct vrrp_ah_rx rx;
	uint32_t seq = 0;
	struct vrrp_advert a;
	struct hd_prefix vip = pfx("10.9.0.100");
	struct vrrp_rx_expect e = {.version = 2,
				   .family = AF_INET,
				   .vrid = 51,
				   .adver_int_cs = 100,
				   .auth_type = HD_VRRP_AUTH_AH,
				   .auth_pass = "secret1",
				   .vips = &vip,
				   .n_vips = 1,
				   .src = src,
				   .dst = grp};

	CHECK(vrrp_ah_strip(ka_seq1, sizeof(ka_seq1), &rx) == VRRP_DROP_NONE);
	CHECK(rx.seq == 1 && rx.spi == 0x0a090001 && rx.vrrp_len == 20 && rx.ttl == 255);
	CHECK(vrrp_ah_verify(ka_seq1, sizeof(ka_seq1), &rx, "secret1", false, &seq) == 0);
	CHECK(seq == 1);
	e.ttl = rx.ttl;
	CHECK(vrrp_pkt_parse(rx.vrrp, rx.vrrp_len, &e, &a) == VRRP_DROP_NONE && a.priority == 100);
	/* the same again: a replay */
	CHECK(vrrp_ah_verify(ka_seq1, sizeof(ka_seq1), &rx, "secret1", false, &seq) ==
	      VRRP_DROP_AUTH_FAILURE);
	CHECK(vrrp_ah_strip(ka_seq4, sizeof(ka_seq4), &rx) == VRRP_DROP_NONE);
	CHECK(vrrp_ah_verify(ka_seq4, sizeof(ka_seq4), &rx, "secret1", false, &seq) == 0);
	CHECK(seq == 4);
	CHECK(vrrp_pkt_parse(rx.vrrp, rx.vrrp_len, &e, &a) == VRRP_DROP_NONE && a.priority == 0);
	/* an older one after a newer one */
	CHECK(vrrp_ah_strip(ka_seq1, sizeof(ka_seq1), &rx) == VRRP_DROP_NONE);
	CHECK(vrrp_ah_verify(ka_seq1, sizeof(ka_seq1), &rx, "secret1", false, &seq) ==
	      VRRP_DROP_AUTH_FAILURE);
	/* a plain v2 parse expecting a password refuses auth type 2 */
	e.auth_type = HD_VRRP_AUTH_PASS;
	CHECK(vrrp_pkt_parse(ka_seq1 + 44, 20, &e, &a) == VRRP_DROP_AUTH_TYPE_MISMATCH);
}

/* Every octet the ICV covers, changed, fails; the mutable fields do not. */
static void test_tamper(void)
{
	uint8_t p[sizeof(ka_seq1)];
	struct vrrp_ah_rx rx;
	uint32_t seq;

	for (size_t i = 0; i < sizeof(p); i++) {
		bool mut = i == 1 || i == 6 || i == 7 || i == 10 || i == 11;
		enum vrrp_drop r;

		memcpy(p, ka_seq1, sizeof(p));
		p[i] ^= 0x01;
		seq = 0;
		r = vrrp_ah_strip(p, sizeof(p), &rx);
		if (!r)
			r = vrrp_ah_verify(p, sizeof(p), &rx, "secret1", false, &seq);
		EXPECT(mut ? r == VRRP_DROP_NONE : r != VRRP_DROP_NONE, "octet %zu: %s", i,
		       vrrp_drop_str(r));
	}
	/* TTL: covered for multicast, not for unicast (keepalived's rule) */
	memcpy(p, ka_seq1, sizeof(p));
	p[8] = 64;
	CHECK(vrrp_ah_strip(p, sizeof(p), &rx) == 0);
	seq = 0;
	CHECK(vrrp_ah_verify(p, sizeof(p), &rx, "secret1", false, &seq) == VRRP_DROP_AUTH_FAILURE);
	/* a wrong password; one of 8 octets is the same as one longer (the
	 * key is 8 octets) */
	seq = 0;
	CHECK(vrrp_ah_strip(ka_seq1, sizeof(ka_seq1), &rx) == 0);
	CHECK(vrrp_ah_verify(ka_seq1, sizeof(ka_seq1), &rx, "secret2", false, &seq) ==
	      VRRP_DROP_AUTH_FAILURE);
	CHECK(seq == 0);
}

static void test_unicast_ttl(void)
{
	static const uint8_t peer[4] = {10, 9, 0, 2};
	uint8_t v[20] = {0x21, 0x33, 0x64, 0x01, 0x02, 0x01}, out[VRRP_AH_PKT_MAX];
	struct vrrp_ah_tx ah = {.src = src,
				.dst = peer,
				.ip_id = 9,
				.seq = 7,
				.ttl = 255,
				.unicast = true,
				.key = "k",
				.vrrp = v,
				.vrrp_len = sizeof(v)};
	ssize_t n = vrrp_ah_build(&ah, out, sizeof(out));
	struct vrrp_ah_rx rx;
	uint32_t seq = 6;

	CHECK(n == 64);
	out[8] = 60; /* routed: TTL lower */
	CHECK(vrrp_ah_strip(out, (size_t)n, &rx) == 0);
	CHECK(vrrp_ah_verify(out, (size_t)n, &rx, "k", true, &seq) == 0 && seq == 7);
	seq = 6;
	CHECK(vrrp_ah_verify(out, (size_t)n, &rx, "k", false, &seq) == VRRP_DROP_AUTH_FAILURE);
	/* SPI not the source: refused though the ICV is right */
	out[12 + 3] = 5; /* source 10.9.0.5, SPI still 10.9.0.1 */
	CHECK(vrrp_ah_strip(out, (size_t)n, &rx) == 0);
	seq = 0;
	CHECK(vrrp_ah_verify(out, (size_t)n, &rx, "k", true, &seq) == VRRP_DROP_AUTH_FAILURE);
}

static void test_strip_shapes(void)
{
	static const struct {
		const char *name;
		size_t off, len; /* octet OFF set to VAL; the packet cut to LEN */
		uint8_t val;
		enum vrrp_drop want;
	} c[] = {
	    {"whole", 0, 64, 0x45, VRRP_DROP_NONE},
	    {"short IP header", 0, 19, 0x45, VRRP_DROP_TOO_SHORT},
	    {"IPv6 version", 0, 64, 0x65, VRRP_DROP_BAD_IP_HEADER},
	    {"IHL 4", 0, 64, 0x44, VRRP_DROP_BAD_IP_HEADER},
	    {"protocol 112", 9, 64, 112, VRRP_DROP_BAD_IP_HEADER},
	    {"total length beyond the read", 3, 64, 0x41, VRRP_DROP_TOO_SHORT},
	    {"total length inside the AH header", 3, 64, 30, VRRP_DROP_TOO_SHORT},
	    {"AH for TCP", 20, 64, 6, VRRP_DROP_BAD_IP_HEADER},
	    {"AH of another ICV length", 21, 64, 5, VRRP_DROP_BAD_IP_HEADER},
	    {"read cut", 0, 50, 0x45, VRRP_DROP_TOO_SHORT},
	};
	uint8_t p[sizeof(ka_seq1)];
	struct vrrp_ah_rx rx;

	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		memcpy(p, ka_seq1, sizeof(p));
		p[c[i].off] = c[i].val;
		EXPECT(vrrp_ah_strip(p, c[i].len, &rx) == c[i].want, "%s", c[i].name);
	}
}

static void test_seq(void)
{
	uint32_t s = 0;

	CHECK(vrrp_ah_seq_next(&s) == 1 && s == 1);
	s = 0xfffffffdu;
	CHECK(vrrp_ah_seq_next(&s) == 0xfffffffeu);
	CHECK(vrrp_ah_seq_next(&s) == 0xfffffffeu); /* stays: never wraps to a replay */
}

int main(void)
{
	test_hmac();
	test_build_as_keepalived();
	test_accept_keepalived();
	test_tamper();
	test_unicast_ttl();
	test_strip_shapes();
	test_seq();
	return failures ? 1 : 0;
}
