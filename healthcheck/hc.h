/* What the health-check module tells the rest of the daemon, and its hooks
 * for the table in daemon/modules.c (daemon/modules.h says what each
 * does). */
#ifndef HC_H
#define HC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "hd_context.h"

int hc_init(struct hd_daemon *d);
int hc_prepare(struct hd_daemon *d, const struct hd_config *newcfg, void **prep);
void hc_commit(struct hd_daemon *d, const struct hd_config *newcfg, void *prep);
void hc_abort(struct hd_daemon *d, void *prep);
/* A reload's prepare in steps (daemon/reload.c): tens of thousands of
 * probes and real servers take tens of ms to build natively, ten times that
 * under emulation, and in one loop iteration they held a VRRP advert back.
 * hc_stage_begin allocates the build's arrays; each hc_stage_step builds
 * virtual servers until DEADLINE (CLOCK_MONOTONIC usec) and returns 1 once
 * all are built (0: more to do, < 0: failed), the running state untouched
 * (the checks go on between the steps); hc_prepare_staged, called in
 * hc_prepare's place, carries the runtime state over as it is then (no
 * allocation but the timers') and returns the prepared state. A build that
 * another one overtook (a reload plan, an add-rs) starts over. Both
 * hc_prepare_staged and hc_stage_abort consume the stage. */
struct hc_stage;
int hc_stage_begin(struct hd_daemon *d, const struct hd_config *newcfg, struct hc_stage **out);
int hc_stage_step(struct hd_daemon *d, struct hc_stage *s, uint64_t deadline);
int hc_prepare_staged(struct hd_daemon *d, struct hc_stage *s, void **prep);
void hc_stage_abort(struct hd_daemon *d, struct hc_stage *s);
void hc_shutdown(struct hd_daemon *d);
void hc_free(struct hd_daemon *d);
void hc_status_json(struct hd_daemon *d, FILE *out);
void hc_dump(struct hd_daemon *d);
void hc_metrics(struct hd_daemon *d, FILE *out); /* hc_metrics.c */

/* The verdict on one real server of the current configuration, as the IPVS
 * model consumes it. A real server without checkers is up with its
 * configured weight. WEIGHT is what IPVS should get when UP (a drain or a
 * misc_check dynamic weight already applied). */
struct hc_rs_verdict {
	bool up;
	unsigned weight;
	bool drained;
};

/* VS and RS index d->config->virtual_servers[vs].real_servers[rs]. */
void hc_rs_verdict(struct hd_daemon *d, size_t vs, size_t rs, struct hc_rs_verdict *out);

/* Runtime operator actions, for the control socket (`hadirectorctl drain VS
 * RS`, `undrain`, `weight`). VS is "IP:PORT" (TCP), "udp/IP:PORT",
 * "tcp/IP:PORT" or "fwmark:N"; RS is "IP:PORT" ("[v6]:PORT"). A drained
 * server keeps being checked but gets weight 0. WEIGHT < 0 returns to the
 * configured (or misc_check dynamic) weight. Both survive reloads for real
 * servers that stay in the configuration, and trigger a reconcile.
 * Return 0, -ENOENT (no such VS/RS), -EINVAL (unparsable) or -ERANGE. */
int hc_set_drain(struct hd_daemon *d, const char *vs, const char *rs, bool drain);
int hc_set_weight(struct hd_daemon *d, const char *vs, const char *rs, int weight);

/* The same by index (VS, RS as in hc_rs_verdict), with no lookup and no
 * log line, for daemon/overrides.c, which owns the operator's changes
 * and logs them: DRAINED and WEIGHT (< 0: none) are the whole operator
 * state of that server. A no-op when nothing changes. */
void hc_set_rs_operator(struct hd_daemon *d, size_t vs, size_t rs, bool drained, int weight);

/* The same of a prepared reload (PREP from hc_prepare, before its commit
 * or abort): what hc_rs_verdict and hc_vs_quorum_lost will say once it is
 * committed, VS and RS indexing the new configuration. For reload plans
 * (daemon/reload_plan.c): the IPVS writes the reload would make. */
void hc_prep_verdict(const void *prep, size_t vs, size_t rs, struct hc_rs_verdict *out);
bool hc_prep_quorum_lost(const void *prep, size_t vs);

/* Quorum state as the health checker sees it (weights of live servers vs
 * quorum/hysteresis, see healthcheck/hc_policy.h); informational, the
 * quorum_up/quorum_down scripts run on its edges. */
bool hc_vs_quorum_lost(struct hd_daemon *d, size_t vs);

/* Readiness (GET /readyz, daemon/ready.h): true once every check has a
 * first result, or false with WHY (LEN bytes) naming one that has not. */
bool hc_ready(struct hd_daemon *d, char *why, size_t len); /* hc_ready.c */
/* Whether the checks have settled since SINCE (CLOCK_MONOTONIC usec): every
 * check has completed a run that started after it, and none is between
 * verdicts (passing, rise not reached; failing, fall not reached); WHY
 * says which is not (hc_ready.c). */
bool hc_settled_since(struct hd_daemon *d, uint64_t since, char *why, size_t len);

#endif
