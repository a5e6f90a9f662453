/* Conversion of global, vrrp_script, vrrp_instance, vrrp_sync_group and
 * lvs_sync_daemon sections into struct hd_config. */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <linux/rtnetlink.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "config_int.h"

#define DEFAULT_SCRIPT_TIMEOUT_USEC (5 * 1000000ULL)

void conv_global(struct cctx *c, cfg_t *root, struct hd_config *cfg)
{
	struct hd_global_config *g = &cfg->global;
	cfg_t *sec = csec(root, "global", 0);

	g->script_timeout_usec = DEFAULT_SCRIPT_TIMEOUT_USEC;
	g->set_sysctls = true;
	if (!sec)
		return;
	g->line = sec_line(sec);
	get_name(c, sec, "router_id", g->router_id, sizeof(g->router_id));
	get_name(c, sec, "script_user", g->script_user, sizeof(g->script_user));
	get_str(c, sec, "control_socket", &g->control_socket);
	get_str(c, sec, "pid_file", &g->pid_file);
	get_bool(c, sec, "snmp", &g->snmp);
	get_str(c, sec, "snmp_socket", &g->snmp_socket);
	if (get_endpoint(c, sec, "metrics_listen", &g->metrics_listen))
		g->metrics_enabled = true;
	get_dur(c, sec, "script_timeout", 0.001, 3600, &g->script_timeout_usec);
	get_bool(c, sec, "set_sysctls", &g->set_sysctls);
	get_uint(c, sec, "rt_priority", 0, 99, &g->rt_priority);
	get_bool(c, sec, "lock_memory", &g->lock_memory);
	static const char *const on_stop[] = {"remove", "keep", NULL};
	int keep = 0;
	if (get_enum(c, sec, "ipvs_on_stop", on_stop, &keep))
		g->ipvs_keep_on_stop = keep == 1;
}

void conv_scripts(struct cctx *c, cfg_t *root, struct hd_config *cfg)
{
	unsigned n = cnum(root, "vrrp_script");

	cfg->scripts = calloc(n ? n : 1, sizeof(*cfg->scripts));
	if (!cfg->scripts)
		return;
	for (unsigned i = 0; i < n; i++) {
		cfg_t *sec = csec(root, "vrrp_script", i);
		struct hd_vrrp_script_config *s = &cfg->scripts[cfg->n_scripts++];

		s->line = sec_line(sec);
		get_title(c, sec, "vrrp_script", s->name, sizeof(s->name));
		if (!get_str(c, sec, "script", &s->script) && !cget(sec, "script", 0))
			cerr(c, s->line, "vrrp_script %s: 'script' is required", s->name);
		s->interval_usec = 1000000;
		get_dur(c, sec, "interval", 0.01, 86400, &s->interval_usec);
		s->timeout_usec = cfg->global.script_timeout_usec;
		get_dur(c, sec, "timeout", 0.001, 3600, &s->timeout_usec);
		s->rise = s->fall = 1;
		get_uint(c, sec, "rise", 1, 1000, &s->rise);
		get_uint(c, sec, "fall", 1, 1000, &s->fall);
		long w = 0;
		get_long(c, sec, "weight", -254, 254, &w);
		s->weight = (int)w;
	}
}

static ssize_t find_script(const struct hd_config *cfg, const char *name)
{
	for (size_t i = 0; i < cfg->n_scripts; i++)
		if (strcmp(cfg->scripts[i].name, name) == 0)
			return (ssize_t)i;
	return -1;
}

static ssize_t find_instance(const struct hd_config *cfg, const char *name)
{
	for (size_t i = 0; i < cfg->n_instances; i++)
		if (strcmp(cfg->instances[i].name, name) == 0)
			return (ssize_t)i;
	return -1;
}

/* advert_int: VRRPv3 carries centiseconds in 12 bits (0.01..40.95 s),
 * VRRPv2 whole seconds in 8 bits (1..255 s). */
static void conv_advert(struct cctx *c, cfg_t *sec, struct hd_vrrp_instance_config *in)
{
	const struct cval *v = cget(sec, "advert_int", 0);
	double d;

	in->advert_int_cs = 100;
	if (!v)
		return;
	if (in->version == 3) {
		if (!get_secs(c, v, "advert_int", 0.01, 40.95, &d))
			return;
		if (fabs(d * 100 - round(d * 100)) > 1e-6) {
			cerr(c, v->line, "advert_int: %s is not a multiple of 0.01 s", v->s);
			return;
		}
		in->advert_int_cs = (uint16_t)lround(d * 100);
	} else {
		if (!get_secs(c, v, "advert_int", 1, 255, &d))
			return;
		if (d != floor(d)) {
			cerr(c, v->line, "advert_int: VRRP version 2 needs whole seconds, not %s",
			     v->s);
			return;
		}
		in->advert_int_cs = (uint16_t)(d * 100);
	}
}

static bool valid_label_chars(const char *s)
{
	for (; *s; s++)
		if (!isgraph((unsigned char)*s))
			return false;
	return true;
}

/* Append the address TEXT (from LINE) to the VIPs or, EXCLUDED, to the
 * excluded ones. Only the advertised VIPs set and share the instance's
 * family: an excluded address may be of either (keepalived's use of them). */
static struct hd_prefix *add_vip(struct cctx *c, struct hd_vrrp_instance_config *in, int line,
				 const char *what, const char *text, bool excluded)
{
	struct hd_prefix p = {0};

	if (hd_prefix_parse(text, &p) < 0 || p.prefixlen == 0) {
		cerr(c, line, "%s: '%s' is not ADDR or ADDR/LEN", what, text);
		return NULL;
	}
	if (!excluded && !in->family) {
		in->family = p.addr.family;
	} else if (!excluded && p.addr.family != in->family) {
		cerr(c, line, "%s: %s mixes IPv4 and IPv6 in one instance", what, text);
		return NULL;
	}
	for (size_t j = 0; j < in->n_vips + in->n_excl_vips; j++) {
		const struct hd_prefix *o =
		    j < in->n_vips ? &in->vips[j] : &in->excl_vips[j - in->n_vips];
		if (hd_addr_cmp(&o->addr, &p.addr) == 0)
			cerr(c, line, "%s: %s is listed twice", what, text);
	}
	if (excluded) {
		in->excl_vips[in->n_excl_vips] = p;
		return &in->excl_vips[in->n_excl_vips++];
	}
	in->vips[in->n_vips] = p;
	return &in->vips[in->n_vips++];
}

/* The kernel keeps an IPv4 label in IFNAMSIZ bytes and wants it to begin
 * with the name of the interface that holds the address ("eth1:web"). */
void conv_label(struct cctx *c, cfg_t *a, const char *ifname, struct hd_prefix *v)
{
	const struct cval *l = cget(a, "label", 0);
	size_t n;

	if (!l)
		return;
	n = strlen(ifname);
	if (v->addr.family != AF_INET)
		cerr(c, l->line, "label: only IPv4 addresses have labels");
	else if (!l->s[0] || strlen(l->s) >= IFNAMSIZ_LIMIT)
		cerr(c, l->line, "label: '%s' must be 1..%d bytes", l->s, IFNAMSIZ_LIMIT - 1);
	else if (strncmp(l->s, ifname, n) != 0)
		cerr(c, l->line, "label: '%s' must begin with the interface name %s", l->s, ifname);
	else if (strchr(l->s, '/') || !valid_label_chars(l->s))
		cerr(c, l->line, "label: '%s' has a blank, a '/' or a control character", l->s);
	else
		snprintf(v->label, sizeof(v->label), "%s", l->s);
}

/* `virtual_address ADDR[/LEN] { dev label scope brd excluded }`: one
 * address with the options keepalived writes after it on its line. */
static void conv_vaddr(struct cctx *c, cfg_t *a, struct hd_vrrp_instance_config *in)
{
	static const char *const scopes[] = {"global", "site", "link", "host", "nowhere", NULL};
	static const uint8_t scope_val[] = {RT_SCOPE_UNIVERSE, RT_SCOPE_SITE, RT_SCOPE_LINK,
					    RT_SCOPE_HOST, RT_SCOPE_NOWHERE};
	const struct cval *b = cget(a, "brd", 0);
	struct hd_prefix *v;
	bool excluded = false;
	int sc = 0;

	get_bool(c, a, "excluded", &excluded);
	v = add_vip(c, in, sec_line(a), "virtual_address", cfg_title(a), excluded);
	if (!v)
		return;
	get_ifname(c, a, "dev", v->dev);
	conv_label(c, a, v->dev[0] ? v->dev : in->interface, v);
	if (get_enum(c, a, "scope", scopes, &sc) && v->addr.family != AF_INET)
		cerr(c, cget(a, "scope", 0)->line,
		     "scope: IPv4 only (the kernel sets an IPv6 address's scope from the address)");
	v->scope = scope_val[sc];
	if (b && get_addr(c, a, "brd", &v->brd)) {
		if (v->addr.family != AF_INET || v->brd.family != AF_INET)
			cerr(c, b->line, "brd: a broadcast address is IPv4 only (%s)", b->s);
		else
			v->has_brd = true;
	}
}

static void conv_vips(struct cctx *c, cfg_t *sec, struct hd_vrrp_instance_config *in)
{
	unsigned n = cnum(sec, "virtual_ipaddress"), na = cnum(sec, "virtual_address");
	unsigned ne = cnum(sec, "virtual_ipaddress_excluded");

	in->vips = calloc(n + na + 1, sizeof(*in->vips));
	in->excl_vips = calloc(ne + na + 1, sizeof(*in->excl_vips));
	if (!in->vips || !in->excl_vips)
		return;
	for (unsigned i = 0; i < n; i++) {
		const struct cval *v = cget(sec, "virtual_ipaddress", i);
		add_vip(c, in, v->line, "virtual_ipaddress", v->s, false);
	}
	for (unsigned i = 0; i < na; i++)
		conv_vaddr(c, csec(sec, "virtual_address", i), in);
	for (unsigned i = 0; i < ne; i++) {
		const struct cval *v = cget(sec, "virtual_ipaddress_excluded", i);
		add_vip(c, in, v->line, "virtual_ipaddress_excluded", v->s, true);
	}
	/* none is allowed: keepalived runs VRRP without addresses (adverts
	 * with none, the notify scripts doing the rest, e.g. moving a cloud
	 * address); the family is then the unicast addresses' (conv_family) */
}

/* An instance without virtual addresses takes its family from
 * unicast_src_ip or its first unicast_peer; IPv4 without either. */
static void conv_family(struct hd_vrrp_instance_config *in)
{
	if (in->family)
		return;
	in->family = in->has_unicast_src   ? in->unicast_src.family
		     : in->n_unicast_peers ? in->unicast_peers[0].family
					   : AF_INET;
}

static void conv_unicast(struct cctx *c, cfg_t *sec, struct hd_vrrp_instance_config *in)
{
	unsigned n = cnum(sec, "unicast_peer");
	const struct cval *src = cget(sec, "unicast_src_ip", 0);

	if (get_addr(c, sec, "unicast_src_ip", &in->unicast_src)) {
		in->has_unicast_src = true;
		if (in->family && in->unicast_src.family != in->family)
			cerr(c, src->line, "unicast_src_ip: %s is not of the VIPs' address family",
			     src->s);
	}
	in->unicast_peers = calloc(n ? n : 1, sizeof(*in->unicast_peers));
	if (!in->unicast_peers)
		return;
	for (unsigned i = 0; i < n; i++) {
		const struct cval *v = cget(sec, "unicast_peer", i);
		struct hd_addr a;

		if (hd_addr_parse(v->s, &a) < 0) {
			cerr(c, v->line, "unicast_peer: '%s' is not an IP address", v->s);
			continue;
		}
		if (in->family && a.family != in->family) {
			cerr(c, v->line, "unicast_peer: %s is not of the VIPs' address family",
			     v->s);
			continue;
		}
		in->unicast_peers[in->n_unicast_peers++] = a;
	}
}

static void conv_auth(struct cctx *c, cfg_t *sec, struct hd_vrrp_instance_config *in)
{
	static const char *const types[] = {"none", "pass", "ah", NULL};
	cfg_t *a = csec(sec, "authentication", 0);
	const struct cval *pw;
	int t = 0;

	if (!a)
		return;
	if (in->version == 3)
		cerr(c, sec_line(a),
		     "authentication: VRRP version 3 has none (RFC 5798); "
		     "use version = 2 or remove it");
	get_enum(c, a, "type", types, &t);
	in->auth_type = t == 2 ? HD_VRRP_AUTH_AH : t == 1 ? HD_VRRP_AUTH_PASS : HD_VRRP_AUTH_NONE;
	/* ah: RFC 2338's IP Authentication Header keyed with the password, as
	 * keepalived sends it (vrrp/vrrp_ah.h); version 2, so IPv4 only */
	pw = cget(a, "password", 0);
	if (in->auth_type != HD_VRRP_AUTH_NONE && !pw)
		cerr(c, sec_line(a), "authentication: type %s needs a password", types[t]);
	if (!pw)
		return;
	if (in->auth_type == HD_VRRP_AUTH_NONE)
		cerr(c, pw->line, "authentication: password needs type = pass or ah");
	else if (!pw->s[0] || strlen(pw->s) > 8)
		cerr(c, pw->line, "authentication: password must be 1..8 characters");
	else
		snprintf(in->auth_pass, sizeof(in->auth_pass), "%s", pw->s);
}

/* `track_interface = { a, b }` tracks with weight 0 (down = fault);
 * `track_interface_weight a { weight = -10 }` tracks with a weight.
 * Naming one interface in both is an error. */
static void conv_track_ifs(struct cctx *c, cfg_t *sec, struct hd_vrrp_instance_config *in)
{
	unsigned nl = cnum(sec, "track_interface"), nw = cnum(sec, "track_interface_weight");

	in->track_ifs = calloc(nl + nw + 1, sizeof(*in->track_ifs));
	if (!in->track_ifs)
		return;
	for (unsigned i = 0; i < nl + nw; i++) {
		const struct cval *v = i < nl ? cget(sec, "track_interface", i) : NULL;
		cfg_t *w = i >= nl ? csec(sec, "track_interface_weight", i - nl) : NULL;
		const char *name = v ? v->s : cfg_title(w);
		int line = v ? v->line : sec_line(w);
		struct hd_track_if *t = &in->track_ifs[in->n_track_ifs];
		long wt = 0;

		if (!valid_ifname(name)) {
			cerr(c, line, "track_interface: '%s' is not an interface name", name);
			continue;
		}
		for (size_t j = 0; j < in->n_track_ifs; j++)
			if (strcmp(in->track_ifs[j].name, name) == 0)
				cerr(c, line, "track_interface: %s is tracked twice", name);
		if (w && !get_long(c, w, "weight", -254, 254, &wt) && !cget(w, "weight", 0))
			cerr(c, line, "track_interface_weight %s: 'weight' is required", name);
		snprintf(t->name, sizeof(t->name), "%s", name);
		t->weight = (int)wt;
		in->n_track_ifs++;
	}
}

static void conv_track_scripts(struct cctx *c, cfg_t *sec, const struct hd_config *cfg,
			       struct hd_vrrp_instance_config *in)
{
	unsigned nl = cnum(sec, "track_script"), nw = cnum(sec, "track_script_weight");

	in->track_scripts = calloc(nl + nw + 1, sizeof(*in->track_scripts));
	if (!in->track_scripts)
		return;
	for (unsigned i = 0; i < nl + nw; i++) {
		const struct cval *v = i < nl ? cget(sec, "track_script", i) : NULL;
		cfg_t *w = i >= nl ? csec(sec, "track_script_weight", i - nl) : NULL;
		const char *name = v ? v->s : cfg_title(w);
		int line = v ? v->line : sec_line(w);
		ssize_t idx = find_script(cfg, name);
		long wt;

		if (idx < 0) {
			cerr(c, line, "track_script: no vrrp_script named '%s'", name);
			continue;
		}
		for (size_t j = 0; j < in->n_track_scripts; j++)
			if (in->track_scripts[j].script == (size_t)idx)
				cerr(c, line, "track_script: %s is tracked twice", name);
		wt = cfg->scripts[idx].weight;
		if (w && !get_long(c, w, "weight", -254, 254, &wt) && !cget(w, "weight", 0))
			cerr(c, line, "track_script_weight %s: 'weight' is required", name);
		in->track_scripts[in->n_track_scripts].script = (size_t)idx;
		in->track_scripts[in->n_track_scripts++].weight = (int)wt;
	}
}

static void conv_instance(struct cctx *c, cfg_t *sec, const struct hd_config *cfg,
			  struct hd_vrrp_instance_config *in)
{
	static const char *const states[] = {"backup", "master", NULL};
	unsigned u = 0;
	int st = 0;

	in->line = sec_line(sec);
	get_title(c, sec, "vrrp_instance", in->name, sizeof(in->name));
	if (!get_ifname(c, sec, "interface", in->interface) && !cget(sec, "interface", 0))
		cerr(c, in->line, "vrrp_instance %s: 'interface' is required", in->name);
	if (get_uint(c, sec, "virtual_router_id", 1, 255, &u))
		in->vrid = (uint8_t)u;
	else if (!cget(sec, "virtual_router_id", 0))
		cerr(c, in->line, "vrrp_instance %s: 'virtual_router_id' is required", in->name);
	u = 100;
	get_uint(c, sec, "priority", 1, 255, &u);
	in->priority = (uint8_t)u;
	in->version = 3;
	if (get_uint(c, sec, "version", 2, 3, &u))
		in->version = (int)u;
	conv_advert(c, sec, in);
	if (get_enum(c, sec, "state", states, &st))
		in->initial_state = st ? HD_VRRP_INIT_MASTER : HD_VRRP_INIT_BACKUP;
	in->preempt = true;
	get_bool(c, sec, "preempt", &in->preempt);
	get_dur(c, sec, "preempt_delay", 0, 3600, &in->preempt_delay_usec);
	conv_vips(c, sec, in);
	conv_unicast(c, sec, in);
	conv_family(in);
	if (in->version == 2 && in->family == AF_INET6)
		cerr(c, in->line, "vrrp_instance %s: IPv6 needs VRRP version 3", in->name);
	conv_inst_routes(c, sec, in);
	conv_auth(c, sec, in);
	conv_track_ifs(c, sec, in);
	conv_track_scripts(c, sec, cfg, in);
	conv_instance_ext(c, sec, cfg, in);
	get_str(c, sec, "notify_master", &in->notify_master);
	get_str(c, sec, "notify_backup", &in->notify_backup);
	get_str(c, sec, "notify_fault", &in->notify_fault);
	get_str(c, sec, "notify_stop", &in->notify_stop);
	get_str(c, sec, "notify", &in->notify);
	in->garp_master_delay_usec = 5 * 1000000ULL;
	get_dur(c, sec, "garp_master_delay", 0, 3600, &in->garp_master_delay_usec);
	in->garp_master_repeat = 5;
	get_uint(c, sec, "garp_master_repeat", 1, 100, &in->garp_master_repeat);
	get_dur(c, sec, "garp_master_refresh", 0, 86400, &in->garp_master_refresh_usec);
	get_bool(c, sec, "lower_prio_no_advert", &in->lower_prio_no_advert);
	in->garp_lower_prio_repeat = in->garp_master_repeat;
	get_uint(c, sec, "garp_lower_prio_repeat", 0, 100, &in->garp_lower_prio_repeat);
}

void conv_instances(struct cctx *c, cfg_t *root, struct hd_config *cfg)
{
	unsigned n = cnum(root, "vrrp_instance");

	cfg->instances = calloc(n ? n : 1, sizeof(*cfg->instances));
	if (!cfg->instances)
		return;
	for (unsigned i = 0; i < n; i++)
		conv_instance(c, csec(root, "vrrp_instance", i), cfg,
			      &cfg->instances[cfg->n_instances++]);
}

void conv_sync_groups(struct cctx *c, cfg_t *root, struct hd_config *cfg)
{
	unsigned n = cnum(root, "vrrp_sync_group");

	cfg->sync_groups = calloc(n ? n : 1, sizeof(*cfg->sync_groups));
	if (!cfg->sync_groups)
		return;
	for (unsigned i = 0; i < n; i++) {
		cfg_t *sec = csec(root, "vrrp_sync_group", i);
		struct hd_sync_group_config *g = &cfg->sync_groups[cfg->n_sync_groups++];
		unsigned m = cnum(sec, "group");

		g->line = sec_line(sec);
		get_title(c, sec, "vrrp_sync_group", g->name, sizeof(g->name));
		if (m == 0)
			cerr(c, g->line, "vrrp_sync_group %s: 'group' is required", g->name);
		g->members = calloc(m ? m : 1, sizeof(*g->members));
		for (unsigned j = 0; g->members && j < m; j++) {
			const struct cval *v = cget(sec, "group", j);
			ssize_t idx = find_instance(cfg, v->s);

			if (idx < 0) {
				cerr(c, v->line, "vrrp_sync_group %s: no vrrp_instance named '%s'",
				     g->name, v->s);
				continue;
			}
			for (size_t k = 0; k < cfg->n_sync_groups; k++)
				for (size_t x = 0; x < cfg->sync_groups[k].n_members; x++)
					if (cfg->sync_groups[k].members[x] == (size_t)idx)
						cerr(c, v->line,
						     "vrrp_instance %s is already in "
						     "vrrp_sync_group %s",
						     v->s, cfg->sync_groups[k].name);
			g->members[g->n_members++] = (size_t)idx;
		}
		get_str(c, sec, "notify_master", &g->notify_master);
		get_str(c, sec, "notify_backup", &g->notify_backup);
		get_str(c, sec, "notify_fault", &g->notify_fault);
		get_str(c, sec, "notify", &g->notify);
	}
}

/* The kernel's optional sync parameters (unset: not sent). maxlen's top is
 * the largest IPv4 UDP payload; the kernel clamps further (ip_vs_sync.c). */
static void lvs_sync_params(struct cctx *c, cfg_t *sec, struct hd_lvs_sync_config *l)
{
	const struct cval *v = cget(sec, "group", 0);
	unsigned n;

	if (get_uint(c, sec, "maxlen", 1, 65507, &n))
		l->maxlen = (uint16_t)n;
	if (get_uint(c, sec, "port", 1, 65535, &n))
		l->port = (uint16_t)n;
	if (get_uint(c, sec, "ttl", 1, 255, &n))
		l->ttl = (uint8_t)n;
	if (get_addr(c, sec, "group", &l->group) &&
	    !(l->group.family == AF_INET ? IN_MULTICAST(ntohl(l->group.u.v4.s_addr))
					 : IN6_IS_ADDR_MULTICAST(&l->group.u.v6))) {
		cerr(c, v->line, "lvs_sync_daemon: group '%s' is not a multicast address", v->s);
		l->group.family = 0;
	}
}

void conv_lvs_sync(struct cctx *c, cfg_t *root, struct hd_config *cfg)
{
	struct hd_lvs_sync_config *l = &cfg->lvs_sync;
	cfg_t *sec = csec(root, "lvs_sync_daemon", 0);
	const struct cval *v;
	unsigned id = 0;

	static const char *const modes[] = {"vrrp", "both", NULL};
	int mode = HD_LVS_SYNC_VRRP;

	if (!sec)
		return;
	l->enabled = true;
	l->line = sec_line(sec);
	if (!get_ifname(c, sec, "interface", l->interface) && !cget(sec, "interface", 0))
		cerr(c, l->line, "lvs_sync_daemon: 'interface' is required");
	get_enum(c, sec, "mode", modes, &mode);
	l->mode = (enum hd_lvs_sync_mode)mode;
	v = cget(sec, "vrrp_instance", 0);
	if (l->mode == HD_LVS_SYNC_BOTH) {
		/* every director runs master and backup: no VRRP role to follow */
		if (v)
			cerr(c, v->line,
			     "lvs_sync_daemon: 'vrrp_instance' is for mode = vrrp; mode = both "
			     "runs the master and the backup sync daemon whatever VRRP says");
	} else if (!v) {
		cerr(c, l->line, "lvs_sync_daemon: 'vrrp_instance' is required");
	} else {
		ssize_t idx = find_instance(cfg, v->s);
		if (idx < 0)
			cerr(c, v->line, "lvs_sync_daemon: no vrrp_instance named '%s'", v->s);
		else
			l->instance = (size_t)idx;
	}
	get_uint(c, sec, "syncid", 0, 255, &id);
	l->syncid = (uint8_t)id;
	lvs_sync_params(c, sec, l);
}
