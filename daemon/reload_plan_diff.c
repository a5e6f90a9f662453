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

/* The name of the sync group instance I of C is in, or "". */
static const char *group_of(const struct hd_config *c, size_t i)
{
	for (size_t g = 0; g < c->n_sync_groups; g++)
		for (size_t m = 0; m < c->sync_groups[g].n_members; m++)
			if (c->sync_groups[g].members[m] == i)
				return c->sync_groups[g].name;
	return "";
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
	if (strcmp(group_of(oldc, (size_t)(a - oldc->instances)),
		   group_of(newc, (size_t)(b - newc->instances))))
		f |= HD_PV_SYNC_GROUP;
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
	if (p->fields & HD_PV_SYNC_GROUP) {
		p->transition = true;
		p->peer_sees = p->peer_sees || master;
		why_add(p, "its sync group changed: the group's members change state together");
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

/* A check and its probe's identity (hc_probe_same: what hc_probe_key's
 * text says, without formatting it; the text is made only for the
 * restarted ones, to tell what changed). */
struct keyed {
	struct hc_pparams pp;
	uint64_t hash;
	size_t vs, rs, check;
	size_t idx; /* in the configuration's order */
};

static int keyed_cmp_idx(const void *a, const void *b)
{
	const struct keyed *x = a, *y = b;

	if (x->hash != y->hash)
		return x->hash < y->hash ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* Every check of CFG with its probe's identity, in the configuration's
 * order. */
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
			for (size_t c = 0; c < rs->n_checks; c++, k++) {
				hc_probe_params(&a[k].pp, cfg, vs, rs, &rs->checks[c]);
				a[k].hash = hc_probe_hash(&a[k].pp);
				a[k].vs = v, a[k].rs = r, a[k].check = c, a[k].idx = k;
			}
		}
	}
	*out = a;
	*n = k;
	return 0;
}

/* The first entry of SORTED (by hash, then index) that is the same probe
 * as K, or NULL. */
static const struct keyed *find_key(const struct keyed *sorted, size_t n, const struct keyed *k)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (sorted[mid].hash < k->hash)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < n && sorted[lo].hash == k->hash; lo++)
		if (hc_probe_same(&sorted[lo].pp, &k->pp))
			return &sorted[lo];
	return NULL;
}

/* Where the real servers of FROM continue in TO (hc_daemon.c's rule: the
 * same virtual server by hc_vs_same, the same address and port), built
 * once: a plan of tens of thousands of changed checks stays n log n. */
struct rsref {
	size_t vs, rs;
	const struct hd_endpoint *ep;
};

struct rs_map {
	const struct hd_config *to;
	size_t *vs;	  /* FROM's virtual server -> TO's, SIZE_MAX: none */
	struct rsref *rs; /* TO's real servers, by virtual server and endpoint */
	size_t n_rs;
};

static int rsref_cmp(const void *a, const void *b)
{
	const struct rsref *x = a, *y = b;
	int c = x->vs < y->vs ? -1 : x->vs > y->vs;

	if (!c)
		c = hd_addr_cmp(&x->ep->addr, &y->ep->addr);
	return c ? c : x->ep->port < y->ep->port ? -1 : x->ep->port > y->ep->port;
}

struct vsref {
	uint64_t hash;
	size_t vs;
};

static int vsref_cmp(const void *a, const void *b)
{
	const struct vsref *x = a, *y = b;

	if (x->hash != y->hash)
		return x->hash < y->hash ? -1 : 1;
	return x->vs < y->vs ? -1 : x->vs > y->vs;
}

/* M->vs: each of FROM's virtual servers to the first of TO's that is the
 * same (hc_vs_same), through TO's sorted by hash. */
static int vs_map_build(struct rs_map *m, const struct hd_config *from, const struct hd_config *to)
{
	size_t nt = to->n_virtual_servers;
	struct vsref *t = calloc(nt + 1, sizeof(*t));

	if (!t)
		return -ENOMEM;
	for (size_t v = 0; v < nt; v++)
		t[v] = (struct vsref){hc_vs_hash(&to->virtual_servers[v]), v};
	qsort(t, nt, sizeof(*t), vsref_cmp);
	for (size_t v = 0; v < from->n_virtual_servers; v++) {
		const struct hd_virtual_server_config *f = &from->virtual_servers[v];
		uint64_t h = hc_vs_hash(f);
		size_t lo = 0, hi = nt;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (t[mid].hash < h)
				lo = mid + 1;
			else
				hi = mid;
		}
		m->vs[v] = SIZE_MAX;
		for (; lo < nt && t[lo].hash == h && m->vs[v] == SIZE_MAX; lo++)
			if (hc_vs_same(f, &to->virtual_servers[t[lo].vs]))
				m->vs[v] = t[lo].vs;
	}
	free(t);
	return 0;
}

static int rs_map_build(struct rs_map *m, const struct hd_config *from, const struct hd_config *to)
{
	size_t n = 0;

	*m = (struct rs_map){.to = to};
	for (size_t v = 0; v < to->n_virtual_servers; v++)
		n += to->virtual_servers[v].n_real_servers;
	m->vs = calloc(from->n_virtual_servers + 1, sizeof(*m->vs));
	m->rs = calloc(n + 1, sizeof(*m->rs));
	if (!m->vs || !m->rs || vs_map_build(m, from, to) < 0)
		return -ENOMEM;
	for (size_t v = 0; v < to->n_virtual_servers; v++)
		for (size_t r = 0; r < to->virtual_servers[v].n_real_servers; r++)
			m->rs[m->n_rs++] =
			    (struct rsref){v, r, &to->virtual_servers[v].real_servers[r].ep};
	qsort(m->rs, m->n_rs, sizeof(*m->rs), rsref_cmp);
	return 0;
}

static void rs_map_free(struct rs_map *m)
{
	free(m->vs);
	free(m->rs);
}

/* The real server of TO that FROM's real server EP of virtual server V
 * continues as, or NULL; *TO_VS: its virtual server. */
static const struct hd_real_server_config *rs_map_find(const struct rs_map *m, size_t v,
						       const struct hd_endpoint *ep, size_t *to_vs)
{
	if (m->vs[v] == SIZE_MAX)
		return NULL;
	struct rsref k = {m->vs[v], 0, ep};
	const struct rsref *f = bsearch(&k, m->rs, m->n_rs, sizeof(k), rsref_cmp);
	if (!f)
		return NULL;
	*to_vs = f->vs;
	return &m->to->virtual_servers[f->vs].real_servers[f->rs];
}

static int restarted(const struct hd_config *oldc, const struct hd_config *newc,
		     const struct rs_map *n2o, struct hd_plan_check *c)
{
	const struct hd_virtual_server_config *vs = &newc->virtual_servers[c->vs];
	const struct hd_real_server_config *rs = &vs->real_servers[c->rs];
	size_t ov = 0;
	const struct hd_real_server_config *o = rs_map_find(n2o, c->vs, &rs->ep, &ov);

	if (!o || c->check >= o->n_checks)
		return 0; /* a new real server, or a check more: started */
	c->kind = HD_PLAN_CHANGED;
	const struct hd_virtual_server_config *ovs = &oldc->virtual_servers[ov];
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

/* A copy of V sorted for find_key (pp's pointers stay valid: into the
 * same configuration). */
static struct keyed *sorted_copy(const struct keyed *v, size_t n)
{
	struct keyed *s = malloc((n + 1) * sizeof(*s));

	if (s) {
		memcpy(s, v, n * sizeof(*s));
		qsort(s, n, sizeof(*s), keyed_cmp_idx);
	}
	return s;
}

/* OKV and NKV: the checks of OLDC and NEWC in their order. */
static int checks_walk(const struct hd_config *oldc, const struct hd_config *newc,
		       const struct keyed *okv, size_t nok, const struct keyed *nkv, size_t nnk,
		       struct hd_plan_checks *p)
{
	struct keyed *ns = sorted_copy(nkv, nnk), *os = sorted_copy(okv, nok);
	struct rs_map n2o = {0}, o2n = {0};
	int r = -ENOMEM;

	if (!ns || !os || rs_map_build(&n2o, newc, oldc) < 0 || rs_map_build(&o2n, oldc, newc) < 0)
		goto out;
	for (size_t i = 0; i < nnk; i++) {
		struct hd_plan_check *c = &p->v[p->n++];

		*c = (struct hd_plan_check){
		    .kind = HD_PLAN_ADDED, .vs = nkv[i].vs, .rs = nkv[i].rs, .check = nkv[i].check};
		/* the earliest check of the list with this key owns the probe */
		c->shared = find_key(ns, nnk, &nkv[i])->idx != i;
		if (find_key(os, nok, &nkv[i])) {
			c->kind = HD_PLAN_KEPT;
			p->checks_kept++;
			p->probes_kept += !c->shared;
			continue;
		}
		if (restarted(oldc, newc, &n2o, c) < 0)
			goto out;
		p->probes_started += !c->shared;
		if (c->kind == HD_PLAN_CHANGED)
			p->checks_restarted++;
		else
			p->checks_started++;
	}
	for (size_t i = 0; i < nok; i++) {
		const struct keyed *o = &okv[i];
		if (find_key(ns, nnk, o))
			continue;
		bool dup = find_key(os, nok, o)->idx != i; /* an earlier one has its probe */
		p->probes_stopped += !dup;
		/* its real server's check of that place restarts: told there */
		size_t nv = 0;
		const struct hd_real_server_config *nrs = rs_map_find(
		    &o2n, o->vs, &oldc->virtual_servers[o->vs].real_servers[o->rs].ep, &nv);
		if (nrs && o->check < nrs->n_checks)
			continue;
		p->v[p->n++] =
		    (struct hd_plan_check){HD_PLAN_REMOVED, o->vs, o->rs, o->check, NULL, dup};
		p->checks_stopped++;
	}
	r = 0;
out:
	rs_map_free(&n2o);
	rs_map_free(&o2n);
	free(ns);
	free(os);
	return r;
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
	r = -ENOMEM;
	if (!(out->v = calloc(nok + nnk + 1, sizeof(*out->v))))
		goto out;
	r = checks_walk(oldc, newc, ok, nok, nk, nnk, out);
	if (r < 0)
		hd_plan_checks_free(out);
out:
	free(ok);
	free(nk);
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
