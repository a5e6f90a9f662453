/* libFuzzer target: check_forwarding_path's reply parser
 * (healthcheck/hc_fwd_pkt.h), which reads what a packet socket receives
 * from any host on the link.
 *
 * Input: one byte of mode (bit 0: a TCP service, else ICMP echo; bit 1:
 * the real server's MAC is known; bit 2: the frame is ARP, else IPv4),
 * 24 bytes of the probe's identity (addresses, port, sequence, token),
 * then the packet. Properties: the verdict is in range and the same twice;
 * a reply that says the VIP accepted (SYN-ACK, RST, echo) comes from the
 * VIP to the director, acknowledges the probe's sequence (TCP) or echoes
 * its token (ICMP), and stops being one when cut below its IP length; an
 * ARP answer is for the director, ARP_RS only while the MAC is unknown and
 * it gives the sender's, ARP_VIP only from the known MAC; and the reply a
 * real server would send to the probe built from the same identity is
 * always recognised; a reply's dispatch (hc_fwd_demux) names the probe
 * (TCP: its source port, ICMP: the ident). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hc_fwd_pkt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint32_t g32(const uint8_t *b)
{
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

/* What a real server sends back to ID's probe: the probe with addresses
 * and ports swapped, as SYN-ACK acknowledging it or as echo reply. */
static size_t mirror(uint8_t *b, const struct hc_fwd_id *id)
{
	struct hc_fwd_id r = *id;
	size_t n;

	r.dir = id->p.vip;
	r.p.vip = id->dir;
	r.sport = id->p.port;
	r.p.port = id->sport;
	n = hc_fwd_build_probe(b, &r, false);
	if (id->p.tcp) {
		uint32_t ack = id->seq + 1;
		b[33] = 0x12;
		b[28] = (uint8_t)(ack >> 24), b[29] = (uint8_t)(ack >> 16);
		b[30] = (uint8_t)(ack >> 8), b[31] = (uint8_t)ack;
		return n;
	}
	/* echo reply: type 0, checksum adjusted by the type's change */
	uint32_t s = (uint32_t)(b[22] << 8 | b[23]) + 0x0800;
	s = (s & 0xffff) + (s >> 16);
	b[20] = 0;
	b[22] = (uint8_t)(s >> 8), b[23] = (uint8_t)s;
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t rmac[6] = {2, 0, 0, 0, 0, 2};
	struct hc_fwd_id id = {0};
	uint8_t mac[6] = {0}, b[HC_FWD_PKT_MAX];

	if (size < 25)
		return 0;
	uint8_t mode = data[0];
	id.p.kind = HD_LB_DR;
	id.p.tcp = mode & 1;
	id.has_rs_mac = mode & 2;
	memcpy(id.rs_mac, rmac, 6);
	id.dir = g32(data + 1);
	id.p.vip = g32(data + 5);
	id.p.rs = g32(data + 9);
	id.p.port = (uint16_t)(data[13] << 8 | data[14]);
	id.sport = (uint16_t)(data[15] << 8 | data[16]);
	id.seq = g32(data + 17);
	memcpy(id.token, data + 17, 8);
	uint16_t et = mode & 4 ? 0x0806 : 0x0800;
	const uint8_t *pkt = data + 25;
	size_t n = size - 25;

	enum hc_fwd_reply r = hc_fwd_parse(pkt, n, et, &id, mac);
	if ((unsigned)r >= HC_FWD_R__MAX || hc_fwd_parse(pkt, n, et, &id, mac) != r)
		abort();
	if (r == HC_FWD_R_SYNACK || r == HC_FWD_R_RST || r == HC_FWD_R_ECHO) {
		size_t hl = (size_t)(pkt[0] & 15) * 4, tot = (size_t)(pkt[2] << 8 | pkt[3]);
		if (et != 0x0800 || n < 20 || g32(pkt + 12) != id.p.vip ||
		    g32(pkt + 16) != id.dir || tot > n || hl < 20)
			abort();
		if (id.p.tcp && (r == HC_FWD_R_ECHO || g32(pkt + hl + 8) != id.seq + 1))
			abort();
		if (!id.p.tcp && (r != HC_FWD_R_ECHO || memcmp(pkt + hl + 8, id.token, 8)))
			abort();
		/* the shared socket dispatches it to this probe */
		if (hc_fwd_demux(pkt, n) != (id.p.tcp ? id.sport : (int)(id.seq >> 16)))
			abort();
		enum hc_fwd_reply cut = hc_fwd_parse(pkt, tot - 1, et, &id, mac);
		if (cut == HC_FWD_R_SYNACK || cut == HC_FWD_R_RST || cut == HC_FWD_R_ECHO)
			abort();
	}
	if (r == HC_FWD_R_ARP_RS && (et != 0x0806 || id.has_rs_mac || n < 28 ||
				     memcmp(mac, pkt + 8, 6) || g32(pkt + 24) != id.dir))
		abort();
	if (r == HC_FWD_R_ARP_VIP && (et != 0x0806 || !id.has_rs_mac || memcmp(pkt + 8, rmac, 6) ||
				      g32(pkt + 14) != id.p.vip))
		abort();
	/* the real server's own answer to the probe is always recognised
	 * (unless the VIP is the director's address: then it is a loop) */
	if (id.p.vip != id.dir) {
		size_t m = mirror(b, &id);
		r = hc_fwd_parse(b, m, 0x0800, &id, mac);
		if (r != (id.p.tcp ? HC_FWD_R_SYNACK : HC_FWD_R_ECHO) ||
		    hc_fwd_demux(b, m) != (id.p.tcp ? id.sport : (int)(id.seq >> 16)))
			abort();
	}
	return 0;
}
