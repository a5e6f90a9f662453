/* Reload decisions of the VRRP module (vrrp_reload_match.h): pure. */
#include "config.h"

#include <string.h>

#include "vrrp_reload_match.h"
#include "vrrp_vip.h"

bool vrrp_same_identity(const struct hd_vrrp_instance_config *a,
			const struct hd_vrrp_instance_config *b)
{
	return !strcmp(a->name, b->name) && !strcmp(a->interface, b->interface) &&
	       a->vrid == b->vrid && a->family == b->family && a->version == b->version &&
	       a->n_unicast_peers == b->n_unicast_peers &&
	       a->has_unicast_src == b->has_unicast_src && a->use_vmac == b->use_vmac &&
	       !strcmp(a->vmac_name, b->vmac_name) && a->vmac_xmit_base == b->vmac_xmit_base;
}

void vrrp_reload_match(const struct hd_vrrp_instance_config **old, size_t n_old,
		       const struct hd_vrrp_instance_config *new_inst, size_t n_new, size_t *from)
{
	for (size_t i = 0; i < n_new; i++) {
		from[i] = 0;
		for (size_t k = 0; k < n_old; k++) {
			if (!old[k] || !vrrp_same_identity(old[k], &new_inst[i]))
				continue;
			old[k] = NULL;
			from[i] = k + 1;
			break;
		}
	}
}

struct vrrp_adopt vrrp_reload_adopt(const struct hd_vrrp_instance_config *old,
				    const struct hd_vrrp_instance_config *new_cfg, bool vips_on,
				    bool is_master)
{
	bool changed = !vrrp_vips_same(old, new_cfg);

	return (struct vrrp_adopt){.del_vips = changed && vips_on, .readd = changed && is_master};
}
