/* The health checker's Prometheus families, rendered from its view
 * (hc_view.h; the exposition itself is hc_view_render.c). */
#include "config.h"

#include <stdlib.h>

#include "hc.h"
#include "hc_view.h"

void hc_metrics(struct hd_daemon *d, FILE *out)
{
	struct hc_view *v = hc_view_new(d);

	/* Out of memory: the families with no sample (the scraper sees a gap) */
	hc_view_metrics(out, v);
	free(v);
}
