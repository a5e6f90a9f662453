/* Announce mode's decisions (announce_policy.h). */
#include "announce_policy.h"

#include <stdio.h>
#include <string.h>

enum announce_reason announce_decide(const struct announce_inputs *in)
{
	/* most lasting cause first: it is the one an operator must act on */
	if (in->stopping)
		return ANNOUNCE_STOPPING;
	if (!in->device_up)
		return ANNOUNCE_NO_DEVICE;
	if (in->drained)
		return ANNOUNCE_DRAINED;
	if (!in->links_up)
		return ANNOUNCE_LINK_DOWN;
	if (!in->checks_ready)
		return ANNOUNCE_CHECKS_PENDING;
	if (!in->quorum)
		return ANNOUNCE_NO_QUORUM;
	if (in->checks_settling)
		return ANNOUNCE_CHECKS_SETTLING;
	return ANNOUNCE_OK;
}

const char *announce_reason_str(enum announce_reason r)
{
	static const char *const names[] = {"announced", "stopping",	    "no device",
					    "drained",	 "link down",	    "checks pending",
					    "no quorum", "checks settling", "removed"};

	return (unsigned)r <= ANNOUNCE_REASON_LAST ? names[r] : "?";
}

bool announce_vs_has_addr(const struct hd_virtual_server_config *vs, const struct hd_addr *a)
{
	if (vs->n_members) {
		for (size_t i = 0; i < vs->n_members; i++)
			if (!vs->members[i].is_fwmark &&
			    hd_addr_cmp(&vs->members[i].ep.addr, a) == 0)
				return true;
		return false;
	}
	return !vs->is_fwmark && hd_addr_cmp(&vs->ep.addr, a) == 0;
}

size_t announce_vips_max(const struct hd_config *cfg)
{
	size_t n = 0;

	for (size_t i = 0; i < cfg->n_virtual_servers; i++)
		if (cfg->virtual_servers[i].mode == HD_VS_MODE_ANNOUNCE)
			n += cfg->virtual_servers[i].n_members ? cfg->virtual_servers[i].n_members
							       : 1;
	return n;
}

static size_t add_unique(struct hd_addr *out, size_t n, const struct hd_addr *a)
{
	for (size_t i = 0; i < n; i++)
		if (hd_addr_cmp(&out[i], a) == 0)
			return n;
	out[n] = *a;
	return n + 1;
}

size_t announce_vips(const struct hd_config *cfg, struct hd_addr *out)
{
	size_t n = 0;

	for (size_t i = 0; i < cfg->n_virtual_servers; i++) {
		const struct hd_virtual_server_config *vs = &cfg->virtual_servers[i];

		if (vs->mode != HD_VS_MODE_ANNOUNCE)
			continue;
		if (!vs->n_members && !vs->is_fwmark)
			n = add_unique(out, n, &vs->ep.addr);
		for (size_t j = 0; j < vs->n_members; j++)
			if (!vs->members[j].is_fwmark)
				n = add_unique(out, n, &vs->members[j].ep.addr);
	}
	return n;
}

bool announce_vip_quorum(const struct hd_config *cfg, const struct hd_addr *vip,
			 const bool *quorum_lost)
{
	bool any = false;

	for (size_t i = 0; i < cfg->n_virtual_servers; i++) {
		const struct hd_virtual_server_config *vs = &cfg->virtual_servers[i];

		if (vs->mode != HD_VS_MODE_ANNOUNCE || !announce_vs_has_addr(vs, vip))
			continue;
		if (quorum_lost[i])
			return false;
		any = true;
	}
	return any;
}

bool announce_sched_cost(const char *lb_algo, enum announce_sync sync, char *msg, size_t len)
{
	const char *fix =
	    sync == ANNOUNCE_SYNC_VRRP
		? "; lvs_sync_daemon follows a vrrp_instance, so only that instance's "
		  "master sends its connections: mode = both makes every director send "
		  "and learn them"
		: "; or lvs_sync_daemon with mode = both, so every director learns the "
		  "others' connections";

	/* synced: a moved flow finds its entry on its new director */
	if (!strcmp(lb_algo, "mh") || sync == ANNOUNCE_SYNC_BOTH)
		return false;
	if (!strcmp(lb_algo, "sh")) {
		snprintf(msg, len,
			 "mode announce with lb_algo sh: consistent only while every director "
			 "has the same real servers up with the same weights; one failure seen "
			 "at different times remaps most flows (mh, Maglev, remaps only the "
			 "failed server's)%s",
			 fix);
		return true;
	}
	snprintf(msg, len,
		 "mode announce with lb_algo %s: each director picks real servers on its own, "
		 "so a flow the router moves to another director (a director leaves or joins) "
		 "lands on another real server and its connection is broken; use lb_algo = mh%s",
		 lb_algo[0] ? lb_algo : "wlc", fix);
	return true;
}
