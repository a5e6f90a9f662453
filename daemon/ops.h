/* Operations plumbing started after the modules: the latency histogram
 * store, the Prometheus HTTP listener (metrics_http.c) and the SNMP AgentX
 * subagent (snmp.c). One sd-event post source runs after every loop
 * iteration that dispatched something: it files new check durations and
 * lets SNMP send its notifications for state changes made in that
 * iteration, with no hook inside the modules. */
#ifndef HD_OPS_H
#define HD_OPS_H

#include "daemon.h"

struct hc_lat_store;

int hd_ops_start(struct hd_daemon *d);	 /* after the modules' init */
void hd_ops_reload(struct hd_daemon *d); /* after d->config was replaced */
void hd_ops_free(struct hd_daemon *d);
const struct hc_lat_store *hd_ops_latency(struct hd_daemon *d);

#endif
