/* Conversion of the route, rule and static address sections:
 * `static_address PREFIX { dev label scope brd }`, `static_route { ... }`,
 * `static_rule { ... }` at the top level, `virtual_route { ... }` and
 * `virtual_rule { ... }` in a vrrp_instance (hadirector.conf(5)). Routes
 * and rules are sections without a title: one destination may have a
 * route in several tables, and a rule has no natural name. */
#include "config.h"

#include <linux/fib_rules.h>
#include <linux/rtnetlink.h>
#include <stdlib.h>
#include <string.h>

#include "config_int.h"

int scope_parse(const char *s)
{
	static const char *const names[] = {"global", "site", "link", "host", "nowhere", NULL};
	static const int val[] = {RT_SCOPE_UNIVERSE, RT_SCOPE_SITE, RT_SCOPE_LINK, RT_SCOPE_HOST,
				  RT_SCOPE_NOWHERE};
	int i = enum_index(s, names);

	return i < 0 ? -1 : val[i];
}

/* A prefix with its host bits clear (the kernel refuses the others for
 * IPv4, and IPv6 would store a route nobody meant). */
static bool get_net(struct cctx *c, const struct cval *v, const char *name, struct hd_addr *a,
		    uint8_t *len)
{
	struct hd_prefix p;
	uint8_t *b;
	size_t bytes;

	if (hd_prefix_parse(v->s, &p) < 0) {
		cerr(c, v->line, "%s: '%s' is not ADDR or ADDR/LEN", name, v->s);
		return false;
	}
	b = (uint8_t *)&p.addr.u;
	bytes = p.addr.family == AF_INET ? 4 : 16;
	for (size_t i = 0; i < bytes; i++) {
		unsigned keep = i * 8 >= p.prefixlen	     ? 0
				: (i + 1) * 8 <= p.prefixlen ? 8
							     : p.prefixlen - i * 8;
		if (b[i] & (uint8_t) ~(0xff00u >> keep)) {
			cerr(c, v->line, "%s: %s has bits set past its prefix length", name, v->s);
			return false;
		}
	}
	*a = p.addr;
	*len = p.prefixlen;
	return true;
}

/* Family agreement: the first address seen sets it. */
static void same_family(struct cctx *c, int *family, const struct hd_addr *a, int line,
			const char *what)
{
	if (!*family)
		*family = a->family;
	else if (a->family != *family)
		cerr(c, line, "%s: mixes IPv4 and IPv6", what);
}

/* table = N (1..2^32-1) or main, local, default (their numbers). */
static bool get_table(struct cctx *c, cfg_t *sec, uint32_t *out)
{
	static const char *const names[] = {"main", "local", "default", NULL};
	static const uint32_t val[] = {RT_TABLE_MAIN, RT_TABLE_LOCAL, RT_TABLE_DEFAULT};
	const struct cval *v = cget(sec, "table", 0);
	long n;
	int i;

	if (!v)
		return false;
	if ((i = enum_index(v->s, names)) >= 0) {
		*out = val[i];
		return true;
	}
	if (!get_long(c, sec, "table", 1, 4294967295L, &n))
		return false;
	*out = (uint32_t)n;
	return true;
}

static void conv_route_via(struct cctx *c, cfg_t *sec, struct hd_route *r)
{
	unsigned n = cnum(sec, "via");

	for (unsigned i = 0; i < n; i++) {
		const struct cval *v = cget(sec, "via", i);
		struct hd_addr a;

		if (hd_addr_parse(v->s, &a) < 0) {
			cerr(c, v->line, "via: '%s' is not an IP address", v->s);
			continue;
		}
		if (r->n_via == HD_ROUTE_MAX_VIA) {
			cerr(c, v->line, "via: at most %d gateways", HD_ROUTE_MAX_VIA);
			return;
		}
		same_family(c, &r->family, &a, v->line, "via");
		for (size_t k = 0; k < r->n_via; k++)
			if (!hd_addr_cmp(&r->via[k], &a))
				cerr(c, v->line, "via: %s is listed twice", v->s);
		r->via[r->n_via++] = a;
	}
}

static void conv_route(struct cctx *c, cfg_t *sec, struct hd_route *r, const char *what)
{
	static const char *const types[] = {"unicast",	"blackhole", "unreachable",
					    "prohibit", "throw",     NULL};
	static const uint8_t type_val[] = {RTN_UNICAST, RTN_BLACKHOLE, RTN_UNREACHABLE,
					   RTN_PROHIBIT, RTN_THROW};
	const struct cval *to = cget(sec, "to", 0), *sc = cget(sec, "scope", 0);
	unsigned metric = 0;
	int t = 0;

	r->line = sec_line(sec);
	r->table = RT_TABLE_MAIN;
	if (!to)
		cerr(c, r->line, "%s: 'to' is required", what);
	else if (get_net(c, to, "to", &r->dst, &r->dst_len))
		r->family = r->dst.family;
	conv_route_via(c, sec, r);
	get_ifname(c, sec, "dev", r->dev);
	if (get_addr(c, sec, "src", &r->src)) {
		r->has_src = true;
		same_family(c, &r->family, &r->src, cget(sec, "src", 0)->line, "src");
	}
	if (get_uint(c, sec, "metric", 0, 4294967295L, &metric))
		r->metric = metric;
	get_table(c, sec, &r->table);
	get_bool(c, sec, "onlink", &r->onlink);
	get_enum(c, sec, "type", types, &t);
	r->type = type_val[t];
	if (r->type != RTN_UNICAST && (r->n_via || r->dev[0] || r->has_src))
		cerr(c, r->line, "%s: a %s route has no via, dev or src", what, types[t]);
	if (r->type == RTN_UNICAST && !r->n_via && !r->dev[0])
		cerr(c, r->line, "%s: needs via or dev", what);
	if (r->onlink && !r->n_via)
		cerr(c, r->line, "%s: onlink needs via", what);
	/* iproute2's default: a route without a gateway reaches its
	 * destination on the link */
	r->scope = r->type == RTN_UNICAST && !r->n_via ? RT_SCOPE_LINK : RT_SCOPE_UNIVERSE;
	if (sc && scope_parse(sc->s) < 0)
		cerr(c, sc->line, "scope: '%s' is not global, site, link, host or nowhere", sc->s);
	else if (sc)
		r->scope = (uint8_t)scope_parse(sc->s);
}

static bool get_fwmark(struct cctx *c, cfg_t *sec, struct hd_rule *r)
{
	const struct cval *v = cget(sec, "fwmark", 0);
	unsigned long long m, k = 0xffffffffULL;
	char *end;

	if (!v)
		return false;
	m = strtoull(v->s, &end, 0);
	if (*end == '/')
		k = strtoull(end + 1, &end, 0);
	if (!v->s[0] || v->s[0] == '-' || *end || m > 0xffffffffULL || k > 0xffffffffULL ||
	    strchr(v->s, '-')) {
		cerr(c, v->line, "fwmark: '%s' is not MARK or MARK/MASK (0..0xffffffff)", v->s);
		return false;
	}
	r->fwmark = (uint32_t)m;
	r->fwmask = (uint32_t)k;
	return r->has_fwmark = true;
}

static void conv_rule_addrs(struct cctx *c, cfg_t *sec, struct hd_rule *r, const char *what)
{
	static const char *const fams[] = {"inet", "inet6", NULL};
	const struct cval *from = cget(sec, "from", 0), *to = cget(sec, "to", 0);
	int f = 0;

	if (get_enum(c, sec, "family", fams, &f))
		r->family = f ? AF_INET6 : AF_INET;
	if (from && get_net(c, from, "from", &r->from, &r->from_len)) {
		r->has_from = true;
		same_family(c, &r->family, &r->from, from->line, what);
	}
	if (to && get_net(c, to, "to", &r->to, &r->to_len)) {
		r->has_to = true;
		same_family(c, &r->family, &r->to, to->line, what);
	}
	if (!r->family)
		r->family = AF_INET; /* as ip rule without an address */
}

static void conv_rule(struct cctx *c, cfg_t *sec, struct hd_rule *r, const char *what)
{
	static const char *const types[] = {"blackhole", "unreachable", "prohibit", NULL};
	static const uint8_t type_val[] = {FR_ACT_BLACKHOLE, FR_ACT_UNREACHABLE, FR_ACT_PROHIBIT};
	bool has_table;
	unsigned prio = 0;
	int t = -1;

	r->line = sec_line(sec);
	conv_rule_addrs(c, sec, r, what);
	has_table = get_table(c, sec, &r->table);
	if (get_enum(c, sec, "type", types, &t))
		r->action = type_val[t];
	if (has_table && t >= 0)
		cerr(c, r->line, "%s: either table or type, not both", what);
	else if (has_table)
		r->action = FR_ACT_TO_TBL;
	else if (t < 0 && !cget(sec, "table", 0) && !cget(sec, "type", 0))
		cerr(c, r->line, "%s: needs table (or type blackhole, unreachable, prohibit)",
		     what);
	if (get_uint(c, sec, "priority", 1, 4294967295L, &prio)) {
		r->has_priority = true;
		r->priority = prio;
	}
	get_fwmark(c, sec, r);
	get_ifname(c, sec, "iif", r->iif);
	get_ifname(c, sec, "oif", r->oif);
}

static bool route_eq_cfg(const struct hd_route *a, const struct hd_route *b)
{
	return a->family == b->family && a->dst_len == b->dst_len && a->table == b->table &&
	       a->metric == b->metric && !hd_addr_cmp(&a->dst, &b->dst);
}

/* The kernel knows a route by destination, table and metric: two of them
 * alike would be one route added twice. */
static void routes_unique(struct cctx *c, const struct hd_route *r, size_t n, const char *what)
{
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < i; k++)
			if (route_eq_cfg(&r[i], &r[k]) && r[i].family)
				cerr(c, r[i].line,
				     "%s: a route to the same destination, table and metric is at "
				     "line %d",
				     what, r[k].line);
}

void conv_inst_routes(struct cctx *c, cfg_t *sec, struct hd_vrrp_instance_config *in)
{
	unsigned nr = cnum(sec, "virtual_route"), nu = cnum(sec, "virtual_rule");

	in->routes = calloc(nr + 1, sizeof(*in->routes));
	in->rules = calloc(nu + 1, sizeof(*in->rules));
	if (!in->routes || !in->rules)
		return;
	for (unsigned i = 0; i < nr; i++)
		conv_route(c, csec(sec, "virtual_route", i), &in->routes[in->n_routes++],
			   "virtual_route");
	for (unsigned i = 0; i < nu; i++)
		conv_rule(c, csec(sec, "virtual_rule", i), &in->rules[in->n_rules++],
			  "virtual_rule");
	routes_unique(c, in->routes, in->n_routes, "virtual_route");
}

static void conv_saddr(struct cctx *c, cfg_t *a, struct hd_config *cfg)
{
	struct hd_prefix *v = &cfg->static_addrs[cfg->n_static_addrs];
	const struct cval *sc = cget(a, "scope", 0);
	int line = sec_line(a);

	if (hd_prefix_parse(cfg_title(a), v) < 0 || v->prefixlen == 0) {
		cerr(c, line, "static_address: '%s' is not ADDR or ADDR/LEN", cfg_title(a));
		return;
	}
	if (!get_ifname(c, a, "dev", v->dev) && !cget(a, "dev", 0))
		cerr(c, line, "static_address %s: 'dev' is required", cfg_title(a));
	conv_label(c, a, v->dev, v);
	if (sc && (scope_parse(sc->s) < 0 || v->addr.family != AF_INET))
		cerr(c, sc->line, "scope: '%s': global, site, link, host or nowhere, IPv4 only",
		     sc->s);
	else if (sc)
		v->scope = (uint8_t)scope_parse(sc->s);
	if (cget(a, "brd", 0) && get_addr(c, a, "brd", &v->brd)) {
		if (v->addr.family != AF_INET || v->brd.family != AF_INET)
			cerr(c, line, "brd: a broadcast address is IPv4 only");
		v->has_brd = true;
	}
	for (size_t i = 0; i < cfg->n_instances; i++) {
		const struct hd_vrrp_instance_config *in = &cfg->instances[i];
		for (size_t k = 0; k < in->n_vips + in->n_excl_vips; k++)
			if (!hd_addr_cmp(k < in->n_vips ? &in->vips[k].addr
							: &in->excl_vips[k - in->n_vips].addr,
					 &v->addr))
				cerr(
				    c, line,
				    "static_address %s: also a virtual address of vrrp_instance %s "
				    "(a backup would remove it)",
				    cfg_title(a), in->name);
	}
	for (size_t k = 0; k < cfg->n_static_addrs; k++)
		if (!hd_addr_cmp(&cfg->static_addrs[k].addr, &v->addr))
			cerr(c, line, "static_address %s: listed twice", cfg_title(a));
	cfg->n_static_addrs++;
}

void conv_static(struct cctx *c, cfg_t *root, struct hd_config *cfg)
{
	unsigned na = cnum(root, "static_address"), nr = cnum(root, "static_route");
	unsigned nu = cnum(root, "static_rule");

	cfg->static_addrs = calloc(na + 1, sizeof(*cfg->static_addrs));
	cfg->static_routes = calloc(nr + 1, sizeof(*cfg->static_routes));
	cfg->static_rules = calloc(nu + 1, sizeof(*cfg->static_rules));
	if (!cfg->static_addrs || !cfg->static_routes || !cfg->static_rules)
		return;
	for (unsigned i = 0; i < na; i++)
		conv_saddr(c, csec(root, "static_address", i), cfg);
	for (unsigned i = 0; i < nr; i++)
		conv_route(c, csec(root, "static_route", i),
			   &cfg->static_routes[cfg->n_static_routes++], "static_route");
	for (unsigned i = 0; i < nu; i++)
		conv_rule(c, csec(root, "static_rule", i),
			  &cfg->static_rules[cfg->n_static_rules++], "static_rule");
	routes_unique(c, cfg->static_routes, cfg->n_static_routes, "static_route");
}
