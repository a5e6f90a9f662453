/* Conversion rules of virtual_server, real_server and the checkers
 * (keepalived.conf(5), "Virtual server(s)"; hadirector.conf(5),
 * "virtual_server", "real_server", the check sections).
 *
 * keepalived lets the checker options (connect_timeout, retry,
 * delay_before_retry, warmup, delay_loop, virtualhost) be set on the
 * virtual or real server for all its checkers; hadirector has them per
 * check, so they are written into each check. keepalived's defaults that
 * differ from hadirector's are written out: delay_loop 60, lb_kind NAT,
 * retry 1, delay_before_retry 3 for HTTP, warmup up to delay_loop,
 * persistence 360 s when persistence_timeout has no value.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "hd_config.h"
#include "ka_convert_int.h"

enum { I_CT, I_RETRY, I_DBR, I_WARMUP, I_LOOP, I_VHOST, I_N };
static const char *const inh_kw[I_N] = {"connect_timeout", "retry",	 "delay_before_retry",
					"warmup",	   "delay_loop", "virtualhost"};

struct inh {
	const char *v[I_N];
};

static int inh_index(const char *kw)
{
	if (!strcmp(kw, "nb_get_retry") || !strcmp(kw, "nb_sock_retry"))
		return I_RETRY;
	for (int i = 0; i < I_N; i++)
		if (!strcmp(kw, inh_kw[i]))
			return i;
	return -1;
}

static void inh_take(struct inh *h, const struct ka_node *blk)
{
	for (const struct ka_node *n = blk; n; n = n->next) {
		int i = inh_index(n->kw);
		if (i >= 0 && n->nargs == 1)
			h->v[i] = n->args[0];
	}
}

/* The options of a check of real server RS with inherited values H. */
struct chk {
	struct cx *c;
	struct inh h;
	const char *type; /* hadirector's section name */
	struct osec *s;
};

static void c_inh(struct cx *c, struct osec *s, const struct ka_node *n, const struct rule *r)
{
	(void)s;
	(void)r;
	need_args(c, n, 1, 1); /* taken by inh_take() */
}

static void c_url(struct cx *c, struct osec *s, const struct ka_node *n, const struct rule *r);
static void c_host(struct cx *c, struct osec *s, const struct ka_node *n, const struct rule *r);

#define INH(k)                                                                                     \
	{                                                                                          \
		k, c_inh, NULL, NULL                                                               \
	}

static const struct rule check_rules[] = {
    INH("connect_timeout"),
    INH("retry"),
    INH("nb_get_retry"),
    INH("nb_sock_retry"),
    INH("delay_before_retry"),
    INH("warmup"),
    INH("delay_loop"),
    INH("virtualhost"),
    {"connect_ip", r_copy, NULL, NULL},
    {"connect_port", r_num, NULL, NULL},
    {"bindto", r_copy, "bind_ip", NULL},
    {"url", c_url, NULL, NULL},
    {"helo_name", r_copy, NULL, NULL},
    {"type", r_copy, NULL, NULL},
    {"name", r_copy, NULL, NULL},
    {"misc_path", r_script, "script", NULL},
    {"misc_timeout", r_num, "timeout", NULL},
    {"misc_dynamic", r_true, "dynamic_weight", NULL},
    {"enable_sni", r_drop, NULL, "the SNI is sent by default (virtualhost)"},
    {"sni_name", r_copy, "sni", NULL},
    SILENT("log_all_failures"),
    SILENT("tls_compliant"),
    NOEFF("http_protocol", "hadirector always sends HTTP/1.1 with Connection: close"),
    NOEFF("fast_recovery", "hadirector checks every url of a server at each run"),
    NO("alpha", "per-check alpha: hadirector has alpha per virtual server"),
    NO("bind_port", "hadirector checks from any source port"),
    NO("bind_if", "hadirector has no bind_if for checks"),
    NO("fwmark", "hadirector does not mark check packets"),
    NO("user", "per-script user: hadirector runs every script as global script_user"),
    NO("payload", "udp_check payload in hex: not converted yet"),
    NO("require_reply", "udp_check require_reply in hex: not converted yet"),
    {"host", c_host, NULL, NULL},
    {NULL, NULL, NULL, NULL},
};

/* One `url { path digest status_code virtualhost }`: an http/https check
 * each (keepalived's server is up while every url passes; so is
 * hadirector's with several checks). Collected into the check section by
 * check_emit(). */
static void c_url(struct cx *c, struct osec *s, const struct ka_node *n, const struct rule *r)
{
	struct osec *u = osec_new("url");

	(void)r;
	if (!u)
		return;
	u->src = n;
	for (const struct ka_node *k = n->child; k; k = k->next) {
		if (!strcmp(k->kw, "path") || !strcmp(k->kw, "digest") ||
		    !strcmp(k->kw, "virtualhost")) {
			r_copy(c, u, k, &(struct rule){k->kw, r_copy, NULL, NULL});
		} else if (!strcmp(k->kw, "status_code") && k->nargs >= 1) {
			char *j = join_args(k, 0), *l = NULL;
			for (char *p = j; p && *p; p++)
				if (*p == ' ')
					*p = ',';
			if (j && asprintf(&l, "{ %s }", j) >= 0)
				oadd(u, k, "status_code", l);
			free(j);
			free(l);
		} else if (!strcmp(k->kw, "regex") || !strncmp(k->kw, "regex_", 6)) {
			ka_error(c->m, k->file, k->line, "%s: hadirector has no regex checks",
				 k->kw);
		} else {
			ka_error(c->m, k->file, k->line,
				 "%s: not a keyword the converter knows in url", k->kw);
		}
	}
	oadd_sub(s, n, u);
}

/* SMTP_CHECK's (deprecated) `host { connect_ip connect_port bindto }`:
 * keepalived makes each its own SMTP checker with the SMTP_CHECK's other
 * options (check_smtp.c, smtp_check_end_handler); the real server is up
 * while all pass, as with several smtp_checks here. Collected like a url,
 * written by r_check(). Its connection options start empty, not from the
 * SMTP_CHECK's (smtp_host_handler): without a connect_timeout of its own a
 * host is checked with a 0 s timeout, which expires before any answer, so
 * keepalived keeps the real server down (acassen-keepalived-SMTP_CHECK.conf
 * in the equivalence test). hadirector's shortest timeout is 1 ms and what
 * that gives depends on the network: the check keeps the SMTP_CHECK's
 * timeout, as the sample means, with a warning. */
static void c_host(struct cx *c, struct osec *s, const struct ka_node *n, const struct rule *r)
{
	static const struct rule host_rules[] = {
	    {"connect_ip", r_copy, NULL, NULL},
	    {"connect_port", r_num, NULL, NULL},
	    {"bindto", r_copy, "bind_ip", NULL},
	    NO("bind_port", "hadirector checks from any source port"),
	    NO("bind_if", "hadirector has no bind_if for checks"),
	    NO("fwmark", "hadirector does not mark check packets"),
	    {"connect_timeout", r_copy, NULL, NULL},
	    {NULL, NULL, NULL, NULL},
	};
	struct osec *h = osec_new("host");

	(void)r;
	if (!h)
		return;
	h->src = n;
	apply_rules(c, h, n->child, host_rules, "host");
	if (!ofind(h, "connect_timeout"))
		ka_warn(c->m, n->file, n->line,
			"host: no connect_timeout of its own: keepalived 2.2.7 checks this host "
			"with a 0 s timeout (it does not take SMTP_CHECK's), so the check fails "
			"and keepalived keeps the real server down; hadirector has no 0 s "
			"timeout: this check uses SMTP_CHECK's, and the server can be up here "
			"(set connect_timeout in the host block for the same behaviour)");
	oadd_sub(s, n, h);
}

static const char *dflt(const struct chk *k, int i)
{
	bool http = !strcmp(k->type, "http_check") || !strcmp(k->type, "https_check");

	if (k->h.v[i])
		return k->h.v[i];
	switch (i) {
	case I_RETRY:
		return !strcmp(k->type, "misc_check")  ? "0"
		       : !strcmp(k->type, "dns_check") ? "3"
						       : "1";
	case I_DBR:
		return http ? "3" : !strcmp(k->type, "dns_check") ? k->h.v[I_LOOP] : "1";
	case I_WARMUP:
		return k->h.v[I_LOOP];
	default:
		return NULL;
	}
}

/* Writes one check section from the collected one (and its url parts). */
static void check_emit(struct chk *k, struct osec *rs, const struct ka_node *n, struct osec *u)
{
	struct osec *s = osec_new("%s", k->type);

	if (!s)
		return;
	s->src = u ? u->src : n;
	if (u) /* its own copy of the url's values */
		for (size_t i = 0; i < u->n; i++)
			oadd(s, u->l[i].src, u->l[i].key, u->l[i].val);
	for (size_t i = 0; i < k->s->n; i++) /* what the url or host sets wins */
		if (k->s->l[i].key && !(u && ofind(u, k->s->l[i].key)))
			oadd(s, k->s->l[i].src, k->s->l[i].key, k->s->l[i].val);
	bool misc = !strcmp(k->type, "misc_check");
	if (!misc && k->h.v[I_CT] && !(u && ofind(u, "connect_timeout")))
		oadd(s, NULL, "connect_timeout", k->h.v[I_CT]);
	if (k->h.v[I_LOOP] && strcmp(k->h.v[I_LOOP], k->c->vs_inh[I_LOOP]))
		oadd(s, NULL, "delay_loop", k->h.v[I_LOOP]);
	const char *v = dflt(k, I_RETRY);
	if (strcmp(v, "0"))
		onote(oadd(s, NULL, "retry", v), k->h.v[I_RETRY] ? NULL : "keepalived's default");
	v = dflt(k, I_DBR);
	if (v && strcmp(v, "1"))
		onote(oadd(s, NULL, "delay_before_retry", v),
		      k->h.v[I_DBR] ? NULL : "keepalived's default");
	v = dflt(k, I_WARMUP);
	if (v && strcmp(v, "0"))
		onote(oadd(s, NULL, "warmup", v),
		      k->h.v[I_WARMUP] ? NULL : "keepalived: a random start up to delay_loop");
	if (misc && !ofind(s, "timeout")) /* keepalived: the virtual server's delay_loop */
		onote(oadd(s, NULL, "timeout", k->c->vs_inh[I_LOOP]),
		      "keepalived's default: the virtual server's delay_loop");
	if (!strcmp(k->type, "https_check"))
		onote(oadd(s, NULL, "verify", "false"), "keepalived's SSL_GET verifies nothing");
	if (k->h.v[I_VHOST] && !strcmp(k->type, "http_check") && !ofind(s, "virtualhost")) {
		char *q = quote(k->h.v[I_VHOST]);
		oadd(s, NULL, "virtualhost", q);
		free(q);
	}
	oadd_sub(rs, n, s);
}

static const struct {
	const char *ka, *hd;
} check_names[] = {
    {"TCP_CHECK", "tcp_check"},	  {"HTTP_GET", "http_check"},
    {"SSL_GET", "https_check"},	  {"MISC_CHECK", "misc_check"},
    {"SMTP_CHECK", "smtp_check"}, {"DNS_CHECK", "dns_check"},
    {"UDP_CHECK", "udp_check"},	  {"PING_CHECK", "ping_check"},
    {"ICMP_CHECK", "ping_check"}, {NULL, NULL},
};

static void r_check(struct cx *c, struct osec *rs, const struct ka_node *n, const struct rule *r)
{
	struct chk k = {.c = c, .h = *(const struct inh *)c->rs_inh};
	size_t i;

	(void)r;
	for (i = 0; check_names[i].ka && strcmp(check_names[i].ka, n->kw); i++)
		;
	k.type = check_names[i].hd;
	inh_take(&k.h, n->child);
	if (!(k.s = osec_new("check")))
		return;
	apply_rules(c, k.s, n->child, check_rules, n->kw);
	size_t urls = 0, hosts = 0;
	for (size_t j = 0; j < k.s->n; j++)
		if (k.s->l[j].sub) {
			check_emit(&k, rs, n, k.s->l[j].sub);
			*(strcmp(k.s->l[j].sub->head, "host") ? &urls : &hosts) += 1;
		}
	/* keepalived checks the real server itself besides its hosts only when
	 * the SMTP_CHECK sets a connection option of its own */
	bool own = false;
	for (const struct ka_node *o = n->child; o; o = o->next)
		own |= !strcmp(o->kw, "connect_ip") || !strcmp(o->kw, "connect_port") ||
		       !strcmp(o->kw, "bindto") || !strcmp(o->kw, "connect_timeout");
	if (!urls && (!strcmp(k.type, "http_check") || !strcmp(k.type, "https_check")))
		ka_error(c->m, n->file, n->line,
			 "%s: no url { path ... } (keepalived checks nothing)", n->kw);
	else if (!urls && (!hosts || own))
		check_emit(&k, rs, n, NULL);
	osec_free(k.s);
}

static void rs_thresh(struct cx *c, struct osec *s, const struct ka_node *n, const struct rule *r)
{
	r_num(c, s, n, r);
}

static void rs_lb_kind(struct cx *c, struct osec *s, const struct ka_node *n, const struct rule *r);

static const struct rule rs_rules[] = {
    {"weight", r_num, NULL, NULL},
    {"inhibit_on_failure", r_bool, NULL, NULL},
    {"notify_up", r_script, NULL, NULL},
    {"notify_down", r_script, NULL, NULL},
    {"uthreshold", rs_thresh, "u_threshold", NULL},
    {"lthreshold", rs_thresh, "l_threshold", NULL},
    {"lb_kind", rs_lb_kind, NULL, NULL},
    {"lvs_method", rs_lb_kind, NULL, NULL},
    {"smtp_alert", r_smtp_alert, NULL, NULL},
    INH("connect_timeout"),
    INH("retry"),
    INH("nb_get_retry"),
    INH("delay_before_retry"),
    INH("warmup"),
    INH("delay_loop"),
    INH("virtualhost"),
    {"TCP_CHECK", r_check, NULL, NULL},
    {"HTTP_GET", r_check, NULL, NULL},
    {"SSL_GET", r_check, NULL, NULL},
    {"MISC_CHECK", r_check, NULL, NULL},
    {"SMTP_CHECK", r_check, NULL, NULL},
    {"DNS_CHECK", r_check, NULL, NULL},
    {"UDP_CHECK", r_check, NULL, NULL},
    SILENT("snmp_name"),
    NO("alpha", "per-real-server alpha: hadirector has alpha per virtual server"),
    {"PING_CHECK", r_check, NULL, NULL},
    {"ICMP_CHECK", r_check, NULL, NULL},
    NO("FILE_CHECK", "hadirector has no FILE_CHECK"),
    NO("BFD_CHECK", "hadirector has no BFD"),
    {NULL, NULL, NULL, NULL},
};

/* `NAT|DR|TUN [type ipip|gue port N|gre]`. */
static void rs_lb_kind(struct cx *c, struct osec *s, const struct ka_node *n, const struct rule *r)
{
	(void)r;
	if (!need_args(c, n, 1, 6))
		return;
	const char *k = n->args[0];
	if (strcasecmp(k, "NAT") && strcasecmp(k, "DR") && strcasecmp(k, "TUN")) {
		ka_error(c->m, n->file, n->line, "%s: '%s' is not NAT, DR or TUN", n->kw, k);
		return;
	}
	oadd(s, n, "lb_kind", !strcasecmp(k, "NAT") ? "nat" : !strcasecmp(k, "DR") ? "dr" : "tun");
	for (size_t i = 1; i < n->nargs; i++) {
		if (!strncmp(s->head, "real_server", 11)) {
			ka_error(c->m, n->file, n->line,
				 "%s: a tunnel type per real server is not converted", n->kw);
			return;
		}
		if (!strcmp(n->args[i], "type") && i + 1 < n->nargs) {
			oadd(s, n, "tun_type", n->args[++i]);
		} else if (!strcmp(n->args[i], "port") && i + 1 < n->nargs) {
			oadd(s, n, "tun_port", n->args[++i]);
		} else {
			ka_error(c->m, n->file, n->line, "%s: '%s' is not converted", n->kw,
				 n->args[i]);
			return;
		}
	}
}

/* `IP PORT` -> IP:PORT, [IP6]:PORT; `IP` alone -> the address. */
static char *endpoint(struct cx *c, const struct ka_node *n, size_t at)
{
	char *e = NULL;

	if (n->nargs < at + 1 || n->nargs > at + 2) {
		ka_error(c->m, n->file, n->line, "%s: needs an address and a port", n->kw);
		return NULL;
	}
	const char *ip = n->args[at];
	bool v6 = strchr(ip, ':') != NULL;
	if (n->nargs == at + 1)
		return v6 && asprintf(&e, "[%s]", ip) >= 0 ? e : v6 ? NULL : strdup(ip);
	if (asprintf(&e, v6 ? "[%s]:%s" : "%s:%s", ip, n->args[at + 1]) < 0)
		return NULL;
	return e;
}

static void vs_real(struct cx *c, struct osec *vs, const struct ka_node *n, const struct rule *r)
{
	char *ep = n->nargs ? endpoint(c, n, 0) : NULL;
	struct inh saved = *(struct inh *)c->rs_inh, h = *(struct inh *)c->vs_inh;
	struct osec *s;

	(void)r;
	if (!ep || !(s = osec_new("real_server %s", ep))) {
		if (!n->nargs)
			ka_error(c->m, n->file, n->line, "real_server: needs an address");
		free(ep);
		return;
	}
	free(ep);
	s->src = n;
	ka_mail_part(c, s, n, true, true);
	inh_take(&h, n->child);
	memcpy(c->rs_inh, &h, sizeof(h));
	apply_rules(c, s, n->child, rs_rules, "real_server");
	memcpy(c->rs_inh, &saved, sizeof(saved));
	oadd_sub(vs, n, s);
}

static void vs_persist(struct cx *c, struct osec *s, const struct ka_node *n, const struct rule *r)
{
	if (n->nargs == 0)
		onote(oadd(s, n, "persistence_timeout", "360"),
		      "keepalived: persistence_timeout without a value is 6 minutes");
	else
		r_num(c, s, n, r);
}

static void vs_sorry(struct cx *c, struct osec *s, const struct ka_node *n, const struct rule *r)
{
	char *ep = endpoint(c, n, 0);

	(void)r;
	if (ep)
		oadd(s, n, "sorry_server", ep);
	free(ep);
}

static void vs_flag(struct cx *c, struct osec *s, const struct ka_node *n, const struct rule *r)
{
	struct oline *l = ofind(s, "sched_flags");
	char *v = NULL;

	(void)c;
	(void)r;
	if (l && asprintf(&v, "%.*s, %s }", (int)strlen(l->val) - 2, l->val, n->kw) >= 0)
		oadd(s, n, "sched_flags", v);
	else if (!l && asprintf(&v, "{ %s }", n->kw) >= 0)
		oadd(s, n, "sched_flags", v);
	free(v);
}

static void vs_omega(struct cx *c, struct osec *s, const struct ka_node *n, const struct rule *r)
{
	ka_warn(c->m, n->file, n->line,
		"omega: hadirector accepts it but runs no quorum_down or notify_down when it "
		"stops");
	r_bool(c, s, n, r);
}

static const struct rule vs_rules[] = {
    {"delay_loop", r_num, NULL, NULL},
    {"lb_algo", r_lower, NULL, NULL},
    {"lvs_sched", r_lower, "lb_algo", NULL},
    {"lb_kind", rs_lb_kind, NULL, NULL},
    {"lvs_method", rs_lb_kind, NULL, NULL},
    {"persistence_timeout", vs_persist, NULL, NULL},
    {"persistence_granularity", r_copy, NULL, NULL},
    {"protocol", r_lower, NULL, NULL},
    {"ip_family", r_lower, "family", NULL},
    {"quorum", r_num, NULL, NULL},
    {"hysteresis", r_num, NULL, NULL},
    {"quorum_up", r_script, NULL, NULL},
    {"quorum_down", r_script, NULL, NULL},
    {"alpha", r_bool, NULL, NULL},
    {"omega", vs_omega, NULL, NULL},
    {"inhibit_on_failure", r_bool, NULL, NULL},
    {"sorry_server", vs_sorry, NULL, NULL},
    {"real_server", vs_real, NULL, NULL},
    {"sh-port", vs_flag, NULL, NULL},
    {"sh-fallback", vs_flag, NULL, NULL},
    {"mh-port", vs_flag, NULL, NULL},
    {"mh-fallback", vs_flag, NULL, NULL},
    {"smtp_alert", r_smtp_alert, NULL, NULL},
    INH("connect_timeout"),
    INH("retry"),
    INH("nb_get_retry"),
    INH("delay_before_retry"),
    INH("warmup"),
    {"virtualhost", r_copy, NULL, NULL},
    SILENT("snmp_name"),
    NOEFF("nat_mask", "keepalived ignores nat_mask"),
    NO("ha_suspend", "hadirector has no ha_suspend"),
    NO("ops", "hadirector has no one-packet scheduling (ops)"),
    NO("flag-1", "scheduler flag-1: use sh-port/mh-port names"),
    NO("flag-2", "scheduler flag-2: use sh-fallback/mh-fallback names"),
    NO("flag-3", "scheduler flag-3: not supported"),
    NO("persistence_engine", "hadirector has no persistence engines"),
    NO("sorry_server_inhibit", "hadirector has no sorry_server_inhibit"),
    NO("sorry_server_lvs_method", "hadirector's sorry server uses the service's method"),
    NO("retry_bind", "not converted"),
    {NULL, NULL, NULL, NULL},
};

void r_virtual_server(struct cx *c, struct osec *top, const struct ka_node *n, const struct rule *r)
{
	struct inh h = {0};
	struct osec *s;
	char *ep = NULL;

	char *members = NULL;
	(void)r;
	if (n->nargs == 2 && !strcmp(n->args[0], "group")) {
		char t[HD_NAME_MAX + 16];
		if (!(members = ka_vsg_members(c, n, n->args[1])))
			return;
		ka_vsg_title(c, n, n->args[1], t, sizeof(t));
		ep = strdup(t);
	} else if (n->nargs == 2 && !strcmp(n->args[0], "fwmark")) {
		if (asprintf(&ep, "fwmark:%s", n->args[1]) < 0)
			ep = NULL;
	} else if (n->nargs == 2) {
		ep = endpoint(c, n, 0);
	} else {
		ka_error(c->m, n->file, n->line,
			 "virtual_server: needs ADDRESS PORT or fwmark N (a service on all "
			 "ports is not converted)");
		return;
	}
	if (!ep || !(s = osec_new("virtual_server %s", ep))) {
		free(ep);
		free(members);
		return;
	}
	free(ep);
	s->src = n;
	oadd_sub(top, n, s);
	if (members)
		onote(oadd(s, n, "members", members), "keepalived's virtual_server_group %s",
		      n->args[1]);
	free(members);
	ka_mail_part(c, s, n, true, false);
	inh_take(&h, n->child);
	if (!h.v[I_LOOP])
		h.v[I_LOOP] = "60";
	memcpy(c->vs_inh, &h, sizeof(h));
	memcpy(c->rs_inh, &h, sizeof(h));
	apply_rules(c, s, n->child, vs_rules, "virtual_server");
	if (!ofind(s, "delay_loop"))
		onote(oadd(s, NULL, "delay_loop", "60"), "keepalived's default");
	if (!ofind(s, "lb_kind"))
		onote(oadd(s, NULL, "lb_kind", "nat"), "keepalived's default");
}
