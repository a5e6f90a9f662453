/* vrrp_sync_group: applies the pure decisions of vrrp_sync.c to the
 * instances and runs the group's own notify scripts. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "alert_hook.h"
#include "vrrp_int.h"
#include "vrrp_sync.h"

#define GROUP_MAX 64 /* members considered per group */

static bool own_fault(const struct vrrp_instance *in)
{
	return (in->faults & ~(unsigned)VRRP_FAULT_GROUP) || vrrp_track_faults(in);
}

/* Members of group G, in configuration order; returns how many. */
static size_t members(struct vrrp_ctx *c, int g, struct vrrp_instance **in,
		      struct vrrp_sync_member *m)
{
	size_t n = 0;

	for (size_t i = 0; i < c->n_inst && n < GROUP_MAX; i++) {
		struct vrrp_instance *x = c->inst[i];

		if (!x || x->group != g)
			continue;
		in[n] = x;
		m[n] = (struct vrrp_sync_member){.state = x->fsm.state,
						 .own_fault = own_fault(x),
						 .group_fault = x->faults & VRRP_FAULT_GROUP,
						 .defers = vrrp_fsm_defers(&x->fsm)};
		n++;
	}
	return n;
}

static void group_notify(struct vrrp_ctx *c, int g, enum vrrp_state st)
{
	const struct hd_sync_group_config *gc = &c->cfg->sync_groups[g];
	const char *state = st == VRRP_STATE_INIT ? "STOP" : vrrp_state_str(st);
	const char *specific = st == VRRP_STATE_MASTER	 ? gc->notify_master
			       : st == VRRP_STATE_BACKUP ? gc->notify_backup
			       : st == VRRP_STATE_FAULT	 ? gc->notify_fault
							 : NULL;

	if (specific)
		vrrp_notify_enqueue(c, specific, NULL);
	if (gc->notify) {
		const char *args[] = {"GROUP", gc->name, state, NULL};

		vrrp_notify_enqueue(c, gc->notify, args);
	}
}

static void group_settle(struct vrrp_ctx *c, int g)
{
	struct vrrp_instance *in[GROUP_MAX];
	struct vrrp_sync_member m[GROUP_MAX];
	size_t n = members(c, g, in, m);
	enum vrrp_state prev = c->group_state[g];
	enum vrrp_state now = vrrp_sync_group_state(m, n, prev);

	if (now == prev)
		return;
	c->group_state[g] = now;
	hd_notice("vrrp_sync_group %s: %s -> %s", c->cfg->sync_groups[g].name, vrrp_state_str(prev),
		  vrrp_state_str(now));
	hd_alert_sync_group(c->d, &c->cfg->sync_groups[g], vrrp_state_str(prev),
			    vrrp_state_str(now));
	group_notify(c, g, now);
}

void vrrp_sync_group_update(struct vrrp_ctx *c, struct vrrp_instance *changed, enum vrrp_state old)
{
	struct vrrp_instance *in[GROUP_MAX];
	struct vrrp_sync_member m[GROUP_MAX];
	struct vrrp_sync_cmd cmd[GROUP_MAX];
	size_t n, self = 0;
	int g = changed->group;

	if (g < 0 || (size_t)g >= c->n_groups || c->syncing)
		return; /* followers: the outer call settles the group */
	n = members(c, g, in, m);
	for (size_t i = 0; i < n; i++)
		if (in[i] == changed)
			self = i;
	vrrp_sync_decide(m, n, self, old, changed->fsm.state, cmd);
	c->syncing = true;
	for (size_t i = 0; i < n; i++) {
		if (cmd[i].fault == VRRP_SYNC_FAULT_KEEP)
			continue;
		if (cmd[i].fault == VRRP_SYNC_FAULT_SET)
			in[i]->faults |= VRRP_FAULT_GROUP;
		else
			in[i]->faults &= ~(unsigned)VRRP_FAULT_GROUP;
		vrrp_instance_reevaluate(in[i], cmd[i].fault == VRRP_SYNC_FAULT_SET
						    ? "sync group member in fault"
						    : "sync group recovered");
	}
	for (size_t i = 0; i < n; i++)
		if (cmd[i].follow != VRRP_SYNC_STAY)
			vrrp_instance_simple_event(in[i],
						   cmd[i].follow == VRRP_SYNC_TO_MASTER
						       ? VRRP_EV_SYNC_MASTER
						       : VRRP_EV_SYNC_BACKUP,
						   NULL);
	c->syncing = false;
	group_settle(c, g);
}

bool vrrp_sync_group_holds(struct vrrp_ctx *c, struct vrrp_instance *in)
{
	struct vrrp_instance *mi[GROUP_MAX];
	struct vrrp_sync_member m[GROUP_MAX];
	size_t n, self = 0;

	if (in->group < 0 || (size_t)in->group >= c->n_groups)
		return false;
	n = members(c, in->group, mi, m);
	for (size_t i = 0; i < n; i++)
		if (mi[i] == in)
			self = i;
	return !vrrp_sync_may_master(m, n, self);
}

/* Group states carry over a reload by name; new groups start from their
 * members' states without running scripts. */
/* The sync group states for NEWCFG: a group keeps its state across a
 * reload when its name stays (reads the old group names: call it before
 * c->cfg changes). Pure but for the allocation. */
enum vrrp_state *vrrp_groups_prepare(const struct vrrp_ctx *c, const struct hd_config *newcfg)
{
	size_t n = newcfg->n_sync_groups;
	enum vrrp_state *st = calloc(n ? n : 1, sizeof(*st));

	if (!st)
		return NULL;
	for (size_t g = 0; g < n; g++) {
		st[g] = VRRP_STATE_INIT;
		for (size_t o = 0; c->group_state && o < c->n_groups; o++)
			if (!strcmp(c->cfg->sync_groups[o].name, newcfg->sync_groups[g].name))
				st[g] = c->group_state[o];
	}
	return st;
}

void vrrp_groups_commit(struct vrrp_ctx *c, enum vrrp_state *st, size_t n)
{
	free(c->group_state);
	c->group_state = st;
	c->n_groups = n;
}

/* After a reload: a new group (or one whose members changed) takes the
 * state its members agree on, running its scripts. */
void vrrp_groups_settle(struct vrrp_ctx *c)
{
	for (size_t g = 0; g < c->n_groups; g++)
		group_settle(c, (int)g);
}

void vrrp_groups_free(struct vrrp_ctx *c)
{
	free(c->group_state);
	c->group_state = NULL;
	c->n_groups = 0;
}

const char *vrrp_group_state_str(const struct vrrp_instance *in)
{
	const struct vrrp_ctx *c = in->ctx;

	if (in->group < 0 || (size_t)in->group >= c->n_groups)
		return NULL;
	return vrrp_state_str(c->group_state[in->group]);
}
