/* The connection sync daemons' decisions (ipvs_sync_rule.h). */
#include "ipvs_sync_rule.h"

#include <arpa/inet.h>
#include <linux/ip_vs.h>
#include <string.h>

_Static_assert(IPVS_SYNC_MASTER == IP_VS_STATE_MASTER, "the kernel's master bit");
_Static_assert(IPVS_SYNC_BACKUP == IP_VS_STATE_BACKUP, "the kernel's backup bit");

int ipvs_sync_want(const struct hd_lvs_sync_config *ls, bool vrrp_master)
{
	if (!ls->enabled)
		return 0;
	if (ls->mode == HD_LVS_SYNC_BOTH)
		return IPVS_SYNC_ALL;
	return vrrp_master ? IPVS_SYNC_MASTER : IPVS_SYNC_BACKUP;
}

struct ipvs_sync_steps ipvs_sync_plan(int have, int want, bool same)
{
	struct ipvs_sync_steps s;

	have &= IPVS_SYNC_ALL;
	want &= IPVS_SYNC_ALL;
	/* kept: running, wanted and with the parameters in force */
	int kept = same ? have & want : 0;
	s.stop = have & ~kept;
	s.start = want & ~kept;
	return s;
}

bool ipvs_sync_adoptable(const struct hd_lvs_sync_config *want,
			 const struct hd_lvs_sync_config *running)
{
	const struct hd_addr *g = &running->group;
	bool group_ok;

	if (!running->enabled || strcmp(want->interface, running->interface) ||
	    want->syncid != running->syncid)
		return false;
	if (want->maxlen && want->maxlen != running->maxlen)
		return false;
	if ((want->port ? want->port : 8848) != running->port ||
	    (want->ttl ? want->ttl : 1) != running->ttl)
		return false;
	if (want->group.family == AF_INET6)
		group_ok = g->family == AF_INET6 && !memcmp(&g->u.v6, &want->group.u.v6, 16);
	else
		group_ok = g->family == AF_INET && g->u.v4.s_addr == (want->group.family == AF_INET
									  ? want->group.u.v4.s_addr
									  : htonl(0xe0000051));
	return group_ok;
}

const char *ipvs_sync_mask_str(int mask)
{
	static const char *const names[] = {"none", "master", "backup", "master+backup"};

	return names[mask & IPVS_SYNC_ALL];
}
