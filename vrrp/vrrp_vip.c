/* Comparison of a kernel address with a configured virtual address. */
#include "config.h"

#include <string.h>

#include "vrrp_vip.h"

unsigned vrrp_vip_diff(const struct hd_prefix *v, const char *ifname, const struct vrrp_vip_seen *k)
{
	const char *want = v->label[0] ? v->label : ifname;
	unsigned d = 0;

	if (k->prefixlen != v->prefixlen)
		d |= VRRP_VIP_DIFF_PREFIX;
	if (v->addr.family != AF_INET)
		return d;
	if (want && (!k->label || strcmp(k->label, want) != 0))
		d |= VRRP_VIP_DIFF_LABEL;
	if (k->scope != v->scope)
		d |= VRRP_VIP_DIFF_SCOPE;
	if (v->has_brd && (!k->has_brd || hd_addr_cmp(&k->brd, &v->brd) != 0))
		d |= VRRP_VIP_DIFF_BRD;
	return d;
}

static bool prefix_same(const struct hd_prefix *a, const struct hd_prefix *b)
{
	return !hd_addr_cmp(&a->addr, &b->addr) && a->prefixlen == b->prefixlen &&
	       !strcmp(a->dev, b->dev) && !strcmp(a->label, b->label) && a->scope == b->scope &&
	       a->has_brd == b->has_brd && (!a->has_brd || !hd_addr_cmp(&a->brd, &b->brd));
}

static bool list_same(const struct hd_prefix *a, size_t na, const struct hd_prefix *b, size_t nb)
{
	if (na != nb)
		return false;
	for (size_t i = 0; i < na; i++)
		if (!prefix_same(&a[i], &b[i]))
			return false;
	return true;
}

bool vrrp_vips_same(const struct hd_vrrp_instance_config *a,
		    const struct hd_vrrp_instance_config *b)
{
	return list_same(a->vips, a->n_vips, b->vips, b->n_vips) &&
	       list_same(a->excl_vips, a->n_excl_vips, b->excl_vips, b->n_excl_vips);
}
