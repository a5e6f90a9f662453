/* check_forwarding_path: packets, reply parser, verdict (pure; see
 * hc_fwd_pkt.h). */
#include "config.h"

#include <arpa/inet.h>
#include <string.h>
#include <sys/socket.h>

#include "hc_fwd_pkt.h"

bool hc_fwd_params(const struct hd_virtual_server_config *vs,
		   const struct hd_real_server_config *rs, struct hc_fwd_params *out)
{
	enum hd_lb_kind kind = rs->has_lb_kind ? rs->lb_kind : vs->lb_kind;

	if (!rs->check_fwd_path || kind == HD_LB_NAT || vs->is_fwmark ||
	    vs->ep.addr.family != AF_INET || rs->ep.addr.family != AF_INET)
		return false;
	*out = (struct hc_fwd_params){
	    .kind = kind,
	    .tcp = !rs->fwd_probe_echo && vs->protocol == HD_PROTO_TCP && vs->ep.port != 0,
	    .vip = ntohl(vs->ep.addr.u.v4.s_addr),
	    .rs = ntohl(rs->ep.addr.u.v4.s_addr),
	    .port = vs->ep.port,
	};
	return true;
}

bool hc_fwd_params_same(const struct hc_fwd_params *a, const struct hc_fwd_params *b)
{
	return a->kind == b->kind && a->tcp == b->tcp && a->vip == b->vip && a->rs == b->rs &&
	       a->port == b->port;
}

static void put16(uint8_t *b, uint16_t v)
{
	b[0] = (uint8_t)(v >> 8);
	b[1] = (uint8_t)v;
}

static void put32(uint8_t *b, uint32_t v)
{
	put16(b, (uint16_t)(v >> 16));
	put16(b + 2, (uint16_t)v);
}

static uint16_t get16(const uint8_t *b)
{
	return (uint16_t)(b[0] << 8 | b[1]);
}

static uint32_t get32(const uint8_t *b)
{
	return (uint32_t)get16(b) << 16 | get16(b + 2);
}

/* The Internet checksum of B (LEN bytes) added to SUM, folded. Four bytes
 * a step (a big-endian 32-bit word is two 16-bit ones modulo 0xffff): it
 * runs three times a run (the probe's two headers, the reply's IPv4 one). */
static uint16_t csum(const uint8_t *b, size_t len, uint32_t sum)
{
	uint64_t s = sum;
	size_t i = 0;

	for (; i + 4 <= len; i += 4)
		s += (uint32_t)get16(b + i) << 16 | get16(b + i + 2);
	for (; i + 1 < len; i += 2)
		s += get16(b + i);
	if (len & 1)
		s += (uint32_t)b[len - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

size_t hc_fwd_build_arp(uint8_t *buf, const struct hc_fwd_id *id, uint32_t tip)
{
	put16(buf, 1);		/* Ethernet */
	put16(buf + 2, 0x0800); /* IPv4 */
	buf[4] = 6;
	buf[5] = 4;
	put16(buf + 6, 1); /* request */
	memcpy(buf + 8, id->dir_mac, 6);
	put32(buf + 14, id->dir);
	memset(buf + 18, 0, 6);
	put32(buf + 24, tip);
	return HC_FWD_ARP_LEN;
}

size_t hc_fwd_build_probe(uint8_t *buf, const struct hc_fwd_id *id, bool rst)
{
	size_t l4 = id->p.tcp ? 20 : 8 + sizeof(id->token);
	size_t len = 20 + l4;
	uint8_t *t = buf + 20;

	memset(buf, 0, len);
	buf[0] = 0x45;
	put16(buf + 2, (uint16_t)len);
	put16(buf + 6, 0x4000); /* DF */
	buf[8] = 64;
	buf[9] = id->p.tcp ? 6 : 1;
	put32(buf + 12, id->dir);
	put32(buf + 16, id->p.vip);
	put16(buf + 10, csum(buf, 20, 0));
	if (!id->p.tcp) {
		t[0] = 8; /* echo request */
		put32(t + 4, id->seq);
		memcpy(t + 8, id->token, sizeof(id->token));
		put16(t + 2, csum(t, l4, 0));
		return len;
	}
	put16(t, id->sport);
	put16(t + 2, id->p.port);
	put32(t + 4, rst ? id->seq + 1 : id->seq);
	t[12] = 5 << 4;
	t[13] = rst ? 0x04 : 0x02;
	put16(t + 14, rst ? 0 : 1024);
	/* pseudo header: addresses, protocol, length */
	uint32_t sum = (id->dir >> 16) + (id->dir & 0xffff) + (id->p.vip >> 16) +
		       (id->p.vip & 0xffff) + 6 + (uint32_t)l4;
	put16(t + 16, csum(t, l4, sum));
	return len;
}

static enum hc_fwd_reply parse_arp(const uint8_t *b, size_t len, const struct hc_fwd_id *id,
				   uint8_t mac[6])
{
	if (len < HC_FWD_ARP_LEN || get16(b) != 1 || get16(b + 2) != 0x0800 || b[4] != 6 ||
	    b[5] != 4 || get16(b + 6) != 2 || get32(b + 24) != id->dir)
		return HC_FWD_R_NONE;
	uint32_t spa = get32(b + 14);
	if (spa == id->p.rs && !id->has_rs_mac) {
		memcpy(mac, b + 8, 6);
		return HC_FWD_R_ARP_RS;
	}
	/* Only the real server's answer counts: another director holding the
	 * VIP answers a broadcast, never this unicast request, but check. */
	if (spa == id->p.vip && id->has_rs_mac && !memcmp(b + 8, id->rs_mac, 6))
		return HC_FWD_R_ARP_VIP;
	return HC_FWD_R_NONE;
}

static enum hc_fwd_reply parse_tcp(const uint8_t *t, size_t len, const struct hc_fwd_id *id)
{
	if (len < 20)
		return HC_FWD_R_STRAY;
	if (get16(t) != id->p.port || get16(t + 2) != id->sport)
		return HC_FWD_R_NONE; /* another probe's */
	uint8_t fl = t[13];
	bool acks = (fl & 0x10) && get32(t + 8) == id->seq + 1;
	if (acks && (fl & 0x04))
		return HC_FWD_R_RST;
	if (acks && (fl & 0x12) == 0x12 && !(fl & 0x01))
		return HC_FWD_R_SYNACK;
	return HC_FWD_R_STRAY;
}

static enum hc_fwd_reply parse_icmp(const uint8_t *t, size_t len, const struct hc_fwd_id *id)
{
	if (len < 8)
		return HC_FWD_R_STRAY;
	if (t[0] != 0 /* echo reply */ || get16(t + 4) != id->seq >> 16)
		return HC_FWD_R_NONE; /* another probe's, or not a reply */
	if (len < 8 + sizeof(id->token) || get32(t + 4) != id->seq ||
	    memcmp(t + 8, id->token, sizeof(id->token)) || csum(t, len, 0) != 0)
		return HC_FWD_R_STRAY;
	return HC_FWD_R_ECHO;
}

enum hc_fwd_reply hc_fwd_parse(const uint8_t *b, size_t len, uint16_t ethertype,
			       const struct hc_fwd_id *id, uint8_t mac[6])
{
	/* ARP only in DR: a TUN probe asks none, and the real server's
	 * answers to the kernel's own requests are not for it */
	if (ethertype == 0x0806)
		return id->p.kind == HD_LB_DR ? parse_arp(b, len, id, mac) : HC_FWD_R_NONE;
	if (ethertype != 0x0800 || len < 20 || b[0] >> 4 != 4 || get32(b + 12) != id->p.vip ||
	    get32(b + 16) != id->dir)
		return HC_FWD_R_NONE;
	/* from the VIP to us: ours, or someone's garbage, counted */
	size_t hl = (size_t)(b[0] & 15) * 4, tot = get16(b + 2);
	if (hl < 20 || tot < hl || tot > len || csum(b, hl, 0) != 0 ||
	    (get16(b + 6) & 0x3fff) /* a fragment */)
		return HC_FWD_R_STRAY;
	if (b[9] != (id->p.tcp ? 6 : 1))
		return HC_FWD_R_NONE; /* another probe's kind */
	return id->p.tcp ? parse_tcp(b + hl, tot - hl, id) : parse_icmp(b + hl, tot - hl, id);
}

int hc_fwd_demux(const uint8_t *b, size_t len)
{
	if (len < 20 || b[0] >> 4 != 4 || (get16(b + 6) & 0x1fff))
		return -1;
	size_t hl = (size_t)(b[0] & 15) * 4;
	if (hl < 20 || len < hl + 8)
		return -1;
	if (b[9] == 6)
		return get16(b + hl + 2);
	if (b[9] == 1 && b[hl] == 0 /* echo reply */)
		return get16(b + hl + 4);
	return -1;
}

bool hc_fwd_from_rs(const struct hc_fwd_id *id, const uint8_t src_mac[6])
{
	return id->p.kind != HD_LB_DR || (id->has_rs_mac && !memcmp(src_mac, id->rs_mac, 6));
}

void hc_fwd_combine(const struct hc_result *check, const struct hc_fwd_found *f,
		    struct hc_result *out)
{
	*out = *check;
	if (!hc_outcome_ok(check->outcome) && !check->neutral)
		return;
	if (f->err) {
		*out = (struct hc_result){
		    .outcome = HC_O_INTERNAL, .detail = -f->err, .dyn_weight = -1};
	} else if (!f->resolved || !f->accepted) {
		*out =
		    (struct hc_result){.outcome = HC_O_VIP_NOT_ACCEPTED,
				       .detail = f->resolved ? HC_FWD_D_NO_ANSWER : HC_FWD_D_NO_MAC,
				       .dyn_weight = -1};
	} else if (f->arp_answered) {
		*out = (struct hc_result){.outcome = HC_O_VIP_ARP_ANSWERED, .dyn_weight = -1};
	}
}
