/* Reload plans as text and JSON (reload_plan.h): pure, from the plan. */
#include "config.h"

#include <string.h>

#include "json.h"
#include "reload_plan.h"

static const char *vs_name(const struct hd_virtual_server_config *vs, char *buf, size_t len)
{
	struct ipvs_svc_key k;

	if (vs->group) {
		snprintf(buf, len, "group %s", vs->group);
		return buf;
	}
	ipvs_model_vs_key(vs, &k);
	return ipvs_svc_key_str(&k, buf, len);
}

static const struct hd_config *check_cfg(const struct hd_plan *p, const struct hd_plan_check *c)
{
	return c->kind == HD_PLAN_REMOVED ? p->oldc : p->newc;
}

struct vrrp_counts {
	size_t n[HD_PLAN_REPLACED + 1];
};

static struct vrrp_counts vrrp_count(const struct hd_plan *p)
{
	struct vrrp_counts c = {{0}};

	for (size_t i = 0; i < p->n_vrrp; i++)
		c.n[p->vrrp[i].kind]++;
	return c;
}

static void fields_text(FILE *out, unsigned f)
{
	const char *sep = "";

	for (unsigned b = 0; b < HD_PV__N; b++)
		if (f & (1u << b)) {
			fprintf(out, "%s%s", sep, hd_plan_vrrp_field_names[b]);
			sep = ",";
		}
}

static void vrrp_text(FILE *out, const struct hd_plan *p)
{
	struct vrrp_counts c = vrrp_count(p);

	fprintf(out, "vrrp: %zu added, %zu removed, %zu changed, %zu replaced, %zu unchanged\n",
		c.n[HD_PLAN_ADDED], c.n[HD_PLAN_REMOVED], c.n[HD_PLAN_CHANGED],
		c.n[HD_PLAN_REPLACED], c.n[HD_PLAN_KEPT]);
	for (size_t i = 0; i < p->n_vrrp; i++) {
		const struct hd_plan_vrrp *v = &p->vrrp[i];
		if (v->kind == HD_PLAN_KEPT)
			continue;
		fprintf(out, "  %s %s", hd_plan_vrrp_kind_str(v->kind), v->name);
		if (v->kind != HD_PLAN_ADDED)
			fprintf(out, " (%s)", hd_plan_role_str(v->role));
		if (v->fields) {
			fputs(": ", out);
			fields_text(out, v->fields);
		}
		if (v->fields & HD_PV_PRIORITY)
			fprintf(out, " (priority %u -> %u)", v->old_prio, v->new_prio);
		fputc('\n', out);
		fprintf(out, "    transition: %s; the peer sees: %s",
			v->transition ? "possible" : "no", v->peer_sees ? "a change" : "nothing");
		if (v->prio_seen)
			fprintf(out, " (priority %u)", v->prio_seen_value);
		fprintf(out, "\n    why: %s\n", v->why);
	}
}

static void check_text(FILE *out, const struct hd_plan *p, const struct hd_plan_check *c)
{
	const struct hd_config *cfg = check_cfg(p, c);
	const struct hd_virtual_server_config *vs = &cfg->virtual_servers[c->vs];
	const struct hd_real_server_config *rs = &vs->real_servers[c->rs];
	char vn[128], rn[80];

	fprintf(out, "  %s%s check %zu (%s) of real server %s of %s%s",
		hd_plan_check_kind_str(c->kind), c->shared ? " shared" : "", c->check + 1,
		hd_check_type_str(rs->checks[c->check].type),
		hd_endpoint_str(&rs->ep, rn, sizeof(rn)), vs_name(vs, vn, sizeof(vn)),
		c->changed && c->changed[0] ? ": " : "");
	fprintf(out, "%s\n", c->changed ? c->changed : "");
}

static void checks_text(FILE *out, const struct hd_plan *p)
{
	const struct hd_plan_checks *k = &p->checks;

	fprintf(out,
		"checks: %zu kept, %zu restarted, %zu started, %zu stopped (probes: %zu kept, %zu "
		"started, %zu stopped)\n",
		k->checks_kept, k->checks_restarted, k->checks_started, k->checks_stopped,
		k->probes_kept, k->probes_started, k->probes_stopped);
	for (size_t i = 0; i < k->n; i++)
		if (k->v[i].kind != HD_PLAN_KEPT)
			check_text(out, p, &k->v[i]);
}

static void ipvs_text(FILE *out, const struct hd_plan *p)
{
	char op[256], f[256];

	if (!p->ipvs_available || !p->ipvs_ops) {
		fputs("ipvs: kernel IPVS not available: no writes\n", out);
		return;
	}
	fprintf(out, "ipvs: %zu writes\n", p->ipvs_ops->n);
	for (size_t i = 0; i < p->ipvs_ops->n; i++) {
		const struct ipvs_op *o = &p->ipvs_ops->v[i];
		hd_plan_op_fields(o, p->observed, f, sizeof(f));
		fprintf(out, "  %s%s%s\n", hd_plan_op_str(o, op, sizeof(op)), f[0] ? "  " : "", f);
	}
}

void hd_plan_text(FILE *out, const struct hd_plan *p)
{
	fprintf(out, "reload plan for %s (nothing was changed)\n", p->path);
	vrrp_text(out, p);
	checks_text(out, p);
	ipvs_text(out, p);
}

/* ---- JSON ---- */

static void vrrp_json(FILE *out, const struct hd_plan *p)
{
	struct vrrp_counts c = vrrp_count(p);

	fprintf(out,
		"{\"added\":%zu,\"removed\":%zu,\"changed\":%zu,\"replaced\":%zu,\"unchanged\":%zu,"
		"\"instances\":[",
		c.n[HD_PLAN_ADDED], c.n[HD_PLAN_REMOVED], c.n[HD_PLAN_CHANGED],
		c.n[HD_PLAN_REPLACED], c.n[HD_PLAN_KEPT]);
	for (size_t i = 0; i < p->n_vrrp; i++) {
		const struct hd_plan_vrrp *v = &p->vrrp[i];
		fputs(i ? ",{\"name\":" : "{\"name\":", out);
		hd_json_str(out, v->name);
		fprintf(out, ",\"action\":\"%s\",\"role\":\"%s\",\"fields\":[",
			v->kind == HD_PLAN_KEPT ? "unchanged" : hd_plan_vrrp_kind_str(v->kind),
			hd_plan_role_str(v->role));
		const char *sep = "";
		for (unsigned b = 0; b < HD_PV__N; b++)
			if (v->fields & (1u << b)) {
				fprintf(out, "%s\"%s\"", sep, hd_plan_vrrp_field_names[b]);
				sep = ",";
			}
		fprintf(out,
			"],\"priority\":{\"old\":%u,\"new\":%u},\"transition\":%s,"
			"\"peer_sees\":%s,\"priority_seen\":",
			v->old_prio, v->new_prio, v->transition ? "true" : "false",
			v->peer_sees ? "true" : "false");
		if (v->prio_seen)
			fprintf(out, "%u", v->prio_seen_value);
		else
			fputs("null", out);
		fputs(",\"why\":", out);
		hd_json_str(out, v->why[0] ? v->why : NULL);
		fputc('}', out);
	}
	fputs("]}", out);
}

static void check_json(FILE *out, const struct hd_plan *p, const struct hd_plan_check *c)
{
	const struct hd_config *cfg = check_cfg(p, c);
	const struct hd_virtual_server_config *vs = &cfg->virtual_servers[c->vs];
	const struct hd_real_server_config *rs = &vs->real_servers[c->rs];
	char vn[128], rn[80];

	fprintf(out, "{\"action\":\"%s\",\"virtual_server\":", hd_plan_check_kind_str(c->kind));
	hd_json_str(out, vs_name(vs, vn, sizeof(vn)));
	fputs(",\"real_server\":", out);
	hd_json_str(out, hd_endpoint_str(&rs->ep, rn, sizeof(rn)));
	fprintf(out, ",\"check\":%zu,\"type\":\"%s\",\"shared\":%s,\"changed\":", c->check + 1,
		hd_check_type_str(rs->checks[c->check].type), c->shared ? "true" : "false");
	hd_json_str(out, c->changed);
	fputc('}', out);
}

static void checks_json(FILE *out, const struct hd_plan *p)
{
	const struct hd_plan_checks *k = &p->checks;
	bool first = true;

	fprintf(out,
		"{\"kept\":%zu,\"restarted\":%zu,\"started\":%zu,\"stopped\":%zu,\"probes\":{"
		"\"kept\":%zu,\"started\":%zu,\"stopped\":%zu},\"changes\":[",
		k->checks_kept, k->checks_restarted, k->checks_started, k->checks_stopped,
		k->probes_kept, k->probes_started, k->probes_stopped);
	for (size_t i = 0; i < k->n; i++) {
		if (k->v[i].kind == HD_PLAN_KEPT)
			continue;
		if (!first)
			fputc(',', out);
		first = false;
		check_json(out, p, &k->v[i]);
	}
	fputs("]}", out);
}

static void ipvs_json(FILE *out, const struct hd_plan *p)
{
	char s[96], d[64], f[256];

	fprintf(out, "{\"available\":%s,\"writes\":[", p->ipvs_available ? "true" : "false");
	for (size_t i = 0; p->ipvs_ops && i < p->ipvs_ops->n; i++) {
		const struct ipvs_op *o = &p->ipvs_ops->v[i];
		fprintf(out, "%s{\"op\":\"%s\",\"service\":", i ? "," : "",
			ipvs_op_kind_str(o->kind));
		hd_json_str(out, ipvs_svc_key_str(&o->svc->key, s, sizeof(s)));
		fputs(",\"dest\":", out);
		hd_json_str(out, o->dest ? ipvs_dest_str(o->dest, d, sizeof(d)) : NULL);
		hd_plan_op_fields(o, p->observed, f, sizeof(f));
		fputs(",\"fields\":", out);
		hd_json_str(out, f);
		fputc('}', out);
	}
	fputs("]}", out);
}

void hd_plan_json(FILE *out, const struct hd_plan *p)
{
	fputs("{\"config\":", out);
	hd_json_str(out, p->path);
	fputs(",\"vrrp\":", out);
	vrrp_json(out, p);
	fputs(",\"checks\":", out);
	checks_json(out, p);
	fputs(",\"ipvs\":", out);
	ipvs_json(out, p);
	fputs("}\n", out);
}

const char *hd_plan_args(const char (*argv)[128], size_t argc, bool *json, const char **path)
{
	*json = false;
	*path = NULL;
	for (size_t i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--json") && !*json) {
			*json = true;
		} else if (!strcmp(argv[i], "--file") && !*path && i + 1 < argc) {
			*path = argv[++i];
			if ((*path)[0] != '/')
				return "--file needs an absolute path";
		} else {
			return "reload --plan takes --json and --file PATH";
		}
	}
	return NULL;
}
