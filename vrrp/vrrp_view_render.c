/* The renderings of VRRP views (vrrp_view.h), pure: status JSON, the dump
 * and status text lines, Prometheus metrics, and the MIB statistics. Each
 * walks VRRP_VIEW_COUNTERS, so a counter added there reaches all of them. */
#include "config.h"

#include <string.h>

#include "json.h"
#include "metrics.h"
#include "vrrp_view.h"

/* Drop reasons that are errors the MIBs count; several reasons may add to
 * one column (the address list's count and its contents). */
const struct vrrp_view_mib vrrp_drop_mib[VRRP_DROP__MAX] = {
    [VRRP_DROP_TOO_SHORT] = {VRRP_MIB2_LEN_ERR, VRRP_MIB3_LEN_ERR},
    [VRRP_DROP_BAD_TTL] = {VRRP_MIB2_TTL_ERR, VRRP_MIB3_TTL_ERR},
    [VRRP_DROP_BAD_TYPE] = {VRRP_MIB2_BAD_TYPE, VRRP_MIB3_BAD_TYPE},
    [VRRP_DROP_ADVER_INT_MISMATCH] = {VRRP_MIB2_ADV_INT_ERR, VRRP_MIB3_ADV_INT_ERR},
    [VRRP_DROP_AUTH_TYPE_MISMATCH] = {VRRP_MIB2_AUTH_MISMATCH, 0},
    [VRRP_DROP_AUTH_FAILURE] = {VRRP_MIB2_AUTH_FAIL, 0},
    [VRRP_DROP_ADDR_COUNT_MISMATCH] = {VRRP_MIB2_ADDR_LIST_ERR, VRRP_MIB3_ADDR_LIST_ERR},
    [VRRP_DROP_ADDR_LIST_MISMATCH] = {VRRP_MIB2_ADDR_LIST_ERR, VRRP_MIB3_ADDR_LIST_ERR},
};

void vrrp_view_mib_counters(const struct vrrp_inst_view *v, uint64_t *out2, uint64_t *out3)
{
	memset(out2, 0, VRRP_MIB2__N * sizeof(*out2));
	memset(out3, 0, VRRP_MIB3__N * sizeof(*out3));
#define MIB(f, metric, help, json, mib2, mib3)                                                     \
	out2[mib2] += (mib2) ? v->f : 0;                                                           \
	out3[mib3] += (mib3) ? v->f : 0;
	VRRP_VIEW_COUNTERS(MIB)
#undef MIB
	for (int r = 1; r < VRRP_DROP__MAX; r++) {
		if (vrrp_drop_mib[r].mib2)
			out2[vrrp_drop_mib[r].mib2] += v->drops[r];
		if (vrrp_drop_mib[r].mib3)
			out3[vrrp_drop_mib[r].mib3] += v->drops[r];
	}
}

static const char *addr_or_null(const struct hd_addr *a, bool known, char *buf, size_t len)
{
	return known && a->family ? hd_addr_str(a, buf, len) : NULL;
}

static void vips_json(FILE *out, const struct vrrp_inst_view *v)
{
	char buf[INET6_ADDRSTRLEN];

	fputs(",\"vips\":[", out);
	for (size_t k = 0; k < v->n_vips; k++)
		fprintf(out, "%s\"%s/%u\"", k ? "," : "",
			hd_addr_str(&v->vips[k].addr, buf, sizeof(buf)), v->vips[k].prefixlen);
	fputc(']', out);
}

static void inst_json(FILE *out, const struct vrrp_inst_view *v)
{
	char buf[INET6_ADDRSTRLEN];

	fputs("{\"name\":", out);
	hd_json_str(out, v->name);
	fputs(",\"state\":", out);
	hd_json_str(out, vrrp_state_str(v->state));
	fprintf(out, ",\"priority\":%u,\"base_priority\":%u,\"vrid\":%u,\"version\":%d,",
		v->priority, v->base_priority, v->vrid, v->version);
	fputs("\"interface\":", out);
	hd_json_str(out, v->interface);
	fputs(",\"master\":", out);
	hd_json_str(out, addr_or_null(&v->master, v->master_known, buf, sizeof(buf)));
	fputs(",\"source\":", out);
	hd_json_str(out, addr_or_null(&v->source, true, buf, sizeof(buf)));
	fprintf(out,
		",\"master_adver_interval_cs\":%u,\"master_down_interval_usec\":%llu,"
		"\"faults\":%u,\"vips_installed\":%s",
		v->master_adver_interval_cs, (unsigned long long)v->master_down_interval_usec,
		v->faults, v->vips_installed ? "true" : "false");
	vips_json(out, v);
#define JSON(f, metric, help, json, mib2, mib3)                                                    \
	fprintf(out, ",\"%s\":%llu", json, (unsigned long long)v->f);
	VRRP_VIEW_COUNTERS(JSON)
#undef JSON
	fputs(",\"last_reason\":", out);
	hd_json_str(out, v->last_reason);
	fputs(",\"sync_group\":", out);
	hd_json_str(out, v->sync_group);
	fputs(",\"sync_group_state\":", out);
	hd_json_str(out, v->sync_group_state);
	fputs(",\"drops\":{", out);
	for (int r = 1; r < VRRP_DROP__MAX; r++)
		fprintf(out, "%s\"%s\":%llu", r > 1 ? "," : "", vrrp_drop_names[r],
			(unsigned long long)v->drops[r]);
	fputs("}}", out);
}

void vrrp_view_json(FILE *out, const struct vrrp_inst_view *v, size_t n)
{
	fputc('[', out);
	for (size_t i = 0; i < n; i++) {
		if (i)
			fputc(',', out);
		inst_json(out, &v[i]);
	}
	fputc(']', out);
}

void vrrp_view_text(FILE *out, const struct vrrp_inst_view *v)
{
	char buf[INET6_ADDRSTRLEN];
	const char *src = addr_or_null(&v->source, true, buf, sizeof(buf));

	fprintf(out,
		"vrrp %s: state %s prio %u/%u vrid %u if %s(%d) src %s faults 0x%x "
		"transitions %llu sent %llu received %llu\n",
		v->name, vrrp_state_str(v->state), v->priority, v->base_priority, v->vrid,
		v->interface, v->ifindex, src ? src : "-", v->faults,
		(unsigned long long)v->transitions, (unsigned long long)v->adverts_sent,
		(unsigned long long)v->adverts_received);
	fprintf(out, "vrrp %s: counters", v->name);
#define TEXT(f, metric, help, json, mib2, mib3)                                                    \
	fprintf(out, " %s=%llu", json, (unsigned long long)v->f);
	VRRP_VIEW_COUNTERS(TEXT)
#undef TEXT
	fputc('\n', out);
	for (int r = 1; r < VRRP_DROP__MAX; r++)
		if (v->drops[r])
			fprintf(out, "vrrp %s: dropped %s: %llu\n", v->name, vrrp_drop_names[r],
				(unsigned long long)v->drops[r]);
}

static void info(FILE *out, const struct vrrp_inst_view *v)
{
	char vrid[8], ver[12];
	const char *l[] = {"instance", v->name,	  "interface", v->interface, "vrid",
			   vrid,       "version", ver,	       NULL};

	snprintf(vrid, sizeof(vrid), "%u", v->vrid);
	snprintf(ver, sizeof(ver), "%d", v->version);
	hd_metric_sample(out, "hadirector_vrrp_instance_info", l, 1);
}

static void states(FILE *out, const struct vrrp_inst_view *v)
{
	static const enum vrrp_state all[] = {VRRP_STATE_INIT, VRRP_STATE_BACKUP, VRRP_STATE_MASTER,
					      VRRP_STATE_FAULT};
	static const char *const names[] = {"init", "backup", "master", "fault"};

	for (size_t s = 0; s < sizeof(all) / sizeof(all[0]); s++) {
		const char *l[] = {"instance", v->name, "state", names[s], NULL};
		hd_metric_sample(out, "hadirector_vrrp_state", l, v->state == all[s]);
	}
}

static void drops(FILE *out, const struct vrrp_inst_view *v)
{
	for (int r = 1; r < VRRP_DROP__MAX; r++) {
		const char *l[] = {"instance", v->name, "reason", vrrp_drop_names[r], NULL};
		hd_metric_sample(out, "hadirector_vrrp_drops_total", l, (double)v->drops[r]);
	}
}

typedef double (*gauge_fn)(const struct vrrp_inst_view *v);
static double g_prio(const struct vrrp_inst_view *v)
{
	return v->priority;
}
static double g_base(const struct vrrp_inst_view *v)
{
	return v->base_priority;
}
static double g_vips(const struct vrrp_inst_view *v)
{
	return v->vips_installed;
}
static double g_faults(const struct vrrp_inst_view *v)
{
	return v->faults != 0;
}

/* Families of one sample per instance, labelled by its name. */
static const struct {
	const char *name, *type, *help;
	gauge_fn fn; /* NULL: the counter at OFF */
	size_t off;
} simple[] = {
    {"hadirector_vrrp_priority", "gauge", "Effective priority (after trackers).", g_prio, 0},
    {"hadirector_vrrp_base_priority", "gauge", "Configured priority.", g_base, 0},
#define FAMILY(f, metric, help, json, mib2, mib3)                                                  \
	{metric, "counter", help, NULL, offsetof(struct vrrp_inst_view, f)},
    VRRP_VIEW_COUNTERS(FAMILY)
#undef FAMILY
	{"hadirector_vrrp_vips_installed", "gauge", "1 while the virtual addresses are installed.",
	 g_vips, 0},
    {"hadirector_vrrp_fault_conditions", "gauge",
     "1 while a fault condition (interface, tracker, address) holds.", g_faults, 0},
};

static double simple_value(size_t m, const struct vrrp_inst_view *v)
{
	uint64_t c;

	if (simple[m].fn)
		return simple[m].fn(v);
	memcpy(&c, (const char *)v + simple[m].off, sizeof(c));
	return (double)c;
}

typedef void (*inst_write_fn)(FILE *out, const struct vrrp_inst_view *v);

static void family(FILE *out, const char *name, const char *type, const char *help,
		   const struct vrrp_inst_view *v, size_t n, inst_write_fn fn)
{
	hd_metric_family(out, name, type, help);
	for (size_t i = 0; i < n; i++)
		fn(out, &v[i]);
}

void vrrp_view_metrics(FILE *out, const struct vrrp_inst_view *v, size_t n)
{
	family(out, "hadirector_vrrp_instance_info", "gauge",
	       "Static facts of a VRRP instance; always 1.", v, n, info);
	family(out, "hadirector_vrrp_state", "gauge",
	       "1 for the state the instance is in, 0 for the others.", v, n, states);
	for (size_t m = 0; m < sizeof(simple) / sizeof(simple[0]); m++) {
		hd_metric_family(out, simple[m].name, simple[m].type, simple[m].help);
		for (size_t i = 0; i < n; i++)
			hd_metric_sample(out, simple[m].name,
					 (const char *[]){"instance", v[i].name, NULL},
					 simple_value(m, &v[i]));
	}
	family(out, "hadirector_vrrp_drops_total", "counter",
	       "Received VRRP packets dropped, by reason.", v, n, drops);
}
