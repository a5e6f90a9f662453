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
