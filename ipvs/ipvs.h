/* What the IPVS module offers the rest of the daemon: its hooks for the
 * table in daemon/modules.c (daemon/modules.h says what each does), its
 * part of the Prometheus exposition, and what VRRP tells it. */
#ifndef IPVS_H
#define IPVS_H

#include <stdint.h>
#include <stdio.h>

#include "hd_context.h"

int ipvs_init(struct hd_daemon *d);
int ipvs_prepare(struct hd_daemon *d, const struct hd_config *newcfg, void **prep);
void ipvs_commit(struct hd_daemon *d, const struct hd_config *newcfg, void *prep);
void ipvs_abort(struct hd_daemon *d, void *prep);
void ipvs_shutdown(struct hd_daemon *d);
void ipvs_free(struct hd_daemon *d);
void ipvs_status_json(struct hd_daemon *d, FILE *out);
void ipvs_dump(struct hd_daemon *d);
/* Called from the daemon's one reconcile pass per loop iteration. */
void ipvs_reconcile(struct hd_daemon *d);
void ipvs_metrics(struct hd_daemon *d, FILE *out);

/* The VRRP instance named by lvs_sync_daemon changed role: run the IPVS
 * connection sync daemon as master (IS_MASTER) or backup. Cheap: the
 * netlink writes happen in the next reconcile pass of this iteration.
 * A no-op when lvs_sync_daemon is not configured. */
void ipvs_sync_daemon_set_role(struct hd_daemon *d, int is_master);

/* The kernel's connection counters (ipvsadm's ActiveConn, InActConn) of
 * real server RS in the services configured virtual server VS (an index
 * into d->config) maps to, summed over a group's members, read now (one
 * netlink request, not the cached table). Returns how many destinations
 * matched (0: RS is not in the kernel's table), or < 0 (-ENODEV: no IPVS). */
int ipvs_rs_connections(struct hd_daemon *d, size_t vs, const struct hd_endpoint *rs,
			uint64_t *active, uint64_t *inactive);

#endif
