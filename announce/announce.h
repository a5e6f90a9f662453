/* The announce module (ECMP over FRR, issue 23; docs/ecmp.md): the hooks
 * for the table in daemon/modules.c (daemon/modules.h says what each
 * does) and what the control socket asks of it. */
#ifndef ANNOUNCE_H
#define ANNOUNCE_H

#include <stdbool.h>
#include <stdio.h>

#include "hd_context.h"

int announce_init(struct hd_daemon *d);
int announce_prepare(struct hd_daemon *d, const struct hd_config *newcfg, void **prep);
void announce_commit(struct hd_daemon *d, const struct hd_config *newcfg, void *prep);
void announce_abort(struct hd_daemon *d, void *prep);
/* Withdraws every VIP (deletes the addresses) and removes the device. */
void announce_shutdown(struct hd_daemon *d);
/* Stopping: withdraws as announce_shutdown does and returns how long the
 * other modules should go on (announce stop_delay) so that the flows under
 * way keep their real servers while the router moves them elsewhere; 0 when
 * no VIP was announced (nothing to move). */
uint64_t announce_stop_begin(struct hd_daemon *d);
void announce_free(struct hd_daemon *d);
void announce_status_json(struct hd_daemon *d, FILE *out);
void announce_metrics(struct hd_daemon *d, FILE *out);
void announce_dump(struct hd_daemon *d);

/* Decide again for every VIP and write the addresses that changed; part
 * of the reconcile pass (after IPVS: the table is in place before an address
 * draws traffic to it). Cheap when nothing changed. */
void announce_reconcile(struct hd_daemon *d);

/* hadirectorctl drain-director / undrain-director: withdraw every VIP
 * while the rest (IPVS, checks) runs on, so established flows drain off
 * as the router moves them; not kept across restarts. Returns 0, or
 * -ENOENT when no virtual server is in announce mode. */
int announce_set_drained(struct hd_daemon *d, bool drained);

#endif
