/* What a module calls on a transition that may deserve an e-mail alert.
 * The modules do not know the mailer (daemon/alert.c): it plugs its hooks
 * into the context at init (d->alert_hooks), and these calls go nowhere
 * while none are plugged in (before init, after free). Each hook decides
 * from the configuration whether a mail is due. */
#ifndef HD_ALERT_HOOK_H
#define HD_ALERT_HOOK_H

#include <stdbool.h>

#include "hd_context.h"

struct hd_alert_hooks {
	void (*vrrp)(struct hd_daemon *d, const struct hd_vrrp_instance_config *in,
		     const char *old_state, const char *new_state, const char *why);
	void (*sync_group)(struct hd_daemon *d, const struct hd_sync_group_config *g,
			   const char *old_state, const char *new_state);
	void (*real_server)(struct hd_daemon *d, const struct hd_virtual_server_config *vs,
			    const struct hd_real_server_config *rs, const char *vs_name, bool up,
			    const char *why);
	/* An IPVS write the kernel took (ERR 0) or refused (ERR < 0): OP is
	 * its kind ("add-dest", "open"), TARGET the service and destination, WEIGHT
	 * the destination's (-1: a service op). Not mail: the event stream. */
	void (*ipvs)(struct hd_daemon *d, const char *op, const char *target, int weight, int err);
	/* Announce mode: VIP announced or withdrawn, and why (announce/).
	 * Not mail: the event stream. */
	void (*announce)(struct hd_daemon *d, const char *vip, bool announced, const char *reason);
};

static inline void hd_alert_vrrp(struct hd_daemon *d, const struct hd_vrrp_instance_config *in,
				 const char *old_state, const char *new_state, const char *why)
{
	if (d->alert_hooks)
		d->alert_hooks->vrrp(d, in, old_state, new_state, why);
}

static inline void hd_alert_sync_group(struct hd_daemon *d, const struct hd_sync_group_config *g,
				       const char *old_state, const char *new_state)
{
	if (d->alert_hooks)
		d->alert_hooks->sync_group(d, g, old_state, new_state);
}

static inline void hd_alert_real_server(struct hd_daemon *d,
					const struct hd_virtual_server_config *vs,
					const struct hd_real_server_config *rs, const char *vs_name,
					bool up, const char *why)
{
	if (d->alert_hooks)
		d->alert_hooks->real_server(d, vs, rs, vs_name, up, why);
}

static inline void hd_alert_ipvs(struct hd_daemon *d, const char *op, const char *target,
				 int weight, int err)
{
	if (d->alert_hooks && d->alert_hooks->ipvs)
		d->alert_hooks->ipvs(d, op, target, weight, err);
}

static inline void hd_alert_announce(struct hd_daemon *d, const char *vip, bool announced,
				     const char *reason)
{
	if (d->alert_hooks && d->alert_hooks->announce)
		d->alert_hooks->announce(d, vip, announced, reason);
}

#endif
