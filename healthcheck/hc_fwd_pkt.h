/* check_forwarding_path (pure; hc_fwd_pkt.c, tests/unit/test_hc_fwd_pkt.c):
 * the packets of the forwarding-path probe, the parser of what comes back,
 * and how its verdict combines with the check's.
 *
 * A DR or TUN real server that answers on its own address passes every
 * check and may still drop every client packet IPVS sends it (no VIP on
 * lo or tunl0, no ipip module, tunnel down). The probe reaches it the way
 * IPVS does: DR, an IPv4 packet to the VIP in a frame to the real server's
 * MAC (learnt by our own ARP request); TUN, that packet inside IPIP to the
 * real server. TCP services get a SYN to VIP:port, answered by SYN-ACK or
 * RST from the VIP (both say the VIP is accepted; a SYN-ACK is reset);
 * others an ICMP echo to the VIP. DR also asks the real server, by a
 * unicast ARP request, who has the VIP: an answer means arp_ignore is not
 * set and the real server competes with the director for the VIP.
 * IPv4 only. */
#ifndef HC_FWD_PKT_H
#define HC_FWD_PKT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hc_policy.h"
#include "hd_config.h"

/* What the probe reaches, from the configuration. */
struct hc_fwd_params {
	enum hd_lb_kind kind; /* DR or TUN */
	bool tcp;	      /* SYN to VIP:port, else ICMP echo to the VIP */
	uint32_t vip, rs;     /* IPv4, host order */
	uint16_t port;
};

/* Whether RS of VS has check_forwarding_path on and something to check
 * (DR or TUN, an IPv4 VIP: not NAT, not fwmark); fills OUT then. */
bool hc_fwd_params(const struct hd_virtual_server_config *vs,
		   const struct hd_real_server_config *rs, struct hc_fwd_params *out);

bool hc_fwd_params_same(const struct hc_fwd_params *a, const struct hc_fwd_params *b);

/* One probe run's identity: what its packets carry and replies must match.
 * All numbers host order. */
struct hc_fwd_id {
	struct hc_fwd_params p;
	uint32_t dir;	    /* the director's address the replies come to */
	uint8_t dir_mac[6]; /* DR: our interface's */
	uint8_t rs_mac[6];  /* DR: learnt from the real server's ARP reply */
	bool has_rs_mac;
	uint16_t sport;	  /* TCP source port */
	uint32_t seq;	  /* TCP: the SYN's; ICMP: ident << 16 | sequence */
	uint8_t token[8]; /* ICMP: the payload the reply must echo */
};

#define HC_FWD_ARP_LEN 28
#define HC_FWD_PKT_MAX 64

/* An ARP request (payload of an ETH_P_ARP frame) from ID's director
 * address and MAC for TIP. */
size_t hc_fwd_build_arp(uint8_t *buf, const struct hc_fwd_id *id, uint32_t tip);
/* The IPv4 probe to the VIP (SYN or echo), checksums done; RST: the reset
 * that ends the half-open connection a SYN-ACK opened. Returns the length
 * (at most HC_FWD_PKT_MAX). */
size_t hc_fwd_build_probe(uint8_t *buf, const struct hc_fwd_id *id, bool rst);

enum hc_fwd_reply {
	HC_FWD_R_NONE = 0, /* not for this probe (another probe's, other traffic) */
	HC_FWD_R_SYNACK,   /* VIP accepted, port open: reset it */
	HC_FWD_R_RST,	   /* VIP accepted, port closed */
	HC_FWD_R_ECHO,	   /* VIP accepted (ICMP echo reply) */
	HC_FWD_R_ARP_RS,   /* the real server's MAC (into MAC) */
	HC_FWD_R_ARP_VIP,  /* the real server answered ARP for the VIP */
	HC_FWD_R_STRAY,	   /* from the VIP to this probe's port or ident but not
			    * its sequence or token, or a malformed IPv4 packet from
			    * the VIP: dropped, counted */
	HC_FWD_R__MAX
};

/* Classify one received packet: BUF (LEN bytes) from the network header
 * on, ETHERTYPE its protocol (host order). MAC: the ARP sender's hardware
 * address for HC_FWD_R_ARP_RS. Any input is safe (tests/fuzz). */
enum hc_fwd_reply hc_fwd_parse(const uint8_t *buf, size_t len, uint16_t ethertype,
			       const struct hc_fwd_id *id, uint8_t mac[6]);

/* The probe a received IPv4 packet (BUF, LEN bytes from its network
 * header) may be for: the TCP destination port or the ICMP echo reply's
 * ident, which is the probe's SPORT (one shared socket receives the
 * replies of every probe); -1 when it has neither (a fragment, too short,
 * another protocol). Any input is safe. */
int hc_fwd_demux(const uint8_t *buf, size_t len);

/* Whether a reply that says the VIP accepted (SYN-ACK, RST, echo) came
 * from the real server itself: in DR, in a frame from its MAC (SRC_MAC,
 * the frame's source). A real server without the VIP that forwards
 * (ip_forward=1) passes the probe on to whoever answers ARP for the VIP
 * (the director, or another real server with arp_ignore unset), whose
 * answer must not count for it. TUN: any (replies may come routed). */
bool hc_fwd_from_rs(const struct hc_fwd_id *id, const uint8_t src_mac[6]);

/* What one probe run found. */
struct hc_fwd_found {
	int err;	   /* could not run: -errno */
	bool resolved;	   /* DR: the real server's MAC was learnt (TUN: true) */
	bool accepted;	   /* the VIP answered through the path */
	bool arp_answered; /* DR: the real server answered ARP for the VIP */
};

/* The detail of HC_O_VIP_NOT_ACCEPTED. */
enum { HC_FWD_D_NO_ANSWER = 0, HC_FWD_D_NO_MAC = 1 };

/* The check's result CHECK combined with the forwarding path's F into OUT:
 * a failed check stays as it is (the service is what is down); else the
 * path's failure (could not run: internal_error; no answer:
 * vip_not_accepted; ARP answered for the VIP: vip_arp_answered); else the
 * check's result. */
void hc_fwd_combine(const struct hc_result *check, const struct hc_fwd_found *f,
		    struct hc_result *out);

#endif
