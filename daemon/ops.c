/* See ops.h. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "metrics_http.h"
#include "ops.h"
#include "snmp.h"

struct hd_ops {
	sd_event_source *post;
	struct hd_metrics_http *http;
	struct hd_endpoint http_ep; /* what HTTP listens on (family 0: off) */
	struct hd_snmp *snmp;
	char *snmp_socket; /* what SNMP was started with */
	bool snmp_on;
};

static int on_post(sd_event_source *s, void *userdata)
{
	struct hd_daemon *d = userdata;

	if (d->ops->snmp)
		hd_snmp_watch(d->ops->snmp);
	return 0;
}

static bool same_ep(const struct hd_endpoint *a, const struct hd_endpoint *b)
{
	return a->addr.family == b->addr.family && a->port == b->port &&
	       (!a->addr.family || !hd_addr_cmp(&a->addr, &b->addr));
}

static bool same_str(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

/* Start, stop or restart the listener and the subagent to match the
 * current configuration; unchanged ones are left alone. */
static void apply(struct hd_daemon *d)
{
	struct hd_ops *o = d->ops;
	const struct hd_global_config *g = &d->config->global;
	struct hd_endpoint want = {0};

	if (g->metrics_enabled)
		want = g->metrics_listen;
	if (!same_ep(&want, &o->http_ep) || (want.addr.family && !o->http)) {
		hd_metrics_http_free(o->http);
		o->http = NULL;
		o->http_ep = want;
		if (want.addr.family)
			o->http = hd_metrics_http_start(d, &want);
	}
	if (o->snmp_on && (!g->snmp || !same_str(g->snmp_socket, o->snmp_socket))) {
		hd_snmp_free(o->snmp);
		o->snmp = NULL;
		free(o->snmp_socket);
		o->snmp_socket = NULL;
		o->snmp_on = false;
	}
	if (g->snmp && !o->snmp_on) {
		o->snmp_socket = g->snmp_socket ? strdup(g->snmp_socket) : NULL;
		o->snmp = hd_snmp_start(d, g->snmp_socket);
		o->snmp_on = true; /* a failed start is not retried on every reload */
	}
	sd_event_source_set_enabled(o->post, o->snmp ? SD_EVENT_ON : SD_EVENT_OFF);
}

int hd_ops_start(struct hd_daemon *d)
{
	struct hd_ops *o = calloc(1, sizeof(*o));

	if (!o)
		return -ENOMEM;
	d->ops = o;
	if (sd_event_add_post(d->event, &o->post, on_post, d) < 0) {
		hd_err("cannot set up the SNMP bookkeeping");
		return -ENOMEM;
	}
	sd_event_source_set_priority(o->post, HD_PRIO_RECONCILE + 1);
	apply(d);
	return 0;
}

void hd_ops_reload(struct hd_daemon *d)
{
	if (d->ops)
		apply(d);
}

void hd_ops_free(struct hd_daemon *d)
{
	struct hd_ops *o = d->ops;

	if (!o)
		return;
	hd_snmp_free(o->snmp);
	free(o->snmp_socket);
	hd_metrics_http_free(o->http);
	sd_event_source_disable_unref(o->post);
	free(o);
	d->ops = NULL;
}
