/* A read-only view of the IPVS module's runtime state, filled by the module
 * (ipvs_status.c), from which every output is rendered: status JSON (and
 * so status text), the SIGUSR1 dump (ipvs_view_render.c), Prometheus
 * metrics (ipvs_metrics.c) and SNMP (daemon/snmp_hd*.c: the observed
 * table's counters). Pointers are valid until the next reconcile pass:
 * use them within one callback.
 *
 * The module's counters are defined once, in IPVS_VIEW_COUNTERS: a line
 * added there is a field of the view, a status JSON key, a metric family
 * and a dump entry (tests/unit/test_views_ipvs.c checks that every field
 * reaches them). HADIRECTOR-MIB has no column for them; the observed
 * table's service and destination counters are its hdVs and hdRs
 * columns. */
#ifndef IPVS_VIEW_H
#define IPVS_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "hd_context.h"
#include "ipvs_retry.h"
#include "ipvs_sysctl.h"
#include "ipvs_types.h"

/* X(field, metric, metric type, help, JSON key), all uint64_t; in the
 * order of the status JSON's keys. */
#define IPVS_VIEW_COUNTERS(X)                                                                      \
	X(writes, "hadirector_ipvs_netlink_writes_total", "counter",                               \
	  "IPVS netlink write messages sent.", "netlink_writes")                                   \
	X(reconciles, "hadirector_ipvs_reconciles_total", "counter", "Reconcile passes.",          \
	  "reconciles")                                                                            \
	X(dumps, "hadirector_ipvs_dumps_total", "counter", "Full or partial table dumps.",         \
	  "dumps")                                                                                 \
	X(errors, "hadirector_ipvs_reconcile_errors_total", "counter",                             \
	  "Errors while reconciling (kernel refusals, dump failures, IPVS missing).", "errors")    \
	X(errors_not_logged, "hadirector_ipvs_errors_not_logged_total", "counter",                 \
	  "Kernel refusals not logged (at most 20 are logged in 10 s).", "errors_not_logged")      \
	X(parse_errors, "hadirector_ipvs_netlink_parse_errors_total", "counter",                   \
	  "Malformed netlink replies skipped.", "parse_errors")                                    \
	X(pending_ops, "hadirector_ipvs_pending_ops", "gauge",                                     \
	  "Failed writes waiting for a retry.", "pending_ops")                                     \
	X(readd_holds, "hadirector_ipvs_readd_nodest_holds_total", "counter",                      \
	  "Re-adds (kept order) during which expire_nodest_conn was held at 0.", "readd_holds")    \
	X(readd_hold_errors, "hadirector_ipvs_readd_nodest_hold_errors_total", "counter",          \
	  "Writes of expire_nodest_conn around a re-add the kernel refused.", "readd_hold_errors")

/* The reconcile pass under way (ipvs_ctx.h), if any. */
struct ipvs_pass_view {
	const char *phase; /* "idle", "build", "diff", "write", "reread" */
	bool running;	   /* not idle: the rest is set */
	size_t ops, tried, taken, touched, reread;
	unsigned slices;
};

/* A pass's figures: how long, in how many loop iterations (slices), the
 * longest of them; WRITES: the writes it made. */
struct ipvs_pass_stats {
	uint64_t usec, writes;
	unsigned slices;
	uint64_t longest_slice_usec;
};

struct ipvs_view {
	bool available;			   /* the kernel's IPVS family answered */
	const struct ipvs_table *desired;  /* from the config and verdicts */
	const struct ipvs_table *observed; /* last dump, with counters */
	const struct ipvs_keyset *owned;   /* the services we wrote */
#define IPVS_VIEW_FIELD(f, metric, type, help, json) uint64_t f;
	IPVS_VIEW_COUNTERS(IPVS_VIEW_FIELD)
#undef IPVS_VIEW_FIELD
	/* status only: facts and the last passes */
	uint64_t now_usec; /* when the view was taken (the retries' waits) */
	uint64_t slow_timer_sec;
	bool keep_on_stop;
	struct ipvs_pass_stats last_pass, last_write_pass;
	uint64_t last_pass_build_usec;
	const char *last_error; /* NULL: none */
	struct ipvs_pass_view pass;
	const struct ipvs_retry *retries;
	size_t n_retries;
	const struct ipvs_sysctl_report *sysctl;
	const struct hd_lvs_sync_config *sync; /* the configured sync daemon */
	const char *sync_want, *sync_running;  /* ipvs_sync_state_str() */
	int sync_err;			       /* negative errno, 0: none */
};

/* Returns false (OUT untouched) when the module is not running. */
bool ipvs_get_view(struct hd_daemon *d, struct ipvs_view *out);

/* ipvs_view_render.c, pure: the status JSON object, and the dump's lines
 * (each "ipvs: ..." and a newline). */
void ipvs_view_json(FILE *out, const struct ipvs_view *v);
void ipvs_view_text(FILE *out, const struct ipvs_view *v);
/* ipvs_metrics.c, pure: the module's families; V NULL: the module is not
 * running (every family, the module's samples 0). */
void ipvs_view_metrics(FILE *out, const struct ipvs_view *v);

#endif
