/* Conversion rules of a vrrp_instance (keepalived.conf(5), "VRRP
 * instance(s)"; hadirector.conf(5), "vrrp_instance").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ka_convert_int.h"

static void i_state(struct cx *c, struct osec *s, const struct ka_node *n, const struct rule *r)
{
	(void)r;
	if (!need_args(c, n, 1, 1))
		return;
	if (strcasecmp(n->args[0], "MASTER") && strcasecmp(n->args[0], "BACKUP")) {
		ka_error(c->m, n->file, n->line, "state: '%s' is neither MASTER nor BACKUP",
			 n->args[0]);
		return;
	}
	oadd(s, n, "state", strcasecmp(n->args[0], "MASTER") ? "backup" : "master");
}

static void i_iface(struct cx *c, struct osec *s, const struct ka_node *n, const struct rule *r)
{
	(void)r;
	if (!need_args(c, n, 1, 1))
		return;
	char *q = quote(ka_ifname(c, n->args[0]));
	if (q)
		oadd(s, n, "interface", q);
	free(q);
}

static void i_nopreempt(struct cx *c, struct osec *s, const struct ka_node *n, const struct rule *r)
{
	(void)c;
	(void)r;
	oadd(s, n, "preempt", "false");
}

/* `auth_type PASS|AH`, `auth_pass SECRET` inside authentication { }. */
static void i_auth(struct cx *c, struct osec *s, const struct ka_node *n, const struct rule *r)
{
	struct osec *a = osec_new("authentication");
	const char *type = NULL, *pass = NULL;

	(void)r;
	if (!a)
		return;
	a->src = n;
	for (const struct ka_node *k = n->child; k; k = k->next) {
		if (!strcmp(k->kw, "auth_type") && k->nargs == 1)
			type = k->args[0];
		else if (!strcmp(k->kw, "auth_pass") && k->nargs >= 1)
			pass = k->args[0];
		else
			ka_error(c->m, k->file, k->line, "%s: not converted in authentication",
				 k->kw);
	}
	if (type && !strcasecmp(type, "AH")) {
		ka_error(c->m, n->file, n->line,
			 "authentication: auth_type AH: hadirector has no IPsec AH");
		osec_free(a);
		return;
	}
	oadd(a, n, "type", pass ? "pass" : "none");
	if (pass) {
		char p[9], *q;
		snprintf(p, sizeof(p), "%s", pass);
		if (strlen(pass) > 8)
			ka_warn(c->m, n->file, n->line,
				"auth_pass: longer than 8 characters; keepalived sends the first 8 "
				"('%s'), and so does the conversion",
				p);
		q = quote(p);
		oadd(a, n, "password", q);
		free(q);
	}
	oadd_sub(s, n, a);
}

/* virtual_ipaddress lines: `ADDR[/LEN] [dev IF] [brd B] [scope S] [label L]`. */
static void i_vips(struct cx *c, struct osec *s, const struct ka_node *n, const struct rule *r)
{
	struct oline *ifl = ofind(s, "interface");
	size_t len = 5;
	char *v;

	(void)r;
	for (const struct ka_node *k = n->child; k; k = k->next)
		len += strlen(k->kw) + 2;
	if (!n->block || !(v = malloc(len))) {
		ka_error(c->m, n->file, n->line, "%s: needs a block { ... }", n->kw);
		return;
	}
	strcpy(v, "{ ");
	for (const struct ka_node *k = n->child; k; k = k->next) {
		for (size_t i = 0; i < k->nargs; i += 2) {
			const char *o = k->args[i], *val = i + 1 < k->nargs ? k->args[i + 1] : "";
			if (!strcmp(o, "dev") && ifl && !strcmp(ka_ifname(c, val), ifl->val))
				continue;
			if (!strcmp(o, "scope") && !strcmp(val, "global"))
				continue;
			ka_error(
			    c->m, k->file, k->line,
			    "virtual_ipaddress: per-address %s: hadirector has none yet (%s %s "
			    "%s; its addresses go on the instance's interface, scope global)",
			    o, k->kw, o, val);
		}
		strcat(v, k->kw);
		strcat(v, k->next ? ", " : "");
	}
	strcat(v, " }");
	oadd(s, n, "virtual_ipaddress", v);
	free(v);
}

/* track_interface / track_script lines: `NAME [weight N]`: a list, and a
 * *_weight section for each one with a weight. */
static void i_track(struct cx *c, struct osec *s, const struct ka_node *n, const struct rule *r)
{
	size_t len = 5;
	char *v;

	for (const struct ka_node *k = n->child; k; k = k->next)
		len += strlen(k->kw) + strlen(ka_ifname(c, k->kw)) + 2;
	if (!n->block || !(v = malloc(len))) {
		ka_error(c->m, n->file, n->line, "%s: needs a block { ... }", n->kw);
		return;
	}
	strcpy(v, "");
	for (const struct ka_node *k = n->child; k; k = k->next) {
		if (k->nargs == 2 && !strcmp(k->args[0], "weight") &&
		    (strcmp(n->kw, "track_script") || ka_defined(c, "vrrp_script", k->kw))) {
			const char *name =
			    strcmp(n->kw, "track_interface") ? k->kw : ka_ifname(c, k->kw);
			struct osec *w = osec_new("%s_weight %s", n->kw, name);
			if (w) {
				w->src = k;
				oadd(w, k, "weight", k->args[1]);
				oadd_sub(s, k, w);
			}
			continue;
		}
		if (k->nargs) {
			ka_error(c->m, k->file, k->line, "%s %s: '%s' is not converted", n->kw,
				 k->kw, k->args[0]);
			continue;
		}
		if (!strcmp(n->kw, "track_script") && !ka_defined(c, "vrrp_script", k->kw)) {
			ka_warn(
			    c->m, k->file, k->line,
			    "track_script %s: no vrrp_script %s; keepalived ignores it, so does "
			    "the conversion",
			    k->kw, k->kw);
			continue;
		}
		strcat(v, *v ? ", " : "");
		strcat(v, strcmp(n->kw, "track_interface") ? k->kw : ka_ifname(c, k->kw));
	}
	if (*v) {
		char *l = NULL;
		if (asprintf(&l, "{ %s }", v) >= 0)
			oadd(s, n, r->hd, l);
		free(l);
	}
	free(v);
}

static void i_peers(struct cx *c, struct osec *s, const struct ka_node *n, const struct rule *r)
{
	size_t len = 5;
	char *v;

	(void)r;
	for (const struct ka_node *k = n->child; k; k = k->next)
		len += strlen(k->kw) + 2;
	if (!n->block || !(v = malloc(len))) {
		ka_error(c->m, n->file, n->line, "%s: needs a block { ... }", n->kw);
		return;
	}
	strcpy(v, "{ ");
	for (const struct ka_node *k = n->child; k; k = k->next) {
		if (k->nargs)
			ka_error(c->m, k->file, k->line,
				 "unicast_peer %s: '%s': hadirector has no per-peer options", k->kw,
				 k->args[0]);
		strcat(v, k->kw);
		strcat(v, k->next ? ", " : "");
	}
	strcat(v, " }");
	oadd(s, n, "unicast_peer", v);
	free(v);
}

static void i_sync_if(struct cx *c, struct osec *s, const struct ka_node *n, const struct rule *r)
{
	(void)r;
	if (!need_args(c, n, 1, 1))
		return;
	c->sync_if = n;
	c->sync_inst = s->head + strlen("vrrp_instance ");
}

#define NOEFF(k, w)                                                                                \
	{                                                                                          \
		k, r_warn, NULL, w                                                                 \
	}
#define SILENT(k)                                                                                  \
	{                                                                                          \
		k, r_drop, NULL, "no effect in hadirector"                                         \
	}
#define NO(k, w)                                                                                   \
	{                                                                                          \
		k, r_refuse, NULL, w                                                               \
	}

static const struct rule instance_rules[] = {
    {"state", i_state, NULL, NULL},
    {"interface", i_iface, NULL, NULL},
    {"virtual_router_id", r_num, NULL, NULL},
    {"priority", r_num, NULL, NULL},
    {"advert_int", r_num, NULL, NULL},
    {"version", r_num, NULL, NULL},
    {"nopreempt", i_nopreempt, NULL, NULL},
    {"preempt", r_drop, NULL, "preempting is the default"},
    {"preempt_delay", r_num, NULL, NULL},
    {"unicast_src_ip", r_copy, NULL, NULL},
    {"mcast_src_ip", r_copy, "unicast_src_ip", NULL},
    {"unicast_peer", i_peers, NULL, NULL},
    {"authentication", i_auth, NULL, NULL},
    {"virtual_ipaddress", i_vips, NULL, NULL},
    {"track_interface", i_track, "track_interface", NULL},
    {"track_script", i_track, "track_script", NULL},
    {"notify_master", r_script, NULL, NULL},
    {"notify_backup", r_script, NULL, NULL},
    {"notify_fault", r_script, NULL, NULL},
    {"notify_stop", r_script, NULL, NULL},
    {"notify", r_script, NULL, NULL},
    {"garp_master_delay", r_num, NULL, NULL},
    {"garp_master_repeat", r_num, NULL, NULL},
    {"garp_master_refresh", r_num, NULL, NULL},
    {"garp_lower_prio_repeat", r_num, NULL, NULL},
    {"lower_prio_no_advert", r_bool, NULL, NULL},
    {"lvs_sync_daemon_interface", i_sync_if, NULL, NULL},
    {"lvs_sync_daemon_inteface", i_sync_if, NULL, NULL},
    {"smtp_alert", r_drop, NULL, "see smtp_server"},
    SILENT("debug"),
    SILENT("native_ipv6"),
    SILENT("accept"),
    SILENT("dont_track_primary_check"),
    NOEFF("no_accept", "hadirector's virtual addresses always accept traffic"),
    NOEFF("skip_check_adv_addr", "hadirector does not compare the addresses in adverts"),
    NOEFF("strict_mode", "see vrrp_strict"),
    NOEFF("garp_master_refresh_repeat", "hadirector repeats the whole burst"),
    NOEFF("notify_master_rx_lower_pri", "hadirector runs no script when a lower priority is "
					"heard"),
    NO("dont_track_primary", "hadirector always tracks the instance's own interface"),
    NO("use_vmac", "hadirector has no use_vmac (a macvlan with the VRRP MAC) yet"),
    NO("vmac_xmit_base", "hadirector has no use_vmac yet"),
    NO("virtual_ipaddress_excluded", "hadirector has no virtual_ipaddress_excluded yet"),
    NO("virtual_routes", "hadirector has no virtual_routes yet"),
    NO("virtual_rules", "hadirector has no virtual_rules yet"),
    NO("track_file", "hadirector has no tracked files (track_file)"),
    NO("track_process", "hadirector has no process tracking (track_process)"),
    NO("track_bfd", "hadirector has no BFD"),
    NO("notify_deleted", "hadirector has no notify_deleted"),
    NO("unicast_ttl", "hadirector sends adverts with TTL 255 (RFC 5798)"),
    NO("garp_extra_if", "hadirector has no garp_extra_if"),
    {NULL, NULL, NULL, NULL},
};

/* What keepalived clears, with a config error, and runs without: nopreempt
 * at priority 255 or with state MASTER, preempt_delay with state MASTER or
 * nopreempt. Done the same here, with a warning. */
static void drop_opt(struct cx *c, struct osec *s, const struct ka_node *n, const char *key,
		     const char *why)
{
	struct oline *l = ofind(s, key);

	if (!l)
		return;
	ka_warn(c->m, l->src ? l->src->file : n->file, l->src ? l->src->line : n->line,
		"%s: keepalived clears it %s; so does the conversion", l->src ? l->src->kw : key,
		why);
	free(l->key);
	free(l->val);
	l->key = l->val = NULL;
	onote(l, "keepalived: %s: left out (%s)", l->src ? l->src->kw : key, why);
}

void ka_preempt_rules(struct cx *c, struct osec *s, const struct ka_node *n)
{
	struct oline *st = ofind(s, "state"), *p = ofind(s, "priority");
	bool master = st && !strcmp(st->val, "master");

	if (p && !strcmp(p->val, "255"))
		drop_opt(c, s, n, "preempt", "at priority 255");
	else if (master)
		drop_opt(c, s, n, "preempt", "with state MASTER");
	if (master)
		drop_opt(c, s, n, "preempt_delay", "with state MASTER");
	else if (ofind(s, "preempt"))
		drop_opt(c, s, n, "preempt_delay", "with nopreempt");
}

/* The defaults keepalived applies that hadirector does not share: version
 * 2 (IPv6: 3), its state rules, global garp settings. */
static void instance_defaults(struct cx *c, struct osec *s, const struct ka_node *n)
{
	struct oline *v = ofind(s, "version"), *st, *p;
	struct oline *vip = ofind(s, "virtual_ipaddress");
	bool v6 = vip && vip->val && strchr(vip->val, ':');

	if (!ofind(s, "virtual_ipaddress"))
		ka_error(c->m, n->file, n->line,
			 "vrrp_instance: no virtual_ipaddress: hadirector needs at least one "
			 "address (keepalived runs VRRP without any; %s)",
			 n->args[0]);
	if (!ofind(s, "interface"))
		ka_error(c->m, n->file, n->line,
			 "vrrp_instance %s: no interface (keepalived would use the default "
			 "interface); hadirector needs one",
			 n->args[0]);
	if (!v) {
		char ver[16];
		snprintf(ver, sizeof(ver), "%d",
			 v6		     ? 3
			 : c->g.vrrp_version ? c->g.vrrp_version
					     : 2);
		onote(oadd(s, NULL, "version", ver),
		      v6 ? "IPv6 needs version 3" : "keepalived's default (vrrp_version)");
		v = ofind(s, "version");
	}
	if (v && !strcmp(v->val, "3")) {
		for (size_t i = 0; i < s->n; i++)
			if (s->l[i].sub && !strcmp(s->l[i].sub->head, "authentication")) {
				/* keepalived: no authentication in version 3 */
				ka_warn(
				    c->m, n->file, n->line,
				    "authentication: keepalived ignores it with VRRP version 3; "
				    "left out");
				osec_free(s->l[i].sub);
				s->l[i].sub = NULL;
				onote(&s->l[i], "keepalived: authentication: left out (version 3 "
						"has none)");
			}
	}
	ka_preempt_rules(c, s, n);
	/* keepalived's MASTER waits like a backup unless it owns the address.
	 * (Lines are looked up again: adding one moves them.) */
	st = ofind(s, "state");
	p = ofind(s, "priority");
	if (st && !strcmp(st->val, "master") && !(p && !strcmp(p->val, "255"))) {
		free(st->val);
		st->val = strdup("backup");
		onote(st, "keepalived: state MASTER, which below priority 255 listens for a "
			  "master first, as hadirector's backup does");
	}
	if (c->g.garp_delay && !ofind(s, "garp_master_delay"))
		onote(oadd(s, NULL, "garp_master_delay", c->g.garp_delay),
		      "vrrp_garp_master_delay");
	if (c->g.garp_repeat && !ofind(s, "garp_master_repeat"))
		onote(oadd(s, NULL, "garp_master_repeat", c->g.garp_repeat),
		      "vrrp_garp_master_repeat");
	if (c->g.garp_refresh && !ofind(s, "garp_master_refresh"))
		onote(oadd(s, NULL, "garp_master_refresh", c->g.garp_refresh),
		      "vrrp_garp_master_refresh");
}

void ka_instance(struct cx *c, struct osec *s, const struct ka_node *n)
{
	apply_rules(c, s, n->child, instance_rules, "vrrp_instance");
	instance_defaults(c, s, n);
}
