/* The IPVS module's read-only view (ipvs_view.h) and the outputs rendered
 * from it: status (hadirectorctl status), the SIGUSR1 dump, the metrics;
 * and the connection counts a drain waits on. During a pass (ipvs_pass.c)
 * "desired" is what the pass writes towards and "programmed" the table as
 * last read; "pass" says how far it is, and "pending_ops" counts the
 * writes not yet taken. */
#include <arpa/inet.h>
#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ipvs.h"
#include "ipvs_ctx.h"
#include "ipvs_genl.h"
#include "ipvs_view.h"
#include "log.h"

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

void ipvs_status_json(struct hd_daemon *d, FILE *out)
{
	struct ipvs_view v;

	if (!ipvs_get_view(d, &v)) {
		fputs("null", out);
		return;
	}
	ipvs_view_json(out, &v);
}

void ipvs_dump(struct hd_daemon *d)
{
	struct ipvs_view v;
	char *buf = NULL, *line, *save = NULL;
	size_t len = 0;
	FILE *mem;

	if (!ipvs_get_view(d, &v) || !(mem = open_memstream(&buf, &len)))
		return;
	ipvs_view_text(mem, &v);
	fclose(mem);
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		hd_notice("%s", line);
	free(buf);
}

void ipvs_metrics(struct hd_daemon *d, FILE *out)
{
	struct ipvs_view v;

	ipvs_view_metrics(out, ipvs_get_view(d, &v) ? &v : NULL);
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

static void pass_view(const struct ipvs_pass *p, struct ipvs_pass_view *out)
{
	*out = (struct ipvs_pass_view){.phase = ipvs_pass_phase_str(p->phase),
				       .running = p->phase != IPVS_PASS_IDLE,
				       .ops = p->ops.n,
				       .tried = p->next,
				       .taken = p->done,
				       .touched = p->touched.n,
				       .reread = p->reread,
				       .slices = p->slices};
}

/* The read-only view every output renders (ipvs_view.h). */
bool ipvs_get_view(struct hd_daemon *d, struct ipvs_view *out)
{
	const struct ipvs_ctx *c = d->ipvs;
	if (!c)
		return false;
	*out = (struct ipvs_view){
	    .available = c->nl != NULL,
	    .desired = &c->desired,
	    .observed = &c->observed,
	    .owned = &c->owned,
	    .writes = ipvs_total_writes(c),
	    .reconciles = c->reconciles,
	    .dumps = c->dumps,
	    .errors = c->errors,
	    .errors_not_logged = c->log_rl.suppressed,
	    .parse_errors = ipvs_parse_errors(c),
	    .pending_ops = ipvs_pending(c),
	    .readd_holds = c->nodest.holds,
	    .readd_hold_errors = c->nodest.errors,
	    .now_usec = hd_now_usec(),
	    .slow_timer_sec = IPVS_SLOW_PERIOD_USEC / 1000000ULL,
	    .keep_on_stop = d->config->global.ipvs_keep_on_stop,
	    .last_pass = {c->last_pass_usec, 0, c->last_pass_slices,
			  c->last_pass_longest_slice_usec},
	    .last_write_pass = {c->last_write_pass_usec, c->last_write_pass_writes,
				c->last_write_pass_slices, c->last_write_pass_longest_slice_usec},
	    .last_pass_build_usec = c->last_pass_build_usec,
	    .last_error = c->last_error[0] ? c->last_error : NULL,
	    .retries = c->retries.v,
	    .n_retries = c->retries.n,
	    .sysctl = &c->sysctl,
	    .sync = &d->config->lvs_sync,
	    .sync_want = ipvs_sync_state_str(c->sync_want),
	    .sync_running = ipvs_sync_state_str(c->sync_have),
	    .sync_err = c->sync_err};
	pass_view(&c->pass, &out->pass);
	return true;
}
