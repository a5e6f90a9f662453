/* Reload, the VRRP side, as pure decisions (tests/unit/test_vrrp_reload.c):
 * which instance of the new configuration continues a running one, and
 * what a continued one does with its addresses.
 *
 * An instance continues (keeps its role, timers, socket and counters, and
 * sends nothing extra) when its VRRP identity is unchanged: the name, the
 * interface, the VRID, the address family, the protocol version, unicast
 * or multicast (the number of peers, whether unicast_src is set) and the
 * virtual MAC (use_vmac, its name, vmac_xmit_base): each of these changes
 * what it sends or where, so a changed one is a new router (removed as on
 * SIGTERM, the new one started as at startup). Anything else (priority,
 * advert_int, preempt, addresses, tracking, scripts) is adopted by the
 * running instance. */
#ifndef VRRP_RELOAD_MATCH_H
#define VRRP_RELOAD_MATCH_H

#include <stdbool.h>
#include <stddef.h>

#include "hd_config.h"

/* Same VRRP identity: a running instance with A continues as B. */
bool vrrp_same_identity(const struct hd_vrrp_instance_config *a,
			const struct hd_vrrp_instance_config *b);

/* For each of the N_NEW instances of the new configuration, FROM[i] = the
 * index + 1 of the running instance it continues, 0 for a new one. OLD
 * holds the running instances' configurations (NULL entries are skipped);
 * each continues at most one new instance: matched entries are set to
 * NULL. */
void vrrp_reload_match(const struct hd_vrrp_instance_config **old, size_t n_old,
		       const struct hd_vrrp_instance_config *new_inst, size_t n_new, size_t *from);

/* A continued instance adopting NEW (it ran OLD): DEL_VIPS, take the old
 * addresses off now (they changed and it holds them, VIPS_ON); READD, add
 * the new ones and announce them (they changed and it is MASTER). */
struct vrrp_adopt {
	bool del_vips;
	bool readd;
};
struct vrrp_adopt vrrp_reload_adopt(const struct hd_vrrp_instance_config *old,
				    const struct hd_vrrp_instance_config *new_cfg, bool vips_on,
				    bool is_master);

#endif
