/* The hooks the daemon core calls on each module. Every module keeps its
 * runtime state in its own context hanging off struct hd_daemon. */
#ifndef HD_MODULES_H
#define HD_MODULES_H

#include <stdio.h>

#include "daemon.h"

/* init: build the module's runtime state from d->config and start it.
 * reload: NEWCFG is validated; adopt it keeping the runtime state of
 *   unchanged objects (called before d->config is swapped to NEWCFG).
 * shutdown: clean stop (VRRP: master sends priority 0, removes its VIPs).
 * free: release everything, no I/O.
 * status_json: write one JSON value (the module's part of status).
 * dump: full state to the log (SIGUSR1). */
int vrrp_init(struct hd_daemon *d);
int vrrp_reload(struct hd_daemon *d, const struct hd_config *newcfg);
void vrrp_shutdown(struct hd_daemon *d);
void vrrp_free(struct hd_daemon *d);
void vrrp_status_json(struct hd_daemon *d, FILE *out);
void vrrp_dump(struct hd_daemon *d);

int ipvs_init(struct hd_daemon *d);
int ipvs_reload(struct hd_daemon *d, const struct hd_config *newcfg);
void ipvs_shutdown(struct hd_daemon *d);
void ipvs_free(struct hd_daemon *d);
void ipvs_status_json(struct hd_daemon *d, FILE *out);
void ipvs_dump(struct hd_daemon *d);
/* Called from the daemon's one reconcile pass per loop iteration. */
void ipvs_reconcile(struct hd_daemon *d);

int hc_init(struct hd_daemon *d);
int hc_reload(struct hd_daemon *d, const struct hd_config *newcfg);
void hc_shutdown(struct hd_daemon *d);
void hc_free(struct hd_daemon *d);
void hc_status_json(struct hd_daemon *d, FILE *out);
void hc_dump(struct hd_daemon *d);

#endif
