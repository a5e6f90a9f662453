/* The IPVS generic netlink family (libnl-genl-3 for requests): dump the table,
 * apply diff ops, drive the connection sync daemon. Calls block on the
 * kernel's answer (it answers at once; a receive timeout guards it). */
#ifndef IPVS_GENL_H
#define IPVS_GENL_H

#include <stdint.h>

#include "ipvs_types.h"

struct ipvs_nl;

/* Open a socket and resolve the "IPVS" family. Returns -errno
 * (-ENOENT when the kernel has no IPVS). */
int ipvs_nl_open(struct ipvs_nl **out);
void ipvs_nl_close(struct ipvs_nl *nl);

/* Dump every service and its destinations into OUT (initialised and
 * sorted here). Malformed replies are skipped and counted. Returns 0 or
 * -errno; on error OUT is empty. */
int ipvs_nl_dump(struct ipvs_nl *nl, struct ipvs_table *out);
/* The same, but the destinations only of the services SEL(key, ARG)
 * selects; the others come back with none. */
typedef bool (*ipvs_nl_sel_fn)(const struct ipvs_svc_key *k, void *arg);
int ipvs_nl_dump_sel(struct ipvs_nl *nl, struct ipvs_table *out, ipvs_nl_sel_fn sel, void *arg);

/* Dump only the services whose keys are in KEYS (those missing in the
 * kernel are absent from OUT). Same contract as ipvs_nl_dump. */
int ipvs_nl_dump_keys(struct ipvs_nl *nl, const struct ipvs_keyset *keys, struct ipvs_table *out);

/* One write. Returns 0 or the kernel's -errno. */
int ipvs_nl_apply(struct ipvs_nl *nl, const struct ipvs_op *op);

/* Start (START) or stop the sync daemon in STATE (IP_VS_STATE_MASTER or
 * IP_VS_STATE_BACKUP) with LS's parameters (NULL to stop; an option left
 * unset is not sent: the kernel's default). Returns 0 or -errno. */
int ipvs_nl_sync_daemon(struct ipvs_nl *nl, int start, int state,
			const struct hd_lvs_sync_config *ls);

/* Parse one kernel reply carrying a service / a destination (what a dump
 * delivers per message). Return 0, or -EBADMSG for anything malformed. Exposed
 * for the unit tests that feed them hostile input. */
struct nlmsghdr;
int ipvs_nl_parse_service_reply(const struct nlmsghdr *nlh, struct ipvs_service *out);
int ipvs_nl_parse_dest_reply(const struct nlmsghdr *nlh, uint16_t svc_af, struct ipvs_dest *out);

/* Which sync daemons run: IP_VS_STATE_MASTER | IP_VS_STATE_BACKUP bits in
 * STATES. Returns 0 or -errno. */
int ipvs_nl_sync_daemons_running(struct ipvs_nl *nl, int *states);
/* The same with each running daemon's parameters as the kernel reports
 * them: cfg[0] the master's, cfg[1] the backup's (enabled when it runs). */
struct ipvs_sync_running {
	int states;
	struct hd_lvs_sync_config cfg[2];
};
int ipvs_nl_sync_daemons_get(struct ipvs_nl *nl, struct ipvs_sync_running *out);

uint64_t ipvs_nl_reconnects(const struct ipvs_nl *nl);	 /* socket reopened after a desync */
uint64_t ipvs_nl_writes(const struct ipvs_nl *nl);	 /* write messages sent */
uint64_t ipvs_nl_parse_errors(const struct ipvs_nl *nl); /* replies skipped: malformed, foreign */
int ipvs_nl_family(const struct ipvs_nl *nl);

#endif
