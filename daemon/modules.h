/* The modules and the one table through which the daemon core drives them
 * (modules.c). Every module keeps its runtime state in its own context
 * hanging off struct hd_daemon.
 *
 * Reload is two-phase, as FRR's northbound prepare/abort/apply:
 * - prepare: allocate and compute everything the new configuration needs
 *   (new objects, new arrays, what carries over from the running state);
 *   no side effect on the running state, no I/O, no log; may fail.
 * - commit: put the prepared state in force (swap pointers, move the state
 *   of kept objects, stop removed ones, start new ones); cannot fail as a
 *   reload. I/O it starts (sockets, netlink writes, timers) fails the way
 *   it does at any other time: logged, faulted or retried, never undone.
 * - abort: free a prepared state that will not be committed.
 * hd_modules_reload() prepares every module; if one fails, it aborts the
 * ones prepared and nothing changed (the running configuration stays in
 * force, all modules). Only when all are prepared does it commit them all,
 * before d->config is swapped to NEWCFG (commit may still read the old
 * configuration: it is freed after). */
#ifndef HD_MODULES_H
#define HD_MODULES_H

#include <stdio.h>

#include "announce/announce.h"
#include "daemon.h"
#include "healthcheck/hc.h" /* each module's hooks: in its public header */
#include "ipvs/ipvs.h"
#include "ops.h" /* metrics HTTP and SNMP: the last in the table */
#include "vrrp/vrrp.h"

/* A module's outputs, every one rendered from the read-only view it
 * publishes (vrrp/vrrp_view.h, healthcheck/hc_view.h, ipvs/ipvs_view.h,
 * announce/announce_view.h): status, the SIGUSR1 dump and the metrics
 * reach a module only through this table. A NULL member: the module has no such output. */
struct hd_module_view {
	void (*json)(struct hd_daemon *d, FILE *out);	 /* one JSON value: its part of status */
	void (*text)(struct hd_daemon *d, FILE *out);	 /* status text lines; NULL: the JSON */
	void (*dump)(struct hd_daemon *d);		 /* full state to the log (SIGUSR1) */
	void (*metrics)(struct hd_daemon *d, FILE *out); /* its Prometheus families */
};

struct hd_module {
	const char *name; /* its key in status output */
	/* Build the runtime state from d->config and start it. On failure the
	 * state may be partly built: free() must release it. */
	int (*init)(struct hd_daemon *d);
	int (*prepare)(struct hd_daemon *d, const struct hd_config *newcfg, void **prep);
	void (*commit)(struct hd_daemon *d, const struct hd_config *newcfg, void *prep);
	void (*abort)(struct hd_daemon *d, void *prep);
	/* Clean stop (VRRP: a master sends priority 0, removes its VIPs). */
	void (*shutdown)(struct hd_daemon *d);
	/* Release everything, no I/O. */
	void (*free)(struct hd_daemon *d);
	/* Its outputs, each rendered from its read-only view; NULL = none. */
	const struct hd_module_view *view;
};

/* In start order; see modules.c for the order and why. */
extern const struct hd_module hd_modules[];
extern const size_t hd_n_modules;

/* Init every module in table order; stops at the first failure (the
 * caller then frees them all). */
int hd_modules_init(struct hd_daemon *d);
/* Prepare all, then commit all (or abort all: nothing changed, < 0). */
int hd_modules_reload(struct hd_daemon *d, const struct hd_config *newcfg);
/* The same with the health checks' build of NEWCFG made in steps before
 * (HC, from hc_stage_begin: consumed; healthcheck/hc.h). */
int hd_modules_reload_staged(struct hd_daemon *d, const struct hd_config *newcfg,
			     struct hc_stage *hc);
/* Prepare all, call FN with the prepared states (PREP indexed as
 * hd_modules), abort all: a reload plan (reload_plan.h). < 0: a prepare
 * failed (nothing was called) or FN's failure. */
typedef int (*hd_modules_plan_fn)(struct hd_daemon *d, const struct hd_config *newcfg, void **prep,
				  void *ud);
int hd_modules_plan(struct hd_daemon *d, const struct hd_config *newcfg, hd_modules_plan_fn fn,
		    void *ud);
/* The index of the module NAME in hd_modules (it must be there). */
size_t hd_module_index(const char *name);
/* Shutdown and free: in reverse table order. */
void hd_modules_shutdown(struct hd_daemon *d);
void hd_modules_free(struct hd_daemon *d);
/* ",\"NAME\":VALUE" per module with a view, outside in (reverse order). */
void hd_modules_status_json(struct hd_daemon *d, FILE *out);
void hd_modules_dump(struct hd_daemon *d);
/* "NAME: TEXT" per module with a view, outside in (status text). */
void hd_modules_status_text(struct hd_daemon *d, FILE *out);
/* Every module's metric families, outside in. */
void hd_modules_metrics(struct hd_daemon *d, FILE *out);

#endif
