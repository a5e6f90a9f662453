/* The renderings of the IPVS view (ipvs_view.h), pure: the status JSON
 * object and the SIGUSR1 dump's lines. Both walk IPVS_VIEW_COUNTERS, so a
 * counter added there reaches them (and the metrics, ipvs_metrics.c). */
#include "config.h"

#include <arpa/inet.h>
#include <string.h>

#include "ipvs_json.h"
#include "ipvs_view.h"
#include "json.h"

static void retries_json(FILE *out, const struct ipvs_view *v)
{
	fputc('[', out);
	for (size_t i = 0; i < v->n_retries; i++) {
		const struct ipvs_retry *rt = &v->retries[i];
		char k[96], dst[64];
		fputs(i ? ",{\"op\":" : "{\"op\":", out);
		hd_json_str(out, ipvs_op_kind_str(rt->kind));
		fputs(",\"service\":", out);
		hd_json_str(out, ipvs_svc_key_str(&rt->svc, k, sizeof(k)));
		fputs(",\"dest\":", out);
		hd_json_str(out, rt->has_dest ? ipvs_dest_str(&rt->dest, dst, sizeof(dst)) : NULL);
		fputs(",\"error\":", out);
		hd_json_str(out, strerror(-rt->err));
		fprintf(out, ",\"failures\":%u,\"retry_in_sec\":%.1f}", rt->failures,
			rt->next_usec > v->now_usec ? (double)(rt->next_usec - v->now_usec) / 1e6
						    : 0.0);
	}
	fputc(']', out);
}

static void sysctl_json(FILE *out, const struct ipvs_sysctl_report *r)
{
	fprintf(out, "{\"nat\":%s,\"dr\":%s,\"checked\":%u,\"fixed\":%u,\"ok\":%s,\"problems\":[",
		r->nat ? "true" : "false", r->dr ? "true" : "false", r->n_checked, r->n_fixed,
		r->n_problems ? "false" : "true");
	for (unsigned i = 0; i < r->n_lines; i++) {
		if (i)
			fputc(',', out);
		hd_json_str(out, r->lines[i]);
	}
	fputs("]}", out);
}

static void opt_uint_json(FILE *out, const char *key, unsigned v)
{
	if (v)
		fprintf(out, ",\"%s\":%u", key, v);
	else
		fprintf(out, ",\"%s\":null", key);
}

/* The optional parameters, null when not set (the kernel's default). */
static void sync_params_json(FILE *out, const struct hd_lvs_sync_config *ls)
{
	char g[INET6_ADDRSTRLEN] = "";

	if (ls->group.family)
		inet_ntop(ls->group.family, &ls->group.u, g, sizeof(g));
	fputs(",\"group\":", out);
	hd_json_str(out, ls->group.family ? g : NULL);
	opt_uint_json(out, "maxlen", ls->maxlen);
	opt_uint_json(out, "port", ls->port);
	opt_uint_json(out, "ttl", ls->ttl);
}

static void sync_json(FILE *out, const struct ipvs_view *v)
{
	const struct hd_lvs_sync_config *ls = v->sync;
	fprintf(out, "{\"configured\":%s", ls->enabled ? "true" : "false");
	if (ls->enabled) {
		fprintf(out, ",\"mode\":\"%s\",\"interface\":",
			ls->mode == HD_LVS_SYNC_BOTH ? "both" : "vrrp");
		hd_json_str(out, ls->interface);
		fprintf(out, ",\"syncid\":%u", ls->syncid);
		sync_params_json(out, ls);
	}
	fprintf(out, ",\"want\":\"%s\",\"running\":\"%s\",\"error\":", v->sync_want,
		v->sync_running);
	hd_json_str(out, v->sync_err ? strerror(-v->sync_err) : NULL);
	fputc('}', out);
}

/* The pass under way, if any, and how the last one went: "slices" loop
 * iterations it took, the longest of them ("longest_slice_usec"). */
static void pass_json(FILE *out, const struct ipvs_view *v)
{
	const struct ipvs_pass_view *p = &v->pass;

	fprintf(out, "{\"phase\":\"%s\"", p->phase);
	if (p->running)
		fprintf(out,
			",\"ops\":%zu,\"tried\":%zu,\"taken\":%zu,\"touched\":%zu,\"reread\":%zu,"
			"\"slices\":%u",
			p->ops, p->tried, p->taken, p->touched, p->reread, p->slices);
	fprintf(out, ",\"last\":{\"slices\":%u,\"longest_slice_usec\":%llu}}", v->last_pass.slices,
		(unsigned long long)v->last_pass.longest_slice_usec);
}

void ipvs_view_json(FILE *out, const struct ipvs_view *v)
{
	const struct ipvs_pass_stats *w = &v->last_write_pass;

	fprintf(out, "{\"available\":%s", v->available ? "true" : "false");
#define JSON(f, metric, type, help, json)                                                          \
	fprintf(out, ",\"%s\":%llu", json, (unsigned long long)v->f);
	IPVS_VIEW_COUNTERS(JSON)
#undef JSON
	fprintf(out,
		",\"slow_timer_sec\":%llu,\"on_stop\":\"%s\",\"last_pass_usec\":%llu,"
		"\"last_write_pass\":{\"usec\":%llu,\"writes\":%llu,\"slices\":%u,"
		"\"longest_slice_usec\":%llu},\"last_pass_build_usec\":%llu,\"last_error\":",
		(unsigned long long)v->slow_timer_sec, v->keep_on_stop ? "keep" : "remove",
		(unsigned long long)v->last_pass.usec, (unsigned long long)w->usec,
		(unsigned long long)w->writes, w->slices, (unsigned long long)w->longest_slice_usec,
		(unsigned long long)v->last_pass_build_usec);
	hd_json_str(out, v->last_error);
	fputs(",\"pass\":", out);
	pass_json(out, v);
	fputs(",\"retries\":", out);
	retries_json(out, v);
	fputs(",\"sysctls\":", out);
	sysctl_json(out, v->sysctl);
	fputs(",\"sync_daemon\":", out);
	sync_json(out, v);
	fputs(",\"desired\":", out);
	ipvs_table_json(out, v->desired, false);
	fputs(",\"programmed\":", out);
	ipvs_table_json(out, v->observed, true);
	fputc('}', out);
}

void ipvs_view_text(FILE *out, const struct ipvs_view *v)
{
	fprintf(out,
		"ipvs: %zu desired / %zu programmed services, %llu writes, %llu errors, %llu "
		"pending\n",
		v->desired->n, v->observed->n, (unsigned long long)v->writes,
		(unsigned long long)v->errors, (unsigned long long)v->pending_ops);
	fputs("ipvs: counters", out);
#define TEXT(f, metric, type, help, json) fprintf(out, " %s=%llu", json, (unsigned long long)v->f);
	IPVS_VIEW_COUNTERS(TEXT)
#undef TEXT
	fputc('\n', out);
	for (size_t i = 0; i < v->observed->n; i++) {
		const struct ipvs_service *s = &v->observed->svcs[i];
		char k[96], dst[64];
		fprintf(out, "ipvs: %s %s%s\n", ipvs_svc_key_str(&s->key, k, sizeof(k)), s->sched,
			ipvs_keyset_has(v->owned, &s->key) ? "" : " (not ours)");
		for (size_t j = 0; j < s->n_dests; j++)
			fprintf(out, "ipvs:   -> %s %s weight %d active %u inactive %u\n",
				ipvs_dest_str(&s->dests[j], dst, sizeof(dst)),
				ipvs_fwd_str(s->dests[j].fwd), s->dests[j].weight,
				s->dests[j].activeconns, s->dests[j].inactconns);
	}
}
