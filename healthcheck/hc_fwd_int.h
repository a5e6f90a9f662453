/* check_forwarding_path internals: a probe (struct hc_fwd, hc_fwd.c) and
 * the sockets every probe shares (struct hc_fwd_sh, hc_fwd_sock.c). */
#ifndef HC_FWD_INT_H
#define HC_FWD_INT_H

#include <linux/if_packet.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "hc_fwd_pkt.h"
#include "hc_int.h"

#define FWD_VLEN 16 /* packets per recvmmsg() and sendmmsg() */

/* The packet sockets of one interface (DR: the probes' frames go out and
 * their replies come in there) or, IFINDEX 0, of every interface (TUN:
 * replies come back routed, on any). */
struct hc_fwd_link {
	struct hc_fwd_sh *sh;
	struct hc_fwd_link *next;
	int ifindex;
	int ip_fd, arp_fd; /* arp_fd: DR links only */
	/* in the loop's own set (loop.c), not sd-event sources: a reply's
	 * wakeup runs no sd-event iteration */
	struct hd_loop_io ip_lio, arp_lio;
	size_t refs; /* probes whose path is here */
};

/* What every probe shares (see the top of hc_fwd_sock.c). */
struct hc_fwd_sh {
	struct hc_ctx *c;
	struct hc_fwd_link *links;
	int tun_fd;
	uint16_t base, n_ports, rover;
	struct hc_fwd **slot; /* by port - base: the probes on that port */
	struct hc_fwd *all;   /* every probe: ARP replies are dispatched to them */
	size_t refs;
	/* random bytes for the runs' sequences and tokens, drawn in bulk */
	uint8_t rnd[240];
	size_t rnd_left;
	/* what one recvmmsg() reads */
	uint8_t rx[FWD_VLEN][1600];
	struct sockaddr_ll rx_ll[FWD_VLEN];
	/* DR frames (probes, ARP questions, resets) queued in one loop
	 * iteration, sent by one sendmmsg() before the loop sleeps again */
	uint8_t tx[FWD_VLEN][HC_FWD_PKT_MAX];
	struct sockaddr_ll tx_ll[FWD_VLEN];
	struct mmsghdr tx_m[FWD_VLEN];
	struct iovec tx_iov[FWD_VLEN];
	struct hc_fwd *tx_run[FWD_VLEN]; /* the run a probe or question is for */
	unsigned n_tx;
	struct hd_loop_hook tx_hook; /* sends them before the loop sleeps */
};

struct hc_fwd {
	struct hc_fwd_params prm;
	struct hc_fwd_counts n;
	struct hc_probe *p;
	struct hc_fwd_sh *sh;
	struct hc_fwd_link *link;   /* the sockets of its path's interface, or NULL */
	struct hc_fwd *next, *prev; /* in sh->all */
	struct hc_fwd *next_port;   /* in its sh->slot */
	uint16_t sport;		    /* TCP source port and ICMP ident */
	/* the path: refreshed when a run did not get through */
	bool have_path, relearn;
	int ifindex;
	char ifname[IF_NAMESIZE];
	uint32_t dir;
	uint8_t mac[6];
	/* DR: our own ARP answer for the real server, and when */
	bool has_learnt;
	uint8_t learnt[6];
	uint64_t learnt_usec;
	/* DR: the MAC the last run's reply came from (used until the next
	 * question) */
	bool has_good;
	uint8_t good[6];
	/* DR: ARP questions for the VIP sent, when the last one was, whether
	 * this run sent it, and the count when an answer last came (0: never) */
	uint64_t arp_asked, arp_seen, arp_asked_usec;
	bool asked_now;
	/* the run in flight */
	bool running, done, have_check;
	int tx_err;	   /* sending this run's probe or question failed: -errno */
	unsigned n_queued; /* of its frames in sh->tx */
	sd_event_source *timer;
	struct hc_fwd_id id;
	/* a TCP run that ended without an answer: its SYN-ACK may come late
	 * (retransmitted by the real server for a minute), and is reset */
	bool late;
	struct hc_fwd_id late_id;
	struct hc_fwd_found found;
	struct hc_result check; /* the check's result, while the path runs */
	unsigned long foreign, stray;
};

/* The shared state: C's (made by the first probe, freed with the last). */
int hc_fwd_sh_get(struct hc_ctx *c, struct hc_fwd_sh **out);
void hc_fwd_sh_put(struct hc_fwd_sh *sh);
/* F's sockets for its path (IFINDEX; 0: every interface, for TUN, whose
 * raw IPIP socket is opened too): F's link is moved there, opened by the
 * first probe on that interface, closed with the last (hc_fwd_link_put). */
int hc_fwd_link_use(struct hc_fwd *f, int ifindex);
void hc_fwd_link_put(struct hc_fwd *f);
/* F's port of the range, while it lives. */
void hc_fwd_port_take(struct hc_fwd_sh *sh, struct hc_fwd *f);
void hc_fwd_port_drop(struct hc_fwd_sh *sh, struct hc_fwd *f);
/* N random bytes (drawn in bulk). */
int hc_fwd_random(struct hc_fwd_sh *sh, uint8_t *out, size_t n);
/* DR: a frame of F (PROTO: ETH_P_IP or ETH_P_ARP; B, LEN bytes from the
 * network header) to DST on F's interface, queued: sent with the others
 * of the same loop iteration by one sendmmsg(). RUN: a probe or question
 * of F's run (an error sending it is F's tx_err; dropped if the run is
 * cancelled first), else a reset (sent whatever happens to F). */
void hc_fwd_tx_queue(struct hc_fwd *f, bool run, uint16_t proto, const uint8_t *dst,
		     const uint8_t *b, size_t len);
/* F's run is over: what it queued and is not yet sent stays here. */
void hc_fwd_tx_drop(struct hc_fwd *f);

/* What the shared sockets read, for F (hc_fwd.c). An IPv4 packet B (N
 * bytes from its network header, SRC_MAC the frame's source) with F's
 * port: true when it was F's reply (the run ends) or, with COUNT_STRAY,
 * counted stray. An ARP reply. */
bool hc_fwd_on_ip(struct hc_fwd *f, const uint8_t *b, size_t n, const uint8_t *src_mac,
		  bool count_stray);
/* The same packet for F's last unanswered run: true when it was its late
 * SYN-ACK (reset now). */
bool hc_fwd_on_late(struct hc_fwd *f, const uint8_t *b, size_t n, const uint8_t *src_mac);
void hc_fwd_on_arp(struct hc_fwd *f, const uint8_t *b, size_t n);

#endif
