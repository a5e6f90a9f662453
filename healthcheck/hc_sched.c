/* Probe scheduling and verdict propagation: every shared probe's next
 * start or deadline in one heap (hc_timerq.c) under one CLOCK_MONOTONIC
 * sd-event timer, results fed to the pure policy, real server verdicts
 * re-evaluated, logged, notified and handed to the reconcile pass. */
#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alert_hook.h"
#include "hc_int.h"
#include "log.h"

#define HC_NOTIFY_TIMEOUT_USEC (30ULL * 1000000)

static const struct hc_ops *probe_ops(const struct hc_probe *p)
{
	switch (p->k->type) {
	case HD_CHECK_TCP:
		return &hc_tcp_ops;
	case HD_CHECK_HTTP:
	case HD_CHECK_HTTPS:
		return &hc_http_ops;
	case HD_CHECK_MISC:
		return &hc_script_ops;
	case HD_CHECK_UDP:
		return &hc_udp_ops;
	case HD_CHECK_SMTP:
		return &hc_smtp_ops;
	case HD_CHECK_DNS:
		return &hc_dns_ops;
	case HD_CHECK_PING:
		return &hc_ping_ops;
	case HD_CHECK_AGENT:
		return &hc_agent_ops;
	default:
		return NULL;
	}
}

void hc_probe_cancel(struct hc_probe *p)
{
	const struct hc_ops *o = probe_ops(p);

	if (p->io && o)
		o->cancel(p);
	hd_loop_forget(p->ctx->d, &p->lio); /* whatever it left: P may go */
	hc_fwd_cancel(p);
	p->running = false;
}

/* Coalesce wakeups: checks due within one slack of the first due start in
 * one loop iteration, at the end of that window, so a batch shares one
 * wakeup and one scheduler round. The slack: 1/40 of delay_loop and 1/8 of
 * the timeout the schedule also keeps, at most 250 ms, at least 1 ms. */
static uint64_t probe_slack(const struct hc_probe *p)
{
	uint64_t acc = p->pol.delay_loop_usec / 40;

	if (acc > p->timeout_usec / 8)
		acc = p->timeout_usec / 8;
	if (acc > 250000)
		acc = 250000;
	return acc < 1000 ? 1000 : acc;
}

/* The heap is ordered by the latest time each entry may be served: its
 * time plus its slack. The timer wakes within the first entry's window,
 * every other window ends later, so with any mix of slacks no entry is
 * served later than its own slack allows. */
static int sched_at(struct hc_probe *p, uint64_t when)
{
	return hc_tq_set(&p->ctx->tq, &p->tn, when + probe_slack(p));
}

static struct hc_probe *node_probe(struct hc_tq_node *n)
{
	return (struct hc_probe *)((char *)n - offsetof(struct hc_probe, tn));
}

/* When the entry N is due (the earliest it may be served). */
static uint64_t node_due(struct hc_tq_node *n)
{
	return n->when - probe_slack(node_probe(n));
}

/* One probe's turn: start its check or, while one is in flight, end it at
 * its deadline. The probe has been taken off the schedule; every path puts
 * it back (hc_probe_done re-arms) or leaves it off while something else
 * will (misc_check's own timer, then hc_probe_done). */
static void probe_fire(struct hc_probe *p, uint64_t now, uint64_t due)
{
	const struct hc_ops *o = probe_ops(p);
	int r;

	/* The schedule runs outside sd-event (loop.c): a script's child and
	 * kill timer are sd-event's to arm (the forwarding path touches when
	 * it changes its one sd-event source, hc_fwd.c). */
	if (p->k->type == HD_CHECK_MISC)
		hd_loop_touch(p->ctx->d);
	if (p->running && p->fwd && hc_fwd_deadline(p))
		return; /* the check had ended, the path's probe had not */
	if (p->running && p->io) {
		if (o && o->timeout)
			o->timeout(p);
		return;
	}
	/* What the last check left open (an http response still being read
	 * out) ends before the next check starts, unless start() takes it. */
	if (p->io && o && !o->start_takes_io)
		o->cancel(p);
	p->running = true;
	p->started_usec = now;
	p->due_usec = due;
	hc_fwd_start(p); /* first: the check may end as it starts */
	r = o ? o->start(p) : -EOPNOTSUPP;
	if (r < 0) {
		struct hc_result res = {.outcome = HC_O_INTERNAL, .detail = -r, .dyn_weight = -1};
		hd_warn("health check %s: cannot start: %s", p->key, strerror(-r));
		hc_probe_done(p, &res);
	} else if (p->running && o->timeout &&
		   sched_at(p, p->started_usec + p->timeout_usec + 1) < 0) {
		o->timeout(p); /* no deadline: end it now rather than hang */
	}
}

static void tq_rearm(struct hc_ctx *c);

/* What is due: checks that start and deadlines that pass in the same slot
 * are served together, at most TQ_BATCH per turn, on one clock read
 * (a check's time starts when its batch is served). A slot can hold
 * thousands at tens of thousands of probes; the rest stays due (the timer
 * is left in the past) and is served in the next wakeups, after whatever
 * of sd-event's (VRRP, control) became ready meanwhile (loop.c). */
#define TQ_BATCH 64
static void tq_timer_cb(struct hd_loop_timer *t)
{
	struct hc_ctx *c = (struct hc_ctx *)((char *)t - offsetof(struct hc_ctx, tq_timer));
	uint64_t now = hd_now_usec();
	struct hc_tq_node *f;
	uint64_t due;
	int n = 0;

	c->tq_busy = true;
	c->tq_now = now;
	while (n++ < TQ_BATCH && (f = hc_tq_first(&c->tq)) && (due = node_due(f)) <= now &&
	       !c->d->stopping) {
		hc_tq_del(&c->tq, f);
		probe_fire(node_probe(f), now, due);
	}
	c->tq_busy = false;
	tq_rearm(c);
}

/* Point the timer at the end of the first entry's window: what is due by
 * then is served together. Not at its start with the window as slack: the
 * sockets of the batch just started wake the loop within milliseconds, a
 * timer whose start had passed would fire at each of those wakeups, and
 * every check that fell due meanwhile would start on its own. The timer is
 * the loop's own (loop.c): moving it is a store, where an sd-event timer
 * took a re-sort of its queues, a timerfd re-arm and read and an sd-event
 * iteration per batch. */
static void tq_rearm(struct hc_ctx *c)
{
	struct hc_tq_node *f = hc_tq_first(&c->tq);

	if (!c->tq_busy)
		c->tq_timer.at = f && !c->d->stopping ? f->when : 0;
}

int hc_sched_reserve(struct hc_ctx *c, size_t n)
{
	if (!c->d->loop_timer) {
		c->tq_timer.fn = tq_timer_cb;
		c->d->loop_timer = &c->tq_timer;
	}
	return hc_tq_reserve(&c->tq, c->tq.n + n);
}

/* Put P on the schedule at WHEN and point the timer at the first entry. */
static int sched_arm_at(struct hc_probe *p, uint64_t when)
{
	int r = sched_at(p, when);

	if (r >= 0)
		tq_rearm(p->ctx);
	return r;
}

/* First runs in groups. The slack joins checks due within one window,
 * but the first runs are spread evenly over delay_loop, so below a few
 * hundred probes the next one is due a window or more later and each
 * check had a wakeup of its own: timer, epoll_wait and the server's
 * answer one check at a time (20 real servers at delay_loop 1: 50 ms
 * apart, a slack of 25 ms; 14 system calls a check where 200 servers took
 * 8; tests/bench/README.md, run 12). So a probe's first run is put on a
 * grid whose step makes groups of HC_GROUP probes, never more than a
 * quarter of delay_loop or 250 ms: evenly spread first runs fall due together
 * by groups, and every later run keeps its phase (hc_checker_next_at), so
 * the groups hold. Only the first run moves, by less than one step; the
 * runs after it are as late as the slack allows, as before. No grid where
 * groups of two would not form, nor where the slack already joins more. */
#define HC_GROUP 8
static uint64_t first_run_grid(const struct hc_probe *p)
{
	uint64_t dl = p->pol.delay_loop_usec, n = p->ctx->n_probes, g;

	if (!n)
		return 0;
	g = dl / n * HC_GROUP;
	if (g > dl / 4)
		g = dl / 4;
	if (g > 250000)
		g = 250000;
	return g > probe_slack(p) && n * g / dl >= 2 ? g : 0;
}

int hc_sched_arm(struct hc_probe *p, uint64_t delay_usec)
{
	uint64_t when = hd_now_usec() + delay_usec, g = first_run_grid(p);

	if (g)
		when = (when + g - 1) / g * g;
	return sched_arm_at(p, when);
}

void hc_sched_drop(struct hc_probe *p)
{
	hc_tq_del(&p->ctx->tq, &p->tn);
}

void hc_sched_stop(struct hc_ctx *c)
{
	c->tq_timer.at = 0;
}

static void notify_free(struct hc_ctx *c);

void hc_sched_free(struct hc_ctx *c)
{
	c->tq_timer.at = 0;
	if (c->d->loop_timer == &c->tq_timer)
		c->d->loop_timer = NULL;
	hc_shape_free(c);
	hc_tq_free(&c->tq);
	notify_free(c);
}

void hc_vs_name(const struct hd_virtual_server_config *v, char *buf, size_t len)
{
	char ep[80];

	if (v->group) {
		snprintf(buf, len, "group:%s", v->group);
		return;
	}
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

/* notify_up/down and quorum_up/down, per subject (a real server of a
 * virtual server, a virtual server's quorum): one script runs at a time and
 * only the latest verdict's waits. One still waiting when a newer verdict
 * comes tells a state that is over: dropped, counted and logged. Flapping
 * with a slow script thus runs at most two per subject, the last one for
 * the state the subject ended in; different subjects run side by side. */
struct hc_notify {
	struct hc_notify *next;
	struct hc_ctx *c;
	struct hc_child *run;
	char *pending; /* the command waiting for RUN to end */
	char key[];
};

static void notify_unlink(struct hc_notify *n)
{
	struct hc_notify **pp = &n->c->notify;

	while (*pp != n)
		pp = &(*pp)->next;
	*pp = n->next;
	free(n->pending);
	free(n);
}

static void notify_done(void *ud, const struct hc_result *r);

static bool notify_start(struct hc_notify *n, const char *cmd)
{
	uint64_t t = n->c->cfg->global.script_timeout_usec;

	n->run = hc_child_spawn(n->c, cmd, t ? t : HC_NOTIFY_TIMEOUT_USEC, notify_done, n);
	if (!n->run)
		hd_warn("cannot run notify script %s", cmd);
	return n->run != NULL;
}

static void notify_done(void *ud, const struct hc_result *r)
{
	struct hc_notify *n = ud;
	char *cmd = n->pending;

	n->run = NULL;
	n->pending = NULL;
	if (cmd && notify_start(n, cmd)) {
		free(cmd);
		return;
	}
	free(cmd);
	notify_unlink(n);
}

static void run_notify(struct hc_ctx *c, const char *subject, const char *cmd)
{
	struct hc_notify *n = c->notify;
	size_t len = strlen(subject) + 1;

	if (!cmd || !cmd[0])
		return;
	while (n && strcmp(n->key, subject))
		n = n->next;
	if (n) { /* one runs: this one waits, in place of an older one */
		char *dup = strdup(cmd);

		if (n->pending) {
			c->notify_dropped++;
			hd_warn("notify for %s: %s not run (superseded by a later state)", subject,
				n->pending);
		}
		free(n->pending);
		n->pending = dup;
		return;
	}
	n = calloc(1, sizeof(*n) + len);
	if (!n) {
		hd_warn("cannot run notify script %s", cmd);
		return;
	}
	memcpy(n->key, subject, len);
	n->c = c;
	n->next = c->notify;
	c->notify = n;
	if (!notify_start(n, cmd))
		notify_unlink(n);
}

/* At exit: what runs finishes (its DOWN, say), what waits does not. */
static void notify_free(struct hc_ctx *c)
{
	while (c->notify) {
		hc_child_release(c->notify->run);
		notify_unlink(c->notify);
	}
}

/* The result text explaining the current state: the first failing
 * checker's outcome, else the first checker's. */
const struct hc_result *hc_rs_reason(const struct hc_rs *rs)
{
	static const struct hc_result none = {.outcome = HC_O_NONE, .dyn_weight = -1};

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

void hc_vs_quorum_check(struct hc_ctx *c, struct hc_vs *v)
{
	const struct hd_virtual_server_config *vsc = v->n_rs ? v->rs[0].vsc : NULL;
	uint64_t sum = 0;
	char name[128], subject[160];

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
	snprintf(subject, sizeof(subject), "the quorum of %s", name);
	run_notify(c, subject, lost ? vsc->quorum_down : vsc->quorum_up);
}

void hc_rs_changed(struct hc_ctx *c, struct hc_rs *rs, bool old, bool quiet)
{
	char vs[128], ep[80], subject[224], why[96];

	c->verdict_changes++;
	rs->last_change_usec = hd_now_usec();
	rs->reason = *hc_rs_reason(rs);
	if (quiet)
		return;
	log_change(rs, old, &rs->reason);
	hc_vs_name(rs->vsc, vs, sizeof(vs));
	hd_endpoint_str(&rs->rsc->ep, ep, sizeof(ep));
	snprintf(subject, sizeof(subject), "real server %s of %s", ep, vs);
	run_notify(c, subject, rs->up ? rs->rsc->notify_up : rs->rsc->notify_down);
	hc_outcome_text(rs->reason.outcome, rs->reason.detail, why, sizeof(why));
	hd_alert_real_server(c->d, rs->vsc, rs->rsc, vs, rs->up, why);
}

/* Re-evaluate one real server, then shape it (slow start, the fail-open
 * guard's hold); returns true when IPVS must hear of it. */
static bool rs_reshape(struct hc_ctx *c, struct hc_rs *rs)
{
	size_t n = rs->n_probes ? rs->n_probes : 1;
	const struct hc_checker *ck[n];
	struct hc_agent_bounds b[n];
	struct hc_rs_eval ev;

	/* rs->probes[i] is the check rs->rsc->checks[i] */
	for (size_t i = 0; i < rs->n_probes; i++) {
		ck[i] = &rs->probes[i]->st;
		b[i] = (struct hc_agent_bounds){rs->rsc->checks[i].agent_min_pct,
						rs->rsc->checks[i].agent_max_pct};
	}
	hc_rs_evaluate(ck, b, rs->n_probes, rs->rsc->weight, rs->drained, rs->override, &ev);
	/* the iteration's time, not a clock read: a reload's build reshapes
	 * every real server (37,205 reads, each a system call where the clock
	 * has no vDSO, as in the VM) */
	return hc_shape_rs(c, rs, &ev, hd_loop_now_usec(c->d));
}

bool hc_rs_update(struct hc_ctx *c, struct hc_rs *rs, bool quiet)
{
	bool old = rs->up;

	if (!rs_reshape(c, rs))
		return false;
	if (old != rs->up)
		hc_rs_changed(c, rs, old, quiet);
	return true;
}

/* The real servers of V that P checks, after P's result: re-evaluated,
 * then the guard; a verdict is told (log, notify, alert) only once the
 * guard had its say, so a failure it holds never shows as down and up. */
static bool vs_update(struct hc_ctx *c, struct hc_vs *v, const struct hc_probe *p, uint64_t now)
{
	bool dirty = false;

	for (size_t i = 0; i < v->n_rs; i++) {
		struct hc_rs *rs = &v->rs[i];
		for (size_t k = 0; k < rs->n_probes; k++) {
			if (rs->probes[k] != p)
				continue;
			rs->sh.pending = true;
			rs->sh.was_up = rs->up;
			dirty |= rs_reshape(c, rs);
			break;
		}
	}
	if (dirty)
		hc_shape_vs(c, v, now);
	for (size_t i = 0; i < v->n_rs; i++) {
		struct hc_rs *rs = &v->rs[i];
		if (rs->sh.pending && rs->sh.was_up != rs->up)
			hc_rs_changed(c, rs, rs->sh.was_up, false);
		rs->sh.pending = false;
	}
	if (dirty)
		hc_vs_quorum_check(c, v);
	return dirty;
}

/* The end of a check is seen at the loop's wakeup (its edge), so the
 * loop's time is when it ended: no clock read per check. In a batch of the
 * schedule (a deadline, or a check that ends as it starts) it is the
 * batch's time. */
void hc_probe_done(struct hc_probe *p, const struct hc_result *r)
{
	struct hc_ctx *c = p->ctx;
	uint64_t now = c->tq_busy ? c->tq_now : hd_loop_now_usec(c->d);
	int old_dyn = p->st.dyn_weight;
	struct hc_agent_reply old_agent = p->st.agent;
	bool dirty = false;
	struct hc_result fr, lr;

	/* check_forwarding_path: its verdict joins the check's; while it
	 * runs, it calls again when it ends */
	if (p->fwd && !(r = hc_fwd_merge(p, r, &fr)))
		return;
	if (now < p->started_usec)
		now = p->started_usec;
	p->running = false;
	p->last_duration_usec = now - p->started_usec;
	hc_lat_add(&p->lat, p->last_duration_usec);
	/* no answer through a link of ours that was down: held (hc_path.h) */
	r = hc_links_judge(p, r, &lr, now);
	if (r == &lr)
		hd_loop_touch(c->d); /* held: hc_link.c's business, let sd-event look */
	bool changed = hc_checker_feed(&p->st, &p->pol, r, now);
	/* a run is complete unless a retry goes on (a neutral result, an
	 * agent's weight alone, completes one too; a held one says nothing) */
	if (!p->st.retry_it && r->outcome != HC_O_DIRECTOR_LINK_DOWN)
		p->run_started_usec = p->started_usec;
	if (changed || p->st.dyn_weight != old_dyn ||
	    memcmp(&old_agent, &p->st.agent, sizeof(old_agent))) {
		/* Rare (a state change): a scan of all real servers is fine.
		 * What follows (logs, scripts, alerts, the reconcile pass) may
		 * change sd-event sources outside an sd-event iteration. */
		hd_loop_touch(c->d);
		for (size_t v = 0; v < c->n_vs; v++)
			dirty |= vs_update(c, &c->vs[v], p, now);
	}
	if (dirty)
		hd_mark_dirty(c->d);
	if (c->d->stopping)
		hc_sched_drop(p);
	else if (sched_arm_at(p, hc_checker_next_at(&p->st, &p->pol, p->due_usec, now)) < 0)
		hd_err("health check %s: cannot arm its timer", p->key);
}
