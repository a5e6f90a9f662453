/* Conversion of keepalived's static_ipaddress, static_routes,
 * static_rules (top level) and virtual_routes, virtual_rules (in a
 * vrrp_instance): each line becomes a static_address, static_route,
 * static_rule, virtual_route or virtual_rule section (hadirector.conf(5)).
 * A line keepalived reports and skips (no destination, an address it
 * cannot read) is left out with a warning, as keepalived runs without it;
 * an option hadirector has no equivalent for refuses the file.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hd_config.h"
#include "ka_convert_int.h"

/* The words of line K: its keyword, then its arguments. */
static const char *word(const struct ka_node *k, size_t i)
{
	return i == 0 ? k->kw : i <= k->nargs ? k->args[i - 1] : NULL;
}

static bool is_any(const char *w, const char *const *set)
{
	for (; *set; set++)
		if (!strcmp(w, *set))
			return true;
	return false;
}

/* Options of ip route / ip rule that keepalived takes and hadirector has
 * no equivalent for. */
static const char *const route_unsupported[] = {
    "tos",	"dsfield",  "protocol", "realms",	 "realm",
    "nexthop",	"encap",    "vrf",	"expires",	 "mtu",
    "advmss",	"rtt",	    "rttvar",	"reordering",	 "window",
    "cwnd",	"ssthresh", "rto_min",	"initcwnd",	 "initrwnd",
    "features", "quickack", "congctl",	"pref",		 "fastopen_no_cookie",
    "hoplimit", "as",	    "lock",	"ttl-propagate", "track_group",
    NULL};
static const char *const rule_unsupported[] = {"tos",	    "dsfield",
					       "realms",    "suppress_prefixlength",
					       "sup_pl",    "suppress_ifgroup",
					       "sup_group", "tunnel-id",
					       "uidrange",  "l3mdev",
					       "protocol",  "ipproto",
					       "sport",	    "dport",
					       "goto",	    "nop",
					       "not",	    "track_group",
					       NULL};

/* A table keepalived names: a number, or one iproute2 always knows. */
static bool table_ok(struct cx *c, const struct ka_node *k, const char *t)
{
	char *end;

	if (!strcmp(t, "main") || !strcmp(t, "local") || !strcmp(t, "default"))
		return true;
	if (strtoul(t, &end, 10) > 0 && !*end && t[0] != '-')
		return true;
	ka_error(c->m, k->file, k->line,
		 "%s: table '%s': hadirector takes a table number (or main, local, default), not "
		 "a name from rt_tables",
		 k->kw, t);
	return false;
}

/* An address keepalived reads (and its family), or NULL with a warning
 * that the line is left out as keepalived leaves it out. */
static bool addr_ok(struct cx *c, struct osec *s, const struct ka_node *k, const char *what,
		    const char *a, bool prefix, int *family)
{
	struct hd_prefix p;
	int r = prefix ? hd_prefix_parse(a, &p) : hd_addr_parse(a, &p.addr);

	if (r < 0) {
		ka_warn(c->m, k->file, k->line,
			"%s: '%s' is not an address; keepalived reports it and skips the line, so "
			"does the conversion",
			what, a);
		left_out(s, k, "keepalived skips it: not an address");
		return false;
	}
	if (*family && *family != p.addr.family) {
		ka_warn(
		    c->m, k->file, k->line,
		    "%s: mixes IPv4 and IPv6; keepalived reports it and skips the line, so does "
		    "the conversion",
		    what);
		left_out(s, k, "keepalived skips it: mixed families");
		return false;
	}
	*family = p.addr.family;
	return true;
}

struct kroute {
	const char *dst, *type, *src, *dev, *scope, *table, *metric;
	const char *via[HD_ROUTE_MAX_VIA];
	size_t n_via;
	bool onlink;
	int family;
};

/* One option of a route line at word I (returns the next word's index, 0
 * after an error). */
static size_t route_opt(struct cx *c, struct osec *s, const struct ka_node *k, size_t i,
			struct kroute *r)
{
	static const char *const types[] = {"unicast",	"blackhole", "unreachable",
					    "prohibit", "throw",     NULL};
	static const char *const other_types[] = {"local", "broadcast", "anycast", "multicast",
						  "nat",   "xresolve",	NULL};
	const char *w = word(k, i), *v = word(k, i + 1);

	if (!strcmp(w, "inet") || !strcmp(w, "inet6") || !strcmp(w, "onlink") ||
	    !strcmp(w, "no_track") || !strcmp(w, "add") || !strcmp(w, "prepend") ||
	    !strcmp(w, "append")) {
		r->onlink |= !strcmp(w, "onlink");
		return i + 1;
	}
	if (is_any(w, route_unsupported)) {
		ka_error(c->m, k->file, k->line, "%s: route option %s: hadirector has none", k->kw,
			 w);
		return 0;
	}
	if (!strcmp(w, "to")) {
		w = v;
		v = word(k, ++i + 1);
	}
	if (w && is_any(w, other_types)) {
		ka_error(c->m, k->file, k->line,
			 "route type %s: hadirector adds unicast, blackhole, unreachable, prohibit "
			 "and throw routes",
			 w);
		return 0;
	}
	if (w && is_any(w, types)) {
		r->type = w;
		w = v;
		i++;
	} else if (w && v &&
		   (!strcmp(w, "src") || !strcmp(w, "via") || !strcmp(w, "gw") ||
		    !strcmp(w, "or") || !strcmp(w, "dev") || !strcmp(w, "oif") ||
		    !strcmp(w, "scope") || !strcmp(w, "table") || !strcmp(w, "metric") ||
		    !strcmp(w, "priority") || !strcmp(w, "preference"))) {
		if (!strcmp(w, "via") || !strcmp(w, "gw") || !strcmp(w, "or")) {
			if (r->n_via == HD_ROUTE_MAX_VIA || (w[0] != 'o' && r->n_via)) {
				ka_error(c->m, k->file, k->line, "%s: gateway %s: one too many",
					 k->kw, v);
				return 0;
			}
			if (!addr_ok(c, s, k, "via", v, false, &r->family))
				return 0;
			r->via[r->n_via++] = v;
		} else if (!strcmp(w, "src")) {
			if (!addr_ok(c, s, k, "src", v, false, &r->family))
				return 0;
			r->src = v;
		} else if (!strcmp(w, "dev") || !strcmp(w, "oif")) {
			r->dev = v;
		} else if (!strcmp(w, "scope")) {
			r->scope = v;
		} else if (!strcmp(w, "table")) {
			if (!table_ok(c, k, v))
				return 0;
			r->table = v;
		} else {
			r->metric = v;
		}
		return i + 2;
	}
	if (!w) {
		ka_warn(c->m, k->file, k->line,
			"route without a destination: keepalived reports it and skips the line, "
			"so does the conversion");
		left_out(s, k, "keepalived skips it: no destination");
		return 0;
	}
	if (!strcmp(w, "default") || !strcmp(w, "any") || !strcmp(w, "all"))
		w = "0.0.0.0/0"; /* IPv6 when a gateway says so (fixed below) */
	else if (!addr_ok(c, s, k, "destination", w, true, &r->family))
		return 0;
	r->dst = w;
	return i + 1;
}

/* Write R as a SECT section into S. */
static void route_write(struct cx *c, struct osec *s, const struct ka_node *k, const char *sect,
			struct kroute *r)
{
	struct osec *o = osec_new("%s", sect);
	char buf[HD_ROUTE_MAX_VIA * (INET6_ADDRSTRLEN + 2) + 8];

	if (!o)
		return;
	o->src = k;
	if (!strcmp(r->dst, "0.0.0.0/0") && r->family == AF_INET6)
		r->dst = "::/0";
	oadd(o, k, "to", r->dst);
	if (r->type && strcmp(r->type, "unicast"))
		oadd(o, k, "type", r->type);
	if (r->n_via == 1) {
		oadd(o, k, "via", r->via[0]);
	} else if (r->n_via) {
		strcpy(buf, "{ ");
		for (size_t i = 0; i < r->n_via; i++)
			strcat(strcat(buf, r->via[i]), i + 1 < r->n_via ? ", " : " }");
		onote(oadd(o, k, "via", buf), "keepalived: 'or': one multipath route");
	}
	if (r->dev)
		oadd(o, k, "dev", ka_ifname(c, r->dev));
	if (r->src)
		oadd(o, k, "src", r->src);
	if (r->metric)
		oadd(o, k, "metric", r->metric);
	if (r->table)
		oadd(o, k, "table", r->table);
	if (r->onlink)
		oadd(o, k, "onlink", "yes");
	if (r->scope)
		oadd(o, k, "scope", r->scope);
	else if (r->family != AF_INET6 && !r->n_via && (!r->type || !strcmp(r->type, "unicast")))
		onote(oadd(o, k, "scope", "global"), "keepalived's default (ip route's is link)");
	oadd_sub(s, k, o);
}

static void route_line(struct cx *c, struct osec *s, const struct ka_node *k, const char *sect)
{
	struct kroute r = {0};
	size_t i = 0, n = k->nargs + 1;

	while (i < n)
		if (!(i = route_opt(c, s, k, i, &r)))
			return;
	if (!r.dst) {
		ka_warn(c->m, k->file, k->line,
			"route without a destination: keepalived reports it and skips the line, so "
			"does the conversion");
		left_out(s, k, "keepalived skips it: no destination");
		return;
	}
	if ((!r.type || !strcmp(r.type, "unicast")) && !r.n_via && !r.dev) {
		ka_error(c->m, k->file, k->line,
			 "%s: a route without via or dev: keepalived lets the kernel choose; "
			 "hadirector needs one of them",
			 k->kw);
		return;
	}
	route_write(c, s, k, sect, &r);
}

/* Routes and rules: keepalived tracks them (a deleted virtual route makes
 * the master give up, a deleted static one is put back) and prepends
 * them before a route already there; said once per block. */
static void block_warn(struct cx *c, const struct ka_node *n, bool rules)
{
	ka_warn(c->m, n->file, n->line,
		"%s: hadirector adds a %s only where none is (keepalived %s) and does not watch "
		"them: one deleted by hand comes back at the next state change or reload (with "
		"keepalived a deleted virtual one makes the master give up, a static one is put "
		"back at once)",
		n->kw, rules ? "rule" : "route",
		rules ? "adds duplicates" : "prepends its own before one already there");
}

static void r_routes(struct cx *c, struct osec *s, const struct ka_node *n, const char *sect)
{
	if (!n->block) {
		ka_error(c->m, n->file, n->line, "%s: needs a block { ... }", n->kw);
		return;
	}
	block_warn(c, n, false);
	for (const struct ka_node *k = n->child; k; k = k->next)
		route_line(c, s, k, sect);
}

void r_virtual_routes(struct cx *c, struct osec *s, const struct ka_node *n, const struct rule *r)
{
	(void)r;
	r_routes(c, s, n, "virtual_route");
}

void r_static_routes(struct cx *c, struct osec *s, const struct ka_node *n, const struct rule *r)
{
	(void)r;
	r_routes(c, s, n, "static_route");
}

/* ---- rules ---- */

struct krule {
	const char *from, *to, *table, *type, *prio, *fwmark, *iif, *oif;
	int family;
};

static size_t rule_opt(struct cx *c, struct osec *s, const struct ka_node *k, size_t i,
		       struct krule *r)
{
	static const char *const types[] = {"blackhole", "unreachable", "prohibit", NULL};
	const char *w = word(k, i), *v = word(k, i + 1);

	if (!strcmp(w, "inet") || !strcmp(w, "inet6")) {
		if (!r->family)
			r->family = w[4] ? AF_INET6 : AF_INET;
		return i + 1;
	}
	if (!strcmp(w, "no_track"))
		return i + 1;
	if (!strcmp(w, "type") && v && is_any(v, types))
		w = word(k, ++i);
	if (is_any(w, types)) {
		r->type = w;
		return i + 1;
	}
	if (is_any(w, rule_unsupported)) {
		ka_error(c->m, k->file, k->line, "%s: rule option %s: hadirector has none", k->kw,
			 w);
		return 0;
	}
	if (!v) {
		ka_warn(
		    c->m, k->file, k->line,
		    "rule: '%s' without a value or unknown; keepalived reports it and skips the "
		    "rule, so does the conversion",
		    w);
		left_out(s, k, "keepalived skips it");
		return 0;
	}
	if (!strcmp(w, "from") || !strcmp(w, "to")) {
		if (strcmp(v, "all") && !addr_ok(c, s, k, w, v, true, &r->family))
			return 0;
		*(w[0] == 'f' ? &r->from : &r->to) = strcmp(v, "all") ? v : NULL;
	} else if (!strcmp(w, "table") || !strcmp(w, "lookup")) {
		if (!table_ok(c, k, v))
			return 0;
		r->table = v;
	} else if (!strcmp(w, "preference") || !strcmp(w, "order") || !strcmp(w, "priority")) {
		r->prio = v;
	} else if (!strcmp(w, "fwmark")) {
		r->fwmark = v;
	} else if (!strcmp(w, "dev") || !strcmp(w, "iif")) {
		r->iif = v;
	} else if (!strcmp(w, "oif")) {
		r->oif = v;
	} else {
		ka_warn(c->m, k->file, k->line,
			"rule: unknown option '%s'; keepalived reports it and skips the rule, so "
			"does the conversion",
			w);
		left_out(s, k, "keepalived skips it");
		return 0;
	}
	return i + 2;
}

/* keepalived numbers a rule without a preference itself, counting down
 * from 16384 per family in the order of the file. */
static void rule_prio(struct cx *c, struct osec *o, const struct ka_node *k, int family)
{
	unsigned *next = &c->rule_prio[family == AF_INET6];
	char p[16];

	if (!*next)
		*next = 16384;
	snprintf(p, sizeof(p), "%u", (*next)--);
	onote(oadd(o, k, "priority", p), "keepalived's automatic preference");
}

static void rule_line(struct cx *c, struct osec *s, const struct ka_node *k, const char *sect)
{
	struct krule r = {0};
	size_t i = 0, n = k->nargs + 1;
	struct osec *o;

	while (i < n)
		if (!(i = rule_opt(c, s, k, i, &r)))
			return;
	if (!r.table == !r.type) {
		ka_warn(
		    c->m, k->file, k->line,
		    "rule: %s; keepalived reports it and skips the rule, so does the conversion",
		    r.table ? "both a table and an action" : "no table or action");
		left_out(s, k, "keepalived skips it");
		return;
	}
	if (!(o = osec_new("%s", sect)))
		return;
	o->src = k;
	if (!r.from && !r.to && r.family == AF_INET6)
		oadd(o, k, "family", "inet6");
	if (r.from)
		oadd(o, k, "from", r.from);
	if (r.to)
		oadd(o, k, "to", r.to);
	if (r.table)
		oadd(o, k, "table", r.table);
	if (r.type)
		oadd(o, k, "type", r.type);
	if (r.prio)
		oadd(o, k, "priority", r.prio);
	else
		rule_prio(c, o, k, r.family);
	if (r.fwmark)
		oadd(o, k, "fwmark", r.fwmark);
	if (r.iif)
		oadd(o, k, "iif", ka_ifname(c, r.iif));
	if (r.oif)
		oadd(o, k, "oif", ka_ifname(c, r.oif));
	oadd_sub(s, k, o);
}

static void r_rules(struct cx *c, struct osec *s, const struct ka_node *n, const char *sect)
{
	if (!n->block) {
		ka_error(c->m, n->file, n->line, "%s: needs a block { ... }", n->kw);
		return;
	}
	block_warn(c, n, true);
	for (const struct ka_node *k = n->child; k; k = k->next)
		rule_line(c, s, k, sect);
}

void r_virtual_rules(struct cx *c, struct osec *s, const struct ka_node *n, const struct rule *r)
{
	(void)r;
	r_rules(c, s, n, "virtual_rule");
}

void r_static_rules(struct cx *c, struct osec *s, const struct ka_node *n, const struct rule *r)
{
	(void)r;
	r_rules(c, s, n, "static_rule");
}

/* ---- static addresses: `ADDR[/LEN] [dev IF] [scope S] [brd B] [label L]` ---- */

static void saddr_line(struct cx *c, struct osec *top, const struct ka_node *k)
{
	const char *dev = NULL, *scope = NULL, *brd = NULL, *label = NULL;
	struct osec *o;
	int family = 0;

	if (!addr_ok(c, top, k, "static_ipaddress", k->kw, true, &family))
		return;
	for (size_t i = 0; i < k->nargs; i += 2) {
		const char *opt = k->args[i], *v = i + 1 < k->nargs ? k->args[i + 1] : NULL;

		if (!v) {
			ka_error(c->m, k->file, k->line, "static_ipaddress %s: %s: no value", k->kw,
				 opt);
			return;
		}
		if (!strcmp(opt, "dev"))
			dev = v;
		else if (!strcmp(opt, "scope"))
			scope = v;
		else if (!strcmp(opt, "brd") || !strcmp(opt, "broadcast"))
			brd = v;
		else if (!strcmp(opt, "label"))
			label = v;
		else {
			ka_error(c->m, k->file, k->line,
				 "static_ipaddress %s: %s: hadirector has no such address option",
				 k->kw, opt);
			return;
		}
	}
	if (!dev) {
		ka_error(
		    c->m, k->file, k->line,
		    "static_ipaddress %s: no dev: keepalived uses the interface of the default "
		    "route; hadirector needs dev",
		    k->kw);
		return;
	}
	if (label && strncmp(label, dev, strlen(dev))) {
		ka_error(c->m, k->file, k->line,
			 "static_ipaddress %s: label %s does not begin with the interface name %s",
			 k->kw, label, dev);
		return;
	}
	if (!(o = osec_new("static_address %s", k->kw)))
		return;
	o->src = k;
	oadd(o, k, "dev", ka_ifname(c, dev));
	if (scope && family == AF_INET && strcmp(scope, "global"))
		oadd(o, k, "scope", scope);
	if (brd && family == AF_INET && strcmp(brd, "+") && strcmp(brd, "-"))
		oadd(o, k, "brd", brd);
	if (label && family == AF_INET) {
		char l[64];
		snprintf(l, sizeof(l), "%s%s", ka_ifname(c, dev), label + strlen(dev));
		oadd(o, k, "label", l);
	}
	if ((brd && family == AF_INET && (!strcmp(brd, "+") || !strcmp(brd, "-"))) ||
	    (family == AF_INET6 && (scope || brd || label)))
		ka_warn(
		    c->m, k->file, k->line,
		    "static_ipaddress %s: %s left out (brd +/- or an IPv6 address's scope, brd, "
		    "label)",
		    k->kw, brd ? "brd" : "option");
	oadd_sub(top, k, o);
}

void r_static_ipaddress(struct cx *c, struct osec *top, const struct ka_node *n,
			const struct rule *r)
{
	(void)r;
	if (!n->block) {
		ka_error(c->m, n->file, n->line, "%s: needs a block { ... }", n->kw);
		return;
	}
	for (const struct ka_node *k = n->child; k; k = k->next)
		saddr_line(c, top, k);
}
