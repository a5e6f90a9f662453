/* Reload plans, the VRRP and check decisions (reload_plan_diff.h): pure. */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "healthcheck/hc_match.h"
#include "reload_plan_diff.h"
#include "vrrp/vrrp_reload_match.h"
#include "vrrp/vrrp_vip.h"

#define HD_PLAN_NAME(f, name) name,
const char *const hd_plan_vrrp_field_names[HD_PV__N] = {HD_PLAN_VRRP_FIELDS(HD_PLAN_NAME)};
#undef HD_PLAN_NAME

const char *hd_plan_vrrp_kind_str(enum hd_plan_kind k)
{
	static const char *const s[] = {"kept", "added", "removed", "changed", "replaced"};
	return (unsigned)k < sizeof(s) / sizeof(s[0]) ? s[k] : "?";
}

const char *hd_plan_check_kind_str(enum hd_plan_kind k)
{
	static const char *const s[] = {"kept", "started", "stopped", "restarted", "restarted"};
	return (unsigned)k < sizeof(s) / sizeof(s[0]) ? s[k] : "?";
}

const char *hd_plan_role_str(enum hd_plan_role r)
{
	static const char *const s[] = {"unknown", "backup", "master", "fault"};
	return (unsigned)r < sizeof(s) / sizeof(s[0]) ? s[r] : "?";
}

/* ---- VRRP ---- */

static bool str_same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

/* Routes and rules carry their file line: a moved line is no change. */
static bool routes_same(const struct hd_vrrp_instance_config *a,
			const struct hd_vrrp_instance_config *b)
{
	if (a->n_routes != b->n_routes || a->n_rules != b->n_rules)
		return false;
	for (size_t i = 0; i < a->n_routes; i++) {
		struct hd_route x = a->routes[i], y = b->routes[i];
		x.line = y.line = 0;
		if (memcmp(&x, &y, sizeof(x)))
			return false;
	}
	for (size_t i = 0; i < a->n_rules; i++) {
		struct hd_rule x = a->rules[i], y = b->rules[i];
		x.line = y.line = 0;
		if (memcmp(&x, &y, sizeof(x)))
			return false;
	}
	return true;
}

/* Scripts and processes are indexes into their configuration: compared by
 * name, with the weight the instance gives them. */
static bool track_same(const struct hd_config *oc, const struct hd_vrrp_instance_config *a,
		       const struct hd_config *nc, const struct hd_vrrp_instance_config *b)
{
	if (a->n_track_ifs != b->n_track_ifs || a->n_track_scripts != b->n_track_scripts ||
	    a->n_track_procs != b->n_track_procs || a->dont_track_primary != b->dont_track_primary)
		return false;
	for (size_t i = 0; i < a->n_track_ifs; i++)
		if (strcmp(a->track_ifs[i].name, b->track_ifs[i].name) ||
		    a->track_ifs[i].weight != b->track_ifs[i].weight)
			return false;
	for (size_t i = 0; i < a->n_track_scripts; i++) {
		const struct hd_track_script *x = &a->track_scripts[i], *y = &b->track_scripts[i];
		if (x->weight != y->weight ||
		    strcmp(oc->scripts[x->script].name, nc->scripts[y->script].name))
			return false;
	}
	for (size_t i = 0; i < a->n_track_procs; i++) {
		const struct hd_track_process *x = &a->track_procs[i], *y = &b->track_procs[i];
		if (x->weight != y->weight ||
		    strcmp(oc->processes[x->process].name, nc->processes[y->process].name))
			return false;
	}
	return true;
}

static bool unicast_same(const struct hd_vrrp_instance_config *a,
			 const struct hd_vrrp_instance_config *b)
{
	if (a->n_unicast_peers != b->n_unicast_peers || a->has_unicast_src != b->has_unicast_src ||
	    (a->has_unicast_src && hd_addr_cmp(&a->unicast_src, &b->unicast_src)))
		return false;
	for (size_t i = 0; i < a->n_unicast_peers; i++)
		if (hd_addr_cmp(&a->unicast_peers[i], &b->unicast_peers[i]))
			return false;
	return true;
}

static bool other_same(const struct hd_vrrp_instance_config *a,
		       const struct hd_vrrp_instance_config *b)
{
	return str_same(a->notify_master, b->notify_master) &&
	       str_same(a->notify_backup, b->notify_backup) &&
	       str_same(a->notify_fault, b->notify_fault) &&
	       str_same(a->notify_stop, b->notify_stop) && str_same(a->notify, b->notify) &&
	       a->garp_master_delay_usec == b->garp_master_delay_usec &&
	       a->garp_master_repeat == b->garp_master_repeat &&
	       a->garp_master_refresh_usec == b->garp_master_refresh_usec &&
	       a->lower_prio_no_advert == b->lower_prio_no_advert &&
	       a->garp_lower_prio_repeat == b->garp_lower_prio_repeat &&
	       a->smtp_alert == b->smtp_alert && a->initial_state == b->initial_state;
}

unsigned hd_plan_vrrp_fields(const struct hd_config *oldc, const struct hd_vrrp_instance_config *a,
			     const struct hd_config *newc, const struct hd_vrrp_instance_config *b)
{
	struct hd_vrrp_instance_config va = *a, vb = *b;
	unsigned f = 0;

	if (a->priority != b->priority)
		f |= HD_PV_PRIORITY;
	if (a->advert_int_cs != b->advert_int_cs)
		f |= HD_PV_ADVERT_INT;
	if (a->preempt != b->preempt)
		f |= HD_PV_PREEMPT;
	if (a->preempt_delay_usec != b->preempt_delay_usec)
		f |= HD_PV_PREEMPT_DELAY;
	va.n_excl_vips = vb.n_excl_vips = 0; /* the advertised ones alone */
	if (!vrrp_vips_same(&va, &vb))
		f |= HD_PV_VIPS;
	va = *a, vb = *b;
	va.n_vips = vb.n_vips = 0;
	if (!vrrp_vips_same(&va, &vb))
		f |= HD_PV_EXCL_VIPS;
	if (!routes_same(a, b))
		f |= HD_PV_ROUTES;
	if (!track_same(oldc, a, newc, b))
		f |= HD_PV_TRACK;
	if (a->auth_type != b->auth_type || strcmp(a->auth_pass, b->auth_pass))
		f |= HD_PV_AUTH;
	if (!unicast_same(a, b))
		f |= HD_PV_UNICAST;
	if (!other_same(a, b))
		f |= HD_PV_OTHER;
	if (strcmp(a->interface, b->interface))
		f |= HD_PV_INTERFACE;
	if (a->vrid != b->vrid)
		f |= HD_PV_VRID;
	if (a->family != b->family)
		f |= HD_PV_FAMILY;
	if (a->version != b->version)
		f |= HD_PV_VERSION;
	if (a->n_unicast_peers != b->n_unicast_peers || a->has_unicast_src != b->has_unicast_src)
		f |= HD_PV_UNICAST_MODE;
	if (a->use_vmac != b->use_vmac || strcmp(a->vmac_name, b->vmac_name) ||
	    a->vmac_xmit_base != b->vmac_xmit_base)
		f |= HD_PV_VMAC;
	return f;
}

static void why_add(struct hd_plan_vrrp *p, const char *s)
{
	size_t l = strlen(p->why);

	snprintf(p->why + l, sizeof(p->why) - l, "%s%s", l ? "; " : "", s);
}

/* A changed instance, field by field. The peer hears only a master (a
 * backup sends nothing); a role not known is judged both ways. */
static void judge_changed(struct hd_plan_vrrp *p, const struct hd_vrrp_instance_config *o,
			  const struct hd_vrrp_instance_config *n)
{
	bool master = p->role == HD_PLAN_ROLE_MASTER || p->role == HD_PLAN_ROLE_UNKNOWN;
	bool backup = p->role == HD_PLAN_ROLE_BACKUP || p->role == HD_PLAN_ROLE_UNKNOWN;

	if (p->fields & HD_PV_PRIORITY) {
		if (master) {
			p->peer_sees = p->prio_seen = true;
			p->prio_seen_value = n->priority;
			why_add(p, "a master advertises the new priority at once");
			if (n->priority < o->priority) {
				p->transition = true;
				why_add(p, "a backup above it with preempt takes over");
			}
		}
		if (backup && n->priority == 255) {
			p->transition = true;
			why_add(p, "priority 255 (address owner): a backup takes over at once");
		} else if (backup && n->priority > o->priority && n->preempt) {
			p->transition = true;
			why_add(p, "a backup above the master's priority takes over (preempt)");
		}
	}
	if ((p->fields & HD_PV_PREEMPT) && n->preempt && backup) {
		p->transition = true;
		why_add(p, "preempt now on: a backup above the master's priority takes over");
	}
	if ((p->fields & HD_PV_ADVERT_INT) && master) {
		p->peer_sees = true;
		if (n->version == 2) {
			p->transition = true;
			why_add(
			    p,
			    "a VRRPv2 peer drops adverts with another advert_int and takes over");
		} else {
			why_add(p, "the peer's backups follow the new interval (VRRPv3)");
		}
	}
	if ((p->fields & HD_PV_VIPS) && master) {
		p->peer_sees = true;
		why_add(p, "the adverts carry the new addresses; they are replaced and announced");
	}
	if (p->fields & HD_PV_AUTH) {
		p->transition = true;
		p->peer_sees = p->peer_sees || master;
		why_add(p, "a router with the other password drops the adverts and may take over");
	}
	if (p->fields & HD_PV_UNICAST) {
		p->transition = true;
		p->peer_sees = p->peer_sees || master;
		why_add(p, "adverts go to other addresses: a peer no longer reached takes over");
	}
	if (p->fields & HD_PV_TRACK) {
		p->transition = true;
		p->peer_sees = p->peer_sees || master;
		why_add(p, "tracking changed: the effective priority or a fault may change");
	}
	if (!p->why[0])
		why_add(p, "adopted by the running router: no transition, nothing sent");
}

static void judge(struct hd_plan_vrrp *p, const struct hd_vrrp_instance_config *o,
		  const struct hd_vrrp_instance_config *n)
{
	bool master = p->role == HD_PLAN_ROLE_MASTER || p->role == HD_PLAN_ROLE_UNKNOWN;

	switch (p->kind) {
	case HD_PLAN_KEPT:
		break;
	case HD_PLAN_ADDED:
		p->transition = p->peer_sees = true;
		why_add(p, "a new router: starts as backup (master at once at priority 255) and "
			   "becomes master when it hears no better one");
		break;
	case HD_PLAN_REPLACED:
	case HD_PLAN_REMOVED:
		if (master) {
			p->transition = p->peer_sees = p->prio_seen = true;
			p->prio_seen_value = 0;
			why_add(p, "a master stops: it sends priority 0 and the peer takes over");
		} else {
			why_add(p, "a backup stops: the peer notices nothing");
		}
		if (p->kind == HD_PLAN_REPLACED) {
			p->transition = p->peer_sees = true;
			why_add(p, "its identity changed: a new router starts as backup");
		}
		break;
	case HD_PLAN_CHANGED:
		judge_changed(p, o, n);
		break;
	}
}

static struct hd_plan_vrrp item(enum hd_plan_kind kind, const char *name, enum hd_plan_role role)
{
	return (struct hd_plan_vrrp){.kind = kind, .name = name, .role = role};
}

int hd_plan_vrrp(const struct hd_config *oldc, const enum hd_plan_role *roles,
		 const struct hd_config *newc, struct hd_plan_vrrp **out, size_t *n)
{
	size_t no = oldc->n_instances, nn = newc->n_instances, k = 0;
	const struct hd_vrrp_instance_config **olds = calloc(no + 1, sizeof(*olds));
	size_t *from = calloc(nn + 1, sizeof(*from));
	struct hd_plan_vrrp *v = calloc(no + nn + 1, sizeof(*v));

	if (!olds || !from || !v) {
		free(olds), free(from), free(v);
		return -ENOMEM;
	}
	for (size_t i = 0; i < no; i++)
		olds[i] = &oldc->instances[i];
	vrrp_reload_match(olds, no, newc->instances, nn, from);
	for (size_t i = 0; i < nn; i++) {
		const struct hd_vrrp_instance_config *b = &newc->instances[i], *a = NULL;
		size_t o = from[i];

		for (size_t j = 0; !o && j < no; j++) /* same name, other identity */
			if (olds[j] && !strcmp(olds[j]->name, b->name)) {
				olds[j] = NULL;
				o = j + 1;
			}
		enum hd_plan_role role = o && roles ? roles[o - 1] : HD_PLAN_ROLE_UNKNOWN;
		a = o ? &oldc->instances[o - 1] : NULL;
		struct hd_plan_vrrp *p = &v[k++];
		*p = item(HD_PLAN_ADDED, b->name, role);
		p->new_prio = b->priority;
		if (a) {
			p->old_prio = a->priority;
			p->fields = hd_plan_vrrp_fields(oldc, a, newc, b);
			p->kind = from[i] ? (p->fields ? HD_PLAN_CHANGED : HD_PLAN_KEPT)
					  : HD_PLAN_REPLACED;
		}
		judge(p, a, b);
	}
	for (size_t j = 0; j < no; j++) {
		if (!olds[j])
			continue;
		struct hd_plan_vrrp *p = &v[k++];
		*p = item(HD_PLAN_REMOVED, olds[j]->name, roles ? roles[j] : HD_PLAN_ROLE_UNKNOWN);
		p->old_prio = olds[j]->priority;
		judge(p, olds[j], NULL);
	}
	free(olds);
	free(from);
	*out = v;
	*n = k;
	return 0;
}

/* ---- checks ---- */

struct keyed {
	char *key;
	size_t vs, rs, check;
	size_t idx; /* in the configuration's order */
};

static int keyed_cmp(const void *a, const void *b)
{
	return strcmp(((const struct keyed *)a)->key, ((const struct keyed *)b)->key);
}

static int keyed_cmp_idx(const void *a, const void *b)
{
	const struct keyed *x = a, *y = b;
	int c = strcmp(x->key, y->key);
	return c ? c : x->idx < y->idx ? -1 : x->idx > y->idx;
}

static void keyed_free(struct keyed *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		free(v[i].key);
	free(v);
}

/* Every check of CFG with its probe key, in the configuration's order. */
static int keys_of(const struct hd_config *cfg, struct keyed **out, size_t *n)
{
	size_t cap = 0, k = 0;

	for (size_t v = 0; v < cfg->n_virtual_servers; v++)
		for (size_t r = 0; r < cfg->virtual_servers[v].n_real_servers; r++)
			cap += cfg->virtual_servers[v].real_servers[r].n_checks;
	struct keyed *a = calloc(cap + 1, sizeof(*a));
	if (!a)
		return -ENOMEM;
	for (size_t v = 0; v < cfg->n_virtual_servers; v++) {
		const struct hd_virtual_server_config *vs = &cfg->virtual_servers[v];
		for (size_t r = 0; r < vs->n_real_servers; r++) {
			const struct hd_real_server_config *rs = &vs->real_servers[r];
			for (size_t c = 0; c < rs->n_checks; c++) {
				struct hc_pparams pp;
				hc_probe_params(&pp, cfg, vs, rs, &rs->checks[c]);
				a[k] = (struct keyed){hc_probe_key(vs, rs, &rs->checks[c], &pp), v,
						      r, c, k};
				if (!a[k++].key) {
					keyed_free(a, k);
					return -ENOMEM;
				}
			}
		}
	}
	*out = a;
	*n = k;
	return 0;
}

/* The first entry with KEY of SORTED (by key, then index), or NULL. */
static const struct keyed *find_key(const struct keyed *sorted, size_t n, const char *key)
{
	struct keyed k = {.key = (char *)key};
	const struct keyed *f = bsearch(&k, sorted, n, sizeof(k), keyed_cmp);

	while (f && f > sorted && !strcmp(f[-1].key, key))
		f--;
	return f;
}

/* The real server of OLDC that RS of VS continues (hc_daemon.c's rule),
 * or NULL; with the configurations swapped, the one that continues it. */
static const struct hd_real_server_config *old_rs(const struct hd_config *oldc,
						  const struct hd_virtual_server_config *vs,
						  const struct hd_real_server_config *rs)
{
	for (size_t v = 0; v < oldc->n_virtual_servers; v++) {
		const struct hd_virtual_server_config *ov = &oldc->virtual_servers[v];
		if (!hc_vs_same(ov, vs))
			continue;
		for (size_t r = 0; r < ov->n_real_servers; r++)
			if (hc_ep_same(&ov->real_servers[r].ep, &rs->ep))
				return &ov->real_servers[r];
		return NULL;
	}
	return NULL;
}

static int restarted(const struct hd_config *oldc, const struct hd_config *newc,
		     struct hd_plan_check *c)
{
	const struct hd_virtual_server_config *vs = &newc->virtual_servers[c->vs];
	const struct hd_real_server_config *rs = &vs->real_servers[c->rs];
	const struct hd_real_server_config *o = old_rs(oldc, vs, rs);

	if (!o || c->check >= o->n_checks)
		return 0; /* a new real server, or a check more: started */
	c->kind = HD_PLAN_CHANGED;
	const struct hd_virtual_server_config *ovs = NULL;
	for (size_t v = 0; !ovs && v < oldc->n_virtual_servers; v++)
		if (hc_vs_same(&oldc->virtual_servers[v], vs))
			ovs = &oldc->virtual_servers[v];
	struct hc_pparams op, np;
	hc_probe_params(&op, oldc, ovs, o, &o->checks[c->check]);
	hc_probe_params(&np, newc, vs, rs, &rs->checks[c->check]);
	char *ok = hc_probe_key(ovs, o, &o->checks[c->check], &op);
	char *nk = hc_probe_key(vs, rs, &rs->checks[c->check], &np);
	int r = -ENOMEM;
	if (ok && nk && (c->changed = malloc(512))) {
		hd_plan_key_diff(ok, nk, c->changed, 512);
		r = 0;
	}
	free(ok), free(nk);
	return r;
}

static int checks_walk(const struct hd_config *oldc, const struct hd_config *newc, struct keyed *ok,
		       size_t nok, struct keyed *nkv, size_t nnk, struct hd_plan_checks *p)
{
	struct keyed *ns = malloc((nnk + 1) * sizeof(*ns)); /* sorted copy, keys shared */

	if (!ns)
		return -ENOMEM;
	memcpy(ns, nkv, nnk * sizeof(*ns));
	qsort(ns, nnk, sizeof(*ns), keyed_cmp_idx);
	for (size_t i = 0; i < nnk; i++) {
		struct hd_plan_check *c = &p->v[p->n++];

		*c = (struct hd_plan_check){
		    .kind = HD_PLAN_ADDED, .vs = nkv[i].vs, .rs = nkv[i].rs, .check = nkv[i].check};
		/* the earliest check of the list with this key owns the probe */
		c->shared = find_key(ns, nnk, nkv[i].key)->idx != i;
		if (find_key(ok, nok, nkv[i].key)) {
			c->kind = HD_PLAN_KEPT;
			p->checks_kept++;
			p->probes_kept += !c->shared;
			continue;
		}
		if (restarted(oldc, newc, c) < 0) {
			free(ns);
			return -ENOMEM;
		}
		p->probes_started += !c->shared;
		if (c->kind == HD_PLAN_CHANGED)
			p->checks_restarted++;
		else
			p->checks_started++;
	}
	for (size_t i = 0; i < nok; i++) { /* ok is sorted: equal keys are neighbours */
		if (find_key(ns, nnk, ok[i].key))
			continue;
		bool dup = i && !strcmp(ok[i - 1].key, ok[i].key);
		p->probes_stopped += !dup;
		/* its real server's check of that place restarts: told there */
		const struct hd_virtual_server_config *ovs = &oldc->virtual_servers[ok[i].vs];
		const struct hd_real_server_config *nrs =
		    old_rs(newc, ovs, &ovs->real_servers[ok[i].rs]);
		if (nrs && ok[i].check < nrs->n_checks)
			continue;
		p->v[p->n++] = (struct hd_plan_check){HD_PLAN_REMOVED, ok[i].vs, ok[i].rs,
						      ok[i].check,     NULL,	 dup};
		p->checks_stopped++;
	}
	free(ns);
	return 0;
}

int hd_plan_checks(const struct hd_config *oldc, const struct hd_config *newc,
		   struct hd_plan_checks *out)
{
	struct keyed *ok = NULL, *nk = NULL;
	size_t nok = 0, nnk = 0;
	int r;

	*out = (struct hd_plan_checks){0};
	if ((r = keys_of(oldc, &ok, &nok)) < 0 || (r = keys_of(newc, &nk, &nnk)) < 0)
		goto out;
	qsort(ok, nok, sizeof(*ok), keyed_cmp_idx);
	r = -ENOMEM;
	if (!(out->v = calloc(nok + nnk + 1, sizeof(*out->v))))
		goto out;
	r = checks_walk(oldc, newc, ok, nok, nk, nnk, out);
	if (r < 0)
		hd_plan_checks_free(out);
out:
	keyed_free(ok, nok);
	keyed_free(nk, nnk);
	return r;
}

void hd_plan_checks_free(struct hd_plan_checks *p)
{
	for (size_t i = 0; p->v && i < p->n; i++)
		free(p->v[i].changed);
	free(p->v);
	*p = (struct hd_plan_checks){0};
}

/* A key is "TYPE|TARGET|name=value|...": the first two parts have no
 * name. A value with a '|' of its own (a path) splits in two here, which
 * only makes the text longer. */
static size_t split(const char *key, const char **part, size_t *len, size_t max)
{
	size_t n = 0;

	while (n < max) {
		const char *e = strchr(key, '|');
		part[n] = key;
		len[n++] = e ? (size_t)(e - key) : strlen(key);
		if (!e)
			break;
		key = e + 1;
	}
	return n;
}

void hd_plan_key_diff(const char *oldkey, const char *newkey, char *buf, size_t len)
{
	const char *op[64], *np[64];
	size_t ol[64], nl[64], off = 0;
	size_t no = split(oldkey, op, ol, 64), nn = split(newkey, np, nl, 64);
	static const char *const unnamed[] = {"type", "target"};

	buf[0] = '\0';
	for (size_t i = 0; i < no || i < nn; i++) {
		const char *a = i < no ? op[i] : "", *b = i < nn ? np[i] : "";
		size_t la = i < no ? ol[i] : 0, lb = i < nn ? nl[i] : 0;
		if (la == lb && !memcmp(a, b, la))
			continue;
		const char *eq = i >= 2 ? memchr(b, '=', lb) : NULL;
		size_t name = eq ? (size_t)(eq - b) : 0;
		int w;
		if (eq && la > name && !memcmp(a, b, name + 1))
			w = snprintf(buf + off, len - off, "%s%.*s=%.*s->%.*s", off ? " " : "",
				     (int)name, b, (int)(la - name - 1), a + name + 1,
				     (int)(lb - name - 1), b + name + 1);
		else
			w = snprintf(buf + off, len - off, "%s%s=%.*s->%.*s", off ? " " : "",
				     i < 2 ? unnamed[i] : "part", (int)la, a, (int)lb, b);
		if (w < 0 || (size_t)w >= len - off)
			return; /* cut */
		off += (size_t)w;
	}
}
