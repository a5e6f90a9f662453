/* See overrides.h. */
#include "config.h"

#include "overrides.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "events.h"
#include "healthcheck/hc.h"
#include "ipvs/ipvs.h"
#include "json.h"
#include "log.h"
#include "metrics.h"
#include "overrides_int.h"

enum ovr_kind { OVR_DRAIN, OVR_WEIGHT, OVR_MAINT_VS, OVR_MAINT_ALL };

static const char *const kind_names[] = {"drain", "weight", "maint", "maint"};

struct ovr {
	enum ovr_kind kind;
	char vs[140];	     /* canonical name ("10.0.0.1:80", "udp/...", "fwmark:7"); "" for ALL */
	char rs[80];	     /* "IP:PORT" for DRAIN and WEIGHT */
	int weight;	     /* WEIGHT's */
	unsigned cfg_weight; /* the file's weight of RS when it was made */
	unsigned uid;
	int pid;
	uint64_t realtime_usec;
};

struct hd_overrides {
	struct ovr *v;
	size_t n, cap;
	unsigned long made, dropped_by_reload;
	struct hd_rs_overrides *rsx; /* add-rs, remove-rs (overrides_rs.c) */
};

void ovr_vs_name(const struct hd_virtual_server_config *v, char *buf, size_t len)
{
	char ep[80];

	if (v->group)
		snprintf(buf, len, "group:%s", v->group);
	else if (v->is_fwmark)
		snprintf(buf, len, "fwmark:%u", v->fwmark);
	else if (v->protocol == HD_PROTO_TCP)
		snprintf(buf, len, "%s", hd_endpoint_str(&v->ep, ep, sizeof(ep)));
	else
		snprintf(buf, len, "%s/%s", hd_proto_str(v->protocol),
			 hd_endpoint_str(&v->ep, ep, sizeof(ep)));
}

long ovr_find_vs(const struct hd_config *cfg, const char *want)
{
	char name[140], alt[160];

	for (size_t i = 0; i < cfg->n_virtual_servers; i++) {
		const struct hd_virtual_server_config *v = &cfg->virtual_servers[i];
		ovr_vs_name(v, name, sizeof(name));
		snprintf(alt, sizeof(alt), "tcp/%s", name);
		if (!strcmp(want, name) || (!v->group && !v->is_fwmark &&
					    v->protocol == HD_PROTO_TCP && !strcmp(want, alt)))
			return (long)i;
	}
	return -1;
}

long ovr_find_rs(const struct hd_virtual_server_config *v, const struct hd_endpoint *ep)
{
	for (size_t i = 0; i < v->n_real_servers; i++)
		if (v->real_servers[i].ep.port == ep->port &&
		    !hd_addr_cmp(&v->real_servers[i].ep.addr, &ep->addr))
			return (long)i;
	return -1;
}

uint64_t ovr_realtime_usec(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000ULL + (uint64_t)ts.tv_nsec / 1000;
}

const char *ovr_utc(uint64_t usec, char *buf, size_t len)
{
	time_t t = (time_t)(usec / 1000000ULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return buf;
}

static struct ovr *find(struct hd_overrides *o, enum ovr_kind k, const char *vs, const char *rs)
{
	for (size_t i = 0; i < o->n; i++)
		if (o->v[i].kind == k && !strcmp(o->v[i].vs, vs) && !strcmp(o->v[i].rs, rs))
			return &o->v[i];
	return NULL;
}

static void drop(struct hd_overrides *o, struct ovr *x)
{
	size_t i = (size_t)(x - o->v);
	memmove(x, x + 1, (o->n - i - 1) * sizeof(*x));
	o->n--;
}

/* The operator state a real server should have now, from the records. */
static void wanted(struct hd_overrides *o, const char *vs, const char *rs, bool *drained,
		   int *weight)
{
	struct ovr *w = find(o, OVR_WEIGHT, vs, rs);

	*weight = w ? w->weight : -1;
	*drained = find(o, OVR_DRAIN, vs, rs) || find(o, OVR_MAINT_VS, vs, "") ||
		   find(o, OVR_MAINT_ALL, "", "");
}

/* Push the records into the health checker for virtual server VS of CFG
 * (all of them: VS < 0). Cheap where nothing changes. */
static void apply(struct hd_daemon *d, const struct hd_config *cfg, long only)
{
	char name[140], ep[80];

	for (size_t i = 0; i < cfg->n_virtual_servers; i++) {
		const struct hd_virtual_server_config *v = &cfg->virtual_servers[i];
		if (only >= 0 && (size_t)only != i)
			continue;
		ovr_vs_name(v, name, sizeof(name));
		for (size_t j = 0; j < v->n_real_servers; j++) {
			bool drained;
			int weight;
			hd_endpoint_str(&v->real_servers[j].ep, ep, sizeof(ep));
			wanted(d->overrides, name, ep, &drained, &weight);
			hc_set_rs_operator(d, i, j, drained, weight);
		}
	}
}

/* VS and RS of the request, checked against the running configuration:
 * their canonical names and indexes, or an error in the file's form. */
int ovr_resolve(struct hd_daemon *d, const char *vs, const char *rs, char *vsn, char *rsn, long *vi,
		long *ri, char *err, size_t len)
{
	const struct hd_config *cfg = d->config;
	struct hd_endpoint ep;

	*vi = ovr_find_vs(cfg, vs);
	if (*vi < 0) {
		snprintf(err, len, "%s: virtual_server %s: not in the configuration (%s)", REQ_FILE,
			 vs, cfg->path ? cfg->path : "?");
		return -ENOENT;
	}
	ovr_vs_name(&cfg->virtual_servers[*vi], vsn, 140);
	if (!rs)
		return 0;
	if (hd_endpoint_parse(rs, &ep) < 0) {
		snprintf(err, len, "%s: real_server: '%s' is not an address:port", REQ_FILE, rs);
		return -EINVAL;
	}
	*ri = ovr_find_rs(&cfg->virtual_servers[*vi], &ep);
	if (*ri < 0) {
		snprintf(err, len, "%s: real_server %s: not in virtual_server %s (%s:%d)", REQ_FILE,
			 rs, vsn, cfg->path ? cfg->path : "?", cfg->virtual_servers[*vi].line);
		return -ENOENT;
	}
	hd_endpoint_str(&ep, rsn, 80);
	return 0;
}

static int add(struct hd_overrides *o, const struct ovr *x)
{
	if (o->n == o->cap) {
		size_t cap = o->cap ? o->cap * 2 : 8;
		struct ovr *v = realloc(o->v, cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		o->v = v;
		o->cap = cap;
	}
	o->v[o->n++] = *x;
	o->made++;
	return 0;
}

/* Set (SET) or clear one record; a new one replaces an old one of the
 * same kind and target (its author and time too). */
static int record(struct hd_overrides *o, const struct ovr *x, bool set)
{
	struct ovr *old = find(o, x->kind, x->vs, x->rs);

	if (old && set) {
		*old = *x;
		o->made++;
		return 0;
	}
	if (old)
		drop(o, old);
	return set ? add(o, x) : 0;
}

static int parse_weight(const char *s, int *out, char *err, size_t len)
{
	char *end;
	long w;

	if (!strcmp(s, "reset")) { /* back to the file's weight */
		*out = -1;
		return 0;
	}
	errno = 0;
	w = strtol(s, &end, 10);
	if (!*s || *end || errno || (*s < '0' || *s > '9')) {
		snprintf(err, len, "%s: weight: '%s' is not an integer", REQ_FILE, s);
		return -EINVAL;
	}
	if (w < 0 || w > 65535) { /* the file's bounds (config_lvs.c) */
		snprintf(err, len, "%s: weight: %ld is out of range 0..65535", REQ_FILE, w);
		return -ERANGE;
	}
	*out = (int)w;
	return 0;
}

static int request(struct hd_daemon *d, const struct hd_ctl_request *req, struct ovr *x, bool *set,
		   char *err, size_t len)
{
	bool all = req->cmd == HD_CTL_MAINT_ALL || req->cmd == HD_CTL_UNMAINT_ALL;
	bool has_rs = req->cmd == HD_CTL_DRAIN || req->cmd == HD_CTL_DRAIN_WAIT ||
		      req->cmd == HD_CTL_UNDRAIN || req->cmd == HD_CTL_WEIGHT;
	long vi = -1, ri = -1;
	int r;

	*set = req->cmd == HD_CTL_DRAIN || req->cmd == HD_CTL_DRAIN_WAIT ||
	       req->cmd == HD_CTL_WEIGHT || req->cmd == HD_CTL_MAINT ||
	       req->cmd == HD_CTL_MAINT_ALL;
	x->kind = all			      ? OVR_MAINT_ALL
		  : !has_rs		      ? OVR_MAINT_VS
		  : req->cmd == HD_CTL_WEIGHT ? OVR_WEIGHT
					      : OVR_DRAIN;
	x->weight = -1;
	if (req->cmd == HD_CTL_WEIGHT && (r = parse_weight(req->argv[2], &x->weight, err, len)) < 0)
		return r;
	if (req->cmd == HD_CTL_WEIGHT && x->weight < 0)
		*set = false; /* weight VS RS reset */
	if (!all) {
		r = ovr_resolve(d, req->argv[0], has_rs ? req->argv[1] : NULL, x->vs, x->rs, &vi,
				&ri, err, len);
		if (r < 0)
			return r;
	}
	if (ri >= 0)
		x->cfg_weight = d->config->virtual_servers[vi].real_servers[ri].weight;
	r = record(d->overrides, x, *set);
	if (r < 0) {
		snprintf(err, len, "%s: out of memory", REQ_FILE);
		return r;
	}
	apply(d, d->config, vi);
	return 0;
}

static const char *action_name(enum hd_ctl_cmd cmd)
{
	switch (cmd) {
	case HD_CTL_DRAIN:
	case HD_CTL_DRAIN_WAIT:
		return "drain";
	case HD_CTL_UNDRAIN:
		return "undrain";
	case HD_CTL_WEIGHT:
		return "weight";
	case HD_CTL_MAINT:
	case HD_CTL_MAINT_ALL:
		return "maint";
	default:
		return "unmaint";
	}
}

int hd_override_request(struct hd_daemon *d, const struct hd_ctl_request *req,
			const struct ucred *peer, FILE *out)
{
	if (req->cmd == HD_CTL_ADD_RS || req->cmd == HD_CTL_REMOVE_RS)
		return rsx_request(d, d->overrides->rsx, req, peer, out);
	const char *action = action_name(req->cmd);
	bool all = req->cmd == HD_CTL_MAINT_ALL || req->cmd == HD_CTL_UNMAINT_ALL;
	struct ovr x = {.uid = peer->uid, .pid = peer->pid, .realtime_usec = ovr_realtime_usec()};
	char err[400] = "", what[240];
	bool set;
	int r = request(d, req, &x, &set, err, sizeof(err));

	if (all)
		snprintf(what, sizeof(what), "every virtual server");
	else if (x.rs[0])
		snprintf(what, sizeof(what), "real server %s of %s", x.rs, x.vs);
	else
		snprintf(what, sizeof(what), "virtual server %s", r < 0 ? req->argv[0] : x.vs);
	/* the event names what was asked, as asked when it failed */
	const char *ev_vs = all ? "*" : r < 0 ? req->argv[0] : x.vs;
	const char *ev_rs = x.rs[0] ? x.rs : req->argc >= 2 ? req->argv[1] : NULL;
	hd_events_runtime(d, action, ev_vs, ev_rs, x.weight, peer->uid, peer->pid,
			  r < 0 ? err : NULL);
	if (r < 0) {
		fprintf(out, "%s\n", err);
		return r;
	}
	hd_notice("operator (uid %u, pid %d): %s %s", peer->uid, peer->pid, action, what);
	if (req->cmd == HD_CTL_WEIGHT && !set)
		fprintf(out, "weight reset %s %s: the file's\n", x.vs, x.rs);
	else if (req->cmd == HD_CTL_WEIGHT)
		fprintf(out, "weight set %s %s %d\n", x.vs, x.rs, x.weight);
	else if (x.rs[0])
		fprintf(out, "%s %s %s\n", set ? "drained" : "undrained", x.vs, x.rs);
	else
		fprintf(out, "%s: %s\n", set ? "in maintenance" : "out of maintenance", what);
	if (req->cmd == HD_CTL_UNDRAIN && (find(d->overrides, OVR_MAINT_VS, x.vs, "") ||
					   find(d->overrides, OVR_MAINT_ALL, "", "")))
		fprintf(out, "still drained: %s is in maintenance\n",
			find(d->overrides, OVR_MAINT_ALL, "", "") ? "the director" : x.vs);
	return 0;
}

int hd_override_drain_poll(struct hd_daemon *d, const char *vs, const char *rs, uint64_t *active,
			   char *msg, size_t len)
{
	char vsn[140], rsn[80];
	long vi, ri;
	uint64_t inactive;
	struct hc_rs_verdict v;
	int r = ovr_resolve(d, vs, rs, vsn, rsn, &vi, &ri, msg, len);

	if (r < 0)
		return r; /* a reload took it away meanwhile */
	hc_rs_verdict(d, (size_t)vi, (size_t)ri, &v);
	if (!v.drained) {
		snprintf(msg, len, "real server %s of %s was undrained while waiting", rsn, vsn);
		return -ECANCELED;
	}
	r = ipvs_rs_connections(d, (size_t)vi, &d->config->virtual_servers[vi].real_servers[ri].ep,
				active, &inactive);
	if (r < 0) {
		snprintf(msg, len, "cannot read the kernel's IPVS counters: %s",
			 r == -ENODEV ? "IPVS is not available" : strerror(-r));
		return r;
	}
	if (r == 0) {
		*active = 0;
		snprintf(msg, len, "real server %s of %s is not in the kernel's IPVS table", rsn,
			 vsn);
		return 1;
	}
	if (*active)
		return 0;
	snprintf(msg, len, "real server %s of %s drained: 0 active connections (%llu inactive)",
		 rsn, vsn, (unsigned long long)inactive);
	return 1;
}

/* ---- the module ---- */

int hd_overrides_init(struct hd_daemon *d)
{
	d->overrides = calloc(1, sizeof(*d->overrides));
	if (!d->overrides || !(d->overrides->rsx = rsx_new()))
		return -ENOMEM;
	return 0;
}

int hd_overrides_prepare(struct hd_daemon *d, const struct hd_config *newcfg, void **prep)
{
	*prep = NULL;
	return 0;
}

void hd_overrides_abort(struct hd_daemon *d, void *prep)
{
}

/* Why the file now overrules X, or NULL when X stands. */
static const char *overruled(const struct hd_config *cfg, const struct ovr *x, char *buf,
			     size_t len)
{
	struct hd_endpoint ep;

	if (x->kind == OVR_MAINT_ALL)
		return NULL;
	long vi = ovr_find_vs(cfg, x->vs);
	if (vi < 0)
		return "the virtual server is no longer in the file";
	if (x->kind == OVR_MAINT_VS)
		return NULL;
	long ri =
	    hd_endpoint_parse(x->rs, &ep) < 0 ? -1 : ovr_find_rs(&cfg->virtual_servers[vi], &ep);
	if (ri < 0)
		return "the real server is no longer in the file";
	unsigned w = cfg->virtual_servers[vi].real_servers[ri].weight;
	if (w == x->cfg_weight)
		return NULL;
	snprintf(buf, len, "the file now says weight %u (it said %u); the file wins", w,
		 x->cfg_weight);
	return buf;
}

/* After the health checker's commit (it carried every server's operator
 * state over): the records the new file overrules go, the rest is pushed
 * again (real servers new in a VS in maintenance get drained). */
void hd_overrides_commit(struct hd_daemon *d, const struct hd_config *newcfg, void *prep)
{
	struct hd_overrides *o = d->overrides;
	char why[160], when[32];
	size_t in_force = o->n;

	for (size_t i = 0; i < o->n;) {
		const struct ovr *x = &o->v[i];
		const char *w = overruled(newcfg, x, why, sizeof(why));
		if (!w) {
			i++;
			continue;
		}
		hd_notice("reload: operator override dropped: %s %s%s%s (uid %u, %s): %s",
			  kind_names[x->kind], x->vs, x->rs[0] ? " " : "", x->rs, x->uid,
			  ovr_utc(x->realtime_usec, when, sizeof(when)), w);
		o->dropped_by_reload++;
		drop(o, &o->v[i]);
	}
	o->dropped_by_reload += rsx_commit(o->rsx, newcfg);
	/* The health checker's operator state always equals what the records
	 * want, and its build carried it over: with none in force it is clear
	 * everywhere already. Skipping the walk matters at scale: it formats
	 * every real server's name (~6 ms natively for 37,205, ~70 ms under
	 * emulation) while a VRRP master waits on the same loop. */
	if (!in_force)
		return;
	apply(d, newcfg, -1);
}

int hd_overrides_inject(struct hd_daemon *d, struct hd_config *newcfg)
{
	return d->overrides ? rsx_inject(d, d->overrides->rsx, newcfg) : 0;
}

void hd_overrides_free(struct hd_daemon *d)
{
	if (!d->overrides)
		return;
	rsx_free(d->overrides->rsx);
	free(d->overrides->v);
	free(d->overrides);
	d->overrides = NULL;
}

void hd_overrides_status_json(struct hd_daemon *d, FILE *out)
{
	const struct hd_overrides *o = d->overrides;
	char when[32];

	fprintf(out, "{\"made\":%lu,\"dropped_by_reload\":%lu,\"active\":[", o ? o->made : 0,
		o ? o->dropped_by_reload : 0);
	for (size_t i = 0; o && i < o->n; i++) {
		const struct ovr *x = &o->v[i];
		fprintf(out,
			"%s{\"kind\":\"%s\",\"scope\":\"%s\",\"virtual_server\":", i ? "," : "",
			kind_names[x->kind],
			x->kind == OVR_MAINT_ALL  ? "director"
			: x->kind == OVR_MAINT_VS ? "virtual_server"
						  : "real_server");
		hd_json_str(out, x->vs[0] ? x->vs : NULL);
		fputs(",\"real_server\":", out);
		hd_json_str(out, x->rs[0] ? x->rs : NULL);
		if (x->kind == OVR_WEIGHT)
			fprintf(out, ",\"weight\":%d", x->weight);
		if (x->rs[0])
			fprintf(out, ",\"file_weight\":%u", x->cfg_weight);
		fprintf(out, ",\"uid\":%u,\"pid\":%d,\"since\":\"%s\"}", x->uid, x->pid,
			ovr_utc(x->realtime_usec, when, sizeof(when)));
	}
	if (o)
		rsx_status_json(o->rsx, out, o->n == 0);
	fputs("]}", out);
}

void hd_overrides_status_text(struct hd_daemon *d, FILE *out)
{
	const struct hd_overrides *o = d->overrides;
	char when[32];

	size_t n_rs = o ? rsx_count(o->rsx, true) + rsx_count(o->rsx, false) : 0;

	if (!o || !(o->n + n_rs)) {
		fputs("overrides: none\n", out);
		return;
	}
	fprintf(out, "overrides: %zu\n", o->n + n_rs);
	for (size_t i = 0; i < o->n; i++) {
		const struct ovr *x = &o->v[i];
		fprintf(out, "  %s %s%s%s", kind_names[x->kind],
			x->kind == OVR_MAINT_ALL ? "--all" : x->vs, x->rs[0] ? " " : "", x->rs);
		if (x->kind == OVR_WEIGHT)
			fprintf(out, " %d", x->weight);
		fprintf(out, "  by uid %u (pid %d) since %s\n", x->uid, x->pid,
			ovr_utc(x->realtime_usec, when, sizeof(when)));
	}
	rsx_status_text(o->rsx, out);
}

/* hadirector_overrides{kind,scope} (a gauge: what is in force now, for an
 * alert on a drain forgotten for days) and the reloads' drops. */
void hd_overrides_metrics(struct hd_daemon *d, FILE *out)
{
	static const char *const scopes[] = {"real_server", "real_server", "virtual_server",
					     "director"};
	const struct hd_overrides *o = d->overrides;
	unsigned n[4] = {0};

	for (size_t i = 0; o && i < o->n; i++)
		n[o->v[i].kind]++;
	hd_metric_family(
	    out, "hadirector_overrides", "gauge",
	    "Live changes in force (drain, weight, maint, add-rs, remove-rs), by kind and scope.");
	for (int k = 0; k < 4; k++)
		hd_metric_sample(out, "hadirector_overrides",
				 (const char *[]){"kind", kind_names[k], "scope", scopes[k], NULL},
				 (double)n[k]);
	hd_metric_sample(out, "hadirector_overrides",
			 (const char *[]){"kind", "add-rs", "scope", "real_server", NULL},
			 o ? (double)rsx_count(o->rsx, true) : 0);
	hd_metric_sample(out, "hadirector_overrides",
			 (const char *[]){"kind", "remove-rs", "scope", "real_server", NULL},
			 o ? (double)rsx_count(o->rsx, false) : 0);
	hd_metric_family(
	    out, "hadirector_overrides_dropped_by_reload_total", "counter",
	    "Live changes a reload dropped: the file changed or removed their server.");
	hd_metric_sample(out, "hadirector_overrides_dropped_by_reload_total", NULL,
			 o ? (double)o->dropped_by_reload : 0);
}
