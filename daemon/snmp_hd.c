/* HADIRECTOR-MIB (etc/HADIRECTOR-MIB.txt, experimental 9487): virtual
 * servers, real servers and checkers, read-only, and the real server
 * state change notification. Indexes are 1-based positions in the running
 * configuration (they may shift on a reload that adds or removes one). */
#include <string.h>

#include "healthcheck/hc_int.h"
#include "ipvs/ipvs_view.h"
#include "snmp_int.h"

#define HD_MIB 1, 3, 6, 1, 3, 9487 /* experimental.9487: see the MIB */
static const oid vs_entry[] = {HD_MIB, 1, 1, 1};
static const oid rs_entry[] = {HD_MIB, 1, 2, 1};
static const oid ck_entry[] = {HD_MIB, 1, 3, 1};
static const oid rs_change[] = {HD_MIB, 0, 1}; /* hdRealServerStateChange */
enum {
	VS_NAME = 2,
	VS_PROTO,
	VS_FWMARK,
	VS_RS,
	VS_RS_UP,
	VS_QUORUM_LOST,
	VS_CONNS,
	VS_INPKTS,
	VS_OUTPKTS,
	VS_INBYTES,
	VS_OUTBYTES
};
enum {
	RSC_ADDR = 2,
	RSC_STATE,
	RSC_WEIGHT,
	RSC_CFG_WEIGHT,
	RSC_DRAINED,
	RSC_OUTCOME,
	RSC_RUNS,
	RSC_FAILED,
	RSC_ACTIVE,
	RSC_INACTIVE
};
enum { CK_TYPE = 2, CK_TARGET, CK_STATE, CK_OUTCOME, CK_RUNS, CK_FAILURES, CK_DURATION };
#define MIB_UP	  1
#define MIB_DOWN  2
#define MIB_TRUE  1
#define MIB_FALSE 2

static void cell_text(struct snmp_out *f, oid col, const oid *idx, size_t n, const char *s)
{
	snmp_cell_str(f, col, idx, n, ASN_OCTET_STR, s, strlen(s));
}

static const struct ipvs_service *observed_svc(struct hd_daemon *d,
					       const struct hd_virtual_server_config *vsc)
{
	struct ipvs_view v;
	struct ipvs_svc_key k;

	if (!ipvs_get_view(d, &v))
		return NULL;
	ipvs_model_vs_key(vsc, &k);
	return ipvs_table_find(v.observed, &k);
}

static const struct ipvs_dest *observed_dest(const struct ipvs_service *s,
					     const struct hd_endpoint *ep)
{
	struct ipvs_dest k = {.af = (uint16_t)ep->addr.family, .port = ep->port};

	if (!s)
		return NULL;
	memcpy(k.addr.b, &ep->addr.u, ep->addr.family == AF_INET6 ? 16 : 4);
	return ipvs_service_find_dest(s, &k);
}

static void vs_row(struct hd_daemon *d, struct snmp_out *f, size_t v)
{
	const struct hc_ctx *c = d->hc;
	const struct hd_virtual_server_config *vsc = &c->cfg->virtual_servers[v];
	const struct ipvs_service *s = observed_svc(d, vsc);
	const struct ipvs_stats z = {0}, *st = s ? &s->stats : &z;
	const oid idx[] = {v + 1};
	char name[128];
	unsigned up = 0;

	for (size_t r = 0; r < c->vs[v].n_rs; r++)
		up += c->vs[v].rs[r].up;
	hc_vs_name(vsc, name, sizeof(name));
	cell_text(f, VS_NAME, idx, 1, name);
	snmp_cell_int(f, VS_PROTO, idx, 1, ASN_INTEGER, (long)vsc->protocol + 1);
	snmp_cell_int(f, VS_FWMARK, idx, 1, ASN_UNSIGNED, vsc->is_fwmark ? (long)vsc->fwmark : 0);
	snmp_cell_int(f, VS_RS, idx, 1, ASN_GAUGE, (long)c->vs[v].n_rs);
	snmp_cell_int(f, VS_RS_UP, idx, 1, ASN_GAUGE, up);
	snmp_cell_int(f, VS_QUORUM_LOST, idx, 1, ASN_INTEGER,
		      c->vs[v].quorum_lost ? MIB_TRUE : MIB_FALSE);
	snmp_cell_c64(f, VS_CONNS, idx, 1, st->conns);
	snmp_cell_c64(f, VS_INPKTS, idx, 1, st->inpkts);
	snmp_cell_c64(f, VS_OUTPKTS, idx, 1, st->outpkts);
	snmp_cell_c64(f, VS_INBYTES, idx, 1, st->inbytes);
	snmp_cell_c64(f, VS_OUTBYTES, idx, 1, st->outbytes);
}

static void rs_row(struct snmp_out *f, const struct hc_rs *rs, const oid *idx,
		   const struct ipvs_dest *dst)
{
	char ep[80], text[96];
	const struct hc_result *why = hc_rs_reason(rs);
	uint64_t runs = 0, failed = 0;

	for (size_t k = 0; k < rs->n_probes; k++) {
		runs += rs->probes[k]->st.runs;
		failed += rs->probes[k]->st.failures;
	}
	cell_text(f, RSC_ADDR, idx, 2, hd_endpoint_str(&rs->rsc->ep, ep, sizeof(ep)));
	snmp_cell_int(f, RSC_STATE, idx, 2, ASN_INTEGER, rs->up ? MIB_UP : MIB_DOWN);
	snmp_cell_int(f, RSC_WEIGHT, idx, 2, ASN_GAUGE, rs->weight);
	snmp_cell_int(f, RSC_CFG_WEIGHT, idx, 2, ASN_GAUGE, rs->rsc->weight);
	snmp_cell_int(f, RSC_DRAINED, idx, 2, ASN_INTEGER, rs->drained ? MIB_TRUE : MIB_FALSE);
	cell_text(f, RSC_OUTCOME, idx, 2, hc_outcome_text(why->outcome, why->detail, text, 96));
	snmp_cell_c64(f, RSC_RUNS, idx, 2, runs);
	snmp_cell_c64(f, RSC_FAILED, idx, 2, failed);
	snmp_cell_int(f, RSC_ACTIVE, idx, 2, ASN_GAUGE, dst ? dst->activeconns : 0);
	snmp_cell_int(f, RSC_INACTIVE, idx, 2, ASN_GAUGE, dst ? dst->inactconns : 0);
}

static void ck_row(struct snmp_out *f, const struct hc_probe *p, const oid *idx)
{
	char ep[80], text[96];

	cell_text(f, CK_TYPE, idx, 3, hd_check_type_str(p->k->type));
	cell_text(f, CK_TARGET, idx, 3, hd_endpoint_str(&p->target, ep, sizeof(ep)));
	snmp_cell_int(f, CK_STATE, idx, 3, ASN_INTEGER, p->st.up ? MIB_UP : MIB_DOWN);
	cell_text(f, CK_OUTCOME, idx, 3,
		  hc_outcome_text(p->st.last.outcome, p->st.last.detail, text, sizeof(text)));
	snmp_cell_c64(f, CK_RUNS, idx, 3, p->st.runs);
	snmp_cell_c64(f, CK_FAILURES, idx, 3, p->st.failures);
	snmp_cell_int(
	    f, CK_DURATION, idx, 3, ASN_GAUGE,
	    (long)(p->last_duration_usec > 0xffffffffu ? 0xffffffffu : p->last_duration_usec));
}

static void vs_table(struct hd_daemon *d, struct snmp_out *f)
{
	for (size_t v = 0; d->hc && v < d->hc->n_vs; v++)
		vs_row(d, f, v);
}

static void rs_table(struct hd_daemon *d, struct snmp_out *f)
{
	const struct hc_ctx *c = d->hc;

	for (size_t v = 0; c && v < c->n_vs; v++) {
		const struct ipvs_service *s = observed_svc(d, &c->cfg->virtual_servers[v]);

		for (size_t r = 0; r < c->vs[v].n_rs; r++) {
			const struct hc_rs *rs = &c->vs[v].rs[r];
			const oid idx[] = {v + 1, r + 1};

			rs_row(f, rs, idx, observed_dest(s, &rs->rsc->ep));
		}
	}
}

static void ck_table(struct hd_daemon *d, struct snmp_out *f)
{
	const struct hc_ctx *c = d->hc;

	for (size_t v = 0; c && v < c->n_vs; v++)
		for (size_t r = 0; r < c->vs[v].n_rs; r++)
			for (size_t k = 0; k < c->vs[v].rs[r].n_probes; k++) {
				const oid idx[] = {v + 1, r + 1, k + 1};

				ck_row(f, c->vs[v].rs[r].probes[k], idx);
			}
}

size_t snmp_hd_tables(struct snmp_table *out)
{
	out[0] = (struct snmp_table){"hdVirtualServerTable", vs_entry, OID_LENGTH(vs_entry),
				     vs_table, NULL};
	out[1] = (struct snmp_table){"hdRealServerTable", rs_entry, OID_LENGTH(rs_entry), rs_table,
				     NULL};
	out[2] =
	    (struct snmp_table){"hdCheckerTable", ck_entry, OID_LENGTH(ck_entry), ck_table, NULL};
	return 3;
}

static void add_text(struct snmp_snap *vars, const oid *entry, size_t n, oid col, const oid *idx,
		     size_t ni, const char *s)
{
	struct snmp_out f = {vars, entry, n, NULL};

	snmp_cell_str(&f, col, idx, ni, ASN_OCTET_STR, s, strlen(s));
}

/* hdRealServerStateChange { hdVsName, hdRsAddress, hdRsState, hdRsLastOutcome } */
static void rs_notify(struct hd_snmp *snmp, const struct hc_ctx *c, size_t v, size_t r)
{
	const struct hc_rs *rs = &c->vs[v].rs[r];
	struct snmp_snap vars = {0};
	struct snmp_out f = {&vars, rs_entry, OID_LENGTH(rs_entry), NULL};
	const oid vi[] = {v + 1}, ri[] = {v + 1, r + 1};
	char name[128], ep[80], text[96];

	hc_vs_name(&c->cfg->virtual_servers[v], name, sizeof(name));
	add_text(&vars, vs_entry, OID_LENGTH(vs_entry), VS_NAME, vi, 1, name);
	add_text(&vars, rs_entry, OID_LENGTH(rs_entry), RSC_ADDR, ri, 2,
		 hd_endpoint_str(&rs->rsc->ep, ep, sizeof(ep)));
	snmp_cell_int(&f, RSC_STATE, ri, 2, ASN_INTEGER, rs->up ? MIB_UP : MIB_DOWN);
	add_text(&vars, rs_entry, OID_LENGTH(rs_entry), RSC_OUTCOME, ri, 2,
		 hc_outcome_text(rs->reason.outcome, rs->reason.detail, text, sizeof(text)));
	snmp_notify(snmp, rs_change, OID_LENGTH(rs_change), &vars);
}

void snmp_hd_watch(struct hd_snmp *snmp, struct hd_daemon *d, struct snmp_seen_set *seen)
{
	const struct hc_ctx *c = d->hc;
	bool quiet = seen->cfg != d->config;

	if (quiet) {
		snmp_seen_free(seen);
		seen->cfg = d->config;
	} else if (!c || seen->gen == c->verdict_changes) {
		return; /* nothing went up or down: this runs every loop iteration */
	}
	seen->gen = c ? c->verdict_changes : 0;
	seen->hint = 0;
	for (size_t v = 0; c && v < c->n_vs; v++)
		for (size_t r = 0; r < c->vs[v].n_rs; r++) {
			const struct hc_rs *rs = &c->vs[v].rs[r];
			bool is_new;
			struct snmp_seen *s = snmp_seen_get(seen, rs, &is_new);

			if (!s)
				continue;
			if (!quiet && !is_new && s->state != rs->up)
				rs_notify(snmp, c, v, r);
			s->state = rs->up;
			s->stamp = rs->last_change_usec;
		}
}
