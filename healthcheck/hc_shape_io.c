/* Slow start and the fail-open guard in the running module: the pure rules
 * (hc_shape.c) applied to the real servers' verdicts, and one timer for the
 * next ramp level or guard bound. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hc_int.h"
#include "log.h"

bool hc_shape_rs(struct hc_ctx *c, struct hc_rs *rs, const struct hc_rs_eval *ev, uint64_t now)
{
	struct hc_shape_rs *sh = &rs->sh;
	const struct hd_virtual_server_config *vsc = rs->vsc;
	/* At startup nothing ramps (every server starts together); a server
	 * a reload adds does. */
	bool serving = sh->init ? rs->up && rs->weight > 0 : !c->cfg;
	bool up, verdict = false;
	unsigned w;

	if (!sh->init) { /* not a failure in a round: it never served */
		sh->init = true;
		sh->ej.check_up = ev->up;
	} else if (ev->up != sh->ej.check_up) {
		sh->ej.check_up = ev->up;
		sh->ej.down_at = ev->up ? 0 : now;
		/* failing while its guard is engaged: held at once (what
		 * hc_eject_update decides next), no flap out and back */
		sh->ej.held = !ev->up && sh->guarded;
		verdict = true; /* the guard looks again (hc_shape_vs) */
	}
	sh->target = ev->weight;
	sh->agent_drained = ev->agent_drained;
	up = ev->up || sh->ej.held;
	if (up && ev->weight && !serving && vsc->slow_start_usec && !sh->ramp_start)
		sh->ramp_start = now ? now : 1;
	if (!up || !ev->weight)
		sh->ramp_start = sh->ramp_next = 0;
	w = ev->weight;
	if (sh->ramp_start) {
		w = hc_ramp_weight(ev->weight, sh->ramp_start, now, vsc->slow_start_usec,
				   vsc->slow_start_steps, &sh->ramp_next);
		if (!sh->ramp_next)
			sh->ramp_start = 0;
		if (w != rs->weight || !rs->up)
			sh->ramp_writes++;
	}
	if (up == rs->up && w == rs->weight)
		return verdict;
	rs->up = up;
	rs->weight = w;
	if (sh->ramp_next)
		hc_shape_arm_at(c, sh->ramp_next);
	return true;
}

/* A guard's round: a failure of everything shows on every real server
 * within one delay_loop plus a check's timeout of the first. */
static uint64_t vs_window(const struct hc_vs *v)
{
	uint64_t w = 0;

	for (size_t r = 0; r < v->n_rs; r++)
		for (size_t k = 0; k < v->rs[r].n_probes; k++) {
			const struct hc_probe *p = v->rs[r].probes[k];
			uint64_t x = p->pol.delay_loop_usec + p->timeout_usec;
			if (x > w)
				w = x;
		}
	return w;
}

static void guard_log(struct hc_vs *v, enum hc_eject_event e, size_t held)
{
	const struct hd_virtual_server_config *vsc = v->rs[0].vsc;
	char name[128];

	hc_vs_name(vsc, name, sizeof(name));
	if (e == HC_EJECT_ENGAGED)
		hd_warn("virtual server %s: %zu of %zu real servers failed within one round "
			"(max_ejection %u%%): keeping them in service, the checks may be what "
			"fails",
			name, held, v->n_rs, vsc->max_ejection_pct);
	else if (e == HC_EJECT_RECOVERED)
		hd_notice("virtual server %s: fail-open guard released, the checks recovered",
			  name);
	else if (e == HC_EJECT_EXPIRED)
		hd_warn("virtual server %s: fail-open guard released after %llu s "
			"(max_ejection_timeout): failing real servers leave",
			name, (unsigned long long)(vsc->max_ejection_timeout_usec / 1000000));
}

bool hc_shape_vs(struct hc_ctx *c, struct hc_vs *v, uint64_t now)
{
	const struct hd_virtual_server_config *vsc = v->n_rs ? v->rs[0].vsc : NULL;
	struct hc_eject_rs **ej;
	enum hc_eject_event e;
	bool changed = false;
	size_t held = 0;

	if (!vsc || (vsc->max_ejection_pct >= 100 && !v->guard.engaged))
		return false;
	ej = calloc(v->n_rs, sizeof(*ej));
	if (!ej) {
		hd_err("fail-open guard: out of memory");
		return false;
	}
	for (size_t r = 0; r < v->n_rs; r++)
		ej[r] = &v->rs[r].sh.ej;
	e = hc_eject_update(&v->guard, ej, v->n_rs, vsc->max_ejection_pct, vs_window(v),
			    vsc->max_ejection_timeout_usec, now);
	free(ej);
	for (size_t r = 0; r < v->n_rs; r++) {
		struct hc_rs *rs = &v->rs[r];
		bool up = rs->sh.ej.check_up || rs->sh.ej.held, old = rs->up;

		held += rs->sh.ej.held;
		rs->sh.guarded = v->guard.engaged;
		if (up == rs->up)
			continue;
		rs->up = up;
		rs->weight = rs->sh.target; /* held: its weight before it failed */
		if (!rs->sh.pending)	    /* else its caller tells it */
			hc_rs_changed(c, rs, old, false);
		changed = true;
	}
	if (e != HC_EJECT_NONE) {
		c->guard_changes++; /* the SNMP watcher's cue (its alarm trap) */
		guard_log(v, e, held);
	}
	if (hc_eject_next(&v->guard, vsc->max_ejection_timeout_usec))
		hc_shape_arm_at(c, hc_eject_next(&v->guard, vsc->max_ejection_timeout_usec));
	return changed;
}

static int shape_timer_cb(sd_event_source *s, uint64_t usec, void *userdata)
{
	struct hc_ctx *c = userdata;
	uint64_t now = hd_now_usec(), next = 0;
	bool dirty = false;

	for (size_t v = 0; v < c->n_vs; v++) {
		struct hc_vs *vs = &c->vs[v];
		const struct hd_virtual_server_config *vsc = vs->n_rs ? vs->rs[0].vsc : NULL;
		uint64_t g = vsc ? hc_eject_next(&vs->guard, vsc->max_ejection_timeout_usec) : 0;
		bool vs_dirty = false;

		for (size_t r = 0; r < vs->n_rs; r++) {
			struct hc_rs *rs = &vs->rs[r];
			if (rs->sh.ramp_next && rs->sh.ramp_next <= now)
				vs_dirty |= hc_rs_update(c, rs, false);
			if (rs->sh.ramp_next && (!next || rs->sh.ramp_next < next))
				next = rs->sh.ramp_next;
		}
		if (g && g <= now)
			vs_dirty |= hc_shape_vs(c, vs, now);
		g = vsc ? hc_eject_next(&vs->guard, vsc->max_ejection_timeout_usec) : 0;
		if (g && (!next || g < next))
			next = g;
		if (vs_dirty)
			hc_vs_quorum_check(c, vs);
		dirty |= vs_dirty;
	}
	if (dirty)
		hd_mark_dirty(c->d);
	if (next)
		sd_event_source_set_time(s, next);
	sd_event_source_set_enabled(s, next ? SD_EVENT_ONESHOT : SD_EVENT_OFF);
	return 0;
}

void hc_shape_arm_at(struct hc_ctx *c, uint64_t when)
{
	uint64_t t = 0;
	int on = SD_EVENT_OFF, r;

	if (!c->shape_timer) {
		r = sd_event_add_time(c->d->event, &c->shape_timer, CLOCK_MONOTONIC, when, 1000,
				      shape_timer_cb, c);
		if (r >= 0)
			r = sd_event_source_set_priority(c->shape_timer, HD_PRIO_HC);
		if (r < 0)
			hd_err("slow start / fail-open guard: cannot add a timer: %s",
			       strerror(-r));
		return;
	}
	sd_event_source_get_enabled(c->shape_timer, &on);
	sd_event_source_get_time(c->shape_timer, &t);
	if (on != SD_EVENT_OFF && t <= when)
		return; /* it fires earlier and finds this one */
	sd_event_source_set_time(c->shape_timer, when);
	sd_event_source_set_enabled(c->shape_timer, SD_EVENT_ONESHOT);
}

void hc_shape_free(struct hc_ctx *c)
{
	c->shape_timer = sd_event_source_disable_unref(c->shape_timer);
}
