/* The VRRP part of readiness (GET /readyz; daemon/ready.h says what it
 * means). */
#include "config.h"

#include <stdio.h>

#include "vrrp.h"
#include "vrrp_int.h"

bool vrrp_ready(struct hd_daemon *d, char *why, size_t len)
{
	const struct vrrp_ctx *c = d->vrrp;
	size_t waiting = 0;
	const struct vrrp_instance *first = NULL;

	for (size_t i = 0; c && i < c->n_inst; i++) {
		const struct vrrp_instance *in = c->inst[i];
		if (in->fsm.state == VRRP_STATE_MASTER ||
		    (in->fsm.state == VRRP_STATE_BACKUP && in->decided))
			continue;
		if (!waiting++)
			first = in;
	}
	if (!waiting)
		return true;
	const char *what = first->fsm.state == VRRP_STATE_BACKUP
			       ? "backup, no master heard and master down not reached"
			       : vrrp_state_str(first->fsm.state);
	snprintf(why, len, "vrrp: %zu of %zu instances not settled (%s: %s)", waiting, c->n_inst,
		 first->cfg->name, what);
	return false;
}
