/* Prometheus metrics of the IPVS view (ipvs_view.h), pure: the module's
 * counters (IPVS_VIEW_COUNTERS), and per service / destination counters
 * from the last dump (refreshed by the module's slow timer, so they lag by
 * at most one period). */
#include "config.h"

#include <arpa/inet.h>
#include <stdio.h>

#include "ipvs_view.h"
#include "metrics.h"

/* Same spelling as the health checker's labels: "10.0.0.1:80" (TCP),
 * "udp/10.0.0.1:53", "fwmark:5". */
static void addr_port(uint16_t af, const union ipvs_addr *a, uint16_t port, char *buf, size_t len)
{
	char ip[INET6_ADDRSTRLEN] = "?";

	inet_ntop(af, a->b, ip, sizeof(ip));
	snprintf(buf, len, af == AF_INET6 ? "[%s]:%u" : "%s:%u", ip, port);
}

static void svc_name(const struct ipvs_svc_key *k, char *buf, size_t len)
{
	char ap[INET6_ADDRSTRLEN + 10];

	if (k->fwmark) {
		snprintf(buf, len, "fwmark:%u", (unsigned)k->fwmark);
		return;
	}
	addr_port(k->af, &k->addr, k->port, ap, sizeof(ap));
	if (k->protocol == IPPROTO_TCP)
		snprintf(buf, len, "%s", ap);
	else
		snprintf(buf, len, "%s/%s", k->protocol == IPPROTO_UDP ? "udp" : "sctp", ap);
}

enum { F_CONNS, F_INPKTS, F_OUTPKTS, F_INBYTES, F_OUTBYTES };

static void stats_write(FILE *out, const char *prefix, const char *const *l, size_t nl,
			const struct ipvs_stats *st, int what)
{
	char name[96];
	const char *lab[12];

	for (size_t i = 0; i < nl; i++)
		lab[i] = l[i];
	lab[nl] = "direction";
	lab[nl + 1] = what == F_INPKTS || what == F_INBYTES ? "in" : "out";
	lab[nl + 2] = NULL;
	if (what == F_CONNS) {
		snprintf(name, sizeof(name), "%s_connections_total", prefix);
		lab[nl] = NULL;
		hd_metric_sample(out, name, lab, (double)st->conns);
		return;
	}
	snprintf(name, sizeof(name), "%s_%s_total", prefix,
		 what == F_INPKTS || what == F_OUTPKTS ? "packets" : "bytes");
	hd_metric_sample(out, name, lab,
			 (double)(what == F_INPKTS    ? st->inpkts
				  : what == F_OUTPKTS ? st->outpkts
				  : what == F_INBYTES ? st->inbytes
						      : st->outbytes));
}

/* One family over every service (DEST false) or destination. */
static void table_family(FILE *out, const struct ipvs_table *t, bool dest, int what)
{
	for (size_t i = 0; i < t->n; i++) {
		const struct ipvs_service *s = &t->svcs[i];
		char vs[INET6_ADDRSTRLEN + 24], rs[INET6_ADDRSTRLEN + 10];

		svc_name(&s->key, vs, sizeof(vs));
		if (!dest) {
			stats_write(out, "hadirector_ipvs_service", (const char *[]){"vs", vs}, 2,
				    &s->stats, what);
			continue;
		}
		for (size_t j = 0; j < s->n_dests; j++) {
			const struct ipvs_dest *dd = &s->dests[j];
			const char *l[] = {"vs", vs, "rs", rs, NULL};

			addr_port(dd->af, &dd->addr, dd->port, rs, sizeof(rs));
			if (what >= 0)
				stats_write(out, "hadirector_ipvs_dest", l, 4, &dd->stats, what);
			else if (what == -1)
				hd_metric_sample(out, "hadirector_ipvs_dest_active_connections", l,
						 dd->activeconns);
			else if (what == -2)
				hd_metric_sample(out, "hadirector_ipvs_dest_inactive_connections",
						 l, dd->inactconns);
			else if (what == -3)
				hd_metric_sample(out, "hadirector_ipvs_dest_persistent_connections",
						 l, dd->persistconns);
			else
				hd_metric_sample(out, "hadirector_ipvs_dest_weight", l, dd->weight);
		}
	}
}

static const struct {
	const char *name, *type, *help;
	bool dest;
	int what;
} table_fams[] = {
    {"hadirector_ipvs_service_connections_total", "counter", "Connections scheduled.", false,
     F_CONNS},
    {"hadirector_ipvs_service_packets_total", "counter", "Packets by direction.", false, F_INPKTS},
    {"hadirector_ipvs_service_bytes_total", "counter", "Bytes by direction.", false, F_INBYTES},
    {"hadirector_ipvs_dest_active_connections", "gauge", "Active connections.", true, -1},
    {"hadirector_ipvs_dest_inactive_connections", "gauge", "Inactive connections.", true, -2},
    {"hadirector_ipvs_dest_persistent_connections", "gauge", "Persistence templates.", true, -3},
    {"hadirector_ipvs_dest_weight", "gauge", "Weight in the kernel.", true, -4},
    {"hadirector_ipvs_dest_connections_total", "counter", "Connections scheduled.", true, F_CONNS},
    {"hadirector_ipvs_dest_packets_total", "counter", "Packets by direction.", true, F_INPKTS},
    {"hadirector_ipvs_dest_bytes_total", "counter", "Bytes by direction.", true, F_INBYTES},
};

void ipvs_view_metrics(FILE *out, const struct ipvs_view *v)
{
	hd_metric_family(out, "hadirector_ipvs_available", "gauge",
			 "1 when the kernel's IPVS netlink family answers.");
	hd_metric_sample(out, "hadirector_ipvs_available", NULL, v && v->available);
#define FAMILY(f, metric, type, help, json)                                                        \
	hd_metric_family(out, metric, type, help);                                                 \
	hd_metric_sample(out, metric, NULL, v ? (double)v->f : 0);
	IPVS_VIEW_COUNTERS(FAMILY)
#undef FAMILY
	for (size_t i = 0; i < sizeof(table_fams) / sizeof(table_fams[0]); i++) {
		hd_metric_family(out, table_fams[i].name, table_fams[i].type, table_fams[i].help);
		if (!v)
			continue;
		table_family(out, v->observed, table_fams[i].dest, table_fams[i].what);
		/* packets and bytes: both directions in one family */
		if (table_fams[i].what == F_INPKTS || table_fams[i].what == F_INBYTES)
			table_family(out, v->observed, table_fams[i].dest, table_fams[i].what + 1);
	}
}
