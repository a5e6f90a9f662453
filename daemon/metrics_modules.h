/* Each module's part of the Prometheus exposition, rendered from its view:
 * hd_metrics (core.c) reaches them through the module table (modules.c,
 * struct hd_module_view), outside in. Families are written even when
 * empty so a scraper always sees HELP and TYPE. */
#ifndef HD_METRICS_MODULES_H
#define HD_METRICS_MODULES_H

#include <stdio.h>

#include "daemon.h"

void vrrp_metrics(struct hd_daemon *d, FILE *out); /* vrrp/vrrp_metrics.c */
void hc_metrics(struct hd_daemon *d, FILE *out);   /* healthcheck/hc_metrics.c */
void ipvs_metrics(struct hd_daemon *d, FILE *out); /* ipvs/ipvs_metrics.c */

#endif
