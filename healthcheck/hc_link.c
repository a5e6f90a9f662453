/* The director's own links as the health checker needs them (the rules are
 * hc_path.c's, pure). Each interface's carrier comes from the daemon's link
 * view (daemon/base/link.h: read at a higher priority than any check's
 * result); for a check that failed while some interface is or was lately
 * down, the egress to its target is the kernel's route (libnl, one
 * RTM_GETROUTE), else the interface whose address prefix holds it (one
 * address dump). Both answers are kept per target until the view's
 * generation moves (a link, route or address event: the view listens to
 * the last two only from the first question to the moment every link is
 * up again): a failed check whose answer is known asks the kernel nothing,
 * however many fail during a cut.
 * While every link is up and has been for longer than the grace, a failed
 * check asks nothing at all: the cost is one comparison. */
#include "config.h"

#include <errno.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/route.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>

#include "hc_int.h"
#include "hc_path.h"
#include "link.h"
#include "log.h"

/* A run that started this soon after its link came back may still fail
 * because of it (neighbours being resolved, IPv6 addresses in DAD). */
#define HC_PATH_GRACE_USEC 1000000ULL

/* A target's egress as the kernel said at generation `gen` (0: empty). */
struct hc_route {
	struct hd_addr a;
	int oif; /* > 0, or 0: no route and no prefix holding it */
	bool used;
};

/* An interface that held checks in its current (or last) down period. */
struct hc_link_held {
	int ifindex;
	uint64_t held;
	bool told; /* its notice was logged */
};

struct hc_links {
	struct hc_ctx *c;
	struct hd_link_watch *w;
	struct nl_sock *q;	/* route queries, address dumps (blocking, bounded) */
	struct nl_cache *addrs; /* this generation's address dump, or NULL */
	uint64_t gen;		/* of the answers below */
	struct hc_route *rt;	/* open addressing, a power of two slots */
	size_t rt_n, rt_cap;
	struct hc_link_held *ih;
	size_t n_ih, cap_ih;
	uint64_t held; /* checks held, ever */
};

static struct hc_link_held *held_get(struct hc_links *l, int ifindex, bool add)
{
	for (size_t i = 0; i < l->n_ih; i++)
		if (l->ih[i].ifindex == ifindex)
			return &l->ih[i];
	if (!add)
		return NULL;
	if (l->n_ih == l->cap_ih) {
		size_t cap = l->cap_ih ? 2 * l->cap_ih : 8;
		struct hc_link_held *n = realloc(l->ih, cap * sizeof(*n));
		if (!n)
			return NULL;
		l->ih = n, l->cap_ih = cap;
	}
	l->ih[l->n_ih] = (struct hc_link_held){.ifindex = ifindex};
	return &l->ih[l->n_ih++];
}

/* A watcher of the view. Only the links some check goes through are worth
 * a notice (the first check held through one says it); the others (the
 * announce device, a spare NIC) are told at info. */
static void on_link(void *userdata, const struct hd_link *i, unsigned what)
{
	struct hc_links *l = userdata;
	struct hc_link_held *h = held_get(l, i->ifindex, false);

	/* every link up: no answer is asked for until one goes down again
	 * (hc_links_judge), so the route events may stop */
	if (!hd_links_down(l->c->d->links))
		hd_link_want_routes(l->w, false);
	if (what & HD_LINK_GONE) {
		if (h) /* its ifindex may come back as another link */
			*h = l->ih[--l->n_ih];
		return;
	}
	if (!(what & HD_LINK_RUNNING))
		return;
	if (!i->running) {
		if (h)
			h->held = 0, h->told = false;
		hd_info("health checks: interface %s down", i->name);
		return;
	}
	if (h && h->held)
		hd_notice("health checks: interface %s up: %llu failed checks were held while "
			  "it was down; the next results count",
			  i->name, (unsigned long long)h->held);
	else
		hd_info("health checks: interface %s up", i->name);
	if (h) /* told stays: a check held in the grace after this is no news */
		h->held = 0;
}

static size_t addr_hash(const struct hd_addr *a)
{
	const uint8_t *b = (const uint8_t *)&a->u;
	size_t n = a->family == AF_INET6 ? 16 : 4, x = 2166136261u;

	for (size_t i = 0; i < n; i++)
		x = (x ^ b[i]) * 16777619u;
	return x;
}

static struct hc_route *route_slot(struct hc_links *l, const struct hd_addr *a)
{
	if (!l->rt_cap)
		return NULL;
	for (size_t k = addr_hash(a) & (l->rt_cap - 1);; k = (k + 1) & (l->rt_cap - 1))
		if (!l->rt[k].used || !hd_addr_cmp(&l->rt[k].a, a))
			return &l->rt[k];
}

/* Keep T's answer; a full table grows (no memory: not kept, asked again). */
static void route_keep(struct hc_links *l, const struct hd_addr *t, int oif)
{
	struct hc_route *s;

	if (2 * (l->rt_n + 1) > l->rt_cap) {
		size_t cap = l->rt_cap ? 2 * l->rt_cap : 64;
		struct hc_route *old = l->rt, *n = calloc(cap, sizeof(*n));
		size_t oc = l->rt_cap;

		if (!n)
			return;
		l->rt = n, l->rt_cap = cap;
		for (size_t i = 0; i < oc; i++)
			if (old[i].used)
				*route_slot(l, &old[i].a) = old[i];
		free(old);
	}
	s = route_slot(l, t);
	if (!s->used)
		l->rt_n++;
	*s = (struct hc_route){.a = *t, .oif = oif, .used = true};
}

/* The answers of an older generation are forgotten. */
static void routes_forget(struct hc_links *l, uint64_t gen)
{
	if (l->gen == gen)
		return;
	if (l->rt_n)
		memset(l->rt, 0, l->rt_cap * sizeof(*l->rt));
	l->rt_n = 0;
	if (l->addrs)
		nl_cache_free(l->addrs);
	l->addrs = NULL;
	l->gen = gen;
}

/* The kernel's route to T: its output interface, or -errno (no route). */
static int route_oif(struct hc_links *l, const struct hd_addr *t)
{
	struct nl_addr *dst = nl_addr_build(t->family, &t->u, t->family == AF_INET6 ? 16 : 4);
	struct rtnl_route *rt = NULL;
	struct rtnl_nexthop *nh;
	int r;

	if (!dst)
		return -ENOMEM;
	r = rtnl_route_lookup(l->q, dst, &rt);
	nl_addr_put(dst);
	if (r < 0)
		return -ENETUNREACH;
	if (!rt) /* no reply within the socket's bound */
		return -ETIMEDOUT;
	nh = rtnl_route_nexthop_n(rt, 0);
	r = nh && rtnl_route_nh_get_ifindex(nh) > 0 ? rtnl_route_nh_get_ifindex(nh) : -ENETUNREACH;
	rtnl_route_put(rt);
	return r;
}

/* No route to T (its interface was set down): the interface holding an
 * address whose prefix contains T (the longest), or 0. One address dump
 * per generation. */
static int on_link_oif(struct hc_links *l, const struct hd_addr *t)
{
	int best = 0, best_len = -1;

	if (!l->addrs && rtnl_addr_alloc_cache(l->q, &l->addrs) < 0)
		return l->addrs = NULL, 0;
	for (struct nl_object *o = nl_cache_get_first(l->addrs); o; o = nl_cache_get_next(o)) {
		struct rtnl_addr *ra = (struct rtnl_addr *)o;
		struct nl_addr *loc = rtnl_addr_get_local(ra);
		struct hd_addr a = {.family = rtnl_addr_get_family(ra)};
		int plen = rtnl_addr_get_prefixlen(ra);

		if (!loc || a.family != t->family || nl_addr_get_len(loc) > sizeof(a.u))
			continue;
		memcpy(&a.u, nl_addr_get_binary_addr(loc), nl_addr_get_len(loc));
		if (plen > best_len && hc_path_on_link(&a, (unsigned)plen, t)) {
			best = rtnl_addr_get_ifindex(ra);
			best_len = plen;
		}
	}
	return best;
}

/* T's egress interface, or 0: from the answers kept, else the kernel's. */
static int egress(struct hc_links *l, const struct hd_addr *t)
{
	const struct hd_links *v = l->c->d->links;
	bool keep = hd_link_want_routes(l->w, true) == 0; /* moves the generation if new */
	struct hc_route *s;
	int oif;

	routes_forget(l, hd_link_gen(v));
	if (keep && (s = route_slot(l, t)) && s->used)
		return s->oif;
	oif = route_oif(l, t);
	if (oif == -ETIMEDOUT)
		return 0; /* no answer: none kept */
	if (oif <= 0)
		oif = on_link_oif(l, t);
	if (keep)
		route_keep(l, t, oif);
	return oif;
}

const struct hc_result *hc_links_judge(struct hc_probe *p, const struct hc_result *r,
				       struct hc_result *buf, uint64_t now)
{
	struct hc_links *l = p->ctx->links;
	const struct hd_links *v = p->ctx->d->links;
	struct hc_path_in in = {
	    .r = r, .start = p->started_usec, .end = now, .grace = HC_PATH_GRACE_USEC};
	const struct hd_link *e = NULL;
	struct hc_path_if eh;
	struct hc_link_held *h;
	uint64_t last_up;
	int oif;

	if (!l || r->neutral || !hc_outcome_no_answer(r->outcome))
		return r;
	last_up = hd_links_last_up(v);
	if (!hd_links_down(v) && !(last_up && last_up + in.grace >= in.start))
		return r; /* the common case: every link up, no question to the kernel */
	oif = egress(l, &p->target.addr);
	if (oif > 0 && (e = hd_link_by_index(v, oif))) {
		eh = (struct hc_path_if){.ifindex = e->ifindex,
					 .running = e->running,
					 .down_at = e->down_usec,
					 .up_at = e->up_usec};
		in.egress = &eh;
	}
	if (!hc_path_hold(&in))
		return r;
	hc_path_held_result(r, oif, buf);
	l->held++;
	h = held_get(l, oif, true);
	/* said once per down period, while the link is down (a check held in
	 * the grace after its return is no news) */
	if ((h && h->held++) || (h && h->told) || e->running) {
		hd_debug("health check %s: held (director_link_down)", p->key);
	} else {
		if (h)
			h->told = true;
		hd_notice("health checks: interface %s down: checks that get no answer through it "
			  "hold their verdicts (director_link_down)",
			  e->name);
		hd_warn("health check %s: no answer while the director's own link is down (%s): "
			"its verdict is held (director_link_down), as are those of the next "
			"checks through it",
			p->key, e->name);
	}
	return buf;
}

void hc_links_counts(const struct hc_ctx *c, uint64_t *held, size_t *down)
{
	*held = c->links ? c->links->held : 0;
	*down = c->links ? hd_links_down(c->d->links) : 0;
}

void hc_links_close(struct hc_ctx *c)
{
	struct hc_links *l = c->links;

	if (!l)
		return;
	hd_link_unwatch(l->w);
	if (l->q)
		nl_socket_free(l->q);
	if (l->addrs)
		nl_cache_free(l->addrs);
	free(l->rt);
	free(l->ih);
	free(l);
	c->links = NULL;
}

/* Without it (no netlink: a sandbox) every failure counts, as before. */
int hc_links_open(struct hc_ctx *c)
{
	struct hc_links *l = calloc(1, sizeof(*l));
	struct timeval tv = {.tv_usec = 100000}; /* the kernel answers at once: a bound */
	int r;

	if (!l)
		return -ENOMEM;
	c->links = l;
	l->c = c;
	r = hd_link_watch(c->d, on_link, l, &l->w);
	if (r >= 0 && !(l->q = nl_socket_alloc()))
		r = -ENOMEM;
	if (r >= 0 && nl_connect(l->q, NETLINK_ROUTE) < 0)
		r = -EPROTO;
	if (r >= 0)
		setsockopt(nl_socket_get_fd(l->q), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (r < 0) {
		hd_warn("health checks: cannot watch the links (%s): a failure through a link "
			"that is down counts as any other",
			strerror(-r));
		hc_links_close(c);
	}
	return r == -ENOMEM ? r : 0;
}
