/* check_forwarding_path: the probe of the DR or TUN path that runs beside
 * each check of a real server (packets, parser and verdict: hc_fwd_pkt.c).
 *
 * Sockets (CAP_NET_RAW): one AF_PACKET datagram socket per probe, kept open
 * between its runs (closing one waits for an RCU grace period in the
 * kernel, synchronize_net(), about 16 ms with the loop blocked: closed per
 * run, 20 probes at once took 150 ms to end one after the other), bound to
 * every interface, whose classic BPF filter passes only incoming ARP from
 * the real server's or the VIP's address and IPv4 from the VIP: the
 * replies, which a director holding the VIP itself drops as martians
 * (source is a local address) before any IP socket could see them. DR
 * sends on it: ARP who-has RS (broadcast), then the SYN or echo to the VIP
 * and a unicast ARP who-has VIP, both to the MAC learnt. TUN sends the
 * same SYN or echo through a raw IPPROTO_IPIP socket to the real server
 * (the kernel adds the outer header and routes it like the tunnel would);
 * that socket never reads (a drop-all filter). What passes the filter is
 * parsed by hc_fwd_parse(): a reply to this run, else counted (stray:
 * this run's port or ident with the wrong sequence or token; foreign:
 * another's), at most FWD_BATCH per wakeup, so a flood can neither pass
 * the check nor starve the loop. A SYN-ACK is answered by a RST so no
 * half-open connection is left on the real server. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <syslog.h>
#include <unistd.h>

#include "hc_fwd_pkt.h"
#include "hc_int.h"
#include "log.h"

#define FWD_BATCH 64
/* After the VIP answered: how long an ARP answer sent before it may
 * still be on its way (another receive queue). */
#define FWD_ARP_GRACE_USEC 5000

struct hc_fwd {
	struct hc_fwd_params prm;
	struct hc_fwd_counts n;
	/* the path: refreshed when a run did not get through */
	bool have_path;
	int ifindex;
	uint32_t dir;
	uint8_t mac[6];
	/* the run in flight */
	bool running, done, have_check;
	int fd, tun_fd;
	uint16_t sport; /* TCP source port and ICMP ident, of the socket's filter */
	sd_event_source *io, *timer;
	bool grace;
	struct hc_fwd_id id;
	struct hc_fwd_found found;
	struct hc_result check; /* the check's result, while the path runs */
	unsigned long foreign, stray;
};

int hc_fwd_new(struct hc_probe *p, const struct hc_fwd_params *params)
{
	struct hc_fwd *f = calloc(1, sizeof(*f));

	if (!f)
		return -ENOMEM;
	f->prm = *params;
	f->fd = f->tun_fd = -1;
	p->fwd = f;
	return 0;
}

/* The end of a run: its socket stays, unwatched (what queues meanwhile is
 * bounded by its receive buffer and drained at the next run). */
static void run_close(struct hc_fwd *f)
{
	sd_event_source_set_enabled(f->io, SD_EVENT_OFF);
	f->timer = sd_event_source_disable_unref(f->timer);
	f->running = false;
}

static void sockets_close(struct hc_fwd *f)
{
	f->io = sd_event_source_disable_unref(f->io);
	if (f->fd >= 0)
		close(f->fd);
	if (f->tun_fd >= 0)
		close(f->tun_fd);
	f->fd = f->tun_fd = -1;
}

void hc_fwd_cancel(struct hc_probe *p)
{
	if (!p->fwd)
		return;
	run_close(p->fwd);
	p->fwd->done = p->fwd->have_check = false;
}

void hc_fwd_free(struct hc_probe *p)
{
	hc_fwd_cancel(p);
	if (p->fwd)
		sockets_close(p->fwd);
	free(p->fwd);
	p->fwd = NULL;
}

void hc_fwd_counts(const struct hc_probe *p, struct hc_fwd_counts *out)
{
	*out = p->fwd ? p->fwd->n : (struct hc_fwd_counts){0};
}

bool hc_fwd_get(const struct hc_probe *p, struct hc_fwd_params *out)
{
	*out = p->fwd ? p->fwd->prm : (struct hc_fwd_params){0};
	return p->fwd != NULL;
}

/* The director's address towards the real server (the kernel's choice of
 * source), and for DR the interface that has it and its MAC. */
static int find_path(struct hc_fwd *f)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(f->prm.rs)};
	socklen_t sl = sizeof(sa);
	struct ifaddrs *ifa, *i;
	char name[IF_NAMESIZE] = "";
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), r = 0;

	if (fd < 0)
		return -errno;
	sa.sin_port = htons(9);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    getsockname(fd, (struct sockaddr *)&sa, &sl) < 0)
		r = -errno;
	close(fd);
	if (r < 0)
		return r;
	f->dir = ntohl(sa.sin_addr.s_addr);
	if (f->prm.kind == HD_LB_TUN)
		return 0;
	if (getifaddrs(&ifa) < 0)
		return -errno;
	for (i = ifa; i; i = i->ifa_next)
		if (i->ifa_addr && i->ifa_addr->sa_family == AF_INET &&
		    ((struct sockaddr_in *)i->ifa_addr)->sin_addr.s_addr == htonl(f->dir))
			snprintf(name, sizeof(name), "%s", i->ifa_name);
	r = -ENODEV;
	for (i = ifa; i && name[0]; i = i->ifa_next) {
		const struct sockaddr_ll *ll = (const void *)i->ifa_addr;
		if (ll && ll->sll_family == AF_PACKET && !strcmp(i->ifa_name, name) &&
		    ll->sll_halen == 6) {
			memcpy(f->mac, ll->sll_addr, 6);
			f->ifindex = ll->sll_ifindex;
			r = 0;
		}
	}
	freeifaddrs(ifa);
	return r;
}

/* The replies only: incoming ARP from the real server or the VIP, TCP
 * or ICMP from the VIP to this probe's port (TCP destination port, ICMP
 * echo ident, both PORT): the replies to other probes of the same VIP
 * stay out (the filter sees the packet from its network header). */
static int attach_filter(int fd, const struct hc_fwd_params *prm, uint16_t port)
{
	struct sock_filter code[] = {
	    /* 0 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, SKF_AD_OFF + SKF_AD_PKTTYPE),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, PACKET_OUTGOING, 18, 0),
	    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, SKF_AD_OFF + SKF_AD_PROTOCOL),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ETH_P_ARP, 12, 0),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ETH_P_IP, 0, 15),
	    /* 5 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 12),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, prm->vip, 0, 13),
	    BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 9),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, IPPROTO_TCP, 1, 0),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, IPPROTO_ICMP, 0, 10),
	    /* 10 */ BPF_STMT(BPF_LDX | BPF_B | BPF_MSH, 0),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, IPPROTO_TCP, 0, 2),
	    BPF_STMT(BPF_LD | BPF_H | BPF_IND, 2),
	    BPF_STMT(BPF_JMP | BPF_JA, 1),
	    BPF_STMT(BPF_LD | BPF_H | BPF_IND, 4),
	    /* 15 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, port, 3, 4),
	    /* 16: ARP */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 14),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, prm->rs, 1, 0),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, prm->vip, 0, 1),
	    /* 19 */ BPF_STMT(BPF_RET | BPF_K, 0xffff),
	    /* 20 */ BPF_STMT(BPF_RET | BPF_K, 0),
	};
	struct sock_fprog prog = {.len = sizeof(code) / sizeof(code[0]), .filter = code};

	return setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog)) < 0 ? -errno : 0;
}

static int open_sockets(struct hc_fwd *f, uint16_t port)
{
	struct sockaddr_ll ll = {.sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL)};
	struct sock_filter none = BPF_STMT(BPF_RET | BPF_K, 0);
	struct sock_fprog drop = {.len = 1, .filter = &none};

	/* protocol 0: nothing queued before the filter is on */
	f->fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (f->fd < 0)
		return -errno;
	int r = attach_filter(f->fd, &f->prm, port), rcv = 65536;
	if (r < 0)
		return r;
	if (setsockopt(f->fd, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof(rcv)) < 0)
		return -errno;
	if (bind(f->fd, (struct sockaddr *)&ll, sizeof(ll)) < 0)
		return -errno;
	if (f->prm.kind != HD_LB_TUN)
		return 0;
	f->tun_fd = socket(AF_INET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_IPIP);
	if (f->tun_fd < 0)
		return -errno;
	if (setsockopt(f->tun_fd, SOL_SOCKET, SO_ATTACH_FILTER, &drop, sizeof(drop)) < 0)
		return -errno;
	return 0;
}

static int send_ll(struct hc_fwd *f, uint16_t proto, const uint8_t *dst, const uint8_t *b,
		   size_t len)
{
	struct sockaddr_ll ll = {.sll_family = AF_PACKET,
				 .sll_protocol = htons(proto),
				 .sll_ifindex = f->ifindex,
				 .sll_halen = 6};

	memcpy(ll.sll_addr, dst, 6);
	return sendto(f->fd, b, len, 0, (struct sockaddr *)&ll, sizeof(ll)) < 0 ? -errno : 0;
}

/* The SYN, echo or RST to the VIP the way IPVS forwards. */
static int send_probe(struct hc_fwd *f, bool rst)
{
	uint8_t b[HC_FWD_PKT_MAX];
	size_t len = hc_fwd_build_probe(b, &f->id, rst);

	if (f->prm.kind == HD_LB_TUN) {
		struct sockaddr_in sa = {.sin_family = AF_INET,
					 .sin_addr.s_addr = htonl(f->prm.rs)};
		return sendto(f->tun_fd, b, len, 0, (struct sockaddr *)&sa, sizeof(sa)) < 0 ? -errno
											    : 0;
	}
	return send_ll(f, ETH_P_IP, f->id.rs_mac, b, len);
}

static int send_arp(struct hc_fwd *f, uint32_t tip, const uint8_t *dst)
{
	uint8_t b[HC_FWD_ARP_LEN];

	hc_fwd_build_arp(b, &f->id, tip);
	return send_ll(f, ETH_P_ARP, dst, b, sizeof(b));
}

static void fwd_finish(struct hc_probe *p)
{
	struct hc_fwd *f = p->fwd;
	struct in_addr rs = {htonl(f->prm.rs)};
	char a[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &rs, a, sizeof(a));
	run_close(f);
	f->done = true;
	if (!f->found.err && !(f->found.resolved && f->found.accepted))
		f->n.vip_not_accepted++;
	else if (!f->found.err && f->found.arp_answered)
		f->n.arp_answered++;
	f->n.stray += f->stray;
	if (f->found.err)
		hd_warn("forwarding path to %s:%u: cannot probe: %s", a, f->prm.port,
			strerror(-f->found.err));
	if (f->stray || f->foreign)
		hd_log(f->stray ? LOG_WARNING : LOG_DEBUG,
		       "forwarding path to %s:%u: dropped %lu packets from the VIP not for this "
		       "probe, %lu of them with its port or ident but not its sequence, or "
		       "malformed (forged or garbage)",
		       a, f->prm.port, f->foreign + f->stray, f->stray);
	if (f->found.err || !f->found.accepted)
		f->have_path = false; /* look the path up again next time */
	if (f->have_check) {
		f->have_check = false;
		hc_probe_done(p, &f->check);
	}
}

static int fwd_timer_cb(sd_event_source *s, uint64_t usec, void *userdata)
{
	(void)s;
	(void)usec;
	fwd_finish(userdata);
	return 0;
}

/* The VIP answered: done, unless an ARP answer may still come (DR). */
static void fwd_accepted(struct hc_probe *p)
{
	struct hc_fwd *f = p->fwd;

	f->found.accepted = true;
	if (f->prm.kind == HD_LB_TUN || f->found.arp_answered) {
		fwd_finish(p);
		return;
	}
	if (!f->grace) {
		f->grace = true;
		if (sd_event_source_set_time(f->timer, hd_now_usec() + FWD_ARP_GRACE_USEC) < 0)
			fwd_finish(p);
	}
}

/* One packet that passed the filter; false when the run ended. */
static bool fwd_packet(struct hc_probe *p, const uint8_t *b, size_t n, uint16_t proto,
		       const uint8_t *src_mac)
{
	struct hc_fwd *f = p->fwd;
	uint8_t mac[6];
	int r = 0;
	enum hc_fwd_reply k = hc_fwd_parse(b, n, proto, &f->id, mac);

	if ((k == HC_FWD_R_SYNACK || k == HC_FWD_R_RST || k == HC_FWD_R_ECHO) &&
	    !hc_fwd_from_rs(&f->id, src_mac))
		k = HC_FWD_R_STRAY; /* passed on by the real server to another host */
	switch (k) {
	case HC_FWD_R_ARP_RS:
		memcpy(f->id.rs_mac, mac, 6);
		f->id.has_rs_mac = f->found.resolved = true;
		r = send_arp(f, f->prm.vip, mac);
		if (r >= 0)
			r = send_probe(f, false);
		break;
	case HC_FWD_R_ARP_VIP:
		f->found.arp_answered = true;
		if (f->found.accepted) {
			fwd_finish(p);
			return false;
		}
		break;
	case HC_FWD_R_SYNACK:
		if (f->found.accepted)
			break;
		r = send_probe(f, true);
		/* fall through */
	case HC_FWD_R_RST:
	case HC_FWD_R_ECHO:
		if (f->found.accepted)
			break;
		fwd_accepted(p);
		return f->running;
	case HC_FWD_R_STRAY:
		f->stray++;
		break;
	default:
		f->foreign++;
		break;
	}
	if (r < 0) {
		f->found.err = r;
		fwd_finish(p);
		return false;
	}
	return true;
}

static int fwd_io_cb(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	struct hc_probe *p = userdata;
	uint8_t b[1600];

	(void)s;
	(void)revents;
	for (int i = 0; i < FWD_BATCH; i++) {
		struct sockaddr_ll ll;
		socklen_t sl = sizeof(ll);
		ssize_t n = recvfrom(fd, b, sizeof(b), MSG_TRUNC, (struct sockaddr *)&ll, &sl);
		if (n < 0)
			return 0; /* EAGAIN, or an error the deadline settles */
		if ((size_t)n > sizeof(b))
			n = sizeof(b); /* truncated: its length field tells */
		if (ll.sll_halen != 6)
			memset(ll.sll_addr, 0, 6);
		if (!fwd_packet(p, b, (size_t)n, ntohs(ll.sll_protocol), ll.sll_addr))
			return 0;
	}
	return 0;
}

static int fwd_begin(struct hc_probe *p)
{
	static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	struct hc_fwd *f = p->fwd;
	sd_event *ev = p->ctx->d->event;
	uint8_t rnd[12];
	int r;

	if (!f->have_path && (r = find_path(f)) < 0)
		return r;
	f->have_path = true;
	if (getrandom(rnd, sizeof(rnd), 0) != sizeof(rnd))
		return -EIO;
	f->id = (struct hc_fwd_id){.p = f->prm, .dir = f->dir};
	memcpy(f->id.dir_mac, f->mac, 6);
	/* the port (and ICMP ident) is the socket's, in its filter; the
	 * sequence and token are each run's */
	if (f->fd < 0)
		f->sport = (uint16_t)(32768 + ((rnd[0] << 8 | rnd[1]) % 28000));
	f->id.sport = f->sport;
	memcpy(&f->id.seq, rnd + 2, 4);
	if (!f->prm.tcp)
		f->id.seq = (uint32_t)f->sport << 16 | (f->id.seq & 0xffff);
	memcpy(f->id.token, rnd + 4, 8);
	if (f->fd < 0) {
		if ((r = open_sockets(f, f->sport)) < 0)
			return r;
		if ((r = sd_event_add_io(ev, &f->io, f->fd, EPOLLIN, fwd_io_cb, p)) < 0 ||
		    (r = sd_event_source_set_priority(f->io, HD_PRIO_HC)) < 0)
			return r;
	} else {
		uint8_t junk[64]; /* what came between runs: no reply to this one */
		for (int i = 0; i < 4096 && recv(f->fd, junk, sizeof(junk), 0) >= 0; i++)
			;
		if ((r = sd_event_source_set_enabled(f->io, SD_EVENT_ON)) < 0)
			return r;
	}
	if ((r = sd_event_add_time(ev, &f->timer, CLOCK_MONOTONIC,
				   p->started_usec + p->timeout_usec, 1, fwd_timer_cb, p)) < 0 ||
	    (r = sd_event_source_set_priority(f->timer, HD_PRIO_HC)) < 0)
		return r;
	if (f->prm.kind == HD_LB_TUN) {
		f->found.resolved = true;
		return send_probe(f, false);
	}
	return send_arp(f, f->prm.rs, bcast);
}

void hc_fwd_start(struct hc_probe *p)
{
	struct hc_fwd *f = p->fwd;
	int r;

	if (!f)
		return;
	hc_fwd_cancel(p);
	f->found = (struct hc_fwd_found){0};
	f->grace = false;
	f->foreign = f->stray = 0;
	f->running = true;
	f->n.probes++;
	if ((r = fwd_begin(p)) < 0) {
		sockets_close(f); /* the next run starts afresh */
		f->found.err = r;
		fwd_finish(p);
	}
}

const struct hc_result *hc_fwd_merge(struct hc_probe *p, const struct hc_result *r,
				     struct hc_result *buf)
{
	struct hc_fwd *f = p->fwd;

	if (!f || (!f->running && !f->done))
		return r;
	if (f->running) {
		f->check = *r;
		f->have_check = true;
		return NULL;
	}
	f->done = false;
	hc_fwd_combine(r, &f->found, buf);
	return buf;
}

bool hc_fwd_deadline(struct hc_probe *p)
{
	struct hc_fwd *f = p->fwd;
	bool had;

	if (!f || !f->running)
		return false;
	had = f->have_check;
	fwd_finish(p);
	return had;
}
