/* The announce view rendered (announce_view.h), pure: status JSON, the
 * dump's lines and the metrics. Each walks ANNOUNCE_VIEW_COUNTERS and
 * ANNOUNCE_VIP_COUNTERS, so a counter added there reaches all of them. */
#include "config.h"

#include <string.h>

#include "announce_policy.h"
#include "announce_view.h"
#include "json.h"
#include "metrics.h"

void announce_view_json(FILE *out, const struct announce_view *v)
{
	fprintf(out, "{\"enabled\":%s", v->enabled ? "true" : "false");
	if (!v->enabled) {
		fputc('}', out);
		return;
	}
	fputs(",\"device\":", out);
	hd_json_str(out, v->device);
	fprintf(out,
		",\"ifindex\":%d,\"device_up\":%s,\"drained\":%s,\"links_up\":%s,"
		"\"checks_settled\":%s,\"down_link\":",
		v->ifindex, v->device_up ? "true" : "false", v->drained ? "true" : "false",
		v->links_up ? "true" : "false", v->checks_settled ? "true" : "false");
	hd_json_str(out, v->down_link[0] ? v->down_link : NULL);
#define JSON(f, metric, help, json) fprintf(out, ",\"%s\":%llu", json, (unsigned long long)v->f);
	ANNOUNCE_VIEW_COUNTERS(JSON)
#undef JSON
	fputs(",\"vips\":[", out);
	for (size_t i = 0; i < v->n_vips; i++) {
		const struct announce_vip_view *a = &v->vips[i];

		fprintf(out, "%s{\"vip\":", i ? "," : "");
		hd_json_str(out, a->vip);
		fprintf(out, ",\"announced\":%s,\"reason\":", a->announced ? "true" : "false");
		hd_json_str(out, a->reason);
#define VIP_JSON(f, metric, help, json)                                                            \
	fprintf(out, ",\"%s\":%llu", json, (unsigned long long)a->f);
		ANNOUNCE_VIP_COUNTERS(VIP_JSON)
#undef VIP_JSON
		fprintf(out, ",\"since_sec\":%.3f}", a->since_sec);
	}
	fputs("]}", out);
}

/* The SIGUSR1 dump: a line per VIP, then their counters and the module's. */
void announce_view_text(FILE *out, const struct announce_view *v)
{
	for (size_t i = 0; i < v->n_vips; i++) {
		const struct announce_vip_view *a = &v->vips[i];

		fprintf(out, "announce: %s %s (%s), %llu transitions\n", a->vip,
			a->announced ? "announced" : "withdrawn", a->reason,
			(unsigned long long)a->transitions);
		fprintf(out, "announce: %s counters", a->vip);
#define TEXT(f, metric, help, json) fprintf(out, " %s=%llu", json, (unsigned long long)a->f);
		ANNOUNCE_VIP_COUNTERS(TEXT)
#undef TEXT
		fputc('\n', out);
	}
	if (!v->enabled)
		return;
	fputs("announce: counters", out);
#define TEXT(f, metric, help, json) fprintf(out, " %s=%llu", json, (unsigned long long)v->f);
	ANNOUNCE_VIEW_COUNTERS(TEXT)
#undef TEXT
	fputc('\n', out);
}

void announce_view_metrics(FILE *out, const struct announce_view *v)
{
	if (!v->enabled)
		return;
	hd_metric_family(out, "hadirector_announce_drained", "gauge",
			 "1 while the director is drained (drain-director): nothing announced.");
	hd_metric_sample(out, "hadirector_announce_drained", NULL, v->drained);
	hd_metric_family(out, "hadirector_announce_device_up", "gauge",
			 "1 while the TUN device the VIP routes go through is up.");
	hd_metric_sample(out, "hadirector_announce_device_up", NULL, v->device_up);
#define FAMILY(f, metric, help, json)                                                              \
	hd_metric_family(out, metric, "counter", help);                                            \
	hd_metric_sample(out, metric, NULL, (double)v->f);
	ANNOUNCE_VIEW_COUNTERS(FAMILY)
#undef FAMILY
	hd_metric_family(
	    out, "hadirector_announce_vip_announced", "gauge",
	    "1 while the VIP is an address of the announce device (FRR announces it).");
	for (size_t i = 0; i < v->n_vips; i++)
		hd_metric_sample(out, "hadirector_announce_vip_announced",
				 (const char *[]){"vip", v->vips[i].vip, NULL},
				 v->vips[i].announced);
#define VIP_FAMILY(f, metric, help, json)                                                          \
	hd_metric_family(out, metric, "counter", help);                                            \
	for (size_t i = 0; i < v->n_vips; i++)                                                     \
		hd_metric_sample(out, metric, (const char *[]){"vip", v->vips[i].vip, NULL},       \
				 (double)v->vips[i].f);
	ANNOUNCE_VIP_COUNTERS(VIP_FAMILY)
#undef VIP_FAMILY
	hd_metric_family(out, "hadirector_announce_vip_reason", "gauge",
			 "1 for the reason the VIP is in its state now (announced: none failed).");
	for (size_t i = 0; i < v->n_vips; i++)
		for (int r = 0; r <= ANNOUNCE_REASON_LAST; r++) {
			const char *name = announce_reason_str((enum announce_reason)r);
			hd_metric_sample(
			    out, "hadirector_announce_vip_reason",
			    (const char *[]){"vip", v->vips[i].vip, "reason", name, NULL},
			    v->vips[i].reason && !strcmp(name, v->vips[i].reason));
		}
}
