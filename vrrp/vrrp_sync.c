/* vrrp_sync_group decisions (pure); see vrrp_sync.h. */
#include "vrrp_sync.h"

void vrrp_sync_decide(const struct vrrp_sync_member *m, size_t n, size_t changed,
		      enum vrrp_state old, enum vrrp_state new_state, struct vrrp_sync_cmd *out)
{
	bool any_fault = false;

	for (size_t i = 0; i < n; i++)
		any_fault |= m[i].own_fault;
	for (size_t i = 0; i < n; i++) {
		out[i] = (struct vrrp_sync_cmd){0};
		/* the changed member is held too when another one is faulty */
		if (any_fault && !m[i].own_fault && !m[i].group_fault)
			out[i].fault = VRRP_SYNC_FAULT_SET;
		else if ((!any_fault || m[i].own_fault) && m[i].group_fault)
			out[i].fault = VRRP_SYNC_FAULT_CLEAR;
		if (i == changed || any_fault)
			continue;
		/* a member released from a group fault comes back as BACKUP */
		if (new_state == VRRP_STATE_MASTER && old != VRRP_STATE_MASTER &&
		    (m[i].state == VRRP_STATE_BACKUP || out[i].fault == VRRP_SYNC_FAULT_CLEAR))
			out[i].follow = VRRP_SYNC_TO_MASTER;
		else if (new_state == VRRP_STATE_BACKUP && old == VRRP_STATE_MASTER &&
			 m[i].state == VRRP_STATE_MASTER)
			out[i].follow = VRRP_SYNC_TO_BACKUP;
	}
}

enum vrrp_state vrrp_sync_group_state(const struct vrrp_sync_member *m, size_t n,
				      enum vrrp_state prev)
{
	size_t count[VRRP_STATE_FAULT + 1] = {0};

	for (size_t i = 0; i < n; i++)
		if ((unsigned)m[i].state <= VRRP_STATE_FAULT)
			count[m[i].state]++;
	if (count[VRRP_STATE_FAULT])
		return VRRP_STATE_FAULT;
	for (int s = VRRP_STATE_INIT; s <= VRRP_STATE_MASTER; s++)
		if (n && count[s] == n)
			return (enum vrrp_state)s;
	return prev;
}

bool vrrp_sync_may_master(const struct vrrp_sync_member *m, size_t n, size_t self)
{
	for (size_t i = 0; i < n; i++)
		if (i != self && (m[i].defers || m[i].own_fault))
			return false;
	return true;
}
