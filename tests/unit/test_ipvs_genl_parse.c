/* Kernel replies are input: the IPVS reply parsers (ipvs/ipvs_genl.c) must
 * accept well-formed services/destinations, reject every malformed one,
 * and never read out of bounds (run under ASan in development; here a
 * deterministic random sweep of attribute streams). */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>

#include "ipvs/ipvs_genl.h"
#include "unit.h"

/* What to break in an otherwise valid service reply. */
enum breakage {
	OK = 0,
	NO_AF,
	BAD_AF,
	SHORT_ADDR,
	V6_SHORT_ADDR,
	SCHED_NO_NUL,
	SCHED_TOO_LONG,
	SHORT_FLAGS,
	SHORT_PORT,
	NO_PORT,
	FWMARK_ZERO,
	BAD_STATS,
};

static struct nl_msg *service_msg(enum breakage b, bool v6, bool fwmark)
{
	struct nl_msg *m = nlmsg_alloc();
	genlmsg_put(m, 0, 0, 42, 0, 0, IPVS_CMD_NEW_SERVICE, IPVS_GENL_VERSION);
	struct nlattr *n = nla_nest_start(m, IPVS_CMD_ATTR_SERVICE);
	uint8_t addr[16] = {192, 168, 168, 100};
	if (v6)
		inet_pton(AF_INET6, "2001:db8::100", addr);
	if (b != NO_AF)
		nla_put_u16(m, IPVS_SVC_ATTR_AF, b == BAD_AF ? 99 : v6 ? AF_INET6 : AF_INET);
	if (fwmark) {
		nla_put_u32(m, IPVS_SVC_ATTR_FWMARK, b == FWMARK_ZERO ? 0 : 7);
	} else {
		nla_put_u16(m, IPVS_SVC_ATTR_PROTOCOL, IPPROTO_TCP);
		nla_put(m, IPVS_SVC_ATTR_ADDR,
			b == SHORT_ADDR	     ? 2
			: b == V6_SHORT_ADDR ? 4
					     : 16,
			addr);
		if (b == SHORT_PORT)
			nla_put(m, IPVS_SVC_ATTR_PORT, 1, "x");
		else if (b != NO_PORT)
			nla_put_u16(m, IPVS_SVC_ATTR_PORT, htons(80));
	}
	if (b == SCHED_NO_NUL)
		nla_put(m, IPVS_SVC_ATTR_SCHED_NAME, 3, "wrr");
	else
		nla_put_string(m, IPVS_SVC_ATTR_SCHED_NAME,
			       b == SCHED_TOO_LONG ? "a-very-long-scheduler-name-indeed" : "wrr");
	struct ip_vs_flags f = {.flags = IP_VS_SVC_F_PERSISTENT | IP_VS_SVC_F_HASHED, .mask = ~0u};
	nla_put(m, IPVS_SVC_ATTR_FLAGS, b == SHORT_FLAGS ? 2 : sizeof(f), &f);
	nla_put_u32(m, IPVS_SVC_ATTR_TIMEOUT, 60);
	nla_put_u32(m, IPVS_SVC_ATTR_NETMASK, v6 ? 64 : htonl(0xffffff00));
	struct nlattr *st = nla_nest_start(m, IPVS_SVC_ATTR_STATS64);
	if (b == BAD_STATS)
		nla_put(m, IPVS_STATS_ATTR_CONNS, 2, "xx");
	else
		nla_put_u64(m, IPVS_STATS_ATTR_CONNS, 12345);
	nla_nest_end(m, st);
	nla_nest_end(m, n);
	return m;
}

static void test_services(void)
{
	struct ipvs_service s;
	struct nl_msg *m = service_msg(OK, false, false);
	EXPECT(ipvs_nl_parse_service_reply(nlmsg_hdr(m), &s) == 0, "valid v4 service");
	char k[96];
	EXPECT(!strcmp(ipvs_svc_key_str(&s.key, k, sizeof(k)), "TCP 192.168.168.100:80"), "%s", k);
	EXPECT(!strcmp(s.sched, "wrr") && s.flags == IP_VS_SVC_F_PERSISTENT && s.timeout == 60 &&
		   s.netmask == 24 && s.stats.conns == 12345,
	       "fields: %s %#x %u %u %llu", s.sched, s.flags, s.timeout, s.netmask,
	       (unsigned long long)s.stats.conns);
	nlmsg_free(m);

	m = service_msg(OK, true, true);
	EXPECT(ipvs_nl_parse_service_reply(nlmsg_hdr(m), &s) == 0, "valid v6 fwmark service");
	EXPECT(!strcmp(ipvs_svc_key_str(&s.key, k, sizeof(k)), "FWM 7 inet6") && s.netmask == 64,
	       "%s /%u", k, s.netmask);
	nlmsg_free(m);

	m = service_msg(OK, true, false);
	EXPECT(ipvs_nl_parse_service_reply(nlmsg_hdr(m), &s) == 0, "valid v6 service");
	nlmsg_free(m);

	static const struct {
		enum breakage b;
		bool v6, fwmark;
	} bad[] = {
	    {NO_AF, false, false},	  {BAD_AF, false, false},
	    {SHORT_ADDR, false, false},	  {V6_SHORT_ADDR, true, false},
	    {SCHED_NO_NUL, false, false}, {SCHED_TOO_LONG, false, false},
	    {SHORT_FLAGS, false, false},  {SHORT_PORT, false, false},
	    {NO_PORT, false, false},	  {FWMARK_ZERO, false, true},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		m = service_msg(bad[i].b, bad[i].v6, bad[i].fwmark);
		EXPECT(ipvs_nl_parse_service_reply(nlmsg_hdr(m), &s) == -EBADMSG,
		       "breakage %d rejected", (int)bad[i].b);
		nlmsg_free(m);
	}
	/* Bad stats only lose the counters. */
	m = service_msg(BAD_STATS, false, false);
	EXPECT(ipvs_nl_parse_service_reply(nlmsg_hdr(m), &s) == 0 && s.stats.conns == 0,
	       "bad stats ignored");
	nlmsg_free(m);
}

static struct nl_msg *dest_msg(uint16_t fam_attr, bool port, int addr_len)
{
	struct nl_msg *m = nlmsg_alloc();
	genlmsg_put(m, 0, 0, 42, 0, 0, IPVS_CMD_NEW_DEST, IPVS_GENL_VERSION);
	struct nlattr *n = nla_nest_start(m, IPVS_CMD_ATTR_DEST);
	uint8_t addr[16] = {10, 1, 0, 10};
	nla_put(m, IPVS_DEST_ATTR_ADDR, addr_len, addr);
	if (port)
		nla_put_u16(m, IPVS_DEST_ATTR_PORT, htons(53));
	if (fam_attr)
		nla_put_u16(m, IPVS_DEST_ATTR_ADDR_FAMILY, fam_attr);
	nla_put_u32(m, IPVS_DEST_ATTR_FWD_METHOD, IP_VS_CONN_F_TUNNEL);
	nla_put_u32(m, IPVS_DEST_ATTR_WEIGHT, 3);
	nla_put_u32(m, IPVS_DEST_ATTR_ACTIVE_CONNS, 17);
	nla_put_u8(m, IPVS_DEST_ATTR_TUN_TYPE, IP_VS_CONN_F_TUNNEL_TYPE_GUE);
	nla_put_u16(m, IPVS_DEST_ATTR_TUN_PORT, htons(6080));
	struct nlattr *st = nla_nest_start(m, IPVS_DEST_ATTR_STATS);
	nla_put_u32(m, IPVS_STATS_ATTR_CONNS, 5);
	nla_put_u64(m, IPVS_STATS_ATTR_INBYTES, 1ULL << 40);
	nla_nest_end(m, st);
	nla_nest_end(m, n);
	return m;
}

static void test_dests(void)
{
	struct ipvs_dest d;
	struct nl_msg *m = dest_msg(AF_INET, true, 16);
	/* an IPv4 destination of an IPv6 service (TUN) */
	EXPECT(ipvs_nl_parse_dest_reply(nlmsg_hdr(m), AF_INET6, &d) == 0, "valid dest");
	char b[64];
	EXPECT(!strcmp(ipvs_dest_str(&d, b, sizeof(b)), "10.1.0.10:53") && d.weight == 3 &&
		   d.fwd == IP_VS_CONN_F_TUNNEL && d.tun_port == 6080 && d.activeconns == 17 &&
		   d.stats.conns == 5 && d.stats.inbytes == 1ULL << 40,
	       "dest fields %s", b);
	nlmsg_free(m);
	m = dest_msg(0, true, 4);
	EXPECT(ipvs_nl_parse_dest_reply(nlmsg_hdr(m), AF_INET, &d) == 0, "family from service");
	nlmsg_free(m);
	m = dest_msg(0, true, 4);
	EXPECT(ipvs_nl_parse_dest_reply(nlmsg_hdr(m), AF_INET6, &d) == -EBADMSG,
	       "v6 with 4-byte addr");
	nlmsg_free(m);
	m = dest_msg(7, true, 16);
	EXPECT(ipvs_nl_parse_dest_reply(nlmsg_hdr(m), AF_INET, &d) == -EBADMSG, "bad family");
	nlmsg_free(m);
	m = dest_msg(AF_INET, false, 16);
	EXPECT(ipvs_nl_parse_dest_reply(nlmsg_hdr(m), AF_INET, &d) == -EBADMSG, "no port");
	nlmsg_free(m);
	/* A service reply is not a dest reply and the other way round. */
	m = service_msg(OK, false, false);
	EXPECT(ipvs_nl_parse_dest_reply(nlmsg_hdr(m), AF_INET, &d) == -EBADMSG, "wrong kind");
	nlmsg_free(m);
}

/* Corrupt valid messages and feed random attribute streams: whatever the
 * bytes, the parsers return 0 or -1 and stay inside the message. */
static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		h = (h ^ ((const uint8_t *)p)[i]) * 0x100000001b3ULL;
	return h;
}

static void test_random(void)
{
	unsigned seed = 12345;
	size_t accepted = 0;
	uint64_t hash = 0xcbf29ce484222325ULL;
	for (int iter = 0; iter < 20000; iter++) {
		struct nl_msg *src = iter % 2 ? service_msg(OK, iter % 4 == 1, iter % 8 == 1)
					      : dest_msg(AF_INET, true, 16);
		struct nlmsghdr *h = nlmsg_hdr(src);
		size_t len = h->nlmsg_len;
		/* exact-size heap copy so ASan sees any overread */
		uint8_t *buf = malloc(len);
		memcpy(buf, h, len);
		int flips = 1 + (int)(rand_r(&seed) % 4);
		for (int f = 0; f < flips; f++) {
			size_t pos = NLMSG_HDRLEN + GENL_HDRLEN +
				     (size_t)rand_r(&seed) % (len - NLMSG_HDRLEN - GENL_HDRLEN);
			buf[pos] = (uint8_t)rand_r(&seed);
		}
		if (iter % 5 == 0) /* truncate: the header says less than was built */
			((struct nlmsghdr *)buf)->nlmsg_len =
			    (uint32_t)(NLMSG_HDRLEN + (size_t)rand_r(&seed) % (len - NLMSG_HDRLEN));
		struct ipvs_service s;
		struct ipvs_dest d;
		int r1 = ipvs_nl_parse_service_reply((struct nlmsghdr *)buf, &s);
		int r2 = ipvs_nl_parse_dest_reply((struct nlmsghdr *)buf, AF_INET6, &d);
		EXPECT((r1 == 0 || r1 == -EBADMSG) && (r2 == 0 || r2 == -EBADMSG), "iter %d", iter);
		accepted += !r1 + !r2;
		if (!r1)
			hash = fnv(hash, &s.key, sizeof(s.key)),
			hash = fnv(hash, &s.stats, sizeof(s.stats));
		if (!r2)
			hash = fnv(hash, &d.addr, sizeof(d.addr)),
			hash = fnv(hash, &d.weight, sizeof(d.weight)),
			hash = fnv(hash, &d.stats, sizeof(d.stats));
		free(buf);
		nlmsg_free(src);
	}
	/* The hash of what was parsed: equal across builds when two parsers
	 * accept the same replies and read the same values from them. */
	printf("random: %zu of 20000 mutated replies still parsed, fields hash %016llx\n", accepted,
	       (unsigned long long)hash);
}

int main(void)
{
	test_services();
	test_dests();
	test_random();
	if (failures)
		fprintf(stderr, "%d failure(s)\n", failures);
	else
		printf("test_ipvs_genl_parse: all passed\n");
	return failures ? 1 : 0;
}
