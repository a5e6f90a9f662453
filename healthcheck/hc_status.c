/* hc_status_write: the healthcheck part of `hadirectorctl status` and of
 * the SIGUSR1 dump, rendered from the module's view (hc_view.h). */
#include "config.h"

#include <stdlib.h>

#include "hc_int.h"
#include "hc_view.h"

void hc_status_write(struct hc_ctx *c, FILE *out)
{
	struct hc_view *v = hc_view_new(c->d);

	hc_view_json(out, v); /* out of memory: [] */
	free(v);
}
