/* Reload decisions of the health checker (hc_match.h): pure. */
#include "config.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hc_match.h"

static void key_addr(FILE *f, const char *tag, bool has, const struct hd_addr *a)
{
	char buf[INET6_ADDRSTRLEN];

	fprintf(f, "|%s=%s", tag, has ? hd_addr_str(a, buf, sizeof(buf)) : "");
}

static void key_str(FILE *f, const char *tag, const char *s)
{
	fprintf(f, "|%s=%zu:%s", tag, s ? strlen(s) : 0, s ? s : ""); /* length: no ambiguity */
}

char *hc_probe_key(const struct hd_virtual_server_config *vs,
		   const struct hd_real_server_config *rs, const struct hd_check_config *k,
		   const struct hc_pparams *p)
{
	char *buf = NULL, ep[80];
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	fprintf(f, "%s|%s", hd_check_type_str(k->type),
		hd_endpoint_str(&p->target, ep, sizeof(ep)));
	key_addr(f, "bind", k->has_bind_ip, &k->bind_ip);
	fprintf(f, "|t=%llu|dl=%llu|r=%u|f=%u|rt=%u|dbr=%llu|wu=%llu|a=%d",
		(unsigned long long)p->timeout_usec, (unsigned long long)p->pol.delay_loop_usec,
		k->rise, k->fall, k->retry, (unsigned long long)k->delay_before_retry_usec,
		(unsigned long long)k->warmup_usec, vs->alpha);
	if (k->type == HD_CHECK_HTTP || k->type == HD_CHECK_HTTPS) {
		key_str(f, "path", k->path);
		key_str(f, "host", p->host);
		fputs("|st=", f);
		for (size_t i = 0; i < k->n_status; i++)
			fprintf(f, "%u-%u,", k->status[i].lo, k->status[i].hi);
		fprintf(f, "|dg=%d:", k->digest_type);
		for (size_t i = 0; k->digest_type && i < sizeof(k->digest); i++)
			fprintf(f, "%02x", k->digest[i]);
		fprintf(f, "|ru=%u", k->reuse_connection > 1 ? k->reuse_connection : 0);
		key_str(f, "sni", k->sni);
		fprintf(f, "|v=%d", k->verify);
		key_str(f, "ca", k->ca_file);
	}
	if (k->type == HD_CHECK_MISC) {
		/* A script has no target: keep it per real server. */
		fprintf(f, "|rs=%s|dyn=%d", hd_endpoint_str(&rs->ep, ep, sizeof(ep)),
			k->dynamic_weight);
		key_str(f, "script", k->script);
	}
	key_str(f, "helo", k->helo_name);
	key_str(f, "dn", k->dns_name);
	key_str(f, "dt", k->dns_type);
	key_str(f, "up", k->udp_payload);
	key_str(f, "ue", k->udp_expect);
	if (p->has_fwd) /* the path's probe: per virtual and real server */
		fprintf(f, "|fwd=%d:%d:%u:%u:%u", (int)p->fwd.kind, p->fwd.tcp, p->fwd.vip,
			p->fwd.rs, p->fwd.port);
	fclose(f);
	return buf;
}

void hc_probe_params(struct hc_pparams *p, const struct hd_config *cfg,
		     const struct hd_virtual_server_config *vs,
		     const struct hd_real_server_config *rs, const struct hd_check_config *k)
{
	uint64_t dl = k->delay_loop_usec    ? k->delay_loop_usec
		      : vs->delay_loop_usec ? vs->delay_loop_usec
					    : HC_DEFAULT_DELAY_LOOP;

	p->k = k;
	p->host = k->virtualhost ? k->virtualhost : vs->virtualhost;
	p->rs_ep = rs->ep;
	p->fwd = (struct hc_fwd_params){0};
	p->has_fwd = hc_fwd_params(vs, rs, &p->fwd);
	p->target.addr = k->has_connect_ip ? k->connect_ip : rs->ep.addr;
	p->target.port = k->type == HD_CHECK_PING ? 0 /* one echo per address */
			 : k->connect_port	  ? k->connect_port
						  : rs->ep.port;
	if (k->type == HD_CHECK_MISC)
		p->timeout_usec = k->timeout_usec ? k->timeout_usec
				  : cfg->global.script_timeout_usec
				      ? cfg->global.script_timeout_usec
				      : dl;
	else
		p->timeout_usec =
		    k->connect_timeout_usec ? k->connect_timeout_usec : HC_DEFAULT_CONNECT_TIMEOUT;
	p->pol = (struct hc_policy){.rise = k->rise,
				    .fall = k->fall,
				    .retry = k->retry,
				    .alpha = vs->alpha,
				    .delay_loop_usec = dl,
				    .delay_before_retry_usec = k->delay_before_retry_usec};
}

bool hc_vs_same(const struct hd_virtual_server_config *a, const struct hd_virtual_server_config *b)
{
	if (a->group || b->group) /* a group is its name; its members may change */
		return a->group && b->group && !strcmp(a->group, b->group);
	if (a->is_fwmark || b->is_fwmark)
		return a->is_fwmark == b->is_fwmark && a->fwmark == b->fwmark &&
		       a->family == b->family;
	return a->protocol == b->protocol && a->ep.port == b->ep.port &&
	       !hd_addr_cmp(&a->ep.addr, &b->ep.addr);
}

bool hc_ep_same(const struct hd_endpoint *a, const struct hd_endpoint *b)
{
	return a->port == b->port && !hd_addr_cmp(&a->addr, &b->addr);
}

/* ---- the identity in binary (hc_probe_same, hc_probe_hash) ----
 * Field for field what hc_probe_key() writes: a string is NULL or its
 * text (NULL and "" write the same), reuse_connection 0 and 1 are one,
 * the digest counts only with a digest type. */

static bool str_same(const char *a, const char *b)
{
	return !strcmp(a ? a : "", b ? b : "");
}

static bool addr_same(bool ha, const struct hd_addr *a, bool hb, const struct hd_addr *b)
{
	return ha == hb && (!ha || !hd_addr_cmp(a, b));
}

static unsigned reuse_of(const struct hd_check_config *k)
{
	return k->reuse_connection > 1 ? k->reuse_connection : 0;
}

static bool http_same(const struct hc_pparams *a, const struct hc_pparams *b)
{
	const struct hd_check_config *x = a->k, *y = b->k;

	if (!str_same(x->path, y->path) || !str_same(a->host, b->host) ||
	    x->n_status != y->n_status || x->digest_type != y->digest_type ||
	    reuse_of(x) != reuse_of(y) || !str_same(x->sni, y->sni) || x->verify != y->verify ||
	    !str_same(x->ca_file, y->ca_file))
		return false;
	for (size_t i = 0; i < x->n_status; i++)
		if (x->status[i].lo != y->status[i].lo || x->status[i].hi != y->status[i].hi)
			return false;
	return !x->digest_type || !memcmp(x->digest, y->digest, sizeof(x->digest));
}

bool hc_probe_same(const struct hc_pparams *a, const struct hc_pparams *b)
{
	const struct hd_check_config *x = a->k, *y = b->k;

	if (x->type != y->type || !hc_ep_same(&a->target, &b->target) ||
	    !addr_same(x->has_bind_ip, &x->bind_ip, y->has_bind_ip, &y->bind_ip) ||
	    a->timeout_usec != b->timeout_usec ||
	    a->pol.delay_loop_usec != b->pol.delay_loop_usec || x->rise != y->rise ||
	    x->fall != y->fall || x->retry != y->retry ||
	    x->delay_before_retry_usec != y->delay_before_retry_usec ||
	    x->warmup_usec != y->warmup_usec || a->pol.alpha != b->pol.alpha)
		return false;
	if ((x->type == HD_CHECK_HTTP || x->type == HD_CHECK_HTTPS) && !http_same(a, b))
		return false;
	if (x->type == HD_CHECK_MISC &&
	    (!hc_ep_same(&a->rs_ep, &b->rs_ep) || x->dynamic_weight != y->dynamic_weight ||
	     !str_same(x->script, y->script)))
		return false;
	if (a->has_fwd != b->has_fwd || (a->has_fwd && !hc_fwd_params_same(&a->fwd, &b->fwd)))
		return false;
	return str_same(x->helo_name, y->helo_name) && str_same(x->dns_name, y->dns_name) &&
	       str_same(x->dns_type, y->dns_type) && str_same(x->udp_payload, y->udp_payload) &&
	       str_same(x->udp_expect, y->udp_expect);
}

static uint64_t mix(uint64_t h, uint64_t v)
{
	h = (h ^ v) * 0x9e3779b97f4a7c15ULL;
	return h ^ (h >> 31);
}

static uint64_t mix_str(uint64_t h, const char *s)
{
	uint64_t w = 0;
	size_t n = 0;

	for (; s && *s; s++, n++) {
		w = (w << 8) | (unsigned char)*s;
		if ((n & 7) == 7)
			h = mix(h, w), w = 0;
	}
	return mix(mix(h, w), n);
}

static uint64_t mix_addr(uint64_t h, const struct hd_addr *a)
{
	uint64_t w[2] = {0, 0};

	if (a->family == AF_INET)
		memcpy(w, &a->u.v4, sizeof(a->u.v4));
	else if (a->family == AF_INET6)
		memcpy(w, &a->u.v6, sizeof(a->u.v6));
	return mix(mix(mix(h, (uint64_t)a->family), w[0]), w[1]);
}

uint64_t hc_ep_hash(const struct hd_endpoint *e)
{
	return mix(mix_addr(0x51ed27, &e->addr), e->port);
}

/* Over the fields that tell most probes apart; hc_probe_same() decides. */
uint64_t hc_probe_hash(const struct hc_pparams *p)
{
	const struct hd_check_config *k = p->k;
	uint64_t h = mix(hc_ep_hash(&p->target), (uint64_t)k->type);

	h = mix(mix(h, p->timeout_usec), p->pol.delay_loop_usec);
	if (k->type == HD_CHECK_HTTP || k->type == HD_CHECK_HTTPS)
		h = mix_str(mix_str(h, k->path), p->host);
	if (k->type == HD_CHECK_MISC)
		h = mix_str(mix(h, hc_ep_hash(&p->rs_ep)), k->script);
	return mix_str(mix_str(h, k->dns_name), k->udp_payload);
}

uint64_t hc_vs_hash(const struct hd_virtual_server_config *v)
{
	if (v->group)
		return mix_str(1, v->group);
	if (v->is_fwmark)
		return mix(mix(2, v->fwmark), (uint64_t)v->family);
	return mix(mix(3, (uint64_t)v->protocol), hc_ep_hash(&v->ep));
}
