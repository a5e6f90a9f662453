/* Daemon-facing hooks of the vrrp module (see daemon/modules.h) and the one
 * function through which every state change goes. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alert_hook.h"
#include "healthcheck/hc.h"
#include "ipvs/ipvs.h"
#include "vrrp.h"
#include "vrrp_int.h"
#include "vrrp_reload_match.h"
#include "vrrp_vip.h"

#define DROP_LOG_INTERVAL (10 * 1000000ULL)
#define DROP_LOG_BURST	  5

uint64_t vrrp_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000ULL + (uint64_t)ts.tv_nsec / 1000;
}

static void log_transition(struct vrrp_instance *in, enum vrrp_state old, const char *reason)
{
	char f_inst[HD_NAME_MAX + 16], f_old[32], f_new[32], f_why[160], f_prio[32];
	const char *fields[] = {f_inst, f_old, f_new, f_why, f_prio, NULL};
	const char *new_s = vrrp_state_str(in->fsm.state);

	snprintf(f_inst, sizeof(f_inst), "INSTANCE=%s", in->cfg->name);
	snprintf(f_old, sizeof(f_old), "OLD_STATE=%s", vrrp_state_str(old));
	snprintf(f_new, sizeof(f_new), "NEW_STATE=%s", new_s);
	snprintf(f_why, sizeof(f_why), "REASON=%s", reason);
	snprintf(f_prio, sizeof(f_prio), "PRIORITY=%u", in->fsm.priority);
	hd_log_fields(LOG_NOTICE, fields, "%s: %s -> %s (%s)", in->cfg->name, vrrp_state_str(old),
		      new_s, reason);
	hd_alert_vrrp(in->ctx->d, in->cfg, vrrp_state_str(old), new_s, reason);
}

static void run_action(struct vrrp_instance *in, const struct vrrp_action *a, bool to_master)
{
	switch (a->type) {
	case VRRP_ACT_ADD_VIPS:
		vrrp_vips_add(in);
		break;
	case VRRP_ACT_DEL_VIPS:
		vrrp_garp_stop(in);
		vrrp_vips_del(in);
		break;
	case VRRP_ACT_SEND_ADVERT:
		vrrp_send_advert(in, in->fsm.priority);
		break;
	case VRRP_ACT_SEND_ADVERT_PRIO0:
		vrrp_send_advert(in, VRRP_PRIO_STOP);
		break;
	case VRRP_ACT_SEND_GARP:
		if (to_master)
			vrrp_garp_start(in);
		else /* a master answering a lower priority */
			vrrp_garp_burst(in, in->cfg->garp_lower_prio_repeat);
		break;
	case VRRP_ACT_ARM_ADVER_TIMER:
		vrrp_timer_arm(in, a->at, VRRP_EV_ADVER_TIMER);
		break;
	case VRRP_ACT_ARM_MASTER_DOWN:
		vrrp_timer_arm(in, a->at, VRRP_EV_MASTER_DOWN_TIMER);
		break;
	case VRRP_ACT_STOP_TIMERS:
		vrrp_timer_stop(in);
		vrrp_preempt_stop(in);
		vrrp_garp_stop(in);
		break;
	case VRRP_ACT_ARM_PREEMPT_TIMER:
		vrrp_preempt_arm(in, a->at);
		break;
	case VRRP_ACT_STOP_PREEMPT_TIMER:
		vrrp_preempt_stop(in);
		break;
	case VRRP_ACT_NOTIFY:
	case VRRP_ACT__MAX:
		break; /* after all the time-critical actions, below */
	}
}

/* lvs_sync_daemon follows its vrrp_instance: the IPVS connection sync
 * daemon runs as master while that instance is master, as backup otherwise. */
static void lvs_sync_follow(const struct vrrp_instance *in)
{
	const struct hd_config *cfg = in->ctx->cfg;

	if (cfg->lvs_sync.enabled && cfg->lvs_sync.instance < cfg->n_instances &&
	    in->cfg == &cfg->instances[cfg->lvs_sync.instance])
		ipvs_sync_daemon_set_role(in->ctx->d, in->fsm.state == VRRP_STATE_MASTER);
}

/* A master that preempts before its own checks have run again after a
 * start or a link loss takes the flows with an IPVS table that lacks the
 * real servers its checks dropped meanwhile: every established connection
 * through the peer is reset (the ECMP lab's VRRP phase: 1,000 of 1,000 when
 * the master's link came back). So a backup follows a lower-priority master
 * until every check has started a run since and none is between verdicts,
 * for at most PREEMPT_SETTLE_MAX_USEC (a check that never settles must not
 * keep the preferred director out for ever). A master that is gone is
 * still taken over at once: only preemption waits. */
#define PREEMPT_SETTLE_MAX_USEC (60 * 1000000ULL)

static bool preempt_held(struct vrrp_instance *in, const struct vrrp_event *ev)
{
	char why[200];
	uint64_t now;

	if (!in->settle_since || ev->type != VRRP_EV_ADVERT || !in->fsm.preempt ||
	    ev->priority >= in->fsm.priority || ev->priority == VRRP_PRIO_STOP)
		return false;
	now = vrrp_usec();
	if (hc_settled_since(in->ctx->d, in->settle_since, why, sizeof(why)))
		hd_info("%s: health checks settled: may preempt the lower-priority master",
			in->cfg->name);
	else if (now - in->settle_since > PREEMPT_SETTLE_MAX_USEC)
		hd_warn("%s: health checks not settled after %llu s (%s): preempting anyway",
			in->cfg->name, PREEMPT_SETTLE_MAX_USEC / 1000000ULL, why);
	else {
		if (!in->settle_logged)
			hd_notice("%s: following the lower-priority master until the health "
				  "checks settle: %s",
				  in->cfg->name, why);
		in->settle_logged = true;
		return true;
	}
	in->settle_since = 0;
	return false;
}

/* Preemption waits for the checks from now on (start, link back). */
void vrrp_preempt_settle(struct vrrp_instance *in)
{
	in->settle_since = vrrp_usec();
	in->settle_logged = false;
}

/* The one entry point that changes an instance's state: feeds the state
 * machine, executes its actions in order (address, advert and GARP first),
 * then logs, counts and notifies. */
void vrrp_instance_event(struct vrrp_instance *in, const struct vrrp_event *ev0)
{
	enum vrrp_state old = in->fsm.state;
	struct vrrp_event ev = *ev0;
	struct vrrp_result res;
	bool to_master;

	if (old == VRRP_STATE_BACKUP &&
	    (ev.type == VRRP_EV_MASTER_DOWN_TIMER || ev.type == VRRP_EV_PREEMPT_TIMER))
		ev.held = vrrp_sync_group_holds(in->ctx, in);
	if (ev.held && !in->held_logged)
		hd_notice("%s: staying backup: a vrrp_sync_group member still hears a master",
			  in->cfg->name);
	in->held_logged = ev.held;
	if (old == VRRP_STATE_BACKUP)
		in->fsm.preempt_held = preempt_held(in, &ev);
	vrrp_fsm_step(&in->fsm, &ev, vrrp_usec(), &res);
	if (res.drop)
		vrrp_drop(in, res.drop, &ev.src);
	if (res.state == VRRP_STATE_INIT || res.state == VRRP_STATE_FAULT)
		in->decided = false; /* decides again once restarted */
	else if (res.state == VRRP_STATE_MASTER || ev.type == VRRP_EV_MASTER_DOWN_TIMER ||
		 (ev.type == VRRP_EV_ADVERT && in->fsm.master_known && in->fsm.master_priority))
		in->decided = true;
	to_master = res.state == VRRP_STATE_MASTER && old != VRRP_STATE_MASTER;
	for (unsigned i = 0; i < res.n; i++)
		run_action(in, &res.act[i], to_master);
	if (res.state == old)
		return;
	if (old == VRRP_STATE_MASTER || res.state == VRRP_STATE_MASTER)
		vrrp_routes_sync(in->ctx); /* virtual_route/virtual_rule follow the VIPs */
	in->transitions++;
	in->last_transition_usec = vrrp_usec();
	in->last_reason = res.reason;
	log_transition(in, old, res.reason ? res.reason : "?");
	lvs_sync_follow(in);
	vrrp_notify(in, old, res.state);
	vrrp_sync_group_update(in->ctx, in, old);
}

void vrrp_instance_simple_event(struct vrrp_instance *in, enum vrrp_event_type t, const char *why)
{
	struct vrrp_event ev = {.type = t, .why = why};

	vrrp_instance_event(in, &ev);
}

int vrrp_effective_priority(const struct vrrp_instance *in)
{
	int p = in->cfg->priority;

	/* The address owner's priority is fixed (RFC 5798 5.2.4). */
	if (p == VRRP_PRIO_OWNER)
		return p;
	p += vrrp_track_priority_delta(in);
	return p < 1 ? 1 : p > 254 ? 254 : p;
}

void vrrp_instance_reevaluate(struct vrrp_instance *in, const char *why)
{
	unsigned faults;
	int prio;

	if (in->ctx->stopping)
		return;
	faults = (in->faults &
		  (VRRP_FAULT_IFACE | VRRP_FAULT_NOADDR | VRRP_FAULT_GROUP | VRRP_FAULT_VMAC)) |
		 vrrp_track_faults(in);
	prio = vrrp_effective_priority(in);
	if (prio != in->fsm.priority) {
		struct vrrp_event ev = {.type = VRRP_EV_PRIORITY, .priority = (uint8_t)prio};

		hd_info("%s: priority %u -> %d (%s)", in->cfg->name, in->fsm.priority, prio, why);
		vrrp_instance_event(in, &ev);
	}
	if (faults && in->fsm.state != VRRP_STATE_FAULT)
		vrrp_instance_simple_event(in, VRRP_EV_FAULT, why);
	else if (!faults && in->fsm.state == VRRP_STATE_FAULT)
		vrrp_instance_simple_event(in, VRRP_EV_FAULT_CLEAR, why);
}

void vrrp_drop(struct vrrp_instance *in, enum vrrp_drop r, const struct hd_addr *src)
{
	char a[INET6_ADDRSTRLEN] = "?";

	in->drops[r]++;
	if (!hd_ratelimit_ok(&in->drop_rl, vrrp_usec(), DROP_LOG_INTERVAL, DROP_LOG_BURST))
		return;
	if (src)
		hd_addr_str(src, a, sizeof(a));
	hd_warn("%s: dropped VRRP packet from %s: %s", in->cfg->name, a, vrrp_drop_str(r));
}

static int sync_group_of(const struct hd_config *cfg, size_t idx)
{
	for (size_t g = 0; g < cfg->n_sync_groups; g++)
		for (size_t m = 0; m < cfg->sync_groups[g].n_members; m++)
			if (cfg->sync_groups[g].members[m] == idx)
				return (int)g;
	return -1;
}

static void fsm_configure(struct vrrp_instance *in)
{
	const struct hd_vrrp_instance_config *ic = in->cfg;

	in->fsm.version = ic->version;
	in->fsm.adver_int_cs = ic->advert_int_cs;
	in->fsm.preempt = ic->preempt;
	in->fsm.preempt_delay_usec = ic->preempt_delay_usec;
	in->fsm.initial_master = ic->initial_state == HD_VRRP_INIT_MASTER;
	in->fsm.lower_prio_no_advert = ic->lower_prio_no_advert;
}

static void instance_free(struct vrrp_ctx *c, struct vrrp_instance *in)
{
	vrrp_timer_stop(in);
	vrrp_preempt_stop(in);
	vrrp_garp_stop(in);
	sd_event_source_disable_unref(in->timer);
	sd_event_source_disable_unref(in->preempt);
	sd_event_source_disable_unref(in->garp);
	vrrp_io_detach(c, in);
	vrrp_vmac_down(in);
	free(in);
}

static struct vrrp_instance *instance_new(struct vrrp_ctx *c, const struct hd_config *cfg,
					  size_t idx)
{
	struct vrrp_instance *in = calloc(1, sizeof(*in));

	if (!in)
		return NULL;
	in->ctx = c;
	in->base_arp_ignore = -1;
	in->cfg = &cfg->instances[idx];
	in->group = sync_group_of(cfg, idx);
	fsm_configure(in);
	vrrp_fsm_init(&in->fsm, in->cfg->priority);
	if (vrrp_timers_new(in) < 0) {
		instance_free(c, in);
		return NULL;
	}
	return in;
}

/* Bring an instance up: find its link, socket and address, then start
 * (or go straight to fault when something it needs is missing). Returns
 * -ENOMEM when that was the reason for a fault (fatal at startup). */
static int instance_start(struct vrrp_ctx *c, struct vrrp_instance *in)
{
	int r = 0;

	vrrp_link_query(in);
	vrrp_preempt_settle(in);
	if (in->ifindex) {
		vrrp_vmac_up(in);
		vrrp_resolve_src(in);
		if ((r = vrrp_io_attach(c, in)) < 0)
			in->faults |= VRRP_FAULT_IFACE;
	}
	in->fsm.primary = in->src_addr;
	in->fsm.priority = (uint8_t)vrrp_effective_priority(in);
	if (in->faults || vrrp_track_faults(in))
		vrrp_instance_simple_event(in, VRRP_EV_FAULT, "not ready at startup");
	else
		vrrp_instance_simple_event(in, VRRP_EV_STARTUP, NULL);
	if (in->fsm.state != VRRP_STATE_MASTER)
		vrrp_vips_remove_stale(in);
	return r == -ENOMEM ? r : 0;
}

int vrrp_init(struct hd_daemon *d)
{
	struct vrrp_ctx *c = calloc(1, sizeof(*c));

	if (!c)
		return -ENOMEM;
	c->d = d;
	c->cfg = d->config;
	c->packet_fd = c->icmp6_fd = -1;
	d->vrrp = c;
	if (!c->cfg->n_instances) {
		/* static_address, static_route, static_rule need no instance */
		if (vrrp_routes_start(c) < 0)
			return -ENOMEM;
		vrrp_routes_sync(c);
		return 0;
	}
	c->inst = calloc(c->cfg->n_instances, sizeof(*c->inst));
	if (!c->inst)
		return -ENOMEM;
	for (size_t i = 0; i < c->cfg->n_instances; i++) {
		c->inst[i] = instance_new(c, c->cfg, i);
		if (!c->inst[i])
			return -ENOMEM;
		c->n_inst++;
	}
	enum vrrp_state *groups = vrrp_groups_prepare(c, c->cfg);
	if (!groups)
		return -ENOMEM;
	vrrp_groups_commit(c, groups, c->cfg->n_sync_groups);
	if (vrrp_addr_start(c) < 0 || vrrp_track_start(c) < 0 || vrrp_procmon_start(c) < 0)
		return -ENOMEM;
	if (vrrp_routes_start(c) < 0)
		return -ENOMEM;
	for (size_t i = 0; i < c->n_inst; i++)
		if (instance_start(c, c->inst[i]) < 0)
			return -ENOMEM;
	vrrp_routes_sync(c); /* static ones; the masters' were added as they became master */
	return 0;
}

/* A kept instance adopts its new configuration; nothing here touches its
 * state, timers or socket. Returns true when its VIPs must be re-added. */
static bool adopt(struct vrrp_instance *in, const struct hd_config *newcfg, size_t idx)
{
	struct vrrp_adopt a = vrrp_reload_adopt(in->cfg, &newcfg->instances[idx], in->vips_on,
						in->fsm.state == VRRP_STATE_MASTER);

	if (a.del_vips)
		vrrp_vips_del(in); /* old list, old config */
	in->cfg = &newcfg->instances[idx];
	in->group = sync_group_of(newcfg, idx);
	fsm_configure(in);
	return a.readd;
}

/* Reload, prepared: the instances of NEWCFG, new ones allocated (not
 * started), kept ones found by identity (moved over at commit). */
struct vrrp_prep {
	size_t n;
	struct vrrp_instance **ni; /* new ones; NULL where an old one continues */
	size_t *from;		   /* per new instance: index + 1 of the old one, 0: new */
	bool *readd;		   /* commit scratch: VIPs to re-add */
	enum vrrp_state *groups;
	struct vrrp_track_prep *track;
	struct vrrp_procmon_prep *procs;
};

void vrrp_abort(struct hd_daemon *d, void *prep)
{
	struct vrrp_prep *p = prep;

	if (!p)
		return;
	for (size_t i = 0; p->ni && i < p->n; i++)
		if (p->ni[i]) /* instance_new() alone: nothing started */
			instance_free(d->vrrp, p->ni[i]);
	free(p->ni);
	free(p->from);
	free(p->readd);
	free(p->groups);
	vrrp_track_abort(p->track);
	vrrp_procmon_abort(p->procs);
	free(p);
}

/* Which running instance each new one continues (vrrp_reload_match.h). */
static void match_old(const struct vrrp_ctx *c, const struct hd_config *newcfg, struct vrrp_prep *p,
		      const struct hd_vrrp_instance_config **olds)
{
	for (size_t k = 0; k < c->n_inst; k++)
		olds[k] = c->inst[k] ? c->inst[k]->cfg : NULL;
	vrrp_reload_match(olds, c->n_inst, newcfg->instances, p->n, p->from);
}

int vrrp_prepare(struct hd_daemon *d, const struct hd_config *newcfg, void **prep)
{
	struct vrrp_ctx *c = d->vrrp;
	size_t n = newcfg->n_instances;
	struct vrrp_prep *p = calloc(1, sizeof(*p));
	const struct hd_vrrp_instance_config **olds =
	    c ? calloc(c->n_inst + 1, sizeof(*olds)) : NULL;

	if (!p || !olds || !(p->ni = calloc(n + 1, sizeof(*p->ni))) ||
	    !(p->from = calloc(n + 1, sizeof(*p->from))) ||
	    !(p->readd = calloc(n + 1, sizeof(*p->readd))))
		goto fail;
	p->n = n;
	match_old(c, newcfg, p, olds);
	for (size_t i = 0; i < n; i++)
		if (!p->from[i] && !(p->ni[i] = instance_new(c, newcfg, i)))
			goto fail;
	if (!(p->groups = vrrp_groups_prepare(c, newcfg)) ||
	    vrrp_track_prepare(c, newcfg, &p->track) < 0 ||
	    vrrp_procmon_prepare(c, newcfg, &p->procs) < 0)
		goto fail;
	free(olds);
	*prep = p;
	return 0;
fail:
	free(olds);
	vrrp_abort(d, p);
	return -ENOMEM;
}

/* Unchanged instances keep state, timers, socket and counters and send
 * nothing extra; a changed priority goes through the state machine
 * (advertised at once by a master, preemption as configured); new
 * instances start like at startup (backup); removed ones stop as on
 * SIGTERM (priority 0 if master). */
void vrrp_commit(struct hd_daemon *d, const struct hd_config *newcfg, void *prep)
{
	struct vrrp_ctx *c = d->vrrp;
	struct vrrp_prep *p = prep;
	struct vrrp_instance **old = c->inst, **ni = p->ni;
	size_t n = p->n, n_old = c->n_inst;

	for (size_t i = 0; i < n; i++) {
		if (!p->from[i])
			continue;
		ni[i] = old[p->from[i] - 1];
		old[p->from[i] - 1] = NULL;
		p->readd[i] = adopt(ni[i], newcfg, i);
	}
	vrrp_groups_commit(c, p->groups, newcfg->n_sync_groups);
	c->inst = ni;
	c->n_inst = n;
	c->cfg = newcfg;
	/* Removed instances stop cleanly (priority 0 if master); freed after
	 * the swap so a socket they share with kept instances stays open. */
	for (size_t i = 0; i < n_old; i++) {
		if (!old[i])
			continue;
		old[i]->group = -1;
		hd_notice("%s: removed by reload", old[i]->cfg->name);
		vrrp_instance_simple_event(old[i], VRRP_EV_SHUTDOWN, "removed by reload");
		instance_free(c, old[i]);
	}
	free(old);
	vrrp_track_commit(c, p->track);
	vrrp_procmon_commit(c, p->procs);
	for (size_t i = 0; i < n; i++) {
		if (!p->from[i]) {
			instance_start(c, c->inst[i]);
			continue;
		}
		if (p->readd[i]) {
			vrrp_vips_add(c->inst[i]);
			vrrp_garp_send(c->inst[i]);
		}
		vrrp_instance_reevaluate(c->inst[i], "reload");
	}
	vrrp_groups_settle(c);
	vrrp_routes_sync(c); /* only what the reload changed is added or removed */
	free(p->from), free(p->readd), free(p);
	hd_notice("vrrp: reloaded, %zu instances", c->n_inst);
}

void vrrp_shutdown(struct hd_daemon *d)
{
	struct vrrp_ctx *c = d->vrrp;

	if (!c)
		return;
	/* Masters first: priority 0 lets the backup take over after skew time. */
	for (size_t i = 0; i < c->n_inst; i++)
		if (c->inst[i] && c->inst[i]->fsm.state == VRRP_STATE_MASTER)
			vrrp_instance_simple_event(c->inst[i], VRRP_EV_SHUTDOWN, NULL);
	for (size_t i = 0; i < c->n_inst; i++)
		if (c->inst[i])
			vrrp_instance_simple_event(c->inst[i], VRRP_EV_SHUTDOWN, NULL);
	vrrp_routes_stop(c); /* the static ones (the virtual ones left with MASTER) */
	c->stopping = true;
}

void vrrp_free(struct hd_daemon *d)
{
	struct vrrp_ctx *c = d->vrrp;

	if (!c)
		return;
	c->stopping = true;
	vrrp_track_stop(c);
	vrrp_procmon_stop(c);
	for (size_t i = 0; i < c->n_inst; i++) {
		if (!c->inst[i])
			continue;
		/* vrrp_io_detach() scans c->inst for other users of the socket:
		 * clear the slot so it never reads a freed instance. */
		struct vrrp_instance *in = c->inst[i];
		c->inst[i] = NULL;
		instance_free(c, in);
	}
	free(c->inst);
	vrrp_groups_free(c);
	vrrp_io_free(c);
	vrrp_routes_free(c);
	vrrp_addr_stop(c);
	free(c);
	d->vrrp = NULL;
}
