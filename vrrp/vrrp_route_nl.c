/* Routes, policy rules and static addresses in the kernel (libnl-route):
 * the reconcile of vrrp_route.h executed. The daemon keeps a copy of what
 * it installed; a reconcile removes what is no longer wanted and adds what
 * is missing, so a reload that changes one route touches that one and no
 * other. Routes and rules carry protocol HD_RTPROT and are deleted with
 * it, so the kernel never matches one the daemon did not add; what such
 * a route already occupies is reported, never replaced. */
#include "config.h"

#include <errno.h>
#include <linux/fib_rules.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/route.h>
#include <netlink/route/rule.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "nl_errno.h"
#include "vrrp_int.h"
#include "vrrp_route.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

/* A reconcile's three writes: remove, add, and check that one installed
 * earlier is still there (added again: EEXIST says it is; the kernel
 * drops IPv4 routes of an interface that goes down without a word, and
 * someone may delete one by hand). */
enum op { OP_DEL, OP_ADD, OP_CHECK };

struct vrrp_rt_state {
	struct hd_route *routes; /* installed, copied: a reload frees the config */
	size_t n_routes;
	struct hd_rule *rules;
	size_t n_rules;
	struct hd_prefix *addrs;
	size_t n_addrs;
	bool pending; /* a wanted one could not be added: tried again on link changes */
};

static struct nl_addr *mk_addr(const struct hd_addr *a, uint8_t len)
{
	struct nl_addr *n = nl_addr_build(a->family, &a->u, a->family == AF_INET6 ? 16 : 4);

	if (n)
		nl_addr_set_prefixlen(n, len);
	return n;
}

static const char *route_str(const struct hd_route *r, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	snprintf(buf, len, "%s/%u table %u metric %u", hd_addr_str(&r->dst, a, sizeof(a)),
		 r->dst_len, r->table, r->metric);
	return buf;
}

/* ---- routes ---- */

static int route_nexthops(struct rtnl_route *rt, const struct hd_route *r, int ifindex)
{
	for (size_t i = 0; i < (r->n_via ? r->n_via : (ifindex ? 1 : 0)); i++) {
		struct rtnl_nexthop *nh = rtnl_route_nh_alloc();
		struct nl_addr *gw;

		if (!nh)
			return -ENOMEM;
		if (ifindex)
			rtnl_route_nh_set_ifindex(nh, ifindex);
		if (r->onlink)
			rtnl_route_nh_set_flags(nh, RTNH_F_ONLINK);
		if (r->n_via) {
			if (!(gw = mk_addr(&r->via[i], r->family == AF_INET6 ? 128 : 32))) {
				rtnl_route_nh_free(nh);
				return -ENOMEM;
			}
			rtnl_route_nh_set_gateway(nh, gw);
			nl_addr_put(gw);
		}
		rtnl_route_add_nexthop(rt, nh);
	}
	return 0;
}

static int route_obj(const struct hd_route *r, struct rtnl_route **out)
{
	int ifindex = r->dev[0] ? (int)if_nametoindex(r->dev) : 0;
	struct rtnl_route *rt;
	struct nl_addr *a;
	int e = -ENOMEM;

	if (r->dev[0] && !ifindex)
		return -ENODEV;
	if (!(rt = rtnl_route_alloc()) || !(a = mk_addr(&r->dst, r->dst_len)))
		goto fail;
	rtnl_route_set_family(rt, (uint8_t)r->family);
	e = hd_nl_errno(rtnl_route_set_dst(rt, a));
	nl_addr_put(a);
	if (e < 0)
		goto fail;
	rtnl_route_set_table(rt, r->table);
	rtnl_route_set_protocol(rt, HD_RTPROT);
	rtnl_route_set_type(rt, r->type);
	rtnl_route_set_priority(rt, r->metric);
	rtnl_route_set_scope(rt, r->family == AF_INET ? r->scope : RT_SCOPE_UNIVERSE);
	e = -ENOMEM;
	if (r->has_src) {
		if (!(a = mk_addr(&r->src, r->family == AF_INET6 ? 128 : 32)))
			goto fail;
		e = hd_nl_errno(rtnl_route_set_pref_src(rt, a));
		nl_addr_put(a);
		if (e < 0)
			goto fail;
	}
	if ((e = route_nexthops(rt, r, ifindex)) < 0)
		goto fail;
	*out = rt;
	return 0;
fail:
	if (rt)
		rtnl_route_put(rt);
	return e < 0 ? e : -ENOMEM;
}

/* 0 or -errno (libnl's codes translated where it returns them: -EEXIST is
 * a route there that is not ours). A delete of a route that is gone (the
 * kernel drops a route with an address it used) counts as done; a check
 * finding the route there or putting it back is 0. */
static int route_change(struct vrrp_ctx *c, const struct hd_route *r, enum op op)
{
	struct rtnl_route *rt = NULL;
	bool add = op != OP_DEL;
	char buf[128];
	int e = route_obj(r, &rt);

	if (e < 0)
		goto out;
	e = hd_nl_errno(add ? rtnl_route_add(c->nl_cmd, rt, NLM_F_EXCL)
			    : rtnl_route_delete(c->nl_cmd, rt, 0));
	rtnl_route_put(rt);
	if (!add && e == -ENOENT) /* the kernel's ESRCH */
		e = 0;
	if (op == OP_CHECK && e == -EEXIST)
		return 0;
	if (op == OP_CHECK && e == 0) {
		hd_warn("vrrp: route %s was gone: put back", route_str(r, buf, sizeof(buf)));
		return 0;
	}
out:
	if (e == -ENODEV && r->dev[0])
		hd_warn("vrrp: route %s: no interface %s (yet)", route_str(r, buf, sizeof(buf)),
			r->dev);
	else if (e == -EEXIST)
		hd_warn("vrrp: route %s: the kernel has one there that hadirector did not add: "
			"left alone",
			route_str(r, buf, sizeof(buf)));
	else if (e < 0)
		hd_err("vrrp: %s route %s: %s", add ? "adding" : "removing",
		       route_str(r, buf, sizeof(buf)), strerror(-e));
	else
		hd_info("vrrp: route %s %s", route_str(r, buf, sizeof(buf)),
			add ? "added" : "removed");
	return e;
}

/* ---- rules ---- */

static int rule_obj(const struct hd_rule *r, struct rtnl_rule **out)
{
	struct rtnl_rule *ru = rtnl_rule_alloc();
	struct nl_addr *a;
	int e = 0;

	if (!ru)
		return -ENOMEM;
	rtnl_rule_set_family(ru, r->family);
	rtnl_rule_set_action(ru, r->action);
	if (r->action == FR_ACT_TO_TBL)
		rtnl_rule_set_table(ru, r->table);
	if (r->has_priority)
		rtnl_rule_set_prio(ru, r->priority);
	if (r->has_fwmark) {
		rtnl_rule_set_mark(ru, r->fwmark);
		rtnl_rule_set_mask(ru, r->fwmask);
	}
	rtnl_rule_set_protocol(ru, HD_RTPROT);
	if (r->has_from && (a = mk_addr(&r->from, r->from_len))) {
		e = hd_nl_errno(rtnl_rule_set_src(ru, a));
		nl_addr_put(a);
	} else if (r->has_from) {
		e = -ENOMEM;
	}
	if (!e && r->has_to && (a = mk_addr(&r->to, r->to_len))) {
		e = hd_nl_errno(rtnl_rule_set_dst(ru, a));
		nl_addr_put(a);
	} else if (!e && r->has_to) {
		e = -ENOMEM;
	}
	if (!e && r->iif[0])
		e = hd_nl_errno(rtnl_rule_set_iif(ru, r->iif));
	if (!e && r->oif[0])
		e = hd_nl_errno(rtnl_rule_set_oif(ru, r->oif));
	if (e < 0) {
		rtnl_rule_put(ru);
		return e;
	}
	*out = ru;
	return 0;
}

/* 0 or -errno, as route_change. */
static int rule_change(struct vrrp_ctx *c, const struct hd_rule *r, enum op op)
{
	struct rtnl_rule *ru = NULL;
	bool add = op != OP_DEL;
	int e;

	/* The kernel keeps rules when interfaces go; one without a priority
	 * cannot be checked by adding it (the kernel would number a copy). */
	if (op == OP_CHECK && !r->has_priority)
		return 0;
	e = rule_obj(r, &ru);

	if (e == 0) {
		e = hd_nl_errno(add ? rtnl_rule_add(c->nl_cmd, ru, NLM_F_EXCL)
				    : rtnl_rule_delete(c->nl_cmd, ru, 0));
		rtnl_rule_put(ru);
	}
	if (!add && e == -ENOENT)
		e = 0;
	if (op == OP_CHECK && e == -EEXIST)
		return 0;
	if (op == OP_CHECK && e == 0)
		hd_warn("vrrp: rule of line %d was gone: put back", r->line);
	else if (e < 0)
		hd_err("vrrp: %s the rule of line %d: %s", add ? "adding" : "removing", r->line,
		       strerror(-e));
	else
		hd_info("vrrp: rule of line %d %s", r->line, add ? "added" : "removed");
	return e;
}

/* ---- static addresses ---- */

/* 0 or -errno. */
static int saddr_change(struct vrrp_ctx *c, const struct hd_prefix *v, enum op op)
{
	bool add = op != OP_DEL;
	int ifindex = (int)if_nametoindex(v->dev), e = -ENOMEM;
	struct rtnl_addr *a;
	struct nl_addr *l, *b = NULL;
	char buf[INET6_ADDRSTRLEN];

	if (!ifindex)
		return -ENODEV;
	if (!(a = rtnl_addr_alloc()))
		return -ENOMEM;
	if (!(l = mk_addr(&v->addr, v->prefixlen)) || (v->has_brd && !(b = mk_addr(&v->brd, 32))))
		goto out;
	rtnl_addr_set_ifindex(a, ifindex);
	rtnl_addr_set_family(a, v->addr.family);
	rtnl_addr_set_local(a, l);
	rtnl_addr_set_prefixlen(a, v->prefixlen);
	if (add && v->label[0])
		rtnl_addr_set_label(a, v->label);
	if (add && v->addr.family == AF_INET)
		rtnl_addr_set_scope(a, v->scope);
	if (add && b)
		rtnl_addr_set_broadcast(a, b);
	if (v->addr.family == AF_INET6)
		rtnl_addr_set_flags(a, IFA_F_NODAD);
	e = hd_nl_errno(add ? rtnl_addr_add(c->nl_cmd, a, 0) : rtnl_addr_delete(c->nl_cmd, a, 0));
	if (op == OP_CHECK && e == 0)
		hd_warn("vrrp: static address %s/%u was gone: put back",
			hd_addr_str(&v->addr, buf, sizeof(buf)), v->prefixlen);
	if (add && e == -EEXIST)
		e = 0; /* left by a daemon killed before it could remove it: ours */
	if (!add && (e == -EADDRNOTAVAIL || e == -ENOENT))
		e = 0;
	if (e < 0)
		hd_err("vrrp: %s static address %s/%u: %s", add ? "adding" : "removing",
		       hd_addr_str(&v->addr, buf, sizeof(buf)), v->prefixlen, strerror(-e));
out:
	nl_addr_put(l);
	nl_addr_put(b);
	rtnl_addr_put(a);
	return e;
}

/* ---- the reconcile ---- */

struct kind {
	size_t size;
	bool (*eq)(const void *, const void *);
	int (*change)(struct vrrp_ctx *c, const void *e, enum op op);
};

static int route_change_v(struct vrrp_ctx *c, const void *e, enum op op)
{
	return route_change(c, e, op);
}

static int rule_change_v(struct vrrp_ctx *c, const void *e, enum op op)
{
	return rule_change(c, e, op);
}

static int saddr_change_v(struct vrrp_ctx *c, const void *e, enum op op)
{
	return saddr_change(c, e, op);
}

static const struct kind k_route = {sizeof(struct hd_route), vrrp_route_eq_v, route_change_v};
static const struct kind k_rule = {sizeof(struct hd_rule), vrrp_rule_eq_v, rule_change_v};
static const struct kind k_addr = {sizeof(struct hd_prefix), vrrp_saddr_eq_v, saddr_change_v};

/* HAVE (*NH copies of K->size bytes) becomes what is installed once WANT
 * is: removals first (a changed route goes before its replacement is
 * added), then a check of those that stay, then additions. One that fails
 * to go stays listed (removed at the next reconcile); one that is gone and
 * cannot come back, or fails to come, sets *PENDING. -ENOMEM changes
 * nothing. */
static int reconcile(struct vrrp_ctx *c, const struct kind *k, void **have, size_t *nh,
		     const void *const *want, size_t nw, bool *pending)
{
	bool *keep = calloc(*nh + 1, sizeof(*keep)), *add = calloc(nw + 1, sizeof(*add));
	const void **hp = calloc(*nh + 1, sizeof(*hp));
	char *out = malloc((*nh + nw + 1) * k->size);
	size_t n = 0;
	int e = -ENOMEM;

	if (!keep || !add || !hp || !out)
		goto done;
	for (size_t i = 0; i < *nh; i++)
		hp[i] = (const char *)*have + i * k->size;
	vrrp_plan(want, nw, hp, *nh, k->eq, keep, add);
	for (size_t i = 0; i < *nh; i++)
		if (!keep[i] && k->change(c, hp[i], OP_DEL) < 0)
			memcpy(out + n++ * k->size, hp[i], k->size);
	for (size_t i = 0; i < *nh; i++) {
		if (!keep[i])
			continue;
		if (k->change(c, hp[i], OP_CHECK) == 0)
			memcpy(out + n++ * k->size, hp[i], k->size);
		else
			*pending = true;
	}
	for (size_t i = 0; i < nw; i++) {
		if (!add[i])
			continue;
		e = k->change(c, want[i], OP_ADD);
		if (e == 0)
			memcpy(out + n++ * k->size, want[i], k->size);
		else if (e != -EEXIST) /* not ours: left alone, not retried */
			*pending = true;
	}
	free(*have);
	*have = out;
	*nh = n;
	out = NULL;
	e = 0;
done:
	free(keep), free(add), free(hp), free(out);
	if (e < 0)
		hd_err("vrrp: routes and rules not reconciled: out of memory");
	return e;
}

static bool any_config(const struct hd_config *cfg)
{
	return vrrp_routes_max(cfg) || vrrp_rules_max(cfg) || cfg->n_static_addrs;
}

/* WANT_ALL false: nothing is wanted (the daemon stops). */
static void reconcile_all(struct vrrp_ctx *c, bool want_all)
{
	struct vrrp_rt_state *s = c->rt;
	const struct hd_config *cfg = c->cfg;
	size_t nr = 0, nu = 0, na = want_all ? cfg->n_static_addrs : 0;
	const struct hd_route **wr = calloc(vrrp_routes_max(cfg) + 1, sizeof(*wr));
	const struct hd_rule **wu = calloc(vrrp_rules_max(cfg) + 1, sizeof(*wu));
	const void **wa = calloc(na + 1, sizeof(*wa));
	bool *master = calloc(cfg->n_instances + 1, sizeof(*master));

	if (!wr || !wu || !wa || !master) {
		hd_err("vrrp: routes and rules not reconciled: out of memory");
		s->pending = true;
		goto out;
	}
	for (size_t i = 0; i < c->n_inst && i < cfg->n_instances; i++)
		master[i] = c->inst[i] && c->inst[i]->cfg == &cfg->instances[i] &&
			    c->inst[i]->fsm.state == VRRP_STATE_MASTER;
	if (want_all) {
		nr = vrrp_routes_wanted(cfg, master, wr);
		nu = vrrp_rules_wanted(cfg, master, wu);
	}
	for (size_t i = 0; i < na; i++)
		wa[i] = &cfg->static_addrs[i];
	s->pending = false;
	/* addresses before the routes that may use them as source, rules
	 * after the routes they lead to */
	reconcile(c, &k_addr, (void **)&s->addrs, &s->n_addrs, wa, na, &s->pending);
	reconcile(c, &k_route, (void **)&s->routes, &s->n_routes, (const void *const *)wr, nr,
		  &s->pending);
	reconcile(c, &k_rule, (void **)&s->rules, &s->n_rules, (const void *const *)wu, nu,
		  &s->pending);
out:
	free(wr), free(wu), free(wa), free(master);
}

void vrrp_routes_sync(struct vrrp_ctx *c)
{
	struct vrrp_rt_state *s = c->rt;

	if (!s || (!c->nl_cmd && !any_config(c->cfg)))
		return;
	if (!c->nl_cmd && vrrp_addr_start(c) < 0)
		return;
	reconcile_all(c, true);
}

void vrrp_routes_retry(struct vrrp_ctx *c)
{
	struct vrrp_rt_state *s = c->rt;

	if (s && !c->stopping && (s->pending || s->n_routes || s->n_rules || s->n_addrs))
		vrrp_routes_sync(c);
}

void vrrp_routes_stop(struct vrrp_ctx *c)
{
	if (c->rt && c->nl_cmd)
		reconcile_all(c, false);
}

/* ---- leftovers: routes and rules of a daemon killed before it could
 * remove them, found by their protocol ---- */

struct found {
	struct nl_object **o;
	size_t n, cap;
};

static void on_found(struct nl_object *obj, void *arg)
{
	struct found *f = arg;
	uint8_t proto = 0;

	if (!strcmp(nl_object_get_type(obj), "route/route"))
		proto = rtnl_route_get_protocol((struct rtnl_route *)obj);
	else if (!strcmp(nl_object_get_type(obj), "route/rule"))
		rtnl_rule_get_protocol((struct rtnl_rule *)obj, &proto);
	if (proto != HD_RTPROT)
		return;
	if (f->n == f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 16;
		struct nl_object **o = realloc(f->o, cap * sizeof(*o));
		if (!o)
			return;
		f->o = o;
		f->cap = cap;
	}
	nl_object_get(obj);
	f->o[f->n++] = obj;
}

static int on_dump_msg(struct nl_msg *msg, void *arg)
{
	nl_msg_parse(msg, on_found, arg);
	return NL_OK;
}

/* Dump TYPE (RTM_GETROUTE, RTM_GETRULE) into F: 0 or -errno. The kernel
 * filters a route dump by protocol under strict checking, so that a full
 * routing table is not read to find a few routes. */
static int dump(int type, struct found *f)
{
	struct nl_sock *sk = nl_socket_alloc();
	struct rtmsg rtm = {.rtm_family = AF_UNSPEC, .rtm_protocol = HD_RTPROT};
	int one = 1, e;

	if (!sk)
		return -ENOMEM;
	if ((e = nl_connect(sk, NETLINK_ROUTE)) < 0)
		goto out;
	setsockopt(nl_socket_get_fd(sk), SOL_NETLINK, NETLINK_GET_STRICT_CHK, &one, sizeof(one));
	nl_socket_modify_cb(sk, NL_CB_VALID, NL_CB_CUSTOM, on_dump_msg, f);
	if (type == RTM_GETRULE) {
		struct fib_rule_hdr frh = {.family = AF_UNSPEC};
		e = nl_send_simple(sk, type, NLM_F_DUMP, &frh, sizeof(frh));
	} else {
		e = nl_send_simple(sk, type, NLM_F_DUMP, &rtm, sizeof(rtm));
	}
	if (e >= 0)
		e = nl_recvmsgs_default(sk);
out:
	nl_socket_free(sk);
	return e < 0 ? hd_nl_errno(e) : 0;
}

static void remove_leftovers(struct vrrp_ctx *c)
{
	struct found f = {0};
	unsigned n_routes = 0, n_rules = 0;
	int e = dump(RTM_GETROUTE, &f);

	if (e == 0)
		e = dump(RTM_GETRULE, &f);
	if (e < 0)
		hd_warn("vrrp: cannot list the kernel's routes and rules (%s): leftovers stay",
			strerror(-e));
	for (size_t i = 0; i < f.n; i++) {
		bool route = !strcmp(nl_object_get_type(f.o[i]), "route/route");
		/* 0 or libnl's code: only success is counted */
		int r = route ? rtnl_route_delete(c->nl_cmd, (struct rtnl_route *)f.o[i], 0)
			      : rtnl_rule_delete(c->nl_cmd, (struct rtnl_rule *)f.o[i], 0);
		if (r == 0)
			route ? n_routes++ : n_rules++;
		nl_object_put(f.o[i]);
	}
	free(f.o);
	if (n_routes || n_rules)
		hd_warn("vrrp: removed %u routes and %u rules left by an earlier run (protocol %d)",
			n_routes, n_rules, HD_RTPROT);
}

int vrrp_routes_start(struct vrrp_ctx *c)
{
	if (!(c->rt = calloc(1, sizeof(*c->rt))))
		return -ENOMEM;
	if (!c->nl_cmd && !any_config(c->cfg))
		return 0;
	if (!c->nl_cmd && vrrp_addr_start(c) < 0)
		return -ENOMEM;
	remove_leftovers(c);
	return 0;
}

void vrrp_routes_free(struct vrrp_ctx *c)
{
	if (!c->rt)
		return;
	free(c->rt->routes);
	free(c->rt->rules);
	free(c->rt->addrs);
	free(c->rt);
	c->rt = NULL;
}
