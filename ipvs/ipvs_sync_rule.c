/* The connection sync daemons' decisions (ipvs_sync_rule.h). */
#include "ipvs_sync_rule.h"

#include <linux/ip_vs.h>

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

const char *ipvs_sync_mask_str(int mask)
{
	static const char *const names[] = {"none", "master", "backup", "master+backup"};

	return names[mask & IPVS_SYNC_ALL];
}
