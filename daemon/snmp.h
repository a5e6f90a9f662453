/* SNMP AgentX subagent (global { snmp = true  snmp_socket = ... }): the
 * VRRP-MIB (RFC 2787) vrrpOperTable and vrrpRouterStatsTable for version 2
 * instances, the VRRPv3-MIB (RFC 6527) vrrpv3OperationsTable and
 * vrrpv3StatisticsTable for version 3 ones, and HADIRECTOR-MIB
 * (etc/HADIRECTOR-MIB.txt) for virtual servers, real servers and checkers;
 * notifications on a new master and on real server state changes.
 * net-snmp runs in a child process, fed snapshots of the state by the
 * event loop, so a hung snmpd never blocks the loop (snmp.c); the subagent
 * pings the master agent and reattaches when snmpd restarts. */
#ifndef HD_SNMP_H
#define HD_SNMP_H

#include "daemon.h"

struct hd_snmp;

/* SOCKET: the master's AgentX socket (NULL: net-snmp's default). NULL
 * when the agent library cannot start (logged). A snmpd that is not
 * running yet is not an error: the subagent keeps trying. */
struct hd_snmp *hd_snmp_start(struct hd_daemon *d, const char *socket);
void hd_snmp_free(struct hd_snmp *s);
/* After every loop iteration (ops.c): send the notifications for what
 * changed in it. */
void hd_snmp_watch(struct hd_snmp *s);

#endif
