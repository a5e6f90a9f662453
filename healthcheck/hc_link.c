/* The director's own links as the health checker needs them (the rules are
 * hc_path.c's, pure): each interface's carrier from rtnetlink (a dump at
 * start, then the link group's events, before any check's result: higher
 * priority), and, for a check that failed while some interface is or was
 * lately down, the kernel's route to its target (one RTM_GETROUTE). While
 * every link is up and has been for longer than the grace, a failed check
 * asks the kernel nothing: the cost is one comparison. */
#include "config.h"

#include <errno.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "hc_int.h"
#include "hc_path.h"
#include "log.h"

/* A run that started this soon after its link came back may still fail
 * because of it (neighbours being resolved, IPv6 addresses in DAD). */
#define HC_PATH_GRACE_USEC 1000000ULL

struct hc_link_if {
	struct hc_path_if h;
	char name[IF_NAMESIZE];
};

struct hc_links {
	struct hc_ctx *c;
	int fd;	 /* RTNLGRP_LINK events and the dump */
	int qfd; /* route queries */
	sd_event_source *src;
	struct hc_link_if *ifs;
	size_t n, cap;
	size_t n_down;
	uint64_t last_up;     /* the latest return of any interface */
	uint64_t held;	      /* checks held, ever */
	uint64_t held_period; /* since an interface last went down (its log line) */
	uint32_t seq;
};

static struct hc_link_if *link_get(struct hc_links *l, int ifindex, bool add)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->ifs[i].h.ifindex == ifindex)
			return &l->ifs[i];
	if (!add)
		return NULL;
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 16;
		struct hc_link_if *n = realloc(l->ifs, cap * sizeof(*n));
		if (!n)
			return NULL;
		l->ifs = n, l->cap = cap;
	}
	l->ifs[l->n] = (struct hc_link_if){.h = {.ifindex = ifindex, .running = true}};
	return &l->ifs[l->n++];
}

static void link_msg(struct hc_links *l, const struct nlmsghdr *h, uint64_t now)
{
	const struct ifinfomsg *ifi = NLMSG_DATA(h);
	int len = (int)h->nlmsg_len - (int)NLMSG_LENGTH(sizeof(*ifi));
	bool running = (ifi->ifi_flags & IFF_UP) && (ifi->ifi_flags & IFF_RUNNING);
	struct hc_link_if *i;

	if (len < 0)
		return;
	if (h->nlmsg_type == RTM_DELLINK) { /* gone: it is no one's egress any more */
		if ((i = link_get(l, ifi->ifi_index, false))) {
			l->n_down -= !i->h.running && l->n_down > 0;
			*i = l->ifs[--l->n];
		}
		return;
	}
	if (!(i = link_get(l, ifi->ifi_index, true)))
		return;
	for (const struct rtattr *a = IFLA_RTA(ifi); RTA_OK(a, len); a = RTA_NEXT(a, len))
		if (a->rta_type == IFLA_IFNAME)
			snprintf(i->name, sizeof(i->name), "%.*s", (int)RTA_PAYLOAD(a),
				 (const char *)RTA_DATA(a));
	if (!hc_path_if_set(&i->h, running, now))
		return;
	if (!running) {
		l->n_down++;
		l->held_period = 0;
		hd_notice("health checks: interface %s down: checks that get no answer through it "
			  "hold their verdicts (director_link_down)",
			  i->name);
		return;
	}
	l->n_down -= l->n_down > 0;
	l->last_up = now;
	if (l->held_period)
		hd_notice("health checks: interface %s up: %llu failed checks were held while "
			  "links were down; the next results count",
			  i->name, (unsigned long long)l->held_period);
}

static int links_dump(struct hc_links *l)
{
	struct {
		struct nlmsghdr h;
		struct ifinfomsg i;
	} req = {.h = {.nlmsg_len = sizeof(req),
		       .nlmsg_type = RTM_GETLINK,
		       .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP,
		       .nlmsg_seq = ++l->seq},
		 .i = {.ifi_family = AF_UNSPEC}};

	return send(l->fd, &req, sizeof(req), 0) < 0 ? -errno : 0;
}

static int on_links(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	struct hc_links *l = userdata;
	char buf[16384] __attribute__((aligned(NLMSG_ALIGNTO)));
	uint64_t now = hd_now_usec();
	ssize_t n;

	while ((n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT)) != 0) {
		if (n < 0) {
			if (errno == ENOBUFS) /* events lost: read every link again */
				links_dump(l);
			if (errno == EINTR || errno == ENOBUFS)
				continue;
			break;
		}
		for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)n);
		     h = NLMSG_NEXT(h, n))
			if (h->nlmsg_type == RTM_NEWLINK || h->nlmsg_type == RTM_DELLINK)
				link_msg(l, h, now);
	}
	return 0;
}

/* The kernel's route to T: its output interface, or -errno (no route). */
static int route_oif(struct hc_links *l, const struct hd_endpoint *t)
{
	struct {
		struct nlmsghdr h;
		struct rtmsg r;
		char attrs[64];
	} req = {
	    .h = {.nlmsg_type = RTM_GETROUTE, .nlmsg_flags = NLM_F_REQUEST, .nlmsg_seq = ++l->seq},
	    .r = {.rtm_family = (unsigned char)t->addr.family}};
	size_t alen = t->addr.family == AF_INET6 ? 16 : 4;
	struct rtattr *a = (struct rtattr *)req.attrs;
	char buf[4096] __attribute__((aligned(NLMSG_ALIGNTO)));
	struct pollfd pfd = {.fd = l->qfd, .events = POLLIN};
	ssize_t n;

	req.r.rtm_dst_len = (unsigned char)(alen * 8);
	a->rta_type = RTA_DST;
	a->rta_len = (unsigned short)RTA_LENGTH(alen);
	memcpy(RTA_DATA(a), &t->addr.u, alen);
	req.h.nlmsg_len = NLMSG_LENGTH(sizeof(req.r)) + RTA_ALIGN(a->rta_len);
	if (send(l->qfd, &req, req.h.nlmsg_len, 0) < 0)
		return -errno;
	/* the kernel answers at once; a bound, not a wait */
	while (poll(&pfd, 1, 100) > 0 && (n = recv(l->qfd, buf, sizeof(buf), MSG_DONTWAIT)) > 0) {
		for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)n);
		     h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_seq != l->seq)
				continue;
			if (h->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = NLMSG_DATA(h);
				return e->error ? e->error : -ENETUNREACH;
			}
			if (h->nlmsg_type != RTM_NEWROUTE)
				continue;
			const struct rtmsg *rt = NLMSG_DATA(h);
			int len = (int)RTM_PAYLOAD(h);
			for (const struct rtattr *x = RTM_RTA(rt); RTA_OK(x, len);
			     x = RTA_NEXT(x, len))
				if (x->rta_type == RTA_OIF)
					return *(const int *)RTA_DATA(x);
			return -ENETUNREACH;
		}
	}
	return -ETIMEDOUT;
}

/* No route to T (its interface was set down): the interface holding an
 * address whose prefix contains T (the longest), or 0. One address dump. */
static int on_link_oif(struct hc_links *l, const struct hd_endpoint *t)
{
	struct {
		struct nlmsghdr h;
		struct ifaddrmsg a;
	} req = {.h = {.nlmsg_len = sizeof(req),
		       .nlmsg_type = RTM_GETADDR,
		       .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP,
		       .nlmsg_seq = ++l->seq},
		 .a = {.ifa_family = (unsigned char)t->addr.family}};
	char buf[16384] __attribute__((aligned(NLMSG_ALIGNTO)));
	struct pollfd pfd = {.fd = l->qfd, .events = POLLIN};
	int best = 0, best_len = -1;
	ssize_t n;

	if (send(l->qfd, &req, sizeof(req), 0) < 0)
		return 0;
	while (poll(&pfd, 1, 100) > 0 && (n = recv(l->qfd, buf, sizeof(buf), MSG_DONTWAIT)) > 0) {
		for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)n);
		     h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_seq != l->seq)
				continue;
			if (h->nlmsg_type == NLMSG_DONE || h->nlmsg_type == NLMSG_ERROR)
				return best;
			if (h->nlmsg_type != RTM_NEWADDR)
				continue;
			const struct ifaddrmsg *ifa = NLMSG_DATA(h);
			int len = (int)IFA_PAYLOAD(h);
			struct hd_addr a = {.family = ifa->ifa_family};
			bool have = false;
			for (const struct rtattr *x = IFA_RTA(ifa); RTA_OK(x, len);
			     x = RTA_NEXT(x, len))
				if ((x->rta_type == IFA_LOCAL ||
				     (x->rta_type == IFA_ADDRESS && !have)) &&
				    RTA_PAYLOAD(x) <= sizeof(a.u)) {
					memcpy(&a.u, RTA_DATA(x), RTA_PAYLOAD(x));
					have = true;
				}
			if (have && ifa->ifa_prefixlen > best_len &&
			    hc_path_on_link(&a, ifa->ifa_prefixlen, &t->addr)) {
				best = (int)ifa->ifa_index;
				best_len = ifa->ifa_prefixlen;
			}
		}
	}
	return best;
}

const struct hc_result *hc_links_judge(struct hc_probe *p, const struct hc_result *r,
				       struct hc_result *buf, uint64_t now)
{
	struct hc_links *l = p->ctx->links;
	struct hc_path_in in = {
	    .r = r, .start = p->started_usec, .end = now, .grace = HC_PATH_GRACE_USEC};
	const struct hc_link_if *e = NULL;
	int oif;

	if (!l || r->neutral || !hc_outcome_no_answer(r->outcome))
		return r;
	if (!l->n_down && !(l->last_up && l->last_up + in.grace >= in.start))
		return r; /* the common case: every link up, no question to the kernel */
	oif = route_oif(l, &p->target);
	if (oif <= 0 && oif != -ETIMEDOUT)
		oif = on_link_oif(l, &p->target);
	if (oif > 0 && (e = link_get(l, oif, false)))
		in.egress = &e->h;
	if (!hc_path_hold(&in))
		return r;
	hc_path_held_result(r, oif, buf);
	l->held++;
	if (!l->held_period++)
		hd_warn("health check %s: no answer while the director's own link is down (%s): "
			"its verdict is held (director_link_down), as are those of the next "
			"checks through a link that is down",
			p->key, e->name);
	else
		hd_debug("health check %s: held (director_link_down)", p->key);
	return buf;
}

void hc_links_counts(const struct hc_ctx *c, uint64_t *held, size_t *down)
{
	*held = c->links ? c->links->held : 0;
	*down = c->links ? c->links->n_down : 0;
}

static int nl_socket(unsigned groups)
{
	struct sockaddr_nl sa = {.nl_family = AF_NETLINK, .nl_groups = groups};
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_ROUTE),
	    one = 1;
	int size = 1 << 20;

	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int r = -errno;
		close(fd);
		return r;
	}
	return fd;
}

void hc_links_close(struct hc_ctx *c)
{
	struct hc_links *l = c->links;

	if (!l)
		return;
	sd_event_source_disable_unref(l->src);
	if (l->fd >= 0)
		close(l->fd);
	if (l->qfd >= 0)
		close(l->qfd);
	free(l->ifs);
	free(l);
	c->links = NULL;
}

/* Without it (no netlink: a sandbox) every failure counts, as before. */
int hc_links_open(struct hc_ctx *c)
{
	struct hc_links *l = calloc(1, sizeof(*l));
	int r;

	if (!l)
		return -ENOMEM;
	c->links = l;
	l->c = c;
	l->qfd = -1;
	l->fd = nl_socket(RTMGRP_LINK);
	r = l->fd;
	if (r >= 0)
		r = l->qfd = nl_socket(0);
	if (r >= 0)
		r = sd_event_add_io(c->d->event, &l->src, l->fd, EPOLLIN, on_links, l);
	if (r >= 0)
		r = sd_event_source_set_priority(l->src, HD_PRIO_NETLINK);
	if (r >= 0)
		r = links_dump(l);
	if (r < 0) {
		hd_warn("health checks: cannot watch the links (%s): a failure through a link "
			"that is down counts as any other",
			strerror(-r));
		hc_links_close(c);
	}
	return r == -ENOMEM ? r : 0;
}
