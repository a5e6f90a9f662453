/* See config_rs.h. */
#include "config.h"

#include "config_rs.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "config_int.h"

static cfg_opt_t one_rs_opts[] = {
    CFG_SEC("real_server", rs_opts, CFGF_MULTI | CFGF_TITLE | CFGF_NO_TITLE_DUPES),
    CFG_END(),
};

void hd_rs_config_free(struct hd_real_server_config *rs)
{
	for (size_t k = 0; k < rs->n_checks; k++)
		free_check(&rs->checks[k]);
	free(rs->checks);
	free(rs->notify_up);
	free(rs->notify_down);
	memset(rs, 0, sizeof(*rs));
}

static int dup_str(char **s)
{
	if (*s && !(*s = strdup(*s)))
		return -ENOMEM;
	return 0;
}

/* A deep copy of check K into OUT (zeroed first). */
static int copy_check(const struct hd_check_config *k, struct hd_check_config *out)
{
	*out = *k;
	out->status = NULL;
	if (k->n_status && !(out->status = malloc(k->n_status * sizeof(*k->status))))
		goto fail0;
	if (k->n_status)
		memcpy(out->status, k->status, k->n_status * sizeof(*k->status));
	char **s[] = {&out->path,	 &out->virtualhost, &out->sni,	    &out->ca_file,
		      &out->script,	 &out->helo_name,   &out->dns_name, &out->dns_type,
		      &out->udp_payload, &out->udp_expect};
	size_t i = 0;
	for (; i < sizeof(s) / sizeof(s[0]); i++)
		if (dup_str(s[i]) < 0)
			break;
	if (i == sizeof(s) / sizeof(s[0]))
		return 0;
	for (size_t j = i; j < sizeof(s) / sizeof(s[0]); j++)
		*s[j] = NULL; /* not ours: the original's */
	free_check(out);
	return -ENOMEM;
fail0:
	memset(out, 0, sizeof(*out));
	return -ENOMEM;
}

/* No check in the request: the virtual server's usual one (see .h). */
static int lend_checks(const struct hd_config *cfg, const struct hd_virtual_server_config *vs,
		       const char *file, struct hd_diag *diag, struct hd_real_server_config *rs)
{
	const struct hd_real_server_config *from = NULL;
	char ep[80];

	for (size_t j = 0; j < vs->n_real_servers && !from; j++)
		if (vs->real_servers[j].n_checks)
			from = &vs->real_servers[j];
	hd_endpoint_str(&rs->ep, ep, sizeof(ep));
	if (!from) {
		hd_diag_add(diag, file, 1,
			    "real_server %s: no check given, and no real server of this virtual "
			    "server has one to copy: give one (e.g. tcp_check { })",
			    ep);
		return -EINVAL;
	}
	for (size_t k = 0; k < from->n_checks; k++) {
		if (!from->checks[k].has_connect_ip)
			continue;
		hd_diag_add(diag, file, 1,
			    "real_server %s: no check given, and the one to copy (%s:%d) has a "
			    "connect_ip of its own: give the check",
			    ep, cfg->path ? cfg->path : "?", from->checks[k].line);
		return -EINVAL;
	}
	free(rs->checks);
	rs->checks = calloc(from->n_checks, sizeof(*rs->checks));
	if (!rs->checks)
		return -ENOMEM;
	for (size_t k = 0; k < from->n_checks; k++) {
		if (copy_check(&from->checks[k], &rs->checks[k]) < 0)
			return -ENOMEM;
		rs->checks[k].line = 1; /* it is the request's now */
		rs->n_checks++;
	}
	return 0;
}

/* The file's script checks (owner, mode, path) on RS's scripts. */
static int check_scripts(const struct hd_config *cfg, const struct hd_virtual_server_config *vs,
			 const char *file, struct hd_real_server_config *rs, struct hd_diag *diag)
{
	struct hd_virtual_server_config one = *vs;
	struct hd_config tmp = {.global = cfg->global, .path = (char *)file};

	one.real_servers = rs;
	one.n_real_servers = 1;
	one.quorum_up = one.quorum_down = NULL; /* the file's, checked with it */
	tmp.virtual_servers = &one;
	tmp.n_virtual_servers = 1;
	return hd_config_check_scripts(&tmp, diag) ? -EPERM : 0;
}

int hd_rs_config_parse(const struct hd_config *cfg, size_t vi, const char *title, const char *body,
		       const char *file, bool nowait, struct hd_diag *diag,
		       struct hd_real_server_config *out)
{
	const struct hd_virtual_server_config *vs = &cfg->virtual_servers[vi];
	struct cctx c = {.file = file, .diag = diag};
	char *buf = NULL;
	int len = asprintf(&buf, "real_server %s { %s }", title, body ? body : "");
	cfg_t *root;

	memset(out, 0, sizeof(*out));
	if (len < 0)
		return -ENOMEM;
	if (!nowait) {
		confuse_begin(&c);
	} else if (!confuse_try_begin(&c)) {
		hd_diag_add(
		    diag, file, 1,
		    "the parser is busy (a reload or a plan is reading the file): try again");
		free(buf);
		return -EBUSY;
	}
	root = cfg_init(one_rs_opts, CFGF_NONE);
	bool parsed = root && confuse_parse(&c, root, buf, (size_t)len);
	confuse_end();
	if (!root)
		cerr(&c, 0, "out of memory");
	else if (parsed && cnum(root, "real_server") != 1)
		cerr(&c, 1, "real_server %s: one real_server block only", title);
	else if (parsed) {
		cfg_t *sec = csec(root, "real_server", 0);
		bool on;
		check_raw(&c, root);
		conv_rs(&c, sec, cfg, vs, out);
		if (get_bool(&c, sec, "smtp_alert", &on))
			out->smtp_alert = on ? HD_SMTP_ALERT_ON : HD_SMTP_ALERT_OFF;
		out->line = 1;
	}
	if (root)
		confuse_free(root);
	free(buf);
	int r = c.errors ? -EINVAL : 0;
	if (!r && !out->n_checks)
		r = lend_checks(cfg, vs, file, diag, out);
	if (!r)
		r = check_scripts(cfg, vs, file, out, diag);
	if (r < 0)
		hd_rs_config_free(out);
	return r;
}

/* FNV-1a, field by field (no padding bytes). */
static uint64_t mix(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 0x100000001b3ULL;
	return h;
}

#define MIX(h, v)  ((h) = mix((h), &(v), sizeof(v)))
#define MIXS(h, s) ((h) = (s) ? mix((h), (s), strlen(s) + 1) : mix((h), "", 1))

static uint64_t check_digest(uint64_t h, const struct hd_check_config *k)
{
	MIX(h, k->type);
	MIX(h, k->has_connect_ip);
	h = mix(h, &k->connect_ip.u, sizeof(k->connect_ip.u));
	MIX(h, k->connect_port);
	MIX(h, k->has_bind_ip);
	h = mix(h, &k->bind_ip.u, sizeof(k->bind_ip.u));
	MIX(h, k->connect_timeout_usec);
	MIX(h, k->delay_loop_usec);
	MIX(h, k->rise);
	MIX(h, k->fall);
	MIX(h, k->retry);
	MIX(h, k->delay_before_retry_usec);
	MIX(h, k->warmup_usec);
	MIXS(h, k->path);
	MIXS(h, k->virtualhost);
	for (size_t i = 0; i < k->n_status; i++) {
		MIX(h, k->status[i].lo);
		MIX(h, k->status[i].hi);
	}
	MIX(h, k->digest_type);
	MIX(h, k->digest);
	MIX(h, k->reuse_connection);
	MIXS(h, k->sni);
	MIX(h, k->verify);
	MIXS(h, k->ca_file);
	MIXS(h, k->script);
	MIX(h, k->timeout_usec);
	MIX(h, k->dynamic_weight);
	MIXS(h, k->helo_name);
	MIXS(h, k->dns_name);
	MIXS(h, k->dns_type);
	MIXS(h, k->udp_payload);
	MIXS(h, k->udp_expect);
	MIX(h, k->agent_min_pct);
	MIX(h, k->agent_max_pct);
	return h;
}

uint64_t hd_rs_config_digest(const struct hd_real_server_config *rs)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	MIX(h, rs->ep.port);
	h = mix(h, &rs->ep.addr.u, sizeof(rs->ep.addr.u));
	MIX(h, rs->weight);
	MIX(h, rs->has_lb_kind);
	MIX(h, rs->lb_kind);
	MIX(h, rs->check_fwd_path);
	MIX(h, rs->fwd_probe_echo);
	MIX(h, rs->u_threshold);
	MIX(h, rs->l_threshold);
	MIX(h, rs->inhibit_on_failure);
	MIXS(h, rs->notify_up);
	MIXS(h, rs->notify_down);
	MIX(h, rs->smtp_alert);
	MIX(h, rs->n_checks);
	for (size_t k = 0; k < rs->n_checks; k++)
		h = check_digest(h, &rs->checks[k]);
	return h;
}
