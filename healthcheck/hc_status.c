/* hc_status_json: the healthcheck part of `hadirectorctl status --json`. */
#include "config.h"

#include <stdio.h>
#include <time.h>

#include "hc_int.h"
#include "json.h"

/* Monotonic timestamps shown as wall-clock seconds since the epoch. */
static double wall(uint64_t mono)
{
	struct timespec ts;
	double now_real, now_mono = (double)hd_now_usec() / 1e6;

	clock_gettime(CLOCK_REALTIME, &ts);
	now_real = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
	return now_real - (now_mono - (double)mono / 1e6);
}

static void outcome_json(FILE *out, const struct hc_result *r)
{
	char text[96];

	fputs("\"last_outcome\":", out);
	hd_json_str(out, hc_outcome_text(r->outcome, r->detail, text, sizeof(text)));
	fputs(",\"outcome\":", out);
	hd_json_str(out, hc_outcome_name(r->outcome));
}

static void probe_json(FILE *out, const struct hc_probe *p)
{
	char ep[80];

	fputs("{\"type\":", out);
	hd_json_str(out, hd_check_type_str(p->k->type));
	fputs(",\"target\":", out);
	hd_json_str(out, hd_endpoint_str(&p->target, ep, sizeof(ep)));
	fprintf(out, ",\"state\":\"%s\",", p->st.up ? "up" : "down");
	outcome_json(out, &p->st.last);
	fprintf(out,
		",\"runs\":%llu,\"failures\":%llu,\"retries\":%llu,\"ok_run\":%u,\"fail_run\":%u,"
		"\"retry_it\":%u,\"rise\":%u,\"fall\":%u,\"retry\":%u,\"delay_loop_sec\":%.3f,"
		"\"last_duration_ms\":%.3f,\"running\":%s,"
		"\"shared_by\":%u,\"dynamic_weight\":%d,\"last_change\":%.3f",
		(unsigned long long)p->st.runs, (unsigned long long)p->st.failures,
		(unsigned long long)p->st.retries, p->st.ok_run, p->st.fail_run, p->st.retry_it,
		p->pol.rise ? p->pol.rise : 1, p->pol.fall ? p->pol.fall : 1, p->pol.retry,
		(double)p->pol.delay_loop_usec / 1e6, (double)p->last_duration_usec / 1e3,
		p->running ? "true" : "false", p->users, p->st.dyn_weight,
		wall(p->st.last_change_usec));
	if (p->k->type == HD_CHECK_HTTP || p->k->type == HD_CHECK_HTTPS)
		fprintf(out, ",\"connections\":%llu", (unsigned long long)p->connections);
	fputc('}', out);
}

static void rs_json(FILE *out, const struct hc_rs *rs)
{
	char ep[80];
	uint64_t runs = 0, failed = 0;

	for (size_t i = 0; i < rs->n_probes; i++) {
		runs += rs->probes[i]->st.runs;
		failed += rs->probes[i]->st.failures;
	}
	fputs("{\"rs\":", out);
	hd_json_str(out, hd_endpoint_str(&rs->rsc->ep, ep, sizeof(ep)));
	fprintf(out, ",\"state\":\"%s\",\"weight\":%u,\"configured_weight\":%u,\"drained\":%s,",
		rs->up ? "up" : "down", rs->weight, rs->rsc->weight,
		rs->drained ? "true" : "false");
	if (rs->override >= 0)
		fprintf(out, "\"operator_weight\":%d,", rs->override);
	outcome_json(out, hc_rs_reason(rs));
	fputs(",\"change_reason\":", out);
	char text[96];
	hd_json_str(out,
		    hc_outcome_text(rs->reason.outcome, rs->reason.detail, text, sizeof(text)));
	fprintf(out,
		",\"last_change\":%.3f,\"checks_run\":%llu,\"checks_failed\":%llu,\"checkers\":[",
		wall(rs->last_change_usec), (unsigned long long)runs, (unsigned long long)failed);
	for (size_t i = 0; i < rs->n_probes; i++) {
		if (i)
			fputc(',', out);
		probe_json(out, rs->probes[i]);
	}
	fputs("]}", out);
}

void hc_status_write(struct hc_ctx *c, FILE *out)
{
	fputc('[', out);
	for (size_t v = 0; v < c->n_vs; v++) {
		const struct hd_virtual_server_config *vsc = &c->cfg->virtual_servers[v];
		char name[128];
		unsigned up = 0;

		for (size_t r = 0; r < c->vs[v].n_rs; r++)
			up += c->vs[v].rs[r].up;
		hc_vs_name(vsc, name, sizeof(name));
		fputs(v ? ",{\"vs\":" : "{\"vs\":", out);
		hd_json_str(out, name);
		fputs(",\"protocol\":", out);
		hd_json_str(out, hd_proto_str(vsc->protocol));
		fprintf(out,
			",\"real_servers_up\":%u,\"quorum\":%u,\"hysteresis\":%u,"
			"\"quorum_lost\":%s,\"real_servers\":[",
			up, vsc->quorum, vsc->hysteresis, c->vs[v].quorum_lost ? "true" : "false");
		for (size_t r = 0; r < c->vs[v].n_rs; r++) {
			if (r)
				fputc(',', out);
			rs_json(out, &c->vs[v].rs[r]);
		}
		fputs("]}", out);
	}
	fputc(']', out);
}
