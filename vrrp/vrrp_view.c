/* The VRRP module's view (vrrp_view.h): filled from the instances, the
 * only reader of vrrp_int.h outside the module's own I/O. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "vrrp_int.h"
#include "vrrp_view.h"

size_t vrrp_view_count(struct hd_daemon *d)
{
	return d->vrrp ? d->vrrp->n_inst : 0;
}

bool vrrp_view_get(struct hd_daemon *d, size_t i, struct vrrp_inst_view *out)
{
	const struct vrrp_ctx *c = d->vrrp;
	const struct vrrp_instance *in = c && i < c->n_inst ? c->inst[i] : NULL;
	const struct hd_vrrp_instance_config *ic;

	if (!in)
		return false;
	ic = in->cfg;
	*out = (struct vrrp_inst_view){
	    .key = in,
	    .name = ic->name,
	    .interface = ic->interface,
	    .ifindex = in->ifindex,
	    .vrid = ic->vrid,
	    .version = ic->version,
	    .family = ic->family,
	    .state = in->fsm.state,
	    .priority = in->fsm.priority,
	    .base_priority = ic->priority,
	    .master_known = in->fsm.master_known,
	    .master = in->fsm.master_addr,
	    .source = in->src_addr,
	    .master_adver_interval_cs = in->fsm.master_adver_interval,
	    .advert_int_cs = ic->advert_int_cs,
	    .master_down_interval_usec = in->fsm.master_down_interval,
	    .preempt = ic->preempt,
	    .auth = ic->auth_type != HD_VRRP_AUTH_NONE,
	    .faults = in->faults,
	    .vips_installed = in->vips_on,
	    .vips = ic->vips,
	    .n_vips = ic->n_vips,
	    .last_reason = in->last_reason,
	    .sync_group = in->group >= 0 ? c->cfg->sync_groups[in->group].name : NULL,
	    .sync_group_state = vrrp_group_state_str(in),
	    .last_transition_usec = in->last_transition_usec,
	};
#define COPY(f, metric, help, json, mib2, mib3) out->f = in->f;
	VRRP_VIEW_COUNTERS(COPY)
#undef COPY
	memcpy(out->drops, in->drops, sizeof(out->drops));
	return true;
}

struct vrrp_inst_view *vrrp_views(struct hd_daemon *d, size_t *n)
{
	size_t total = vrrp_view_count(d), k = 0;
	struct vrrp_inst_view *v;

	*n = 0;
	if (!total)
		return NULL;
	v = calloc(total, sizeof(*v));
	if (!v) {
		*n = total;
		return NULL;
	}
	for (size_t i = 0; i < total; i++)
		k += vrrp_view_get(d, i, &v[k]);
	if (!k) {
		free(v);
		return NULL;
	}
	*n = k;
	return v;
}
