/* VRRP sockets and timers: raw IP protocol 112 per (interface, family),
 * multicast 224.0.0.18 / ff02::12, TTL / hop limit 255 out and checked in,
 * unicast peers. Received adverts become state machine events. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "vrrp_ah.h"
#include "vrrp_int.h"

/* Packets per wakeup; a socket with more waiting yields (hd_yield) so
 * that signals and the control socket are served during a flood. */
#define RX_BUDGET 64

#define VRRP_MCAST4 "224.0.0.18"
#define VRRP_MCAST6 "ff02::12"

static int sockopt_int(int fd, int level, int opt, int v)
{
	return setsockopt(fd, level, opt, &v, sizeof(v));
}

/* FD's setup failed: -errno of that failure, read before close() (which
 * may set errno again) drops FD. */
static int close_fail(int fd)
{
	int r = -errno;

	close(fd);
	return r;
}

/* A raw IPv4 socket of PROTO on IFNAME, in the VRRP multicast group, sending
 * there and not looping its own adverts back: what VRRP and AH adverts share.
 * The open_* functions return the descriptor or -errno. */
static int open_mcast4(int ifindex, const char *ifname, int proto)
{
	int fd = socket(AF_INET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, proto);
	struct ip_mreqn mr = {.imr_ifindex = ifindex};

	if (fd < 0)
		return -errno;
	inet_pton(AF_INET, VRRP_MCAST4, &mr.imr_multiaddr);
	if (setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname, (socklen_t)strlen(ifname)) < 0 ||
	    setsockopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mr, sizeof(mr)) < 0 ||
	    setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &mr, sizeof(mr)) < 0 ||
	    sockopt_int(fd, IPPROTO_IP, IP_MULTICAST_LOOP, 0) < 0) {
		return close_fail(fd);
	}
	return fd;
}

static int open_v4(int ifindex, const char *ifname)
{
	int fd = open_mcast4(ifindex, ifname, VRRP_PROTO);

	if (fd < 0)
		return fd;
	if (sockopt_int(fd, IPPROTO_IP, IP_MULTICAST_TTL, VRRP_TTL) < 0 ||
	    sockopt_int(fd, IPPROTO_IP, IP_TTL, VRRP_TTL) < 0 ||
	    sockopt_int(fd, IPPROTO_IP, IP_TOS, 0xc0) < 0) { /* DSCP CS6, network control */
		return close_fail(fd);
	}
	return fd;
}

/* Adverts of auth type ah: IP protocol 51, the IP header ours (the ICV
 * covers it, vrrp_ah.h), so IP_HDRINCL; TOS and TTL are in that header. */
static int open_ah(int ifindex, const char *ifname)
{
	int fd = open_mcast4(ifindex, ifname, VRRP_AH_PROTO);

	if (fd < 0)
		return fd;
	if (sockopt_int(fd, IPPROTO_IP, IP_HDRINCL, 1) < 0) {
		return close_fail(fd);
	}
	return fd;
}

static int open_v6(int ifindex, const char *ifname)
{
	int fd = socket(AF_INET6, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, VRRP_PROTO);
	struct ipv6_mreq mr = {.ipv6mr_interface = (unsigned)ifindex};

	if (fd < 0)
		return -errno;
	inet_pton(AF_INET6, VRRP_MCAST6, &mr.ipv6mr_multiaddr);
	if (setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname, (socklen_t)strlen(ifname)) < 0 ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_ADD_MEMBERSHIP, &mr, sizeof(mr)) < 0 ||
	    sockopt_int(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, ifindex) < 0 ||
	    sockopt_int(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, VRRP_TTL) < 0 ||
	    sockopt_int(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, VRRP_TTL) < 0 ||
	    sockopt_int(fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, 0) < 0 ||
	    sockopt_int(fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, 1) < 0 ||
	    sockopt_int(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, 1) < 0 ||
	    sockopt_int(fd, IPPROTO_IPV6, IPV6_TCLASS, 0xc0) < 0) {
		return close_fail(fd);
	}
	return fd;
}

static struct vrrp_instance *find_vrid(struct vrrp_sock *s, int vrid)
{
	struct vrrp_ctx *c = s->ctx;

	for (size_t i = 0; i < c->n_inst; i++) {
		struct vrrp_instance *in = c->inst[i];

		if (in && in->sock == s && in->cfg->vrid == vrid)
			return in;
	}
	return NULL;
}

/* A drop before we know the instance counts on every instance of the socket. */
static void sock_drop(struct vrrp_sock *s, enum vrrp_drop r, const struct hd_addr *src)
{
	struct vrrp_ctx *c = s->ctx;

	for (size_t i = 0; i < c->n_inst; i++)
		if (c->inst[i] && c->inst[i]->sock == s) {
			if (r == VRRP_DROP_VRID_MISMATCH)
				c->inst[i]
				    ->drops[r]++; /* other routers' VRIDs are normal: no log */
			else
				vrrp_drop(c->inst[i], r, src);
		}
}

static bool is_peer(const struct vrrp_instance *in, const struct hd_addr *src)
{
	for (size_t i = 0; i < in->cfg->n_unicast_peers; i++)
		if (!hd_addr_cmp(&in->cfg->unicast_peers[i], src))
			return true;
	return false;
}

static void handle_advert(struct vrrp_sock *s, const uint8_t *pkt, size_t len,
			  const struct hd_addr *src, const void *dst, int ttl)
{
	struct vrrp_instance *in = find_vrid(s, vrrp_pkt_peek_vrid(pkt, len));
	struct vrrp_rx_expect e;
	struct vrrp_advert a = {0};
	struct vrrp_event ev;
	enum vrrp_drop r;

	if (!in) {
		sock_drop(s, len < 2 ? VRRP_DROP_TOO_SHORT : VRRP_DROP_VRID_MISMATCH, src);
		return;
	}
	if (in->cfg->n_unicast_peers && !is_peer(in, src)) {
		vrrp_drop(in, VRRP_DROP_BAD_SOURCE, src);
		return;
	}
	e = (struct vrrp_rx_expect){.version = in->cfg->version,
				    .family = s->family,
				    .vrid = in->cfg->vrid,
				    .adver_int_cs = in->cfg->advert_int_cs,
				    .auth_type = in->cfg->auth_type,
				    .auth_pass = in->cfg->auth_pass,
				    .vips = in->cfg->vips,
				    .n_vips = in->cfg->n_vips,
				    .src = &src->u,
				    .dst = dst,
				    .ttl = ttl};
	r = vrrp_pkt_parse(pkt, len, &e, &a);
	ev = (struct vrrp_event){.type = VRRP_EV_ADVERT,
				 .priority = a.priority,
				 .adver_int_cs = a.adver_int_cs,
				 .src = *src};
	if (!r)
		r = vrrp_fsm_admit(&in->fsm, &ev, in->cfg->priority);
	if (r) {
		vrrp_drop(in, r, src);
		return;
	}
	in->adverts_received++;
	if (a.priority == VRRP_PRIO_STOP)
		in->prio0_received++;
	vrrp_instance_event(in, &ev);
}

static void rx_v4(struct vrrp_sock *s, const uint8_t *buf, size_t n)
{
	const uint8_t *pl;
	size_t plen;
	uint8_t src[4], dst[4];
	int ttl;
	struct hd_addr from = {.family = AF_INET};
	enum vrrp_drop r = vrrp_pkt_strip_ip4(buf, n, &pl, &plen, src, dst, &ttl);

	if (n >= 16)
		memcpy(&from.u.v4, buf + 12, 4);
	if (r) {
		sock_drop(s, r, n >= 16 ? &from : NULL);
		return;
	}
	handle_advert(s, pl, plen, &from, dst, ttl);
}

/* Auth type ah: the ICV, SPI and sequence number are checked with the
 * instance's password before anything else is believed (vrrp_ah.h). */
static void rx_ah(struct vrrp_sock *s, const uint8_t *buf, size_t n)
{
	struct vrrp_ah_rx rx;
	struct vrrp_instance *in;
	struct hd_addr from = {.family = AF_INET};
	enum vrrp_drop r = vrrp_ah_strip(buf, n, &rx);

	if (n >= 16)
		memcpy(&from.u.v4, buf + 12, 4);
	if (r) {
		/* AH of other protocols on the link is none of ours */
		if (r != VRRP_DROP_BAD_IP_HEADER)
			sock_drop(s, r, n >= 16 ? &from : NULL);
		return;
	}
	in = find_vrid(s, vrrp_pkt_peek_vrid(rx.vrrp, rx.vrrp_len));
	if (!in) {
		sock_drop(s, rx.vrrp_len < 2 ? VRRP_DROP_TOO_SHORT : VRRP_DROP_VRID_MISMATCH,
			  &from);
		return;
	}
	if (in->cfg->n_unicast_peers && !is_peer(in, &from)) {
		vrrp_drop(in, VRRP_DROP_BAD_SOURCE, &from);
		return;
	}
	r = vrrp_ah_verify(buf, n, &rx, in->cfg->auth_pass, in->cfg->n_unicast_peers > 0,
			   &in->ah_seq);
	if (r) {
		vrrp_drop(in, r, &from);
		return;
	}
	handle_advert(s, rx.vrrp, rx.vrrp_len, &from, rx.dst, rx.ttl);
}

static void rx_v6(struct vrrp_sock *s, struct msghdr *m, const uint8_t *buf, size_t n)
{
	const struct sockaddr_in6 *sin6 = m->msg_name;
	struct hd_addr from = {.family = AF_INET6};
	struct in6_addr dst = IN6ADDR_ANY_INIT;
	int ttl = -1;

	from.u.v6 = sin6->sin6_addr;
	for (struct cmsghdr *cm = CMSG_FIRSTHDR(m); cm; cm = CMSG_NXTHDR(m, cm)) {
		if (cm->cmsg_level != IPPROTO_IPV6)
			continue;
		if (cm->cmsg_type == IPV6_HOPLIMIT)
			memcpy(&ttl, CMSG_DATA(cm), sizeof(ttl));
		else if (cm->cmsg_type == IPV6_PKTINFO)
			memcpy(&dst, CMSG_DATA(cm), sizeof(dst)); /* ipi6_addr comes first */
	}
	handle_advert(s, buf, n, &from, &dst, ttl);
}

static int on_readable(sd_event_source *es, int fd, uint32_t revents, void *userdata)
{
	struct vrrp_sock *s = userdata;
	uint8_t buf[VRRP_PKT_MAX + 128];
	union {
		struct cmsghdr align;
		char b[256];
	} ctl;
	struct sockaddr_in6 from;

	int i;

	for (i = 0; i < RX_BUDGET; i++) {
		struct iovec iov = {.iov_base = buf, .iov_len = sizeof(buf)};
		struct msghdr m = {.msg_name = &from,
				   .msg_namelen = sizeof(from),
				   .msg_iov = &iov,
				   .msg_iovlen = 1,
				   .msg_control = ctl.b,
				   .msg_controllen = sizeof(ctl.b)};
		ssize_t n = recvmsg(fd, &m, 0);

		if (n < 0)
			break; /* EAGAIN, or an error the next wakeup will show again */
		if (s->ah)
			rx_ah(s, buf, (size_t)n);
		else if (s->family == AF_INET)
			rx_v4(s, buf, (size_t)n);
		else
			rx_v6(s, &m, buf, (size_t)n);
	}
	if (i == RX_BUDGET)
		hd_yield(s->ctx->d, es, &s->resume);
	return 0;
}

/* NULL with *ERR: -ENOMEM, or the socket's error (logged). */
static struct vrrp_sock *sock_get(struct vrrp_ctx *c, int ifindex, int family, bool ah,
				  const char *ifname, int *err)
{
	struct vrrp_sock *s;
	int fd;

	for (s = c->socks; s; s = s->next)
		if (s->ifindex == ifindex && s->family == family && s->ah == ah)
			return s;
	fd = ah			  ? open_ah(ifindex, ifname)
	     : family == AF_INET6 ? open_v6(ifindex, ifname)
				  : open_v4(ifindex, ifname);
	if (fd < 0) {
		*err = fd;
		hd_err("vrrp: socket on %s: %s", ifname, strerror(-fd));
		return NULL;
	}
	s = calloc(1, sizeof(*s));
	if (!s || sd_event_add_io(c->d->event, &s->src, fd, EPOLLIN, on_readable, s) < 0) {
		*err = -ENOMEM;
		free(s);
		close(fd);
		return NULL;
	}
	sd_event_source_set_priority(s->src, HD_PRIO_VRRP);
	s->ctx = c;
	s->ifindex = ifindex;
	s->family = family;
	s->ah = ah;
	s->fd = fd;
	s->next = c->socks;
	c->socks = s;
	return s;
}

static void sock_close(struct vrrp_ctx *c, struct vrrp_sock *s)
{
	for (struct vrrp_sock **pp = &c->socks; *pp; pp = &(*pp)->next)
		if (*pp == s) {
			*pp = s->next;
			break;
		}
	sd_event_source_disable_unref(s->resume); /* it points at s->src */
	sd_event_source_disable_unref(s->src);
	close(s->fd);
	free(s);
}

int vrrp_io_attach(struct vrrp_ctx *c, struct vrrp_instance *in)
{
	if (in->sock)
		return 0;
	int err = 0;
	bool ah = in->cfg->auth_type == HD_VRRP_AUTH_AH;

	/* use_vmac: adverts come and go on the vmac, their Ethernet source
	 * the virtual MAC (vrrp_vmac.c), unless vmac_xmit_base */
	if (vrrp_tx_on_vmac(in)) {
		if (!in->vmac_ifindex)
			return -ENODEV;
		in->sock =
		    sock_get(c, in->vmac_ifindex, in->cfg->family, ah, in->cfg->vmac_name, &err);
	} else {
		in->sock = sock_get(c, in->ifindex, in->cfg->family, ah, in->cfg->interface, &err);
	}
	return in->sock ? 0 : err;
}

void vrrp_io_detach(struct vrrp_ctx *c, struct vrrp_instance *in)
{
	struct vrrp_sock *s = in->sock;

	if (!s)
		return;
	in->sock = NULL;
	for (size_t i = 0; i < c->n_inst; i++)
		if (c->inst[i] && c->inst[i]->sock == s)
			return; /* still in use */
	sock_close(c, s);
}

void vrrp_io_free(struct vrrp_ctx *c)
{
	while (c->socks)
		sock_close(c, c->socks);
}

/* The IP identification of the next packet: never 0, or the kernel puts
 * its own after the ICV was computed. */
static uint16_t next_ip_id(struct vrrp_instance *in)
{
	if (!++in->ah_ip_id)
		in->ah_ip_id = 1;
	return in->ah_ip_id;
}

/* The advert PKT (LEN octets) inside an IPv4 packet with the IP
 * Authentication Header, sent with our own IP header (vrrp_ah.h): 0 or
 * -errno. */
static int send_ah(struct vrrp_instance *in, const struct hd_addr *dst, const uint8_t *pkt,
		   size_t len)
{
	uint16_t id = next_ip_id(in);
	uint8_t out[VRRP_AH_PKT_MAX];
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_addr = dst->u.v4};
	struct vrrp_ah_tx tx = {.src = (const uint8_t *)&in->src_addr.u.v4,
				.dst = (const uint8_t *)&dst->u.v4,
				.ip_id = id,
				.seq = in->ah_seq_tx,
				.ttl = VRRP_TTL,
				.unicast = in->cfg->n_unicast_peers > 0,
				.key = in->cfg->auth_pass,
				.vrrp = pkt,
				.vrrp_len = len};
	ssize_t n = vrrp_ah_build(&tx, out, sizeof(out)), sent;

	if (n < 0)
		return (int)n;
	sent = sendto(in->sock->fd, out, (size_t)n, 0, (struct sockaddr *)&sin, sizeof(sin));
	if (sent < 0)
		return -errno;
	return sent == n ? 0 : -EMSGSIZE;
}

/* 0 or -errno. */
static int send_to(struct vrrp_instance *in, const struct hd_addr *dst, uint8_t priority)
{
	uint8_t pkt[VRRP_PKT_MAX];
	union {
		struct cmsghdr align;
		char b[CMSG_SPACE(sizeof(struct in6_pktinfo))];
	} ctl;
	struct sockaddr_storage ss = {0};
	struct vrrp_tx tx = {.version = in->cfg->version,
			     .family = in->cfg->family,
			     .vrid = in->cfg->vrid,
			     .priority = priority,
			     .adver_int_cs = in->cfg->advert_int_cs,
			     .auth_type = in->cfg->auth_type,
			     .auth_pass = in->cfg->auth_pass,
			     .vips = in->cfg->vips,
			     .n_vips = in->cfg->n_vips,
			     .src = &in->src_addr.u,
			     .dst = &dst->u};
	ssize_t len = vrrp_pkt_build(&tx, pkt, sizeof(pkt));
	struct iovec iov = {.iov_base = pkt};
	struct msghdr m = {.msg_name = &ss, .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.b};
	struct cmsghdr *cm;
	ssize_t sent;

	if (len < 0)
		return (int)len;
	if (in->sock->ah)
		return send_ah(in, dst, pkt, (size_t)len);
	iov.iov_len = (size_t)len;
	memset(&ctl, 0, sizeof(ctl));
	cm = (struct cmsghdr *)ctl.b;
	if (dst->family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
		struct in_pktinfo pi = {.ipi_ifindex = in->sock->ifindex,
					.ipi_spec_dst = in->src_addr.u.v4};

		sin->sin_family = AF_INET;
		sin->sin_addr = dst->u.v4;
		m.msg_namelen = sizeof(*sin);
		cm->cmsg_level = IPPROTO_IP;
		cm->cmsg_type = IP_PKTINFO;
		cm->cmsg_len = CMSG_LEN(sizeof(pi));
		memcpy(CMSG_DATA(cm), &pi, sizeof(pi));
		m.msg_controllen = CMSG_SPACE(sizeof(pi));
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
		struct in6_pktinfo pi = {.ipi6_addr = in->src_addr.u.v6,
					 .ipi6_ifindex = (unsigned)in->sock->ifindex};

		sin6->sin6_family = AF_INET6;
		sin6->sin6_addr = dst->u.v6;
		sin6->sin6_scope_id = (uint32_t)in->sock->ifindex;
		m.msg_namelen = sizeof(*sin6);
		cm->cmsg_level = IPPROTO_IPV6;
		cm->cmsg_type = IPV6_PKTINFO;
		cm->cmsg_len = CMSG_LEN(sizeof(pi));
		memcpy(CMSG_DATA(cm), &pi, sizeof(pi));
		m.msg_controllen = CMSG_SPACE(sizeof(pi));
	}
	sent = sendmsg(in->sock->fd, &m, 0);
	if (sent < 0)
		return -errno;
	return sent == len ? 0 : -EMSGSIZE;
}

int vrrp_send_advert(struct vrrp_instance *in, uint8_t priority)
{
	struct hd_addr group = {.family = in->cfg->family};
	int r = 0;

	if (!in->sock || !in->src_addr.family) {
		in->send_errors++;
		return in->sock ? -EADDRNOTAVAIL : -ENOTCONN;
	}
	/* ah: one sequence number per advert, to every peer alike */
	if (in->sock->ah)
		in->ah_seq_tx = vrrp_ah_seq_next(&in->ah_seq);
	if (in->cfg->n_unicast_peers) {
		/* every peer is tried; the first failure is reported */
		for (size_t i = 0; i < in->cfg->n_unicast_peers; i++) {
			int e = send_to(in, &in->cfg->unicast_peers[i], priority);

			if (e < 0 && !r)
				r = e;
		}
	} else {
		inet_pton(group.family, group.family == AF_INET ? VRRP_MCAST4 : VRRP_MCAST6,
			  &group.u);
		r = send_to(in, &group, priority);
	}
	if (r < 0) {
		in->send_errors++;
		if (hd_ratelimit_ok(&in->drop_rl, vrrp_usec(), 10000000ULL, 5))
			hd_warn("%s: sending advert: %s", in->cfg->name, strerror(-r));
		return r;
	}
	in->adverts_sent++;
	if (priority == VRRP_PRIO_STOP)
		in->prio0_sent++;
	return 0;
}

static int on_timer(sd_event_source *es, uint64_t usec, void *userdata)
{
	struct vrrp_instance *in = userdata;

	vrrp_instance_simple_event(in, in->timer_ev, NULL);
	return 0;
}

static int on_preempt(sd_event_source *es, uint64_t usec, void *userdata)
{
	vrrp_instance_simple_event(userdata, VRRP_EV_PREEMPT_TIMER, NULL);
	return 0;
}

/* Accuracy 1 us: the default 250 ms slack would eat the protocol's floor. */
static void arm(struct vrrp_instance *in, sd_event_source **src, uint64_t at,
		sd_event_time_handler_t cb)
{
	if (!*src) {
		if (sd_event_add_time(in->ctx->d->event, src, CLOCK_MONOTONIC, at, 1, cb, in) < 0) {
			hd_err("%s: cannot arm timer", in->cfg->name);
			return;
		}
		sd_event_source_set_priority(*src, HD_PRIO_VRRP);
		return;
	}
	sd_event_source_set_time(*src, at);
	sd_event_source_set_enabled(*src, SD_EVENT_ONESHOT);
}

/* A new instance gets its timers at once, off: arming one later cannot
 * fail (an instance without its Master_Down_Timer would never take over). */
int vrrp_timers_new(struct vrrp_instance *in)
{
	sd_event *e = in->ctx->d->event;

	if (sd_event_add_time(e, &in->timer, CLOCK_MONOTONIC, 0, 1, on_timer, in) < 0 ||
	    sd_event_add_time(e, &in->preempt, CLOCK_MONOTONIC, 0, 1, on_preempt, in) < 0)
		return -ENOMEM;
	sd_event_source_set_enabled(in->timer, SD_EVENT_OFF);
	sd_event_source_set_enabled(in->preempt, SD_EVENT_OFF);
	sd_event_source_set_priority(in->timer, HD_PRIO_VRRP);
	sd_event_source_set_priority(in->preempt, HD_PRIO_VRRP);
	return vrrp_garp_timer_new(in);
}

void vrrp_timer_arm(struct vrrp_instance *in, uint64_t at, enum vrrp_event_type what)
{
	in->timer_ev = what;
	arm(in, &in->timer, at, on_timer);
}

void vrrp_timer_stop(struct vrrp_instance *in)
{
	if (in->timer)
		sd_event_source_set_enabled(in->timer, SD_EVENT_OFF);
}

void vrrp_preempt_arm(struct vrrp_instance *in, uint64_t at)
{
	arm(in, &in->preempt, at, on_preempt);
}

void vrrp_preempt_stop(struct vrrp_instance *in)
{
	if (in->preempt)
		sd_event_source_set_enabled(in->preempt, SD_EVENT_OFF);
}

static bool is_vip(const struct vrrp_instance *in, const struct hd_addr *a)
{
	for (size_t i = 0; i < in->cfg->n_vips; i++)
		if (!hd_addr_cmp(&in->cfg->vips[i].addr, a))
			return true;
	return false;
}

/* One of the daemon's own static_address entries: the kernel lists a
 * link-scoped one first, but keepalived keeps the address the interface
 * had before it added its own (keepalived's vrrp.static_ipaddress.conf sent
 * from 10.255.0.1 where hadirector took 192.168.200.16, equivalence test). */
static bool is_static(const struct vrrp_instance *in, const struct hd_addr *a)
{
	for (size_t i = 0; i < in->ctx->cfg->n_static_addrs; i++)
		if (!hd_addr_cmp(&in->ctx->cfg->static_addrs[i].addr, a))
			return true;
	return false;
}

/* Is A an address of some interface of this host? */
static bool host_has_addr(const struct hd_addr *a)
{
	struct ifaddrs *ifa, *p;
	bool found = false;

	if (getifaddrs(&ifa) < 0)
		return true; /* cannot tell: do not fault on it */
	for (p = ifa; p && !found; p = p->ifa_next) {
		if (!p->ifa_addr || p->ifa_addr->sa_family != a->family)
			continue;
		if (a->family == AF_INET)
			found = !memcmp(&((struct sockaddr_in *)p->ifa_addr)->sin_addr, &a->u.v4,
					sizeof(a->u.v4));
		else
			found = !memcmp(&((struct sockaddr_in6 *)p->ifa_addr)->sin6_addr, &a->u.v6,
					sizeof(a->u.v6));
	}
	freeifaddrs(ifa);
	return found;
}

/* unicast_src_ip (keepalived's mcast_src_ip converts to it) must be an
 * address of this host. Adverts cannot be sent from a foreign one, and adverts
 * from its real owner would be dropped as our own (own_address): a second
 * director given the first one's address by a copied file would go master
 * beside it, unheard. So it is a fault, with a log line, until it appears. */
static int resolve_configured_src(struct vrrp_instance *in)
{
	char buf[INET6_ADDRSTRLEN];
	bool had = !(in->faults & VRRP_FAULT_NOADDR);

	in->src_addr = in->cfg->unicast_src;
	in->fsm.primary = in->src_addr;
	if (host_has_addr(&in->src_addr)) {
		if (!had)
			hd_info("%s: unicast_src_ip %s is now an address of this host",
				in->cfg->name, hd_addr_str(&in->src_addr, buf, sizeof(buf)));
		in->faults &= ~VRRP_FAULT_NOADDR;
		return 0;
	}
	if (had)
		hd_err("%s: unicast_src_ip %s is not an address of this host: fault until "
		       "it is (adverts cannot be sent from it, and its owner's would be "
		       "taken for our own)",
		       in->cfg->name, hd_addr_str(&in->src_addr, buf, sizeof(buf)));
	in->faults |= VRRP_FAULT_NOADDR;
	return -EADDRNOTAVAIL;
}

/* The primary address: unicast_src_ip, else the interface's first address
 * of the family that is not a VIP (IPv6: its link-local, RFC 5798 5.1.2.1),
 * and not a static_address unless the interface has nothing else. 0, or
 * -EADDRNOTAVAIL without one, or getifaddrs()'s -errno. */
int vrrp_resolve_src(struct vrrp_instance *in)
{
	struct ifaddrs *ifa, *p;
	int family = in->cfg->family;
	struct hd_addr st = {0};

	if (in->cfg->has_unicast_src)
		return resolve_configured_src(in);
	memset(&in->src_addr, 0, sizeof(in->src_addr));
	if (getifaddrs(&ifa) < 0)
		return -errno;
	for (p = ifa; p; p = p->ifa_next) {
		struct hd_addr a = {.family = family};

		if (!p->ifa_addr || p->ifa_addr->sa_family != family ||
		    strcmp(p->ifa_name, in->cfg->interface))
			continue;
		if (family == AF_INET)
			a.u.v4 = ((struct sockaddr_in *)p->ifa_addr)->sin_addr;
		else
			a.u.v6 = ((struct sockaddr_in6 *)p->ifa_addr)->sin6_addr;
		if (family == AF_INET6 && !IN6_IS_ADDR_LINKLOCAL(&a.u.v6))
			continue;
		if (is_vip(in, &a))
			continue;
		if (is_static(in, &a)) {
			if (!st.family)
				st = a;
			continue;
		}
		in->src_addr = a;
		break;
	}
	freeifaddrs(ifa);
	if (!in->src_addr.family && st.family)
		in->src_addr = st;
	if (in->src_addr.family)
		in->faults &= ~VRRP_FAULT_NOADDR;
	else
		in->faults |= VRRP_FAULT_NOADDR;
	in->fsm.primary = in->src_addr;
	vrrp_vmac_src6(in);
	return in->src_addr.family ? 0 : -EADDRNOTAVAIL;
}
