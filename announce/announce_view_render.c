/* The announce view rendered (announce_view.h): pure. */
#include "config.h"

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
	fprintf(out,
		",\"transitions\":%llu,\"write_errors\":%llu,\"device_creations\":%llu,\"vips\":[",
		(unsigned long long)v->transitions, (unsigned long long)v->write_errors,
		(unsigned long long)v->device_creations);
	for (size_t i = 0; i < v->n_vips; i++) {
		const struct announce_vip_view *a = &v->vips[i];

		fprintf(out, "%s{\"vip\":", i ? "," : "");
		hd_json_str(out, a->vip);
		fprintf(out, ",\"announced\":%s,\"reason\":", a->announced ? "true" : "false");
		hd_json_str(out, a->reason);
		fprintf(out, ",\"transitions\":%llu,\"write_errors\":%llu,\"since_sec\":%.3f}",
			(unsigned long long)a->transitions, (unsigned long long)a->write_errors,
			a->since_sec);
	}
	fputs("]}", out);
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
	hd_metric_family(out, "hadirector_announce_write_errors_total", "counter",
			 "VIP address writes the kernel refused.");
	hd_metric_sample(out, "hadirector_announce_write_errors_total", NULL,
			 (double)v->write_errors);
	hd_metric_family(
	    out, "hadirector_announce_vip_announced", "gauge",
	    "1 while the VIP is an address of the announce device (FRR announces it).");
	for (size_t i = 0; i < v->n_vips; i++)
		hd_metric_sample(out, "hadirector_announce_vip_announced",
				 (const char *[]){"vip", v->vips[i].vip, NULL},
				 v->vips[i].announced);
	hd_metric_family(out, "hadirector_announce_vip_transitions_total", "counter",
			 "VIP announced or withdrawn.");
	for (size_t i = 0; i < v->n_vips; i++)
		hd_metric_sample(out, "hadirector_announce_vip_transitions_total",
				 (const char *[]){"vip", v->vips[i].vip, NULL},
				 (double)v->vips[i].transitions);
	hd_metric_family(out, "hadirector_announce_vip_reason", "gauge",
			 "1 for the reason the VIP is in its state now (announced: none failed).");
	for (size_t i = 0; i < v->n_vips; i++)
		for (int r = 0; r <= ANNOUNCE_REASON_LAST; r++) {
			const char *name = announce_reason_str((enum announce_reason)r);
			hd_metric_sample(
			    out, "hadirector_announce_vip_reason",
			    (const char *[]){"vip", v->vips[i].vip, "reason", name, NULL},
			    name == v->vips[i].reason);
		}
}
