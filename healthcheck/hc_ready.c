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

/* Between verdicts: the last runs disagree with the verdict, which has not
 * turned yet (rise or fall not reached, or a retry under way). */
static bool between(const struct hc_checker *st)
{
	return st->up ? st->fail_run > 0 || st->retry_it > 0 : st->ok_run > 0;
}

bool hc_settled_since(struct hd_daemon *d, uint64_t since, char *why, size_t len)
{
	const struct hc_ctx *c = d->hc;

	for (size_t i = 0; c && i < c->n_probes; i++) {
		const struct hc_probe *p = c->probes[i];
		const char *what;
		char ep[64];

		/* strictly after: a start stamped with the loop's time may
		 * have come before SINCE in the same pass */
		if (p->run_started_usec <= since)
			what = "has no run started since";
		else if (between(&p->st))
			what = "is between verdicts";
		else
			continue;
		hd_endpoint_str(&p->target, ep, sizeof(ep));
		snprintf(why, len, "healthcheck: %s %s %s", hd_check_type_str(p->k->type), ep,
			 what);
		return false;
	}
	return true;
}
