/* check_forwarding_path's pure part (healthcheck/hc_fwd_pkt.c): when it
 * applies, the packets it sends, which received packets are its replies
 * (and which are counted as stray or ignored), and how its verdict joins
 * the check's. */
#include "config.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "healthcheck/hc_fwd_pkt.h"

static int fails;
#define CHECK(c)                                                                                   \
	do {                                                                                       \
		if (!(c)) {                                                                        \
			fprintf(stderr, "%s:%d: FAIL %s\n", __FILE__, __LINE__, #c);               \
			fails++;                                                                   \
		}                                                                                  \
	} while (0)

#define DIR 0x0a000001u /* 10.0.0.1 */
#define VIP 0x0a000064u /* 10.0.0.100 */
#define RS  0x0a000002u
static const uint8_t dmac[6] = {2, 0, 0, 0, 0, 1}, rmac[6] = {2, 0, 0, 0, 0, 2},
		     omac[6] = {2, 0, 0, 0, 0, 3};

static struct hc_fwd_id mkid(bool tcp)
{
	struct hc_fwd_id id = {
	    .p = {.kind = HD_LB_DR, .tcp = tcp, .vip = VIP, .rs = RS, .port = 80},
	    .dir = DIR,
	    .has_rs_mac = true,
	    .sport = 40000,
	    .seq = 0x11223344,
	    .token = {9, 8, 7, 6, 5, 4, 3, 2}};
	memcpy(id.dir_mac, dmac, 6);
	memcpy(id.rs_mac, rmac, 6);
	return id;
}

static unsigned sum16(const uint8_t *b, size_t n, unsigned long s)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		s += (unsigned long)(b[i] << 8 | b[i + 1]);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (unsigned)s;
}

/* A reply from the VIP to the director: the probe built the other way
 * round, then FLAGS and ACK (TCP) or the echo reply type (ICMP). */
static size_t reply(uint8_t *b, const struct hc_fwd_id *id, uint8_t flags, uint32_t ack)
{
	struct hc_fwd_id r = *id;
	r.dir = id->p.vip;
	r.p.vip = id->dir;
	r.sport = id->p.port;
	r.p.port = id->sport;
	size_t n = hc_fwd_build_probe(b, &r, false);
	if (id->p.tcp) {
		b[33] = flags;
		b[28] = (uint8_t)(ack >> 24), b[29] = (uint8_t)(ack >> 16);
		b[30] = (uint8_t)(ack >> 8), b[31] = (uint8_t)ack;
	} else {
		b[20] = 0;
		b[22] = b[23] = 0;
		unsigned s = ~sum16(b + 20, n - 20, 0) & 0xffff;
		b[22] = (uint8_t)(s >> 8), b[23] = (uint8_t)s;
	}
	return n;
}

static size_t arp_reply(uint8_t *b, const uint8_t *sha, uint32_t spa, uint32_t tpa, int oper)
{
	struct hc_fwd_id a = mkid(true);
	memcpy(a.dir_mac, sha, 6);
	a.dir = spa;
	hc_fwd_build_arp(b, &a, tpa);
	b[7] = (uint8_t)oper;
	return HC_FWD_ARP_LEN;
}

static void test_params(void)
{
	struct hd_virtual_server_config vs = {.protocol = HD_PROTO_TCP, .lb_kind = HD_LB_DR};
	struct hd_real_server_config rs = {.check_fwd_path = true};
	struct hc_fwd_params p;

	vs.ep.addr.family = rs.ep.addr.family = AF_INET;
	vs.ep.addr.u.v4.s_addr = htonl(VIP);
	vs.ep.port = 443;
	rs.ep.addr.u.v4.s_addr = htonl(RS);
	CHECK(hc_fwd_params(&vs, &rs, &p) && p.kind == HD_LB_DR && p.tcp && p.vip == VIP &&
	      p.rs == RS && p.port == 443);
	rs.fwd_probe_echo = true; /* forwarding_path_probe = echo: an echo to a TCP service */
	CHECK(hc_fwd_params(&vs, &rs, &p) && !p.tcp && p.port == 443);
	rs.fwd_probe_echo = false;
	vs.protocol = HD_PROTO_UDP; /* udp: an echo */
	CHECK(hc_fwd_params(&vs, &rs, &p) && !p.tcp);
	rs.has_lb_kind = true, rs.lb_kind = HD_LB_TUN;
	CHECK(hc_fwd_params(&vs, &rs, &p) && p.kind == HD_LB_TUN);
	rs.lb_kind = HD_LB_NAT; /* NAT: nothing to check */
	CHECK(!hc_fwd_params(&vs, &rs, &p));
	rs.has_lb_kind = false;
	rs.check_fwd_path = false;
	CHECK(!hc_fwd_params(&vs, &rs, &p));
	rs.check_fwd_path = true;
	vs.is_fwmark = true; /* no VIP */
	CHECK(!hc_fwd_params(&vs, &rs, &p));
	vs.is_fwmark = false;
	vs.ep.addr.family = AF_INET6;
	CHECK(!hc_fwd_params(&vs, &rs, &p));
}

static void test_build(void)
{
	struct hc_fwd_id id = mkid(true);
	uint8_t b[HC_FWD_PKT_MAX];
	size_t n = hc_fwd_build_probe(b, &id, false);

	CHECK(n == 40 && b[0] == 0x45 && b[9] == 6 && b[33] == 0x02);
	CHECK(sum16(b, 20, 0) == 0xffff); /* IP header checksum */
	unsigned long ph = (DIR >> 16) + (DIR & 0xffff) + (VIP >> 16) + (VIP & 0xffff) + 6 + 20;
	CHECK(sum16(b + 20, 20, ph) == 0xffff); /* TCP checksum with pseudo header */
	CHECK(b[16] == 10 && b[19] == 100 && b[22] == 0 && b[23] == 80 && b[20] == 0x9c);
	n = hc_fwd_build_probe(b, &id, true);
	CHECK(b[33] == 0x04 && b[27] == 0x45); /* RST, seq + 1 */
	CHECK(sum16(b + 20, 20, ph) == 0xffff);
	id = mkid(false);
	n = hc_fwd_build_probe(b, &id, false);
	CHECK(n == 36 && b[9] == 1 && b[20] == 8 && sum16(b + 20, 16, 0) == 0xffff);
	CHECK(!memcmp(b + 28, id.token, 8));
	n = hc_fwd_build_arp(b, &id, VIP);
	CHECK(n == 28 && b[7] == 1 && !memcmp(b + 8, dmac, 6) && b[27] == 100 && b[17] == 1);
}

struct pcase {
	const char *what;
	bool tcp;
	uint8_t flags;
	int32_t ack_delta; /* ack = seq + 1 + this */
	int mangle;	   /* byte to flip, -1 none; -2 cut to 30 bytes; -3 a fragment */
	enum hc_fwd_reply want;
};

static void test_parse(void)
{
	static const struct pcase cases[] = {
	    {"syn-ack", true, 0x12, 0, -1, HC_FWD_R_SYNACK},
	    {"rst-ack: closed port, VIP accepted", true, 0x14, 0, -1, HC_FWD_R_RST},
	    {"syn-ack, wrong ack", true, 0x12, 5, -1, HC_FWD_R_STRAY},
	    {"rst without ack", true, 0x04, 0, -1, HC_FWD_R_STRAY},
	    {"syn-ack-fin", true, 0x13, 0, -1, HC_FWD_R_STRAY},
	    {"other port: another probe's", true, 0x12, 0, 21, HC_FWD_R_NONE},
	    {"other source port", true, 0x12, 0, 23, HC_FWD_R_NONE},
	    {"from elsewhere", true, 0x12, 0, 15, HC_FWD_R_NONE},
	    {"to elsewhere", true, 0x12, 0, 19, HC_FWD_R_NONE},
	    {"bad ip checksum", true, 0x12, 0, 10, HC_FWD_R_STRAY},
	    {"udp from the VIP: not this probe's", true, 0x12, 0, 9, HC_FWD_R_NONE},
	    {"cut short", true, 0x12, 0, -2, HC_FWD_R_STRAY},
	    {"a fragment", true, 0x12, 0, -3, HC_FWD_R_STRAY},
	    {"ipv6 version", true, 0x12, 0, 0, HC_FWD_R_NONE},
	    {"echo reply", false, 0, 0, -1, HC_FWD_R_ECHO},
	    {"echo reply, wrong token", false, 0, 0, 30, HC_FWD_R_STRAY},
	    {"echo reply, other ident: another probe's", false, 0, 0, 24, HC_FWD_R_NONE},
	    {"echo reply, other seq", false, 0, 0, 27, HC_FWD_R_STRAY},
	    {"echo reply, cut short", false, 0, 0, -2, HC_FWD_R_STRAY},
	};
	uint8_t b[HC_FWD_PKT_MAX], mac[6];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct pcase *c = &cases[i];
		struct hc_fwd_id id = mkid(c->tcp);
		size_t n = reply(b, &id, c->flags, id.seq + 1 + (uint32_t)c->ack_delta);
		if (c->mangle >= 0)
			b[c->mangle] ^= c->mangle == 0 ? 0x20 : 1;
		if (c->mangle == 9) { /* another protocol, its checksum right */
			b[9] = 17;
			b[10] = b[11] = 0;
			unsigned s = ~sum16(b, 20, 0) & 0xffff;
			b[10] = (uint8_t)(s >> 8), b[11] = (uint8_t)s;
		}
		if (c->mangle == -2)
			n = 30;
		if (c->mangle == -3)
			b[6] |= 0x20; /* MF */
		enum hc_fwd_reply r = hc_fwd_parse(b, n, 0x0800, &id, mac);
		if (r != c->want) {
			fprintf(stderr, "parse %s: %d, want %d\n", c->what, r, c->want);
			fails++;
		}
	}
	/* an echo request to us (someone pinging), from the VIP: not ours */
	struct hc_fwd_id id = mkid(false);
	size_t n = reply(b, &id, 0, 0);
	b[20] = 8;
	CHECK(hc_fwd_parse(b, n, 0x0800, &id, mac) == HC_FWD_R_NONE);
	/* not IPv4, not ARP */
	CHECK(hc_fwd_parse(b, n, 0x86dd, &id, mac) == HC_FWD_R_NONE);
	CHECK(hc_fwd_parse(b, 0, 0x0800, &id, mac) == HC_FWD_R_NONE);
}

static void test_arp(void)
{
	struct hc_fwd_id id = mkid(true);
	uint8_t b[HC_FWD_ARP_LEN], mac[6] = {0};
	size_t n;

	/* the real server's MAC, while not yet known */
	id.has_rs_mac = false;
	n = arp_reply(b, rmac, RS, DIR, 2);
	CHECK(hc_fwd_parse(b, n, 0x0806, &id, mac) == HC_FWD_R_ARP_RS && !memcmp(mac, rmac, 6));
	/* TUN asks no ARP: the real server's answer to the kernel is not its
	 * (it was taken as the MAC, and the DR send failed: ENXIO in the VM) */
	id.p.kind = HD_LB_TUN;
	CHECK(hc_fwd_parse(b, n, 0x0806, &id, mac) == HC_FWD_R_NONE);
	id.p.kind = HD_LB_DR;
	CHECK(hc_fwd_parse(b, n - 1, 0x0806, &id, mac) == HC_FWD_R_NONE);
	n = arp_reply(b, rmac, RS, DIR, 1); /* a request, not a reply */
	CHECK(hc_fwd_parse(b, n, 0x0806, &id, mac) == HC_FWD_R_NONE);
	n = arp_reply(b, rmac, RS, DIR + 7, 2); /* to someone else */
	CHECK(hc_fwd_parse(b, n, 0x0806, &id, mac) == HC_FWD_R_NONE);
	id.has_rs_mac = true;
	n = arp_reply(b, rmac, RS, DIR, 2); /* known: a repeat */
	CHECK(hc_fwd_parse(b, n, 0x0806, &id, mac) == HC_FWD_R_NONE);
	/* the VIP: from the real server's MAC counts, another's does not */
	n = arp_reply(b, rmac, VIP, DIR, 2);
	CHECK(hc_fwd_parse(b, n, 0x0806, &id, mac) == HC_FWD_R_ARP_VIP);
	n = arp_reply(b, omac, VIP, DIR, 2);
	CHECK(hc_fwd_parse(b, n, 0x0806, &id, mac) == HC_FWD_R_NONE);
	id.has_rs_mac = false;
	n = arp_reply(b, rmac, VIP, DIR, 2);
	CHECK(hc_fwd_parse(b, n, 0x0806, &id, mac) == HC_FWD_R_NONE);
}

static void test_from_rs(void)
{
	struct hc_fwd_id id = mkid(true);

	CHECK(hc_fwd_from_rs(&id, rmac));
	/* forwarded by a real server without the VIP to another that has it */
	CHECK(!hc_fwd_from_rs(&id, omac));
	CHECK(!hc_fwd_from_rs(&id, dmac));
	id.has_rs_mac = false;
	CHECK(!hc_fwd_from_rs(&id, rmac));
	id.p.kind = HD_LB_TUN; /* routed replies: any MAC */
	CHECK(hc_fwd_from_rs(&id, omac));
}

struct ccase {
	enum hc_outcome check;
	bool neutral;
	struct hc_fwd_found f;
	enum hc_outcome want;
	int detail;
};

static void test_combine(void)
{
	static const struct ccase cases[] = {
	    {HC_O_OK, false, {0, true, true, false}, HC_O_OK, 0},
	    {HC_O_OK, false, {0, true, false, false}, HC_O_VIP_NOT_ACCEPTED, HC_FWD_D_NO_ANSWER},
	    {HC_O_OK, false, {0, false, false, false}, HC_O_VIP_NOT_ACCEPTED, HC_FWD_D_NO_MAC},
	    {HC_O_OK, false, {0, true, false, true}, HC_O_VIP_NOT_ACCEPTED, HC_FWD_D_NO_ANSWER},
	    {HC_O_OK, false, {0, true, true, true}, HC_O_VIP_ARP_ANSWERED, 0},
	    {HC_O_OK, false, {-1, false, false, false}, HC_O_INTERNAL, 1},
	    /* a failed check keeps its own reason */
	    {HC_O_CONNECT_REFUSED, false, {0, true, false, false}, HC_O_CONNECT_REFUSED, 0},
	    {HC_O_BAD_STATUS, false, {0, true, true, true}, HC_O_BAD_STATUS, 0},
	    /* an agent's neutral line: the path still decides */
	    {HC_O_AGENT_GARBAGE, true, {0, true, false, false}, HC_O_VIP_NOT_ACCEPTED, 0},
	    {HC_O_AGENT_GARBAGE, true, {0, true, true, false}, HC_O_AGENT_GARBAGE, 0},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct ccase *c = &cases[i];
		struct hc_result r = {.outcome = c->check, .neutral = c->neutral, .dyn_weight = 7},
				 out;
		hc_fwd_combine(&r, &c->f, &out);
		if (out.outcome != c->want || (c->want != c->check && out.detail != c->detail) ||
		    (c->want != c->check && (out.neutral || out.dyn_weight != -1)) ||
		    (c->want == c->check && out.dyn_weight != 7)) {
			fprintf(stderr, "combine %zu: %s/%d, want %s/%d\n", i,
				hc_outcome_name(out.outcome), out.detail, hc_outcome_name(c->want),
				c->detail);
			fails++;
		}
	}
	CHECK(!strcmp(hc_outcome_name(HC_O_VIP_NOT_ACCEPTED), "vip_not_accepted"));
	CHECK(!strcmp(hc_outcome_name(HC_O_VIP_ARP_ANSWERED), "vip_arp_answered"));
}

/* The shared socket's dispatch: a reply goes to the probe whose source
 * port (TCP) or ident (ICMP) it carries; nothing else has one. */
static void test_demux(void)
{
	struct hc_fwd_id t = mkid(true), e = mkid(false);
	uint8_t b[HC_FWD_PKT_MAX], mac[6];
	size_t n;

	e.seq = (uint32_t)e.sport << 16 | 7;
	n = reply(b, &t, 0x12, t.seq + 1);
	CHECK(hc_fwd_demux(b, n) == t.sport);
	CHECK(hc_fwd_demux(b, 27) == -1); /* no room for the ports */
	b[7] = 8;			  /* a fragment (offset 64): no L4 header */
	CHECK(hc_fwd_demux(b, n) == -1);
	n = reply(b, &e, 0, 0);
	CHECK(hc_fwd_demux(b, n) == e.sport);
	CHECK(hc_fwd_parse(b, n, 0x0800, &e, mac) == HC_FWD_R_ECHO);
	b[20] = 8; /* an echo request: not a reply */
	CHECK(hc_fwd_demux(b, n) == -1);
	b[20] = 0;
	b[9] = 17; /* UDP */
	CHECK(hc_fwd_demux(b, n) == -1);
	b[9] = 1;
	b[0] = 0x46; /* header longer than the packet leaves */
	CHECK(hc_fwd_demux(b, 28) == -1);
	b[0] = 0x65;
	CHECK(hc_fwd_demux(b, n) == -1);
	CHECK(hc_fwd_demux(b, 3) == -1);
}

int main(void)
{
	test_params();
	test_build();
	test_parse();
	test_arp();
	test_from_rs();
	test_combine();
	test_demux();
	return fails ? 1 : 0;
}
