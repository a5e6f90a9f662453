/* Announce mode (ECMP): when is a VIP announced? PURE (no I/O, no loop),
 * table-tested by tests/unit/test_announce_policy.c. The module
 * (announce_daemon.c) gathers the inputs and executes the answer: a route
 * to the VIP in the announce table, which FRR redistributes over BGP.
 *
 * A VIP is announced while all of these hold, and withdrawn otherwise:
 * - the daemon runs (not stopping; a dead daemon's routes die with its
 *   TUN device, in the kernel);
 * - the TUN device the routes go through is there;
 * - the director is not drained (hadirectorctl drain-director);
 * - every interface of announce.interface is up;
 * - the health checks have settled at start (every check has a first
 *   result: before that a quorum is a guess and a director just started
 *   would draw its share of the flows to real servers it never checked);
 * - every announce-mode virtual server on that address has quorum (the
 *   router sends every port of the VIP here: one port without real
 *   servers would black-hole its share of that port's flows);
 * - after a link down or a quorum loss (causes that can have failed the
 *   checks), the checks have settled again: every check has completed a
 *   run started after the cause cleared and no real server is between
 *   verdicts, so this director's table is the one the others have (a
 *   flow moved here keeps its real server).
 * The first that fails is the reason shown. */
#ifndef ANNOUNCE_POLICY_H
#define ANNOUNCE_POLICY_H

#include <stdbool.h>
#include <stddef.h>

#include "hd_config.h"

enum announce_reason {
	ANNOUNCE_OK = 0, /* announced */
	ANNOUNCE_STOPPING,
	ANNOUNCE_NO_DEVICE,
	ANNOUNCE_DRAINED,
	ANNOUNCE_LINK_DOWN,
	ANNOUNCE_CHECKS_PENDING,
	ANNOUNCE_NO_QUORUM,
	ANNOUNCE_CHECKS_SETTLING,
	ANNOUNCE_REMOVED, /* not decided: a reload took the VIP out */
	ANNOUNCE_REASON_LAST = ANNOUNCE_REMOVED,
};

struct announce_inputs {
	bool stopping;	   /* SIGTERM: withdraw before anything else stops */
	bool device_up;	   /* the TUN device exists and is up */
	bool drained;	   /* drain-director */
	bool links_up;	   /* every announce.interface is up (none: true) */
	bool checks_ready; /* every check has had a first result, once */
	bool quorum;	   /* every announce-mode service on the VIP has quorum */
	/* after a link down or no quorum: the checks have not settled again */
	bool checks_settling;
};

enum announce_reason announce_decide(const struct announce_inputs *in);
/* "announced", "stopping", "no device", "drained", "link down",
 * "checks pending", "no quorum", "checks settling", "removed" */
const char *announce_reason_str(enum announce_reason r);

/* Whether virtual server VS serves address A (its own, or a group
 * member's). */
bool announce_vs_has_addr(const struct hd_virtual_server_config *vs, const struct hd_addr *a);
/* The distinct addresses of CFG's announce-mode virtual servers, in
 * configuration order, into OUT (room for announce_vips_max(CFG));
 * returns how many. */
size_t announce_vips_max(const struct hd_config *cfg);
size_t announce_vips(const struct hd_config *cfg, struct hd_addr *out);
/* Quorum of VIP: every announce-mode virtual server on it has quorum
 * (QUORUM_LOST[i] for cfg->virtual_servers[i]). False when none serves it. */
bool announce_vip_quorum(const struct hd_config *cfg, const struct hd_addr *vip,
			 const bool *quorum_lost);

/* The connection sync among the directors (lvs_sync_daemon): none, mode
 * vrrp (only a vrrp_instance's master sends) or mode both (every director
 * sends its connections and learns the others'). */
enum announce_sync {
	ANNOUNCE_SYNC_NONE,
	ANNOUNCE_SYNC_VRRP,
	ANNOUNCE_SYNC_BOTH,
};

/* A scheduler's cost in announce mode. Each director schedules the flows
 * the router hands it, on its own: only a consistent hash (mh, Maglev; sh
 * with the same real servers and weights) makes every director pick the
 * same real server for a flow, so that a flow moved to another director
 * (one leaves or joins, the router rehashes) keeps its real server; or
 * connection sync in mode both, where the flow's new director has learnt
 * its entry. Any other case: returns true and writes why, and the remedy
 * (mh, or sync in mode both), to MSG (LEN bytes). */
bool announce_sched_cost(const char *lb_algo, enum announce_sync sync, char *msg, size_t len);

#endif
