/* The connection sync daemons: which ones a director runs, and the steps
 * from the running ones to those. PURE (no I/O), table-tested by
 * tests/unit/test_ipvs_sync_rule.c; ipvs_daemon.c executes the steps.
 *
 * The kernel runs at most one master (sends this director's connections to
 * the multicast group) and one backup (learns the connections the group
 * carries) per network namespace, and both may run at once. In a VRRP pair
 * the master of the lvs_sync_daemon's vrrp_instance runs the master daemon
 * and the other the backup one, as keepalived does. In announce mode every
 * director is active at once (ECMP): `mode = both` runs both on each, with
 * the same syncid and group, so every director sends its own connections
 * and learns everyone else's; a flow the router moves to another director
 * finds its entry there and keeps its real server, whatever the scheduler.
 * The kernel's master socket does not loop its messages back
 * (IP_MULTICAST_LOOP off), so a director never learns its own. */
#ifndef IPVS_SYNC_RULE_H
#define IPVS_SYNC_RULE_H

#include <stdbool.h>

#include "hd_config.h"

#define IPVS_SYNC_MASTER 1 /* IP_VS_STATE_MASTER */
#define IPVS_SYNC_BACKUP 2 /* IP_VS_STATE_BACKUP */
#define IPVS_SYNC_ALL	 (IPVS_SYNC_MASTER | IPVS_SYNC_BACKUP)

/* The daemons LS wants (a mask of the bits above; 0: none), VRRP_MASTER:
 * the lvs_sync_daemon's vrrp_instance is master (mode vrrp only). */
int ipvs_sync_want(const struct hd_lvs_sync_config *ls, bool vrrp_master);

/* From the daemons running (HAVE, started with the parameters in force
 * when SAME, else with others) to WANT: first stop STOP, then start START.
 * A running daemon's parameters cannot change: a change restarts it. */
struct ipvs_sync_steps {
	int stop, start;
};
struct ipvs_sync_steps ipvs_sync_plan(int have, int want, bool same);

/* Whether a daemon found running (RUNNING, as the kernel reports it: e.g.
 * left by this director's hadirector before a crash, SIGKILL or the
 * watchdog) is the one WANT would start, so it is kept rather than
 * stopped and started again (which would drop what the master has not
 * sent yet, up to 2 s of connections, and blind the backup meanwhile).
 * Interface and syncid must match; a parameter WANT sets must match, one
 * it leaves unset must be the kernel's default (group 224.0.0.81, port
 * 8848, ttl 1; maxlen depends on the MTU: any). A parameter the kernel
 * did not report (0, kernels before 4.3) does not match a set one. */
bool ipvs_sync_adoptable(const struct hd_lvs_sync_config *want,
			 const struct hd_lvs_sync_config *running);

/* "none", "master", "backup", "master+backup" */
const char *ipvs_sync_mask_str(int mask);

#endif
