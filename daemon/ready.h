/* Readiness, for GET /readyz on the metrics listener (metrics_http.c):
 * Kubernetes readiness probes and load-balancer health checks ask whether
 * this director has settled, so that a rolling restart does not take the
 * peer down before this one can take over. Ready means all of:
 * - configured: the configuration is loaded and every module started
 *   (the listener exists only then) and the daemon is not stopping;
 * - VRRP: every instance is out of INIT and FAULT and has made its first
 *   decision since it (re)started: it is master, or as backup it heard a
 *   master's advert or reached its master-down timer (a sync group may
 *   hold it backup then). An instance in fault cannot take over, so it
 *   keeps the director not ready; a new instance from a reload starts
 *   undecided;
 * - health checks: every check has a first result (success or failure):
 *   the IPVS table then reflects verdicts, not the start-up assumptions.
 * Not part of it: whether this director is master, real servers are up
 * or a quorum is held (those are the metrics and the alert rules), nor
 * IPVS write errors (counted in the metrics and retried).
 * GET /livez answers 200 from the loop itself: an answer proves the loop
 * turns; a stopped or stuck loop leaves the connection unanswered. */
#ifndef HD_READY_H
#define HD_READY_H

#include <stdbool.h>
#include <stddef.h>

#include "daemon.h"

/* True when ready; otherwise WHY (LEN bytes, NUL-terminated) says what
 * is still waiting, one line, at most one item per module (the modules'
 * parts: vrrp_ready() in vrrp/vrrp.h, hc_ready() in healthcheck/hc.h). */
bool hd_ready(struct hd_daemon *d, char *why, size_t len);

#endif
