/* The health checker's Prometheus families, rendered from its view
 * (hc_view.h; the exposition itself is hc_view_render.c). */
#include "config.h"

#include <stdlib.h>

#include "hc_int.h"
#include "hc_view.h"
#include "metrics.h"

void hc_metrics(struct hd_daemon *d, FILE *out)
{
	struct hc_view *v = hc_view_new(d);

	/* Out of memory: the families with no sample (the scraper sees a gap) */
	hc_view_metrics(out, v);
	free(v);
	if (d->hc) { /* the director's own links (hc_link.c) */
		uint64_t held;
		size_t down;
		hc_links_counts(d->hc, &held, &down);
		hd_metric_family(out, "hadirector_checks_held_link_down_total", "counter",
				 "Failed checks held (director_link_down): no answer while the "
				 "director's own link to the target was down.");
		hd_metric_sample(out, "hadirector_checks_held_link_down_total", NULL, (double)held);
		hd_metric_family(out, "hadirector_links_down", "gauge",
				 "Interfaces of the director down (no carrier or set down).");
		hd_metric_sample(out, "hadirector_links_down", NULL, (double)down);
	}
}
