/* keepalived's e-mail alerts -> hadirector's alert_email section and
 * smtp_alert (hadirector.conf(5)). keepalived mails the notification_email
 * addresses through smtp_server when a part whose smtp_alert is on (its
 * own, else smtp_alert_vrrp / smtp_alert_checker, else smtp_alert, else
 * the part's default) changes state. hadirector's inheritance is not the
 * same (a real server follows its virtual server), so the converter
 * resolves keepalived's and writes `smtp_alert = true` in every part that
 * mails, and nothing in the others (hadirector's defaults: off). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../alert_smtp.h"
#include "ka_convert_int.h"

/* keepalived resolves an smtp_server host name once, when it reads the
 * file, and mails nowhere when that fails ("Invalid smtp server"). The
 * converter does the same now: the address it resolves to is written (with
 * a note), and a name that does not resolve is left out, as keepalived
 * would run without mail. */
static bool smtp_name(struct cx *c, const struct ka_node *n)
{
	struct hd_addr a;

	c->g.smtp_resolved[0] = 0;
	if (hd_addr_parse(n->args[0], &a) == 0)
		return true;
	if (c->o->resolve &&
	    c->o->resolve(c->o->ud, n->args[0], c->g.smtp_resolved, sizeof(c->g.smtp_resolved)) >=
		0 &&
	    hd_addr_parse(c->g.smtp_resolved, &a) == 0)
		return true;
	c->g.smtp_resolved[0] = 0;
	ka_warn(c->m, n->file, n->line,
		"smtp_server: '%s' does not resolve here; keepalived resolves it once at start "
		"and sends no mail when that fails: left out (write the server's address)",
		n->args[0]);
	return false;
}

void ka_prescan_mail(struct cx *c, const struct ka_node *n)
{
	if (!strcmp(n->kw, "smtp_server") && n->nargs >= 1 && n->nargs <= 2 && !smtp_name(c, n))
		c->g.smtp_server = NULL;
	else if (!strcmp(n->kw, "notification_email"))
		c->g.mail_to = n;
	else if (!strcmp(n->kw, "notification_email_from"))
		c->g.mail_from = n;
	else if (!strcmp(n->kw, "smtp_helo_name"))
		c->g.mail_helo = n;
	else if (!strcmp(n->kw, "smtp_connect_timeout"))
		c->g.mail_timeout = n;
}

/* The part's smtp_alert (the line, for its comments), if it has one. */
static const struct ka_node *own_alert(const struct ka_node *part)
{
	const struct ka_node *own = NULL;

	for (const struct ka_node *n = part->child; n; n = n->next)
		if (!strcmp(n->kw, "smtp_alert"))
			own = n;
	return own;
}

static int opt_bool(const struct ka_node *n)
{
	int b = kbool(n);
	return b < 0 ? 0 : b;
}

void ka_mail_part(struct cx *c, struct osec *s, const struct ka_node *part, bool checker,
		  bool def_on)
{
	const struct ka_node *own = own_alert(part);
	int g = checker ? c->g.alert_checker : c->g.alert_vrrp;
	int on = own ? opt_bool(own) : g >= 0 ? g : c->g.alert >= 0 ? c->g.alert : def_on;

	if (!on || !c->g.smtp_server || !c->g.have_mail_to)
		return;
	if (!strcmp(part->kw, "virtual_server")) {
		/* keepalived's mail for a virtual server is its quorum's; a real
		 * server's smtp_alert is resolved on its own (hadirector's would
		 * follow the virtual server's: not written, so it cannot) */
		ka_warn(c->m, part->file, part->line,
			"virtual_server: smtp_alert: hadirector mails no quorum changes (its "
			"real servers' mails are converted)");
		return;
	}
	c->g.alerting++;
	struct oline *l = oadd(s, own, "smtp_alert", "true");
	if (l && !own)
		onote(l, "keepalived: %s",
		      checker ? "smtp_alert_checker / smtp_alert" : "smtp_alert_vrrp / smtp_alert");
}

/* A part's own smtp_alert: written by ka_mail_part() (with its comments). */
void r_smtp_alert(struct cx *c, struct osec *s, const struct ka_node *n, const struct rule *r)
{
	(void)c;
	(void)s;
	(void)n;
	(void)r;
}

void r_mail_global(struct cx *c, struct osec *s, const struct ka_node *n, const struct rule *r)
{
	(void)r;
	if (!c->g.smtp_server || !c->g.have_mail_to)
		left_out(s, n,
			 "keepalived mails only with both smtp_server and notification_email");
}

static bool addr_arg(struct cx *c, const struct ka_node *n, const char *a)
{
	if (alert_smtp_addr_ok(a))
		return true;
	ka_error(c->m, n->file, n->line,
		 "%s: '%s' is not an address hadirector mails (user@domain, no blanks or <>)",
		 n->kw, a);
	return false;
}

static void mail_to(struct cx *c, struct osec *s, const struct ka_node *to)
{
	char *list = NULL;
	size_t len = 0, count = 0;
	FILE *f = open_memstream(&list, &len);

	if (!f)
		return;
	fputs("{ ", f);
	/* notification_email { a@b c@d } : one child per line, more words on it */
	for (const struct ka_node *n = to->child; n; n = n->next) {
		for (size_t i = 0; i <= n->nargs; i++) {
			const char *a = i == 0 ? n->kw : n->args[i - 1];
			char *q;
			if (!addr_arg(c, n, a) || !(q = quote(a)))
				continue;
			fprintf(f, "%s%s", count++ ? ", " : "", q);
			free(q);
		}
	}
	for (size_t i = 0; i < to->nargs; i++) {
		char *q;
		if (!addr_arg(c, to, to->args[i]) || !(q = quote(to->args[i])))
			continue;
		fprintf(f, "%s%s", count++ ? ", " : "", q);
		free(q);
	}
	fputs(" }", f);
	fclose(f);
	if (count > HD_ALERT_MAX_TO)
		ka_error(c->m, to->file, to->line,
			 "notification_email: %zu addresses (hadirector mails at most %d)", count,
			 HD_ALERT_MAX_TO);
	if (list && count)
		oadd(s, to, "to", list);
	free(list);
}

static void mail_server(struct cx *c, struct osec *s, const struct ka_node *n)
{
	struct hd_addr a;

	if (!need_args(c, n, 1, 2))
		return;
	if (c->g.smtp_resolved[0]) {
		onote(oadd(s, n, "smtp_server", c->g.smtp_resolved),
		      "keepalived resolves '%s' at start; resolved when converted", n->args[0]);
	} else if (hd_addr_parse(n->args[0], &a) < 0) {
		ka_error(c->m, n->file, n->line, "smtp_server: '%s' is not an IP address",
			 n->args[0]);
		return;
	} else {
		oadd(s, n, "smtp_server", n->args[0]);
	}
	if (n->nargs == 2) {
		char *end;
		long p = strtol(n->args[1], &end, 10);
		if (*end || p < 1 || p > 65535)
			ka_error(c->m, n->file, n->line, "smtp_server: port '%s' is not 1..65535",
				 n->args[1]);
		else
			oadd(s, n, "smtp_port", n->args[1]);
	}
}

/* The alert_email section, once, after the first global_defs, when the
 * file can mail (keepalived sends nothing without both a server and a
 * recipient: then the keywords are left out, as before). */
void ka_mail_section(struct cx *c, struct osec *top, const struct ka_node *where)
{
	struct osec *s;
	char *q;

	if (c->g.mail_done || !c->g.smtp_server || !c->g.have_mail_to)
		return;
	c->g.mail_done = true;
	if (!(s = osec_new("alert_email")))
		return;
	s->src = NULL;
	mail_to(c, s, c->g.mail_to);
	if (!c->g.mail_from) {
		ka_warn(c->m, c->g.smtp_server->file, c->g.smtp_server->line,
			"smtp_server: no notification_email_from: the sender is hadirector@ and "
			"the host's name (keepalived's: keepalived@)");
	} else if (need_args(c, c->g.mail_from, 1, 1) &&
		   addr_arg(c, c->g.mail_from, c->g.mail_from->args[0]) &&
		   (q = quote(c->g.mail_from->args[0]))) {
		oadd(s, c->g.mail_from, "from", q);
		free(q);
	}
	mail_server(c, s, c->g.smtp_server);
	const struct ka_node *h = c->g.mail_helo;
	if (h && need_args(c, h, 1, 1)) {
		bool ok = strlen(h->args[0]) < 256;
		for (const char *p = h->args[0]; ok && *p; p++)
			ok = (unsigned char)*p > 0x20 && *p != 0x7f;
		if (ok)
			oadd(s, h, "helo_name", h->args[0]);
		else
			ka_error(c->m, h->file, h->line, "smtp_helo_name: '%s' has blanks",
				 h->args[0]);
	}
	const struct ka_node *t = c->g.mail_timeout;
	if (t && need_args(c, t, 1, 1))
		oadd(s, t, "connect_timeout", t->args[0]);
	(void)where;
	oadd_sub(top, NULL, s);
}
