/* What the health-check module tells the rest of the daemon. */
#ifndef HC_H
#define HC_H

#include <stdbool.h>
#include <stddef.h>

#include "daemon.h"

/* The verdict on one real server of the current configuration, as the IPVS
 * model consumes it. A real server without checkers is up with its
 * configured weight. WEIGHT is what IPVS should get when UP (a drain or a
 * misc_check dynamic weight already applied). */
struct hc_rs_verdict {
	bool up;
	unsigned weight;
	bool drained;
};

/* VS and RS index d->config->virtual_servers[vs].real_servers[rs]. */
void hc_rs_verdict(struct hd_daemon *d, size_t vs, size_t rs, struct hc_rs_verdict *out);

#endif
