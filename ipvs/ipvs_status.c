/* The IPVS module's status (hadirectorctl status), its SIGUSR1 dump, the
 * read-only view for metrics and SNMP, and the connection counts a drain
 * waits on. During a pass (ipvs_pass.c) "desired" is what the pass
 * writes towards and "programmed" the table as last read; "pass" says how
 * far it is, and "pending_ops" counts the writes not yet taken. */
#include <arpa/inet.h>
#include <assert.h>
#include <errno.h>
#include <string.h>

#include "ipvs.h"
#include "ipvs_ctx.h"
#include "ipvs_genl.h"
#include "ipvs_json.h"
#include "ipvs_view.h"
#include "json.h"

static void retries_json(FILE *out, const struct ipvs_ctx *c, uint64_t now)
{
	fputc('[', out);
	for (size_t i = 0; i < c->retries.n; i++) {
		const struct ipvs_retry *rt = &c->retries.v[i];
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
			rt->next_usec > now ? (double)(rt->next_usec - now) / 1e6 : 0.0);
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

static void sync_json(FILE *out, const struct ipvs_ctx *c)
{
	const struct hd_lvs_sync_config *ls = &c->d->config->lvs_sync;
	fprintf(out, "{\"configured\":%s", ls->enabled ? "true" : "false");
	if (ls->enabled) {
		fprintf(out, ",\"mode\":\"%s\",\"interface\":",
			ls->mode == HD_LVS_SYNC_BOTH ? "both" : "vrrp");
		hd_json_str(out, ls->interface);
		fprintf(out, ",\"syncid\":%u", ls->syncid);
		sync_params_json(out, ls);
	}
	fprintf(out,
		",\"want\":\"%s\",\"running\":\"%s\",\"error\":", ipvs_sync_state_str(c->sync_want),
		ipvs_sync_state_str(c->sync_have));
	hd_json_str(out, c->sync_err ? strerror(-c->sync_err) : NULL);
	fputc('}', out);
}

/* The pass under way, if any, and how the last one went: "slices" loop
 * iterations it took, the longest of them ("longest_slice_usec"). */
const char *ipvs_pass_phase_str(enum ipvs_pass_phase ph)
{
	static const char *const phases[] = {[IPVS_PASS_IDLE] = "idle",
					     [IPVS_PASS_BUILD] = "build",
					     [IPVS_PASS_DIFF] = "diff",
					     [IPVS_PASS_WRITE] = "write",
					     [IPVS_PASS_REREAD] = "reread"};
	assert((size_t)ph < sizeof(phases) / sizeof(phases[0]));
	return phases[ph];
}

static void pass_json(FILE *out, const struct ipvs_ctx *c)
{
	const struct ipvs_pass *p = &c->pass;

	fprintf(out, "{\"phase\":\"%s\"", ipvs_pass_phase_str(p->phase));
	if (p->phase != IPVS_PASS_IDLE)
		fprintf(out,
			",\"ops\":%zu,\"tried\":%zu,\"taken\":%zu,\"touched\":%zu,\"reread\":%zu,"
			"\"slices\":%u",
			p->ops.n, p->next, p->done, p->touched.n, p->reread, p->slices);
	fprintf(out, ",\"last\":{\"slices\":%u,\"longest_slice_usec\":%llu}}", c->last_pass_slices,
		(unsigned long long)c->last_pass_longest_slice_usec);
}

void ipvs_status_json(struct hd_daemon *d, FILE *out)
{
	const struct ipvs_ctx *c = d->ipvs;
	if (!c) {
		fputs("null", out);
		return;
	}
	uint64_t now = hd_now_usec();
	fprintf(out,
		"{\"available\":%s,\"netlink_writes\":%llu,\"reconciles\":%llu,\"dumps\":%llu,"
		"\"errors\":%llu,\"errors_not_logged\":%u,\"parse_errors\":%llu,\"pending_ops\":%"
		"zu,\"slow_timer_sec\":%llu,"
		"\"on_stop\":\"%s\",\"last_pass_usec\":%llu,\"last_write_pass\":{\"usec\":%llu,"
		"\"writes\":%llu,\"slices\":%u,\"longest_slice_usec\":%llu},\"last_pass_build_"
		"usec\":%llu,\"last_error\":",
		c->nl ? "true" : "false", (unsigned long long)ipvs_total_writes(c),
		(unsigned long long)c->reconciles, (unsigned long long)c->dumps,
		(unsigned long long)c->errors, c->log_rl.suppressed,
		(unsigned long long)ipvs_parse_errors(c), ipvs_pending(c),
		IPVS_SLOW_PERIOD_USEC / 1000000ULL,
		d->config->global.ipvs_keep_on_stop ? "keep" : "remove",
		(unsigned long long)c->last_pass_usec, (unsigned long long)c->last_write_pass_usec,
		(unsigned long long)c->last_write_pass_writes, c->last_write_pass_slices,
		(unsigned long long)c->last_write_pass_longest_slice_usec,
		(unsigned long long)c->last_pass_build_usec);
	hd_json_str(out, c->last_error[0] ? c->last_error : NULL);
	fputs(",\"pass\":", out);
	pass_json(out, c);
	fputs(",\"retries\":", out);
	retries_json(out, c, now);
	fputs(",\"sysctls\":", out);
	sysctl_json(out, &c->sysctl);
	fputs(",\"sync_daemon\":", out);
	sync_json(out, c);
	fputs(",\"desired\":", out);
	ipvs_table_json(out, &c->desired, false);
	fputs(",\"programmed\":", out);
	ipvs_table_json(out, &c->observed, true);
	fputc('}', out);
}

void ipvs_dump(struct hd_daemon *d)
{
	const struct ipvs_ctx *c = d->ipvs;
	if (!c)
		return;
	hd_notice("ipvs: %zu desired / %zu programmed services, %llu writes, %llu errors, %zu "
		  "pending",
		  c->desired.n, c->observed.n, (unsigned long long)ipvs_total_writes(c),
		  (unsigned long long)c->errors, ipvs_pending(c));
	for (size_t i = 0; i < c->observed.n; i++) {
		const struct ipvs_service *s = &c->observed.svcs[i];
		char k[96], dst[64];
		hd_notice("ipvs: %s %s%s", ipvs_svc_key_str(&s->key, k, sizeof(k)), s->sched,
			  ipvs_keyset_has(&c->owned, &s->key) ? "" : " (not ours)");
		for (size_t j = 0; j < s->n_dests; j++)
			hd_notice("ipvs:   -> %s %s weight %d active %u inactive %u",
				  ipvs_dest_str(&s->dests[j], dst, sizeof(dst)),
				  ipvs_fwd_str(s->dests[j].fwd), s->dests[j].weight,
				  s->dests[j].activeconns, s->dests[j].inactconns);
	}
}

/* One netlink request for the services VS maps to (a group: each member),
 * not the cache: a drain's wait polls it (daemon/ops_wait.c). */
int ipvs_rs_connections(struct hd_daemon *d, size_t vs, const struct hd_endpoint *rs,
			uint64_t *active, uint64_t *inactive)
{
	struct ipvs_ctx *c = d->ipvs;
	struct ipvs_keyset keys = {0};
	struct ipvs_table fresh;
	union ipvs_addr a = {0};
	int found = 0, r = 0;

	*active = *inactive = 0;
	if (!c || !c->nl)
		return -ENODEV;
	if (rs->addr.family == AF_INET6)
		a.v6 = rs->addr.u.v6;
	else
		a.v4 = rs->addr.u.v4;
	for (size_t i = 0; i < c->desired.n && r == 0; i++)
		if (c->desired.svcs[i].vs_index == vs)
			r = ipvs_keyset_add(&keys, &c->desired.svcs[i].key);
	ipvs_table_init(&fresh);
	if (r == 0 && keys.n)
		r = ipvs_nl_dump_keys(c->nl, &keys, &fresh);
	ipvs_keyset_free(&keys);
	if (r < 0) {
		ipvs_table_free(&fresh);
		return r;
	}
	for (size_t i = 0; i < fresh.n; i++)
		for (size_t j = 0; j < fresh.svcs[i].n_dests; j++) {
			const struct ipvs_dest *x = &fresh.svcs[i].dests[j];
			if (x->port != rs->port || memcmp(&x->addr, &a, sizeof(a)))
				continue;
			*active += x->activeconns;
			*inactive += x->inactconns;
			found++;
		}
	ipvs_table_free(&fresh);
	return found;
}

/* Read-only view for metrics and SNMP (ipvs_view.h). */
bool ipvs_get_view(struct hd_daemon *d, struct ipvs_view *out)
{
	const struct ipvs_ctx *c = d->ipvs;
	if (!c)
		return false;
	*out = (struct ipvs_view){.available = c->nl != NULL,
				  .desired = &c->desired,
				  .observed = &c->observed,
				  .writes = ipvs_total_writes(c),
				  .reconciles = c->reconciles,
				  .dumps = c->dumps,
				  .errors = c->errors,
				  .parse_errors = ipvs_parse_errors(c),
				  .pending_ops = ipvs_pending(c)};
	return true;
}
