/* Prometheus metrics of real servers and their checkers, and the latency
 * histogram (hc_metrics.h). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "hc_int.h"
#include "hc_metrics.h"
#include "metrics.h"
#include "metrics_modules.h"

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

/* ---- exposition ---- */

struct rs_labels {
	char vs[128], rs[80], idx[24];
	const char *l[9]; /* vs, rs [, checker, type] */
};

static void rs_labels(struct rs_labels *x, const struct hc_vs *v, size_t vi, size_t ri,
		      const struct hc_ctx *c)
{
	hc_vs_name(&c->cfg->virtual_servers[vi], x->vs, sizeof(x->vs));
	hd_endpoint_str(&v->rs[ri].rsc->ep, x->rs, sizeof(x->rs));
	const char *l[] = {"vs", x->vs, "rs", x->rs, NULL};
	memcpy(x->l, l, sizeof(l));
}

static void checker_labels(struct rs_labels *x, const struct hc_probe *p, size_t k)
{
	snprintf(x->idx, sizeof(x->idx), "%zu", k);
	x->l[4] = "checker";
	x->l[5] = x->idx;
	x->l[6] = "type";
	x->l[7] = hd_check_type_str(p->k->type);
	x->l[8] = NULL;
}

enum rs_metric { M_UP, M_WEIGHT, M_DRAINED, M_CK_UP, M_CK_RUNS, M_CK_FAILED, M_CK_LAT, M__N };

static const struct {
	const char *name, *type, *help;
} fam[M__N] = {
    [M_UP] = {"hadirector_real_server_up", "gauge", "1 when the real server is in service."},
    [M_WEIGHT] = {"hadirector_real_server_weight", "gauge",
		  "Weight IPVS gets for the real server when up."},
    [M_DRAINED] = {"hadirector_real_server_drained", "gauge", "1 when drained by the operator."},
    [M_CK_UP] = {"hadirector_check_up", "gauge", "1 when the checker's verdict is up."},
    [M_CK_RUNS] = {"hadirector_checks_total", "counter", "Checks run."},
    [M_CK_FAILED] = {"hadirector_checks_failed_total", "counter", "Checks that failed."},
    [M_CK_LAT] = {"hadirector_check_duration_seconds", "histogram",
		  "Duration of checks, from start to verdict."},
};

static void hist_write(FILE *out, const struct hc_lat_hist *h, struct rs_labels *x)
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

static void checker_write(FILE *out, enum rs_metric m, const struct hc_probe *p,
			  struct rs_labels *x)
{
	switch (m) {
	case M_CK_UP:
		hd_metric_sample(out, fam[m].name, x->l, p->st.up);
		break;
	case M_CK_RUNS:
		hd_metric_sample(out, fam[m].name, x->l, (double)p->st.runs);
		break;
	case M_CK_FAILED:
		hd_metric_sample(out, fam[m].name, x->l, (double)p->st.failures);
		break;
	default:
		hist_write(out, &p->lat, x);
	}
}

static void rs_write(FILE *out, enum rs_metric m, const struct hc_rs *rs, struct rs_labels *x)
{
	if (m == M_UP || m == M_WEIGHT || m == M_DRAINED) {
		double v = m == M_UP ? rs->up : m == M_WEIGHT ? rs->weight : rs->drained;
		hd_metric_sample(out, fam[m].name, x->l, v);
		return;
	}
	for (size_t k = 0; k < rs->n_probes; k++) {
		checker_labels(x, rs->probes[k], k);
		checker_write(out, m, rs->probes[k], x);
	}
}

static void vs_metrics(struct hd_daemon *d, FILE *out)
{
	const struct hc_ctx *c = d->hc;

	hd_metric_family(out, "hadirector_virtual_server_real_servers_up", "gauge",
			 "Real servers in service.");
	for (size_t v = 0; c && v < c->n_vs; v++) {
		char name[128];
		unsigned up = 0;

		for (size_t r = 0; r < c->vs[v].n_rs; r++)
			up += c->vs[v].rs[r].up;
		hc_vs_name(&c->cfg->virtual_servers[v], name, sizeof(name));
		hd_metric_sample(out, "hadirector_virtual_server_real_servers_up",
				 (const char *[]){"vs", name, NULL}, up);
	}
	hd_metric_family(out, "hadirector_virtual_server_quorum_lost", "gauge",
			 "1 while the virtual server is below quorum.");
	for (size_t v = 0; c && v < c->n_vs; v++) {
		char name[128];

		hc_vs_name(&c->cfg->virtual_servers[v], name, sizeof(name));
		hd_metric_sample(out, "hadirector_virtual_server_quorum_lost",
				 (const char *[]){"vs", name, NULL}, c->vs[v].quorum_lost);
	}
}

void hc_metrics(struct hd_daemon *d, FILE *out)
{
	const struct hc_ctx *c = d->hc;

	vs_metrics(d, out);
	for (int m = 0; m < M__N; m++) {
		hd_metric_family(out, fam[m].name, fam[m].type, fam[m].help);
		for (size_t v = 0; c && v < c->n_vs; v++)
			for (size_t r = 0; r < c->vs[v].n_rs; r++) {
				struct rs_labels x;

				rs_labels(&x, &c->vs[v], v, r, c);
				rs_write(out, (enum rs_metric)m, &c->vs[v].rs[r], &x);
			}
	}
}
