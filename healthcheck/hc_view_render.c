/* The renderings of the health checker's view (hc_view.h), pure: status
 * JSON and Prometheus metrics. Each walks HC_VIEW_CHECK_COUNTERS,
 * HC_VIEW_RS_COUNTERS and HC_VIEW_VS_COUNTERS, so a counter added there
 * reaches both. */
#include "config.h"

#include <string.h>

#include "hc_view.h"
#include "json.h"
#include "metrics.h"

const double hc_lat_bounds[HC_LAT_BUCKETS] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
					      0.05,   0.1,   0.25,   0.5,   1,	  2.5};

void hc_lat_add(struct hc_lat_hist *h, uint64_t usec)
{
	double sec = (double)usec / 1e6;
	size_t b = 0;

	while (b < HC_LAT_BUCKETS && sec > hc_lat_bounds[b])
		b++;
	if (b < HC_LAT_BUCKETS)
		h->bucket[b]++;
	h->count++;
	h->sum_usec += usec;
}

static double wall(const struct hc_view *v, uint64_t mono_usec)
{
	return (double)mono_usec / 1e6 + v->wall_offset;
}

static void outcome_json(FILE *out, const struct hc_result *r)
{
	char text[96];

	fputs("\"last_outcome\":", out);
	hd_json_str(out, hc_outcome_text(r->outcome, r->detail, text, sizeof(text)));
	fputs(",\"outcome\":", out);
	hd_json_str(out, hc_outcome_name(r->outcome));
}

static void check_json(FILE *out, const struct hc_view *v, const struct hc_check_view *k)
{
	char ep[80];

	fputs("{\"type\":", out);
	hd_json_str(out, k->type);
	fputs(",\"target\":", out);
	hd_json_str(out, hd_endpoint_str(&k->target, ep, sizeof(ep)));
	fprintf(out, ",\"state\":\"%s\",", k->up ? "up" : "down");
	outcome_json(out, &k->last);
#define JSON(f, metric, help, json, mib)                                                           \
	fprintf(out, ",\"%s\":%llu", json, (unsigned long long)k->f);
	HC_VIEW_CHECK_COUNTERS(JSON)
#undef JSON
	fprintf(out,
		",\"ok_run\":%u,\"fail_run\":%u,\"retry_it\":%u,\"rise\":%u,\"fall\":%u,"
		"\"retry\":%u,\"delay_loop_sec\":%.3f,\"last_duration_ms\":%.3f,\"running\":%s,"
		"\"shared_by\":%u,\"dynamic_weight\":%d,\"last_change\":%.3f",
		k->ok_run, k->fail_run, k->retry_it, k->rise, k->fall, k->retry,
		(double)k->delay_loop_usec / 1e6, (double)k->last_duration_usec / 1e3,
		k->running ? "true" : "false", k->shared_by, k->dyn_weight,
		wall(v, k->last_change_usec));
	if (!strcmp(k->type, "agent")) {
		fprintf(out, ",\"agent_state\":\"%s\",\"agent_weight\":",
			hc_agent_state_name(k->agent.state));
		if (k->agent.wkind == HC_AGENT_W_NONE)
			fputs("null", out);
		else
			fprintf(out, "\"%u%s\"", k->agent.weight,
				k->agent.wkind == HC_AGENT_W_PCT ? "%" : "");
	}
	fputc('}', out);
}

static void rs_json(FILE *out, const struct hc_view *v, const struct hc_rs_view *r)
{
	char ep[80], text[96];

	fputs("{\"rs\":", out);
	hd_json_str(out, hd_endpoint_str(&r->ep, ep, sizeof(ep)));
	fprintf(out, ",\"state\":\"%s\",\"weight\":%u,\"configured_weight\":%u,\"drained\":%s,",
		r->up ? "up" : "down", r->weight, r->configured_weight,
		r->drained ? "true" : "false");
	fprintf(out,
		"\"check_state\":\"%s\",\"held\":%s,\"agent_drained\":%s,\"slow_start\":%s,"
		"\"target_weight\":%u,",
		r->check_up ? "up" : "down", r->held ? "true" : "false",
		r->agent_drained ? "true" : "false", r->ramping ? "true" : "false",
		r->target_weight);
	if (r->operator_weight >= 0)
		fprintf(out, "\"operator_weight\":%d,", r->operator_weight);
	outcome_json(out, &r->why);
	fputs(",\"change_reason\":", out);
	hd_json_str(out, hc_outcome_text(r->reason.outcome, r->reason.detail, text, sizeof(text)));
	fprintf(out, ",\"last_change\":%.3f", wall(v, r->last_change_usec));
#define JSON(f, metric, help, json, mib)                                                           \
	fprintf(out, ",\"%s\":%llu", json, (unsigned long long)r->f);
	HC_VIEW_RS_COUNTERS(JSON)
#undef JSON
	fputs(",\"checkers\":[", out);
	for (size_t k = 0; k < r->n_checks; k++) {
		if (k)
			fputc(',', out);
		check_json(out, v, &r->checks[k]);
	}
	fputs("]}", out);
}

void hc_view_json(FILE *out, const struct hc_view *v)
{
	fputc('[', out);
	for (size_t i = 0; v && i < v->n_vs; i++) {
		const struct hc_vs_view *vs = &v->vs[i];

		fputs(i ? ",{\"vs\":" : "{\"vs\":", out);
		hd_json_str(out, vs->name);
		fputs(",\"protocol\":", out);
		hd_json_str(out, hd_proto_str(vs->protocol));
		fprintf(out,
			",\"real_servers_up\":%u,\"quorum\":%u,\"hysteresis\":%u,"
			"\"quorum_lost\":%s,\"max_ejection\":%u,\"guard_engaged\":%s,"
			"\"real_servers_held\":%u,",
			vs->real_servers_up, vs->quorum, vs->hysteresis,
			vs->quorum_lost ? "true" : "false", vs->max_ejection,
			vs->guard_engaged ? "true" : "false", vs->real_servers_held);
#define JSON(f, metric, help, json, mib)                                                           \
	fprintf(out, "\"%s\":%llu,", json, (unsigned long long)vs->f);
		HC_VIEW_VS_COUNTERS(JSON)
#undef JSON
		fputs("\"real_servers\":[", out);
		for (size_t r = 0; r < vs->n_rs; r++) {
			if (r)
				fputc(',', out);
			rs_json(out, v, &vs->rs[r]);
		}
		fputs("]}", out);
	}
	fputc(']', out);
}

/* ---- Prometheus ---- */

struct labels {
	char rs[80], idx[24];
	const char *l[9]; /* vs, rs [, checker, type] */
};

static void rs_labels(struct labels *x, const struct hc_vs_view *vs, const struct hc_rs_view *r)
{
	const char *l[] = {"vs", vs->name, "rs", hd_endpoint_str(&r->ep, x->rs, sizeof(x->rs)),
			   NULL};

	memcpy(x->l, l, sizeof(l));
}

static void check_labels(struct labels *x, const struct hc_check_view *k, size_t i)
{
	snprintf(x->idx, sizeof(x->idx), "%zu", i);
	x->l[4] = "checker";
	x->l[5] = x->idx;
	x->l[6] = "type";
	x->l[7] = k->type;
	x->l[8] = NULL;
}

static void hist_write(FILE *out, const struct hc_lat_hist *h, const struct labels *x)
{
	const char *l[12];
	char le[32];
	uint64_t cum = 0;
	size_t n = 0;

	while (x->l[n])
		n++;
	memcpy(l, x->l, n * sizeof(l[0]));
	l[n] = "le";
	l[n + 1] = le;
	l[n + 2] = NULL;
	for (size_t b = 0; b <= HC_LAT_BUCKETS; b++) {
		cum += b < HC_LAT_BUCKETS ? h->bucket[b] : 0;
		if (b < HC_LAT_BUCKETS)
			snprintf(le, sizeof(le), "%g", hc_lat_bounds[b]);
		else
			snprintf(le, sizeof(le), "+Inf");
		hd_metric_sample(out, "hadirector_check_duration_seconds_bucket", l,
				 (double)(b < HC_LAT_BUCKETS ? cum : h->count));
	}
	hd_metric_sample(out, "hadirector_check_duration_seconds_sum", x->l,
			 (double)h->sum_usec / 1e6);
	hd_metric_sample(out, "hadirector_check_duration_seconds_count", x->l, (double)h->count);
}

/* A family's value of a real server (CHECK NULL) or of one of its checkers. */
typedef double (*value_fn)(const struct hc_rs_view *r, const struct hc_check_view *k);
static double rs_up(const struct hc_rs_view *r, const struct hc_check_view *k)
{
	return r->up;
}
static double rs_weight(const struct hc_rs_view *r, const struct hc_check_view *k)
{
	return r->weight;
}
static double rs_drained(const struct hc_rs_view *r, const struct hc_check_view *k)
{
	return r->drained;
}
static double rs_held(const struct hc_rs_view *r, const struct hc_check_view *k)
{
	return r->held;
}
static double rs_ramping(const struct hc_rs_view *r, const struct hc_check_view *k)
{
	return r->ramping;
}
static double ck_up(const struct hc_rs_view *r, const struct hc_check_view *k)
{
	return k->up;
}
#define RS_VALUE(f, metric, help, json, mib)                                                       \
	static double rs_##f(const struct hc_rs_view *r, const struct hc_check_view *k)            \
	{                                                                                          \
		return (double)r->f;                                                               \
	}
HC_VIEW_RS_COUNTERS(RS_VALUE)
#undef RS_VALUE
#define CK_VALUE(f, metric, help, json, mib)                                                       \
	static double ck_##f(const struct hc_rs_view *r, const struct hc_check_view *k)            \
	{                                                                                          \
		return (double)k->f;                                                               \
	}
HC_VIEW_CHECK_COUNTERS(CK_VALUE)
#undef CK_VALUE

static const struct {
	const char *name, *type, *help;
	value_fn fn; /* NULL: the latency histogram */
	bool per_check;
} fam[] = {
    {"hadirector_real_server_up", "gauge", "1 when the real server is in service.", rs_up, false},
    {"hadirector_real_server_weight", "gauge", "Weight IPVS gets for the real server when up.",
     rs_weight, false},
    {"hadirector_real_server_drained", "gauge", "1 when drained by the operator.", rs_drained,
     false},
    {"hadirector_real_server_held", "gauge",
     "1 while its checks fail and the fail-open guard keeps it in service.", rs_held, false},
    {"hadirector_real_server_slow_start", "gauge", "1 while slow start ramps its weight.",
     rs_ramping, false},
#define RS_FAM(f, metric, help, json, mib) {metric, "counter", help, rs_##f, false},
    HC_VIEW_RS_COUNTERS(RS_FAM)
#undef RS_FAM
	{"hadirector_check_up", "gauge", "1 when the checker's verdict is up.", ck_up, true},
#define CK_FAM(f, metric, help, json, mib) {metric, "counter", help, ck_##f, true},
    HC_VIEW_CHECK_COUNTERS(CK_FAM)
#undef CK_FAM
	{"hadirector_check_duration_seconds", "histogram",
	 "Duration of checks, from start to verdict.", NULL, true},
};

static void rs_samples(FILE *out, size_t m, const struct hc_vs_view *vs, const struct hc_rs_view *r)
{
	struct labels x;

	rs_labels(&x, vs, r);
	if (!fam[m].per_check) {
		hd_metric_sample(out, fam[m].name, x.l, fam[m].fn(r, NULL));
		return;
	}
	for (size_t k = 0; k < r->n_checks; k++) {
		check_labels(&x, &r->checks[k], k);
		if (fam[m].fn)
			hd_metric_sample(out, fam[m].name, x.l, fam[m].fn(r, &r->checks[k]));
		else
			hist_write(out, &r->checks[k].lat, &x);
	}
}

void hc_view_metrics(FILE *out, const struct hc_view *v)
{
	size_t n_vs = v ? v->n_vs : 0;

	hd_metric_family(out, "hadirector_virtual_server_real_servers_up", "gauge",
			 "Real servers in service.");
	for (size_t i = 0; i < n_vs; i++)
		hd_metric_sample(out, "hadirector_virtual_server_real_servers_up",
				 (const char *[]){"vs", v->vs[i].name, NULL},
				 v->vs[i].real_servers_up);
	hd_metric_family(out, "hadirector_virtual_server_quorum_lost", "gauge",
			 "1 while the virtual server is below quorum.");
	for (size_t i = 0; i < n_vs; i++)
		hd_metric_sample(out, "hadirector_virtual_server_quorum_lost",
				 (const char *[]){"vs", v->vs[i].name, NULL}, v->vs[i].quorum_lost);
	hd_metric_family(out, "hadirector_virtual_server_guard_engaged", "gauge",
			 "1 while the fail-open guard (max_ejection) holds failing real servers.");
	for (size_t i = 0; i < n_vs; i++)
		hd_metric_sample(out, "hadirector_virtual_server_guard_engaged",
				 (const char *[]){"vs", v->vs[i].name, NULL},
				 v->vs[i].guard_engaged);
#define VS_FAM(f, metric, help, json, mib)                                                         \
	hd_metric_family(out, metric, "counter", help);                                            \
	for (size_t i = 0; i < n_vs; i++)                                                          \
		hd_metric_sample(out, metric, (const char *[]){"vs", v->vs[i].name, NULL},         \
				 (double)v->vs[i].f);
	HC_VIEW_VS_COUNTERS(VS_FAM)
#undef VS_FAM
	for (size_t m = 0; m < sizeof(fam) / sizeof(fam[0]); m++) {
		hd_metric_family(out, fam[m].name, fam[m].type, fam[m].help);
		for (size_t i = 0; i < n_vs; i++)
			for (size_t r = 0; r < v->vs[i].n_rs; r++)
				rs_samples(out, m, &v->vs[i], &v->vs[i].rs[r]);
	}
}
