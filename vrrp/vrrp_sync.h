/* vrrp_sync_group decisions, pure: given the members' states and the
 * transition one of them just made, what each member must do. The I/O side
 * (vrrp_group.c) applies the result through vrrp_instance_event().
 *
 * Semantics (those keepalived users expect):
 * - one member with a fault of its own puts every member in FAULT (they all
 *   leave master); when no member has a fault of its own, they all recover;
 * - a member goes to MASTER on its own (master down / preempt timer) only
 *   when no other member still hears a master it defers to (as keepalived:
 *   prefer backup to thrashing; a partition on one side does not make one
 *   director master of half the group);
 * - one member becoming MASTER takes the BACKUP members to MASTER;
 * - one member leaving MASTER for BACKUP (it heard a better router) takes the
 *   MASTER members to BACKUP.
 * Followers' own transitions are not propagated again (no ping-pong). */
#ifndef VRRP_SYNC_H
#define VRRP_SYNC_H

#include <stdbool.h>
#include <stddef.h>

#include "vrrp_fsm.h"

struct vrrp_sync_member {
	enum vrrp_state state;
	bool own_fault;	  /* a fault of its own (interface, tracker, address) */
	bool group_fault; /* currently held in FAULT by the group */
	bool defers;	  /* BACKUP hearing a master it defers to (vrrp_fsm_defers) */
};

enum vrrp_sync_fault { VRRP_SYNC_FAULT_KEEP = 0, VRRP_SYNC_FAULT_SET, VRRP_SYNC_FAULT_CLEAR };
enum vrrp_sync_follow { VRRP_SYNC_STAY = 0, VRRP_SYNC_TO_MASTER, VRRP_SYNC_TO_BACKUP };

struct vrrp_sync_cmd {
	enum vrrp_sync_fault fault;
	enum vrrp_sync_follow follow; /* applied after the fault changes */
};

/* CHANGED went OLD -> NEW (M[CHANGED].state is NEW). Fills OUT[0..N). */
void vrrp_sync_decide(const struct vrrp_sync_member *m, size_t n, size_t changed,
		      enum vrrp_state old, enum vrrp_state new_state, struct vrrp_sync_cmd *out);

/* May member SELF leave BACKUP for MASTER on its own? */
bool vrrp_sync_may_master(const struct vrrp_sync_member *m, size_t n, size_t self);

/* The group's own state: FAULT if any member is in FAULT, MASTER / BACKUP /
 * INIT when all members agree, else PREV (the group is moving). */
enum vrrp_state vrrp_sync_group_state(const struct vrrp_sync_member *m, size_t n,
				      enum vrrp_state prev);

#endif
