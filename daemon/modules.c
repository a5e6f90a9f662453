/* The module table and the loops over it (modules.h).
 *
 * The order, and why:
 * 1. healthcheck: the verdicts exist before anything reads them (IPVS
 *    builds its table from them; quorum state comes from them).
 * 2. ipvs: its table is in place (and its sync daemon role known) before
 *    VRRP may take a VIP: a new master sends traffic to a table that is
 *    already there, and a VRRP transition at init can set the sync role.
 * 3. vrrp: last of the protocol modules, for the reason above.
 * 4. ops (metrics HTTP, SNMP): reads every module's state; started when
 *    all are there, so a scrape or an AgentX get never meets a missing one.
 * Reload prepares and commits in the same order (VRRP's commit may run
 * transitions that tell IPVS the sync role: IPVS is committed by then).
 * Shutdown and free run in reverse: VRRP first, so a master gives up
 * (priority 0) and the backup starts taking over while the rest stops;
 * ops before the modules it reads. Status lists the modules in reverse
 * too, outside in: the VRRP role, the IPVS table behind the VIP, then the
 * checks behind that. */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "alert.h"
#include "events.h"
#include "fault.h"
#include "log.h"
#include "metrics_modules.h"
#include "modules.h"
#include "ops.h"
#include "overrides.h"
#include "vrrp/vrrp_view.h" /* vrrp_status_text */

static const struct hd_module_view events_view = {hd_events_status_json, NULL, NULL,
						  hd_events_metrics};
static const struct hd_module_view alert_view = {hd_alert_status_json, NULL, NULL,
						 hd_alert_metrics};
static const struct hd_module_view overrides_view = {
    hd_overrides_status_json, hd_overrides_status_text, NULL, hd_overrides_metrics};
static const struct hd_module_view hc_view = {hc_status_json, NULL, hc_dump, hc_metrics};
static const struct hd_module_view ipvs_view = {ipvs_status_json, NULL, ipvs_dump, ipvs_metrics};
static const struct hd_module_view announce_view = {announce_status_json, NULL, announce_dump,
						    announce_metrics};
static const struct hd_module_view vrrp_view = {vrrp_status_json, vrrp_status_text, vrrp_dump,
						vrrp_metrics};

const struct hd_module hd_modules[] = {
    /* first: every other module's events, at init too, are numbered */
    {"events", hd_events_init, hd_events_prepare, hd_events_commit, hd_events_abort, NULL,
     hd_events_free, &events_view},
    /* first: the others' transitions, at init too, may queue a mail */
    {"alert", hd_alert_init, hd_alert_prepare, hd_alert_commit, hd_alert_abort, NULL, hd_alert_free,
     &alert_view},
    {"healthcheck", hc_init, hc_prepare, hc_commit, hc_abort, hc_shutdown, hc_free, &hc_view},
    /* after healthcheck: re-applies the operator's changes its commit kept */
    {"overrides", hd_overrides_init, hd_overrides_prepare, hd_overrides_commit, hd_overrides_abort,
     NULL, hd_overrides_free, &overrides_view},
    {"ipvs", ipvs_init, ipvs_prepare, ipvs_commit, ipvs_abort, ipvs_shutdown, ipvs_free,
     &ipvs_view},
    {"vrrp", vrrp_init, vrrp_prepare, vrrp_commit, vrrp_abort, vrrp_shutdown, vrrp_free,
     &vrrp_view},
    /* after vrrp: the IPVS table is in place before a route draws flows
     * to it; shut down first of all, so the router moves new flows away
     * while IPVS still serves those under way */
    {"announce", announce_init, announce_prepare, announce_commit, announce_abort,
     announce_shutdown, announce_free, &announce_view},
    {"ops", hd_ops_start, hd_ops_prepare, hd_ops_commit, hd_ops_abort, NULL, hd_ops_free, NULL},
};
const size_t hd_n_modules = sizeof(hd_modules) / sizeof(hd_modules[0]);

#define N_MODULES (sizeof(hd_modules) / sizeof(hd_modules[0]))

int hd_modules_init(struct hd_daemon *d)
{
	for (size_t i = 0; i < N_MODULES; i++) {
		int r = hd_modules[i].init(d);
		if (r < 0) {
			hd_err("%s: cannot start: %s", hd_modules[i].name,
			       strerror(r == -1 ? ENOMEM : -r));
			return r;
		}
	}
	return 0;
}

int hd_modules_reload(struct hd_daemon *d, const struct hd_config *newcfg)
{
	return hd_modules_reload_staged(d, newcfg, NULL);
}

int hd_modules_reload_staged(struct hd_daemon *d, const struct hd_config *newcfg,
			     struct hc_stage *hc)
{
	void *prep[N_MODULES] = {0};
	size_t i;
	int r = 0;

	/* Allocation failures are injected here in test builds (fault.h):
	 * everything a prepare does must be undone by its abort. A staged
	 * build's window began with its first step (reload.c). */
	hd_fault_arm("reload");
	for (i = 0; i < N_MODULES; i++) {
		if (hc && hd_modules[i].prepare == hc_prepare)
			r = hc_prepare_staged(d, hc, &prep[i]), hc = NULL;
		else
			r = hd_modules[i].prepare(d, newcfg, &prep[i]);
		if (r < 0)
			break;
	}
	hd_fault_disarm();
	hc_stage_abort(d, hc); /* not reached: a prepare before it failed */
	if (r < 0) {
		hd_err("reload: %s: cannot prepare the new configuration: %s", hd_modules[i].name,
		       strerror(-r));
		while (i-- > 0)
			hd_modules[i].abort(d, prep[i]);
		return r;
	}
	for (i = 0; i < N_MODULES; i++)
		hd_modules[i].commit(d, newcfg, prep[i]);
	return 0;
}

/* A reload stopped before its commit (reload_plan.h): every module
 * prepares, FN reads the prepared states (PREP[i] is hd_modules[i]'s),
 * every module aborts. Nothing of the running state changes. */
int hd_modules_plan(struct hd_daemon *d, const struct hd_config *newcfg, hd_modules_plan_fn fn,
		    void *ud)
{
	void *prep[N_MODULES] = {0};
	size_t i;
	int r = 0;

	for (i = 0; i < N_MODULES && r == 0; i++)
		if ((r = hd_modules[i].prepare(d, newcfg, &prep[i])) < 0)
			break;
	if (r == 0)
		r = fn(d, newcfg, prep, ud);
	while (i-- > 0)
		hd_modules[i].abort(d, prep[i]);
	return r;
}

size_t hd_module_index(const char *name)
{
	size_t i = 0;

	while (i < N_MODULES - 1 && strcmp(hd_modules[i].name, name))
		i++;
	return i;
}

void hd_modules_shutdown(struct hd_daemon *d)
{
	for (size_t i = N_MODULES; i-- > 0;)
		if (hd_modules[i].shutdown)
			hd_modules[i].shutdown(d);
}

void hd_modules_free(struct hd_daemon *d)
{
	for (size_t i = N_MODULES; i-- > 0;)
		hd_modules[i].free(d);
}

void hd_modules_status_json(struct hd_daemon *d, FILE *out)
{
	for (size_t i = N_MODULES; i-- > 0;) {
		const struct hd_module_view *v = hd_modules[i].view;

		if (!v || !v->json)
			continue;
		fprintf(out, ",\"%s\":", hd_modules[i].name);
		v->json(d, out);
	}
}

void hd_modules_status_text(struct hd_daemon *d, FILE *out)
{
	for (size_t i = N_MODULES; i-- > 0;) {
		const struct hd_module_view *v = hd_modules[i].view;

		if (v && v->text) {
			v->text(d, out);
		} else if (v && v->json) {
			fprintf(out, "%s: ", hd_modules[i].name);
			v->json(d, out);
			fputc('\n', out);
		}
	}
}

void hd_modules_dump(struct hd_daemon *d)
{
	for (size_t i = N_MODULES; i-- > 0;)
		if (hd_modules[i].view && hd_modules[i].view->dump)
			hd_modules[i].view->dump(d);
}

void hd_modules_metrics(struct hd_daemon *d, FILE *out)
{
	for (size_t i = N_MODULES; i-- > 0;)
		if (hd_modules[i].view && hd_modules[i].view->metrics)
			hd_modules[i].view->metrics(d, out);
}
