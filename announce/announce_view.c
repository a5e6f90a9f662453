/* The announce module's view (announce_view.h) and its outputs. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "announce.h"
#include "announce_int.h"
#include "announce_view.h"
#include "log.h"

struct announce_view *announce_view_new(struct hd_daemon *d)
{
	const struct announce_ctx *c = d->announce;
	size_t n = c ? c->n_vips : 0;
	struct announce_view *v = calloc(1, sizeof(*v) + n * sizeof(v->vips[0]));
	uint64_t now = hd_now_usec();

	if (!v)
		return NULL;
	v->vips = (struct announce_vip_view *)(v + 1);
	if (!c)
		return v;
	v->enabled = n > 0;
	snprintf(v->device, sizeof(v->device), "%s", c->cfg.device);
	v->ifindex = c->ifindex;
	v->device_up = c->tun_fd >= 0;
	v->drained = c->drained;
	v->links_up = c->links_up;
	v->checks_settled = c->checks_settled;
	snprintf(v->down_link, sizeof(v->down_link), "%s", c->down_link);
	v->transitions = c->transitions;
	v->write_errors = c->write_errors;
	v->device_creations = c->device_creations;
	v->n_vips = n;
	for (size_t i = 0; i < n; i++) {
		const struct announce_vip *a = &c->vips[i];
		struct announce_vip_view *o = &v->vips[i];

		hd_addr_str(&a->addr, o->vip, sizeof(o->vip));
		o->announced = a->installed;
		o->reason = announce_reason_str(a->reason);
		o->transitions = a->transitions;
		o->write_errors = a->write_errors;
		o->since_sec = a->since_usec ? (double)(now - a->since_usec) / 1e6 : -1;
	}
	return v;
}

void announce_status_json(struct hd_daemon *d, FILE *out)
{
	struct announce_view *v = announce_view_new(d);

	if (!v) {
		fputs("null", out);
		return;
	}
	announce_view_json(out, v);
	free(v);
}

void announce_metrics(struct hd_daemon *d, FILE *out)
{
	struct announce_view *v = announce_view_new(d);

	if (v)
		announce_view_metrics(out, v);
	free(v);
}

void announce_dump(struct hd_daemon *d)
{
	struct announce_view *v = announce_view_new(d);
	char *buf = NULL, *line, *save = NULL;
	size_t len = 0;
	FILE *mem = v ? open_memstream(&buf, &len) : NULL;

	if (mem) {
		announce_view_text(mem, v);
		fclose(mem);
		for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
			hd_notice("%s", line);
		free(buf);
	}
	free(v);
}
