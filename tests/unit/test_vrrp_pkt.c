/* VRRP codec against golden bytes (hand-computed from RFC 5798 / 3768 and
 * captured from keepalived 2.2.7), and every drop reason. */
#include <errno.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vrrp/vrrp_pkt.h"
#include "unit.h"

/* v3, 192.168.168.50 -> 224.0.0.18, VRID 51, prio 150, 100 cs, VIP .100.
 * Byte-identical to keepalived's advert captured with tcpdump. */
static const uint8_t v3_4[] = {0x31, 0x33, 0x96, 0x01, 0x00, 0x64,
			       0x85, 0xef, 0xc0, 0xa8, 0xa8, 0x64};
/* v3, VRID 51, prio 100, 10 cs, two VIPs .100 and 10.0.0.1 */
static const uint8_t v3_4b[] = {0x31, 0x33, 0x64, 0x02, 0x00, 0x0a, 0xae, 0x43,
				0xc0, 0xa8, 0xa8, 0x64, 0x0a, 0x00, 0x00, 0x01};
/* v3 IPv6, fe80::1 -> ff02::12, VRID 7, prio 200, 10 cs, VIP 2001:db8::100 */
static const uint8_t v3_6[] = {0x31, 0x07, 0xc8, 0x01, 0x00, 0x0a, 0xda, 0x14,
			       0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00,
			       0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00};
/* v2, VRID 51, prio 150, 1 s, auth pass "secret" / no auth */
static const uint8_t v2_pass[] = {0x21, 0x33, 0x96, 0x01, 0x01, 0x01, 0xa2, 0x70, 0xc0, 0xa8,
				  0xa8, 0x64, 0x73, 0x65, 0x63, 0x72, 0x65, 0x74, 0x00, 0x00};
static const uint8_t v2_none[] = {0x21, 0x33, 0x96, 0x01, 0x00, 0x01, 0xdf, 0xbc, 0xc0, 0xa8,
				  0xa8, 0x64, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};
/* Full IPv4 packets sent by keepalived 2.2.7 (TOS 0xc0, TTL 255). */
static const uint8_t ka_v3[] = {0x45, 0xc0, 0x00, 0x20, 0x00, 0x01, 0x00, 0x00, 0xff, 0x70, 0x71,
				0xbf, 0xc0, 0xa8, 0xa8, 0x32, 0xe0, 0x00, 0x00, 0x12, 0x31, 0x33,
				0x96, 0x01, 0x00, 0x64, 0x85, 0xef, 0xc0, 0xa8, 0xa8, 0x64};
static const uint8_t ka_v2[] = {0x45, 0xc0, 0x00, 0x28, 0x00, 0x01, 0x00, 0x00, 0xff, 0x70,
				0x71, 0xb7, 0xc0, 0xa8, 0xa8, 0x32, 0xe0, 0x00, 0x00, 0x12,
				0x21, 0x34, 0x78, 0x01, 0x01, 0x01, 0xc0, 0x6e, 0xc0, 0xa8,
				0xa8, 0x65, 0x73, 0x65, 0x63, 0x72, 0x65, 0x74, 0x00, 0x00};

static struct hd_prefix pfx(const char *s)
{
	struct hd_prefix p;

	memset(&p, 0, sizeof(p));
	if (strchr(s, ':')) {
		p.addr.family = AF_INET6;
		inet_pton(AF_INET6, s, &p.addr.u.v6);
	} else {
		p.addr.family = AF_INET;
		inet_pton(AF_INET, s, &p.addr.u.v4);
	}
	return p;
}

static uint8_t src4[4], dst4[4], src6[16], dst6[16];

static struct vrrp_rx_expect exp_v3_4(const struct hd_prefix *vips, size_t n)
{
	return (struct vrrp_rx_expect){.version = 3,
				       .family = AF_INET,
				       .vrid = 51,
				       .adver_int_cs = 100,
				       .vips = vips,
				       .n_vips = n,
				       .src = src4,
				       .dst = dst4,
				       .ttl = 255};
}

static void test_build(void)
{
	struct hd_prefix vip = pfx("192.168.168.100"),
			 vips2[] = {pfx("192.168.168.100"), pfx("10.0.0.1"), pfx("2001:db8::9")};
	struct hd_prefix vip6[] = {pfx("10.1.1.1"), pfx("2001:db8::100")};
	uint8_t buf[VRRP_PKT_MAX];
	struct vrrp_tx tx = {.version = 3,
			     .family = AF_INET,
			     .vrid = 51,
			     .priority = 150,
			     .adver_int_cs = 100,
			     .vips = &vip,
			     .n_vips = 1,
			     .src = src4,
			     .dst = dst4};
	ssize_t n = vrrp_pkt_build(&tx, buf, sizeof(buf));

	CHECK(n == sizeof(v3_4) && !memcmp(buf, v3_4, sizeof(v3_4)));
	/* other-family VIPs are skipped */
	tx.priority = 100, tx.adver_int_cs = 10, tx.vips = vips2, tx.n_vips = 3;
	n = vrrp_pkt_build(&tx, buf, sizeof(buf));
	CHECK(n == sizeof(v3_4b) && !memcmp(buf, v3_4b, sizeof(v3_4b)));
	tx = (struct vrrp_tx){.version = 3,
			      .family = AF_INET6,
			      .vrid = 7,
			      .priority = 200,
			      .adver_int_cs = 10,
			      .vips = vip6,
			      .n_vips = 2,
			      .src = src6,
			      .dst = dst6};
	n = vrrp_pkt_build(&tx, buf, sizeof(buf));
	CHECK(n == sizeof(v3_6) && !memcmp(buf, v3_6, sizeof(v3_6)));
	tx = (struct vrrp_tx){.version = 2,
			      .family = AF_INET,
			      .vrid = 51,
			      .priority = 150,
			      .adver_int_cs = 100,
			      .auth_type = HD_VRRP_AUTH_PASS,
			      .auth_pass = "secret",
			      .vips = &vip,
			      .n_vips = 1};
	n = vrrp_pkt_build(&tx, buf, sizeof(buf));
	CHECK(n == sizeof(v2_pass) && !memcmp(buf, v2_pass, sizeof(v2_pass)));
	tx.auth_type = HD_VRRP_AUTH_NONE;
	n = vrrp_pkt_build(&tx, buf, sizeof(buf));
	CHECK(n == sizeof(v2_none) && !memcmp(buf, v2_none, sizeof(v2_none)));
	/* too small a buffer, v2 over IPv6, bad version */
	CHECK(vrrp_pkt_build(&tx, buf, 19) == -EMSGSIZE);
	tx.family = AF_INET6;
	CHECK(vrrp_pkt_build(&tx, buf, sizeof(buf)) == -EINVAL);
	tx.family = AF_INET, tx.version = 4;
	CHECK(vrrp_pkt_build(&tx, buf, sizeof(buf)) == -EINVAL);
}

static void test_parse_good(void)
{
	struct hd_prefix vip = pfx("192.168.168.100"),
			 two[] = {pfx("10.0.0.1"), pfx("192.168.168.100")};
	struct hd_prefix v6 = pfx("2001:db8::100");
	struct vrrp_rx_expect e = exp_v3_4(&vip, 1);
	struct vrrp_advert a;

	CHECK(vrrp_pkt_parse(v3_4, sizeof(v3_4), &e, &a) == VRRP_DROP_NONE);
	CHECK(a.version == 3 && a.vrid == 51 && a.priority == 150 && a.adver_int_cs == 100 &&
	      a.n_addrs == 1);
	/* list order does not matter */
	e = exp_v3_4(two, 2);
	CHECK(vrrp_pkt_parse(v3_4b, sizeof(v3_4b), &e, &a) == VRRP_DROP_NONE);
	CHECK(a.priority == 100 && a.adver_int_cs == 10 && a.n_addrs == 2);
	e = (struct vrrp_rx_expect){.version = 3,
				    .family = AF_INET6,
				    .vrid = 7,
				    .vips = &v6,
				    .n_vips = 1,
				    .src = src6,
				    .dst = dst6,
				    .ttl = 255};
	CHECK(vrrp_pkt_parse(v3_6, sizeof(v3_6), &e, &a) == VRRP_DROP_NONE);
	CHECK(a.priority == 200 && a.adver_int_cs == 10 && a.family == AF_INET6);
	e = (struct vrrp_rx_expect){.version = 2,
				    .family = AF_INET,
				    .vrid = 51,
				    .adver_int_cs = 100,
				    .auth_type = HD_VRRP_AUTH_PASS,
				    .auth_pass = "secret",
				    .vips = &vip,
				    .n_vips = 1,
				    .ttl = 255};
	CHECK(vrrp_pkt_parse(v2_pass, sizeof(v2_pass), &e, &a) == VRRP_DROP_NONE);
	CHECK(a.version == 2 && a.auth_type == 1 && a.adver_int_cs == 100);
	e.auth_type = HD_VRRP_AUTH_NONE;
	CHECK(vrrp_pkt_parse(v2_none, sizeof(v2_none), &e, &a) == VRRP_DROP_NONE);
}

static void test_keepalived(void)
{
	struct hd_prefix vip = pfx("192.168.168.100"), vip2 = pfx("192.168.168.101");
	const uint8_t *pl;
	size_t plen;
	uint8_t s[4], d[4];
	int ttl;
	struct vrrp_advert a;
	struct vrrp_rx_expect e;

	CHECK(vrrp_pkt_strip_ip4(ka_v3, sizeof(ka_v3), &pl, &plen, s, d, &ttl) == VRRP_DROP_NONE);
	CHECK(ttl == 255 && plen == 12 && !memcmp(s, src4, 4) && !memcmp(d, dst4, 4));
	e = exp_v3_4(&vip, 1);
	e.ttl = ttl;
	CHECK(vrrp_pkt_parse(pl, plen, &e, &a) == VRRP_DROP_NONE && a.priority == 150);
	CHECK(vrrp_pkt_strip_ip4(ka_v2, sizeof(ka_v2), &pl, &plen, s, d, &ttl) == VRRP_DROP_NONE);
	e = (struct vrrp_rx_expect){.version = 2,
				    .family = AF_INET,
				    .vrid = 52,
				    .adver_int_cs = 100,
				    .auth_type = HD_VRRP_AUTH_PASS,
				    .auth_pass = "secret",
				    .vips = &vip2,
				    .n_vips = 1,
				    .ttl = ttl};
	CHECK(vrrp_pkt_parse(pl, plen, &e, &a) == VRRP_DROP_NONE && a.priority == 120);
}

/* One row per drop reason the codec detects. */
struct drop_case {
	const char *name;
	enum vrrp_drop want;
	void (*mutate)(uint8_t *pkt, size_t *len, struct vrrp_rx_expect *e);
};

static struct hd_prefix other_vip, two_vips[2];

static void m_short(uint8_t *p, size_t *len, struct vrrp_rx_expect *e)
{
	*len = 7;
}
static void m_short_addr(uint8_t *p, size_t *len, struct vrrp_rx_expect *e)
{
	*len = 11;
}
static void m_ttl(uint8_t *p, size_t *len, struct vrrp_rx_expect *e)
{
	e->ttl = 254;
}
static void m_ttl_none(uint8_t *p, size_t *len, struct vrrp_rx_expect *e)
{
	e->ttl = -1;
}
static void m_version(uint8_t *p, size_t *len, struct vrrp_rx_expect *e)
{
	p[0] = 0x21;
}
static void m_version4(uint8_t *p, size_t *len, struct vrrp_rx_expect *e)
{
	p[0] = 0x41;
}
static void m_type(uint8_t *p, size_t *len, struct vrrp_rx_expect *e)
{
	p[0] = 0x32;
}
static void m_csum(uint8_t *p, size_t *len, struct vrrp_rx_expect *e)
{
	p[7] ^= 1;
}
static void m_payload(uint8_t *p, size_t *len, struct vrrp_rx_expect *e)
{
	p[2] = 151;
}
static void m_src(uint8_t *p, size_t *len, struct vrrp_rx_expect *e)
{
	e->src = dst4;
}
static void m_vrid(uint8_t *p, size_t *len, struct vrrp_rx_expect *e)
{
	e->vrid = 52;
}
static void m_count(uint8_t *p, size_t *len, struct vrrp_rx_expect *e)
{
	e->vips = two_vips, e->n_vips = 2;
}
static void m_list(uint8_t *p, size_t *len, struct vrrp_rx_expect *e)
{
	e->vips = &other_vip;
}

static void run_drop_cases(const uint8_t *pkt, size_t plen, struct vrrp_rx_expect base,
			   const struct drop_case *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint8_t buf[64];
		size_t len = plen;
		struct vrrp_rx_expect e = base;
		struct vrrp_advert a;
		enum vrrp_drop got;

		memcpy(buf, pkt, plen);
		c[i].mutate(buf, &len, &e);
		got = vrrp_pkt_parse(buf, len, &e, &a);
		if (got != c[i].want) {
			fprintf(stderr, "FAIL drop case %s: got %s want %s\n", c[i].name,
				vrrp_drop_str(got), vrrp_drop_str(c[i].want));
			failures++;
		}
	}
}

static void test_drops_v3(void)
{
	static const struct drop_case cases[] = {
	    {"too short header", VRRP_DROP_TOO_SHORT, m_short},
	    {"too short addrs", VRRP_DROP_TOO_SHORT, m_short_addr},
	    {"ttl 254", VRRP_DROP_BAD_TTL, m_ttl},
	    {"ttl unknown", VRRP_DROP_BAD_TTL, m_ttl_none},
	    {"v2 packet to v3 instance", VRRP_DROP_BAD_VERSION, m_version},
	    {"version 4", VRRP_DROP_BAD_VERSION, m_version4},
	    {"type 2", VRRP_DROP_BAD_TYPE, m_type},
	    {"checksum bit", VRRP_DROP_BAD_CHECKSUM, m_csum},
	    {"payload changed", VRRP_DROP_BAD_CHECKSUM, m_payload},
	    {"pseudo header src", VRRP_DROP_BAD_CHECKSUM, m_src},
	    {"vrid", VRRP_DROP_VRID_MISMATCH, m_vrid},
	    {"addr count", VRRP_DROP_ADDR_COUNT_MISMATCH, m_count},
	    {"addr list", VRRP_DROP_ADDR_LIST_MISMATCH, m_list},
	};
	struct hd_prefix vip = pfx("192.168.168.100");

	run_drop_cases(v3_4, sizeof(v3_4), exp_v3_4(&vip, 1), cases,
		       sizeof(cases) / sizeof(cases[0]));
}

static void m_v2_int(uint8_t *p, size_t *len, struct vrrp_rx_expect *e)
{
	e->adver_int_cs = 200;
}
static void m_v2_authtype(uint8_t *p, size_t *len, struct vrrp_rx_expect *e)
{
	e->auth_type = HD_VRRP_AUTH_NONE;
}
static void m_v2_pass(uint8_t *p, size_t *len, struct vrrp_rx_expect *e)
{
	e->auth_pass = "secreT";
}
static void m_v2_noauth(uint8_t *p, size_t *len, struct vrrp_rx_expect *e)
{
	*len = 12;
}
static void m_v2_v3(uint8_t *p, size_t *len, struct vrrp_rx_expect *e)
{
	e->version = 3;
}

static void test_drops_v2(void)
{
	static const struct drop_case cases[] = {
	    {"v2 interval", VRRP_DROP_ADVER_INT_MISMATCH, m_v2_int},
	    {"v2 auth type", VRRP_DROP_AUTH_TYPE_MISMATCH, m_v2_authtype},
	    {"v2 password", VRRP_DROP_AUTH_FAILURE, m_v2_pass},
	    {"v2 auth data missing", VRRP_DROP_TOO_SHORT, m_v2_noauth},
	    {"v2 to v3 instance", VRRP_DROP_BAD_VERSION, m_v2_v3},
	    {"v2 checksum", VRRP_DROP_BAD_CHECKSUM, m_csum},
	    {"v2 ttl", VRRP_DROP_BAD_TTL, m_ttl},
	};
	struct hd_prefix vip = pfx("192.168.168.100");
	struct vrrp_rx_expect e = {.version = 2,
				   .family = AF_INET,
				   .vrid = 51,
				   .adver_int_cs = 100,
				   .auth_type = HD_VRRP_AUTH_PASS,
				   .auth_pass = "secret",
				   .vips = &vip,
				   .n_vips = 1,
				   .ttl = 255};

	run_drop_cases(v2_pass, sizeof(v2_pass), e, cases, sizeof(cases) / sizeof(cases[0]));
}

static void test_misc(void)
{
	struct hd_prefix vip = pfx("192.168.168.100");
	struct vrrp_rx_expect e = exp_v3_4(&other_vip, 1);
	uint8_t buf[VRRP_PKT_MAX], ip[40];
	struct vrrp_tx tx = {.version = 3,
			     .family = AF_INET,
			     .vrid = 51,
			     .priority = 255,
			     .adver_int_cs = 0,
			     .vips = &vip,
			     .n_vips = 1,
			     .src = src4,
			     .dst = dst4};
	struct vrrp_advert a;
	const uint8_t *pl;
	size_t plen;
	uint8_t s[4], d[4];
	int ttl;
	ssize_t n;

	/* interval 0 would make timers fire in a loop */
	n = vrrp_pkt_build(&tx, buf, sizeof(buf));
	CHECK(vrrp_pkt_parse(buf, (size_t)n, &e, &a) == VRRP_DROP_ZERO_INTERVAL);
	/* the owner (255) may advertise another list (RFC 5798 7.1) */
	tx.adver_int_cs = 100;
	n = vrrp_pkt_build(&tx, buf, sizeof(buf));
	CHECK(vrrp_pkt_parse(buf, (size_t)n, &e, &a) == VRRP_DROP_NONE);
	/* IPv4 header checks */
	memcpy(ip, ka_v3, sizeof(ka_v3));
	CHECK(vrrp_pkt_strip_ip4(ip, 19, &pl, &plen, s, d, &ttl) == VRRP_DROP_TOO_SHORT);
	CHECK(vrrp_pkt_strip_ip4(ip, sizeof(ka_v3) - 1, &pl, &plen, s, d, &ttl) ==
	      VRRP_DROP_TOO_SHORT);
	ip[0] = 0x65;
	CHECK(vrrp_pkt_strip_ip4(ip, sizeof(ka_v3), &pl, &plen, s, d, &ttl) ==
	      VRRP_DROP_BAD_IP_HEADER);
	ip[0] = 0x4f; /* ihl 60 > packet */
	CHECK(vrrp_pkt_strip_ip4(ip, sizeof(ka_v3), &pl, &plen, s, d, &ttl) ==
	      VRRP_DROP_BAD_IP_HEADER);
	ip[0] = 0x45, ip[9] = 17;
	CHECK(vrrp_pkt_strip_ip4(ip, sizeof(ka_v3), &pl, &plen, s, d, &ttl) ==
	      VRRP_DROP_BAD_IP_HEADER);
	/* every reason has a name */
	for (int i = 0; i < VRRP_DROP__MAX; i++)
		CHECK(vrrp_drop_names[i] && strcmp(vrrp_drop_str((enum vrrp_drop)i), "unknown"));
	CHECK(!strcmp(vrrp_drop_str(VRRP_DROP__MAX), "unknown"));
	CHECK(vrrp_pkt_peek_vrid(v3_4, sizeof(v3_4)) == 51 && vrrp_pkt_peek_vrid(v3_4, 1) == -1);
}

/* The address list is checked at every priority but the owner's (RFC 5798
 * 7.1), for both families and both versions: a check skipped above some
 * priority would let a forged list take the master role (priorities above
 * ours are exactly the adverts that matter). */
static void test_addr_lists_all_priorities(void)
{
	struct hd_prefix one4 = pfx("192.168.168.100"), other4 = pfx("192.168.168.99");
	struct hd_prefix two4[] = {pfx("192.168.168.100"), pfx("192.168.168.101")};
	struct hd_prefix dup4[] = {pfx("192.168.168.100"), pfx("192.168.168.100")};
	struct hd_prefix one6 = pfx("2001:db8::100"), other6 = pfx("2001:db8::99");
	const struct {
		int version, family;
		const struct hd_prefix *sent, *want;
		size_t n_sent, n_want;
		enum vrrp_drop drop;
	} cases[] = {
	    {3, AF_INET, &other4, &one4, 1, 1, VRRP_DROP_ADDR_LIST_MISMATCH},
	    {3, AF_INET, two4, &one4, 2, 1, VRRP_DROP_ADDR_COUNT_MISMATCH},
	    {3, AF_INET, &one4, two4, 1, 2, VRRP_DROP_ADDR_COUNT_MISMATCH},
	    {3, AF_INET, dup4, two4, 2, 2, VRRP_DROP_ADDR_LIST_MISMATCH},
	    {3, AF_INET6, &other6, &one6, 1, 1, VRRP_DROP_ADDR_LIST_MISMATCH},
	    {2, AF_INET, &other4, &one4, 1, 1, VRRP_DROP_ADDR_LIST_MISMATCH},
	    {2, AF_INET, two4, &one4, 2, 1, VRRP_DROP_ADDR_COUNT_MISMATCH},
	    {3, AF_INET, &one4, &one4, 1, 1, VRRP_DROP_NONE},
	    {3, AF_INET6, &one6, &one6, 1, 1, VRRP_DROP_NONE},
	    {2, AF_INET, two4, two4, 2, 2, VRRP_DROP_NONE},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		bool v6 = cases[i].family == AF_INET6;
		const void *src = v6 ? (const void *)src6 : src4,
			   *dst = v6 ? (const void *)dst6 : dst4;
		unsigned wrong = 0;

		for (unsigned prio = 0; prio <= 255; prio++) {
			uint8_t buf[VRRP_PKT_MAX];
			struct vrrp_tx tx = {.version = cases[i].version,
					     .family = cases[i].family,
					     .vrid = 51,
					     .priority = (uint8_t)prio,
					     .adver_int_cs = 100,
					     .vips = cases[i].sent,
					     .n_vips = cases[i].n_sent,
					     .src = src,
					     .dst = dst};
			struct vrrp_rx_expect e = {.version = cases[i].version,
						   .family = cases[i].family,
						   .vrid = 51,
						   .adver_int_cs = 100,
						   .vips = cases[i].want,
						   .n_vips = cases[i].n_want,
						   .src = src,
						   .dst = dst,
						   .ttl = 255};
			enum vrrp_drop want =
			    prio == VRRP_PRIO_OWNER ? VRRP_DROP_NONE : cases[i].drop;
			struct vrrp_advert a;
			ssize_t n = vrrp_pkt_build(&tx, buf, sizeof(buf));

			if (n < 0 || vrrp_pkt_parse(buf, (size_t)n, &e, &a) != want)
				wrong++;
		}
		if (wrong) {
			fprintf(stderr,
				"FAIL address list case %zu (v%d %s): %u of 256 priorities\n", i,
				cases[i].version, v6 ? "IPv6" : "IPv4", wrong);
			failures++;
		}
	}
}

/* Random and truncated input never crashes and never passes. */
static void test_garbage(void)
{
	struct hd_prefix vip = pfx("192.168.168.100");
	struct vrrp_rx_expect e = exp_v3_4(&vip, 1);
	struct vrrp_advert a;
	uint8_t buf[300];
	const uint8_t *pl;
	size_t plen;
	uint8_t s[4], d[4];
	int ttl;

	for (size_t l = 0; l < sizeof(v3_4); l++)
		CHECK(vrrp_pkt_parse(v3_4, l, &e, &a) != VRRP_DROP_NONE);
	srand(1);
	for (int i = 0; i < 100000; i++) {
		size_t len = (size_t)rand() % sizeof(buf);

		for (size_t j = 0; j < len; j++)
			buf[j] = (uint8_t)rand();
		if (i & 1)
			buf[0] = 0x31;
		(void)vrrp_pkt_parse(buf, len, &e, &a);
		(void)vrrp_pkt_strip_ip4(buf, len, &pl, &plen, s, d, &ttl);
	}
}

int main(void)
{
	inet_pton(AF_INET, "192.168.168.50", src4);
	inet_pton(AF_INET, "224.0.0.18", dst4);
	inet_pton(AF_INET6, "fe80::1", src6);
	inet_pton(AF_INET6, "ff02::12", dst6);
	other_vip = pfx("192.168.168.99");
	two_vips[0] = pfx("192.168.168.100");
	two_vips[1] = pfx("192.168.168.101");
	test_build();
	test_parse_good();
	test_keepalived();
	test_drops_v3();
	test_drops_v2();
	test_addr_lists_all_priorities();
	test_misc();
	test_garbage();
	if (failures)
		fprintf(stderr, "%d failure(s)\n", failures);
	return failures ? 1 : 0;
}
