/* The health-check part of readiness (GET /readyz; daemon/ready.h says
 * what it means). */
#include "config.h"

#include <stdio.h>

#include "hc.h"
#include "hc_int.h"

bool hc_ready(struct hd_daemon *d, char *why, size_t len)
{
	const struct hc_ctx *c = d->hc;
	size_t waiting = 0;
	const struct hc_probe *first = NULL;

	for (size_t i = 0; c && i < c->n_probes; i++) {
		if (c->probes[i]->st.started)
			continue;
		if (!waiting++)
			first = c->probes[i];
	}
	if (!waiting)
		return true;
	char ep[64];
	hd_endpoint_str(&first->target, ep, sizeof(ep));
	snprintf(why, len, "healthcheck: %zu of %zu checks have no result yet (%s %s)", waiting,
		 c->n_probes, hd_check_type_str(first->k->type), ep);
	return false;
}
