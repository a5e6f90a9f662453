/* E-mail alerts (keepalived's smtp_alert): VRRP transitions and real
 * server verdicts, queued and sent one at a time by the SMTP client in
 * alert_smtp.c from the event loop, never blocking it. The queue holds
 * ALERT_QUEUE_MAX messages; when it is full the oldest is dropped
 * (counted, logged). A message that fails is not retried (counted). */
#ifndef HD_ALERT_H
#define HD_ALERT_H

#include <stdbool.h>
#include <stdio.h>

#include "alert_hook.h"
#include "daemon.h"

#define ALERT_QUEUE_MAX 64

/* The module (modules.h table). */
int hd_alert_init(struct hd_daemon *d);
int hd_alert_prepare(struct hd_daemon *d, const struct hd_config *newcfg, void **prep);
void hd_alert_commit(struct hd_daemon *d, const struct hd_config *newcfg, void *prep);
void hd_alert_abort(struct hd_daemon *d, void *prep);
void hd_alert_free(struct hd_daemon *d);
void hd_alert_status_json(struct hd_daemon *d, FILE *out);
/* Prometheus: hadirector_alert_mails_total{result}, _queued (core.c). */
void hd_alert_metrics(struct hd_daemon *d, FILE *out);

/* The hooks the modules call (d->alert_hooks, set by hd_alert_init):
 * base/alert_hook.h. */

#endif
