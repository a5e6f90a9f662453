/* What the IPVS module offers the rest of the daemon (beyond the hooks in
 * daemon/modules.h). */
#ifndef IPVS_H
#define IPVS_H

#include "daemon.h"

/* The VRRP instance named by lvs_sync_daemon changed role: run the IPVS
 * connection sync daemon as master (IS_MASTER) or backup. Cheap: the
 * netlink writes happen in the next reconcile pass of this iteration.
 * A no-op when lvs_sync_daemon is not configured. */
void ipvs_sync_daemon_set_role(struct hd_daemon *d, int is_master);

#endif
