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

/* Whether the subagent must (re)start for G. */
static bool snmp_starts(const struct hd_ops *o, const struct hd_global_config *g)
{
	return g->snmp && (!o->snmp_on || !same_str(g->snmp_socket, o->snmp_socket));
}

/* Start, stop or restart the listener and the subagent to match G;
 * unchanged ones are left alone. SOCKET: g->snmp_socket's copy when the
 * subagent (re)starts (taken), else NULL. */
static void apply(struct hd_daemon *d, const struct hd_global_config *g, char *socket)
{
	struct hd_ops *o = d->ops;
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
		o->snmp_socket = socket;
		o->snmp = hd_snmp_start(d, g->snmp_socket);
		o->snmp_on = true; /* a failed start is not retried on every reload */
	}
	sd_event_source_set_enabled(o->post, o->snmp ? SD_EVENT_ON : SD_EVENT_OFF);
}

int hd_ops_start(struct hd_daemon *d)
{
	struct hd_ops *o = calloc(1, sizeof(*o));
	void *prep;

	if (!o)
		return -ENOMEM;
	d->ops = o;
	if (sd_event_add_post(d->event, &o->post, on_post, d) < 0) {
		hd_err("cannot set up the SNMP bookkeeping");
		return -ENOMEM;
	}
	sd_event_source_set_priority(o->post, HD_PRIO_RECONCILE + 1);
	if (hd_ops_prepare(d, d->config, &prep) < 0)
		return -ENOMEM;
	hd_ops_commit(d, d->config, prep);
	/* At start, what the configuration asks for must run, as the control
	 * socket must: a daemon that cannot serve it exits (logged, exit 1)
	 * rather than run on silently without it. On reload a failed start is
	 * logged and the rest of the reload stands. */
	const struct hd_global_config *g = &d->config->global;
	if ((g->metrics_enabled && g->metrics_listen.addr.family && !o->http) ||
	    (g->snmp && !o->snmp))
		return -EIO;
	return 0;
}

/* The one allocation a reload of these settings needs: the copy of the
 * SNMP socket path a (re)started subagent keeps. The listener and the
 * subagent themselves start at commit: a start that fails there is logged
 * and not retried, as at startup. */
int hd_ops_prepare(struct hd_daemon *d, const struct hd_config *newcfg, void **prep)
{
	const struct hd_global_config *g = &newcfg->global;

	*prep = NULL;
	if (snmp_starts(d->ops, g) && g->snmp_socket && !(*prep = strdup(g->snmp_socket)))
		return -ENOMEM;
	return 0;
}

void hd_ops_commit(struct hd_daemon *d, const struct hd_config *newcfg, void *prep)
{
	apply(d, &newcfg->global, prep);
}

void hd_ops_abort(struct hd_daemon *d, void *prep)
{
	free(prep);
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
