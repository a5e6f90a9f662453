/* Prometheus metrics of the VRRP instances (see daemon/metrics_modules.h). */
#include "config.h"

#include "metrics.h"
#include "metrics_modules.h"
#include "vrrp_int.h"

#define INST(in) ((const char *[]){"instance", (in)->cfg->name, NULL})

typedef double (*inst_value_fn)(const struct vrrp_instance *in);

static double v_prio(const struct vrrp_instance *in)
{
	return in->fsm.priority;
}
static double v_base(const struct vrrp_instance *in)
{
	return in->cfg->priority;
}
static double v_trans(const struct vrrp_instance *in)
{
	return (double)in->transitions;
}
static double v_sent(const struct vrrp_instance *in)
{
	return (double)in->adverts_sent;
}
static double v_recv(const struct vrrp_instance *in)
{
	return (double)in->adverts_received;
}
static double v_p0s(const struct vrrp_instance *in)
{
	return (double)in->prio0_sent;
}
static double v_p0r(const struct vrrp_instance *in)
{
	return (double)in->prio0_received;
}
static double v_serr(const struct vrrp_instance *in)
{
	return (double)in->send_errors;
}
static double v_vips(const struct vrrp_instance *in)
{
	return in->vips_on;
}
static double v_faults(const struct vrrp_instance *in)
{
	return in->faults != 0;
}

static const struct {
	const char *name, *type, *help;
	inst_value_fn fn;
} simple[] = {
    {"hadirector_vrrp_priority", "gauge", "Effective priority (after trackers).", v_prio},
    {"hadirector_vrrp_base_priority", "gauge", "Configured priority.", v_base},
    {"hadirector_vrrp_transitions_total", "counter", "State transitions.", v_trans},
    {"hadirector_vrrp_adverts_sent_total", "counter", "Advertisements sent.", v_sent},
    {"hadirector_vrrp_adverts_received_total", "counter", "Valid advertisements received.", v_recv},
    {"hadirector_vrrp_priority_zero_sent_total", "counter",
     "Advertisements with priority 0 sent (master stepping down).", v_p0s},
    {"hadirector_vrrp_priority_zero_received_total", "counter",
     "Advertisements with priority 0 received.", v_p0r},
    {"hadirector_vrrp_send_errors_total", "counter", "Advertisements the kernel refused.", v_serr},
    {"hadirector_vrrp_vips_installed", "gauge", "1 while the virtual addresses are installed.",
     v_vips},
    {"hadirector_vrrp_fault_conditions", "gauge",
     "1 while a fault condition (interface, tracker, address) holds.", v_faults},
};

static void info(const struct vrrp_instance *in, FILE *out)
{
	char vrid[8], ver[4];
	const char *l[] = {"instance", in->cfg->name, "interface", in->cfg->interface, "vrid", vrid,
			   "version",  ver,	      NULL};

	snprintf(vrid, sizeof(vrid), "%u", in->cfg->vrid);
	snprintf(ver, sizeof(ver), "%d", in->cfg->version);
	hd_metric_sample(out, "hadirector_vrrp_instance_info", l, 1);
}

static void states(const struct vrrp_instance *in, FILE *out)
{
	static const enum vrrp_state all[] = {VRRP_STATE_INIT, VRRP_STATE_BACKUP, VRRP_STATE_MASTER,
					      VRRP_STATE_FAULT};
	static const char *const names[] = {"init", "backup", "master", "fault"};

	for (size_t s = 0; s < sizeof(all) / sizeof(all[0]); s++) {
		const char *l[] = {"instance", in->cfg->name, "state", names[s], NULL};
		hd_metric_sample(out, "hadirector_vrrp_state", l, in->fsm.state == all[s]);
	}
}

static void drops(const struct vrrp_instance *in, FILE *out)
{
	for (int r = 1; r < VRRP_DROP__MAX; r++) {
		const char *l[] = {"instance", in->cfg->name, "reason", vrrp_drop_names[r], NULL};
		hd_metric_sample(out, "hadirector_vrrp_drops_total", l, (double)in->drops[r]);
	}
}

typedef void (*inst_write_fn)(const struct vrrp_instance *in, FILE *out);

static void each(const struct vrrp_ctx *c, FILE *out, inst_write_fn fn)
{
	for (size_t i = 0; c && i < c->n_inst; i++)
		if (c->inst[i])
			fn(c->inst[i], out);
}

void vrrp_metrics(struct hd_daemon *d, FILE *out)
{
	const struct vrrp_ctx *c = d->vrrp;

	hd_metric_family(out, "hadirector_vrrp_instance_info", "gauge",
			 "Static facts of a VRRP instance; always 1.");
	each(c, out, info);
	hd_metric_family(out, "hadirector_vrrp_state", "gauge",
			 "1 for the state the instance is in, 0 for the others.");
	each(c, out, states);
	for (size_t m = 0; m < sizeof(simple) / sizeof(simple[0]); m++) {
		hd_metric_family(out, simple[m].name, simple[m].type, simple[m].help);
		for (size_t i = 0; c && i < c->n_inst; i++)
			if (c->inst[i])
				hd_metric_sample(out, simple[m].name, INST(c->inst[i]),
						 simple[m].fn(c->inst[i]));
	}
	hd_metric_family(out, "hadirector_vrrp_drops_total", "counter",
			 "Received VRRP packets dropped, by reason.");
	each(c, out, drops);
}
