/* The health checker's view (hc_view.h): filled from the module's state,
 * the only reader of hc_int.h outside the module's own I/O. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hc_int.h"
#include "hc_view.h"

uint64_t hc_view_verdict_changes(struct hd_daemon *d)
{
	return d->hc ? d->hc->verdict_changes : 0;
}

uint64_t hc_view_guard_changes(struct hd_daemon *d)
{
	return d->hc ? d->hc->guard_changes : 0;
}

static void check_fill(struct hc_check_view *k, const struct hc_probe *p)
{
	struct hc_fwd_counts fw;

	hc_fwd_counts(p, &fw);
	*k = (struct hc_check_view){
	    .type = hd_check_type_str(p->k->type),
	    .target = p->target,
	    .up = p->st.up,
	    .running = p->running,
	    .last = p->st.last,
	    .ok_run = p->st.ok_run,
	    .fail_run = p->st.fail_run,
	    .retry_it = p->st.retry_it,
	    .rise = p->pol.rise ? p->pol.rise : 1,
	    .fall = p->pol.fall ? p->pol.fall : 1,
	    .retry = p->pol.retry,
	    .shared_by = p->users,
	    .dyn_weight = p->st.dyn_weight,
	    .agent = p->st.agent,
	    .delay_loop_usec = p->pol.delay_loop_usec,
	    .last_duration_usec = p->last_duration_usec,
	    .last_change_usec = p->st.last_change_usec,
	    .lat = p->lat,
	    .runs = p->st.runs,
	    .failures = p->st.failures,
	    .retries = p->st.retries,
	    .connections = p->connections,
	    .agent_lines = p->st.agent_lines,
	    .agent_garbage = p->st.agent_garbage,
	    .fwd_probes = fw.probes,
	    .fwd_vip_not_accepted = fw.vip_not_accepted,
	    .fwd_arp_answered = fw.arp_answered,
	    .fwd_stray = fw.stray,
	};
}

static void rs_fill(struct hc_rs_view *r, const struct hc_rs *rs, struct hc_check_view *checks)
{
	*r = (struct hc_rs_view){
	    .key = rs,
	    .ep = rs->rsc->ep,
	    .up = rs->up,
	    .drained = rs->drained,
	    .check_up = rs->sh.ej.check_up,
	    .held = rs->sh.ej.held,
	    .agent_drained = rs->sh.agent_drained,
	    .ramping = rs->sh.ramp_start != 0,
	    .target_weight = rs->sh.target,
	    .slow_start_writes = rs->sh.ramp_writes,
	    .weight = rs->weight,
	    .configured_weight = rs->rsc->weight,
	    .operator_weight = rs->override,
	    .why = *hc_rs_reason(rs),
	    .reason = rs->reason,
	    .last_change_usec = rs->last_change_usec,
	    .checks = checks,
	    .n_checks = rs->n_probes,
	};
	for (size_t k = 0; k < rs->n_probes; k++) {
		check_fill(&checks[k], rs->probes[k]);
		r->checks_run += checks[k].runs;
		r->checks_failed += checks[k].failures;
	}
}

static void vs_fill(struct hc_vs_view *v, const struct hd_virtual_server_config *vsc,
		    const struct hc_vs *vs)
{
	v->cfg = vsc;
	hc_vs_name(vsc, v->name, sizeof(v->name));
	v->protocol = vsc->protocol;
	v->is_fwmark = vsc->is_fwmark;
	v->fwmark = vsc->fwmark;
	v->quorum = vsc->quorum;
	v->hysteresis = vsc->hysteresis;
	v->quorum_lost = vs->quorum_lost;
	v->max_ejection = vsc->max_ejection_pct;
	v->guard_engaged = vs->guard.engaged;
	v->guard_engagements = vs->guard.engagements;
	v->guard_expiries = vs->guard.expiries;
	v->n_rs = vs->n_rs;
	for (size_t r = 0; r < vs->n_rs; r++) {
		v->real_servers_up += vs->rs[r].up;
		v->real_servers_held += vs->rs[r].sh.ej.held;
	}
}

/* Monotonic timestamps are shown as wall-clock seconds since the epoch. */
static double wall_offset(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9 - (double)hd_now_usec() / 1e6;
}

struct hc_view *hc_view_new(struct hd_daemon *d)
{
	const struct hc_ctx *c = d->hc;
	size_t n_vs = c ? c->n_vs : 0, n_rs = 0, n_ck = 0;
	struct hc_view *v;
	struct hc_rs_view *rs;
	struct hc_check_view *ck;

	for (size_t i = 0; i < n_vs; i++) {
		n_rs += c->vs[i].n_rs;
		for (size_t r = 0; r < c->vs[i].n_rs; r++)
			n_ck += c->vs[i].rs[r].n_probes;
	}
	/* One block: the view, then every VS, RS and checker view. */
	v = calloc(1, sizeof(*v) + n_vs * sizeof(*v->vs) + n_rs * sizeof(*rs) + n_ck * sizeof(*ck));
	if (!v)
		return NULL;
	v->vs = (struct hc_vs_view *)(v + 1);
	rs = (struct hc_rs_view *)(v->vs + n_vs);
	ck = (struct hc_check_view *)(rs + n_rs);
	v->n_vs = n_vs;
	v->verdict_changes = c ? c->verdict_changes : 0;
	v->guard_changes = c ? c->guard_changes : 0;
	v->wall_offset = wall_offset();
	for (size_t i = 0; i < n_vs; i++) {
		vs_fill(&v->vs[i], &c->cfg->virtual_servers[i], &c->vs[i]);
		v->vs[i].rs = rs;
		for (size_t r = 0; r < c->vs[i].n_rs; r++) {
			rs_fill(rs, &c->vs[i].rs[r], ck);
			ck += rs->n_checks;
			rs++;
		}
	}
	return v;
}
