/* Daemon core: scheduling, status and state dumps (the loop helpers are in
 * base/loop.c). */
#include <errno.h>
#include <malloc.h>
#include <sched.h>
#include <sys/mman.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-daemon.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "alert.h"
#include "control.h"
#include "daemon.h"
#include "json.h"
#include "log.h"
#include "metrics.h"
#include "metrics_modules.h"
#include "modules.h"
#include "ops.h"
#include "snapshot.h"

/* rt_priority / lock_memory: a busy machine must not delay an advert by more
 * than the few ms VRRP at advert_int 0.01 leaves. SCHED_RESET_ON_FORK keeps
 * scripts and checks out of the real-time class. */
void hd_apply_scheduling(struct hd_daemon *d)
{
	const struct hd_global_config *g = &d->config->global;
	struct sched_param sp = {.sched_priority = (int)g->rt_priority};
	int policy = g->rt_priority ? SCHED_RR | SCHED_RESET_ON_FORK : SCHED_OTHER;

	/* Leave alone what the service manager set unless we own it. */
	if (!g->rt_priority && !d->rt_active)
		;
	else if (sched_setscheduler(0, policy, &sp) < 0)
		hd_err("rt_priority %u: sched_setscheduler: %s", g->rt_priority, strerror(errno));
	else if ((d->rt_active = g->rt_priority != 0))
		hd_notice("running with real-time priority %u (SCHED_RR)", g->rt_priority);
	if (g->lock_memory && !d->memory_locked) {
		if (mlockall(MCL_CURRENT | MCL_FUTURE) < 0)
			hd_err("lock_memory: mlockall: %s", strerror(errno));
		else
			d->memory_locked = true;
	} else if (!g->lock_memory && d->memory_locked) {
		munlockall();
		d->memory_locked = false;
	}
}

/* Parsing leaves many small freed blocks (libconfuse builds every option of
 * every section): give them back, 35 -> 15 MB RSS at 1000 real servers. It
 * costs 8-9 ms at 1000 x 10 entries (native), so it runs at idle priority,
 * after the reconcile pass the reload asked for, not on the reload path. */
static int trim_cb(sd_event_source *s, void *userdata)
{
	malloc_trim(0);
	sd_event_source_disable_unref(s);
	return 0;
}

void hd_trim_later(struct hd_daemon *d)
{
	sd_event_source *s;

	if (sd_event_add_defer(d->event, &s, trim_cb, d) < 0) {
		malloc_trim(0);
		return;
	}
	sd_event_source_set_priority(s, SD_EVENT_PRIORITY_IDLE);
	sd_event_source_set_enabled(s, SD_EVENT_ONESHOT);
	/* Owned by the loop: freed with it if the daemon stops first. */
	sd_event_source_set_floating(s, true);
	sd_event_source_unref(s);
}

static void status_daemon_json(struct hd_daemon *d, FILE *out)
{
	const struct hd_control_stats *cs = hd_control_stats(d);

	fputs("{\"version\":", out);
	hd_json_str(out, PACKAGE_VERSION);
	fprintf(out, ",\"pid\":%d,\"config\":", d->pid);
	hd_json_str(out, d->opts.config_path);
	fputs(",\"router_id\":", out);
	hd_json_str(out, d->config->global.router_id);
	fprintf(out,
		",\"uptime_sec\":%.3f,\"reloads_ok\":%u,\"reloads_failed\":%u,"
		"\"last_reload\":\"%s\",\"reload_in_progress\":%s,\"last_reload_usec\":{\"parse\":%"
		"llu,\"build\":%llu,\"build_steps\":%u,\"modules\":%llu,"
		"\"swap\":%llu,\"to_table\":%llu,\"longest_step\":%llu},\"control\":{\"requests\":%"
		"lu,\"errors\":%lu,"
		"\"rejected_peers\":%lu,\"timeouts\":%lu,\"busy\":%lu,\"drain_waits\":%lu}}",
		(double)(hd_now_usec() - d->start_usec) / 1e6, d->reloads_ok, d->reloads_failed,
		d->last_reload_failed ? "failed" : "ok", hd_reload_busy(d) ? "true" : "false",
		(unsigned long long)d->reload_parse_usec, (unsigned long long)d->reload_build_usec,
		d->reload_build_steps, (unsigned long long)d->reload_modules_usec,
		(unsigned long long)d->reload_swap_usec,
		(unsigned long long)d->reload_to_table_usec,
		(unsigned long long)d->reload_longest_step_usec, cs->requests, cs->errors,
		cs->rejected_peers, cs->timeouts, cs->busy, cs->drain_waits);
}

void hd_status_json(struct hd_daemon *d, FILE *out)
{
	fputs("{\"daemon\":", out);
	status_daemon_json(d, out);
	hd_modules_status_json(d, out);
	fputs("}\n", out);
}

void hd_status_text(struct hd_daemon *d, FILE *out)
{
	fprintf(out, "hadirector %s, pid %d, up %.0f s, config %s\n", PACKAGE_VERSION, d->pid,
		(double)(hd_now_usec() - d->start_usec) / 1e6, d->opts.config_path);
	fprintf(out, "reloads: %u ok, %u failed%s\n", d->reloads_ok, d->reloads_failed,
		d->last_reload_failed ? " (last reload FAILED, running the previous config)" : "");
	fprintf(out, "vrrp instances: %zu, virtual servers: %zu\n", d->config->n_instances,
		d->config->n_virtual_servers);
	hd_modules_status_text(d, out);
}

void hd_dump_state(struct hd_daemon *d)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&buf, &len);

	if (!mem)
		return;
	hd_status_json(d, mem);
	fclose(mem);
	/* Log lines are bounded; a big state goes out in numbered parts. */
	size_t parts = (len + 799) / 800;
	for (size_t i = 0; i < parts; i++)
		hd_notice("state dump %zu/%zu: %.800s", i + 1, parts, buf + i * 800);
	hd_modules_dump(d);
	free(buf);
}

void hd_metrics(struct hd_daemon *d, FILE *out)
{
	const struct hd_control_stats *cs = hd_control_stats(d);

	hd_metric_family(out, "hadirector_uptime_seconds", "gauge",
			 "Seconds since the daemon started.");
	hd_metric_sample(out, "hadirector_uptime_seconds", NULL,
			 (double)(hd_now_usec() - d->start_usec) / 1e6);
	hd_metric_family(out, "hadirector_reloads_total", "counter",
			 "Configuration reloads by result.");
	hd_metric_sample(out, "hadirector_reloads_total", (const char *[]){"result", "ok", NULL},
			 d->reloads_ok);
	hd_metric_sample(out, "hadirector_reloads_total",
			 (const char *[]){"result", "failed", NULL}, d->reloads_failed);
	hd_metric_family(out, "hadirector_config_last_reload_successful", "gauge",
			 "1 when the last reload succeeded (or none happened).");
	hd_metric_sample(out, "hadirector_config_last_reload_successful", NULL,
			 d->last_reload_failed ? 0 : 1);
	hd_metric_family(out, "hadirector_control_requests_total", "counter",
			 "Control socket requests (errors included).");
	hd_metric_sample(out, "hadirector_control_requests_total", NULL, (double)cs->requests);
	hd_metric_family(out, "hadirector_control_errors_total", "counter",
			 "Control socket requests answered with an error.");
	hd_metric_sample(out, "hadirector_control_errors_total", NULL, (double)cs->errors);
	hd_snapshot_metrics(d, out); /* renderers and their clients, by class */
	hd_modules_metrics(d, out);  /* each module's, from its view */
}
