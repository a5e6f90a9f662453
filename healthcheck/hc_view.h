/* A read-only view of the health checker: per virtual server, real server
 * and checker, filled by the module (hc_view.c) in one allocation, from
 * which every output is rendered: status JSON (and so status text and the
 * SIGUSR1 dump), Prometheus metrics (hc_view_render.c) and SNMP
 * (daemon/snmp_hd.c). Nothing outside healthcheck/ reads hc_int.h.
 *
 * The counters are defined once, in HC_VIEW_CHECK_COUNTERS (a checker's),
 * HC_VIEW_RS_COUNTERS (a real server's, summed over its checkers) and
 * HC_VIEW_VS_COUNTERS (a virtual server's): a line added there is a field
 * of the view, a JSON key, a metric family and a HADIRECTOR-MIB column's
 * SNMP cell (tests/unit/test_views.c checks that every field reaches them,
 * tests/unit/test_hd_mib.c that the MIB declares what is served). */
#ifndef HC_VIEW_H
#define HC_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "hd_context.h"
#include "hc_metrics.h"
#include "hc_policy.h"

/* Columns of HADIRECTOR-MIB's hdVirtualServerEntry, hdRealServerEntry
 * and hdCheckerEntry (etc/HADIRECTOR-MIB.txt) that counters fill: every
 * counter has one (daemon/snmp_hd.c asserts it at compile time). */
enum { HC_MIB_VS_GUARD_ENGAGEMENTS = 16, HC_MIB_VS_GUARD_EXPIRIES = 17 };
enum { HC_MIB_RS_RUNS = 8, HC_MIB_RS_FAILED = 9, HC_MIB_RS_SLOW_START_WEIGHTS = 17 };
enum {
	HC_MIB_CK_RUNS = 6,
	HC_MIB_CK_FAILURES = 7,
	HC_MIB_CK_RETRIES = 10,
	HC_MIB_CK_CONNECTIONS,
	HC_MIB_CK_AGENT_LINES,
	HC_MIB_CK_AGENT_GARBAGE,
	HC_MIB_CK_FWD_PROBES,
	HC_MIB_CK_FWD_VIP_NOT_ACCEPTED,
	HC_MIB_CK_FWD_ARP_ANSWERED,
	HC_MIB_CK_FWD_STRAY
};

/* X(field, metric, help, JSON key, hdCheckerEntry column) */
#define HC_VIEW_CHECK_COUNTERS(X)                                                                  \
	X(runs, "hadirector_checks_total", "Checks run.", "runs", HC_MIB_CK_RUNS)                  \
	X(failures, "hadirector_checks_failed_total", "Checks that failed.", "failures",           \
	  HC_MIB_CK_FAILURES)                                                                      \
	X(retries, "hadirector_check_retries_total",                                               \
	  "Failed checks tried again before they counted against the verdict.", "retries",         \
	  HC_MIB_CK_RETRIES)                                                                       \
	X(connections, "hadirector_check_connections_total",                                       \
	  "Connections made (http and https reuse one for several checks).", "connections",        \
	  HC_MIB_CK_CONNECTIONS)                                                                   \
	X(agent_lines, "hadirector_check_agent_lines_total",                                       \
	  "agent_check: lines the agent sent that were applied.", "agent_lines",                   \
	  HC_MIB_CK_AGENT_LINES)                                                                   \
	X(agent_garbage, "hadirector_check_agent_garbage_total",                                   \
	  "agent_check: lines the agent sent that were ignored as garbage.", "agent_garbage",      \
	  HC_MIB_CK_AGENT_GARBAGE)                                                                 \
	X(fwd_probes, "hadirector_check_forwarding_path_probes_total",                             \
	  "check_forwarding_path: probes sent through the DR or TUN path.", "fwd_probes",          \
	  HC_MIB_CK_FWD_PROBES)                                                                    \
	X(fwd_vip_not_accepted, "hadirector_check_forwarding_path_vip_not_accepted_total",         \
	  "check_forwarding_path: probes the VIP did not answer through the path.",                \
	  "fwd_vip_not_accepted", HC_MIB_CK_FWD_VIP_NOT_ACCEPTED)                                  \
	X(fwd_arp_answered, "hadirector_check_forwarding_path_arp_answered_total",                 \
	  "check_forwarding_path: probes where the real server answered ARP for the VIP.",         \
	  "fwd_arp_answered", HC_MIB_CK_FWD_ARP_ANSWERED)                                          \
	X(fwd_stray, "hadirector_check_forwarding_path_stray_total",                               \
	  "check_forwarding_path: packets from the VIP with a probe's port but not its sequence.", \
	  "fwd_stray", HC_MIB_CK_FWD_STRAY)
/* X(field, metric, help, JSON key, hdRealServerEntry column) */
#define HC_VIEW_RS_COUNTERS(X)                                                                     \
	X(checks_run, "hadirector_real_server_checks_total", "Checks run, all its checkers.",      \
	  "checks_run", HC_MIB_RS_RUNS)                                                            \
	X(checks_failed, "hadirector_real_server_checks_failed_total",                             \
	  "Checks that failed, all its checkers.", "checks_failed", HC_MIB_RS_FAILED)              \
	X(slow_start_writes, "hadirector_real_server_slow_start_weights_total",                    \
	  "Weights slow start gave the real server (IPVS writes of its ramps).",                   \
	  "slow_start_writes", HC_MIB_RS_SLOW_START_WEIGHTS)

/* X(field, metric, help, JSON key, hdVirtualServerEntry column) */
#define HC_VIEW_VS_COUNTERS(X)                                                                     \
	X(guard_engagements, "hadirector_virtual_server_guard_engagements_total",                  \
	  "Times the fail-open guard engaged.", "guard_engagements", HC_MIB_VS_GUARD_ENGAGEMENTS)  \
	X(guard_expiries, "hadirector_virtual_server_guard_expiries_total",                        \
	  "Times the fail-open guard released at its bound (max_ejection_timeout).",               \
	  "guard_expiries", HC_MIB_VS_GUARD_EXPIRIES)

#define HC_VIEW_FIELD(f, metric, help, json, mib) uint64_t f;

struct hc_check_view {
	const char *type; /* tcp, http, ... */
	struct hd_endpoint target;
	bool up, running;
	struct hc_result last;
	unsigned ok_run, fail_run, retry_it, rise, fall, retry, shared_by;
	int dyn_weight;		     /* -1: none */
	struct hc_agent_reply agent; /* agent_check: the last state and weight said */
	uint64_t delay_loop_usec, last_duration_usec, last_change_usec;
	struct hc_lat_hist lat;
	HC_VIEW_CHECK_COUNTERS(HC_VIEW_FIELD)
};

struct hc_rs_view {
	const void *key; /* the real server's identity while it runs (SNMP watcher) */
	struct hd_endpoint ep;
	bool up, drained;
	bool check_up;	    /* what the checks say (up differs: held by the guard) */
	bool held;	    /* failing, kept in service by the fail-open guard */
	bool agent_drained; /* an agent_check said drain */
	bool ramping;	    /* slow start: weight is on its way to target_weight */
	unsigned weight, configured_weight, target_weight;
	int operator_weight;	 /* -1: none */
	struct hc_result why;	 /* what keeps it in its state now */
	struct hc_result reason; /* what made it change last */
	uint64_t last_change_usec;
	HC_VIEW_RS_COUNTERS(HC_VIEW_FIELD)
	struct hc_check_view *checks;
	size_t n_checks;
};

struct hc_vs_view {
	const struct hd_virtual_server_config *cfg; /* its configuration; NULL in tests */
	char name[128];				    /* "10.0.0.1:80", "udp/...", "fwmark:5" */
	enum hd_proto protocol;
	bool is_fwmark;
	uint32_t fwmark;
	unsigned quorum, hysteresis, real_servers_up;
	bool quorum_lost;
	unsigned max_ejection;	    /* percent, 100: no fail-open guard */
	bool guard_engaged;	    /* holding failing real servers in service */
	unsigned real_servers_held; /* how many */
	HC_VIEW_VS_COUNTERS(HC_VIEW_FIELD)
	struct hc_rs_view *rs;
	size_t n_rs;
};
#undef HC_VIEW_FIELD

struct hc_view {
	uint64_t verdict_changes; /* real servers that went up or down, ever */
	uint64_t guard_changes;	  /* fail-open guards that engaged or released, ever */
	double wall_offset;	  /* seconds: a monotonic time + this = wall clock */
	struct hc_vs_view *vs;
	size_t n_vs;
};

/* hc_view.c (the module): the whole view in one allocation (free() it);
 * NULL when out of memory. With no module running, an empty view. */
struct hc_view *hc_view_new(struct hd_daemon *d);
/* The verdict and guard change counters alone (a watcher's cheap test). */
uint64_t hc_view_verdict_changes(struct hd_daemon *d);
uint64_t hc_view_guard_changes(struct hd_daemon *d);

/* hc_view_render.c, pure. */
void hc_view_json(FILE *out, const struct hc_view *v);	  /* a JSON array */
void hc_view_metrics(FILE *out, const struct hc_view *v); /* Prometheus families */

#endif
