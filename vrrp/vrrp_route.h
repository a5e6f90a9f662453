/* Which routes, policy rules and static addresses must be in the kernel,
 * and what a reconcile adds and removes to get there: pure, so that the
 * decision is table-tested (tests/unit/test_vrrp_route.c). The kernel
 * writes are in vrrp_route_nl.c. */
#ifndef VRRP_ROUTE_H
#define VRRP_ROUTE_H

#include <stdbool.h>
#include <stddef.h>

#include "hd_config.h"

/* Whether A and B give the kernel the same route / rule / address
 * (everything the daemon sends; the config line is not part of it). */
bool vrrp_route_eq(const struct hd_route *a, const struct hd_route *b);
bool vrrp_rule_eq(const struct hd_rule *a, const struct hd_rule *b);
bool vrrp_saddr_eq(const struct hd_prefix *a, const struct hd_prefix *b);

/* Upper bounds of what the two functions below return. */
size_t vrrp_routes_max(const struct hd_config *cfg);
size_t vrrp_rules_max(const struct hd_config *cfg);

/* The routes (rules) wanted into OUT: every static one, and those of
 * instance I while MASTER[I] (indexes of cfg->instances); one that is
 * wanted twice (static and virtual, or two masters) once. Returns the
 * number written. */
size_t vrrp_routes_wanted(const struct hd_config *cfg, const bool *master,
			  const struct hd_route **out);
size_t vrrp_rules_wanted(const struct hd_config *cfg, const bool *master,
			 const struct hd_rule **out);

/* The reconcile: of the NH entries HAVE (what the daemon installed), KEEP[i]
 * says whether one equal to it is wanted; of the NW entries WANT, ADD[k]
 * whether none equal to it is installed. Everything else stays as it is:
 * nothing the daemon did not install is ever a candidate. */
void vrrp_plan(const void *const *want, size_t nw, const void *const *have, size_t nh,
	       bool (*eq)(const void *, const void *), bool *keep, bool *add);
bool vrrp_route_eq_v(const void *a, const void *b);
bool vrrp_rule_eq_v(const void *a, const void *b);
bool vrrp_saddr_eq_v(const void *a, const void *b);

#endif
