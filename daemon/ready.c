/* See ready.h. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "healthcheck/hc.h"
#include "ready.h"
#include "vrrp/vrrp.h"

bool hd_ready(struct hd_daemon *d, char *why, size_t len)
{
	char part[2][160];
	size_t n = 0;

	if (!d->config || d->stopping) {
		snprintf(why, len, "%s", d->stopping ? "stopping" : "not configured");
		return false;
	}
	if (!vrrp_ready(d, part[n], sizeof(part[n])))
		n++;
	if (!hc_ready(d, part[n], sizeof(part[n])))
		n++;
	if (n == 0)
		return true;
	snprintf(why, len, "%s%s%s", part[0], n > 1 ? "; " : "", n > 1 ? part[1] : "");
	return false;
}
