/* check_forwarding_path: the probe of the DR or TUN path that runs beside
 * each check of a real server (packets, parser and verdict: hc_fwd_pkt.c;
 * the sockets every probe shares: hc_fwd_sock.c).
 *
 * DR: every FWD_ARP_ASK_USEC (3 s; every run at a longer delay_loop) a
 * run looks the real server's MAC up in the kernel's neighbour table
 * (SIOCGARP: the entry IPVS itself forwards with, kept fresh by the
 * check's own traffic), else takes our own ARP answer (kept
 * FWD_MAC_TTL), else broadcasts an ARP who-has RS and waits for it; and
 * sends a unicast ARP who-has VIP to that MAC before the probe. Runs in
 * between send the probe to the MAC the last reply came from; a run that
 * did not get through asks by ARP next time. An answer for the VIP,
 * whenever it comes, is recorded: a run says vip_arp_answered when the
 * last question was answered (see arp_answered(): detection within 3 s
 * plus one run of the first answer; a fixed server passes from the first
 * run after an unanswered question, so within 3 s plus a run). The probe
 * is the SYN or echo to the VIP in a frame to the real server's MAC.
 * TUN sends the same SYN or echo through a raw IPPROTO_IPIP socket to the
 * real server (the kernel adds the outer header and routes it like the
 * tunnel would). Replies are parsed by hc_fwd_parse(): a reply to this
 * run, else counted (stray: this run's port or ident with the wrong
 * sequence or token). A SYN-ACK is answered by a RST so no half-open
 * connection is left on the real server. No timer of its own: the
 * probe's deadline ends it (hc_fwd_deadline), or, when the check ended
 * first, one set then (misc_check's deadline is not in the schedule).
 *
 * Why per run so little: the first version opened a packet socket per
 * probe and asked two ARP questions per run, twice the plain check's CPU
 * (tests/bench/fwd.sh, README there). */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <linux/if_ether.h>
#include <net/if_arp.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <syslog.h>
#include <unistd.h>

#include "hc_fwd_int.h"
#include "log.h"

/* DR: how often a real server is asked who has the VIP and its MAC looked
 * up (at most; every run when delay_loop is longer). */
#define FWD_ARP_ASK_USEC (3 * 1000000ULL)
/* How long our own ARP answer for a real server is used when the kernel
 * has no entry for it (its base_reachable_time is 30 s). */
#define FWD_MAC_TTL_USEC (30 * 1000000ULL)

int hc_fwd_new(struct hc_probe *p, const struct hc_fwd_params *params)
{
	struct hc_fwd *f = calloc(1, sizeof(*f));
	int r;

	if (!f)
		return -ENOMEM;
	if ((r = hc_fwd_sh_get(p->ctx, &f->sh)) < 0) {
		free(f);
		return r;
	}
	f->prm = *params;
	f->p = p;
	hc_fwd_port_take(f->sh, f);
	f->next = f->sh->all;
	if (f->next)
		f->next->prev = f;
	f->sh->all = f;
	p->fwd = f;
	return 0;
}

static void run_close(struct hc_fwd *f)
{
	if (f->timer) /* an sd-event source: sd-event must look (loop.c) */
		hd_loop_touch(f->p->ctx->d);
	f->timer = sd_event_source_disable_unref(f->timer);
	f->running = false;
	hc_fwd_tx_drop(f);
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
	struct hc_fwd *f = p->fwd;

	if (!f)
		return;
	hc_fwd_cancel(p);
	hc_fwd_link_put(f);
	hc_fwd_port_drop(f->sh, f);
	if (f->prev)
		f->prev->next = f->next;
	else
		f->sh->all = f->next;
	if (f->next)
		f->next->prev = f->prev;
	hc_fwd_sh_put(f->sh);
	free(f);
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
	char *name = f->ifname;
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
	name[0] = 0;
	if (f->prm.kind == HD_LB_TUN)
		return 0;
	if (getifaddrs(&ifa) < 0)
		return -errno;
	for (i = ifa; i; i = i->ifa_next)
		if (i->ifa_addr && i->ifa_addr->sa_family == AF_INET &&
		    ((struct sockaddr_in *)i->ifa_addr)->sin_addr.s_addr == htonl(f->dir))
			snprintf(name, IF_NAMESIZE, "%s", i->ifa_name);
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

/* The SYN, echo or RST (of run ID) to the VIP the way IPVS forwards (DR:
 * queued, sent with the other frames of this loop iteration). */
static int send_id(struct hc_fwd *f, const struct hc_fwd_id *id, bool rst)
{
	uint8_t b[HC_FWD_PKT_MAX];
	size_t len = hc_fwd_build_probe(b, id, rst);

	if (f->prm.kind == HD_LB_TUN) {
		struct sockaddr_in sa = {.sin_family = AF_INET,
					 .sin_addr.s_addr = htonl(f->prm.rs)};
		return sendto(f->sh->tun_fd, b, len, 0, (struct sockaddr *)&sa, sizeof(sa)) < 0
			   ? -errno
			   : 0;
	}
	hc_fwd_tx_queue(f, !rst, ETH_P_IP, id->rs_mac, b, len);
	return 0;
}

static int send_probe(struct hc_fwd *f, bool rst)
{
	return send_id(f, &f->id, rst);
}

static int send_arp(struct hc_fwd *f, uint32_t tip, const uint8_t *dst)
{
	uint8_t b[HC_FWD_ARP_LEN];

	hc_fwd_build_arp(b, &f->id, tip);
	hc_fwd_tx_queue(f, true, ETH_P_ARP, dst, b, sizeof(b));
	return 0;
}

/* DR, the MAC just looked up or learnt: the question who has the VIP
 * (an answer is rare and recorded whenever it comes), then the probe. */
static int send_dr(struct hc_fwd *f)
{
	int r = send_arp(f, f->prm.vip, f->id.rs_mac);

	if (r < 0)
		return r;
	f->arp_asked++;
	f->arp_asked_usec = hd_loop_now_usec(f->p->ctx->d);
	f->asked_now = true;
	return send_probe(f, false);
}

/* Whether the real server answers ARP for the VIP: it answered the last
 * question, or, when that was sent in this run (its answer may be on its
 * way), the one before. So an answer shows from the run it came in (at
 * most FWD_ARP_ASK_USEC plus a run after it began), and a fixed server
 * passes from the first run after a question went unanswered. */
static bool arp_answered(const struct hc_fwd *f)
{
	return f->prm.kind == HD_LB_DR && f->arp_seen &&
	       (f->arp_seen == f->arp_asked || (f->asked_now && f->arp_seen + 1 == f->arp_asked));
}

static void fwd_finish(struct hc_probe *p)
{
	struct hc_fwd *f = p->fwd;
	struct in_addr rs = {htonl(f->prm.rs)};
	char a[INET_ADDRSTRLEN] = "";

	if (!f->found.err && !f->found.accepted)
		f->found.err = f->tx_err; /* no answer: the probe never left */
	if (f->found.err || f->stray || f->foreign)
		inet_ntop(AF_INET, &rs, a, sizeof(a));
	run_close(f);
	f->done = true;
	f->found.arp_answered = arp_answered(f);
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
	if (!f->found.err && !f->found.accepted && f->prm.tcp && f->found.resolved) {
		f->late_id = f->id; /* its SYN left: a SYN-ACK may follow */
		f->late = true;
	}
	if (f->found.err || !f->found.accepted) {
		f->have_path = false; /* look the path up again next time */
		f->relearn = true;    /* and the MAC by our own ARP question */
		f->has_good = false;
	} else if (f->prm.kind == HD_LB_DR) {
		memcpy(f->good, f->id.rs_mac, 6);
		f->has_good = true;
	}
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

/* An IPv4 packet from the shared socket, for F (its port): true when it was
 * F's (a reply, or counted stray). SRC_MAC: the frame's source. */
bool hc_fwd_on_ip(struct hc_fwd *f, const uint8_t *b, size_t n, const uint8_t *src_mac,
		  bool count_stray)
{
	uint8_t mac[6];
	enum hc_fwd_reply k = hc_fwd_parse(b, n, ETH_P_IP, &f->id, mac);

	if ((k == HC_FWD_R_SYNACK || k == HC_FWD_R_RST || k == HC_FWD_R_ECHO) &&
	    !hc_fwd_from_rs(&f->id, src_mac))
		k = HC_FWD_R_STRAY; /* passed on by the real server to another host */
	switch (k) {
	case HC_FWD_R_SYNACK: /* reset: no half-open connection left */
		(void)send_probe(f, true);
		/* fall through */
	case HC_FWD_R_RST:
	case HC_FWD_R_ECHO:
		f->found.accepted = true;
		fwd_finish(f->p);
		return true;
	case HC_FWD_R_STRAY:
		if (count_stray)
			f->stray++;
		return count_stray;
	default:
		return false;
	}
}

/* A SYN-ACK of F's last unanswered run, from the real server, come after
 * its deadline: the real server holds a half-open connection for it, and
 * would answer the next run's SYN (same ports) for that one instead. Reset
 * (once: a forger would have to guess the run's random sequence). */
bool hc_fwd_on_late(struct hc_fwd *f, const uint8_t *b, size_t n, const uint8_t *src_mac)
{
	uint8_t mac[6];

	if (hc_fwd_parse(b, n, ETH_P_IP, &f->late_id, mac) != HC_FWD_R_SYNACK ||
	    !hc_fwd_from_rs(&f->late_id, src_mac))
		return false;
	f->late = false;
	(void)send_id(f, &f->late_id, true);
	return true;
}

/* An ARP reply: the real server's MAC for a probe that asked, or its
 * answer for the VIP (recorded between runs too). */
void hc_fwd_on_arp(struct hc_fwd *f, const uint8_t *b, size_t n)
{
	uint8_t mac[6];
	int r;

	if (f->prm.kind != HD_LB_DR)
		return;
	switch (hc_fwd_parse(b, n, ETH_P_ARP, &f->id, mac)) {
	case HC_FWD_R_ARP_RS:
		memcpy(f->learnt, mac, 6);
		f->has_learnt = true;
		f->learnt_usec = hd_loop_now_usec(f->p->ctx->d);
		if (!f->running)
			break;
		memcpy(f->id.rs_mac, mac, 6);
		f->id.has_rs_mac = f->found.resolved = true;
		if ((r = send_dr(f)) < 0) {
			f->found.err = r;
			fwd_finish(f->p);
		}
		break;
	case HC_FWD_R_ARP_VIP:
		f->arp_seen = f->arp_asked;
		break;
	default:
		break;
	}
}

/* DR: the real server's MAC without asking, from the kernel's neighbour
 * table (what IPVS forwards with), else our own recent answer. */
static bool known_mac(struct hc_fwd *f, uint8_t mac[6])
{
	static const uint8_t zero[6];
	struct arpreq ar = {0};
	struct sockaddr_in *pa = (struct sockaddr_in *)&ar.arp_pa;

	if (f->relearn)
		return false;
	pa->sin_family = AF_INET;
	pa->sin_addr.s_addr = htonl(f->prm.rs);
	snprintf(ar.arp_dev, sizeof(ar.arp_dev), "%s", f->ifname);
	if (ioctl(f->link->ip_fd, SIOCGARP, &ar) == 0 && (ar.arp_flags & ATF_COM) &&
	    memcmp(ar.arp_ha.sa_data, zero, 6)) {
		memcpy(mac, ar.arp_ha.sa_data, 6);
		return true;
	}
	if (f->has_learnt && hd_loop_now_usec(f->p->ctx->d) - f->learnt_usec < FWD_MAC_TTL_USEC) {
		memcpy(mac, f->learnt, 6);
		return true;
	}
	return false;
}

static int fwd_begin(struct hc_probe *p)
{
	static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	struct hc_fwd *f = p->fwd;
	uint8_t rnd[12];
	int r;

	if (!f->have_path &&
	    ((r = find_path(f)) < 0 ||
	     (r = hc_fwd_link_use(f, f->prm.kind == HD_LB_TUN ? 0 : f->ifindex)) < 0))
		return r;
	f->have_path = true;
	if ((r = hc_fwd_random(f->sh, rnd, sizeof(rnd))) < 0)
		return r;
	f->id = (struct hc_fwd_id){.p = f->prm, .dir = f->dir, .sport = f->sport};
	memcpy(f->id.dir_mac, f->mac, 6);
	/* the port (and ICMP ident) is the probe's; the sequence and token
	 * are each run's */
	memcpy(&f->id.seq, rnd, 4);
	if (!f->prm.tcp)
		f->id.seq = (uint32_t)f->sport << 16 | (f->id.seq & 0xffff);
	memcpy(f->id.token, rnd + 4, 8);
	if (f->prm.kind == HD_LB_TUN) {
		f->found.resolved = true;
		return send_probe(f, false);
	}
	/* between questions, the MAC the last run's reply came from */
	if (f->has_good && !f->relearn &&
	    hd_loop_now_usec(p->ctx->d) - f->arp_asked_usec < FWD_ARP_ASK_USEC) {
		memcpy(f->id.rs_mac, f->good, 6);
		f->id.has_rs_mac = f->found.resolved = true;
		return send_probe(f, false);
	}
	if (known_mac(f, f->id.rs_mac)) {
		f->id.has_rs_mac = f->found.resolved = true;
		return send_dr(f);
	}
	f->relearn = false;
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
	f->asked_now = false;
	f->tx_err = 0;
	f->foreign = f->stray = 0;
	f->running = true;
	f->n.probes++;
	if ((r = fwd_begin(p)) < 0) {
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
		/* the check ended first (rare: the path answers within a round
		 * trip): a deadline of its own, for checks the schedule keeps
		 * none for (misc_check) */
		hd_loop_touch(p->ctx->d); /* sd-event must arm it (loop.c) */
		if (!f->timer && (sd_event_add_time(p->ctx->d->event, &f->timer, CLOCK_MONOTONIC,
						    p->started_usec + p->timeout_usec, 1000,
						    fwd_timer_cb, p) < 0 ||
				  sd_event_source_set_priority(f->timer, HD_PRIO_HC) < 0)) {
			f->timer = sd_event_source_disable_unref(f->timer);
			fwd_finish(p);
			return NULL;
		}
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
