/* Routes, rules and static addresses: the wanted set and the reconcile
 * plan (vrrp_route.h). */
#include "config.h"

#include <string.h>

#include "vrrp_route.h"

static bool addr_eq(const struct hd_addr *a, const struct hd_addr *b)
{
	return a->family == b->family && !hd_addr_cmp(a, b);
}

/* Gateways compare as a set: a multipath route's order is not its identity. */
static bool via_eq(const struct hd_route *a, const struct hd_route *b)
{
	if (a->n_via != b->n_via)
		return false;
	for (size_t i = 0; i < a->n_via; i++) {
		bool found = false;
		for (size_t k = 0; k < b->n_via && !found; k++)
			found = addr_eq(&a->via[i], &b->via[k]);
		if (!found)
			return false;
	}
	return true;
}

bool vrrp_route_eq(const struct hd_route *a, const struct hd_route *b)
{
	return a->family == b->family && a->dst_len == b->dst_len && addr_eq(&a->dst, &b->dst) &&
	       a->type == b->type && a->scope == b->scope && a->onlink == b->onlink &&
	       via_eq(a, b) && !strcmp(a->dev, b->dev) && a->has_src == b->has_src &&
	       (!a->has_src || addr_eq(&a->src, &b->src)) && a->metric == b->metric &&
	       a->table == b->table;
}

bool vrrp_rule_eq(const struct hd_rule *a, const struct hd_rule *b)
{
	return a->family == b->family && a->has_from == b->has_from &&
	       (!a->has_from || (a->from_len == b->from_len && addr_eq(&a->from, &b->from))) &&
	       a->has_to == b->has_to &&
	       (!a->has_to || (a->to_len == b->to_len && addr_eq(&a->to, &b->to))) &&
	       a->action == b->action && a->table == b->table &&
	       a->has_priority == b->has_priority && a->priority == b->priority &&
	       a->has_fwmark == b->has_fwmark &&
	       (!a->has_fwmark || (a->fwmark == b->fwmark && a->fwmask == b->fwmask)) &&
	       !strcmp(a->iif, b->iif) && !strcmp(a->oif, b->oif);
}

bool vrrp_saddr_eq(const struct hd_prefix *a, const struct hd_prefix *b)
{
	return addr_eq(&a->addr, &b->addr) && a->prefixlen == b->prefixlen &&
	       !strcmp(a->dev, b->dev) && !strcmp(a->label, b->label) && a->scope == b->scope &&
	       a->has_brd == b->has_brd && (!a->has_brd || addr_eq(&a->brd, &b->brd));
}

bool vrrp_route_eq_v(const void *a, const void *b)
{
	return vrrp_route_eq(a, b);
}

bool vrrp_rule_eq_v(const void *a, const void *b)
{
	return vrrp_rule_eq(a, b);
}

bool vrrp_saddr_eq_v(const void *a, const void *b)
{
	return vrrp_saddr_eq(a, b);
}

size_t vrrp_routes_max(const struct hd_config *cfg)
{
	size_t n = cfg->n_static_routes;

	for (size_t i = 0; i < cfg->n_instances; i++)
		n += cfg->instances[i].n_routes;
	return n;
}

size_t vrrp_rules_max(const struct hd_config *cfg)
{
	size_t n = cfg->n_static_rules;

	for (size_t i = 0; i < cfg->n_instances; i++)
		n += cfg->instances[i].n_rules;
	return n;
}

/* Append E to OUT[0..*n) unless an equal one is there. */
static void add_once(const void **out, size_t *n, const void *e,
		     bool (*eq)(const void *, const void *))
{
	for (size_t i = 0; i < *n; i++)
		if (eq(out[i], e))
			return;
	out[(*n)++] = e;
}

size_t vrrp_routes_wanted(const struct hd_config *cfg, const bool *master,
			  const struct hd_route **out)
{
	const void **o = (const void **)out;
	size_t n = 0;

	for (size_t i = 0; i < cfg->n_static_routes; i++)
		add_once(o, &n, &cfg->static_routes[i], vrrp_route_eq_v);
	for (size_t i = 0; i < cfg->n_instances; i++)
		for (size_t k = 0; master[i] && k < cfg->instances[i].n_routes; k++)
			add_once(o, &n, &cfg->instances[i].routes[k], vrrp_route_eq_v);
	return n;
}

size_t vrrp_rules_wanted(const struct hd_config *cfg, const bool *master,
			 const struct hd_rule **out)
{
	const void **o = (const void **)out;
	size_t n = 0;

	for (size_t i = 0; i < cfg->n_static_rules; i++)
		add_once(o, &n, &cfg->static_rules[i], vrrp_rule_eq_v);
	for (size_t i = 0; i < cfg->n_instances; i++)
		for (size_t k = 0; master[i] && k < cfg->instances[i].n_rules; k++)
			add_once(o, &n, &cfg->instances[i].rules[k], vrrp_rule_eq_v);
	return n;
}

void vrrp_plan(const void *const *want, size_t nw, const void *const *have, size_t nh,
	       bool (*eq)(const void *, const void *), bool *keep, bool *add)
{
	for (size_t k = 0; k < nw; k++)
		add[k] = true;
	for (size_t i = 0; i < nh; i++) {
		keep[i] = false;
		for (size_t k = 0; k < nw; k++) {
			if (!eq(have[i], want[k]))
				continue;
			keep[i] = true;
			add[k] = false;
		}
	}
}
