/* Operations plumbing started after the modules: the Prometheus HTTP
 * listener (metrics_http.c) and the SNMP AgentX subagent (snmp.c). While
 * the subagent runs, an sd-event post source runs after every loop
 * iteration that dispatched something and lets SNMP send its notifications
 * for state changes made in that iteration, with no hook inside the
 * modules; without SNMP it is off (a post source costs a dispatch per
 * iteration). */
#ifndef HD_OPS_H
#define HD_OPS_H

#include "daemon.h"

/* Last in the module table (modules.h): started after the modules, and
 * reloaded in two phases like them. */
int hd_ops_start(struct hd_daemon *d);
int hd_ops_prepare(struct hd_daemon *d, const struct hd_config *newcfg, void **prep);
void hd_ops_commit(struct hd_daemon *d, const struct hd_config *newcfg, void *prep);
void hd_ops_abort(struct hd_daemon *d, void *prep);
void hd_ops_free(struct hd_daemon *d);

#endif
