/* The VRRP module's outputs, rendered from its view (vrrp_view.h): status
 * JSON and text, the SIGUSR1 dump and Prometheus metrics. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "vrrp.h"
#include "vrrp_view.h"

void vrrp_metrics(struct hd_daemon *d, FILE *out)
{
	size_t n;
	struct vrrp_inst_view *v = vrrp_views(d, &n);

	/* Out of memory: the families with no sample (the scraper sees a gap) */
	vrrp_view_metrics(out, v, v ? n : 0);
	free(v);
}

void vrrp_status_json(struct hd_daemon *d, FILE *out)
{
	size_t n;
	struct vrrp_inst_view *v = vrrp_views(d, &n);

	vrrp_view_json(out, v, v ? n : 0);
	free(v);
}

void vrrp_status_text(struct hd_daemon *d, FILE *out)
{
	struct vrrp_inst_view v;

	for (size_t i = 0; i < vrrp_view_count(d); i++)
		if (vrrp_view_get(d, i, &v))
			vrrp_view_text(out, &v);
}

void vrrp_dump(struct hd_daemon *d)
{
	char *buf = NULL, *line, *save = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&buf, &len);

	if (!mem)
		return;
	vrrp_status_text(d, mem);
	fclose(mem);
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		hd_notice("%s", line);
	free(buf);
}
