/* Probe scheduling and verdict propagation: one CLOCK_MONOTONIC timer per
 * shared probe, results fed to the pure policy, real server verdicts
 * re-evaluated, logged, notified and handed to the reconcile pass. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hc_int.h"
#include "log.h"

#define HC_NOTIFY_TIMEOUT_USEC (30ULL * 1000000)

static int probe_start(struct hc_probe *p)
{
	switch (p->k->type) {
	case HD_CHECK_TCP:
		return hc_tcp_start(p);
	case HD_CHECK_HTTP:
	case HD_CHECK_HTTPS:
		return hc_http_start(p);
	case HD_CHECK_MISC:
		return hc_script_start(p);
	case HD_CHECK_UDP:
		return hc_udp_start(p);
	case HD_CHECK_SMTP:
		return hc_smtp_start(p);
	case HD_CHECK_DNS:
		return hc_dns_start(p);
	default:
		return -EOPNOTSUPP;
	}
}

void hc_probe_cancel(struct hc_probe *p)
{
	if (p->io) {
		switch (p->k->type) {
		case HD_CHECK_TCP:
			hc_tcp_cancel(p);
			break;
		case HD_CHECK_MISC:
			hc_script_cancel(p);
			break;
		case HD_CHECK_UDP:
			hc_udp_cancel(p);
			break;
		case HD_CHECK_SMTP:
			hc_smtp_cancel(p);
			break;
		case HD_CHECK_DNS:
			hc_dns_cancel(p);
			break;
		default:
			hc_http_cancel(p);
		}
	}
	p->running = false;
}

static int probe_timer_cb(sd_event_source *s, uint64_t usec, void *userdata)
{
	struct hc_probe *p = userdata;
	int r;

	if (p->running)
		return 0;
	p->running = true;
	p->started_usec = hd_now_usec();
	r = probe_start(p);
	if (r < 0) {
		struct hc_result res = {HC_O_INTERNAL, -r, -1};
		hd_warn("health check %s: cannot start: %s", p->key, strerror(-r));
		hc_probe_done(p, &res);
	}
	return 0;
}

int hc_sched_arm(struct hc_probe *p, uint64_t delay_usec)
{
	/* Coalesce wakeups a little: precision far below the check period
	 * buys nothing and costs CPU at thousands of probes. */
	uint64_t acc = p->pol.delay_loop_usec / 100;
	int r;

	if (acc > 50000)
		acc = 50000;
	if (acc < 1000)
		acc = 1000;
	if (!p->timer) {
		r = sd_event_add_time(p->ctx->d->event, &p->timer, CLOCK_MONOTONIC,
				      hd_now_usec() + delay_usec, acc, probe_timer_cb, p);
		if (r < 0)
			return r;
		return sd_event_source_set_priority(p->timer, HD_PRIO_HC);
	}
	r = sd_event_source_set_time(p->timer, hd_now_usec() + delay_usec);
	if (r >= 0)
		r = sd_event_source_set_enabled(p->timer, SD_EVENT_ONESHOT);
	return r;
}

void hc_vs_name(const struct hd_virtual_server_config *v, char *buf, size_t len)
{
	char ep[80];

	if (v->is_fwmark) {
		snprintf(buf, len, "fwmark:%u", v->fwmark);
		return;
	}
	hd_endpoint_str(&v->ep, ep, sizeof(ep));
	if (v->protocol == HD_PROTO_TCP)
		snprintf(buf, len, "%s", ep);
	else
		snprintf(buf, len, "%s/%s", hd_proto_str(v->protocol), ep);
}

static void run_notify(struct hc_ctx *c, const char *cmd)
{
	uint64_t t = c->cfg->global.script_timeout_usec;

	if (!cmd || !cmd[0])
		return;
	if (!hc_child_spawn(c, cmd, t ? t : HC_NOTIFY_TIMEOUT_USEC, NULL, NULL))
		hd_warn("cannot run notify script %s", cmd);
}

/* The result text explaining the current state: the first failing
 * checker's outcome, else the first checker's. */
const struct hc_result *hc_rs_reason(const struct hc_rs *rs)
{
	static const struct hc_result none = {HC_O_NONE, 0, -1};

	for (size_t i = 0; i < rs->n_probes; i++)
		if (!rs->probes[i]->st.up)
			return &rs->probes[i]->st.last;
	return rs->n_probes ? &rs->probes[0]->st.last : &none;
}

static void log_change(const struct hc_rs *rs, bool old, const struct hc_result *why)
{
	char vs[128], ep[80], reason[96], f[4][160];
	const char *fields[6];

	hc_vs_name(rs->vsc, vs, sizeof(vs));
	hd_endpoint_str(&rs->rsc->ep, ep, sizeof(ep));
	hc_outcome_text(why->outcome, why->detail, reason, sizeof(reason));
	snprintf(f[0], sizeof(f[0]), "VS=%s", vs);
	snprintf(f[1], sizeof(f[1]), "RS=%s", ep);
	snprintf(f[2], sizeof(f[2]), "OLD_STATE=%s", old ? "up" : "down");
	snprintf(f[3], sizeof(f[3]), "NEW_STATE=%s", rs->up ? "up" : "down");
	fields[0] = f[0], fields[1] = f[1], fields[2] = f[2], fields[3] = f[3];
	char rf[128];
	snprintf(rf, sizeof(rf), "REASON=%s", reason);
	fields[4] = rf;
	fields[5] = NULL;
	hd_log_fields(LOG_NOTICE, fields, "real server %s of %s: %s -> %s (%s)", ep, vs,
		      old ? "up" : "down", rs->up ? "up" : "down", reason);
}

static void vs_quorum_update(struct hc_ctx *c, struct hc_vs *v)
{
	const struct hd_virtual_server_config *vsc = v->n_rs ? v->rs[0].vsc : NULL;
	uint64_t sum = 0;
	char name[128];

	if (!vsc)
		return;
	for (size_t i = 0; i < v->n_rs; i++)
		if (v->rs[i].up)
			sum += v->rs[i].weight;
	bool lost = hc_quorum_lost(v->quorum_lost, false, sum, vsc->quorum, vsc->hysteresis);
	if (lost == v->quorum_lost)
		return;
	v->quorum_lost = lost;
	hc_vs_name(vsc, name, sizeof(name));
	hd_notice("virtual server %s: quorum %s (weight of live servers %llu, quorum %u, "
		  "hysteresis %u)",
		  name, lost ? "lost" : "regained", (unsigned long long)sum, vsc->quorum,
		  vsc->hysteresis);
	run_notify(c, lost ? vsc->quorum_down : vsc->quorum_up);
}

/* Re-evaluate one real server; returns true when IPVS must hear of it. */
bool hc_rs_update(struct hc_ctx *c, struct hc_rs *rs, bool quiet)
{
	const struct hc_checker *ck[rs->n_probes ? rs->n_probes : 1];
	struct hc_rs_eval ev;
	bool old = rs->up;

	for (size_t i = 0; i < rs->n_probes; i++)
		ck[i] = &rs->probes[i]->st;
	hc_rs_evaluate(ck, rs->n_probes, rs->rsc->weight, rs->drained, rs->override, &ev);
	if (ev.up == rs->up && ev.weight == rs->weight)
		return false;
	rs->up = ev.up;
	rs->weight = ev.weight;
	if (old != ev.up) {
		rs->last_change_usec = hd_now_usec();
		rs->reason = *hc_rs_reason(rs);
		if (!quiet) {
			log_change(rs, old, &rs->reason);
			run_notify(c, ev.up ? rs->rsc->notify_up : rs->rsc->notify_down);
		}
	}
	return true;
}

void hc_probe_done(struct hc_probe *p, const struct hc_result *r)
{
	struct hc_ctx *c = p->ctx;
	uint64_t now = hd_now_usec();
	int old_dyn = p->st.dyn_weight;
	bool dirty = false;

	p->running = false;
	p->last_duration_usec = now - p->started_usec;
	bool changed = hc_checker_feed(&p->st, &p->pol, r, now);
	if (changed || p->st.dyn_weight != old_dyn) {
		/* Rare (a state change): a scan of all real servers is fine. */
		for (size_t v = 0; v < c->n_vs; v++) {
			bool vs_dirty = false;
			for (size_t i = 0; i < c->vs[v].n_rs; i++) {
				struct hc_rs *rs = &c->vs[v].rs[i];
				for (size_t k = 0; k < rs->n_probes; k++)
					if (rs->probes[k] == p && hc_rs_update(c, rs, false))
						vs_dirty = true;
			}
			if (vs_dirty)
				vs_quorum_update(c, &c->vs[v]);
			dirty |= vs_dirty;
		}
	}
	if (dirty)
		hd_mark_dirty(c->d);
	if (!c->d->stopping && hc_sched_arm(p, hc_checker_next_delay(&p->st, &p->pol)) < 0)
		hd_err("health check %s: cannot arm its timer", p->key);
}
