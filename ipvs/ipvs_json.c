/* PURE: IPVS tables as JSON (for `hadirectorctl status --json`). */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>

#include "ipvs_json.h"
#include "json.h"

static void addr_json(FILE *out, uint16_t af, const union ipvs_addr *a)
{
	char buf[INET6_ADDRSTRLEN];
	if (!inet_ntop(af == AF_INET6 ? AF_INET6 : AF_INET, a->b, buf, sizeof(buf)))
		buf[0] = '\0';
	hd_json_str(out, buf);
}

static void stats_json(FILE *out, const struct ipvs_stats *s)
{
	fprintf(out,
		"{\"conns\":%" PRIu64 ",\"inpkts\":%" PRIu64 ",\"outpkts\":%" PRIu64
		",\"inbytes\":%" PRIu64 ",\"outbytes\":%" PRIu64 ",\"cps\":%" PRIu64
		",\"inbps\":%" PRIu64 ",\"outbps\":%" PRIu64 "}",
		s->conns, s->inpkts, s->outpkts, s->inbytes, s->outbytes, s->cps, s->inbps,
		s->outbps);
}

static void dest_json(FILE *out, const struct ipvs_dest *d, bool counters)
{
	fputs("{\"addr\":", out);
	addr_json(out, d->af, &d->addr);
	fprintf(out, ",\"port\":%u,\"family\":\"%s\",\"fwd\":\"%s\",\"weight\":%d", d->port,
		d->af == AF_INET6 ? "inet6" : "inet", ipvs_fwd_str(d->fwd), (int)d->weight);
	fprintf(out, ",\"u_threshold\":%u,\"l_threshold\":%u", d->u_threshold, d->l_threshold);
	if (d->fwd == IP_VS_CONN_F_TUNNEL) {
		static const char *const tt[] = {"ipip", "gue", "gre"};
		fprintf(out, ",\"tun_type\":\"%s\",\"tun_port\":%u",
			d->tun_type < 3 ? tt[d->tun_type] : "?", d->tun_port);
	}
	if (counters) {
		fprintf(out, ",\"activeconns\":%u,\"inactconns\":%u,\"persistconns\":%u,\"stats\":",
			d->activeconns, d->inactconns, d->persistconns);
		stats_json(out, &d->stats);
	}
	fputc('}', out);
}

static void service_json(FILE *out, const struct ipvs_service *s, bool counters)
{
	char key[96];
	fputs("{\"service\":", out);
	hd_json_str(out, ipvs_svc_key_str(&s->key, key, sizeof(key)));
	fprintf(out, ",\"family\":\"%s\"", s->key.af == AF_INET6 ? "inet6" : "inet");
	if (s->key.fwmark) {
		fprintf(out, ",\"fwmark\":%u", s->key.fwmark);
	} else {
		fputs(",\"protocol\":", out);
		hd_json_str(out, ipvs_proto_str(s->key.protocol));
		fputs(",\"addr\":", out);
		addr_json(out, s->key.af, &s->key.addr);
		fprintf(out, ",\"port\":%u", s->key.port);
	}
	fputs(",\"scheduler\":", out);
	hd_json_str(out, s->sched);
	fprintf(out, ",\"flags\":%u,\"persistent\":%s,\"timeout\":%u,\"netmask\":%u", s->flags,
		(s->flags & IP_VS_SVC_F_PERSISTENT) ? "true" : "false", s->timeout, s->netmask);
	if (counters) {
		fputs(",\"stats\":", out);
		stats_json(out, &s->stats);
	} else {
		fprintf(out, ",\"quorum_lost\":%s", s->quorum_lost ? "true" : "false");
	}
	fputs(",\"dests\":[", out);
	for (size_t i = 0; i < s->n_dests; i++) {
		if (i)
			fputc(',', out);
		dest_json(out, &s->dests[i], counters);
	}
	fputs("]}", out);
}

void ipvs_table_json(FILE *out, const struct ipvs_table *t, bool counters)
{
	fputc('[', out);
	for (size_t i = 0; i < t->n; i++) {
		if (i)
			fputc(',', out);
		service_json(out, &t->svcs[i], counters);
	}
	fputc(']', out);
}
