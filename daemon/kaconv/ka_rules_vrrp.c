/* Conversion rules of a vrrp_instance (keepalived.conf(5), "VRRP
 * instance(s)"; hadirector.conf(5), "vrrp_instance").
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "hd_config.h"
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
	const char *type = NULL, *pass = NULL, *t;
	char p[9], *q;

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
	/* AH: VRRPv2 in an IP Authentication Header, HMAC-MD5-96 keyed with the
	 * password, sent and checked as keepalived does (vrrp/vrrp_ah.h).
	 * keepalived knows "AH" and "PASS" exactly (vrrp_auth_type_handler):
	 * another word ("pass", "PASS;") is an unknown type, reported, and the
	 * instance authenticates nothing; so it does without auth_pass. */
	t = type && !strcmp(type, "AH") ? "ah" : type && !strcmp(type, "PASS") ? "pass" : NULL;
	if (type && !t)
		ka_warn(c->m, n->file, n->line,
			"authentication: auth_type '%s' is not AH or PASS: keepalived reports an "
			"unknown type and authenticates nothing, so does the conversion",
			type);
	if (!t || !pass) {
		oadd(a, n, "type", "none");
		oadd_sub(s, n, a);
		return;
	}
	oadd(a, n, "type", t);
	snprintf(p, sizeof(p), "%s", pass);
	if (strlen(pass) > 8)
		ka_warn(c->m, n->file, n->line,
			"auth_pass: longer than 8 characters; keepalived sends the first 8 "
			"('%s'), and so does the conversion",
			p);
	q = quote(p);
	oadd(a, n, "password", q);
	free(q);
	oadd_sub(s, n, a);
}

/* The options keepalived writes after one address, as hadirector's
 * virtual_address options; NULL where unset or the default. */
struct vopts {
	const char *dev, *label, *scope, *brd;
	char brdbuf[INET_ADDRSTRLEN], labelbuf[64];
};

/* `brd +` / `brd -`: iproute2's host bits all ones / all zeros. */
static const char *brd_of(const char *addr, const char *how, char *buf)
{
	struct hd_prefix p;
	uint32_t mask;

	if (hd_prefix_parse(addr, &p) < 0 || p.addr.family != AF_INET)
		return NULL;
	mask = p.prefixlen ? htonl(0xffffffffu << (32 - p.prefixlen)) : 0;
	p.addr.u.v4.s_addr = *how == '+' ? p.addr.u.v4.s_addr | ~mask : p.addr.u.v4.s_addr & mask;
	return inet_ntop(AF_INET, &p.addr.u.v4, buf, INET_ADDRSTRLEN);
}

/* A label names the interface it begins with, renamed as the interface is. */
static bool vip_label(struct cx *c, const struct ka_node *k, const char *dev, const char *label,
		      struct vopts *o)
{
	size_t n = strlen(dev);

	if (strncmp(label, dev, n) != 0) {
		ka_error(c->m, k->file, k->line,
			 "virtual_ipaddress: label %s does not begin with the interface name %s "
			 "(the kernel's rule for IPv4 labels)",
			 label, dev);
		return false;
	}
	snprintf(o->labelbuf, sizeof(o->labelbuf), "%s%s", ka_ifname(c, dev), label + n);
	o->label = o->labelbuf;
	return true;
}

/* Parse one address line's options into O: false after an error. IFNAME:
 * the instance's interface as written out (renamed), IFSRC: as the source
 * names it (what a label begins with). */
static bool vip_opts(struct cx *c, const struct ka_node *k, const char *ifname, const char *ifsrc,
		     struct vopts *o)
{
	bool v4 = !strchr(k->kw, ':');
	const char *label = NULL;

	memset(o, 0, sizeof(*o));
	for (size_t i = 0; i < k->nargs; i += 2) {
		const char *opt = k->args[i], *val = i + 1 < k->nargs ? k->args[i + 1] : NULL;
		if (!val) {
			ka_error(c->m, k->file, k->line, "virtual_ipaddress: %s %s: no value",
				 k->kw, opt);
			return false;
		}
		if (!strcmp(opt, "dev")) {
			o->dev = val;
		} else if (!strcmp(opt, "label")) {
			label = val;
		} else if (!strcmp(opt, "scope")) {
			o->scope = val;
		} else if (!strcmp(opt, "brd") || !strcmp(opt, "broadcast")) {
			o->brd = val;
		} else {
			ka_error(
			    c->m, k->file, k->line,
			    "virtual_ipaddress: per-address %s: hadirector has none (%s %s %s)",
			    opt, k->kw, opt, val);
			return false;
		}
	}
	if (!v4 && (label || o->scope || o->brd)) {
		ka_warn(c->m, k->file, k->line,
			"virtual_ipaddress: %s: label, scope and brd have no effect on an IPv6 "
			"address; left out",
			k->kw);
		label = o->scope = o->brd = NULL;
	}
	if (o->scope && !strcmp(o->scope, "global"))
		o->scope = NULL;
	if (o->brd && (!strcmp(o->brd, "+") || !strcmp(o->brd, "-")) &&
	    !(o->brd = brd_of(k->kw, o->brd, o->brdbuf))) {
		ka_error(c->m, k->file, k->line, "virtual_ipaddress: %s: brd needs ADDR/LEN",
			 k->kw);
		return false;
	}
	if (label && !vip_label(c, k, o->dev ? o->dev : ifsrc, label, o))
		return false;
	if (o->dev && !strcmp(ka_ifname(c, o->dev), ifname))
		o->dev = NULL;
	return true;
}

/* The address of a virtual_ipaddress line, without its /LEN. */
static size_t vip_addr_len(const char *kw)
{
	const char *sl = strchr(kw, '/');
	return sl ? (size_t)(sl - kw) : strlen(kw);
}

/* An address written twice in one list (keepalived's sample does, the
 * second time with a label): newer keepalived ignores the later one
 * ("VIP duplicates a VIP"); Debian's 2.2.7 sets the address once (the
 * kernel has it already) but lists it twice in its adverts, as the
 * equivalence test saw. The converter writes it once and says how the
 * adverts differ: a hadirector peer drops adverts whose address count is
 * not its own, so a mixed pair needs the repeat removed. */
static bool vip_repeated(struct cx *c, const struct ka_node *list, const struct ka_node *k)
{
	size_t len = vip_addr_len(k->kw);

	for (const struct ka_node *p = list->child; p && p != k; p = p->next) {
		if (vip_addr_len(p->kw) != len || strncmp(p->kw, k->kw, len))
			continue;
		ka_warn(c->m, k->file, k->line,
			"%s: %.*s is listed twice (first at line %d): written once; keepalived "
			"2.2.7 sets it once too but lists it twice in its adverts, which a "
			"hadirector peer drops (address count): remove the repeat from "
			"keepalived.conf while both run in one pair",
			list->kw, (int)len, k->kw, p->line);
		return true;
	}
	return false;
}

/* A buffer for "{ " + a block's child keywords joined by ", " + " }", or
 * NULL (with the error) when N has no block or memory ran out. */
static char *block_list_buf(struct cx *c, const struct ka_node *n)
{
	size_t len = 5;
	char *v;

	for (const struct ka_node *k = n->child; k; k = k->next)
		len += strlen(k->kw) + 2;
	if (!n->block || !(v = malloc(len))) {
		ka_error(c->m, n->file, n->line, "%s: needs a block { ... }", n->kw);
		return NULL;
	}
	*v = 0;
	return v;
}

/* keepalived takes 1..255 and, for anything else (a word, 0, 300,
 * "100,comment"), reports "Priority not valid" and runs with its default
 * 100: so does the converter, with a warning. */
static void i_priority(struct cx *c, struct osec *s, const struct ka_node *n, const struct rule *r)
{
	char *e;
	long v;

	(void)r;
	if (!need_args(c, n, 1, 1))
		return;
	v = strtol(n->args[0], &e, 10);
	if (e != n->args[0] && !*e && n->args[0][0] != '-' && n->args[0][0] != '+' && v >= 1 &&
	    v <= 255) {
		oadd(s, n, "priority", n->args[0]);
		return;
	}
	ka_warn(c->m, n->file, n->line,
		"priority: '%s' is not 1..255: keepalived runs with its default 100, so does "
		"the converter",
		n->args[0]);
	onote(oadd(s, n, "priority", "100"), "keepalived's default: '%s' is not 1..255",
	      n->args[0]);
}

/* virtual_ipaddress and virtual_ipaddress_excluded lines: `ADDR[/LEN]
 * [dev IF] [brd B] [scope S] [label L]`. Plain addresses stay in the list;
 * one with options becomes a virtual_address section. */
static void i_vips(struct cx *c, struct osec *s, const struct ka_node *n, const struct rule *r)
{
	struct oline *ifl = ofind(s, "interface");
	const char *ifname = ifl ? ifl->val : "";
	/* the label's interface is the source's name, before --rename-interface */
	const char *ifsrc = ifl && ifl->src && !strcmp(ifl->src->kw, "interface") && ifl->src->nargs
				? ifl->src->args[0]
				: ifname;
	bool excl = !strcmp(n->kw, "virtual_ipaddress_excluded");
	char *v = block_list_buf(c, n);

	(void)r;
	if (!v)
		return;
	for (const struct ka_node *k = n->child; k; k = k->next) {
		struct vopts o;
		struct osec *a;
		struct hd_prefix p;

		/* a template's placeholder: keepalived skips it ("VRRP parsed
		 * invalid IP ... skipping IP") and runs: so does the converter */
		if (hd_prefix_parse(k->kw, &p) < 0) {
			ka_warn(c->m, k->file, k->line,
				"%s: '%s' is not an IP address: keepalived skips it, so does the "
				"converter",
				n->kw, k->kw);
			continue;
		}
		if (!vip_opts(c, k, ifname, ifsrc, &o) || vip_repeated(c, n, k))
			continue;
		if (!o.dev && !o.label && !o.scope && !o.brd) {
			strcat(v, *v ? ", " : "");
			strcat(v, k->kw);
			continue;
		}
		if (!(a = osec_new("virtual_address %s", k->kw)))
			continue;
		a->src = k;
		if (o.dev)
			oadd(a, k, "dev", ka_ifname(c, o.dev));
		if (o.label)
			oadd(a, k, "label", o.label);
		if (o.scope)
			oadd(a, k, "scope", o.scope);
		if (o.brd)
			oadd(a, k, "brd", o.brd);
		if (excl)
			oadd(a, k, "excluded", "yes");
		oadd_sub(s, k, a);
	}
	if (*v) {
		char *l = NULL;
		if (asprintf(&l, "{ %s }", v) >= 0)
			oadd(s, n, n->kw, l);
		free(l);
	}
	free(v);
}

/* Whether S has an advertised address (a virtual_ipaddress list or a
 * virtual_address section that is not excluded), and whether it is IPv6. */
static bool has_vip(const struct osec *s, bool *v6)
{
	for (size_t i = 0; i < s->n; i++) {
		const struct oline *l = &s->l[i];
		if (l->key && !strcmp(l->key, "virtual_ipaddress")) {
			*v6 = l->val && strchr(l->val, ':');
			return true;
		}
		if (l->sub && !strncmp(l->sub->head, "virtual_address ", 16) &&
		    !ofind(l->sub, "excluded")) {
			*v6 = strchr(l->sub->head, ':') != NULL;
			return true;
		}
	}
	return false;
}

/* track_interface / track_script lines: `NAME [weight N]`: a list, and a
 * *_weight section for each one with a weight. */
/* The weight track_script entry K gives its script: its own `weight N`,
 * else the vrrp_script's (keepalived's default 0). */
static long track_weight(const struct cx *c, const struct ka_node *k)
{
	if (k->nargs == 2 && !strcmp(k->args[0], "weight"))
		return strtol(k->args[1], NULL, 10);
	for (const struct ka_node *n = c->source; n; n = n->next)
		if (!strcmp(n->kw, "vrrp_script") && n->nargs >= 1 && !strcmp(n->args[0], k->kw))
			for (const struct ka_node *w = n->child; w; w = w->next)
				if (!strcmp(w->kw, "weight") && w->nargs >= 1)
					return strtol(w->args[0], NULL, 10);
	return 0;
}

/* What keepalived 2.2.7 does with an instance's weighted tracking
 * (vrrp.c, vrrp_complete_instance): in a vrrp_sync_group without
 * sync_group_tracking_weight (or global_tracking) it drops each weighted
 * track_script and clears a track_interface's weight (a down interface is
 * then a fault: "ignoring ... due to SYNC group"); otherwise, at priority
 * 255 (the address owner), it drops both ("Cannot have weighted track
 * script"). A dropped script runs only when another instance tracks it. */
enum { TW_KEEP, TW_SYNC, TW_OWNER };

static bool has_kw(const struct ka_node *blk, const char *kw)
{
	for (const struct ka_node *n = blk; n; n = n->next)
		if (!strcmp(n->kw, kw))
			return true;
	return false;
}

static int weight_fate(const struct cx *c, const struct ka_node *inst)
{
	bool owner = false;

	if (!inst || !inst->nargs)
		return TW_KEEP;
	for (const struct ka_node *g = c->source; g; g = g->next)
		for (const struct ka_node *b = g->child; b && !strcmp(g->kw, "vrrp_sync_group");
		     b = b->next)
			if (!strcmp(b->kw, "group") && has_kw(b->child, inst->args[0]) &&
			    !has_kw(g->child, "sync_group_tracking_weight") &&
			    !has_kw(g->child, "global_tracking"))
				return TW_SYNC;
	for (const struct ka_node *k = inst->child; k; k = k->next)
		if (!strcmp(k->kw, "priority") && k->nargs == 1)
			owner = !strcmp(k->args[0], "255");
	return owner ? TW_OWNER : TW_KEEP;
}

bool ka_script_tracked(const struct cx *c, const char *name)
{
	for (const struct ka_node *i = c->source; i; i = i->next) {
		bool inst = !strcmp(i->kw, "vrrp_instance");
		if (!inst && strcmp(i->kw, "vrrp_sync_group"))
			continue;
		for (const struct ka_node *b = i->child; b; b = b->next)
			for (const struct ka_node *k = b->child;
			     k && !strcmp(b->kw, "track_script"); k = k->next)
				if (!strcmp(k->kw, name) &&
				    !(inst && weight_fate(c, i) != TW_KEEP && track_weight(c, k)))
					return true;
	}
	return false;
}

/* A weighted track_script or track_interface entry K of an instance whose
 * weights keepalived ignores (weight_fate): warns; true when it stays,
 * unweighted (an interface in a sync group). */
static bool track_unweighted(struct cx *c, const struct ka_node *k, bool script, int fate)
{
	const char *kw = script ? "track_script" : "track_interface";

	if (fate == TW_OWNER)
		ka_warn(c->m, k->file, k->line,
			"%s %s: weighted, at priority 255: keepalived drops it (\"%s\"), so does "
			"the conversion",
			kw, k->kw,
			script ? "Cannot have weighted track script"
			       : "ignoring tracked interface");
	else if (script)
		ka_warn(c->m, k->file, k->line,
			"track_script %s: weighted, in a vrrp_sync_group: keepalived drops it "
			"(\"ignoring tracked script with weights due to SYNC group\"; "
			"sync_group_tracking_weight keeps it), so does the conversion",
			k->kw);
	else
		ka_warn(c->m, k->file, k->line,
			"track_interface %s: weighted, in a vrrp_sync_group: keepalived ignores "
			"the weight (\"due to SYNC group\"; sync_group_tracking_weight keeps it): "
			"a down interface is a fault, so in the conversion",
			k->kw);
	return fate == TW_SYNC && !script;
}

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
	bool script = !strcmp(n->kw, "track_script");
	int fate = weight_fate(c, s->src);
	for (const struct ka_node *k = n->child; k; k = k->next) {
		bool weighted = script ? ka_defined(c, "vrrp_script", k->kw) && track_weight(c, k)
				       : k->nargs == 2 && !strcmp(k->args[0], "weight") &&
					     strtol(k->args[1], NULL, 10);
		if (weighted && fate != TW_KEEP) {
			if (track_unweighted(c, k, script, fate)) { /* in the list, no weight */
				strcat(v, *v ? ", " : "");
				strcat(v, ka_ifname(c, k->kw));
			}
			continue;
		}
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
	char *v = block_list_buf(c, n);

	(void)r;
	if (!v)
		return;
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

/* keepalived 2.2.7 takes the first sync daemon interface of the file (a
 * later one: "has already been specified ... - ignoring"). The spelling
 * lvs_sync_daemon_inteface of its old user guide was never a keyword: it
 * is skipped as unknown (coregear-linux.conf ran no sync daemon under
 * keepalived in the equivalence test). */
static void i_sync_if(struct cx *c, struct osec *s, const struct ka_node *n, const struct rule *r)
{
	(void)r;
	if (!need_args(c, n, 1, 1))
		return;
	if (c->sync_if || c->g.lvs_sync) {
		ka_warn(
		    c->m, n->file, n->line,
		    "%s: a sync daemon interface is already given: keepalived ignores this one, "
		    "so does the conversion",
		    n->kw);
		left_out(s, n, "keepalived keeps the first one");
		return;
	}
	c->sync_if = n;
	c->sync_inst = s->head + strlen("vrrp_instance ");
}

static const struct rule instance_rules[] = {
    {"state", i_state, NULL, NULL},
    {"interface", i_iface, NULL, NULL},
    {"virtual_router_id", r_num, NULL, NULL},
    {"priority", i_priority, NULL, NULL},
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
    {"virtual_ipaddress_excluded", i_vips, NULL, NULL},
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
    {"smtp_alert", r_smtp_alert, NULL, NULL},
    SILENT("debug"),
    SILENT("native_ipv6"),
    SILENT("accept"),
    SILENT("dont_track_primary_check"),
    NOEFF("no_accept", "hadirector's virtual addresses always accept traffic"),
    NOEFF("skip_check_adv_addr", "hadirector does not compare the addresses in adverts"),
    NOEFF("strict_mode", "see vrrp_strict"),
    SILENT("no_virtual_ipaddress"),
    NOEFF("garp_master_refresh_repeat", "hadirector repeats the whole burst"),
    NOEFF("notify_master_rx_lower_pri", "hadirector runs no script when a lower priority is "
					"heard"),
    {"dont_track_primary", r_true, NULL, NULL},
    {"use_vmac", r_use_vmac, NULL, NULL},
    {"vmac_xmit_base", r_true, NULL, NULL},
    {"track_process", r_track_process, NULL, NULL},
    {"virtual_routes", r_virtual_routes, NULL, NULL},
    {"virtual_rules", r_virtual_rules, NULL, NULL},
    NO("track_file", "hadirector has no tracked files (track_file)"),
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

/* An instance without addresses (vrrp.c, vrrp_complete_instance): keepalived
 * runs it in VRRP version 2 with a warning ("at least one is sensible"),
 * and refuses it in version 3 or strict mode unless no_virtual_ipaddress
 * says so. hadirector runs it in either version (adverts with no address;
 * the notify scripts do the rest, e.g. moving a cloud address). */
static void no_vip(struct cx *c, const struct ka_node *n, bool v3)
{
	bool allowed = false, strict = false;

	for (const struct ka_node *k = n->child; k; k = k->next) {
		allowed |= !strcmp(k->kw, "no_virtual_ipaddress");
		strict |= !strcmp(k->kw, "strict_mode") && kbool(k) != 0;
	}
	for (const struct ka_node *g = c->source; g; g = g->next)
		for (const struct ka_node *k = !strcmp(g->kw, "global_defs") ? g->child : NULL; k;
		     k = k->next)
			strict |= !strcmp(k->kw, "vrrp_strict");
	if (!allowed && (v3 || strict))
		ka_error(c->m, n->file, n->line,
			 "vrrp_instance %s: no virtual_ipaddress: keepalived refuses that in "
			 "VRRP version 3 or strict mode (\"at least one is required\")",
			 n->args[0]);
	else if (!allowed)
		ka_warn(c->m, n->file, n->line,
			"vrrp_instance %s: no virtual_ipaddress: keepalived runs VRRP without "
			"addresses (\"at least one is sensible\"), so does hadirector",
			n->args[0]);
}

/* The defaults keepalived applies that hadirector does not share: version
 * 2 (IPv6: 3), its state rules, global garp settings. */
static void instance_defaults(struct cx *c, struct osec *s, const struct ka_node *n)
{
	struct oline *v = ofind(s, "version"), *st, *p;
	bool v6 = false;

	bool novip = !has_vip(s, &v6);
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
	if (novip)
		no_vip(c, n, v && !strcmp(v->val, "3"));
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
