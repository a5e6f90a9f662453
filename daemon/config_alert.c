/* The alert_email section and every object's smtp_alert (hd_config.h). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "alert_smtp.h"
#include "config_int.h"

#define DEFAULT_SMTP_TIMEOUT_USEC (30 * 1000000ULL) /* keepalived's smtp_connect_timeout */

static void get_alert(struct cctx *c, cfg_t *sec, enum hd_smtp_alert *out)
{
	bool on;

	if (get_bool(c, sec, "smtp_alert", &on))
		*out = on ? HD_SMTP_ALERT_ON : HD_SMTP_ALERT_OFF;
}

static void get_addr_opt(struct cctx *c, const struct cval *v, const char *name, char **out)
{
	if (!alert_smtp_addr_ok(v->s)) {
		char shown[300]; /* a CR or LF in the value must not start a line of its own */
		alert_smtp_clean(shown, sizeof(shown), v->s);
		cerr(c, v->line,
		     "%s: '%s' is not an e-mail address (user@domain or user, no blanks or <>)",
		     name, shown);
		return;
	}
	free(*out);
	*out = strdup(v->s);
	if (!*out)
		cerr(c, v->line, "out of memory");
}

static void conv_section(struct cctx *c, cfg_t *sec, struct hd_alert_config *a)
{
	const struct cval *v;
	unsigned n = cnum(sec, "to");
	bool all;
	long port = 25;

	a->enabled = true;
	a->line = sec_line(sec);
	a->timeout_usec = DEFAULT_SMTP_TIMEOUT_USEC;
	if (n == 0)
		cerr(c, a->line, "alert_email: 'to' is required");
	if (n > HD_ALERT_MAX_TO) {
		cerr(c, cget(sec, "to", HD_ALERT_MAX_TO)->line, "to: at most %d addresses",
		     HD_ALERT_MAX_TO);
		n = HD_ALERT_MAX_TO;
	}
	for (unsigned i = 0; i < n; i++) {
		get_addr_opt(c, cget(sec, "to", i), "to", &a->to[a->n_to]);
		if (a->to[a->n_to])
			a->n_to++;
	}
	if ((v = cget(sec, "from", 0)))
		get_addr_opt(c, v, "from", &a->from);
	if (!get_addr(c, sec, "smtp_server", &a->server.addr) && !cget(sec, "smtp_server", 0))
		cerr(c, a->line, "alert_email: 'smtp_server' is required");
	get_long(c, sec, "smtp_port", 1, 65535, &port);
	a->server.port = (uint16_t)port;
	if ((v = cget(sec, "helo_name", 0))) {
		bool ok = v->s[0] && strlen(v->s) < 256;
		for (const char *p = v->s; ok && *p; p++)
			ok = (unsigned char)*p > 0x20 && *p != 0x7f;
		if (!ok)
			cerr(c, v->line, "helo_name: '%s' must be 1..255 characters without blanks",
			     v->s);
		else
			get_str(c, sec, "helo_name", &a->helo_name);
	}
	get_dur(c, sec, "connect_timeout", 0.1, 3600, &a->timeout_usec);
	if (get_bool(c, sec, "smtp_alert", &all))
		a->vrrp = a->checker = all;
	get_bool(c, sec, "smtp_alert_vrrp", &a->vrrp);
	get_bool(c, sec, "smtp_alert_checker", &a->checker);
}

/* The converters before this one made one object per section, in order
 * (or the load has failed already): the same indexes. */
void conv_alert(struct cctx *c, cfg_t *root, struct hd_config *cfg)
{
	unsigned n = cnum(root, "alert_email");

	if (n > 1)
		cerr(c, sec_line(csec(root, "alert_email", 1)),
		     "section 'alert_email' given more than once");
	if (n)
		conv_section(c, csec(root, "alert_email", 0), &cfg->alert);
	for (unsigned i = 0; i < cnum(root, "vrrp_instance") && i < cfg->n_instances; i++)
		get_alert(c, csec(root, "vrrp_instance", i), &cfg->instances[i].smtp_alert);
	for (unsigned i = 0; i < cnum(root, "vrrp_sync_group") && i < cfg->n_sync_groups; i++)
		get_alert(c, csec(root, "vrrp_sync_group", i), &cfg->sync_groups[i].smtp_alert);
	for (unsigned i = 0; i < cnum(root, "virtual_server") && i < cfg->n_virtual_servers; i++) {
		cfg_t *vsec = csec(root, "virtual_server", i);
		struct hd_virtual_server_config *vs = &cfg->virtual_servers[i];

		get_alert(c, vsec, &vs->smtp_alert);
		for (unsigned j = 0; j < cnum(vsec, "real_server") && j < vs->n_real_servers; j++)
			get_alert(c, csec(vsec, "real_server", j), &vs->real_servers[j].smtp_alert);
	}
}

void free_alert(struct hd_alert_config *a)
{
	for (size_t i = 0; i < a->n_to; i++)
		free(a->to[i]);
	free(a->from);
	free(a->helo_name);
}
