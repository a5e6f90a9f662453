/* The daemon's one link-state view (link.h): libnl-route, RTNLGRP_LINK. */
#include "config.h"

#include <errno.h>
#include <linux/rtnetlink.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/route/rtnl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>

#include "link.h"
#include "log.h"
#include "nl_errno.h"

struct hd_link_watch {
	struct hd_links *v;
	hd_link_fn fn;
	void *userdata;
	bool routes; /* wants the route and address events */
};

struct hd_links_ent {
	struct hd_link l;
	unsigned dump; /* the dump that last reported it */
};

struct hd_links {
	struct hd_daemon *d;
	struct nl_sock *sk;
	sd_event_source *src, *resume;
	struct hd_links_ent *ents;
	size_t n, cap;
	struct hd_link_watch **w;
	size_t n_w;
	size_t n_down;
	uint64_t last_up, gen;
	unsigned dump;	   /* the dump in progress or the last one */
	bool dumping;	   /* a dump's replies are being read */
	bool redump;	   /* events were lost during it: another one after it */
	bool resync;	   /* the dump in progress follows lost events */
	bool replied;	   /* the dump in progress sent its first reply */
	unsigned n_routes; /* watchers that want them */
	uint64_t now;	   /* this wakeup's clock */
};

static struct hd_links_ent *ent_find(const struct hd_links *v, int ifindex)
{
	for (size_t i = 0; i < v->n; i++)
		if (v->ents[i].l.ifindex == ifindex)
			return &v->ents[i];
	return NULL;
}

const struct hd_link *hd_link_by_index(const struct hd_links *v, int ifindex)
{
	const struct hd_links_ent *e = v ? ent_find(v, ifindex) : NULL;

	return e ? &e->l : NULL;
}

const struct hd_link *hd_link_by_name(const struct hd_links *v, const char *name)
{
	for (size_t i = 0; v && i < v->n; i++)
		if (!strcmp(v->ents[i].l.name, name))
			return &v->ents[i].l;
	return NULL;
}

size_t hd_links_down(const struct hd_links *v)
{
	return v ? v->n_down : 0;
}

uint64_t hd_links_last_up(const struct hd_links *v)
{
	return v ? v->last_up : 0;
}

uint64_t hd_link_gen(const struct hd_links *v)
{
	return v ? v->gen : 0;
}

static void tell(struct hd_links *v, const struct hd_link *l, unsigned what)
{
	for (size_t i = 0; i < v->n_w; i++)
		if (v->w[i]->fn)
			v->w[i]->fn(v->w[i]->userdata, l, what);
}

/* Remove entry E (it is gone), telling the watchers with its last state. */
static void ent_drop(struct hd_links *v, struct hd_links_ent *e, unsigned what)
{
	struct hd_link last = e->l;

	v->n_down -= !last.running && v->n_down > 0;
	*e = v->ents[--v->n];
	v->gen++;
	tell(v, &last, what | HD_LINK_GONE);
}

static struct hd_links_ent *ent_add(struct hd_links *v, int ifindex)
{
	if (v->n == v->cap) {
		size_t cap = v->cap ? 2 * v->cap : 16;
		struct hd_links_ent *n = realloc(v->ents, cap * sizeof(*n));

		if (!n)
			return NULL;
		v->ents = n, v->cap = cap;
	}
	v->ents[v->n] = (struct hd_links_ent){.l = {.ifindex = ifindex, .running = true}};
	return &v->ents[v->n++];
}

/* A link's running state at this wakeup, and the view's counts. */
static bool set_running(struct hd_links *v, struct hd_link *l, bool running)
{
	if (!hd_link_set_running(l, running, v->now))
		return false;
	if (!running) {
		v->n_down++;
	} else {
		v->last_up = l->up_usec;
		v->n_down -= v->n_down > 0;
	}
	return true;
}

static void link_msg(struct hd_links *v, struct nlmsghdr *h)
{
	const struct ifinfomsg *ifi = nlmsg_data(h);
	const struct nlattr *name;
	bool running = (ifi->ifi_flags & IFF_UP) && (ifi->ifi_flags & IFF_RUNNING);
	struct hd_links_ent *e;
	unsigned what = 0;

	if (!nlmsg_valid_hdr(h, sizeof(*ifi)))
		return;
	if (h->nlmsg_flags & NLM_F_MULTI) /* a dump's reply */
		what = v->resync ? HD_LINK_RESYNC : v->dump == 1 ? HD_LINK_DUMP : 0;
	e = ent_find(v, ifi->ifi_index);
	if (h->nlmsg_type == RTM_DELLINK) {
		if (e)
			ent_drop(v, e, what);
		return;
	}
	if (!e) {
		if (!(e = ent_add(v, ifi->ifi_index))) {
			hd_warn("links: no memory for interface %d: it is not watched",
				ifi->ifi_index);
			return;
		}
		what |= HD_LINK_ADDED;
		v->gen++;
	}
	/* Seen by the dump, or by an event queued after the dump's first reply
	 * (a link made while the dump runs, maybe behind it): it exists. An
	 * event read before that reply may be older than the dump's request
	 * (queued before the loss): a link it reports and the dump does not
	 * is gone at the dump's end. */
	if (h->nlmsg_flags & NLM_F_MULTI)
		v->replied = true;
	if (!v->dumping || v->replied)
		e->dump = v->dump;
	name = nlmsg_find_attr(h, sizeof(*ifi), IFLA_IFNAME);
	if (name) {
		char nm[IF_NAMESIZE];

		nla_strlcpy(nm, name, sizeof(nm));
		if (strcmp(nm, e->l.name)) {
			memcpy(e->l.name, nm, sizeof(nm));
			v->gen++;
		}
	}
	e->l.flags = ifi->ifi_flags;
	if (set_running(v, &e->l, running)) {
		what |= HD_LINK_RUNNING;
		v->gen++;
	}
	tell(v, &e->l, what);
}

static int dump_links(struct hd_links *v)
{
	int r;

	if (v->dumping) { /* the kernel runs one dump at a time per socket */
		v->redump = true;
		return 0;
	}
	r = nl_rtgen_request(v->sk, RTM_GETLINK, AF_UNSPEC, NLM_F_DUMP);
	if (r < 0)
		return -ENOBUFS;
	v->dumping = true;
	v->replied = false;
	v->dump++;
	return 0;
}

/* The dump's end: a link it did not report is gone (deleted while events
 * were lost). */
static int on_dump_done(struct nl_msg *msg, void *arg)
{
	struct hd_links *v = arg;

	(void)msg;
	for (size_t i = v->n; i-- > 0;)
		if (v->ents[i].dump != v->dump)
			ent_drop(v, &v->ents[i], v->resync ? HD_LINK_RESYNC : 0);
	v->dumping = v->resync = false;
	if (v->redump) {
		v->redump = false;
		v->resync = true;
		dump_links(v);
	}
	return NL_OK;
}

static int on_msg(struct nl_msg *msg, void *arg)
{
	struct hd_links *v = arg;
	struct nlmsghdr *h = nlmsg_hdr(msg);

	switch (h->nlmsg_type) {
	case RTM_NEWLINK:
	case RTM_DELLINK:
		link_msg(v, h);
		break;
	case RTM_NEWROUTE:
	case RTM_DELROUTE:
	case RTM_NEWADDR:
	case RTM_DELADDR:
		v->gen++;
		break;
	}
	return NL_OK;
}

/* Datagrams per wakeup: a remote host can cause a stream of events (router
 * advertisements add and refresh IPv6 routes); past the budget the source
 * yields (hd_yield) so that signals and the control socket still run. */
#define LINK_BUDGET 16

static int on_readable(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	struct hd_links *v = userdata;
	struct nl_cb *cb = nl_socket_get_cb(v->sk);
	int i, r = 0;

	(void)fd, (void)revents;
	v->now = hd_now_usec();
	for (i = 0; i < LINK_BUDGET && cb; i++) {
		r = nl_recvmsgs_report(v->sk, cb); /* messages handled, 0: none waiting */
		if (hd_nl_events_lost(r)) {
			/* events lost, or a dump the kernel says was inconsistent */
			hd_warn("links: netlink events lost: reading every link again");
			v->gen++;
			v->resync |= !v->dumping;
			if (dump_links(v) < 0)
				break;
		} else if (r <= 0) {
			break;
		}
	}
	if (cb)
		nl_cb_put(cb);
	if (i == LINK_BUDGET)
		hd_yield(v->d, s, &v->resume);
	return 0;
}

static void view_free(struct hd_links *v)
{
	if (!v)
		return;
	v->resume = sd_event_source_disable_unref(v->resume); /* points at src */
	sd_event_source_disable_unref(v->src);
	if (v->sk)
		nl_socket_free(v->sk);
	if (v->d)
		v->d->links = NULL;
	free(v->ents);
	free(v->w);
	free(v);
}

static int view_new(struct hd_daemon *d, struct hd_links **out)
{
	struct hd_links *v = calloc(1, sizeof(*v));
	int r = -ENOMEM;

	if (!v || !(v->sk = nl_socket_alloc()))
		goto fail;
	v->d = d;
	d->links = v;
	nl_socket_disable_seq_check(v->sk);
	nl_socket_modify_cb(v->sk, NL_CB_VALID, NL_CB_CUSTOM, on_msg, v);
	nl_socket_modify_cb(v->sk, NL_CB_FINISH, NL_CB_CUSTOM, on_dump_done, v);
	r = -EPROTO;
	if (nl_connect(v->sk, NETLINK_ROUTE) < 0 ||
	    nl_socket_add_memberships(v->sk, RTNLGRP_LINK, 0) < 0 ||
	    nl_socket_set_nonblocking(v->sk) < 0)
		goto fail;
	nl_socket_set_buffer_size(v->sk, 1 << 20, 0);
	r = sd_event_add_io(d->event, &v->src, nl_socket_get_fd(v->sk), EPOLLIN, on_readable, v);
	if (r >= 0)
		r = sd_event_source_set_priority(v->src, HD_PRIO_NETLINK);
	if (r >= 0)
		r = dump_links(v);
	if (r < 0)
		goto fail;
	*out = v;
	return 0;
fail:
	view_free(v);
	return r;
}

int hd_link_watch(struct hd_daemon *d, hd_link_fn fn, void *userdata, struct hd_link_watch **out)
{
	struct hd_links *v = d->links;
	struct hd_link_watch *w, **ws;
	int r;

	if (!v && (r = view_new(d, &v)) < 0)
		return r;
	w = calloc(1, sizeof(*w));
	ws = w ? realloc(v->w, (v->n_w + 1) * sizeof(*ws)) : NULL;
	if (!ws) {
		free(w);
		if (!v->n_w)
			view_free(v);
		return -ENOMEM;
	}
	v->w = ws;
	*w = (struct hd_link_watch){.v = v, .fn = fn, .userdata = userdata};
	v->w[v->n_w++] = w;
	*out = w;
	return 0;
}

int hd_link_want_routes(struct hd_link_watch *w, bool on)
{
	struct hd_links *v = w->v;
	int r;

	if (w->routes == on)
		return 0;
	if (on && !v->n_routes) {
		r = nl_socket_add_memberships(v->sk, RTNLGRP_IPV4_ROUTE, RTNLGRP_IPV6_ROUTE,
					      RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV6_IFADDR, 0);
		if (r < 0)
			return -EPROTO;
		v->gen++;
	}
	if (!on && v->n_routes == 1)
		nl_socket_drop_memberships(v->sk, RTNLGRP_IPV4_ROUTE, RTNLGRP_IPV6_ROUTE,
					   RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV6_IFADDR, 0);
	v->n_routes = on ? v->n_routes + 1 : v->n_routes - 1;
	w->routes = on;
	return 0;
}

void hd_link_unwatch(struct hd_link_watch *w)
{
	struct hd_links *v;

	if (!w)
		return;
	v = w->v;
	hd_link_want_routes(w, false);
	for (size_t i = 0; i < v->n_w; i++)
		if (v->w[i] == w) {
			memmove(&v->w[i], &v->w[i + 1], (v->n_w - i - 1) * sizeof(*v->w));
			v->n_w--;
			break;
		}
	free(w);
	if (!v->n_w)
		view_free(v);
}
