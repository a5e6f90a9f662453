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
