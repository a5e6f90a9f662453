/* Conversion rules: the top level, global_defs, vrrp_script,
 * vrrp_instance, vrrp_sync_group. Semantics and defaults from
 * keepalived.conf(5); hadirector's from hadirector.conf(5).
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ka_convert_int.h"

/* ---- global_defs --------------------------------------------------------- */

static int opt_bool(const struct ka_node *n)
{
	int b = kbool(n);
	return b < 0 ? 0 : b;
}

void ka_prescan_global(struct cx *c, const struct ka_node *n)
{
	for (; n; n = n->next) {
		if (!strcmp(n->kw, "vrrp_version") && n->nargs == 1)
			c->g.vrrp_version = atoi(n->args[0]);
		else if (!strcmp(n->kw, "vrrp_garp_master_delay") && n->nargs == 1)
			c->g.garp_delay = n->args[0];
		else if (!strcmp(n->kw, "vrrp_garp_master_repeat") && n->nargs == 1)
			c->g.garp_repeat = n->args[0];
		else if (!strcmp(n->kw, "vrrp_garp_master_refresh") && n->nargs == 1)
			c->g.garp_refresh = n->args[0];
		else if (!strcmp(n->kw, "script_user") && n->nargs >= 1)
			c->g.script_user = n->args[0];
		else if (!strcmp(n->kw, "smtp_server") && n->nargs >= 1)
			c->g.smtp_server = n;
		else if (!strcmp(n->kw, "notification_email"))
			c->g.have_mail_to = n->child != NULL || n->nargs > 0;
		else if (!strcmp(n->kw, "smtp_alert"))
			c->g.alert = opt_bool(n);
		else if (!strcmp(n->kw, "smtp_alert_vrrp"))
			c->g.alert_vrrp = opt_bool(n);
		else if (!strcmp(n->kw, "smtp_alert_checker"))
			c->g.alert_checker = opt_bool(n);
		ka_prescan_mail(c, n);
	}
}

static void g_script_user(struct cx *c, struct osec *s, const struct ka_node *n,
			  const struct rule *r)
{
	if (!need_args(c, n, 1, 2))
		return;
	if (n->nargs == 2)
		ka_warn(c->m, n->file, n->line,
			"script_user: group '%s' left out (scripts run with the user's groups)",
			n->args[1]);
	char *q = quote(n->args[0]);
	if (q)
		oadd(s, n, r->hd ? r->hd : n->kw, q);
	free(q);
}

/* keepalived 2.2.7 keeps the first sync daemon of the file: a second
 * lvs_sync_daemon is "already specified - ignoring". */
static void g_lvs_sync(struct cx *c, struct osec *s, const struct ka_node *n, const struct rule *r)
{
	const struct ka_node *first = c->g.lvs_sync ? c->g.lvs_sync : c->sync_if;

	(void)r;
	if (!need_args(c, n, 1, 20))
		return;
	if (first) {
		ka_warn(c->m, n->file, n->line,
			"lvs_sync_daemon: a sync daemon is already given (line %d): keepalived "
			"ignores this one, so does the conversion",
			first->line);
		left_out(s, n, "keepalived keeps the first one");
		return;
	}
	c->g.lvs_sync = n;
}

static void g_sync_if(struct cx *c, struct osec *s, const struct ka_node *n, const struct rule *r)
{
	(void)r;
	(void)s;
	if (need_args(c, n, 1, 1))
		c->sync_if = n; /* global: needs an instance; an instance names itself */
}

const struct rule ka_global_rules[] = {
    {"router_id", r_copy, NULL, NULL},
    {"script_user", g_script_user, NULL, NULL},
    {"enable_script_security", r_drop, NULL, "hadirector always checks who can change a script"},
    {"notification_email", r_mail_global, NULL, NULL},
    {"notification_email_from", r_mail_global, NULL, NULL},
    {"smtp_server", r_mail_global, NULL, NULL},
    {"smtp_connect_timeout", r_mail_global, NULL, NULL},
    {"smtp_helo_name", r_mail_global, NULL, NULL},
    {"smtp_alert", r_mail_global, NULL, NULL},
    {"smtp_alert_vrrp", r_mail_global, NULL, NULL},
    {"smtp_alert_checker", r_mail_global, NULL, NULL},
    {"vrrp_version", r_drop, NULL, "written as each instance's version"},
    {"vrrp_garp_master_delay", r_drop, NULL, "written in each instance"},
    {"vrrp_garp_master_repeat", r_drop, NULL, "written in each instance"},
    {"vrrp_garp_master_refresh", r_drop, NULL, "written in each instance"},
    {"lvs_sync_daemon", g_lvs_sync, NULL, NULL},
    {"lvs_sync_daemon_interface", g_sync_if, NULL, NULL},
    NOEFF("vrrp_strict", "hadirector adds no firewall rules dropping traffic to the virtual "
			 "addresses and does not enforce keepalived's strict checks; the addresses "
			 "answer as with vrrp_strict off"),
    NOEFF("vrrp_skip_check_adv_addr", "hadirector does not compare the addresses in adverts"),
    NOEFF("vrrp_garp_interval", "hadirector sends a burst of gratuitous ARPs without this "
				"delay between them"),
    NOEFF("vrrp_gna_interval", "hadirector sends a burst of neighbour adverts without this "
			       "delay between them"),
    NOEFF("vrrp_garp_lower_prio_repeat", "not converted; see garp_lower_prio_repeat"),
    NOEFF("vrrp_garp_lower_prio_delay", "hadirector answers a lower priority at once"),
    NOEFF("vrrp_garp_master_refresh_repeat", "hadirector repeats the whole burst"),
    NOEFF("vrrp_priority", "process scheduling priority: see rt_priority"),
    NOEFF("checker_priority", "process scheduling priority: see rt_priority"),
    NOEFF("vrrp_no_swap", "see lock_memory"),
    NOEFF("checker_no_swap", "see lock_memory"),
    NOEFF("vrrp_check_unicast_src", "hadirector accepts unicast adverts from its peers only"),
    NOEFF("vrrp_iptables", "hadirector adds no firewall rules"),
    SILENT("vrrp_mcast_group4"),
    SILENT("vrrp_mcast_group6"),
    SILENT("dynamic_interfaces"),
    SILENT("lvs_flush"),
    SILENT("lvs_flush_onstop"),
    SILENT("enable_traps"),
    SILENT("enable_snmp_vrrp"),
    SILENT("enable_snmp_checker"),
    SILENT("enable_snmp_rfc"),
    SILENT("enable_snmp_keepalived"),
    SILENT("snmp_socket"),
    SILENT("max_auto_priority"),
    SILENT("vrrp_higher_prio_send_advert"),
    SILENT("checker_log_all_failures"),
    SILENT("no_email_faults"),
    SILENT("vrrp_notify_fifo"),
    SILENT("notify_fifo"),
    SILENT("script_timeout_default"),
    NO("lvs_timeouts", "IPVS timeouts: hadirector does not set them"),
    NO("vrrp_netlink_cmd_rcv_bufs", "netlink buffer sizes are not configurable"),
    NO("vrrp_rx_bufs_policy", "socket buffer sizes are not configurable"),
    NO("net_namespace", "network namespaces: hadirector runs where it is started"),
    NO("default_interface", "default_interface: every hadirector instance names its interface"),
    {NULL, NULL, NULL, NULL},
};

static void t_global(struct cx *c, struct osec *top, const struct ka_node *n, const struct rule *r)
{
	struct oline *l = ofind(top, "global");
	struct osec *s = l ? l->sub : NULL;

	(void)r;
	if (!s) {
		s = osec_new("global");
		if (!(l = oadd_sub(top, n, s)))
			return;
		l->key = strdup("global");
		s->src = n;
	}
	apply_rules(c, s, n->child, ka_global_rules, "global_defs");
	ka_mail_section(c, top, n);
}

/* ---- vrrp_script --------------------------------------------------------- */

static void s_weight(struct cx *c, struct osec *s, const struct ka_node *n, const struct rule *r)
{
	if (n->nargs == 2 && !strcmp(n->args[1], "reverse")) {
		ka_error(c->m, n->file, n->line,
			 "weight ... reverse: hadirector has no reversed script weights");
		return;
	}
	r_num(c, s, n, r);
}

static const struct rule script_rules[] = {
    {"script", r_script, NULL, NULL},
    {"interval", r_num, NULL, NULL},
    {"timeout", r_num, NULL, NULL},
    {"weight", s_weight, NULL, NULL},
    {"rise", r_num, NULL, NULL},
    {"fall", r_num, NULL, NULL},
    NO("user", "per-script user: hadirector runs every script as global script_user"),
    NO("init_fail", "init_fail: hadirector has no initially failed scripts"),
    {NULL, NULL, NULL, NULL},
};

static struct osec *named_sec(struct cx *c, struct osec *top, const struct ka_node *n,
			      const char *kind)
{
	struct osec *s;

	if (n->nargs != 1) {
		ka_error(c->m, n->file, n->line, "%s: needs one name", n->kw);
		return NULL;
	}
	if (!(s = osec_new("%s %s", kind, n->args[0])))
		return NULL;
	s->src = n;
	oadd_sub(top, n, s);
	return s;
}

static void t_script(struct cx *c, struct osec *top, const struct ka_node *n, const struct rule *r)
{
	struct osec *s;

	(void)r;
	if (n->nargs >= 1 && !ka_has_script(n)) { /* keepalived removes it, with an error */
		ka_warn(c->m, n->file, n->line,
			"vrrp_script %s: no script: keepalived removes it (and ignores it where it "
			"is tracked): left out",
			n->args[0]);
		left_out(top, n, "no script");
		return;
	}
	if (n->nargs == 1 && !ka_script_tracked(c, n->args[0])) {
		/* keepalived: "script ... is not used", and it never runs it */
		ka_warn(c->m, n->file, n->line,
			"vrrp_script %s: nothing tracks it: keepalived does not run it: left out",
			n->args[0]);
		left_out(top, n, "nothing tracks it");
		return;
	}
	if (!(s = named_sec(c, top, n, "vrrp_script")))
		return;
	apply_rules(c, s, n->child, script_rules, "vrrp_script");
	if (!ofind(s, "interval"))
		oadd(s, NULL, "interval", "1");
	if (!ofind(s, "timeout")) /* keepalived: the interval; hadirector: 5 */
		onote(oadd(s, NULL, "timeout", ofind(s, "interval")->val),
		      "keepalived's default: the interval");
}

/* ---- vrrp_sync_group ----------------------------------------------------- */

static char *block_list(struct cx *c, const struct ka_node *n, bool first_word_only)
{
	size_t len = 5;
	char *s;

	for (const struct ka_node *k = n->child; k; k = k->next)
		len += strlen(k->kw) + 2;
	if (!n->block || !(s = malloc(len))) {
		ka_error(c->m, n->file, n->line, "%s: needs a block { ... }", n->kw);
		return NULL;
	}
	strcpy(s, "{ ");
	bool any = false;
	for (const struct ka_node *k = n->child; k; k = k->next) {
		if (first_word_only && k->nargs)
			ka_error(c->m, k->file, k->line, "%s: unexpected '%s'", n->kw, k->args[0]);
		if (!ka_defined(c, "vrrp_instance", k->kw)) {
			ka_warn(c->m, k->file, k->line,
				"group %s: no vrrp_instance %s; keepalived leaves it out of the "
				"group, so does the conversion",
				k->kw, k->kw);
			continue;
		}
		strcat(s, any ? ", " : "");
		strcat(s, k->kw);
		any = true;
	}
	strcat(s, " }");
	if (!any) {
		free(s);
		return NULL;
	}
	return s;
}

static void g_group(struct cx *c, struct osec *s, const struct ka_node *n, const struct rule *r)
{
	char *l = block_list(c, n, true);

	(void)r;
	if (l)
		oadd(s, n, "group", l);
	free(l);
}

static const struct rule group_rules[] = {
    {"group", g_group, NULL, NULL},
    {"notify_master", r_script, NULL, NULL},
    {"notify_backup", r_script, NULL, NULL},
    {"notify_fault", r_script, NULL, NULL},
    {"notify", r_script, NULL, NULL},
    {"smtp_alert", r_smtp_alert, NULL, NULL},
    SILENT("global_tracking"),
    SILENT("sync_group_tracking_weight"),
    NO("notify_stop", "sync group notify_stop: hadirector has it per instance only"),
    NO("track_script", "tracking in a sync group: track in each instance instead"),
    NO("track_interface", "tracking in a sync group: track in each instance instead"),
    NO("track_file", "track_file: hadirector has no tracked files"),
    {NULL, NULL, NULL, NULL},
};

static void t_group(struct cx *c, struct osec *top, const struct ka_node *n, const struct rule *r)
{
	struct osec *s = named_sec(c, top, n, "vrrp_sync_group");

	(void)r;
	if (!s)
		return;
	ka_mail_part(c, s, n, false, false);
	apply_rules(c, s, n->child, group_rules, "vrrp_sync_group");
	if (!ofind(s, "group")) { /* keepalived drops a group without members */
		ka_warn(c->m, n->file, n->line,
			"vrrp_sync_group %s: no group { } of members; keepalived ignores it, so "
			"does the conversion",
			n->args[0]);
		struct oline *l = &top->l[top->n - 1];
		osec_free(l->sub);
		l->sub = NULL;
		onote(l, "keepalived: vrrp_sync_group %s: left out (no members)", n->args[0]);
	}
}

static void t_instance(struct cx *c, struct osec *top, const struct ka_node *n,
		       const struct rule *r)
{
	struct osec *s = named_sec(c, top, n, "vrrp_instance");

	(void)r;
	if (!s)
		return;
	ka_mail_part(c, s, n, false, false);
	ka_instance(c, s, n);
}

#define FEATURE(k, w)                                                                              \
	{                                                                                          \
		k, r_refuse, NULL, w                                                               \
	}

const struct rule ka_top_rules[] = {
    {"global_defs", t_global, NULL, NULL},
    {"vrrp_script", t_script, NULL, NULL},
    {"vrrp_sync_group", t_group, NULL, NULL},
    {"vrrp_instance", t_instance, NULL, NULL},
    {"virtual_server", r_virtual_server, NULL, NULL},
    {"virtual_server_group", r_vsg, NULL, NULL},
    {"static_ipaddress", r_static_ipaddress, NULL, NULL},
    {"static_routes", r_static_routes, NULL, NULL},
    {"static_rules", r_static_rules, NULL, NULL},
    FEATURE("linkbeat_interfaces", "hadirector has no linkbeat interfaces"),
    FEATURE("track_file", "hadirector has no tracked files (track_file)"),
    FEATURE("vrrp_track_file", "hadirector has no tracked files (vrrp_track_file)"),
    FEATURE("track_process", "hadirector has no process tracking (track_process)"),
    {"vrrp_track_process", r_track_process_sec, NULL, NULL},
    FEATURE("bfd_instance", "hadirector has no BFD"),
    FEATURE("garp_group", "hadirector has no garp_group"),
    FEATURE("static_track_group", "hadirector has no static track groups"),
    FEATURE("net_namespace", "network namespaces: hadirector runs where it is started"),
    {NULL, NULL, NULL, NULL},
};

/* The sync daemon's kernel parameters of keepalived.conf(5), carried over
 * under the same names, and their ranges (group: a multicast address). */
static const struct {
	const char *kw;
	long hi;
} sync_params[] = {{"maxlen", 65507}, {"port", 65535}, {"ttl", 255}, {"group", 0}};

static bool sync_param_ok(size_t u, const char *v)
{
	unsigned char a[16];
	char *end;
	long n;

	if (sync_params[u].hi) {
		n = strtol(v, &end, 10);
		return *v && !*end && n >= 1 && n <= sync_params[u].hi;
	}
	if (inet_pton(AF_INET, v, a) == 1)
		return a[0] >= 224 && a[0] <= 239;
	return inet_pton(AF_INET6, v, a) == 1 && a[0] == 0xff;
}

static bool sync_id_ok(const char *s)
{
	char *end;
	long v = strtol(s, &end, 10);

	return *s && !*end && v >= 0 && v <= 255;
}

/* One option KW VAL of lvs_sync_daemon N (U: its sync_params row, or past
 * the end; PARAMS: the values kept, by row). */
static void sync_opt(struct cx *c, const struct ka_node *n, const char *k, const char *v, size_t u,
		     const char **inst, const char **id, const char **params)
{
	if (!v)
		ka_warn(c->m, n->file, n->line,
			"lvs_sync_daemon: no value after '%s': keepalived ignores it, so does the "
			"conversion",
			k);
	else if (u < 4 && !sync_param_ok(u, v))
		ka_warn(c->m, n->file, n->line,
			"lvs_sync_daemon: %s '%s' is not %s: not converted, the kernel's "
			"default is used",
			k, v, sync_params[u].hi ? "in range" : "a multicast address");
	else if (u < 4)
		params[u] = v;
	else if (!strcmp(k, "id") && !sync_id_ok(v))
		ka_warn(c->m, n->file, n->line,
			"lvs_sync_daemon: id '%s' is not 0..255: keepalived uses its default (the "
			"instance's VRID), so does the conversion",
			v);
	else if (!strcmp(k, "id"))
		*id = v;
	else if (*inst)
		ka_warn(c->m, n->file, n->line,
			"lvs_sync_daemon: the instance is already %s: keepalived ignores 'inst "
			"%s', so does the conversion",
			*inst, v);
	else
		*inst = v;
}

/* `lvs_sync_daemon IF [[inst] INSTANCE] [id N] [maxlen N] [port N] [ttl N]
 * [group IP]` (keepalived >= 2.0; a word at the place of the instance is
 * one unless it is an option's keyword, a number after a bare instance is
 * the sync id, the older form). Sets *INST, *ID and PARAMS; warns about the rest,
 * which keepalived ignores or hadirector cannot express. */
static void sync_args(struct cx *c, const struct ka_node *n, const char **inst, const char **id,
		      const char **params)
{
	for (size_t i = 1; i < n->nargs; i++) {
		const char *k = n->args[i];
		size_t u = 0;

		while (u < 4 && strcmp(k, sync_params[u].kw))
			u++;
		if (u < 4 || !strcmp(k, "inst") || !strcmp(k, "id")) {
			const char *v = i + 1 < n->nargs ? n->args[++i] : NULL;
			sync_opt(c, n, k, v, u, inst, id, params);
		} else if (i == 1) {
			*inst = k;
		} else if (i == 2 && sync_id_ok(k)) {
			*id = k; /* the old form: IF INSTANCE SYNCID */
		} else {
			ka_warn(c->m, n->file, n->line,
				"lvs_sync_daemon: %s '%s': keepalived ignores it, so does the "
				"conversion",
				i == 2 ? "sync id not 0..255" : "unknown option", k);
		}
	}
}

/* The instance's virtual_router_id (as written), or NULL. */
static const char *inst_vrid(const struct cx *c, const char *name)
{
	for (const struct ka_node *i = c->source; i; i = i->next)
		if (!strcmp(i->kw, "vrrp_instance") && i->nargs >= 1 && !strcmp(i->args[0], name))
			for (const struct ka_node *k = i->child; k; k = k->next)
				if (!strcmp(k->kw, "virtual_router_id") && k->nargs == 1)
					return k->args[0];
	return NULL;
}

/* The lvs_sync_daemon section, from global_defs (`lvs_sync_daemon IF
 * [inst] INSTANCE [id N] ...`) or the older per-instance interface
 * keyword. The sync id defaults to the instance's VRID in the first form
 * and to 0 in the second, as keepalived 2.2.7 sets them (vrrp.c). */
void ka_finish(struct cx *c, struct osec *top)
{
	const struct ka_node *n = c->g.lvs_sync;
	const char *inst = c->sync_inst, *id = NULL, *params[4] = {NULL};
	struct osec *s;
	struct oline *l;

	if (!n && !(c->sync_if && c->sync_inst)) {
		if (c->sync_if)
			ka_error(c->m, c->sync_if->file, c->sync_if->line,
				 "%s: no vrrp_instance says which director is the sync master",
				 c->sync_if->kw);
		return;
	}
	if (n) {
		inst = NULL;
		sync_args(c, n, &inst, &id, params);
		if (!inst) {
			ka_error(
			    c->m, n->file, n->line,
			    "lvs_sync_daemon %s: no vrrp instance: keepalived then runs the master "
			    "and the backup sync daemon all the time; hadirector runs one, as an "
			    "instance's state says (lvs_sync_daemon %s inst NAME)",
			    n->args[0], n->args[0]);
			return;
		}
		if (!ka_defined(c, "vrrp_instance", inst)) {
			ka_warn(c->m, n->file, n->line,
				"lvs_sync_daemon: no vrrp_instance %s: keepalived runs no sync "
				"daemon, so does the conversion",
				inst);
			return;
		}
	}
	if (!(s = osec_new("lvs_sync_daemon")))
		return;
	s->src = n ? n : c->sync_if;
	oadd(s, s->src, "interface", ka_ifname(c, n ? n->args[0] : c->sync_if->args[0]));
	oadd(s, s->src, "vrrp_instance", inst);
	if (id)
		oadd(s, n, "syncid", id);
	else if (n && inst_vrid(c, inst) && (l = oadd(s, n, "syncid", inst_vrid(c, inst))))
		onote(l, "keepalived's default: the instance's virtual_router_id");
	for (size_t u = 0; u < 4; u++)
		if (params[u])
			oadd(s, n, sync_params[u].kw, params[u]);
	oadd_sub(top, s->src, s);
}
