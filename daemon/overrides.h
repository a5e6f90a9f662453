/* Live changes (issue 22): what the operator changed through the control
 * socket without editing the file, each kept as an override with who made
 * it (SO_PEERCRED uid and pid) and when, listed in status.
 *
 *   drain VS RS         the real server gets weight 0 (checks go on)
 *   weight VS RS N      the real server gets weight N
 *   maint VS            every real server of VS drained (its sorry server,
 *                       if any, takes new clients: quorum is lost)
 *   maint --all         every virtual server in maintenance; the VIPs and
 *                       VRRP are left alone (moving traffic to the peer is
 *                       another command)
 *   add-rs VS RS ...    a real server added, with its checks
 *   remove-rs VS RS     a real server taken out, its checks stopped
 *                       (both in overrides_rs.c, with their reload rules)
 *
 * This module is the authority; the health checker's per-server drained
 * flag and operator weight (hc_set_drain, hc_set_weight) are what it
 * derives: drained = its own drain, or its VS's maintenance, or the
 * director's.
 *
 * Across a reload (the module's commit, after the health checker's): an
 * override stays while the file still has what it overrode unchanged; it
 * is dropped, with a log line naming it and what the file says now, when
 * its virtual server or real server left the file or the real server's
 * configured weight changed (the file was edited about that server after
 * the operator acted: the newer word wins). Real servers new in a VS in
 * maintenance are drained too. */
#ifndef HD_OVERRIDES_H
#define HD_OVERRIDES_H

#include <stdint.h>
#include <stdio.h>
#include <sys/socket.h>

#include "ctl_proto.h"
#include "daemon.h"

int hd_overrides_init(struct hd_daemon *d);
int hd_overrides_prepare(struct hd_daemon *d, const struct hd_config *newcfg, void **prep);
void hd_overrides_commit(struct hd_daemon *d, const struct hd_config *newcfg, void *prep);
void hd_overrides_abort(struct hd_daemon *d, void *prep);
void hd_overrides_free(struct hd_daemon *d);
/* Before a reload's prepare (reload.c, reload_plan.c): the real servers
 * added at runtime go into NEWCFG (the file's), the ones removed at
 * runtime out of it, unless the file overrules them (see add-rs in
 * hadirectorctl(8)); what it overruled is dropped, and logged, by the
 * commit (a plan or a failed reload drops nothing). 0, or -ENOMEM. */
int hd_overrides_inject(struct hd_daemon *d, struct hd_config *newcfg);
void hd_overrides_status_json(struct hd_daemon *d, FILE *out);
void hd_overrides_status_text(struct hd_daemon *d, FILE *out);
void hd_overrides_metrics(struct hd_daemon *d, FILE *out);

/* drain, undrain, weight, maint, unmaint (and drain --wait's drain) from
 * PEER. Validated as the file is, with errors in its form ("control:1:
 * weight: 70000 is out of range 0..65535"). Writes the reply body to OUT;
 * returns 0 or < 0. Publishes a runtime event either way. */
int hd_override_request(struct hd_daemon *d, const struct hd_ctl_request *req,
			const struct ucred *peer, FILE *out);

/* drain --wait: one poll of the kernel's counters for VS RS (names as
 * given). Returns 1 (no active connection: MSG says so), 0 (some left:
 * poll again), or < 0 with MSG saying why the wait cannot go on (undrained
 * meanwhile, gone from the file, no IPVS). */
int hd_override_drain_poll(struct hd_daemon *d, const char *vs, const char *rs, uint64_t *active,
			   char *msg, size_t len);

#endif
