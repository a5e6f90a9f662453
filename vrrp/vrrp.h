/* What the VRRP module offers daemon/: its hooks for the table in
 * daemon/modules.c (daemon/modules.h says what each does) and its part of
 * the Prometheus exposition. Other modules and daemon/ include this, not
 * vrrp_int.h. */
#ifndef VRRP_H
#define VRRP_H

#include <stdio.h>

#include "hd_context.h"

int vrrp_init(struct hd_daemon *d);
int vrrp_prepare(struct hd_daemon *d, const struct hd_config *newcfg, void **prep);
void vrrp_commit(struct hd_daemon *d, const struct hd_config *newcfg, void *prep);
void vrrp_abort(struct hd_daemon *d, void *prep);
void vrrp_shutdown(struct hd_daemon *d);
void vrrp_free(struct hd_daemon *d);
void vrrp_status_json(struct hd_daemon *d, FILE *out);
void vrrp_dump(struct hd_daemon *d);

void vrrp_metrics(struct hd_daemon *d, FILE *out); /* vrrp_metrics.c */
/* Readiness (GET /readyz, daemon/ready.h says what it means): true, or
 * false with WHY (LEN bytes) naming the first instance not settled. */
bool vrrp_ready(struct hd_daemon *d, char *why, size_t len); /* vrrp_ready.c */

#endif
